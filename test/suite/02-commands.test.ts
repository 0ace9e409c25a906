/**
 * Every command against the in-process sandbox, started through the extension's own Start Sandbox command.
 * Asserts on the run store, the tree items, the status bar text, the output channel, SecretStorage use and
 * cancellation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/constants';
import type { AcquireOutcome, SandboxHandle } from '../../src/extension/host';
import { api, setSetting, waitFor } from './helpers';

const ARM = 'https://management.azure.com/.default';
const GRAPH = 'https://graph.microsoft.com/.default';
// Sandbox fixtures (documented demo values, not secrets): see src/sandbox/config.ts DEMO.
const CONFIDENTIAL_CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const CONFIDENTIAL_SECRET = 'sandbox-secret-value-1';
const SANDBOX_TENANT = '5b0f1a2c-3d4e-4f60-8a7b-9c0d1e2f3a4b';
const PUBLIC_CLIENT = 'c0ffee00-0000-4000-8000-000000000002';
const USER = 'alice@sandbox.onmicrosoft.com';
const PASSWORD = 'Sandbox-Passw0rd!';

function exec<T>(id: string, ...args: unknown[]): Promise<T> {
  return vscode.commands.executeCommand<T>(id, ...args) as Promise<T>;
}

suite('commands against the sandbox', function () {
  this.timeout(120000);
  let sandbox: SandboxHandle | undefined;

  suiteSetup(async function () {
    sandbox = await exec<SandboxHandle>(Commands.startSandbox, { port: 0 });
    assert.ok(sandbox, 'Start Sandbox returned the sandbox');
  });

  suiteTeardown(async () => {
    await setSetting('chain.environment', undefined);
    await setSetting('statusBar.enabled', undefined);
    if (sandbox) await exec(Commands.stopSandbox);
  });

  test('Start Sandbox points the engine at the sandbox and says so', async () => {
    const a = await api();
    const snap = a.store.snapshot();
    assert.equal(snap.sandbox.running, true);
    assert.match(snap.sandbox.url ?? '', /^https:\/\/(127\.0\.0\.1|localhost):\d+/);
    assert.ok(a.logLines().some((l) => l.includes('[sandbox]') && l.includes('the engine now talks to it')));
  });

  test('Run Credential Chain: managed identity wins; tree, status bar and log show it', async function () {
    const a = await api();
    const out = await exec<AcquireOutcome>(Commands.runChain, { scope: ARM, noInspector: true });
    assert.ok(out?.runId, `a run was recorded (${a.lastCommandError() ?? ''})`);
    const run = a.store.latestRun();
    assert.equal(
      run?.result.winner,
      'ManagedIdentityCredential',
      JSON.stringify(run?.result.steps.map((s) => [s.credential, s.outcome, s.message])),
    );
    const all = a.chainTreeItems();
    assert.equal(all[0]?.label, 'Environment', 'the hosting fingerprint heads the tree'); // [issue 7]
    const items = all.filter((i) => i.label !== 'Environment');
    const labels = items.map((i) => i.label);
    assert.deepEqual(labels.slice(0, 3), [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
    assert.match(items[0]?.description ?? '', /^unavailable · \d/);
    assert.match(items[2]?.description ?? '', /^success ★ · \d/);
    assert.ok(
      items.some((i) => i.label === 'VS Code account (Microsoft)'),
      'VS Code account is listed as a credential',
    );
    assert.match(a.statusBarText(), /^\$\(key\) ARM token · (\d+m|\d+h \d\dm) left$/);
    const tokens = a.tokenTreeItems();
    assert.equal(tokens[0]?.label, 'ARM token');
    assert.match(tokens[0]?.description ?? '', /left · ManagedIdentityCredential · active/);
    const log = a.logLines();
    assert.ok(
      log.some((l) => /^info \[managedIdentity\] ManagedIdentityCredential: start/.test(l)),
      'step start at info',
    );
    assert.ok(
      log.some((l) => /^info \[managedIdentity\] ManagedIdentityCredential: success in \d+ ms/.test(l)),
      'step outcome with duration at info',
    );
    assert.ok(
      log.some((l) => /^debug \[http\] .*GET http:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token/.test(l)),
      'HTTP exchange at debug',
    );
    const raw = a.store.revealToken(a.store.activeToken()?.id ?? '') ?? '';
    assert.ok(raw.length > 100, 'raw token kept host-side');
    assert.ok(!log.some((l) => l.includes(raw.slice(20, 80))), 'the token never reaches the log');
    assert.ok(!JSON.stringify(a.store.snapshot()).includes(raw.slice(20, 80)), 'the snapshot holds no raw token');
  });

  test('Run Credential Chain (Diagnose): every credential reported in chain order', async function () {
    const a = await api();
    await exec(Commands.diagnoseChain, { scope: ARM, noInspector: true });
    const run = a.store.latestRun();
    assert.equal(run?.result.mode, 'diagnose');
    assert.equal(run?.result.winner, 'ManagedIdentityCredential');
    assert.ok((run?.result.steps.length ?? 0) >= 4, 'all steps ran');
    // The running sandbox shows in the tree, with its URL (Stop and Copy are its item actions).
    const node = a.chainTreeItems().find((i) => i.label === 'Sandbox tenant');
    assert.equal(node?.description, a.store.snapshot().sandbox.url);
    assert.match(node?.description ?? '', /^https:\/\/127\.0\.0\.1:\d+/);
  });

  test('Acquire Token with a client secret; the secret goes to SecretStorage only when the user agrees', async function () {
    const a = await api();
    const before = await a.savedSecretCount();
    const out = await exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'ClientSecretCredential',
      scope: GRAPH,
      tenantId: SANDBOX_TENANT,
      clientId: CONFIDENTIAL_CLIENT,
      secret: CONFIDENTIAL_SECRET,
      saveSecret: false,
      noInspector: true,
    });
    assert.ok(out?.tokenId, `token acquired (${JSON.stringify(out?.error ?? a.lastCommandError())})`);
    assert.equal(await a.savedSecretCount(), before, 'not saved when the user declines');
    assert.match(a.statusBarText(), /Graph token · /);
    await exec(Commands.acquireToken, {
      credential: 'ClientSecretCredential',
      scope: GRAPH,
      tenantId: SANDBOX_TENANT,
      clientId: CONFIDENTIAL_CLIENT,
      secret: CONFIDENTIAL_SECRET,
      saveSecret: true,
      noInspector: true,
    });
    assert.equal(await a.savedSecretCount(), before + 1, 'saved when the user agrees');
    assert.ok(!a.logLines().some((l) => l.includes(CONFIDENTIAL_SECRET)), 'the secret never reaches the log');
  });

  test('a wrong client secret ends with the AADSTS7000215 explanation', async function () {
    const a = await api();
    const out = await exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'ClientSecretCredential',
      scope: ARM,
      tenantId: SANDBOX_TENANT,
      clientId: CONFIDENTIAL_CLIENT,
      secret: 'not-the-secret',
      saveSecret: false,
      noInspector: true,
      quiet: true,
    });
    assert.ok(out?.error, 'an error outcome');
    assert.ok(out.error.errorCodes.includes(7000215), JSON.stringify(out.error));
    const err = a.store.snapshot().lastError;
    const codes = (err?.explanation as { codes?: { code: number }[] } | undefined)?.codes ?? [];
    assert.ok(
      codes.some((c) => c.code === 7000215),
      'explained',
    );
  });

  test('a secret-named variable in chain.environment is ignored, with a warning that names it (never its value)', async function () {
    const a = await api();
    // The right secret: were it read from settings, EnvironmentCredential would win.
    await setSetting('chain.environment', {
      AZURE_TENANT_ID: SANDBOX_TENANT,
      AZURE_CLIENT_ID: CONFIDENTIAL_CLIENT,
      AZURE_CLIENT_SECRET: CONFIDENTIAL_SECRET,
      AZURE_PASSWORD: PASSWORD,
    });
    try {
      await exec(Commands.runChain, { scope: ARM, noInspector: true, quiet: true });
      const run = a.store.latestRun();
      const env = run?.result.steps.find((st) => st.credential === 'EnvironmentCredential');
      assert.equal(env?.outcome, 'unavailable', `the secret in settings was not used: ${JSON.stringify(env?.message)}`);
      const details = a.chainTreeItems().find((i) => i.label === 'EnvironmentCredential')?.details ?? [];
      assert.ok(
        details.some((d) => d.label === 'AZURE_TENANT_ID' && /^set/.test(d.description ?? '')),
        `the non-secret variables are kept: ${JSON.stringify(details)}`,
      );
      assert.ok(
        !details.some((d) => d.label === 'AZURE_CLIENT_SECRET'),
        'AZURE_CLIENT_SECRET is not set for the chain',
      );
      const warning = a.lastEnvironmentWarning() ?? '';
      assert.match(warning, /AZURE_CLIENT_SECRET, AZURE_PASSWORD/);
      assert.match(warning, /ignored/);
      assert.match(warning, /Set Chain Environment Secret/);
      assert.ok(
        a.logLines().some((l) => /^warn \[settings\] .*AZURE_CLIENT_SECRET.*ignored/.test(l)),
        'the warning is in the log',
      );
      for (const v of [CONFIDENTIAL_SECRET, PASSWORD])
        assert.ok(!a.logLines().some((l) => l.includes(v)) && !warning.includes(v), 'the ignored value is never shown');
    } finally {
      await setSetting('chain.environment', undefined);
    }
  });

  test('an error message with a secret-looking value is redacted in lastCommandError() and the log', async function () {
    const a = await api();
    const secret = 'Sup3rS3cretValue99';
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    // Export Trace to a folder that does not exist: Node's ENOENT message repeats the path, secrets and all.
    for (const leak of [`client_secret=${secret}`, jwt]) {
      const out = await exec(Commands.exportTrace, {
        format: 'json',
        path: path.join(os.tmpdir(), 'azexp-missing', leak, 't.json'),
      });
      assert.equal(out, undefined);
      const err = a.lastCommandError() ?? '';
      assert.match(err, /ENOENT/);
      assert.match(err, /REDACTED/);
      assert.ok(!err.includes(secret) && !err.includes(jwt), `lastCommandError is redacted: ${err}`);
    }
    assert.ok(!a.logLines().some((l) => l.includes(secret) || l.includes(jwt)), 'the log is redacted');
  });

  test('a failing chain configuration: a wrong AZURE_CLIENT_SECRET from SecretStorage stops the chain, the tree explains it; the right one succeeds; Clear removes it', async function () {
    const a = await api();
    const before = await a.savedSecretCount();
    await setSetting('chain.environment', { AZURE_TENANT_ID: SANDBOX_TENANT, AZURE_CLIENT_ID: CONFIDENTIAL_CLIENT });
    try {
      assert.equal(
        await exec(Commands.setChainSecret, { name: 'AZURE_CLIENT_SECRET', value: 'wrong-secret', quiet: true }),
        'AZURE_CLIENT_SECRET',
      );
      assert.equal(await a.savedSecretCount(), before + 1, 'stored in SecretStorage');
      const inspect = vscode.workspace.getConfiguration('azureAuthDebugger').inspect('chain.environment');
      assert.ok(
        !JSON.stringify(inspect).includes('wrong-secret') && !JSON.stringify(inspect).includes('AZURE_CLIENT_SECRET'),
        'never written to settings',
      );
      await exec(Commands.runChain, { scope: ARM, noInspector: true, quiet: true });
      const run = a.store.latestRun();
      assert.equal(run?.result.winner, null);
      const env = a.chainTreeItems().find((i) => i.label === 'EnvironmentCredential');
      assert.match(env?.description ?? '', /^failed · /);
      assert.ok(
        env?.children.some((c) => /^AADSTS7000215/.test(c)),
        `explanation child: ${JSON.stringify(env?.children)}`,
      );
      const secretRow = env?.details.find((d) => d.label === 'AZURE_CLIENT_SECRET');
      assert.match(secretRow?.description ?? '', /^set \(from SecretStorage\)/, JSON.stringify(env?.details));
      assert.ok(!(secretRow?.description ?? '').includes('wrong-secret'), 'the value is masked');
      assert.ok(
        a.logLines().some((l) => /^warn \[environment\] EnvironmentCredential: failed .*AADSTS7000215/.test(l)),
        'failure at warn with the code',
      );
      assert.ok(a.logLines().some((l) => /\[secrets\] AZURE_CLIENT_SECRET stored in SecretStorage/.test(l)));
      assert.ok(!a.logLines().some((l) => l.includes('wrong-secret')), 'the stored secret is redacted');
      assert.ok(!JSON.stringify(a.store.snapshot()).includes('wrong-secret'), 'nor in the snapshot the webview gets');

      await exec(Commands.setChainSecret, { name: 'AZURE_CLIENT_SECRET', value: CONFIDENTIAL_SECRET, quiet: true });
      assert.equal(await a.savedSecretCount(), before + 1, 'replaced, not added');
      await exec(Commands.runChain, { scope: 'https://vault.azure.net/.default', noInspector: true, quiet: true });
      assert.equal(
        a.store.latestRun()?.result.winner,
        'EnvironmentCredential',
        JSON.stringify(a.store.latestRun()?.result.steps.map((st) => [st.credential, st.outcome, st.message])),
      );
      assert.ok(!a.logLines().some((l) => l.includes(CONFIDENTIAL_SECRET)), 'the right secret is not logged either');

      await exec(Commands.clearTokens, { skipConfirm: true });
      assert.equal(await a.savedSecretCount(), 0, 'Clear removed it');
      await exec(Commands.runChain, { scope: ARM, noInspector: true, quiet: true });
      const after = a.store.latestRun();
      assert.equal(
        after?.result.steps.find((st) => st.credential === 'EnvironmentCredential')?.outcome,
        'unavailable',
        'the chain no longer sees it',
      );
    } finally {
      await exec(Commands.setChainSecret, { name: 'AZURE_CLIENT_SECRET', value: '', quiet: true });
      await setSetting('chain.environment', undefined);
    }
    // Clear forgot the session's tokens: the next tests need an active one again (managed identity, as before).
    await exec(Commands.runChain, { scope: ARM, noInspector: true, quiet: true });
    assert.equal(a.store.latestRun()?.result.winner, 'ManagedIdentityCredential');
  });

  test('Set Chain Environment Secret… refuses a variable that is not a chain secret', async () => {
    const a = await api();
    assert.equal(await exec(Commands.setChainSecret, { name: 'AZURE_CLIENT_ID', value: 'x', quiet: true }), undefined);
    assert.match(
      a.lastCommandError() ?? '',
      /AZURE_CLIENT_ID is not a secret-named variable: put it in the setting azureAuthDebugger\.chain\.environment/,
    );
  });

  interface MiContract {
    appService: { endpoint: string; header: string };
    azureMl: { endpoint: string; secret: string };
    userAssigned: { clientId: string }[];
  }
  const mi = (): MiContract =>
    (sandbox as unknown as { contract: { managedIdentity: MiContract } }).contract.managedIdentity;

  for (const c of [
    {
      source: 'App Service',
      secret: 'IDENTITY_HEADER',
      env: () => ({ IDENTITY_ENDPOINT: mi().appService.endpoint }),
      right: () => mi().appService.header,
      endpoint: () => mi().appService.endpoint,
    },
    {
      source: 'Azure Machine Learning',
      secret: 'MSI_SECRET',
      env: () => ({
        MSI_ENDPOINT: mi().azureMl.endpoint,
        DEFAULT_IDENTITY_CLIENT_ID: mi().userAssigned[0]?.clientId ?? '',
      }),
      right: () => mi().azureMl.secret,
      endpoint: () => mi().azureMl.endpoint,
    },
  ]) {
    test(`${c.source} managed identity configured from the extension: the endpoint in chain.environment, ${c.secret} stored with Set Chain Environment Secret…; a wrong value fails, the right one wins`, async () => {
      const a = await api();
      await setSetting('chain.environment', c.env());
      try {
        assert.equal(
          await exec(Commands.setChainSecret, {
            name: c.secret,
            value: `wrong-${c.secret.toLowerCase()}`,
            quiet: true,
          }),
          c.secret,
        );
        await exec(Commands.runChain, { scope: ARM, noInspector: true, quiet: true });
        const failed = a.store.latestRun()?.result;
        const step = failed?.steps.find((st) => st.credential === 'ManagedIdentityCredential');
        assert.notEqual(failed?.winner, 'ManagedIdentityCredential', JSON.stringify(step));
        assert.notEqual(step?.outcome, 'success');
        const row = a
          .chainTreeItems()
          .find((i) => i.label === 'ManagedIdentityCredential')
          ?.details.find((d) => d.label === c.secret);
        assert.match(
          row?.description ?? '',
          /^set \(from SecretStorage\)/,
          JSON.stringify(a.chainTreeItems().find((i) => i.label === 'ManagedIdentityCredential')?.details),
        );

        await exec(Commands.setChainSecret, { name: c.secret, value: c.right(), quiet: true });
        await exec(Commands.runChain, { scope: ARM, noInspector: true, quiet: true });
        const run = a.store.latestRun()?.result;
        assert.equal(
          run?.winner,
          'ManagedIdentityCredential',
          JSON.stringify(run?.steps.map((st) => [st.credential, st.outcome, st.message])),
        );
        const endpoint = new URL(c.endpoint());
        assert.ok(
          a.logLines().some((l) => l.startsWith('debug [http]') && l.includes(`${endpoint.host}${endpoint.pathname}`)),
          `the token came from the ${c.source} endpoint`,
        );
        for (const v of [c.right(), `wrong-${c.secret.toLowerCase()}`])
          assert.ok(!a.logLines().some((l) => l.includes(v)), `${c.secret}'s value is never logged`);
        assert.ok(
          !JSON.stringify(vscode.workspace.getConfiguration('azureAuthDebugger').inspect('chain.environment')).includes(
            c.secret,
          ),
          'never written to settings',
        );
      } finally {
        await exec(Commands.setChainSecret, { name: c.secret, value: '', quiet: true });
        await setSetting('chain.environment', undefined);
      }
    });
  }

  test('Decode Token adds a decoded token; Explain Error explains a code', async function () {
    const a = await api();
    const active = a.store.activeToken();
    const raw = a.store.revealToken(active?.id ?? '');
    assert.ok(raw, 'a token to decode');
    const count = a.store.snapshot().tokens.length;
    const out = await exec<{ tokenId: string; kind: string }>(Commands.decodeToken, {
      text: `Bearer ${raw}`,
      noInspector: true,
    });
    assert.equal(out.kind, 'jwt');
    assert.equal(out.tokenId, active?.id, 'decoding a token the session holds selects it');
    assert.equal(a.store.snapshot().tokens.length, count, 'no duplicate');
    assert.equal(a.store.token(out.tokenId)?.origin, 'acquired');
    assert.equal(a.store.activeToken()?.id, active?.id);
    const bad = await exec(Commands.decodeToken, { text: 'not a token', noInspector: true });
    assert.equal(bad, undefined);
    assert.match(a.lastCommandError() ?? '', /Not a token/);
    const ex = await exec<{ codes: { code: number }[] }>(Commands.explainError, {
      text: 'AADSTS700016: Application not found',
      noInspector: true,
    });
    assert.equal(ex.codes[0]?.code, 700016);
    assert.equal(a.store.snapshot().selection?.kind, 'error');
  });

  test('Copy Access Token copies the active token; Refresh Token re-runs its request', async function () {
    const a = await api();
    await exec(Commands.runChain, { scope: ARM, noInspector: true });
    const t = a.store.activeToken();
    assert.ok(t);
    const copied = await exec<boolean>(Commands.copyAccessToken, { tokenId: t.id, quiet: true });
    assert.equal(copied, true);
    assert.equal(await vscode.env.clipboard.readText(), a.store.revealToken(t.id));
    assert.ok(
      a.logLines().some((l) => l.includes('[tokens] copied ARM token')),
      'copy is logged without the value',
    );
    const runs = a.store.snapshot().runs.length;
    await exec(Commands.refreshToken, { tokenId: t.id });
    assert.equal(a.store.snapshot().runs.length, runs + 1, 'refresh ran the chain again');
  });

  test('cancellation: a cancelled run is silent (no error, nothing recorded)', async function () {
    const a = await api();
    const runs = a.store.snapshot().runs.length;
    const errorBefore = a.lastCommandError();
    const cts = new vscode.CancellationTokenSource();
    cts.cancel();
    const out = await exec(Commands.runChain, { scope: ARM, cancellation: cts.token, noInspector: true });
    assert.equal(out, undefined);
    assert.equal(a.store.snapshot().runs.length, runs);
    assert.equal(a.lastCommandError(), errorBefore, 'no error reported');
    assert.ok(a.logLines().some((l) => l.includes(`${Commands.runChain} cancelled`)));
    // Mid-flight: cancel while the chain runs (the sandbox IMDS answers; the abort must still win or the run finish).
    const cts2 = new vscode.CancellationTokenSource();
    const p = exec(Commands.runChain, { scope: GRAPH, cancellation: cts2.token, noInspector: true });
    cts2.cancel();
    await p;
    assert.equal(a.lastCommandError(), errorBefore, 'mid-flight cancel reports no error');
  });

  test('cancellation in flight: a hanging token endpoint, the user cancels, the command ends at once and records nothing', async function () {
    const a = await api();
    const sb = sandbox as unknown as { update(m: (c: { faults: unknown[] }) => void): Promise<unknown> };
    await sb.update((c) => {
      c.faults = [{ endpoint: 'token', hang: true }];
    });
    await setSetting('chain.environment', { AZURE_TENANT_ID: SANDBOX_TENANT, AZURE_CLIENT_ID: CONFIDENTIAL_CLIENT });
    await exec(Commands.setChainSecret, { name: 'AZURE_CLIENT_SECRET', value: CONFIDENTIAL_SECRET, quiet: true });
    try {
      const runs = a.store.snapshot().runs.length;
      const errorBefore = a.lastCommandError();
      const cts = new vscode.CancellationTokenSource();
      const pending = exec(Commands.runChain, {
        scope: 'https://storage.azure.com/.default',
        cancellation: cts.token,
        noInspector: true,
      });
      await waitFor(
        'the environment step to start',
        () => a.logLines().some((l) => l.includes('EnvironmentCredential: start') && l.includes('storage.azure.com')),
        20000,
      );
      cts.cancel();
      const out = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still running'), 10000))]);
      assert.equal(out, undefined, 'the command ended when cancelled (not after the 30 s step limit)');
      assert.equal(a.store.snapshot().runs.length, runs, 'a cancelled run is not recorded');
      assert.equal(a.lastCommandError(), errorBefore, 'no error toast');
    } finally {
      await exec(Commands.setChainSecret, { name: 'AZURE_CLIENT_SECRET', value: '', quiet: true });
      await setSetting('chain.environment', undefined);
      await sb.update((c) => {
        c.faults = [];
      });
    }
  });

  test('Export Trace writes redacted Markdown and JSON', async function () {
    const a = await api();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azexp-'));
    try {
      const md = await exec<string>(Commands.exportTrace, { format: 'markdown', path: path.join(dir, 't.md') });
      const js = await exec<string>(Commands.exportTrace, { format: 'json', path: path.join(dir, 't.json') });
      const mdText = fs.readFileSync(md, 'utf8');
      const json = JSON.parse(fs.readFileSync(js, 'utf8')) as {
        runs: { winner: string | null }[];
        tokens: { fingerprint: string }[];
      };
      assert.match(mdText, /^# Azure Auth Debugger trace/);
      assert.match(mdText, /\| \d+ \| ManagedIdentityCredential \| success \|/);
      assert.ok(json.runs.length > 0 && json.tokens.length > 0);
      for (const t of a.store.snapshot().tokens) {
        const raw = a.store.revealToken(t.id) ?? '';
        assert.ok(
          !mdText.includes(raw.slice(10, 60)) && !JSON.stringify(json).includes(raw.slice(10, 60)),
          'no token in exports',
        );
      }
      assert.ok(
        !mdText.includes(CONFIDENTIAL_SECRET) && !JSON.stringify(json).includes(CONFIDENTIAL_SECRET),
        'no secret in exports',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('status bar follows its setting and the hover decodes JWTs in any file', async function () {
    const a = await api();
    assert.notEqual(a.statusBarText(), '');
    await setSetting('statusBar.enabled', false);
    await waitFor('status bar hidden', () => a.statusBarText() === '');
    await setSetting('statusBar.enabled', undefined);
    await waitFor('status bar shown', () => a.statusBarText() !== '');
    const raw = a.store.revealToken(a.store.activeToken()?.id ?? '') ?? '';
    const doc = await vscode.workspace.openTextDocument({
      content: `const token = "${raw}";\n// AADSTS7000215 here\n`,
      language: 'javascript',
    });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(0, 20),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
      .join('\n');
    assert.match(text, /JWT/);
    assert.match(text, /Audience: `https:\/\/management\.azure\.com/);
    assert.match(text, /Open in Token Inspector\]\(command:azureAuthDebugger\.decodeToken\?/);
    const h2 = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(1, 6),
    );
    const t2 = h2
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
      .join('\n');
    assert.match(t2, /AADSTS7000215/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Show Token Inspector opens the webview panel', async () => {
    await exec(Commands.showInspector, {});
    const tab = await waitFor('inspector tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find(
          (t) =>
            t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('azureAuthDebugger.tokenInspector'),
        ),
    );
    assert.equal(tab.label, 'Token Inspector');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Acquire Token with a device code: the code is shown, the user approves, the token arrives', async function () {
    const a = await api();
    const pending = exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'DeviceCodeCredential',
      scope: GRAPH,
      tenantId: SANDBOX_TENANT,
      clientId: PUBLIC_CLIENT,
      noInspector: true,
    });
    const info = await waitFor('device code', () => a.lastDeviceCode(), 30000);
    assert.match(info.userCode, /^[A-Z0-9-]{6,}$/);
    assert.match(info.verificationUri, /^https:\/\/127\.0\.0\.1:\d+\//);
    (sandbox as unknown as { approveDeviceCode(code: string, user: string): void }).approveDeviceCode(
      info.userCode,
      USER,
    );
    const out = await pending;
    assert.ok(out?.tokenId, JSON.stringify(out?.error ?? a.lastCommandError()));
    assert.equal(a.store.token(out.tokenId)?.summary.identityType, 'user');
    assert.equal(a.chainTreeItems()[0]?.label, 'DeviceCodeCredential', 'the one-credential run shows in the tree');
  });

  test('Acquire Token with a client certificate from the sandbox', async function () {
    const a = await api();
    const apps = (
      sandbox as unknown as {
        contract: {
          apps: { clientId: string; tenantId: string; certificateFile?: string; certificatePassword?: string }[];
        };
      }
    ).contract.apps;
    const app = apps.find((x) => x.certificateFile);
    assert.ok(app?.certificateFile, 'the sandbox contract lists an app with a certificate');
    const out = await exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'ClientCertificateCredential',
      scope: ARM,
      tenantId: app.tenantId,
      clientId: app.clientId,
      certificatePath: app.certificateFile,
      certificatePassword: '',
      noInspector: true,
    });
    assert.ok(out?.tokenId, JSON.stringify(out?.error ?? a.lastCommandError()));
    assert.equal(a.store.token(out.tokenId)?.summary.identityType, 'application');
  });

  test('Acquire Token with interactive sign-in: the browser opens the sandbox sign-in page (PKCE), the user signs in', async function () {
    const a = await api();
    const pending = exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'InteractiveBrowserCredential',
      scope: GRAPH,
      tenantId: SANDBOX_TENANT,
      clientId: PUBLIC_CLIENT,
      noInspector: true,
    });
    const url = await waitFor('sign-in page', () => a.lastBrowserUrl(), 30000);
    assert.match(url, /\/oauth2\/v2\.0\/authorize\?.*code_challenge=/);
    // A person would sign in on that page; the sandbox drives the same page and form.
    await (sandbox as unknown as { signIn(url: string, user: string, password: string): Promise<unknown> }).signIn(
      url,
      USER,
      PASSWORD,
    );
    const out = await pending;
    assert.ok(out?.tokenId, JSON.stringify(out?.error ?? a.lastCommandError()));
    assert.equal(a.store.token(out.tokenId)?.summary.identityType, 'user');
  });

  test('Acquire Token with username and password; the password never reaches the log', async function () {
    const a = await api();
    const out = await exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'UsernamePasswordCredential',
      scope: ARM,
      tenantId: SANDBOX_TENANT,
      clientId: PUBLIC_CLIENT,
      username: USER,
      secret: PASSWORD,
      saveSecret: false,
      noInspector: true,
    });
    assert.ok(out?.tokenId, JSON.stringify(out?.error ?? a.lastCommandError()));
    assert.equal(a.store.token(out.tokenId)?.summary.identityType, 'user');
    assert.ok(!a.logLines().some((l) => l.includes(PASSWORD)));
  });

  test('tree item commands: copy a step, acquire with one credential from its item', async function () {
    const a = await api();
    await exec(Commands.runChain, { scope: ARM, noInspector: true });
    const node = {
      kind: 'step',
      label: 'ManagedIdentityCredential',
      credential: 'ManagedIdentityCredential',
      copyText: 'ManagedIdentityCredential: success',
    };
    await exec(Commands.copyItemText, node);
    assert.equal(await vscode.env.clipboard.readText(), 'ManagedIdentityCredential: success');
    const before = a.store.latestRun()?.id;
    const out = await exec<AcquireOutcome>(Commands.acquireWithCredential, { ...node, scope: ARM });
    assert.ok(out?.tokenId, JSON.stringify(out?.error ?? a.lastCommandError()));
    assert.notEqual(a.store.latestRun()?.id, before, 'a new run was recorded');
    assert.equal(a.store.latestRun()?.id, out.runId);
    assert.deepEqual(
      a
        .chainTreeItems()
        .map((i) => i.label)
        .slice(0, 1),
      ['ManagedIdentityCredential'],
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Clear Tokens and Secrets forgets every token and saved secret', async () => {
    const a = await api();
    await exec(Commands.clearTokens, { skipConfirm: true });
    assert.deepEqual(a.tokenTreeItems(), []);
    assert.equal(a.statusBarText(), '');
    assert.equal(await a.savedSecretCount(), 0);
  });

  test('Stop Sandbox stops it', async () => {
    const a = await api();
    assert.equal(await exec(Commands.stopSandbox), true);
    sandbox = undefined;
    assert.equal(a.store.snapshot().sandbox.running, false);
    assert.ok(!a.chainTreeItems().some((i) => i.label === 'Sandbox tenant'), 'the sandbox node is gone');
  });
});
