#!/usr/bin/env node
// `npm test`: install what the tiers need (scripts/install-deps.sh), build, typecheck, lint, unit tests (plain node),
// package + .vsix checks, then the extension-host and browser end-to-end suites. Runs inside a network namespace with
// only `lo` when it can (root + unshare), so a test that tries to leave loopback fails loudly instead of leaking.
// Ends with "N passed, N failed, N skipped", where skipped counts every test that did not run: mocha pending tests,
// node:test skip/todo, the in-host suite's pending tests and a whole tier left out. With CI set, a skipped test fails
// the run unless test/skip-allowlist.json lists it with a reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
const skipE2e = args.includes('--no-e2e') || process.env.AZAUTH_SKIP_E2E === '1';
const ci = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI.toLowerCase());
const ALLOWLIST = 'test/skip-allowlist.json';

function canIsolate() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const r = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  return r.status === 0;
}

if (!process.env.AZAUTH_NETNS) {
  // Things that need the network happen here, before isolation: Debian packages and code-server.
  const r = spawnSync('bash', ['scripts/install-deps.sh'], { stdio: 'inherit' });
  if (r.status !== 0)
    console.warn('[test] could not install every test dependency; the tests that need them will report as skipped');
  if (canIsolate()) {
    console.log('[test] running inside a private network namespace (only lo is up)');
    const n = spawnSync(
      'unshare',
      [
        '-n',
        '--',
        'sh',
        '-c',
        'ip link set lo up && exec "$0" "$@"',
        process.execPath,
        fileURLToPath(import.meta.url),
        ...args,
      ],
      {
        stdio: 'inherit',
        env: { ...process.env, AZAUTH_NETNS: '1' },
      },
    );
    process.exit(n.status ?? 1);
  } else {
    console.warn(
      '[test] WARNING: cannot create a network namespace (needs root and unshare); running on the host network',
    );
  }
}

let passed = 0;
let failed = 0;
/** Every test that did not run: { test: id, reason? }. */
const skipped = [];
const summary = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'azauth-test-'));

/**
 * Runs one step. `report(stdout, reportFile)` returns { passed, failed, skipped: [{ test, reason? }] } for a test
 * tier; a step without it (build, lint, …) counts as one test. A step that exits non-zero with no failed test counted
 * still counts as one failure (a crash, a failing hook outside the reporter).
 */
function run(name, cmd, cmdArgs, { report, env } = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const reportFile = path.join(scratch, `${summary.length}.json`);
  const r = spawnSync(cmd, cmdArgs, {
    stdio: report ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, AZAUTH_TEST_REPORT: reportFile, ...env },
  });
  if (report && r.stdout) process.stdout.write(r.stdout);
  const ok = r.status === 0;
  let c = { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: [] };
  if (report) c = report(r.stdout ?? '', reportFile);
  if (!ok && c.failed === 0) c.failed = 1;
  passed += c.passed;
  failed += c.failed;
  skipped.push(...c.skipped);
  summary.push(
    `${ok ? 'ok  ' : 'FAIL'} ${name} (${c.passed} passed, ${c.failed} failed, ${c.skipped.length} skipped, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return ok;
}

function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { passed: 0, failed: 0, skipped: [] };
  }
}

const mochaReport = (_out, file) => {
  const r = readReport(file);
  return { passed: r.passed, failed: r.failed, skipped: r.skipped.map((t) => ({ test: `unit: ${t}` })) };
};

/** node:test's record, with the extension-host suite (one node:test test) replaced by the mocha tests it ran. */
const e2eReport = (out, file) => {
  const r = readReport(file);
  let { passed: p, failed: f } = r;
  const s = r.skipped.map((x) => ({ test: `e2e: ${x.test}`, reason: x.reason }));
  const host = /extension-host: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(out);
  if (host) {
    const [hp, hf] = [Number(host[1]), Number(host[2])];
    if (hf > 0) f -= 1;
    else p -= 1;
    p += hp;
    f += hf;
    for (const m of out.matchAll(/extension-host skipped: (.*)/g)) s.push({ test: `extension-host: ${m[1].trim()}` });
    if (Number(host[3] ?? 0) !== s.filter((x) => x.test.startsWith('extension-host: ')).length) f += 1; // a title got lost: never undercount
  }
  return { passed: p, failed: f, skipped: s };
};

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);
run('build', process.execPath, ['esbuild.mjs']);
if (run('typecheck', npx('tsc'), ['--noEmit', '-p', 'tsconfig.json']))
  run('typecheck webview', npx('tsc'), ['--noEmit', '-p', 'webview-ui/tsconfig.json']);
run('lint', npx('eslint'), ['.']);
run('package .vsix', 'npm', ['run', '--silent', 'package']);
run('unit tests (mocha, plain node)', npx('mocha'), ['--reporter', path.join(root, 'scripts/mocha-report.cjs')], {
  report: mochaReport,
});
// The differential parity suite: real @azure/identity releases vs the engine's profiles, scenario by scenario, each
// group in its own loopback-only network namespace (test/parity/run.mjs). One comparison = one scenario × release;
// an allow-listed difference (test/parity/allowlist.json, with its reason) counts as passed, nothing is skipped.
const parityReport = (out) => {
  const m = /parity: .*?: (\d+) agree, (\d+) allow-listed, (\d+) differ, (\d+) missing/.exec(out);
  return m
    ? { passed: Number(m[1]) + Number(m[2]), failed: Number(m[3]) + Number(m[4]), skipped: [] }
    : { passed: 0, failed: 1, skipped: [] };
};
run('parity: real SDKs vs engine profiles', process.execPath, ['test/parity/run.mjs'], { report: parityReport });
// The unit suite guards its own process (test/unit/security/loopback-only.test.ts refuses any non-loopback
// connection), but the end-to-end suites run code-server, a VS Code extension host and Chromium: programs we cannot
// guard from inside. On the host network they could send packets off the machine (update checks, DNS, whatever a
// future version adds), so they run only inside the network namespace — or when the developer explicitly opts in.
const isolated = process.env.AZAUTH_NETNS === '1';
const hostNetworkE2e = process.env.AZAUTH_E2E_HOST_NETWORK === '1';
const E2E = 'tier: end-to-end suites';
if (skipE2e) {
  skipped.push({ test: E2E, reason: '--no-e2e or AZAUTH_SKIP_E2E=1' });
} else if (!isolated && !hostNetworkE2e) {
  skipped.push({
    test: E2E,
    reason:
      'not inside a loopback-only network namespace (run as root with unshare, or set AZAUTH_E2E_HOST_NETWORK=1 to run them on the host network anyway)',
  });
} else if (
  !existsSync('.vscode-test/code-server/node_modules/code-server/out/node/entry.js') ||
  !existsSync('/usr/bin/chromium')
) {
  skipped.push({ test: E2E, reason: 'code-server or Chromium is missing (run scripts/install-deps.sh as root)' });
} else {
  run('build (dev, with test suite)', process.execPath, ['esbuild.mjs']);
  const reporters = [
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'scripts/node-test-report.mjs')}`,
  ];
  run(
    'end-to-end: VS Code extension host + Chromium',
    process.execPath,
    [
      '--test',
      '--test-concurrency=1',
      ...reporters,
      `--test-reporter-destination=${path.join(scratch, 'e2e.json')}`,
      'test/e2e/',
    ],
    {
      report: (out) => e2eReport(out, path.join(scratch, 'e2e.json')),
    },
  );
}
rmSync(scratch, { recursive: true, force: true });

console.log('\n=== summary ===');
for (const line of summary) console.log(line);
if (skipped.length) {
  console.log(`\nskipped (${skipped.length}):`);
  for (const s of skipped) console.log(`  - ${s.test}${s.reason ? ` — ${s.reason}` : ''}`);
}
if (ci) failed += refuseUnlistedSkips();
console.log(`\n${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(failed ? 1 : 0);

/** In CI every skip is a failure unless test/skip-allowlist.json names it with a reason. Returns the failures. */
function refuseUnlistedSkips() {
  let allowed;
  try {
    const list = JSON.parse(readFileSync(ALLOWLIST, 'utf8')).skips;
    if (
      !Array.isArray(list) ||
      list.some((e) => typeof e?.test !== 'string' || typeof e.reason !== 'string' || !e.reason.trim())
    )
      throw new Error('every entry needs "test" and a non-empty "reason"');
    allowed = new Map(list.map((e) => [e.test, e.reason]));
  } catch (e) {
    console.log(`\nFAIL ${ALLOWLIST} is not valid: ${e.message}`);
    return 1;
  }
  const unlisted = skipped.filter((s) => !allowed.has(s.test));
  for (const s of skipped.filter((x) => allowed.has(x.test)))
    console.log(`allowed skip: ${s.test} — ${allowed.get(s.test)}`);
  if (!unlisted.length) return 0;
  console.log(
    `\nFAIL CI=${process.env.CI}: ${unlisted.length} skipped test(s) not in ${ALLOWLIST} (a skipped test proves nothing; make it run, or list it with the reason):`,
  );
  for (const s of unlisted) console.log(`  - ${s.test}`);
  return unlisted.length;
}
