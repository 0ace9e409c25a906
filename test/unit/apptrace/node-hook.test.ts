/**
 * The Node hook (`azauth run`'s in-process reading): the real @azure/identity, loaded as an ES module and as CommonJS
 * (two @azure/logger instances), hands its records over the channel instead of stderr, and the trace is the one the
 * readers make of the same program's stderr. Where the hook does not apply, stderr is read as before.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { DEMO, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { runTraced, type RunTracedResult } from '../../../src/core/index';
import { nodeHookEnvironment, parseChannelLine } from '../../../src/core/apptrace/node-hook';
import { loggingEnvironment } from '../../../src/core/apptrace/logging-env';
import { FIXTURES, JS_APP, PY_APP, PYTHON, appResult, baseEnv, type Env } from './apps';

const CJS_APP = path.join(FIXTURES, 'app.cjs');

async function run(args: string[], env: Env): Promise<RunTracedResult & { stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const r = await runTraced({
    command: process.execPath,
    args,
    env,
    sdks: ['js'],
    stdin: 'ignore',
    stdout: (b) => (stdout += b.toString('utf8')),
    stderr: (b) => (stderr += b.toString('utf8')),
  });
  return { ...r, stdout, stderr };
}

/** What a trace says, without times, ports and ids. */
function shape(r: RunTracedResult) {
  return {
    label: r.trace.label,
    notUnderstood: r.trace.notUnderstood.count,
    runs: r.trace.runs.map((run) => ({
      winner: run.winner,
      complete: run.complete,
      scope: run.scope,
      steps: run.steps.map((s) => `${s.credential}=${s.outcome}: ${s.message.split('\n')[0]}`),
      http: run.steps.flatMap((s) => s.events.filter((e) => e.kind === 'http').map((e) => `${s.credential} ${e.kind}`)),
    })),
  };
}

describe('apptrace: the hooks read the SDK inside the program', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let env: Env;
  before(async () => {
    sb = await startSandbox();
    env = {
      ...baseEnv(sb),
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
      APP_TOKENS: '3',
    };
  });
  after(async () => {
    await sb.close();
  });

  for (const [kind, app] of [
    ['an ES module (import)', JS_APP],
    ['CommonJS (require)', CJS_APP],
  ] as const) {
    it(`${kind}: no SDK line on the program's stderr, the same trace as read from stderr`, async () => {
      const hooked = await run([app], env);
      assert.equal(hooked.exitCode, 0, hooked.stderr);
      assert.ok(appResult<{ ok: boolean }>(hooked.stdout).ok, hooked.stdout);
      assert.ok('NODE_OPTIONS' in hooked.added && 'AZAUTH_TRACE_FD' in hooked.added);
      assert.equal(hooked.stderr, '', 'the records went over the channel, not stderr');
      assert.ok(hooked.trace.stats.sdkRecords > 0);
      // The user switched the SDK's logging on: no hook, the lines stay on stderr and are read there.
      const read = await run([app], { ...env, AZURE_LOG_LEVEL: 'info' });
      assert.ok(!('NODE_OPTIONS' in read.added));
      assert.match(read.stderr, /^azure:identity:info /m);
      assert.deepEqual(shape(hooked), shape(read));
      assert.equal(hooked.trace.runs[0]!.winner, 'EnvironmentCredential');
    });
  }

  it("the program's own child processes do not inherit the channel; a program's NODE_OPTIONS is kept", async () => {
    const r = await run([CJS_APP], { ...env, NODE_OPTIONS: '--no-deprecation' });
    assert.equal(appResult<{ channelFd: string | null }>(r.stdout).channelFd, null);
    assert.equal(r.added.NODE_OPTIONS!.endsWith(' --no-deprecation'), true, r.added.NODE_OPTIONS);
    assert.equal(r.trace.runs[0]!.winner, 'EnvironmentCredential');
  });

  it('a program that is not the hook’s (no fd, another fd 3) runs as if it were not there', async () => {
    const program = `console.error('azure:identity:info ChainedTokenCredential => getToken() => Result for EnvironmentCredential: SUCCESS. Scopes: s.'); console.log('done')`;
    const r = await run(['-e', program], env);
    assert.equal(r.stdout, 'done\n');
    assert.equal(r.trace.runs[0]!.winner, 'EnvironmentCredential');
    // A Node process further down whose fd 3 is something else (here /dev/null) and that was told the channel is
    // there: the hook leaves the SDK on stderr, where the readers find it.
    const child = `const fs = require('fs'); const { spawn } = require('child_process');
      spawn(process.execPath, [${JSON.stringify(CJS_APP)}], {
        stdio: ['ignore', 'inherit', 'inherit', fs.openSync('/dev/null', 'w')],
        env: { ...process.env, AZAUTH_TRACE_FD: '3' },
      }).on('close', (code) => process.exit(code));`;
    const nested = await run(['-e', child], env);
    assert.equal(nested.exitCode, 0, nested.stderr);
    assert.ok(appResult<{ ok: boolean }>(nested.stdout).ok, nested.stdout);
    assert.match(nested.stderr, /^azure:identity:info /m);
    assert.equal(nested.trace.runs[0]!.winner, 'EnvironmentCredential');
  });

  it('Python: the hook on PYTHONPATH hands its records over the same pipe, tracebacks included, not to stderr', async () => {
    let stderr = '';
    const r = await runTraced({
      command: PYTHON,
      args: [PY_APP],
      env: { ...env, AZURE_CLIENT_SECRET: 'a-wrong-secret-value' },
      sdks: ['python'],
      stdin: 'ignore',
      stderr: (b) => (stderr += b.toString('utf8')),
    });
    assert.equal(r.exitCode, 0, stderr);
    assert.doesNotMatch(stderr, /azure\.identity/);
    assert.equal(r.trace.label, 'observed in your app: azure-identity (Python) 1.13.0b2');
    const step = r.trace.runs[0]!.steps.find((s) => s.credential === 'EnvironmentCredential')!;
    assert.equal(step.outcome, 'failed');
    assert.deepEqual(step.errorCodes, [7000215]);
    assert.equal(r.trace.notUnderstood.count, 0);
  });

  it('NODE_OPTIONS quotes the hook path; channel lines that are not the hook’s are dropped', () => {
    const add = nodeHookEnvironment({ NODE_OPTIONS: '--max-old-space-size=64' }, '/tmp/a b/"x"\\hook.cjs');
    assert.equal(add.NODE_OPTIONS, '--require "/tmp/a b/\\"x\\"\\\\hook.cjs" --max-old-space-size=64');
    assert.equal(add.AZAUTH_TRACE_FD, '3');
    assert.deepEqual(parseChannelLine('[1700000000000,"azure:identity:info x => y"]'), {
      at: 1700000000000,
      text: 'azure:identity:info x => y',
    });
    for (const bad of ['', '[1,2]', '{"at":1}', '[1,"a",3]', '[1,"a']) assert.equal(parseChannelLine(bad), null, bad);
    // The launch-configuration switches (debug sessions) stay what they were: the hook is azauth run's alone.
    assert.ok(!('NODE_OPTIONS' in loggingEnvironment({}, { sdks: ['js'] })));
  });
});
