/**
 * Token Inspector in the real extension host: a RunStore with a jose-signed token, the real WebviewPanel, and the
 * panel's postMessage seam recording what the webview gets. Asserts the handshake, full snapshots, the CSP, that the
 * raw token travels only in answer to a reveal, that malformed inbound messages are rejected, and that the real
 * webview bundle loads under the CSP and says `ready` by itself.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateKeyPair, SignJWT } from 'jose';
import * as core from '../../src/core/index';
import { RunStore } from '../../src/extension/runStore';
import { EXTENSION_ID } from '../../src/extension/constants';
import { InspectorPanel, registerInspectorSerializer, type InspectorDeps } from '../../src/extension/inspector/panel';
import { TokenStatusBar } from '../../src/extension/views/statusBar';
import { contentSecurityPolicy } from '../../src/extension/inspector/html';
import type { HostToWebview, InspectorSnapshot } from '../../src/shared/protocol';

const root = path.resolve(__dirname, '..', '..');

async function signedToken(claims: Record<string, unknown> = {}): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: 'https://management.azure.com',
    tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    oid: '00000000-0000-0000-0000-0000000000aa',
    appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    scp: 'user_impersonation',
    ver: '1.0',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })
    .setIssuer('https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/')
    .setIssuedAt(now - 60)
    .setNotBefore(now - 60)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}

interface Harness {
  store: RunStore;
  posted: HostToWebview[];
  opened: vscode.Uri[];
  clipboard: string[];
  warnings: string[];
  deps: InspectorDeps;
  commands: unknown[][];
}

function harness(): Harness {
  const store = new RunStore();
  const h: Harness = {
    store,
    posted: [],
    opened: [],
    clipboard: [],
    warnings: [],
    commands: [],
    deps: undefined as unknown as InspectorDeps,
  };
  h.deps = {
    extensionUri: vscode.Uri.file(root),
    store,
    engine: () => core,
    log: { info: () => undefined, debug: () => undefined, warn: (_c, m) => h.warnings.push(m) },
    postMessage: (webview, message) => {
      h.posted.push(JSON.parse(JSON.stringify(message)) as HostToWebview);
      return webview.postMessage(message);
    },
    openExternal: (uri) => {
      h.opened.push(uri);
      return Promise.resolve(true);
    },
    executeCommand: (command, ...args) => {
      h.commands.push([command, ...args]);
      return Promise.resolve(undefined);
    },
    writeClipboard: (text) => {
      h.clipboard.push(text);
      return Promise.resolve();
    },
  };
  return h;
}

function addToken(store: RunStore, raw: string, credential = 'AzureCLICredential'): string {
  const summary = core.summarizeToken(raw, {
    credential,
    scope: 'https://management.azure.com/.default',
    fromCache: false,
    expiresOnEpochMs: Date.now() + 3_600_000,
  });
  return store.addToken('acquired', summary, new core.SecretValue(raw), {
    credential,
    scopes: ['https://management.azure.com/.default'],
  });
}

function snapshots(h: Harness): InspectorSnapshot[] {
  return h.posted
    .filter((m): m is Extract<HostToWebview, { type: 'snapshot' }> => m.type === 'snapshot')
    .map((m) => m.snapshot);
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

suite('Token Inspector panel', () => {
  let h: Harness;
  let raw: string;
  let tokenId: string;

  setup(async () => {
    h = harness();
    raw = await signedToken({ name: '<img src=x onerror=alert(1)>' });
    tokenId = addToken(h.store, raw);
  });

  teardown(() => {
    InspectorPanel.instance?.dispose();
    h.store.dispose();
  });

  test('answers the ready handshake with a complete snapshot of decoded claims and no raw token', async () => {
    const panel = InspectorPanel.show(h.deps);
    assert.equal(await panel.handleMessage({ type: 'ready' }), true);
    const snap = await waitFor('a snapshot', () => snapshots(h).at(-1));
    assert.equal(snap.version, 1);
    assert.equal(snap.tokens.length, 1);
    assert.equal(snap.selectedTokenId, tokenId);
    assert.equal(snap.detail?.kind, 'jwt');
    assert.equal(snap.detail?.claims.find((c) => c.name === 'aud')?.value, 'https://management.azure.com');
    assert.equal(snap.detail?.claims.find((c) => c.name === 'name')?.value, '<img src=x onerror=alert(1)>');
    assert.equal(snap.detail?.header.find((c) => c.name === 'kid')?.value, 'test-key');
    const everything = JSON.stringify(h.posted);
    const [, payload, signature] = raw.split('.');
    assert.ok(!everything.includes(payload), 'payload segment posted before reveal');
    assert.ok(!everything.includes(signature), 'signature posted before reveal');
    assert.ok(!h.posted.some((m) => m.type === 'rawToken'));
  });

  test('serves the shell with a strict CSP and a fresh nonce on every load', () => {
    const panel = InspectorPanel.show(h.deps);
    const webview = panel.panel.webview;
    const csp = contentSecurityPolicy(webview.cspSource, panel.nonce);
    assert.ok(panel.html.includes(`content="${csp}"`), 'CSP meta');
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src 'nonce-${panel.nonce}'`));
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.ok(panel.html.includes(`<script nonce="${panel.nonce}" src="`));
    const first = panel.nonce;
    panel.load();
    assert.notEqual(panel.nonce, first);
    const roots = (webview.options.localResourceRoots ?? []).map((u) => u.path);
    assert.deepEqual(roots, [
      vscode.Uri.joinPath(h.deps.extensionUri, 'dist', 'webview').path,
      vscode.Uri.joinPath(h.deps.extensionUri, 'media').path,
    ]);
    assert.equal(webview.options.enableCommandUris, false);
  });

  test('posts the raw token only in answer to reveal; copy goes to the clipboard host-side', async () => {
    const panel = InspectorPanel.show(h.deps);
    await panel.handleMessage({ type: 'ready' });
    await waitFor('snapshot', () => snapshots(h).length > 0);
    assert.ok(!JSON.stringify(h.posted).includes(raw));

    await panel.handleMessage({ type: 'copy', id: tokenId });
    assert.deepEqual(h.clipboard, [raw]);
    const copied = h.posted.at(-1);
    assert.deepEqual(copied, { type: 'copied', id: tokenId, fingerprint: core.tokenFingerprint(raw) });
    assert.ok(!JSON.stringify(h.posted).includes(raw), 'copy does not send the token to the webview');

    await panel.handleMessage({ type: 'reveal', id: tokenId });
    const revealed = h.posted.filter((m) => m.type === 'rawToken');
    assert.equal(revealed.length, 1);
    assert.deepEqual(revealed[0], {
      type: 'rawToken',
      id: tokenId,
      fingerprint: core.tokenFingerprint(raw),
      token: raw,
    });

    // Snapshots after the reveal still carry no raw token: only the one answer did.
    h.store.pin(tokenId);
    await waitFor('a snapshot after the reveal', () => h.posted.at(-1)?.type === 'snapshot');
    assert.ok(!JSON.stringify(snapshots(h)).includes(raw.split('.')[1]));

    // Unknown token: a notice, no token.
    await panel.handleMessage({ type: 'reveal', id: 'tok-does-not-exist' });
    assert.equal(h.posted.filter((m) => m.type === 'rawToken').length, 1);
    assert.equal(h.posted.at(-1)?.type, 'notice');
  });

  test('rejects malformed inbound messages without side effects', async () => {
    const panel = InspectorPanel.show(h.deps);
    await panel.handleMessage({ type: 'ready' });
    await waitFor('snapshot', () => snapshots(h).length > 0);
    const before = h.posted.length;
    const selection = JSON.stringify(h.store.snapshot().selection);
    const bad: unknown[] = [
      null,
      'reveal',
      { type: 'reveal' },
      { type: 'reveal', id: tokenId, also: 'this' },
      { type: 'reveal', id: [tokenId] },
      { type: 'copy', id: `${tokenId}<script>` },
      { type: 'select', id: 7 },
      { type: 'openDocs', url: 'https://evil.example/error?code=1' },
      { type: 'openDocs', url: 'command:workbench.action.terminal.new' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'uiState', state: { token: raw } },
    ];
    for (const m of bad) assert.equal(await panel.handleMessage(m), false, JSON.stringify(m));
    // (The real webview may still send its own ready meanwhile, which is answered with a snapshot: not counted.)
    assert.deepEqual(
      h.posted.slice(before).filter((m) => m.type !== 'snapshot'),
      [],
      'nothing posted in answer to a rejected message',
    );
    assert.equal(h.opened.length, 0);
    assert.equal(h.clipboard.length, 0);
    assert.equal(JSON.stringify(h.store.snapshot().selection), selection);
    assert.equal(h.warnings.length, bad.length, 'each rejection is logged');
  });

  test('Refresh runs the Refresh Token command for a token whose request is known, and only for such a token', async () => {
    const panel = InspectorPanel.show(h.deps);
    await panel.handleMessage({ type: 'ready' });
    const snap = await waitFor('snapshot', () => snapshots(h).at(-1));
    assert.equal(snap.detail?.refreshable, true);
    assert.equal(await panel.handleMessage({ type: 'refresh', id: tokenId }), true);
    assert.deepEqual(h.commands, [['azureAuthDebugger.refreshToken', { tokenId }]]);
    const pasted = await signedToken({ aud: 'api://pasted' });
    const decodedId = h.store.addToken(
      'decoded',
      core.summarizeToken(pasted, {
        credential: 'decoded',
        scope: '',
        fromCache: false,
        expiresOnEpochMs: Date.now() + 60_000,
      }),
      new core.SecretValue(pasted),
    );
    await panel.handleMessage({ type: 'refresh', id: decodedId });
    assert.equal(h.commands.length, 1, 'a pasted token is not refreshed');
    assert.equal(h.posted.at(-1)?.type, 'notice');
  });

  test('opens the AADSTS documentation only through the host, only for the lookup URL', async () => {
    const panel = InspectorPanel.show(h.deps);
    assert.equal(
      await panel.handleMessage({ type: 'openDocs', url: 'https://login.microsoftonline.com/error?code=700016' }),
      true,
    );
    assert.equal(h.opened.length, 1);
    assert.equal(h.opened[0].toString(true), 'https://login.microsoftonline.com/error?code=700016');
  });

  test('re-posts a full snapshot on every store change and explains the last error', async () => {
    const panel = InspectorPanel.show(h.deps);
    await panel.handleMessage({ type: 'ready' });
    await waitFor('first snapshot', () => snapshots(h).length >= 1);
    const text = 'AADSTS7000215: Invalid client secret provided. Trace ID: 0a1b2c3d-0000-0000-0000-000000000001';
    h.store.setError({
      source: 'Acquire Token',
      error: { kind: 'aadsts', message: text, errorCodes: [7000215] },
      explanation: core.explainText(text),
    });
    const snap = await waitFor('snapshot with the failure', () => snapshots(h).find((s) => s.failure));
    assert.equal(snap.failure?.kind, 'aadsts');
    const known = snap.failure?.codes.map((c) => c.code) ?? [];
    assert.deepEqual(known, [7000215], 'the catalog explains the code');
    assert.deepEqual(snap.failure?.unknownCodes, []);
    assert.ok((snap.failure?.codes[0]?.fixes.length ?? 0) > 0, 'with what to do');
    assert.equal(snap.focus, 'error');
    assert.equal(snap.tokens.length, 1, 'the snapshot is complete, not a delta');
  });

  test('select from the webview changes the store selection; revive restores the saved fingerprint', async () => {
    const raw2 = await signedToken({ aud: 'https://graph.microsoft.com' });
    const id2 = addToken(h.store, raw2, 'EnvironmentCredential');
    const panel = InspectorPanel.show(h.deps);
    await panel.handleMessage({ type: 'ready' });
    await panel.handleMessage({ type: 'select', id: tokenId });
    const snap = await waitFor('snapshot selecting the first token', () =>
      snapshots(h).find((s) => s.selectedTokenId === tokenId),
    );
    assert.equal(snap.detail?.fingerprint, core.tokenFingerprint(raw));
    panel.dispose();

    // After a reload VS Code hands the serializer the webview's saved state: the panel goes back to that token.
    const webviewPanel = vscode.window.createWebviewPanel(
      'azureAuthDebugger.tokenInspector',
      'Token Inspector',
      vscode.ViewColumn.Active,
      InspectorPanel.webviewOptions(h.deps.extensionUri),
    );
    const revived = InspectorPanel.revive(webviewPanel, h.deps, {
      selectedFingerprint: core.tokenFingerprint(raw2),
      open: { claims: false },
    });
    await revived.handleMessage({ type: 'ready' });
    const after = await waitFor('snapshot after revive', () => snapshots(h).find((s) => s.selectedTokenId === id2));
    assert.equal(after.detail?.credential, 'EnvironmentCredential');
    revived.dispose();

    // A saved state with anything unexpected in it is ignored, not trusted: the panel still starts.
    const other = vscode.window.createWebviewPanel(
      'azureAuthDebugger.tokenInspector',
      'Token Inspector',
      vscode.ViewColumn.Active,
      InspectorPanel.webviewOptions(h.deps.extensionUri),
    );
    const hostile = InspectorPanel.revive(other, h.deps, { selectedFingerprint: '<script>', token: raw });
    assert.equal(await hostile.handleMessage({ type: 'ready' }), true);
    // The extension registered the reload serializer at activation: a second registration for the view type fails.
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    assert.throws(() => registerInspectorSerializer(h.deps), /already registered/);
  });

  test('re-sends the full snapshot when the panel becomes visible again', async () => {
    const panel = InspectorPanel.show(h.deps);
    await panel.handleMessage({ type: 'ready' });
    await waitFor('first snapshot', () => snapshots(h).length >= 1);
    // Another editor in the same group hides the panel; store changes meanwhile are not posted to a hidden panel.
    // A file on disk, not an untitled document: closing it later asks no "save changes?" question.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, 'package.json')));
    await vscode.window.showTextDocument(doc, { viewColumn: panel.panel.viewColumn, preview: false });
    await waitFor('panel hidden', () => !panel.panel.visible);
    const hiddenCount = snapshots(h).length;
    h.store.setError({
      source: 'while hidden',
      error: { kind: 'network', message: 'connect ECONNREFUSED 127.0.0.1:1', errorCodes: [] },
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(snapshots(h).length, hiddenCount, 'no snapshot to a hidden panel');
    panel.reveal();
    const snap = await waitFor(
      'snapshot after becoming visible',
      () => snapshots(h).length > hiddenCount && snapshots(h).at(-1),
    );
    assert.equal(snap.failure?.source, 'while hidden', 'the re-sent snapshot is complete and current');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the real webview bundle loads under the CSP and sends ready by itself', async () => {
    const panel = InspectorPanel.show(h.deps);
    await waitFor('the webview ready handshake', () => panel.isReady, 30000);
    const snap = await waitFor('snapshot after the real handshake', () => snapshots(h).at(-1));
    assert.equal(snap.detail?.kind, 'jwt');
  });

  for (const tab of ['in front', 'hidden', 'closed'] as const) {
    test(`opens on the token just acquired when its tab is ${tab}: the rebuilt webview's saved selection does not win, and the status bar follows the new token`, async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      // The previous test's panel was disposed a moment ago; a new webview created in the same instant sometimes
      // never loads in code-server, so let the workbench settle first.
      await new Promise((r) => setTimeout(r, 1500));
      const bar = new TokenStatusBar(h.store);
      try {
        // The user looked at the first token in the real webview, which saved its fingerprint with setState.
        let panel = InspectorPanel.show(h.deps, { selection: { kind: 'token', id: tokenId } });
        await waitFor('the webview ready handshake', () => panel.readyCount >= 1, 30000);
        await waitFor('a snapshot of the first token', () => snapshots(h).at(-1)?.selectedTokenId === tokenId);
        await new Promise((r) => setTimeout(r, 300)); // the webview saves its state as it renders the snapshot
        let readyBefore = panel.readyCount;
        if (tab === 'hidden') {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, 'package.json')));
          await vscode.window.showTextDocument(doc, { viewColumn: panel.panel.viewColumn, preview: false });
          await waitFor('panel hidden', () => !panel.panel.visible);
        } else if (tab === 'closed') {
          panel.dispose();
          readyBefore = 0;
        }
        // A second token arrives and the inspector is opened on it, as Acquire Token…, the Tokens view and the hover do.
        const id2 = addToken(
          h.store,
          await signedToken({ aud: 'https://graph.microsoft.com' }),
          'EnvironmentCredential',
        );
        panel = InspectorPanel.show(h.deps, { selection: { kind: 'token', id: id2 } });
        if (tab !== 'in front')
          await waitFor('the rebuilt webview says ready', () => panel.readyCount > readyBefore, 30000);
        await waitFor('a snapshot of the new token', () => snapshots(h).at(-1)?.selectedTokenId === id2);
        await new Promise((r) => setTimeout(r, 500)); // a late handshake would re-select the old token here
        assert.equal(snapshots(h).at(-1)?.selectedTokenId, id2, 'the panel shows the new token');
        assert.equal(snapshots(h).at(-1)?.detail?.credential, 'EnvironmentCredential');
        assert.deepEqual(h.store.snapshot().selection, { kind: 'token', id: id2 });
        assert.match(bar.state.text, /^\$\(key\) Graph token · /, 'the status bar follows the new token');
        assert.equal(panel.panel.visible, true);
      } finally {
        bar.dispose();
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    });
  }
});
