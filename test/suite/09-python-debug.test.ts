/**
 * "Trace Azure authentication" for Python debug sessions in a real VS Code: Debian's python3 runs the real
 * azure-identity app (test/fixtures/apptrace/app.py) under the real debugpy adapter (Debian's python3-debugpy) against
 * the sandbox. The 'debugpy' debug type comes from test/e2e/fixtures/debugpy-adapter, a stand-in for the Python
 * Debugger extension that code-server cannot download here; it applies none of that extension's defaults, so each
 * launch configuration states what the Python Debugger would fill in ("console"). The chain run the extension reads
 * from the session's output must be the one the app reports itself (its APP-RESULT line).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StepResult } from '../../src/core/index';
import type { SandboxHandle } from '../../src/extension/host';
import { debugToEnd, processEnv } from './debugSessions';
import { api, engine, extensionPath, startTracedSandbox, stopTracedSandbox, waitFor } from './helpers';

// Sandbox fixtures (documented demo values, not secrets): see src/sandbox/config.ts DEMO.
const CONFIDENTIAL_CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const CONFIDENTIAL_SECRET = 'sandbox-secret-value-1';
const WRONG_SECRET = 'not-the-sandbox-secret';
/** Debian's python3, where python3-azure and python3-debugpy live (the stand-in adapter runs it too). */
const PYTHON = '/usr/bin/python3';

/** What app.py prints about its own DefaultAzureCredential (see the fixture). */
interface AppResult {
  ok: boolean;
  winner?: string;
  attempted?: { credential: string; message: string }[];
  chain: string[];
}

function appResult(stdout: string): AppResult {
  const line = stdout.split('\n').find((l) => l.startsWith('APP-RESULT '));
  assert.ok(line, `the app printed no APP-RESULT line in the session's output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('APP-RESULT '.length)) as AppResult;
}

/** The release Python's own metadata names (what the hook reports). */
function pythonIdentityRelease(): string {
  const code = "from importlib.metadata import version; print(version('azure-identity'))";
  return execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' }).trim();
}

const describeSteps = (steps: readonly StepResult[]) => steps.map((s) => `${s.credential}=${s.outcome}`).join(', ');

suite('Trace Azure authentication: Python debug sessions (debugpy)', function () {
  this.timeout(240000);
  let sandbox: SandboxHandle;
  const app = () => path.join(extensionPath(), 'test/fixtures/apptrace/app.py');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'azauth-pydebug-suite-'));
  /** The sandbox's service principal as EnvironmentCredential reads it, with the sandbox's CA trusted by requests. */
  const servicePrincipalEnv = (secret: string) => ({
    REQUESTS_CA_BUNDLE: sandbox.caFile!,
    AZURE_AUTHORITY_HOST: sandbox.authorityHost,
    AZURE_TENANT_ID: sandbox.tenantId!,
    AZURE_CLIENT_ID: CONFIDENTIAL_CLIENT,
    AZURE_CLIENT_SECRET: secret,
  });
  let label = '';

  suiteSetup(async () => {
    assert.ok(
      vscode.extensions.getExtension('azure-auth-debugger-tests.debugpy-adapter'),
      'the debugpy stand-in is loaded (test/e2e/fixtures/debugpy-adapter)',
    );
    await api(); // activates the extension when this suite runs alone
    label = `observed in your app: azure-identity (Python) ${pythonIdentityRelease()}`;
    sandbox = await startTracedSandbox();
  });

  suiteTeardown(async () => {
    await stopTracedSandbox();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('a Python app under debugpy: the hook first on its PYTHONPATH, its chain run in the tree as the app saw it', async () => {
    const a = await api();
    const userLib = path.join(scratch, 'user-lib');
    fs.mkdirSync(userLib, { recursive: true });
    let debuggeeEnv: Record<string, string> = {};
    const seen = await debugToEnd(
      {
        type: 'debugpy',
        request: 'launch',
        name: 'Traced Python app',
        program: app(),
        console: 'internalConsole',
        env: { ...servicePrincipalEnv(CONFIDENTIAL_SECRET), PYTHONPATH: userLib },
      },
      (w) => {
        debuggeeEnv = processEnv(w.pid!);
      },
    );
    // The debuggee's own environment: the hook's folder first, the user's entry after it.
    const [first, second] = (debuggeeEnv.PYTHONPATH ?? '').split(path.delimiter);
    assert.equal(second, userLib, `PYTHONPATH=${debuggeeEnv.PYTHONPATH}`);
    assert.match(fs.readFileSync(path.join(first!, 'sitecustomize.py'), 'utf8'), /azure\.identity/);

    const own = appResult(seen.stdout);
    assert.equal(own.ok, true, JSON.stringify(own));
    const items = await waitFor('the observed run in the Credential Chain tree', () => {
      const i = a.chainTreeItems();
      return i[0]?.label === label && i[0].description?.includes('Traced Python app') && i;
    });
    assert.match(items[0]!.description ?? '', /Traced Python app \(debug session\)$/, 'complete: the chain ended');
    const run = a.store.latestRun()!.result;
    const { canonicalCredential } = engine();
    assert.equal(run.winner, canonicalCredential(own.winner!), describeSteps(run.steps));
    assert.deepEqual(
      { sdk: run.observed?.sdk, via: run.observed?.via, app: run.observed?.app, complete: run.observed?.complete },
      { sdk: 'python', via: 'debug-session', app: 'Traced Python app', complete: true },
    );
    const winner = items.find((i) => i.label === run.winner);
    assert.match(winner?.description ?? '', /^success ★/, JSON.stringify(items));
    assert.ok(!JSON.stringify(a.store.snapshot()).includes(CONFIDENTIAL_SECRET), 'the secret reached the store');
    assert.ok(!a.logLines().some((l) => l.includes(CONFIDENTIAL_SECRET)), 'the secret reached the log');
    assert.ok(a.logLines().some((l) => l.includes('"Traced Python app"') && l.includes('added PYTHONPATH')));
    assert.equal(a.appTrace().liveSessions, 0, 'the session trace ended with the session');
  });

  test('a wrong client secret: EnvironmentCredential fails as the app says, AADSTS7000215 recognised', async () => {
    const a = await api();
    const seen = await debugToEnd({
      type: 'debugpy',
      request: 'launch',
      name: 'Python app, wrong secret',
      program: app(),
      console: 'internalConsole',
      env: servicePrincipalEnv(WRONG_SECRET),
    });
    const own = appResult(seen.stdout);
    assert.equal(own.ok, false, JSON.stringify(own));
    await waitFor('the failed run in the Credential Chain tree', () => {
      const i = a.chainTreeItems();
      return i[0]?.label === label && i[0].description?.includes('Python app, wrong secret');
    });
    const run = a.store.latestRun()!.result;
    assert.equal(run.winner, null, describeSteps(run.steps));
    // Python's chain stops at the first credential that fails (not merely unavailable): the last one it lists.
    const attempted = own.attempted ?? [];
    assert.ok(attempted.length > 0, 'the app listed the credentials it tried');
    const { canonicalCredential } = engine();
    attempted.forEach((t, i) => {
      const step = run.steps.find((s) => s.credential === canonicalCredential(t.credential));
      assert.ok(step, `no step for ${t.credential}: ${describeSteps(run.steps)}`);
      const last = i === attempted.length - 1 && attempted.length < own.chain.length;
      assert.equal(step.outcome, last ? 'failed' : 'unavailable', `${t.credential}: ${describeSteps(run.steps)}`);
    });
    const env = run.steps.find((s) => s.credential === 'EnvironmentCredential');
    assert.equal(env?.outcome, 'failed', describeSteps(run.steps));
    assert.ok(env.errorCodes.includes(7000215), `AADSTS7000215 in ${JSON.stringify(env.errorCodes)}`);
    assert.ok(a.appTrace().loggedCodes.includes(7000215), 'the AADSTS offer saw the code');
    assert.ok(!JSON.stringify(a.store.snapshot()).includes(WRONG_SECRET), 'the secret reached the store');
  });
  test('the Python Debugger’s default "console": "integratedTerminal": the output read from the session, once', async () => {
    const a = await api();
    const name = 'Python app in its terminal';
    const before = new Set(a.store.snapshot().runs.map((r) => r.id));
    const terminalCommands = a.appTrace().terminalCommands;
    let shell: number | undefined;
    let owned: number[] = [];
    const seen = await debugToEnd(
      {
        type: 'debugpy',
        request: 'launch',
        name,
        program: app(),
        console: 'integratedTerminal',
        env: servicePrincipalEnv(CONFIDENTIAL_SECRET),
      },
      async () => {
        // debugpy asked VS Code for a terminal (runInTerminal); its shell is known as the session's while it runs.
        const terminal = vscode.window.terminals.find((t) => t.name === 'Python Debug Console');
        shell = await terminal?.processId;
        owned = a.appTrace().sessionTerminals;
      },
    );
    assert.ok(shell, 'the program ran in the debug terminal');
    assert.deepEqual(owned, [shell], 'the terminal trace leaves the commands of that shell to the session');
    assert.deepEqual(a.appTrace().sessionTerminals, [], 'an ordinary terminal again once the session ended');
    assert.ok(a.logLines().some((l) => l.includes(`"${name}": added`) && l.includes('redirectOutput: true')));

    const own = appResult(seen.stdout);
    const run = await waitFor('the session’s run', () => {
      const r = a.store.latestRun()?.result;
      return r?.observed?.app === name && r.observed.complete && r;
    });
    assert.equal(run.winner, engine().canonicalCredential(own.winner!), describeSteps(run.steps));
    const added = a.store.snapshot().runs.filter((r) => !before.has(r.id) && r.result.observed);
    assert.deepEqual(
      added.map((r) => `${r.result.observed!.via}: ${r.result.observed!.app}`),
      [`debug-session: ${name}`],
      'one run, read from the session',
    );
    assert.equal(a.appTrace().terminalCommands, terminalCommands, 'no terminal command read');
  });
});
