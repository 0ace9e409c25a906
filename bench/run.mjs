#!/usr/bin/env node
// `npm run bench`: every figure is a ratio against a baseline measured in the same run (these machines are noisy).
// Writes bench/results.json and prints the table; `--write` also refreshes the table in BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
process.chdir(root);
const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const want = (name) => !only || only.includes(name);

function step(name) {
  console.log(`\n== ${name} ==`);
}

const results = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  date: new Date().toISOString(),
  command: 'npm run bench',
};

if (!args.includes('--no-build')) {
  step('production build + .vsix');
  const r = spawnSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

if (want('sizes')) {
  step('sizes');
  const size = (f) => (existsSync(f) ? statSync(f).size : null);
  results.sizes = {
    'dist/extension.js': size('dist/extension.js'),
    'dist/engine.js': size('dist/engine.js'),
    'dist/cli.js': size('dist/cli.js'),
    'dist/cli-commands.js': size('dist/cli-commands.js'),
    'dist/cli-io.js': size('dist/cli-io.js'),
    'dist/webview/main.js': size('dist/webview/main.js'),
    'dist/azure-auth-debugger.vsix': size('dist/azure-auth-debugger.vsix'),
  };
  results.budgets = { 'dist/extension.js': 150 * 1024, 'dist/azure-auth-debugger.vsix': 2 * 1024 * 1024 };
  const ext = readFileSync('dist/extension.js', 'utf8');
  results.lazy = {
    extensionBundleContainsMsal: /msal-node|ConfidentialClientApplication/.test(ext),
    extensionBundleContainsCatalogs: /UserStrongAuthClientAuthNRequired/.test(ext),
  };
  for (const [k, v] of Object.entries(results.sizes))
    console.log(`  ${k.padEnd(32)} ${v === null ? 'missing' : `${(v / 1024).toFixed(1)} KB`}`);
}

function child(script, env = {}) {
  const r = spawnSync(process.execPath, [path.join(here, script)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 600000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (!line) {
    console.error(r.stdout.slice(-2000), r.stderr.slice(-2000));
    return { error: `no result (exit ${r.status})` };
  }
  if (r.stdout)
    process.stdout.write(
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('BENCH-RESULT '))
        .join('\n'),
    );
  return JSON.parse(line.slice('BENCH-RESULT '.length));
}

if (want('throughput')) {
  step('decode / explain throughput (ratio to JSON.parse of the same payloads)');
  results.throughput = child('throughput.mjs');
}
if (want('skim')) {
  step("a debug session's skim past 32 MB (ratios to the skim before the readers' marks and to reading everything)");
  results.skim = child('skim.mjs');
}
if (want('activation')) {
  step('activation bundle load (ratio to an empty bundle of the same kind)');
  results.activation = child('activation.mjs');
}

function inNetns(script, env = {}) {
  const isolate =
    process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
  if (!isolate) {
    console.error('  skipped: needs root and unshare -n (a private network namespace) so that nothing leaves loopback');
    return { skipped: 'needs root + unshare -n' };
  }
  const r = spawnSync('unshare', ['-n', '--', process.execPath, '--import', 'tsx', path.join(here, script)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 900000,
  });
  if (r.stdout)
    process.stdout.write(
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('BENCH-RESULT '))
        .join('\n') + '\n',
    );
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (!line) {
    console.error(r.stderr.slice(-3000));
    return { error: `no result (exit ${r.status})` };
  }
  return JSON.parse(line.slice('BENCH-RESULT '.length));
}

if (want('cache')) {
  step('token cache (in a private network namespace)');
  results.cache = inNetns('cache.mjs');
}
if (want('cli')) {
  step(
    'azauth where the chain fails: package and executable sizes, --version cold start (ratios to node -e 0 and az version)',
  );
  results.cli = inNetns('cli-start.mjs');
}
if (want('latency')) {
  step('chain verdict latency: engine vs @azure/identity DefaultAzureCredential (in a private network namespace)');
  results.latency = inNetns('latency.mjs');
}

if (want('apptrace')) {
  step('app tracing overhead and the managed-identity broker (in a private network namespace)');
  results.apptrace = inNetns('apptrace.mjs');
}

writeFileSync(path.join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');
const table = renderTable(results);
console.log('\n' + table);
if (args.includes('--write')) {
  const md = readFileSync('BENCHMARKS.md', 'utf8');
  // A partial run (--only=latency) refreshes only the latency table, between its own markers, and leaves the other
  // sections' figures (from earlier full runs) as they are.
  const latencyMarks = /<!-- latency:start -->[\s\S]*<!-- latency:end -->/;
  const next =
    only && results.latency && latencyMarks.test(md)
      ? md.replace(latencyMarks, () => renderLatency(results))
      : md.replace(
          /<!-- results:start -->[\s\S]*<!-- results:end -->/,
          () => `<!-- results:start -->\n${table}\n<!-- results:end -->`,
        );
  writeFileSync('BENCHMARKS.md', next);
  console.log('BENCHMARKS.md updated');
}

function ratio(x) {
  return Number.isFinite(x) ? `×${x.toFixed(2)}` : '–';
}

function fmt(ms) {
  return Number.isFinite(ms)
    ? ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : ms >= 10
        ? `${Math.round(ms)} ms`
        : `${ms.toFixed(2)} ms`
    : '–';
}

function renderTable(r) {
  const lines = [];
  lines.push(
    `Measured ${r.date.slice(0, 10)} on ${r.machine.cpus} cores (${r.machine.model}), Node ${r.machine.node}, with \`npm run bench\`.`,
    '',
  );
  if (r.latency) lines.push(renderLatency(r), '');
  if (r.cache && !r.cache.error && !r.cache.skipped) {
    lines.push('### Token cache', '', '| figure | value |', '|---|---|');
    lines.push(`| first acquisition | ${fmt(r.cache.firstMs)} (${r.cache.firstRequests} HTTP requests) |`);
    lines.push(
      `| cached acquisition (median of ${r.cache.cachedRuns}) | ${fmt(r.cache.cachedMs)} (${r.cache.cachedRequests} HTTP requests) |`,
    );
    lines.push(`| ratio cached / first | ×${(r.cache.cachedMs / r.cache.firstMs).toFixed(4)} |`);
    lines.push(
      `| 50 concurrent identical requests | ${r.cache.concurrentRequests} token request(s) to the authority |`,
      '',
    );
  }
  if (r.apptrace && !r.apptrace.error && !r.apptrace.skipped) {
    const a = r.apptrace;
    lines.push(
      '### Tracing the app and the managed-identity broker',
      '',
      '| figure | value | ratio |',
      '|---|---|---|',
    );
    const sp = (k) => (a.spreads?.[k] ? ` (${fmt(a.spreads[k].min)}–${fmt(a.spreads[k].max)})` : '');
    const paired = (x) => (Number.isFinite(x) ? `; paired ×${x.toFixed(3)}` : '');
    // CPU time of the process tree (GNU time; not for the in-process sides, whose reading shares this process).
    const cpuOf = (k) =>
      a.cpuRatios?.[k] !== undefined ? `; CPU ${fmt(a.cpuMs[k])} ×${a.cpuRatios[k].toFixed(3)}` : '';
    const row = (label, k, extra = '') =>
      lines.push(
        `| ${label} | ${fmt(a[`${k}Ms`])}${sp(k)} | ×${a[`ratio${k[0].toUpperCase()}${k.slice(1)}`].toFixed(3)}${paired(a.paired?.[k])}${cpuOf(k)}${extra} |`,
      );
    lines.push(
      `| @azure/identity program asking ${a.tokens} tokens, bare (median of ${a.reps}, min–max; load average ${a.loadAverage.before.toFixed(1)} → ${a.loadAverage.after.toFixed(1)}) | ${fmt(a.bareMs)}${sp('bare')} | baseline${a.cpuMs?.bare !== undefined ? `; CPU ${fmt(a.cpuMs.bare)}` : ''} |`,
    );
    row("the same with the SDK's logging on (AZURE_LOG_LEVEL=info), output read by nobody", 'logging');
    row('the same started by a bare Node parent (spawn, inherited stdio, wait): any Node wrapper’s floor', 'wrapper');
    row('traced in-process (`runTraced`, the core of azauth run): the Node hook, records over the channel', 'traced');
    row('traced in-process, the readers reading stderr (no hook: the user set AZURE_LOG_LEVEL)', 'tracedStderr');
    row(
      'the whole `node dist/cli.js run --json -- node app.mjs` process (Windows, the single executable; its own start-up included), the hook',
      'cli',
    );
    row('the whole `node dist/cli.js run` process, the readers reading stderr', 'cliStderr');
    if (a.launcherMs !== undefined) {
      row(
        '`bin/azauth run --json -- node app.mjs` (the `azauth` bin on POSIX): the shell starts the program, the collector beside it, the hook',
        'launcher',
      );
      row('`bin/azauth run`, the readers reading stderr', 'launcherStderr');
    }
    lines.push(
      `| broker answering a cached token (median of 500; p95 ${fmt(a.brokerP95Ms)}) | ${fmt(a.brokerCachedMs)} | ×${a.ratioBroker.toFixed(2)} of a bare loopback round trip (${fmt(a.loopbackMs)}) |`,
      '',
    );
  }
  if (r.throughput && !r.throughput.error) {
    lines.push(
      '### Decode / explain throughput',
      '',
      '| operation | per second | ratio to JSON.parse of the same payloads |',
      '|---|---|---|',
    );
    for (const t of r.throughput.rows)
      lines.push(`| ${t.name} | ${Math.round(t.perSecond).toLocaleString('en-US')} | ×${t.ratio.toFixed(2)} slower |`);
    lines.push('');
  }
  if (r.skim && !r.skim.error) lines.push(renderSkim(r.skim), '');
  if (r.activation && !r.activation.error) {
    lines.push('### Activation', '', '| figure | value |', '|---|---|');
    lines.push(
      `| load of dist/extension.js vs an empty bundle | ${fmt(r.activation.extensionMs)} vs ${fmt(r.activation.emptyMs)} (×${r.activation.ratio.toFixed(2)}) |`,
    );
    if (r.activation.vscodeReported)
      lines.push(`| activation reported inside VS Code (integration run) | ${fmt(r.activation.vscodeReported)} |`);
    lines.push('');
  }
  if (r.cli && !r.cli.error && !r.cli.skipped) {
    const kb = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);
    lines.push('### azauth as a package and a single executable', '', '| artifact | size |', '|---|---|');
    lines.push(
      `| npm package (dist/azauth-<version>.tgz) | ${kb(r.cli.sizes.tarball)} (the bundle inside: ${kb(r.cli.sizes.bundle)}) |`,
    );
    lines.push(
      `| single executable (dist/azauth-linux-x64) | ${kb(r.cli.sizes.executable)} (the node binary it starts from: ${kb(r.cli.sizes.node)}) |`,
      '',
    );
    lines.push(
      `Cold start, median of ${r.cli.runs} interleaved runs (min–max):`,
      '',
      '| command | time | ratio to node -e 0 | ratio to az version |',
      '|---|---|---|---|',
    );
    for (const [k, v] of Object.entries(r.cli.start))
      lines.push(
        `| ${k} | ${fmt(v.median)} (${fmt(v.min)}–${fmt(v.max)}) | ×${v.overNode.toFixed(2)} | ×${v.overAz.toFixed(3)} |`,
      );
    lines.push('');
  }
  if (r.sizes) {
    lines.push('### Sizes and budgets', '', '| file | size | budget |', '|---|---|---|');
    for (const [k, v] of Object.entries(r.sizes))
      lines.push(
        `| ${k} | ${v === null ? 'missing' : `${(v / 1024).toFixed(1)} KB`} | ${r.budgets[k] ? `${(r.budgets[k] / 1024).toFixed(0)} KB` : '–'} |`,
      );
    lines.push(
      '',
      `msal-node in the activation bundle: ${r.lazy.extensionBundleContainsMsal ? 'YES (regression)' : 'no'}; AADSTS catalog in the activation bundle: ${r.lazy.extensionBundleContainsCatalogs ? 'YES (regression)' : 'no'}.`,
    );
  }
  return lines.join('\n');
}

/** The chain-latency section, between markers so that `--only=latency --write` can refresh it alone. */
function renderLatency(r) {
  const lines = ['<!-- latency:start -->'];
  if (!Array.isArray(r.latency)) {
    lines.push(`Latency: ${JSON.stringify(r.latency)}`, '<!-- latency:end -->');
    return lines.join('\n');
  }
  const load = r.latency.map((x) => x.loadAverage).filter(Boolean);
  const loadText = load.length
    ? `, load average ${Math.min(...load.map((l) => l.min)).toFixed(1)}–${Math.max(...load.map((l) => l.max)).toFixed(1)}`
    : '';
  lines.push(
    `### Chain verdict latency — ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.latency[0]?.sdk.runs.length ?? '?'} interleaved repetitions per side${loadText}`,
    '',
    'Medians (min–max). Both clocks start after the modules are loaded: the SDK\'s includes `new DefaultAzureCredential()`, the engine\'s the whole `runChain` call. "per rep." is the median of the ratios of the sides that ran back to back in the same repetition.',
    '',
    '| scenario | SDK DefaultAzureCredential | engine sequential | ratio | per rep. | engine diagnose: verdict | ratio | per rep. | diagnose: full report | full report / slowest step | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const x of r.latency) {
    lines.push(
      `| ${x.scenario} | ${fmt(x.sdk.median)} (${fmt(x.sdk.min)}–${fmt(x.sdk.max)}) | ${fmt(x.sequential.median)} | ${ratio(x.ratioSequential)} | ${ratio(x.pairedSequential)} | ${fmt(x.diagnoseVerdict?.median)} | ${ratio(x.ratioDiagnoseVerdict)} | ${ratio(x.pairedDiagnoseVerdict)} | ${fmt(x.diagnose.median)} (${ratio(x.ratioDiagnose)}) | ${x.diagnoseOverSlowest ? '×' + x.diagnoseOverSlowest.toFixed(2) : '–'} | ${x.loadAverage ? `${x.loadAverage.min.toFixed(1)}–${x.loadAverage.max.toFixed(1)}` : '–'} |`,
    );
  }
  lines.push('', 'Per-repetition times (ms, in the order run; the sides alternate order every repetition):', '');
  for (const x of r.latency)
    lines.push(
      `- **${x.scenario}** — SDK ${x.sdk.runs.join(', ')} (of which \`new DefaultAzureCredential()\` ${x.sdkConstructorMs?.runs?.join(', ') ?? '–'}); sequential ${x.sequential.runs.join(', ')}; diagnose verdict ${x.diagnoseVerdict?.runs?.join(', ') ?? '–'}`,
    );
  const counted = r.latency.filter((x) => x.imdsRequests);
  for (const x of counted)
    lines.push(
      '',
      `Requests each run sent to the IMDS 404 responder (${x.scenario}): ${Object.entries(x.imdsRequests)
        .map(([side, n]) => `${side} ${n.join(', ')}`)
        .join('; ')}.`,
    );
  lines.push('', 'Verdicts (last run):', '');
  for (const x of r.latency)
    lines.push(
      `- **${x.scenario}** — SDK: ${x.sdk.verdict} · engine: ${x.sequential.verdict} · diagnose winner: ${x.diagnose.winner ?? 'none'}${x.diagnose.managedIdentity ? ` · ManagedIdentityCredential: ${x.diagnose.managedIdentity.outcome} (${fmt(x.diagnose.managedIdentity.durationMs)}): ${x.diagnose.managedIdentity.message}` : ''}`,
    );
  // The fingerprint's instant verdict, as a ratio of the SDK's time in the same scenario.
  if (r.latency.some((x) => x.fingerprint)) {
    lines.push(
      '',
      "Fingerprint verdict for ManagedIdentityCredential, cold in a process of its own (median; ratio to the SDK's time in the same scenario):",
      '',
    );
    for (const x of r.latency)
      if (x.fingerprint)
        lines.push(
          `- **${x.scenario}** — ${x.fingerprint.median.toFixed(2)} ms (×${x.ratioFingerprint.toFixed(4)}, ${(x.ratioFingerprint * 100).toFixed(2)} % of the SDK): ${x.fingerprint.verdict} — ${x.fingerprint.reason}`,
        );
  }
  lines.push('<!-- latency:end -->');
  return lines.join('\n');
}

function renderSkim(s) {
  const rows = [
    '### Debug session output past 32 MB (the skim)',
    '',
    `64 MB of a program's own output in 64 KB pieces, an @azure/identity chain run with its HTTP records every 8 MB.`,
    '',
    '| output | skim | skim / skim before | skim / one indexOf | skim + reading / skim before + reading | skim + reading / reading everything | read of 64 MB |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [label, x] of [
    ['no line names Azure', s.plain],
    ['a line names Azure every 1,000', s.mentions],
  ])
    rows.push(
      `| ${label} | ${Math.round(x.skimMbPerSecond)} MB/s | ${ratio(x.skimToBefore)} | ${ratio(x.skimToIndexOf)} | ${ratio(x.skimAndReadToBeforeAndRead)} | ${ratio(x.skimAndReadToReadAll)} | ${(x.kept.skim.handed / 1024).toFixed(0)} KB (before: ${(x.kept.before.handed / 1024).toFixed(0)} KB); ${x.kept.skim.http} of ${x.kept.all.http} HTTP exchanges |`,
    );
  return rows.join('\n');
}
