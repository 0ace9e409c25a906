// One @azure/identity DefaultAzureCredential run in a fresh process: prints {ok, ms, message} as one JSON line.
// The clock starts after the module is loaded and the credential is constructed, right before getToken, as the
// engine runner's does, so both sides measure the verdict, not Node's start-up.
import { createRequire } from 'node:module';
import { DefaultAzureCredential } from '@azure/identity';
import { assertLoopbackOnly } from './netns-guard.mjs';

assertLoopbackOnly('sdk-runner');

const scope = process.env.BENCH_SCOPE ?? 'https://management.azure.com/.default';
// The SDK would ask the public cloud for instance discovery; with the sandbox as authority host it must not.
const credential = new DefaultAzureCredential({ disableInstanceDiscovery: true });
const t0 = performance.now();
try {
  const token = await credential.getToken(scope);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ok: Boolean(token?.token), ms, message: 'token acquired' }) + '\n');
} catch (e) {
  const ms = performance.now() - t0;
  // The SDK's message is foreign text that ends up in results.json and BENCHMARKS.md: scrub it with the product's
  // one redaction module (loaded after the clock stopped, so the measurement is unchanged).
  const { redactText } = createRequire(import.meta.url)('../dist/engine.js');
  process.stdout.write(
    JSON.stringify({ ok: false, ms, message: redactText(String(e?.message ?? e).split('\n')[0]).slice(0, 300) }) + '\n',
  );
}
process.exit(0);
