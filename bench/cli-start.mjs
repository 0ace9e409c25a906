// The CLI where the chain fails: sizes of the npm package and the single executable, and the cold start of
// `azauth --version` from each — every figure beside `node -e 0` (the floor: starting Node at all) and `az version`
// (what users run today), as ratios measured in the same run, runs interleaved so that load drifts hit all alike.
// Runs inside a loopback-only network namespace (az is a third-party program; nothing may leave the machine).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './latency.mjs';
import { assertLoopbackOnly } from './netns-guard.mjs';

assertLoopbackOnly('bench/cli-start.mjs');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const RUNS = Number(process.env.AZAUTH_BENCH_RUNS ?? 11);

for (const script of ['scripts/pack-cli.mjs', 'scripts/build-sea.mjs']) {
  const r = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr.slice(-2000)}`);
}
const tarball = path.join(root, 'dist', `azauth-${version}.tgz`);
const bundle = path.join(root, 'dist', 'azauth', 'azauth.js');
const sea = path.join(root, 'dist', `azauth-linux-${process.arch}`);

// az with a private configuration folder that already knows its version (no update check), telemetry off.
const azHome = mkdtempSync(path.join(tmpdir(), 'azauth-bench-az-'));
writeFileSync(
  path.join(azHome, 'versionCheck.json'),
  JSON.stringify({ versions: { 'azure-cli': { local: '2.45.0' }, core: { local: '2.45.0' } } }),
);
const azEnv = {
  PATH: '/usr/bin:/bin',
  HOME: azHome,
  AZURE_CONFIG_DIR: azHome,
  AZURE_CORE_COLLECT_TELEMETRY: 'false',
  AZURE_CORE_NO_COLOR: 'true',
};

const subjects = {
  'node -e 0': [process.execPath, ['-e', '0'], { PATH: '/usr/bin:/bin' }],
  'azauth --version (npm package)': [process.execPath, [bundle, '--version'], { PATH: '/usr/bin:/bin' }],
  'azauth --version (single executable)': [sea, ['--version'], { PATH: '/nonexistent' }],
  'az version': ['/usr/bin/az', ['version', '--output', 'json'], azEnv],
};

function timeOnce([cmd, args, env]) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return ms;
}

const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
try {
  for (const s of Object.values(subjects)) timeOnce(s); // one warm-up each: the page cache, not the process, is warmed
  for (let i = 0; i < RUNS; i++) for (const [k, s] of Object.entries(subjects)) times[k].push(timeOnce(s));
} finally {
  rmSync(azHome, { recursive: true, force: true });
}
const floor = median(times['node -e 0']);
const az = median(times['az version']);
const start = Object.fromEntries(
  Object.entries(times).map(([k, xs]) => [
    k,
    {
      median: median(xs),
      min: Math.min(...xs),
      max: Math.max(...xs),
      overNode: median(xs) / floor,
      overAz: median(xs) / az,
    },
  ]),
);
const out = {
  runs: RUNS,
  sizes: {
    tarball: statSync(tarball).size,
    bundle: statSync(bundle).size,
    executable: statSync(sea).size,
    node: statSync(process.execPath).size,
  },
  start,
};
for (const [k, v] of Object.entries(start))
  console.log(
    `  ${k.padEnd(38)} ${v.median.toFixed(1)} ms  (×${v.overNode.toFixed(2)} node -e 0, ×${v.overAz.toFixed(3)} az version)`,
  );
process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\n');
