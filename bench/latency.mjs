// Chain verdict latency, engine (sequential, diagnose) vs @azure/identity's DefaultAzureCredential, side by side.
// Runs INSIDE a private network namespace made by bench/run.mjs (unshare -n): there 169.254.169.254/32 is put on
// `lo`, so the SDK's own IMDS probe is real and no packet can leave the machine.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { assertLoopbackOnly } from './netns-guard.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const reps = Number(process.env.BENCH_REPS ?? 3);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Starts `azauth sandbox --json` as its own process and resolves with its contract line. */
function startSandbox() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), 'sandbox', '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    const timer = setTimeout(() => reject(new Error('sandbox did not start within 30 s')), 30000);
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, contract: JSON.parse(buf.slice(0, nl)) });
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}

/** What answers on 169.254.169.254:80: nothing (a black hole that accepts and never answers, as on a laptop where
 * the SDK waits for its probe's time limit), a forward to the sandbox's IMDS, or a 404 responder (identity not yet
 * assigned; the SDK retries). */
function startImds(kind, sandboxImds) {
  const sockets = new Set();
  const counter = { requests: 0 };
  let server;
  if (kind === 'blackhole') {
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
  } else if (kind === 'forward') {
    const target = new URL(sandboxImds);
    server = net.createServer((s) => {
      const up = net.connect(Number(target.port), target.hostname);
      s.pipe(up).pipe(s);
      s.on('error', () => up.destroy());
      up.on('error', () => s.destroy());
    });
  } else {
    server = http.createServer((req, res) => {
      counter.requests += 1;
      const body =
        req.headers.metadata !== 'true'
          ? {
              status: 400,
              json: { error: 'invalid_request', error_description: 'Required metadata header not specified' },
            }
          : { status: 404, json: { error: 'not_found', error_description: 'Identity not found' } };
      res.writeHead(body.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body.json));
    });
  }
  return new Promise((resolve) =>
    server.listen(80, '169.254.169.254', () =>
      resolve({
        counter,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      }),
    ),
  );
}

/** Runs one side in a fresh process. Asynchronous on purpose: the IMDS stand-ins live in this process and must
 * keep answering while the child runs (spawnSync would freeze them). */
function runOnce(side, env) {
  const script = side === 'sdk' ? 'sdk-runner.mjs' : 'engine-runner.mjs';
  const mode = side === 'sdk' ? 'sequential' : side;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, script)], {
      env: { ...env, BENCH_MODE: mode, BENCH_PROFILE: 'js' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(line));
      } catch {
        // A runner's stderr is raw (stack traces, library logs) and goes into results.json / BENCHMARKS.md: scrub it.
        resolve({
          ok: false,
          ms: NaN,
          message: `runner printed no result (exit ${code}): ${createRequire(import.meta.url)('../dist/engine.js')
            .redactText(err)
            .slice(0, 300)}`,
        });
      }
    });
  });
}

export async function runLatency() {
  assertLoopbackOnly('latency benchmark');
  sh('ip', ['link', 'set', 'lo', 'up']);
  spawnSync('ip', ['addr', 'add', '169.254.169.254/32', 'dev', 'lo']);
  const scratch = mkdtempSync(path.join(tmpdir(), 'azauth-bench-'));
  const { child: sandbox, contract } = await startSandbox();
  const app = contract.apps.find((a) => a.kind === 'confidential' && a.clientSecret);
  // Bin folders: the real Debian az (not logged in) or the fake logged-in az with a start-up delay; no azd, no pwsh.
  const realBin = path.join(scratch, 'real-bin');
  const fakeBin = path.join(scratch, 'fake-bin');
  mkdirSync(realBin);
  mkdirSync(fakeBin);
  spawnSync('ln', ['-s', '/usr/bin/az', path.join(realBin, 'az')]);
  spawnSync('cp', [path.join(here, 'fixtures/az'), path.join(fakeBin, 'az')]);
  const azConfig = path.join(scratch, 'azure-config');
  mkdirSync(azConfig);
  writeFileSync(
    path.join(azConfig, 'versionCheck.json'),
    JSON.stringify({ versions: { 'azure-cli': { local: '2.45.0' }, core: { local: '2.45.0' } } }),
  );
  const systemPath = '/usr/local/sbin:/usr/sbin:/sbin:/bin';
  const base = {
    HOME: scratch,
    PATH: `${realBin}:${systemPath}`,
    AZURE_CONFIG_DIR: azConfig,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    NODE_EXTRA_CA_CERTS: contract.caFile,
    REQUESTS_CA_BUNDLE: contract.caFile,
    AZURE_AUTHORITY_HOST: contract.authorityHost,
  };
  const delay = Number(process.env.BENCH_AZ_DELAY ?? 1);
  const scenarios = [
    { name: 'nothing configured (IMDS silent, real az not logged in)', imds: 'blackhole', env: base },
    {
      name: `az logged in (fake az, ${delay} s start-up), IMDS silent`,
      imds: 'blackhole',
      env: { ...base, PATH: `${fakeBin}:${systemPath}`, AZ_FAKE_DELAY: String(delay) },
    },
    { name: 'managed identity via IMDS succeeding', imds: 'forward', env: base },
    { name: 'IMDS answers 404 (identity not yet assigned)', imds: '404', env: base },
    {
      name: 'environment secret wrong (blocks az)',
      imds: 'blackhole',
      env: {
        ...base,
        PATH: `${fakeBin}:${systemPath}`,
        AZ_FAKE_DELAY: String(delay),
        AZURE_TENANT_ID: contract.tenantId,
        AZURE_CLIENT_ID: app.clientId,
        AZURE_CLIENT_SECRET: 'wrong-secret-value',
      },
    },
  ];
  const results = [];
  const only = process.env.BENCH_SCENARIO;
  for (const sc of scenarios.filter((x) => !only || x.name.includes(only))) {
    const imds = await startImds(sc.imds, contract.managedIdentity.imds);
    const sides = { sdk: [], sequential: [], diagnose: [], diagnoseVerdict: [] };
    const sdkCtorMs = [];
    const fingerprintMs = [];
    const last = {};
    const imdsRequests = {};
    const load = [loadavg()[0]];
    const orders = [
      ['sdk', 'sequential', 'diagnose'],
      ['diagnose', 'sequential', 'sdk'],
    ];
    // The 404 scenario's time is mostly the SDK's randomly jittered retry delays: more runs for a fairer median.
    const n = sc.imds === '404' ? Math.max(reps, 5) : reps;
    for (let i = 0; i < n; i++) {
      for (const side of orders[i % 2]) {
        const before = imds.counter.requests;
        const r = await runOnce(side, sc.env);
        if (sc.imds === '404') (imdsRequests[side] ??= []).push(imds.counter.requests - before);
        sides[side].push(r.ms);
        if (side === 'diagnose') sides.diagnoseVerdict.push(Number.isFinite(r.verdictMs) ? r.verdictMs : r.ms);
        if (side === 'sdk' && Number.isFinite(r.ctorMs)) sdkCtorMs.push(r.ctorMs);
        last[side] = r;
      }
      // The fingerprint's verdict, cold in a process of its own (after the sides, so it never delays them).
      const fp = await runOnce('fingerprint', sc.env);
      if (Number.isFinite(fp.ms)) fingerprintMs.push(fp.ms);
      last.fingerprint = fp;
      load.push(loadavg()[0]);
    }
    imds.close();
    const stat = (xs) => ({
      median: median(xs),
      min: Math.min(...xs),
      max: Math.max(...xs),
      runs: xs.map((x) => Math.round(x)),
    });
    const row = {
      scenario: sc.name,
      sdk: { ...stat(sides.sdk), verdict: last.sdk.message, ok: last.sdk.ok },
      sequential: {
        ...stat(sides.sequential),
        verdict: last.sequential.message,
        ok: last.sequential.ok,
        winner: last.sequential.winner ?? null,
      },
      diagnose: {
        ...stat(sides.diagnose),
        verdict: last.diagnose.message,
        ok: last.diagnose.ok,
        winner: last.diagnose.winner ?? null,
        steps: last.diagnose.steps,
        managedIdentity: last.diagnose.managedIdentity,
      },
    };
    // How soon the fingerprint says what ManagedIdentityCredential will do, as a ratio of the SDK's time.
    if (fingerprintMs.length) {
      const fp = last.fingerprint ?? {};
      row.fingerprint = { ...stat(fingerprintMs), verdict: fp.verdict, reason: fp.reason };
      row.ratioFingerprint = row.fingerprint.median / row.sdk.median;
    }
    row.sdkConstructorMs = stat(sdkCtorMs);
    row.loadAverage = { min: Math.min(...load), max: Math.max(...load) };
    if (sc.imds === '404') row.imdsRequests = imdsRequests; // requests each run sent to the 404 responder (probe + tries)
    row.ratioSequential = row.sequential.median / row.sdk.median;
    row.ratioDiagnose = row.diagnose.median / row.sdk.median;
    row.diagnoseVerdict = stat(sides.diagnoseVerdict);
    row.ratioDiagnoseVerdict = row.diagnoseVerdict.median / row.sdk.median;
    // Repetition i's sides ran back to back under the same load: the median of their ratios is steadier than the
    // ratio of medians when the machine's load changes during the run.
    const perRep = (xs) => median(xs.map((x, i) => x / sides.sdk[i]));
    row.pairedSequential = perRep(sides.sequential);
    row.pairedDiagnoseVerdict = perRep(sides.diagnoseVerdict);
    const slowest = Math.max(0, ...(last.diagnose.steps ?? []).map((s) => s.durationMs));
    row.diagnoseSlowestStepMs = slowest;
    row.diagnoseOverSlowest = slowest ? row.diagnose.median / slowest : null;
    results.push(row);
    console.log(
      `  ${sc.name}: sdk ${Math.round(row.sdk.median)} ms, sequential ${Math.round(row.sequential.median)} ms (×${row.ratioSequential.toFixed(2)}, per repetition ×${row.pairedSequential.toFixed(2)}), diagnose verdict ${Math.round(row.diagnoseVerdict.median)} ms (×${row.ratioDiagnoseVerdict.toFixed(2)}, per repetition ×${row.pairedDiagnoseVerdict.toFixed(2)}), load ${row.loadAverage.min.toFixed(1)}–${row.loadAverage.max.toFixed(1)}${row.fingerprint ? `, fingerprint verdict for ManagedIdentityCredential ${row.fingerprint.median.toFixed(2)} ms (×${row.ratioFingerprint.toFixed(4)} of the SDK)` : ''}`,
    );
  }
  sandbox.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await runLatency();
  process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\n');
}
