// Token cache: a repeated acquisition for the same (credential, tenant, scope) must be served from the engine's
// cache with 0 HTTP requests, and 50 concurrent identical requests must make exactly one network request.
// Runs inside a private network namespace (bench/run.mjs starts it with unshare -n).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { median } from './latency.mjs';
import { assertLoopbackOnly } from './netns-guard.mjs';

assertLoopbackOnly('cache benchmark');

spawnSync('ip', ['link', 'set', 'lo', 'up']);
const require = createRequire(import.meta.url);
const engine = require('../dist/engine.js');
const { startSandbox } = await import('../src/sandbox/index.ts');

const sandbox = await startSandbox();
const app = sandbox.contract.apps.find((a) => a.kind === 'confidential' && a.clientSecret);
const env = {
  AZURE_TENANT_ID: sandbox.tenantId,
  AZURE_CLIENT_ID: app.clientId,
  AZURE_CLIENT_SECRET: app.clientSecret,
  AZURE_AUTHORITY_HOST: sandbox.authorityHost,
};
const options = { ca: sandbox.caPem, authorityHost: sandbox.authorityHost };
const tokenRequests = () =>
  sandbox.requests.filter((r) => r.endpoint === 'token' || /\/oauth2\/v2\.0\/token$/.test(r.path)).length;
const allRequests = () => sandbox.requests.length;

const e = engine.createEngine();
const request = {
  scope: 'https://management.azure.com/.default',
  credentials: ['EnvironmentCredential'],
  mode: 'sequential',
};
sandbox.clearRequests();
let t0 = performance.now();
const first = await e.runChain(request, { env, options });
const firstMs = performance.now() - t0;
const firstRequests = allRequests();
if (!first.token) throw new Error(`first acquisition failed: ${first.error?.message}`);

const cached = [];
sandbox.clearRequests();
for (let i = 0; i < 25; i++) {
  t0 = performance.now();
  const r = await e.runChain(request, { env, options });
  cached.push(performance.now() - t0);
  if (!r.token?.fromCache) throw new Error('expected a cache hit');
}
const cachedRequests = allRequests();

const fresh = engine.createEngine();
sandbox.clearRequests();
const runs = await Promise.all(Array.from({ length: 50 }, () => fresh.runChain(request, { env, options })));
const concurrentRequests = tokenRequests();
const allOk = runs.every((r) => r.token);
await sandbox.close();
const out = {
  firstMs,
  firstRequests,
  cachedMs: median(cached),
  cachedRuns: cached.length,
  cachedRequests,
  concurrentRequests,
  concurrentAllSucceeded: allOk,
};
console.log(
  `  first ${firstMs.toFixed(1)} ms (${firstRequests} requests), cached ${out.cachedMs.toFixed(3)} ms (${cachedRequests} requests), 50 concurrent → ${concurrentRequests} token request(s)`,
);
process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\n');
