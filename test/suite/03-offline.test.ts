/**
 * Commands that need no identity provider: decode, explain, hovers, inspector, copy, export, clear and cancellation.
 * Uses a token built here (unsigned JWT).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/constants';
import { api, engine, waitFor } from './helpers';

function b64url(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

const now = Math.floor(Date.now() / 1000);
const JWT = [
  b64url({ typ: 'JWT', alg: 'RS256', kid: 'test-kid' }),
  b64url({
    aud: 'https://vault.azure.net',
    iss: 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/',
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3000,
    tid: '11111111-2222-3333-4444-555555555555',
    oid: 'aaaaaaaa-0000-0000-0000-000000000001',
    sub: 'aaaaaaaa-0000-0000-0000-000000000001',
    appid: 'bbbbbbbb-0000-0000-0000-000000000002',
    ver: '1.0',
    name: '<img src=x onerror=alert(1)>',
  }),
  'c2lnbmF0dXJl',
].join('.');

function exec<T>(id: string, ...args: unknown[]): Promise<T> {
  return vscode.commands.executeCommand<T>(id, ...args) as Promise<T>;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
    .join('\n');
}

suite('offline commands', function () {
  this.timeout(60000);

  test('Decode Token: a JWT from the argument becomes a decoded token, never the status-bar token by itself; Pin puts it there; decoding it again selects it instead of adding a copy', async function () {
    const a = await api();
    await exec(Commands.clearTokens, { skipConfirm: true });
    const out = await exec<{ tokenId: string; kind: string }>(Commands.decodeToken, {
      text: `Authorization: Bearer ${JWT}`,
      noInspector: true,
    });
    assert.equal(out.kind, 'jwt');
    const t = a.store.token(out.tokenId);
    assert.equal(t?.origin, 'decoded');
    assert.equal(t?.label, 'Key Vault token');
    assert.equal(t?.summary.audience, 'https://vault.azure.net');
    assert.equal(a.statusBarText(), '', 'a decoded token does not take the status bar, even when it is empty');
    assert.match(a.tokenTreeItems()[0]?.description ?? '', /^(4[89]|50)m left · decoded$/);
    assert.equal(await exec(Commands.pinToken, { tokenId: out.tokenId }), out.tokenId);
    assert.match(a.statusBarText(), /^\$\(key\) Key Vault token · (4[89]|50)m left$/);
    assert.match(a.tokenTreeItems()[0]?.description ?? '', /^(4[89]|50)m left · decoded · active$/);
    // The hover's "Open in Token Inspector" decodes the token again: the held entry is selected, not duplicated.
    a.store.select(null);
    const again = await exec<{ tokenId: string }>(Commands.decodeToken, { text: JWT, noInspector: true });
    assert.equal(again.tokenId, out.tokenId);
    assert.equal(a.store.snapshot().tokens.length, 1);
    assert.deepEqual(a.store.snapshot().selection, { kind: 'token', id: out.tokenId });
    assert.ok(!a.logLines().some((l) => l.includes(JWT.split('.')[1] ?? '')), 'the token is not logged');
  });

  test('Decode Token: garbage gives one clear line, no crash', async function () {
    const a = await api();
    for (const text of ['', 'eyJ', 'a.b.c', '\u0000'.repeat(1000), 'x'.repeat(2_000_000)]) {
      const r = await exec(Commands.decodeToken, { text, noInspector: true });
      assert.equal(r, undefined);
      assert.match(a.lastCommandError() ?? '', /Not a token/);
    }
  });

  test('JWT hover shows the decoded summary with a link; claim text stays text', async function () {
    const doc = await vscode.workspace.openTextDocument({ content: `token: ${JWT}\n`, language: 'yaml' });
    const h = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(0, 12),
      ),
    );
    assert.match(h, /JWT/);
    assert.match(h, /Audience: `https:\/\/vault\.azure\.net`/);
    assert.match(h, /\[Open in Token Inspector\]\(command:azureAuthDebugger\.decodeToken\?/);
    // The hover fetches no keys: a signed-looking token is unverified, never called valid; an unsigned one is invalid.
    assert.match(h, /\$\(unverified\) \*\*Unverified\*\* — No check failed, but the signature was not checked/);
    const unsigned = [b64url({ alg: 'none', typ: 'JWT' }), JWT.split('.')[1], ''].join('.');
    const doc2 = await vscode.workspace.openTextDocument({ content: `token: ${unsigned}\n`, language: 'yaml' });
    const h2 = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc2.uri,
        new vscode.Position(0, 12),
      ),
    );
    assert.match(h2, /\$\(error\) \*\*Invalid\*\* — Invalid: signature check failed/);
    const none = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(0, 2),
    );
    assert.ok(!hoverText(none).includes('JWT'), 'no hover outside the token');
  });

  test('Explain Error explains AADSTS codes', async () => {
    const a = await api();
    const r = await exec<{ codes?: { code: number }[] } | undefined>(Commands.explainError, {
      text: 'AADSTS7000215: Invalid client secret provided.',
      noInspector: true,
    });
    assert.equal(r?.codes?.[0]?.code, 7000215);
    const err = a.store.snapshot().lastError;
    assert.equal(err?.error?.kind, 'aadsts');
    assert.deepEqual(err?.error?.errorCodes, [7000215]);
  });

  test("the AADSTS hover of every catalog entry is real Markdown (rendered by VS Code's Markdown extension): causes and fixes are list items, commands are code, no literal backtick, every link covers only its address", async function () {
    this.timeout(240000);
    const catalog = engine().aadstsCatalog();
    const doc = await vscode.workspace.openTextDocument({
      content: catalog.map((e) => `error AADSTS${e.code} here`).join('\n'),
      language: 'plaintext',
    });
    const decode = (t: string) =>
      t
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    for (const [line, e] of catalog.entries()) {
      const md = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          doc.uri,
          new vscode.Position(line, 10),
        ),
      );
      const html = await vscode.commands.executeCommand<string>('markdown.api.render', md);
      const where = `AADSTS${e.code}`;
      assert.match(html, new RegExp(`<strong>AADSTS${e.code}</strong>`), where);
      assert.equal(
        (html.match(/<li[\s>]/g) ?? []).length,
        (e.causes ?? []).length + (e.fixes ?? []).length,
        `${where}: every cause and fix is a list item\n${html}`,
      );
      const codes = [e.meaning, ...(e.causes ?? []), ...(e.fixes ?? [])].flatMap((t) =>
        [...t.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''),
      );
      const rendered = [...html.matchAll(/<code[^>]*>([^<]*)<\/code>/g)].map((m) => decode(m[1] ?? ''));
      assert.deepEqual(rendered, codes, `${where}: commands are code spans\n${html}`);
      const outsideCode = decode(html.replace(/<code[^>]*>[^<]*<\/code>/g, '').replace(/<[^>]+>/g, ''));
      assert.ok(!outsideCode.includes('`'), `${where}: a literal backtick\n${html}`);
      for (const a of html.matchAll(/<a [^>]*?href="([^"]*)"[^>]*>(.*?)<\/a>/g)) {
        const href = decode(a[1] ?? '');
        const text = decode((a[2] ?? '').replace(/<[^>]+>/g, ''));
        assert.ok(
          href.endsWith(text) || text === `Microsoft documentation for AADSTS${e.code}`,
          `${where}: the link "${text}" swallowed text (href ${href})`,
        );
      }
      assert.ok(html.includes(`href="https://login.microsoftonline.com/error?code=${e.code}"`), where);
    }
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a cancelled command is silent: no error, a log line, no run', async () => {
    const a = await api();
    const before = a.lastCommandError();
    const runs = a.store.snapshot().runs.length;
    const cts = new vscode.CancellationTokenSource();
    cts.cancel();
    assert.equal(await exec(Commands.runChain, { cancellation: cts.token, noInspector: true }), undefined);
    assert.equal(
      await exec(Commands.acquireToken, {
        credential: 'chain',
        scope: 'https://management.azure.com/.default',
        cancellation: cts.token,
        noInspector: true,
      }),
      undefined,
    );
    assert.equal(a.lastCommandError(), before);
    assert.equal(a.store.snapshot().runs.length, runs);
    assert.ok(a.logLines().some((l) => l.includes(`${Commands.runChain} cancelled`)));
    assert.ok(a.logLines().some((l) => l.includes(`${Commands.acquireToken} cancelled`)));
  });

  test('Show Token Inspector opens the panel; a second call reuses it', async function () {
    const a = await api();
    const id = a.store.snapshot().tokens[0]?.id;
    await exec(Commands.showInspector, { tokenId: id });
    const find = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter(
          (t) =>
            t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('azureAuthDebugger.tokenInspector'),
        );
    await waitFor('inspector tab', () => find().length === 1);
    await exec(Commands.showInspector, {});
    assert.equal(find().length, 1);
    assert.equal(a.store.snapshot().selection?.kind, 'token');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Copy Access Token puts the raw token on the clipboard and logs only the label', async function () {
    const a = await api();
    const t = a.store.snapshot().tokens[0];
    assert.ok(t);
    assert.equal(await exec(Commands.copyAccessToken, { tokenId: t.id, quiet: true }), true);
    assert.equal(await vscode.env.clipboard.readText(), JWT);
    assert.ok(a.logLines().some((l) => l.includes('[tokens] copied Key Vault token')));
  });

  test('Export Trace (JSON) holds summaries and fingerprints, never the token', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azexp-'));
    try {
      const p = await exec<string>(Commands.exportTrace, { format: 'json', path: path.join(dir, 'x.json') });
      const text = fs.readFileSync(p, 'utf8');
      const json = JSON.parse(text) as { tokens: { fingerprint: string; audience?: string }[] };
      assert.equal(json.tokens[0]?.audience, 'https://vault.azure.net');
      assert.match(json.tokens[0]?.fingerprint ?? '', /^[0-9a-f]{12}$/);
      assert.ok(!text.includes(JWT.split('.')[1] ?? 'x'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Refresh Token on a decoded token explains why it cannot', async function () {
    const a = await api();
    await exec(Commands.refreshToken, { tokenId: a.store.snapshot().tokens[0]?.id });
    assert.match(a.lastCommandError() ?? '', /was decoded, not acquired/);
  });

  test('status bar: warning colour near expiry, error colour once expired, Markdown-free text', async function () {
    const a = await api();
    await exec(Commands.clearTokens, { skipConfirm: true });
    const t = Math.floor(Date.now() / 1000);
    const token = (exp: number, aud: string) =>
      [b64url({ alg: 'RS256', typ: 'JWT' }), b64url({ aud, exp, iat: t - 3000, tid: 't' }), 'c2ln'].join('.');
    const pin = async (text: string) =>
      exec(Commands.pinToken, {
        tokenId: (await exec<{ tokenId: string }>(Commands.decodeToken, { text, noInspector: true })).tokenId,
      });
    await pin(token(t + 120, 'https://storage.azure.com'));
    const soon = a.statusBarState();
    assert.match(soon.text, /^\$\(key\) Storage token · (1m|2m|\d\ds) left$/);
    assert.equal(soon.background, 'statusBarItem.warningBackground');
    assert.equal(soon.command, Commands.showInspector);
    await exec(Commands.clearTokens, { skipConfirm: true });
    await exec(Commands.decodeToken, { text: token(t - 60, 'https://graph.microsoft.com'), noInspector: true });
    assert.equal(a.statusBarText(), '', 'a long-expired decoded token does not turn the status bar red');
    await pin(token(t - 60, 'https://graph.microsoft.com'));
    const expired = a.statusBarState();
    assert.equal(expired.text, '$(error) Graph token · expired');
    assert.equal(expired.background, 'statusBarItem.errorBackground');
    assert.match(a.tokenTreeItems()[0]?.description ?? '', /^expired 1m ago · decoded/);
    await exec(Commands.clearTokens, { skipConfirm: true });
    await pin(token(t + 7230, 'api://my-app'));
    assert.deepEqual(a.statusBarState(), {
      text: '$(key) my-app token · 2h 00m left',
      background: undefined,
      command: Commands.showInspector,
    });
    a.tick();
    assert.equal(a.statusBarText(), '$(key) my-app token · 2h 00m left', 'the ticker re-renders from the same store');
  });

  test('VS Code account: acquiring needs a Microsoft sign-in, which this test host refuses; the command ends with that one clear line and adds nothing', async () => {
    const a = await api();
    const tokensBefore = a.store.snapshot().tokens.length;
    const out = await exec<{ tokenId?: string } | undefined>(Commands.acquireToken, {
      credential: 'VSCodeAccountCredential',
      scope: 'https://management.azure.com/.default',
      noInspector: true,
    });
    assert.equal(out, undefined);
    // VS Code's dialog service answers sign-in prompts in an extension test host with this refusal.
    assert.match(a.lastCommandError() ?? '', /wants to sign in using Microsoft/);
    assert.equal(a.store.snapshot().tokens.length, tokensBefore, 'no token added');
    assert.ok(a.logLines().some((l) => l.includes('[vscodeAccount] VSCodeAccountCredential: start')));
  });

  test('Clear Tokens and Secrets empties the Tokens view and hides the status bar', async () => {
    const a = await api();
    assert.equal(await exec(Commands.clearTokens, { skipConfirm: true }), true);
    assert.deepEqual(a.tokenTreeItems(), []);
    assert.equal(a.statusBarText(), '');
    assert.equal(await exec(Commands.copyAccessToken, { quiet: true }), undefined);
    assert.match(a.lastCommandError() ?? '', /No token yet/);
  });
});
