/**
 * Editor hovers: a JWT anywhere in a file shows its decoded summary and a link to open it in the Token Inspector;
 * an AADSTS code shows its explanation. The engine is loaded only when such a hover is actually requested.
 */
import * as vscode from 'vscode';
import { Commands } from './constants';
import { loadEngine } from './engine';
import { aadstsMarkdown, codeSpan, mdEscape } from './markdown';
import { remaining } from '../shared/expiry';

const JWT_AT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const AADSTS_AT = /AADSTS\d{4,8}/g;
const MAX_LINE = 20000;

function matchAt(line: string, re: RegExp, ch: number): { text: string; start: number } | undefined {
  re.lastIndex = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (ch >= m.index && ch <= m.index + m[0].length) return { text: m[0], start: m.index };
  }
  return undefined;
}

const VERDICT_LINE: Record<'verified' | 'invalid' | 'unverified', string> = {
  verified: '$(verified-filled) **Verified**',
  invalid: '$(error) **Invalid**',
  unverified: '$(unverified) **Unverified**',
};

export class AuthHoverProvider implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.ProviderResult<vscode.Hover> {
    const line = doc.lineAt(pos.line).text;
    if (line.length > MAX_LINE) return undefined;
    const jwt = matchAt(line, JWT_AT, pos.character);
    if (jwt)
      return this.jwtHover(jwt.text, new vscode.Range(pos.line, jwt.start, pos.line, jwt.start + jwt.text.length));
    const code = matchAt(line, AADSTS_AT, pos.character);
    if (code)
      return this.codeHover(code.text, new vscode.Range(pos.line, code.start, pos.line, code.start + code.text.length));
    return undefined;
  }

  private async jwtHover(text: string, range: vscode.Range): Promise<vscode.Hover | undefined> {
    const core = loadEngine();
    const d = core.decodeToken(text);
    if (!d.ok || d.kind !== 'jwt') return undefined;
    const p = d.payload;
    const exp = typeof p.exp === 'number' ? p.exp * 1000 : 0;
    const s = core.summarizeToken(d.raw, {
      credential: 'decoded',
      scope: typeof p.aud === 'string' ? p.aud : '',
      fromCache: false,
      expiresOnEpochMs: exp,
    });
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.decodeToken] };
    md.appendMarkdown(`**$(key) JWT** — ${mdEscape(remaining(exp, Date.now()).text)}\n\n`);
    const rows: [string, unknown][] = [
      ['Audience', s.audience],
      ['Issuer', s.issuer],
      ['Tenant', s.tenantId],
      ['App', s.appId],
      ['User', s.upn],
      ['Object id', s.objectId],
      ['Identity', s.identityType],
      ['Algorithm', d.header.alg],
    ];
    for (const [k, v] of rows)
      if (typeof v === 'string' && v) md.appendMarkdown(`${k}: ${codeSpan(v.slice(0, 200))}  \n`);
    // Offline: the hover fetches no keys, so at best it says "unverified"; an unsigned or expired token is invalid.
    const validation = await core.validateToken(d, { now: Date.now() });
    md.appendMarkdown(`\n${VERDICT_LINE[validation.verdict]} — ${mdEscape(validation.summary)}\n`);
    const args = encodeURIComponent(JSON.stringify([{ text: d.raw }]));
    md.appendMarkdown(`\n[Open in Token Inspector](command:${Commands.decodeToken}?${args})`);
    return new vscode.Hover(md, range);
  }

  private codeHover(text: string, range: vscode.Range): vscode.Hover | undefined {
    const ex = loadEngine().explainText(text);
    const c = ex.codes[0];
    if (!c) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(aadstsMarkdown(c)), range);
  }
}
