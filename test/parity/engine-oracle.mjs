// The engine's side of a parity comparison: one sequential chain run of the production bundle (dist/engine.js) in a
// fresh process, on the same environment the SDK oracle gets. Prints one JSON line in the SDK oracle's shape.
import { createRequire } from 'node:module';
import { assertLoopbackOnly } from '../../bench/netns-guard.mjs';

assertLoopbackOnly('parity engine-oracle');
const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const scope = process.env.PARITY_SCOPE ?? 'https://management.azure.com/.default';
const tenantId = process.env.PARITY_REQUEST_TENANT || undefined;
const profile = process.argv[2] ?? 'js';

const out = { side: 'engine', profile, attempts: [] };
const t0 = performance.now();
try {
  const run = await engine.runChain({ scope, mode: 'sequential', profile, tenantId }, { env: process.env });
  out.ms = Math.round(performance.now() - t0);
  for (const s of run.steps) {
    if (s.outcome === 'skipped') continue;
    out.attempts.push({
      credential: s.credential,
      outcome: s.outcome,
      placeholder: Boolean(s.placeholder),
      message: s.message,
      ms: Math.round(s.durationMs),
    });
  }
  if (run.token || run.winner) {
    out.verdict = 'token';
    out.winner = run.winner;
  } else if (run.steps.length === 0 && run.error) {
    out.verdict = 'construct-error';
  } else if (run.steps.some((s) => s.outcome === 'failed')) {
    out.verdict = 'error';
    out.stoppedBy = run.steps.find((s) => s.outcome === 'failed').credential;
  } else {
    out.verdict = run.steps.some((s) => s.outcome === 'unavailable' && !s.placeholder) ? 'aggregate' : 'no-token';
  }
  out.message = run.error?.message;
} catch (e) {
  out.verdict = 'crash';
  out.message = engine.redactText(`engine threw: ${e?.stack ?? e}`);
}
process.stdout.write('PARITY-RESULT ' + JSON.stringify(out) + '\n');
process.exit(0);
