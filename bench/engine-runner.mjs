// One engine chain run in a fresh process (the production bundle dist/engine.js): prints {ok, ms, winner, message}.
import { createRequire } from 'node:module';
import { assertLoopbackOnly } from './netns-guard.mjs';

assertLoopbackOnly('engine-runner');

const require = createRequire(import.meta.url);
const engine = require('../dist/engine.js');
const scope = process.env.BENCH_SCOPE ?? 'https://management.azure.com/.default';
const mode = process.env.BENCH_MODE ?? 'sequential';
const profile = process.env.BENCH_PROFILE ?? 'js';
// BENCH_MODE=fingerprint: the fingerprint's instant verdict for ManagedIdentityCredential, timed alone in a fresh
// process (cold, as a user's first run meets it), without running the chain.
if (mode === 'fingerprint') {
  let out;
  try {
    const tf = performance.now();
    const p = engine.predictCredentials(
      engine.fingerprint({ env: process.env }),
      process.env,
      profile,
    ).ManagedIdentityCredential;
    out = { ok: true, ms: performance.now() - tf, verdict: p?.verdict, reason: p?.reason?.slice(0, 200) };
  } catch (e) {
    out = { ok: false, ms: NaN, message: engine.redactText(String(e?.message ?? e)).slice(0, 300) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
// The clock starts after the bundle is loaded, as the SDK runner's does; nothing of the chain runs before it.
const t0 = performance.now();
try {
  const run = await engine.runChain({ scope, mode, profile }, { env: process.env });
  const ms = performance.now() - t0;
  const failed = run.steps.find((s) => s.outcome === 'failed');
  const imds = run.steps.find((s) => s.credential === 'ManagedIdentityCredential');
  process.stdout.write(
    JSON.stringify({
      ok: Boolean(run.token),
      ms,
      verdictMs: run.verdictMs,
      winner: run.winner,
      message: (run.error?.message ?? (run.token ? 'token acquired' : (failed?.message ?? 'no credential')))
        .split('\n')[0]
        .slice(0, 300),
      managedIdentity: imds
        ? { outcome: imds.outcome, message: imds.message.slice(0, 200), durationMs: imds.durationMs }
        : null,
      steps: run.steps.map((s) => ({
        credential: s.credential,
        outcome: s.outcome,
        durationMs: Math.round(s.durationMs),
      })),
    }) + '\n',
  );
} catch (e) {
  // An exception's text is not a redacted result: scrub it before it reaches results.json / BENCHMARKS.md.
  process.stdout.write(
    JSON.stringify({
      ok: false,
      ms: performance.now() - t0,
      message: engine.redactText(`engine threw: ${e?.message ?? e}`).slice(0, 300),
    }) + '\n',
  );
}
process.exit(0);
