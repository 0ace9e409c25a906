#!/usr/bin/env node
// The differential parity suite (issue 11): every scenario of test/parity/matrix.mjs runs on the real
// @azure/identity releases (npm aliases, devDependencies) and on the engine's matching profile, each in a fresh
// process with identical inputs, inside loopback-only network namespaces (one per managed-identity behaviour, so
// groups run side by side without sharing 169.254.169.254:80). Prints a parity table and fails on any difference
// that test/parity/allowlist.json does not list with a reason — and on allow-list entries that no longer match.
// The real Python azure-identity (Debian's python3-azure, test/parity/py-oracle.py) runs every scenario too, compared
// with the engine's python@<its release> profile.
//   node test/parity/run.mjs [--only=SUBSTRING] [--releases=4.13,4.5,python] [--json=FILE]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios } from './matrix.mjs';
import { differences, shape } from './compare.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = process.argv.slice(2);
const arg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const t0 = Date.now();

/** The @azure/identity releases the suite proves, as installed through npm aliases (package.json devDependencies). */
export const RELEASES = [
  'azure-identity-3-4',
  'azure-identity-4-0',
  'azure-identity-4-5',
  'azure-identity-4-10',
  'azure-identity-4-11',
  'azure-identity-4-13',
];

const require = createRequire(import.meta.url);
if (!existsSync(path.join(root, 'dist/engine.js'))) {
  console.error('parity: dist/engine.js is missing; run npm run build first');
  process.exit(1);
}
if (process.platform !== 'linux' || process.getuid?.() !== 0 || spawnSync('unshare', ['-n', 'true']).status !== 0) {
  console.error(
    'parity: needs root and unshare -n (each scenario group runs in its own loopback-only network namespace)',
  );
  process.exit(1);
}
const engine = require(path.join(root, 'dist/engine.js'));
// Read first: a malformed allow-list fails before minutes of scenarios, not after.
const allow = JSON.parse(readFileSync(path.join(here, 'allowlist.json'), 'utf8'));
const wantReleases = arg('releases')?.split(',');
const releases = RELEASES.filter(
  (r) => !wantReleases || wantReleases.some((w) => r.endsWith(`-${w.replace('.', '-')}`)),
).map((alias) => ({
  sdk: 'js',
  side: alias,
  alias,
  version: require(`${alias}/package.json`).version,
}));
if (!wantReleases || wantReleases.some((w) => w === 'python' || w === 'py')) releases.push(pythonRelease());
// Each release is compared with the engine profile named after it (js@<version>, python@<version>); a release the
// engine does not model is a setup error, not a silent fallback to the newest profile.
for (const r of releases) {
  const resolved = engine.resolveProfile(`${r.sdk}@${r.version}`);
  if (!resolved.ok) {
    console.error(`parity: the engine does not model ${r.sdk} ${r.version}: ${resolved.message}`);
    process.exit(1);
  }
  r.profile = `${r.sdk}@${r.version}`;
}
const engineSides = [...new Set(releases.map((r) => `engine:${r.profile}`))];
const sides = [...releases.map((r) => r.side), ...engineSides];

/** Debian's python3-azure: the azure-identity release /usr/bin/python3 imports (a missing one fails the suite). */
function pythonRelease() {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', 'from azure.identity._version import VERSION; import msal; print(VERSION)'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    console.error(
      `parity: /usr/bin/python3 cannot import azure.identity and msal (install python3-azure and python3-msal: scripts/install-deps.sh): ${(r.stderr ?? r.error?.message ?? '').slice(-500)}`,
    );
    process.exit(1);
  }
  return { sdk: 'python', side: 'python', version: r.stdout.trim() };
}

const only = arg('only');
const all = scenarios().filter((s) => !only || s.id.includes(only));
const groups = [...new Set(all.map((s) => s.group))];
// Long groups first: where IMDS answers an error the SDKs retry for tens of seconds (410 for at least 70 s), so those
// runs mostly wait — all sides of a scenario run at once there; the big groups get more runs at once.
const retrying = new Set(['410', '429', '404', '500']);
const weight = { 410: 0, 429: 1, 404: 2, 500: 3, silent: 4, refused: 5, success: 6, slow: 7 };
groups.sort((a, b) => (weight[a] ?? 9) - (weight[b] ?? 9));
const perWorker = (g) =>
  retrying.has(g) ? sides.length : g === 'silent' ? 4 : g === 'success' || g === 'refused' ? 3 : 2;

const results = new Map(); // scenario id -> side -> result
function runWorker(group) {
  return new Promise((resolve) => {
    const child = spawn(
      'unshare',
      ['-n', '--', process.execPath, '--import', 'tsx', path.join(here, 'worker.ts'), group],
      {
        cwd: root,
        env: {
          ...process.env,
          PARITY_SIDES: JSON.stringify(sides),
          PARITY_CONCURRENCY: String(perWorker(group)),
          ...(only ? { PARITY_ONLY: only } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buf = '';
    let err = '';
    let done = false;
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'PARITY-DONE') done = true;
        if (!line.startsWith('PARITY-RUN ')) continue;
        const { scenario, side, result } = JSON.parse(line.slice('PARITY-RUN '.length));
        if (!results.has(scenario)) results.set(scenario, new Map());
        results.get(scenario).set(side, result);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ group, ok: code === 0 && done, err: err.slice(-3000) }));
  });
}

// Three namespaces at a time: on two cores more would starve the processes whose 1 s IMDS probe decides a scenario.
const maxWorkers = Number(process.env.PARITY_WORKERS ?? 3);
const queue = [...groups];
const workerErrors = [];
await Promise.all(
  Array.from({ length: Math.min(maxWorkers, queue.length) }, async () => {
    while (queue.length) {
      const g = queue.shift();
      const r = await runWorker(g);
      if (!r.ok) workerErrors.push(r);
    }
  }),
);

// Every (entry, release, scenario, field) the allow-list names must be met by a difference in this run.
const used = new Set();
const key = (i, release, scenarioId, field) => JSON.stringify([i, release, scenarioId, field]);
// An entry names its SDK ("sdk": "python"); entries without one are about @azure/identity.
const sdkOf = (e) => e.sdk ?? 'js';
function allowed(scenarioId, r, field) {
  const release = r.version;
  const i = allow.entries.findIndex(
    (e) => sdkOf(e) === r.sdk && e.releases.includes(release) && (e.differences[scenarioId] ?? []).includes(field),
  );
  if (i < 0) return null;
  used.add(key(i, release, scenarioId, field));
  return allow.entries[i];
}

const rows = [];
// Tallies per SDK (js, python): agree, allowed, DIFFER, missing.
const tally = Object.fromEntries(
  [...new Set(releases.map((r) => r.sdk))].map((k) => [k, { agree: 0, allowed: 0, DIFFER: 0, missing: 0 }]),
);
for (const s of all) {
  const bySide = results.get(s.id) ?? new Map();
  const row = { scenario: s.id, cells: [] };
  for (const r of releases) {
    const cell = { language: r.sdk, release: r.version, profile: r.profile };
    if (r.sdk === 'python' && !s.python) {
      row.cells.push({ ...cell, status: 'not-run' });
      continue;
    }
    const sdk = bySide.get(r.side);
    const eng = bySide.get(`engine:${r.profile}`);
    if (!sdk || !eng) {
      tally[r.sdk].missing++;
      row.cells.push({ ...cell, status: 'missing' });
      continue;
    }
    const diffs = differences(sdk, eng).map((d) => ({ ...d, allowedBy: allowed(s.id, r, d.field) }));
    const open = diffs.filter((d) => !d.allowedBy);
    const status = diffs.length === 0 ? 'agree' : open.length === 0 ? 'allowed' : 'DIFFER';
    tally[r.sdk][status]++;
    row.cells.push({
      ...cell,
      status,
      diffs,
      sdk: shape(sdk),
      engine: shape(eng),
      sdkMs: sdk.wallMs,
      engineMs: eng.wallMs,
    });
  }
  rows.push(row);
}
// Only what this run compared can be stale (--only / --releases run a part of the matrix).
const ran = new Set(all.map((s) => s.id));
const unused = allow.entries.flatMap((e, i) =>
  e.releases
    .filter((rel) => releases.some((r) => r.sdk === sdkOf(e) && r.version === rel))
    .flatMap((rel) =>
      Object.entries(e.differences)
        .filter(([sc]) => ran.has(sc))
        .flatMap(([sc, fields]) =>
          fields
            .filter((f) => !used.has(key(i, rel, sc, f)))
            .map((f) => ({ sdk: sdkOf(e), release: rel, scenario: sc, field: f, reason: e.reason.slice(0, 80) })),
        ),
    ),
);

// The parity table: one line per scenario, one column per release.
const mark = { agree: '=', allowed: '~', DIFFER: 'X', missing: '?', 'not-run': '-' };
const width = Math.max(...releases.map((r) => r.profile.length));
const columns = (f) => releases.map((r) => f(r).padEnd(width)).join(' ');
console.log(`\nParity table (= agrees, ~ allow-listed difference, X difference, ? no result, - not run)\n`);
console.log(
  `${'sdk'.padEnd(12)} ${columns((r) => (r.sdk === 'js' ? '@azure/identity' : 'azure-identity').slice(0, width))}`,
);
console.log(`${'release'.padEnd(12)} ${columns((r) => r.version)}  scenario`);
console.log(`${'profile'.padEnd(12)} ${columns((r) => r.profile)}`);
for (const row of rows)
  console.log(`${''.padEnd(12)} ${row.cells.map((c) => mark[c.status].padEnd(width)).join(' ')}  ${row.scenario}`);
const open = rows.flatMap((row) =>
  row.cells.filter((c) => c.status === 'DIFFER').map((c) => ({ scenario: row.scenario, ...c })),
);
if (open.length) {
  console.log(`\nDifferences not in test/parity/allowlist.json:`);
  for (const c of open) {
    const pkg = c.language === 'python' ? 'azure-identity (Python)' : '@azure/identity';
    console.log(`\n  ${c.scenario}  [${pkg} ${c.release} vs engine ${c.profile}]`);
    for (const d of c.diffs.filter((x) => !x.allowedBy))
      console.log(
        `    ${d.field}:\n      sdk:    ${String(d.sdk).replace(/\n/g, '\n              ')}\n      engine: ${String(d.engine).replace(/\n/g, '\n              ')}`,
      );
  }
}
for (const e of unused)
  console.log(
    `\nallow-listed difference that no longer occurs (remove it from test/parity/allowlist.json): ${JSON.stringify(e)}`,
  );
for (const w of workerErrors) console.log(`\nworker for group ${w.group} failed:\n${w.err}`);
const seconds = ((Date.now() - t0) / 1000).toFixed(1);
const file = arg('json');
if (file) writeFileSync(file, JSON.stringify({ releases, scenarios: all.length, rows }, null, 1));
const counted = (t) => `${t.agree} agree, ${t.allowed} allow-listed, ${t.DIFFER} differ, ${t.missing} missing`;
const sum = (k) => Object.values(tally).reduce((n, t) => n + t[k], 0);
const total = { agree: sum('agree'), allowed: sum('allowed'), DIFFER: sum('DIFFER'), missing: sum('missing') };
const jsReleases = releases.filter((r) => r.sdk === 'js');
const py = releases.find((r) => r.sdk === 'python');
const pyRuns = py ? all.filter((s) => s.python).length : 0;
const parts = [
  jsReleases.length ? `${all.length} scenarios × ${jsReleases.length} @azure/identity releases` : '',
  py ? `${pyRuns} on Python azure-identity ${py.version}` : '',
].filter(Boolean);
const bySdk =
  Object.keys(tally).length > 1
    ? ` (${Object.entries(tally)
        .map(([k, t]) => `${k}: ${counted(t)}`)
        .join('; ')})`
    : '';
console.log(
  `\nparity: ${parts.join(' + ')} = ${all.length * jsReleases.length + pyRuns} comparisons: ${counted(total)}${bySdk}; ${unused.length} stale allow-list entries; ${seconds} s`,
);
process.exit(total.DIFFER || total.missing || unused.length || workerErrors.length ? 1 : 0);
