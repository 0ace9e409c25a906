/**
 * The real SDKs' own logs, read while the app runs (runTraced, the core of `azauth run`): for every scenario the
 * trace's winner and per-credential outcomes must equal what the app itself reports (its APP-RESULT line), the
 * program's output must pass through unchanged, and its exit code must come back.
 */
import { strict as assert } from 'node:assert';
import { DEMO, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import {
  runTraced,
  canonicalCredential,
  type RunTracedResult,
  type ObservedRun,
  type StepResult,
} from '../../../src/core/index';
import { tempDir } from '../engine/helpers';
import { COMMON_SCENARIOS, JS_APP, PY_APP, PYTHON, appResult, baseEnv, type Env, type Scenario } from './apps';

interface JsOne {
  ok: boolean;
  winner?: string;
  errors?: { name: string; message: string }[];
}
interface PyOne {
  ok: boolean;
  winner?: string;
  attempted?: { credential: string; message: string }[];
}

async function run(
  command: string,
  args: string[],
  env: Env,
): Promise<RunTracedResult & { stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const r = await runTraced({
    command,
    args,
    env,
    stdin: 'ignore',
    stdout: (b) => out.push(b),
    stderr: (b) => err.push(b),
  });
  return { ...r, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

const firstLine = (s: string) => s.split('\n')[0]!.trim();

function describeRun(r: ObservedRun | undefined): string {
  return r
    ? `${r.winner ?? '(no winner)'}: ${r.steps.map((s) => `${s.credential}=${s.outcome}`).join(', ')}`
    : '(no run)';
}

/**
 * Each HTTP exchange shows under a credential the chain tried: none under one it never reached, and when the app got
 * its token over the network, the winner holds a request of its own.
 */
function assertRequestsPlaced(observed: ObservedRun, context: string): void {
  const http = (s: StepResult) => s.events.filter((e) => e.kind === 'http');
  const placed = observed.steps.map((s) => `${s.credential} ${s.outcome}: ${http(s).length}`).join(', ');
  for (const s of observed.steps)
    if (s.outcome === 'skipped')
      assert.equal(http(s).length, 0, `${s.credential} was never tried (${context}; ${placed})`);
  const winner = observed.steps.find((s) => s.credential === observed.winner);
  if (winner && observed.steps.some((s) => http(s).length))
    assert.ok(http(winner).length > 0, `the winner ${winner.credential} shows no request (${context}; ${placed})`);
}

/** JS: the winner ChainedTokenCredential returned, or each error of the (aggregate) error with its class. */
function assertJsAgrees(app: JsOne, observed: ObservedRun | undefined, context: string): void {
  assert.ok(observed, `no run in the trace (${context})`);
  assertRequestsPlaced(observed, context);
  if (app.ok) {
    assert.equal(observed.winner, canonicalCredential(app.winner!), `winner (${context}): ${describeRun(observed)}`);
    assert.equal(observed.steps.find((s) => s.credential === observed.winner)?.outcome, 'success');
    return;
  }
  assert.equal(observed.winner, null, `no winner expected (${context}): ${describeRun(observed)}`);
  // Each error of the app's is one credential's: two that failed alike are two steps, not one matched twice.
  const used = new Set<StepResult>();
  for (const e of app.errors ?? []) {
    const head = firstLine(e.message).slice(0, 60);
    const step: StepResult | undefined = observed.steps.find((s) => !used.has(s) && s.message.includes(head));
    assert.ok(step, `no step with the app's error "${head}" (${context}): ${describeRun(observed)}`);
    used.add(step);
    // ChainedTokenCredential goes on after these two (unavailable in chain terms); any other error stops it.
    const goesOn = e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationRequiredError';
    assert.equal(step.outcome, goesOn ? 'unavailable' : 'failed', `${step.credential} (${context})`);
  }
}

/** Python: the winner DefaultAzureCredential pinned, or its "Attempted credentials" list (the last one stopped the chain when it ended early). */
function assertPyAgrees(app: PyOne, chain: string[], observed: ObservedRun | undefined, context: string): void {
  assert.ok(observed, `no run in the trace (${context})`);
  assertRequestsPlaced(observed, context);
  if (app.ok) {
    assert.equal(observed.winner, canonicalCredential(app.winner!), `winner (${context}): ${describeRun(observed)}`);
    return;
  }
  assert.equal(observed.winner, null, `no winner expected (${context}): ${describeRun(observed)}`);
  const attempted = app.attempted ?? [];
  assert.ok(attempted.length > 0, `the app listed no attempted credentials (${context})`);
  const stoppedEarly = attempted.length < chain.length;
  attempted.forEach((a, i) => {
    const step: StepResult | undefined = observed.steps.find((s) => s.credential === canonicalCredential(a.credential));
    assert.ok(step, `no step for ${a.credential} (${context}): ${describeRun(observed)}`);
    const expected = stoppedEarly && i === attempted.length - 1 ? 'failed' : 'unavailable';
    assert.equal(step.outcome, expected, `${a.credential} (${context}): ${describeRun(observed)}`);
    assert.ok(
      step.message.includes(firstLine(a.message).slice(0, 50)),
      `${a.credential}'s message (${context}): ${step.message}`,
    );
  });
}

describe('apptrace: the real SDKs in the app, read from their own logs', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await startSandbox();
    dir = tempDir('azauth-apptrace-');
  });
  after(async () => {
    await sb.close();
  });

  const scenarioEnv = async (s: Scenario) => ({ ...baseEnv(sb), ...(await s.env(sb, dir)) });

  describe('@azure/identity (node app.mjs)', () => {
    const extra: Scenario[] = [
      {
        name: 'ClientSecretCredential on its own (no chain)',
        env: (sb2) => ({
          APP_CREDENTIAL: 'ClientSecretCredential',
          AZURE_TENANT_ID: sb2.tenantId,
          AZURE_CLIENT_ID: DEMO.confidentialClientId,
          AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
        }),
      },
    ];
    for (const s of [...COMMON_SCENARIOS, ...extra]) {
      it(s.name, async () => {
        const env = await scenarioEnv(s);
        const r = await run(process.execPath, [JS_APP], env);
        assert.equal(r.exitCode, 0, r.stderr.slice(-3000));
        assert.match(r.trace.label, /^observed in your app: @azure\/identity 4\.13\.0$/);
        assert.equal(r.trace.notUnderstood.count, 0, JSON.stringify(r.trace.notUnderstood));
        const app = appResult<JsOne & { runs?: JsOne[] }>(r.stdout);
        if (app.runs) {
          assert.equal(r.trace.runs.length, app.runs.length, r.trace.runs.map(describeRun).join(' | '));
          app.runs.forEach((one, i) => assertJsAgrees(one, r.trace.runs[i], `${s.name}, token ${i + 1}`));
        } else {
          assertJsAgrees(app, r.trace.runs[r.trace.runs.length - 1], s.name);
        }
        // Secrets the app's environment holds never reach the trace.
        if (env.AZURE_CLIENT_SECRET)
          assert.ok(!JSON.stringify(r.trace).includes(env.AZURE_CLIENT_SECRET), 'the client secret reached the trace');
      });
    }
  });

  describe('Python azure-identity (python3 app.py)', () => {
    for (const s of COMMON_SCENARIOS) {
      it(s.name, async () => {
        const env = await scenarioEnv(s);
        const r = await run(PYTHON, [PY_APP], env);
        assert.equal(r.exitCode, 0, r.stderr.slice(-3000));
        assert.match(r.trace.label, /^observed in your app: azure-identity \(Python\) 1\.13\.0b2$/);
        assert.equal(r.trace.notUnderstood.count, 0, JSON.stringify(r.trace.notUnderstood));
        const app = appResult<PyOne & { runs?: PyOne[]; chain: string[] }>(r.stdout);
        if (app.runs) {
          assert.equal(r.trace.runs.length, app.runs.length, r.trace.runs.map(describeRun).join(' | '));
          app.runs.forEach((one, i) => assertPyAgrees(one, app.chain, r.trace.runs[i], `${s.name}, token ${i + 1}`));
        } else {
          assertPyAgrees(app, app.chain, r.trace.runs[r.trace.runs.length - 1], s.name);
        }
        if (env.AZURE_CLIENT_SECRET)
          assert.ok(!JSON.stringify(r.trace).includes(env.AZURE_CLIENT_SECRET), 'the client secret reached the trace');
      });
    }
  });
});
