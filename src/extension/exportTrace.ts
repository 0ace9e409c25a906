/** Export Trace rendering: the store snapshot as redacted Markdown (support tickets) or JSON (chain --json shape). */
import type { RunStoreSnapshot } from './runStore';
import { formatElapsed } from '../shared/expiry';

/** JSON export: the store snapshot (already redacted by the engine; tokens only as summaries and fingerprints). */
export function exportJson(snap: RunStoreSnapshot): string {
  return `${JSON.stringify({ exportedAt: new Date(snap.now).toISOString(), tool: 'Azure Auth Debugger', runs: snap.runs.map((r) => r.result), tokens: snap.tokens.map((t) => t.summary), lastError: snap.lastError }, null, 2)}\n`;
}

function cell(s: string | undefined): string {
  return (s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function exportMarkdown(snap: RunStoreSnapshot): string {
  const out: string[] = [
    `# Azure Auth Debugger trace`,
    '',
    `Exported ${new Date(snap.now).toISOString()}. Secrets and tokens are redacted; tokens appear only as fingerprints.`,
    '',
  ];
  for (const r of snap.runs) {
    const res = r.result;
    out.push(
      `## Chain run ${res.startedAt} (${res.mode}, ${res.profile})`,
      '',
      `Scope \`${res.scope}\` · winner: **${res.winner ?? 'none'}** · ${formatElapsed(res.durationMs)}`,
      '',
    );
    // Where the run happened (the hosting fingerprint, evidence included).
    if (res.hosting) {
      out.push(
        `Hosting environment: **${cell(res.hosting.summary)}** · managed-identity source: ${cell(res.hosting.managedIdentitySource)}`,
        '',
      );
      for (const f of res.hosting.environments)
        out.push(
          `- ${cell(f.label)} (${f.confidence}): ${f.evidence.map((e) => `${e.kind} ${cell(e.name)}: ${cell(e.detail)}`).join('; ')}`,
        );
      out.push('');
    }
    out.push('| # | Credential | Outcome | Duration | Message |', '|---|---|---|---|---|');
    res.steps.forEach((s, i) =>
      out.push(`| ${i + 1} | ${s.credential} | ${s.outcome} | ${formatElapsed(s.durationMs)} | ${cell(s.message)} |`),
    );
    out.push('');
    for (const s of res.steps) {
      out.push(`### ${s.credential}`, '');
      // The fingerprint's prediction, and whether the outcome agreed with it.
      if (s.prediction)
        out.push(
          `Predicted **${s.prediction.verdict}**${s.prediction.agrees === false ? ' — the outcome disagrees' : ''}: ${cell(s.prediction.reason)}`,
          '',
        );
      out.push('```');
      for (const e of s.events) {
        if (e.kind === 'http')
          out.push(`${e.method} ${e.url} -> ${e.error ?? e.status ?? '?'} (${formatElapsed(e.durationMs)})`);
        else if (e.kind === 'process')
          out.push(`$ ${e.command} ${e.args.join(' ')} -> exit ${e.exitCode ?? '?'} (${formatElapsed(e.durationMs)})`);
        else if (e.kind === 'outcome') out.push(`outcome ${e.outcome}: ${e.message}`);
        else if (e.kind === 'note') out.push(`${e.level}: ${e.message}`);
        else if (e.kind === 'config') {
          for (const v of e.variables ?? []) out.push(`env ${v.name}: ${v.set ? (v.value ?? 'set') : 'not set'}`);
          for (const x of e.executables ?? []) out.push(`exe ${x.name}: ${x.resolved ?? 'not found'}`);
          for (const p of e.endpoints ?? []) out.push(`endpoint ${p.name}: ${p.url}`);
        } else if (e.kind === 'step-start') out.push(`start${e.description ? `: ${e.description}` : ''}`);
      }
      out.push('```', '');
    }
    if (res.error) out.push(`**Error:** ${cell(res.error.message)}`, '');
  }
  if (snap.tokens.length) {
    out.push('## Tokens', '', '| Token | Credential | Audience | Expires | Fingerprint |', '|---|---|---|---|---|');
    for (const t of snap.tokens)
      out.push(
        `| ${cell(t.label)} | ${cell(t.summary.credential)} | ${cell(t.summary.audience)} | ${t.summary.expiresOn} | ${t.summary.fingerprint} |`,
      );
    out.push('');
  }
  if (snap.lastError) {
    out.push('## Last error', '', '```', snap.lastError.source, '```', '');
    for (const c of snap.lastError.explanation?.codes ?? [])
      out.push(`- **AADSTS${c.code}**: ${cell(c.meaning)}${c.fixes[0] ? ` — fix: ${cell(c.fixes[0])}` : ''}`);
    out.push('');
  }
  return out.join('\n');
}
