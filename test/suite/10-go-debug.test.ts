/**
 * "Trace Azure authentication" for Go debug sessions in a real VS Code: Debian's delve (dlv dap) builds and runs a Go
 * program with Debian's Go, behind test/e2e/fixtures/delve-adapter, a stand-in for the Go extension that code-server
 * cannot download here (it relays dlv's stdout and stderr as the session's output, as the Go extension does). The
 * program (test/fixtures/apptrace/go-app) stands in for an app using azidentity, which cannot be fetched here: it
 * asks the sandbox for a token over loopback HTTPS with the service principal in its environment and prints
 * azidentity's log lines only when AZURE_SDK_GO_LOGGING=all. The chain run the extension reads from the session's
 * output must be the one the program reports itself (its APP-RESULT line).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StepResult } from '../../src/core/index';
import type { SandboxHandle } from '../../src/extension/host';
import { debugToEnd, processEnv } from './debugSessions';
import { Commands } from '../../src/extension/constants';
import { api, extensionPath, startTracedSandbox, stopTracedSandbox, waitFor } from './helpers';

// Sandbox fixtures (documented demo values, not secrets): see src/sandbox/config.ts DEMO.
const CONFIDENTIAL_CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const CONFIDENTIAL_SECRET = 'sandbox-secret-value-1';
const WRONG_SECRET = 'not-the-sandbox-secret';

/** What the program prints about its own chain (see test/fixtures/apptrace/go-app/main.go). */
interface AppResult {
  ok: boolean;
  winner?: string;
  failed?: string;
  message?: string;
  logging: string;
  release: string;
  pid: number;
  notModeled?: string;
}

function appResult(stdout: string): AppResult {
  const line = stdout.split('\n').find((l) => l.startsWith('APP-RESULT '));
  assert.ok(line, `the program printed no APP-RESULT line in the session's output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('APP-RESULT '.length)) as AppResult;
}

/** The pid of the process running `binary` (the debuggee dlv built), from /proc. */
function pidOf(binary: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/exe`) === binary) return Number(entry);
    } catch {
      // a process that ended, or one that is not ours to read
    }
  }
  return undefined;
}

const describeSteps = (steps: readonly StepResult[]) => steps.map((s) => `${s.credential}=${s.outcome}`).join(', ');

suite('Trace Azure authentication: Go debug sessions (delve)', function () {
  this.timeout(240000);
  let sandbox: SandboxHandle;
  const program = () => path.join(extensionPath(), 'test/fixtures/apptrace/go-app');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'azauth-godebug-suite-'));
  /** A launch of the program under delve: built by dlv (mode debug) into the scratch folder, offline. */
  const launch = (name: string, env: Record<string, string>): vscode.DebugConfiguration => ({
    type: 'go',
    request: 'launch',
    mode: 'debug',
    name,
    program: program(),
    output: path.join(scratch, name.replace(/\W+/g, '-')),
    // Go modules cannot be fetched here and the program needs none: the build stays offline and on Debian's Go.
    env: { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', ...env },
  });
  /** The sandbox's service principal as EnvironmentCredential reads it, the sandbox's CA trusted by Go's TLS. */
  const servicePrincipalEnv = (secret: string) => ({
    SSL_CERT_FILE: sandbox.caFile!,
    AZURE_AUTHORITY_HOST: sandbox.authorityHost,
    AZURE_TENANT_ID: sandbox.tenantId!,
    AZURE_CLIENT_ID: CONFIDENTIAL_CLIENT,
    AZURE_CLIENT_SECRET: secret,
  });

  suiteSetup(async () => {
    assert.ok(
      vscode.extensions.getExtension('azure-auth-debugger-tests.delve-adapter'),
      'the Go debugger stand-in is loaded (test/e2e/fixtures/delve-adapter)',
    );
    await api(); // activates the extension when this suite runs alone
    sandbox = await startTracedSandbox();
  });

  suiteTeardown(async () => {
    await stopTracedSandbox();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('a Go app under delve: AZURE_SDK_GO_LOGGING=all in its environment, its chain run in the tree as it saw it', async () => {
    const a = await api();
    const config = launch('Traced Go app', servicePrincipalEnv(CONFIDENTIAL_SECRET));
    let pid: number | undefined;
    let debuggeeEnv: Record<string, string> = {};
    const seen = await debugToEnd(config, () => {
      pid = pidOf(config.output as string);
      assert.ok(pid, `no process runs ${String(config.output)}`);
      debuggeeEnv = processEnv(pid);
    });
    assert.equal(debuggeeEnv.AZURE_SDK_GO_LOGGING, 'all', 'the logging switch reached the debuggee');
    assert.equal(debuggeeEnv.AZURE_CLIENT_ID, CONFIDENTIAL_CLIENT, "the configuration's own env reached it too");

    const own = appResult(seen.stdout);
    assert.equal(own.pid, pid, 'the APP-RESULT is the stopped process’s');
    assert.deepEqual(
      { ok: own.ok, winner: own.winner, logging: own.logging },
      {
        ok: true,
        winner: 'EnvironmentCredential',
        logging: 'all',
      },
    );
    const label = `observed in your app: azidentity (Go) ${own.release}`;
    const items = await waitFor('the observed run in the Credential Chain tree', () => {
      const i = a.chainTreeItems();
      return i[0]?.label === label && i[0].description?.includes('Traced Go app') && i;
    });
    assert.match(items[0]!.description ?? '', /Traced Go app \(debug session\)$/, 'complete: the chain ended');
    const run = a.store.latestRun()!.result;
    assert.equal(run.winner, own.winner, describeSteps(run.steps));
    // The chain tried one credential; ManagedIdentityCredential, built (its construction line names IMDS) but never
    // reached, is "not tried".
    assert.deepEqual(
      run.steps.map((s) => `${s.credential}=${s.outcome}`),
      ['EnvironmentCredential=success', 'ManagedIdentityCredential=skipped'],
    );
    assert.match(run.steps[1]!.message, /not tried/);
    const exchanges = run.steps.map((s) => s.events.filter((e) => e.kind === 'http').length);
    assert.deepEqual(exchanges, [1, 0], 'the token request is EnvironmentCredential’s');
    const { sdk, via, app, complete, notUnderstood } = run.observed ?? {};
    assert.deepEqual(
      { sdk, via, app, complete, notUnderstood },
      { sdk: 'go', via: 'debug-session', app: 'Traced Go app', complete: true, notUnderstood: 0 },
    );
    const winner = items.find((i) => i.label === run.winner);
    assert.match(winner?.description ?? '', /^success ★/, JSON.stringify(items));
    assert.ok(!JSON.stringify(a.store.snapshot()).includes(CONFIDENTIAL_SECRET), 'the secret reached the store');
    assert.ok(!a.logLines().some((l) => l.includes(CONFIDENTIAL_SECRET)), 'the secret reached the log');
    assert.ok(a.logLines().some((l) => l.includes('"Traced Go app"') && l.includes('added AZURE_SDK_GO_LOGGING')));
    assert.equal(a.appTrace().liveSessions, 0, 'the session trace ended with the session');
  });

  test('a wrong client secret: the 401 in the run, AADSTS7000215 recognised, the chain’s end not logged (azidentity logs none)', async () => {
    const a = await api();
    const name = 'Go app, wrong secret';
    const seen = await debugToEnd(launch(name, servicePrincipalEnv(WRONG_SECRET)));
    const own = appResult(seen.stdout);
    assert.equal(own.ok, false, JSON.stringify(own));
    assert.equal(own.failed, 'EnvironmentCredential');
    assert.match(own.message ?? '', /AADSTS7000215/);
    const run = await waitFor('the session’s run', () => {
      const r = a.store.latestRun()?.result;
      return r?.observed?.app === name && a.appTrace().liveSessions === 0 && r;
    });
    // Current azidentity releases log nothing when the chain stops at an authentication failure: the run shows
    // EnvironmentCredential's exchange and its 401, that credential failed, and the chain's end not logged.
    assert.equal(run.winner, null, describeSteps(run.steps));
    assert.equal(run.observed?.complete, false);
    const env = run.steps.find((s) => s.credential === 'EnvironmentCredential');
    const statuses = (env?.events ?? []).flatMap((e) => (e.kind === 'http' && e.status ? [e.status] : []));
    assert.deepEqual(statuses, [401], JSON.stringify(env?.events));
    // The refusal is the credential's failure, as the app says, read from its exchange rather than from a line.
    assert.equal(env?.outcome, 'failed', describeSteps(run.steps));
    assert.match(env?.message ?? '', /as its last request says \(HTTP 401\)/);
    assert.match(a.chainTreeItems()[0]?.description ?? '', /chain end not logged/);
    assert.ok(a.appTrace().loggedCodes.includes(7000215), 'the AADSTS offer saw the code');
    assert.ok(!JSON.stringify(a.store.snapshot()).includes(WRONG_SECRET), 'the secret reached the store');
  });

  test('tracing off: the Go debuggee runs without AZURE_SDK_GO_LOGGING and prints no SDK log; no run is added', async () => {
    const a = await api();
    const before = a.store.snapshot().runs.length;
    await vscode.commands.executeCommand(Commands.disableAppTrace);
    try {
      const config = launch('Untraced Go app', servicePrincipalEnv(CONFIDENTIAL_SECRET));
      let debuggeeEnv: Record<string, string> = {};
      const seen = await debugToEnd(config, () => {
        debuggeeEnv = processEnv(pidOf(config.output as string)!);
      });
      assert.equal(debuggeeEnv.AZURE_SDK_GO_LOGGING, undefined);
      const own = appResult(seen.stdout);
      assert.deepEqual({ ok: own.ok, logging: own.logging }, { ok: true, logging: '' });
      assert.equal(a.store.snapshot().runs.length, before, 'no run from an untraced session');
    } finally {
      await vscode.commands.executeCommand(Commands.enableAppTrace);
    }
  });
});
