/**
 * "Trace Azure authentication" in a real VS Code: a Node program using the real @azure/identity runs under the built-in
 * JavaScript debugger (js-debug) against the sandbox, and its chain run — read from the session's output by the
 * tracker — appears in the Credential Chain tree, labelled with its SDK release. An app that floods 100 MB between two
 * tokens leaves the host answering and both chain runs read. Then a burst of AADSTS codes gets one notification, and a
 * per-session managed-identity broker serves the app's ManagedIdentityCredential.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/constants';
import type { SandboxHandle } from '../../src/extension/host';
import { api, extensionPath, startTracedSandbox, stopTracedSandbox, waitFor } from './helpers';

// Sandbox fixtures (documented demo values, not secrets): see src/sandbox/config.ts DEMO.
const CONFIDENTIAL_CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const CONFIDENTIAL_SECRET = 'sandbox-secret-value-1';
const ARM = 'https://management.azure.com/.default';
const GRAPH = 'https://graph.microsoft.com/.default';
/** What the session reader parses per program (src/extension/apptrace/sessionTrace.ts MAX_READ_BYTES). */
const PARSE_CAP = 32 * 1024 * 1024;
/**
 * What the flooding app prints: issue 12's 100 MB. With the Debug Console's view closed, js-debug hands it to the
 * extension host as output events in about 5 s on the 2-core CI machine (the whole test about 10 s; measured
 * 2026-12-06), so the full figure stays. With the view open, the workbench's rendering paces the adapter and the same
 * 100 MB take about 70 s: the host then gets the flood ten times slower, so the closed view is the harder case for it.
 */
const FLOOD_BYTES = 100 * 1024 * 1024;

/** Starts a launch configuration; ended() settles when its (root) session has ended, or fails after timeoutMs. */
async function debugSession(config: vscode.DebugConfiguration): Promise<{ ended(timeoutMs?: number): Promise<void> }> {
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const sub = vscode.debug.onDidTerminateDebugSession((s) => {
    if (s.name === config.name && !s.parentSession) ended();
  });
  void done.then(() => sub.dispose());
  const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
  if (!started) sub.dispose();
  assert.ok(started, `the debug session "${String(config.name)}" started`);
  return {
    ended: async (timeoutMs = 60000) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`"${String(config.name)}" did not end`)), timeoutMs);
      });
      try {
        await Promise.race([done, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Starts a launch configuration and waits until its (root) session has ended. */
async function debugToEnd(config: vscode.DebugConfiguration, timeoutMs = 60000): Promise<void> {
  await (await debugSession(config)).ended(timeoutMs);
}

function identityRelease(): string {
  const file = path.join(extensionPath(), 'node_modules/@azure/identity/package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

suite('Trace Azure authentication: debug sessions', function () {
  this.timeout(180000);
  let sandbox: SandboxHandle;
  const app = () => path.join(extensionPath(), 'test/fixtures/apptrace/app.mjs');
  /** The sandbox's service principal as EnvironmentCredential reads it, with the sandbox's CA trusted. */
  const servicePrincipalEnv = () => ({
    NODE_EXTRA_CA_CERTS: sandbox.caFile!,
    AZURE_AUTHORITY_HOST: sandbox.authorityHost,
    AZURE_TENANT_ID: sandbox.tenantId!,
    AZURE_CLIENT_ID: CONFIDENTIAL_CLIENT,
    AZURE_CLIENT_SECRET: CONFIDENTIAL_SECRET,
  });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'azauth-apptrace-suite-'));

  suiteSetup(async () => {
    sandbox = await startTracedSandbox();
  });

  suiteTeardown(async () => {
    await stopTracedSandbox();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('a Node app under the JavaScript debugger: its chain run appears in the Credential Chain tree, observed in the app', async () => {
    const a = await api();
    await debugToEnd({
      type: 'node',
      request: 'launch',
      name: 'Traced app',
      program: app(),
      env: servicePrincipalEnv(),
    });
    const label = `observed in your app: @azure/identity ${identityRelease()}`;
    const items = await waitFor('the observed run in the Credential Chain tree', () => {
      const i = a.chainTreeItems();
      return i[0]?.label === label && i[0].description?.includes('Traced app') && i;
    });
    assert.match(items[0]!.description ?? '', /Traced app \(debug session\)$/, 'complete: the chain said how it ended');
    const env = items.find((i) => i.label === 'EnvironmentCredential');
    assert.match(env?.description ?? '', /^success ★/, JSON.stringify(items));
    const run = a.store.latestRun()!.result;
    assert.deepEqual(
      { sdk: run.observed?.sdk, via: run.observed?.via, app: run.observed?.app, complete: run.observed?.complete },
      { sdk: 'js', via: 'debug-session', app: 'Traced app', complete: true },
    );
    assert.equal(run.winner, 'EnvironmentCredential');
    assert.equal(run.selection.source, 'observed');
    // The secret the app was given never reaches the store or the log.
    assert.ok(!JSON.stringify(a.store.snapshot()).includes(CONFIDENTIAL_SECRET));
    assert.ok(!a.logLines().some((l) => l.includes(CONFIDENTIAL_SECRET)));
    assert.ok(a.logLines().some((l) => l.includes('[apptrace]') && l.includes('added AZURE_LOG_LEVEL')));
    assert.ok(a.logLines().some((l) => l.includes(`"Traced app", ${label}: EnvironmentCredential won`)));
    assert.equal(a.appTrace().liveSessions, 0, 'the session trace ended with the session');
  });

  test('a Node app flooding its output under the JavaScript debugger (100 MB, binary, a 10 MB line, both streams): the host answers during the flood, and the chain runs before and after it are read', async () => {
    const a = await api();
    const name = 'Flood app';
    const stop = path.join(scratch, 'flood-stop');
    const results = path.join(scratch, 'flood-results.jsonl');
    const label = `observed in your app: @azure/identity ${identityRelease()}`;
    const mine = () => a.store.snapshot().runs.filter((r) => r.result.observed?.app === name);
    /** What the session's reader has read and only counted so far (test API: the traces still running). */
    const counted = () =>
      a
        .appTrace()
        .live.filter((l) => l.where === `debug session "${name}"`)
        .reduce((n, l) => ({ read: n.read + l.read, unread: n.unread + l.unread }), { read: 0, unread: 0 });
    // The Debug Console's view stays closed (see FLOOD_BYTES): an earlier session opened it.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const session = await debugSession({
      type: 'node',
      request: 'launch',
      name,
      program: path.join(extensionPath(), 'test/fixtures/apptrace/flood.mjs'),
      internalConsoleOptions: 'neverOpen',
      env: {
        ...servicePrincipalEnv(),
        FLOOD_SCOPES: `${ARM} ${GRAPH}`,
        FLOOD_BYTES: String(FLOOD_BYTES),
        FLOOD_STOP: stop,
        FLOOD_RESULTS: results,
      },
    });
    try {
      // The app asks its first token, floods, and waits for the stop file: it cannot end before that is written.
      await waitFor(
        'the chain run from before the flood',
        () => mine().some((r) => r.result.scope === ARM && r.result.observed?.complete),
        60000,
      );
      await waitFor('the reader past its parse cap', () => counted().unread > 0, 120000);
      const capped = counted();
      // While the flood still arrives: one of the extension's commands and its effect, and the tree with the run
      // from before the flood.
      const ex = await vscode.commands.executeCommand<{ codes?: { code: number }[] }>(Commands.explainError, {
        text: 'AADSTS7000215: Invalid client secret provided.',
        noInspector: true,
      });
      assert.equal(ex?.codes?.[0]?.code, 7000215);
      assert.equal(a.store.snapshot().lastError?.error?.errorCodes?.[0], 7000215);
      const tree = a.chainTreeItems();
      assert.equal(tree[0]?.label, label, JSON.stringify(tree));
      assert.match(tree[0]?.description ?? '', /Flood app \(debug session\)$/);
      assert.match(tree.find((i) => i.label === 'EnvironmentCredential')?.description ?? '', /^success ★/);
      assert.equal(a.store.latestRun()?.result.scope, ARM, 'the run before the flood is the latest');
      const answered = counted();
      assert.ok(
        answered.read + answered.unread < FLOOD_BYTES,
        `the host answered before the flood had all arrived (${JSON.stringify(answered)})`,
      );
      assert.equal(answered.read, capped.read, 'past the cap, the program’s own lines are counted, not read');
      // The workbench answers too (a round trip through it), and the rest of the flood arrives.
      assert.ok((await vscode.commands.getCommands(true)).includes(Commands.explainError));
      await waitFor('the whole flood counted', () => counted().read + counted().unread >= FLOOD_BYTES, 120000);
    } finally {
      fs.writeFileSync(stop, '');
    }
    await session.ended(60000);
    // What the app saw itself: a token from EnvironmentCredential before and after the flood.
    const seen = fs
      .readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { when: string; scope: string; ok: boolean; winner?: string });
    assert.deepEqual(
      seen.map((r) => [r.when, r.scope, r.ok, r.winner]),
      [
        ['before', ARM, true, 'EnvironmentCredential'],
        ['after', GRAPH, true, 'EnvironmentCredential'],
      ],
    );
    // What the reader made of its output: the same two chain runs, the second one read past the cap.
    const runs = await waitFor('both chain runs, complete', () => {
      const m = mine();
      return m.length === 2 && m.every((r) => r.result.observed?.complete) && m;
    });
    assert.deepEqual(
      runs.map((r) => [r.result.scope, r.result.winner, r.result.observed?.label, r.result.observed?.via]).reverse(),
      seen.map((r) => [r.scope, r.winner, label, 'debug-session']),
    );
    const tree = a.chainTreeItems();
    assert.equal(tree[0]?.label, label);
    assert.match(tree.find((i) => i.label === 'EnvironmentCredential')?.description ?? '', /^success ★/);
    assert.equal(a.store.latestRun()?.result.scope, GRAPH, 'the run after the flood is the latest, in the tree');
    const notRead = a.logLines().map((l) => /"Flood app": (\d+) bytes of output not read \(over the cap\)/.exec(l));
    const unread = Number(notRead.find(Boolean)?.[1]);
    assert.ok(unread >= FLOOD_BYTES - PARSE_CAP, `${unread} bytes counted, not read`);
    assert.equal(a.appTrace().liveSessions, 0, 'the session trace ended with the session');
  });

  test('a burst of AADSTS codes in the output: every code in the log, one notification, unknown SDK lines counted', async () => {
    const a = await api();
    const before = a.appTrace().notifications;
    const burst = (first: number, file: string) => {
      const lines = Array.from({ length: 80 }, (_, i) => `AADSTS${first + i}: failure number ${i}`);
      fs.writeFileSync(
        path.join(scratch, file),
        `for (const l of ${JSON.stringify(lines)}) process.stdout.write(l + '\\n');\n` +
          `process.stderr.write('azure:identity:info DefaultAzureCredential => a message from a newer release\\n');\n`,
      );
      return { type: 'node', request: 'launch', name: file, program: path.join(scratch, file) };
    };
    await debugToEnd(burst(9100000, 'burst-one.mjs'));
    await debugToEnd(burst(9200000, 'burst-two.mjs'));
    const logged = await waitFor(
      '160 codes in the log',
      () => a.appTrace().loggedCodes.length >= before + 160 && a.appTrace().loggedCodes,
    );
    for (let i = 0; i < 80; i++) {
      assert.ok(logged.includes(9100000 + i), `AADSTS${9100000 + i} logged`);
      assert.ok(logged.includes(9200000 + i), `AADSTS${9200000 + i} logged`);
    }
    assert.equal(a.appTrace().notifications - before, 1, 'two bursts of 80 codes: one notification');
    assert.equal(a.logLines().filter((l) => l.includes('[aadsts] AADSTS9100005 ')).length, 1, 'each code logged once');
    assert.ok(a.logLines().some((l) => l.includes('"burst-one.mjs": 1 SDK log record(s) not understood')));
  });

  test('an integrated terminal: the logging switches in its environment, a command’s chain run read through shell integration', async () => {
    const a = await api();
    const terminal = vscode.window.createTerminal({
      name: 'Traced terminal',
      shellPath: '/bin/bash',
      cwd: extensionPath(),
      env: servicePrincipalEnv(),
    });
    try {
      const shell = await waitFor('shell integration in the terminal', () => terminal.shellIntegration, 30000);
      const before = a.appTrace().terminalCommands;
      shell.executeCommand('node test/fixtures/apptrace/app.mjs');
      const label = `observed in your app: @azure/identity ${identityRelease()}`;
      await waitFor(
        'the terminal command’s observed run',
        () => {
          const o = a.store.latestRun()?.result.observed;
          return o?.via === 'terminal' && o.complete && o.label === label;
        },
        60000,
      );
      assert.equal(a.appTrace().terminalCommands - before, 1);
      const run = a.store.latestRun()!.result;
      assert.equal(run.winner, 'EnvironmentCredential');
      assert.equal(run.observed?.app, 'node test/fixtures/apptrace/app.mjs');
      assert.ok(!JSON.stringify(a.store.snapshot()).includes(CONFIDENTIAL_SECRET));
    } finally {
      terminal.dispose();
    }
  });

  test('an opt-in managed-identity broker for the session: the app’s ManagedIdentityCredential gets its token there', async () => {
    const a = await api();
    const out = path.join(scratch, 'broker-env.json');
    const program = path.join(scratch, 'broker-app.mjs');
    fs.writeFileSync(
      program,
      `import { writeFileSync } from 'node:fs';\n` +
        `import { createRequire } from 'node:module';\n` +
        `const identity = createRequire(${JSON.stringify(path.join(extensionPath(), 'package.json'))})('@azure/identity');\n` +
        `const seen = { endpoint: process.env.IDENTITY_ENDPOINT, header: Boolean(process.env.IDENTITY_HEADER) };\n` +
        `try { await new identity.ManagedIdentityCredential().getToken('https://management.azure.com/.default'); seen.ok = true; }\n` +
        `catch (e) { seen.ok = false; seen.error = String(e.message); }\n` +
        `writeFileSync(${JSON.stringify(out)}, JSON.stringify(seen));\n`,
    );
    const running: string[] = [];
    const sub = vscode.debug.onDidStartDebugSession(() => running.push(...a.appTrace().brokers.map((b) => b.endpoint)));
    try {
      await debugToEnd({
        type: 'node',
        request: 'launch',
        name: 'Broker app',
        program,
        azureAuthBroker: 'sandbox',
        env: { NODE_EXTRA_CA_CERTS: sandbox.caFile! },
      });
    } finally {
      sub.dispose();
    }
    const seen = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      endpoint?: string;
      header: boolean;
      ok: boolean;
      error?: string;
    };
    assert.equal(seen.ok, true, seen.error);
    assert.match(seen.endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
    assert.equal(seen.header, true, 'IDENTITY_HEADER was set for the debuggee');
    assert.ok(running.includes(seen.endpoint!), 'the broker ran while the session did');
    const lines = a.logLines().filter((l) => l.includes('[broker]'));
    assert.ok(
      lines.some(
        (l) => l.includes('"Broker app": GET /msi/token resource https://management.azure.com') && l.includes('200'),
      ),
      lines.join('\n'),
    );
    await waitFor('the broker to stop with the session', () => a.appTrace().brokers.length === 0);
    assert.ok(lines.length > 0 && !lines.some((l) => /eyJ[A-Za-z0-9_-]{20,}/.test(l)), 'no token in the log');
  });
});
