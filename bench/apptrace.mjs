// Issue 12 figures, inside a private network namespace made by bench/run.mjs (unshare -n):
// 1. tracing overhead: a real @azure/identity program asking 100 tokens, run bare vs traced (runTraced in-process,
//    the core of `azauth run`, the whole `node dist/cli.js run` process, and `bin/azauth run`, the POSIX launcher
//    that starts the program from the shell with the collector beside it) — each with the Node hook reading the SDK's
//    records inside the program, and with the readers reading them from stderr (the way before the hook, and still
//    the way when the user switched AZURE_LOG_LEVEL on) — interleaved repetitions, the median of each side and the
//    median of the per-repetition ratios to the bare run, the load average before and after;
// 2. the managed-identity broker answering a cached token vs a bare loopback HTTP round trip, same client.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { assertLoopbackOnly } from './netns-guard.mjs';

assertLoopbackOnly('bench/apptrace.mjs');
spawnSync('ip', ['link', 'set', 'lo', 'up']);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const { startSandbox, DEMO } = await import(path.join(root, 'src/sandbox/index.ts'));
const core = await import(path.join(root, 'src/core/index.ts'));
const reps = Number(process.env.BENCH_REPS ?? 5);
const TOKENS = 100;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const sb = await startSandbox();
const app = path.join(root, 'test/fixtures/apptrace/app.mjs');
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_EXTRA_CA_CERTS: sb.caFile,
  AZURE_AUTHORITY_HOST: sb.authorityHost,
  AZURE_TENANT_ID: sb.tenantId,
  AZURE_CLIENT_ID: DEMO.confidentialClientId,
  AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
  APP_TOKENS: String(TOKENS),
};

// GNU time, when present, adds the CPU time (user + system) of the whole process tree it starts (azauth and the
// program, not the sandbox in this process): the work each side does, which the machine's load disturbs far less
// than the wall time. Its resolution is 10 ms.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const cpuFile = path.join(tmpdir(), `azauth-bench-cpu-${process.pid}`);
const cpu = {};

function timed(cmd, args, extraEnv = {}, side) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const [c, a] = TIME && side ? [TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, args];
    const child = spawn(c, a, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.resume();
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 || !out.includes('"ok":true')) return reject(new Error(`${cmd} exit ${code}: ${out.slice(-500)}`));
      if (TIME && side) {
        const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        (cpu[side] ??= []).push((user + sys) * 1000);
      }
      resolve(ms);
    });
  });
}

async function inProcess(extraEnv = {}) {
  const t0 = performance.now();
  const r = await core.runTraced({
    command: process.execPath,
    args: [app],
    env: { ...env, ...extraEnv },
    stdin: 'ignore',
    sdks: ['js'],
    stdout: () => {},
    stderr: () => {},
  });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0 || r.trace.runs.length !== TOKENS)
    throw new Error(`traced run: exit ${r.exitCode}, ${r.trace.runs.length} runs`);
  return ms;
}

const azauthRun = [path.join(root, 'dist/cli.js'), 'run', '--profile', 'js', '--json', '--', process.execPath, app];
// The `azauth` bin on POSIX (bin/azauth): the shell starts the program itself and the collector beside it.
const launcherRun = ['run', '--profile', 'js', '--json', '--', process.execPath, app];
const LAUNCHER = path.join(root, 'bin/azauth');
// The user's own AZURE_LOG_LEVEL turns the hook off: the SDK prints to stderr and the readers read it there.
const userLogging = { AZURE_LOG_LEVEL: 'info' };
// Any Node parent's floor: a process that starts, spawns the program with inherited stdio and waits for it.
const wrapper = [
  '-e',
  "require('child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: 'inherit' }).on('close', (c) => process.exit(c))",
  process.execPath,
  app,
];
const sides = {
  bare: () => timed(process.execPath, [app], {}, 'bare'),
  // The SDK's own logging switched on, its output read by nobody: what the SDK itself costs.
  logging: () => timed(process.execPath, [app], userLogging, 'logging'),
  wrapper: () => timed(process.execPath, wrapper, {}, 'wrapper'),
  traced: () => inProcess(),
  tracedStderr: () => inProcess(userLogging),
  // The whole `azauth run` process, from its own start (Node, the CLI bundle) to the program's end and the trace.
  cli: () => timed(process.execPath, azauthRun, {}, 'cli'),
  cliStderr: () => timed(process.execPath, azauthRun, userLogging, 'cliStderr'),
  // No CPU column: the launcher returns once the collector has printed, without waiting for it, so GNU time would
  // count the shell and the program but not the collector.
  launcher: () => timed(LAUNCHER, launcherRun, {}),
  launcherStderr: () => timed(LAUNCHER, launcherRun, userLogging),
};
const times = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
await timed(process.execPath, [app]); // warm the file cache
await timed(process.execPath, azauthRun);
await timed(LAUNCHER, launcherRun);
const loadBefore = loadavg()[0];
// Interleaved, the order reversed every other repetition, so a drift in the machine's load hits every side alike.
for (let i = 0; i < reps; i++) {
  const order = i % 2 ? Object.keys(sides).reverse() : Object.keys(sides);
  for (const k of order) times[k].push(await sides[k]());
}
const loadAfter = loadavg()[0];
const bare = times.bare;
/** The ratio of each repetition's run to the bare run of the same repetition: the median of those. */
const pairedRatio = (xs) => median(xs.map((x, i) => x / bare[i]));
const spread = (xs) => ({ min: Math.min(...xs), max: Math.max(...xs) });
const medians = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
const ratios = Object.fromEntries(Object.keys(times).map((k) => [k, medians[k] / medians.bare]));
const paired = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, pairedRatio(xs)]));
console.log(
  `  ${TOKENS} tokens, ${reps} repetitions, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}:`,
);
const cpuMedians = Object.fromEntries(Object.entries(cpu).map(([k, xs]) => [k, median(xs)]));
for (const k of Object.keys(times))
  console.log(
    `    ${k.padEnd(13)} ${medians[k].toFixed(0).padStart(6)} ms  ×${ratios[k].toFixed(3)} (paired ×${paired[k].toFixed(3)})${k in cpuMedians ? `  CPU ${cpuMedians[k].toFixed(0)} ms ×${(cpuMedians[k] / cpuMedians.bare).toFixed(3)}` : ''}`,
  );

// Broker: cached token vs a bare loopback server, one keep-alive client, sequential requests.
const broker = await core.startBroker({
  source: core.credentialTokenSource(
    {
      credential: 'ClientSecretCredential',
      tenantId: sb.tenantId,
      clientId: DEMO.confidentialClientId,
      clientSecret: new core.SecretValue(DEMO.confidentialSecret),
    },
    { env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
  ),
});
const plain = http.createServer((req, res) => {
  const body = JSON.stringify({
    access_token: 'x'.repeat(1200),
    expires_on: '1999999999',
    resource: 'https://management.azure.com',
    token_type: 'Bearer',
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
await new Promise((r) => plain.listen(0, '127.0.0.1', r));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(url, headers) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}
const tokenUrl = `${broker.endpoint}?resource=${encodeURIComponent('https://management.azure.com')}&api-version=2019-08-01`;
const headers = { 'X-IDENTITY-HEADER': broker.header.reveal() };
await get(tokenUrl, headers); // fills the cache
const plainUrl = `http://127.0.0.1:${plain.address().port}/msi/token`;
for (let i = 0; i < 50; i++) {
  await get(plainUrl, {});
  await get(tokenUrl, headers);
}
const b = [];
const p = [];
for (let i = 0; i < 500; i++) {
  p.push(await get(plainUrl, {}));
  b.push(await get(tokenUrl, headers));
}
const cachedAnswers = broker.requests.filter((r) => r.answer === 'cached-token').length;
console.log(
  `  broker cached token ${median(b).toFixed(3)} ms vs bare loopback ${median(p).toFixed(3)} ms (${cachedAnswers} cached answers)`,
);
agent.destroy();
plain.close();
await broker.close();
await sb.close();

console.log(
  'BENCH-RESULT ' +
    JSON.stringify({
      tokens: TOKENS,
      reps,
      loadAverage: { before: loadBefore, after: loadAfter },
      bareMs: medians.bare,
      loggingMs: medians.logging,
      wrapperMs: medians.wrapper,
      tracedMs: medians.traced,
      tracedStderrMs: medians.tracedStderr,
      cliMs: medians.cli,
      cliStderrMs: medians.cliStderr,
      launcherMs: medians.launcher,
      launcherStderrMs: medians.launcherStderr,
      ratioLogging: ratios.logging,
      ratioWrapper: ratios.wrapper,
      ratioTraced: ratios.traced,
      ratioTracedStderr: ratios.tracedStderr,
      ratioCli: ratios.cli,
      ratioCliStderr: ratios.cliStderr,
      ratioLauncher: ratios.launcher,
      ratioLauncherStderr: ratios.launcherStderr,
      ratioTracedOverLogging: medians.traced / medians.logging,
      paired,
      cpuMs: cpuMedians,
      cpuRatios: Object.fromEntries(Object.entries(cpuMedians).map(([k, v]) => [k, v / cpuMedians.bare])),
      pairedRatioCli: paired.cli,
      pairedRatioLauncher: paired.launcher,
      pairedRatioTraced: paired.traced,
      spreads: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, spread(xs)])),
      runs: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, xs.map((x) => Math.round(x))])),
      brokerCachedMs: median(b),
      loopbackMs: median(p),
      ratioBroker: median(b) / median(p),
      brokerP95Ms: [...b].sort((x, y) => x - y)[Math.floor(b.length * 0.95)],
    }),
);
process.exit(0);
