// One @azure/identity DefaultAzureCredential run in a fresh process: prints {ok, ms, ctorMs, message} as one JSON line.
// The clock starts after the module is loaded and before the credential is constructed: what a program waits for
// between `new DefaultAzureCredential()` and getToken's answer. The engine runner's clock starts at the same point
// (module loaded, runChain not yet called), and runChain does its own equivalent of the construction (selecting the
// members, checking what their constructors would refuse). Node's start-up and module loading count on neither side.
import { createRequire } from 'node:module';
import { DefaultAzureCredential } from '@azure/identity';
import { assertLoopbackOnly } from './netns-guard.mjs';

assertLoopbackOnly('sdk-runner');

const scope = process.env.BENCH_SCOPE ?? 'https://management.azure.com/.default';
const t0 = performance.now();
// The SDK would ask the public cloud for instance discovery; with the sandbox as authority host it must not.
const credential = new DefaultAzureCredential({ disableInstanceDiscovery: true });
const ctorMs = performance.now() - t0;
try {
  const token = await credential.getToken(scope);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ok: Boolean(token?.token), ms, ctorMs, message: 'token acquired' }) + '\n');
} catch (e) {
  const ms = performance.now() - t0;
  // The SDK's message is foreign text that ends up in results.json and BENCHMARKS.md: scrub it with the product's
  // one redaction module (loaded after the clock stopped, so the measurement is unchanged).
  const { redactText } = createRequire(import.meta.url)('../dist/engine.js');
  process.stdout.write(
    JSON.stringify({
      ok: false,
      ms,
      ctorMs,
      message: redactText(String(e?.message ?? e).split('\n')[0]).slice(0, 300),
    }) + '\n',
  );
}
process.exit(0);
