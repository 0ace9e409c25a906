// `bin/azauth`, the POSIX launcher, as a user runs it: `azauth run` starts the program from the shell with the
// switches tracedProgramEnvironment() names and a collector beside it on pipes; every other command, and every `run`
// it does not take in hand, goes to dist/cli.js. The real @azure/identity and Python azure-identity apps against the
// sandbox: the same trace as `node dist/cli.js run`, output byte for byte, exit codes, Ctrl+C, no temp files left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './harness.mjs';

const require = createRequire(import.meta.url);
const { startSandbox, DEMO } = require(path.join(root, 'dist/sandbox.js'));
const { appEnv } = require(path.join(root, 'test/fixtures/apptrace/app-env.cjs'));
const badOutput = require(path.join(root, 'test/fixtures/apptrace/bad-output.cjs'));
const engine = require(path.join(root, 'dist/engine.js'));
const LAUNCHER = path.join(root, 'bin/azauth');
const DIST = path.join(root, 'dist');
const JS_APP = path.join(root, 'test/fixtures/apptrace/app.mjs');
const PY_APP = path.join(root, 'test/fixtures/apptrace/app.py');
const PYTHON = '/usr/bin/python3';
const NODE_DIR = path.dirname(process.execPath);

let sb;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.close());

/** The apps' environment (test/fixtures/apptrace/app-env.cjs), with this Node on PATH and a TMPDIR of its own. */
function baseEnv() {
  const home = mkdtempSync(path.join(tmpdir(), 'azauth-launcher-home-'));
  mkdirSync(path.join(home, 'tmp'));
  return { ...appEnv(home, sb), PATH: `${NODE_DIR}:/usr/bin:/bin`, TMPDIR: path.join(home, 'tmp') };
}

const secretEnv = (secret = DEMO.confidentialSecret) => ({
  AZURE_TENANT_ID: sb.tenantId,
  AZURE_CLIENT_ID: DEMO.confidentialClientId,
  AZURE_CLIENT_SECRET: secret,
});

/** Runs a command to its end, hashing its output as it streams; `onStart` sees the child (detached: its own group). */
function launch(cmd, args, env, onStart) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const hashes = { out: createHash('sha256'), err: createHash('sha256') };
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => {
      hashes.out.update(b);
      out = (out + b.toString('latin1')).slice(-400_000);
    });
    child.stderr.on('data', (b) => {
      hashes.err.update(b);
      err = (err + b.toString('utf8')).slice(-400_000);
    });
    onStart?.(child);
    child.on('close', (code) => resolve({ code, out, err, outHash: hashes.out.digest('hex') }));
  });
}

const viaLauncher = (args, env, onStart) => launch(LAUNCHER, args, env, onStart);
const viaNode = (args, env) => launch(process.execPath, [path.join(DIST, 'cli.js'), ...args], env);
const lastJson = (text) => JSON.parse(text.trimEnd().split('\n').pop());
const appResult = (text) => JSON.parse(/^APP-RESULT (.*)$/m.exec(text)[1]);
/** What a trace says, without its clocks: each run's winner and each credential's outcome. */
const outcomes = (trace) =>
  trace.runs.map((r) => ({ winner: r.winner, steps: r.steps.map((s) => `${s.credential}: ${s.outcome}`) }));

test('the real @azure/identity app: the launcher’s trace is the Node CLI’s, the app’s own winner, nothing left in TMPDIR', async () => {
  const env = { ...baseEnv(), ...secretEnv() };
  const launched = await viaLauncher(['run', '--json', '--', process.execPath, JS_APP], env);
  assert.equal(launched.code, 0, launched.err);
  const lines = launched.out.trimEnd().split('\n');
  assert.match(lines[lines.length - 2], /^APP-RESULT /, 'the program’s output comes first');
  const trace = lastJson(launched.out);
  assert.equal(appResult(launched.out).winner, 'EnvironmentCredential');
  assert.equal(trace.runs[0].winner, 'EnvironmentCredential');
  assert.match(trace.label, /^observed in your app: @azure\/identity \d+\.\d+\.\d+/);
  // The hook handed the records over on the channel: nothing of the SDK's on stderr.
  assert.deepEqual(trace.loggingSwitches, [
    'AZURE_LOG_LEVEL',
    'AZURE_SDK_GO_LOGGING',
    'PYTHONPATH',
    'NODE_OPTIONS',
    'AZAUTH_TRACE_FD',
  ]);
  assert.equal(launched.err, '');
  assert.ok(!launched.out.includes(DEMO.confidentialSecret), 'the secret is not in the trace');
  assert.deepEqual(readdirSync(env.TMPDIR), [], 'the launcher’s pipes leave no file behind');

  const node = await viaNode(['run', '--json', '--', process.execPath, JS_APP], env);
  assert.equal(node.code, 0, node.err);
  assert.deepEqual(outcomes(trace), outcomes(lastJson(node.out)));
  assert.equal(trace.label, lastJson(node.out).label);
});

test('the real Python azure-identity app, a wrong secret: AADSTS7000215 explained, the hook’s records on the channel', async () => {
  const env = { ...baseEnv(), ...secretEnv('a-wrong-secret-value') };
  const r = await viaLauncher(['run', '--profile', 'python', '--json', '--', PYTHON, PY_APP], env);
  assert.equal(r.code, 0, r.err);
  const trace = lastJson(r.out);
  assert.equal(trace.label, 'observed in your app: azure-identity (Python) 1.13.0b2');
  assert.equal(trace.runs[0].winner, null);
  assert.equal(appResult(r.out).ok, false);
  assert.equal(trace.runs[0].steps.find((s) => s.credential === 'EnvironmentCredential').outcome, 'failed');
  assert.deepEqual(
    trace.explanations.map((e) => e.code),
    [7000215],
  );
  assert.deepEqual(trace.loggingSwitches, ['PYTHONPATH', 'AZAUTH_TRACE_FD']);
  assert.ok(!r.out.includes('a-wrong-secret-value') && !r.err.includes('a-wrong-secret-value'));
  const node = await viaNode(['run', '--profile', 'python', '--json', '--', PYTHON, PY_APP], env);
  assert.deepEqual(outcomes(trace), outcomes(lastJson(node.out)));
});

test('no Node process in front of the program: its parent is the launcher’s shell, where the Node CLI’s is node', async () => {
  // The program prints its parent's pid and executable; `launch` resolves with the launcher's own pid.
  const program = ['sh', '-c', 'echo "$PPID $(readlink /proc/$PPID/exe)"'];
  let launcherPid;
  const r = await viaLauncher(['run', '--profile', 'js', '--', ...program], baseEnv(), (c) => (launcherPid = c.pid));
  assert.equal(r.code, 0, r.err);
  const [ppid, exe] = r.out.split('\n')[0].split(' ');
  assert.equal(Number(ppid), launcherPid, 'the shell that runs bin/azauth started the program');
  assert.doesNotMatch(path.basename(exe), /^node/, exe);
  const node = await viaNode(['run', '--profile', 'js', '--', ...program], baseEnv());
  assert.equal(path.basename(node.out.split('\n')[0].split(' ')[1]), path.basename(process.execPath));
});

test('the user’s NODE_OPTIONS are for their program: the collector, azauth’s own Node, runs without them', async () => {
  // A --require that notes every Node process it is loaded into. Before the launcher cleared them for the collector,
  // it noted two (the app and dist/run-collector.js); an --inspect-brk there stopped the collector and hung the run.
  const dir = mkdtempSync(path.join(tmpdir(), 'azauth-launcher-require-'));
  const noter = path.join(dir, 'note.cjs');
  const notes = path.join(dir, 'notes.txt');
  writeFileSync(noter, `require('fs').appendFileSync(${JSON.stringify(notes)}, process.argv[1] + '\\n');\n`);
  const env = { ...baseEnv(), ...secretEnv(), NODE_OPTIONS: `--require ${noter}` };
  const r = await viaLauncher(['run', '--json', '--', process.execPath, JS_APP], env);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readFileSync(notes, 'utf8').split('\n').filter(Boolean), [JS_APP]);
  // The program kept the rest of its environment: the sandbox's CA (NODE_EXTRA_CA_CERTS) let it get its token.
  assert.equal(appResult(r.out).winner, 'EnvironmentCredential');
  assert.equal(lastJson(r.out).runs[0].winner, 'EnvironmentCredential');
});

/** The environment a program started by the launcher sees (`env` prints it; dash adds PWD only when it is missing). */
async function programEnvironment(args, env) {
  const r = await viaLauncher(['run', ...args, '--', 'env'], env);
  assert.equal(r.code, 0, r.err);
  const seen = {};
  for (const line of r.out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) seen[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return seen;
}

test('the program’s environment is exactly the base plus tracedProgramEnvironment(), for every profile and setting', async () => {
  const hooks = engine.installedHooks(DIST);
  const cases = [
    { args: [], env: {} },
    { args: ['--verbose'], env: { NODE_OPTIONS: '  --max-old-space-size=512 ', PYTHONPATH: '/opt/py' } },
    { args: ['--profile', 'js'], env: { AZURE_LOG_LEVEL: 'warning' } },
    { args: ['--profile=go,dotnet'], env: {} },
    { args: ['--profile', 'java,python', '--verbose'], env: { PYTHONPATH: '' } },
    { args: ['--profile', 'js,python'], env: { NODE_OPTIONS: '--enable-source-maps' } },
  ];
  for (const c of cases) {
    const base = { ...baseEnv(), PWD: root, ...c.env };
    const sdks = (/--profile[= ]?(\S+)/.exec(c.args.join(' '))?.[1] ?? 'js,python,go,dotnet,java').split(',');
    const level = c.args.includes('--verbose') ? 'verbose' : 'info';
    const { added } = engine.tracedProgramEnvironment(base, sdks, level, hooks);
    const seen = await programEnvironment(c.args, base);
    assert.deepEqual(seen, { ...base, ...added }, JSON.stringify(c));
  }
});

test('exit codes pass through; a run it does not take in hand goes to the Node CLI, as do the other commands', async () => {
  const env = baseEnv();
  assert.equal((await viaLauncher(['run', '--', 'sh', '-c', 'exit 3'], env)).code, 3);
  const missing = await viaLauncher(['run', '--', 'no-such-program-azauth'], env);
  assert.equal(missing.code, 127);
  assert.match(missing.err, /could not start no-such-program-azauth: ENOENT/);
  const none = await viaLauncher(['run'], env);
  assert.equal(none.code, 2);
  assert.match(none.err, /^azauth run: no command to run/);
  const cobol = await viaLauncher(['run', '--profile', 'cobol', '--', 'true'], env);
  assert.equal(cobol.code, 2);
  assert.match(cobol.err, /unknown SDK "cobol"/);
  for (const profile of [['--profile='], ['--profile', ''], ['--profile', 'JS,cobol'], ['--profile']]) {
    const r = await viaLauncher(['run', ...profile, '--', 'true'], env);
    assert.equal(r.code, 2, `${JSON.stringify(profile)}: ${r.err}`);
    assert.match(r.err, /^azauth run: /);
  }
  // A form only the Node CLI reads (it drops the empty item and lower-cases) is run there, not refused.
  assert.equal((await viaLauncher(['run', '--profile', 'JS,', '--', 'sh', '-c', 'exit 5'], env)).code, 5);
  const help = await viaLauncher(['run', '--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.out, /^Usage: azauth run/);
  const explained = await viaLauncher(['explain', 'AADSTS50076'], env);
  assert.equal(explained.code, 0, explained.err);
  assert.match(explained.out, /50076/);
  // Linked from a bin folder, as npm installs it.
  const bin = path.join(env.HOME, 'bin');
  mkdirSync(bin);
  symlinkSync(LAUNCHER, path.join(bin, 'azauth'));
  const linked = await launch(path.join(bin, 'azauth'), ['run', '--json', '--', 'sh', '-c', 'echo hi; exit 4'], env);
  assert.equal(linked.code, 4, linked.err);
  assert.equal(linked.out.split('\n')[0], 'hi');
  assert.equal(lastJson(linked.out).exitCode, 4);
  // The run's duration counts from the program's start, not from when the collector's Node was ready (~50 ms later).
  const slept = await viaLauncher(['run', '--json', '--', 'sleep', '0.3'], env);
  assert.ok(lastJson(slept.out).durationMs >= 300, `durationMs ${lastJson(slept.out).durationMs}`);
});

test('100 MB, binary bytes, a 10 MB line and interleaved streams pass through byte for byte; the SDK lines are read', async () => {
  const r = await viaLauncher(['run', '--', process.execPath, badOutput.FILE], baseEnv());
  const expected = badOutput.expected();
  assert.equal(r.code, 0, r.err.slice(-2000));
  assert.equal(r.outHash, expected.stdoutSha256, 'stdout changed');
  const traceAt = r.err.indexOf('\n── azauth run:');
  assert.equal(r.err.slice(0, traceAt), expected.stderr, 'stderr changed');
  assert.match(r.err, /→ EnvironmentCredential/);
  assert.match(r.err, /; 101 line\(s\) longer than the cap, \d+ binary line\(s\)/);
});

test('Ctrl+C reaches the program from the terminal; the trace so far is still printed, the exit code says SIGINT', async () => {
  const program = `console.error('azure:identity:info AzureCliCredential => getToken() => ERROR. Scopes: s. Error message: Please run \\'az login\\' from a command prompt to authenticate before using this credential..'); console.log('ready'); setInterval(() => {}, 1000);`;
  for (const json of [false, true]) {
    const args = ['run', ...(json ? ['--json'] : []), '--', process.execPath, '-e', program];
    // Ctrl+C in a terminal signals the whole foreground process group: the launcher, the program, the collector.
    const r = await viaLauncher(args, baseEnv(), (child) =>
      child.stdout.once('data', () => setTimeout(() => process.kill(-child.pid, 'SIGINT'), 200)),
    );
    assert.equal(r.code, 130, r.err);
    if (json) {
      const trace = lastJson(r.out);
      assert.equal(trace.signal, 'SIGINT');
      assert.equal(trace.interrupted, true);
      assert.equal(trace.runs[0].steps[0].credential, 'AzureCLICredential');
    } else {
      assert.match(r.err, /AzureCLICredential/);
      assert.match(r.err, /ended by SIGINT/);
    }
  }
});
