/**
 * "Trace Azure authentication" in a real VS Code: a Node program using the real @azure/identity runs under the built-in
 * JavaScript debugger (js-debug) against the sandbox, and its chain run — read from the session's output by the
 * tracker — appears in the Credential Chain tree, labelled with its SDK release. Then a burst of AADSTS codes gets one
 * notification, and a per-session managed-identity broker serves the app's ManagedIdentityCredential.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/constants';
import type { SandboxHandle } from '../../src/extension/host';
import { api, extensionPath, setSetting, waitFor } from './helpers';

// Sandbox fixtures (documented demo values, not secrets): see src/sandbox/config.ts DEMO.
const CONFIDENTIAL_CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const CONFIDENTIAL_SECRET = 'sandbox-secret-value-1';

/** Starts a launch configuration and waits until its (root) session has ended. */
async function debugToEnd(config: vscode.DebugConfiguration, timeoutMs = 60000): Promise<void> {
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const sub = vscode.debug.onDidTerminateDebugSession((s) => {
    if (s.name === config.name && !s.parentSession) ended();
  });
  try {
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
    assert.ok(started, `the debug session "${String(config.name)}" started`);
    await Promise.race([
      done,
      new Promise((_, fail) => setTimeout(() => fail(new Error(`"${String(config.name)}" did not end`)), timeoutMs)),
    ]);
  } finally {
    sub.dispose();
  }
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
    sandbox = await vscode.commands.executeCommand<SandboxHandle>(Commands.startSandbox, { port: 0, quiet: true });
    assert.ok(sandbox?.caFile, 'the sandbox has a CA file for the app');
    await vscode.commands.executeCommand(Commands.enableAppTrace);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand(Commands.disableAppTrace);
    await setSetting('appTrace.enabled', undefined);
    await vscode.commands.executeCommand(Commands.stopSandbox);
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
