/**
 * The human text of a resource call: request line, status, redirects, response headers and body, the explanation, the
 * challenge, the token cross-checks and the fixes. Every piece of outside text goes through terminalSafe. The CLI paints
 * it with ANSI colours; the extension shows it as is.
 */
import { terminalSafe, terminalSafeBlock } from '../text/terminal';
import type { ResourceCallResult } from './call';

export type PaintColour = 'bold' | 'dim' | 'red' | 'green' | 'yellow';
export type Paint = (colour: PaintColour, text: string) => string;

export function renderResourceCall(r: ResourceCallResult, paint: Paint = (_c, t) => t): string {
  const x = r.explanation;
  const lines: string[] = [];
  const safe = terminalSafe;
  const colour = x.outcome === 'authorized' ? 'green' : x.outcome === 'denied' ? 'red' : 'yellow';
  lines.push(`${paint('bold', safe(`${r.request.method} ${r.request.url}`))}`);
  lines.push(
    `${paint(colour, `HTTP ${r.response.status}`)}  ${paint('dim', `${r.response.durationMs} ms · ${x.service.displayName}`)}`,
  );
  for (const d of r.redirects)
    lines.push(
      `  ${paint(d.followed ? 'dim' : 'yellow', safe(`redirect ${d.status} → ${d.location}: ${d.followed ? 'followed' : 'NOT followed'} (${d.reason})`))}`,
    );
  lines.push('', paint('bold', 'Response headers'));
  for (const [k, v] of Object.entries(r.response.headers)) lines.push(`  ${safe(k)}: ${safe(v)}`);
  if (r.response.bodyText) {
    lines.push('', paint('bold', 'Body'));
    const body =
      r.response.bodyText.length > 4000
        ? `${r.response.bodyText.slice(0, 4000)}… (${r.response.bodyText.length} chars)`
        : r.response.bodyText;
    lines.push(
      ...terminalSafeBlock(body)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  if (x.outcome === 'authorized') {
    lines.push('', paint('green', 'The API accepted the token.'));
  } else {
    lines.push('', paint('bold', 'Explanation'));
    if (x.entry)
      lines.push(
        `  ${paint('bold', safe(`${x.entry.code}${x.body.innerCode ? ` / ${x.body.innerCode}` : ''}`))} (${x.classification}): ${safe(x.entry.title)}`,
        `  ${safe(x.entry.meaning)}`,
        `  ${paint('dim', x.entry.docsUrl)}`,
      );
    else if (x.unknownCode)
      lines.push(
        `  ${paint('yellow', safe(`${x.unknownCode.code}: unknown code`))} — not in this tool's catalog; look it up: ${safe(x.unknownCode.lookupUrl)}`,
      );
    else if (x.classification === 'claims-challenge')
      lines.push(`  ${paint('bold', 'Claims challenge')} (Continuous Access Evaluation / Conditional Access)`);
    else lines.push(`  No error code in the answer.`);
  }
  if (x.challenge) {
    const c = x.challenge;
    lines.push('', paint('bold', 'WWW-Authenticate'));
    if (c.authorizationUri)
      lines.push(`  authorization: ${safe(c.authorizationUri)}${c.tenant ? ` (tenant ${safe(c.tenant)})` : ''}`);
    if (c.resource) lines.push(`  resource: ${safe(c.resource)}`);
    if (c.error) lines.push(`  error: ${safe(c.error)}${c.errorDescription ? ` — ${safe(c.errorDescription)}` : ''}`);
    if (c.wants?.length) {
      lines.push('  the API wants a token with:');
      for (const w of c.wants)
        lines.push(`    ${safe(w.claim)}${w.essential ? ' (essential)' : ''}: ${safe(w.meaning)}`);
    } else if (c.claimsProblem) lines.push(`  claims: ${safe(c.claimsProblem)}`);
  }
  for (const p of x.challengeProblems) lines.push(`  ${paint('yellow', safe(`header: ${p}`))}`);
  if (x.findings.length) {
    lines.push('', paint('bold', 'Token vs the answer'));
    for (const f of x.findings)
      lines.push(
        `  ${paint(f.verdict === 'ok' ? 'green' : f.verdict === 'problem' ? 'red' : 'yellow', f.verdict.padEnd(7))} ${f.check.padEnd(11)} ${safe(f.message)}`,
      );
  }
  if (x.fixes.length) {
    lines.push('', paint('bold', 'Fix'));
    for (const f of x.fixes) lines.push(`  • ${safe(f)}`);
  }
  return `${lines.join('\n')}\n`;
}
