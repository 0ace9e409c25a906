/**
 * `azauth run` end to end: the real @azure/identity and Python azure-identity apps through the command, the JSON
 * object after the program's output, exit codes passed through, Ctrl+C, and bad output (100 MB, binary, a 10 MB
 * line, interleaved streams) passed through byte for byte.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { main } from '../../../src/cli/main';
import type { AppTrace } from '../../../src/core/index';
import { captureIo } from '../cli-io';
import { tempDir } from '../engine/helpers';
import { JS_APP, PY_APP, PYTHON, appResult, baseEnv } from './apps';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const badOutput = require('../../fixtures/apptrace/bad-output.cjs') as {
  FILE: string;
  expected(): { stdoutSha256: string; stderr: string };
};

const ROOT = path.resolve(__dirname, '../../..');
const CLI = [process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

interface Spawned {
  code: number | null;
  stdoutHash: string;
  stdoutBytes: number;
  stderrHash: string;
  stderrBytes: number;
  tail: string;
  err: string;
}

/** Runs the CLI as a process, hashing its output as it streams (a 100 MB program never sits in memory here). */
function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn(CLI[0]!, [...CLI.slice(1), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const outHash = createHash('sha256');
    const errHash = createHash('sha256');
    let outBytes = 0;
    let errBytes = 0;
    let tail = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      outHash.update(b);
      outBytes += b.length;
      tail = (tail + b.toString('latin1')).slice(-200_000);
    });
    child.stderr.on('data', (b: Buffer) => {
      errHash.update(b);
      errBytes += b.length;
      err = (err + b.toString('utf8')).slice(-200_000);
    });
    onStart?.(child);
    child.on('close', (code) =>
      resolve({
        code,
        stdoutHash: outHash.digest('hex'),
        stdoutBytes: outBytes,
        stderrHash: errHash.digest('hex'),
        stderrBytes: errBytes,
        tail,
        err,
      }),
    );
  });
}

describe('azauth run', function () {
  this.timeout(180_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb.close();
  });

  it('node app.mjs with the real @azure/identity: output unchanged, then the chain it logged (EnvironmentCredential wins)', async () => {
    const env = {
      ...baseEnv(sb),
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
      // Four tokens: the first from the sandbox, three from msal's cache, which the SDK logs alike.
      APP_TOKENS: '4',
    };
    const io = captureIo({ env });
    const code = await main(['run', '--', process.execPath, JS_APP], io);
    assert.equal(code, 0, io.err());
    const { runs } = appResult<{ runs: { winner: string }[] }>(io.out());
    assert.deepEqual(
      runs.map((r) => r.winner),
      Array(4).fill('EnvironmentCredential'),
    );
    assert.match(io.err(), /── azauth run: observed in your app: @azure\/identity 4\.13\.0 ──/);
    assert.match(io.err(), /Run 1: → EnvironmentCredential {2}scope https:\/\/management\.azure\.com\/\.default/);
    assert.match(io.err(), /✔ success {5}EnvironmentCredential/);
    // Runs that went the same way are one run and a line for its repeats; --json keeps them all (the next test).
    assert.match(io.err(), /^Run 2: → EnvironmentCredential /m);
    assert.match(io.err(), /^Runs 3–4: the same as run 2, 2 times \(\d+(–\d+)? ms each\)$/m);
    assert.doesNotMatch(io.err(), /^Run [34]:/m);
    assert.ok(!io.err().includes(DEMO.confidentialSecret) && !io.out().includes(DEMO.confidentialSecret));
  });

  it('python3 app.py --json with a wrong secret: one JSON object after the output, EnvironmentCredential failed with AADSTS7000215 explained', async () => {
    const env = {
      ...baseEnv(sb),
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: 'a-wrong-secret-value',
    };
    const io = captureIo({ env });
    const code = await main(['run', '--profile', 'python', '--json', '--', PYTHON, PY_APP], io);
    assert.equal(code, 0, io.err());
    const lines = io.out().trimEnd().split('\n');
    assert.match(lines[lines.length - 2]!, /^APP-RESULT /, 'the program’s output comes first');
    const trace = JSON.parse(lines[lines.length - 1]!) as {
      label: string;
      runs: { winner: string | null; steps: { credential: string; outcome: string }[] }[];
      explanations: { code: number }[];
      exitCode: number;
      loggingSwitches: string[];
    };
    assert.equal(trace.label, 'observed in your app: azure-identity (Python) 1.13.0b2');
    assert.equal(trace.runs[0]!.winner, null);
    assert.equal(trace.runs[0]!.steps.find((s) => s.credential === 'EnvironmentCredential')!.outcome, 'failed');
    assert.deepEqual(
      trace.explanations.map((e) => e.code),
      [7000215],
    );
    // The hook on PYTHONPATH, and the pipe it hands the records over on (not stderr).
    assert.deepEqual(trace.loggingSwitches, ['PYTHONPATH', 'AZAUTH_TRACE_FD']);
    assert.ok(!io.out().includes('a-wrong-secret-value'), 'the secret from the environment is not in the trace');
  });

  it('a program that asks for tokens all day: the first runs and the newest are kept, repeats are one line each side of the gap', async () => {
    // Prints go-current-env-wins.txt's lines with its getToken repeated 600 times (Go's records go to stderr); the first
    // run also holds what DefaultAzureCredential logged as it was built.
    const transcript = path.join(ROOT, 'test/fixtures/apptrace/transcripts/go-current-env-wins.txt');
    const program = `const l = require('fs').readFileSync(process.argv[1], 'utf8').split('\\n')
      .filter((x) => x && !x.startsWith('#! ') && !x.startsWith('the program'));
    const i = l.findIndex((x) => x.includes('OUTGOING REQUEST'));
    const out = [...l.slice(0, i)]; for (let n = 0; n < 600; n++) out.push(...l.slice(i));
    process.stderr.write(out.join('\\n') + '\\n');`;
    const io = captureIo({ env: baseEnv(sb) });
    assert.equal(await main(['run', '--profile', 'go', '--', process.execPath, '-e', program, transcript], io), 0);
    const trace = io.err().slice(io.err().indexOf('── azauth run'));
    const shown = trace.split('\n').filter((l) => /^(Runs? \d|… )/.test(l));
    assert.deepEqual(
      shown.map((l) => l.replace(/ {2}scope .*$| \(.*\)$/, '')),
      [
        'Run 1: → EnvironmentCredential',
        'Run 2: → EnvironmentCredential',
        'Runs 3–50: the same as run 2, 48 times',
        '… 100 runs not kept: a trace keeps the first 50 and the newest, 500 in all',
        'Run 151: → EnvironmentCredential',
        'Runs 152–600: the same as run 151, 449 times',
      ],
    );
  });

  it('a run that logs the app’s own Azure calls by the thousand says how many of its events were not kept', async () => {
    const program = `const w = (m) => process.stderr.write('[Dec  6 08:00:00.000000] ' + m + '\\n');
    w('Authentication: EnvironmentCredential will authenticate with ClientSecretCredential');
    for (let i = 0; i < 1000; i++) { w('Request: ==> OUTGOING REQUEST (Try=1)'); process.stderr.write('   GET https://a.blob.core.windows.net/c/' + i + '\\n'); }`;
    const io = captureIo({ env: baseEnv(sb) });
    assert.equal(await main(['run', '--profile', 'go', '--', process.execPath, '-e', program], io), 0);
    assert.match(io.err(), /^ {2}… \d+ more events of this run not kept \(a run keeps 200\)$/m);
    const json = captureIo({ env: baseEnv(sb) });
    assert.equal(await main(['run', '--json', '--profile', 'go', '--', process.execPath, '-e', program], json), 0);
    const run = (JSON.parse(json.out().trimEnd().split('\n').pop()!) as AppTrace).runs[0]!;
    assert.ok(run.eventsNotKept! >= 800, String(run.eventsNotKept));
    assert.ok(run.steps.flatMap((s) => s.events).length <= 201);
  });

  it('passes the exit code through; 127 when the program cannot start; 2 for bad usage', async () => {
    const io = captureIo({ env: { PATH: process.env.PATH } });
    assert.equal(await main(['run', '--', process.execPath, '-e', 'process.exit(3)'], io), 3);
    const missing = captureIo({ env: { PATH: '/nonexistent' } });
    assert.equal(await main(['run', '--', 'no-such-program-azauth'], missing), 127);
    assert.match(missing.err(), /could not start no-such-program-azauth: ENOENT/);
    assert.equal(await main(['run'], captureIo()), 2);
    assert.equal(await main(['run', '--profile', 'cobol', '--', 'true'], captureIo()), 2);
  });

  it('100 MB of output, binary bytes, a 10 MB line and interleaved stdout/stderr pass through byte for byte; the SDK lines among them are still read', async () => {
    // The program's bytes come from the same generator the expectation does (test/fixtures/apptrace/bad-output.cjs).
    const expected = badOutput.expected();
    const r = await spawnCli(['run', '--', process.execPath, badOutput.FILE], {
      PATH: process.env.PATH,
      HOME: tempDir('azauth-run-home-'),
    });
    assert.equal(r.code, 0, r.err.slice(-2000));
    assert.equal(r.stdoutHash, expected.stdoutSha256, 'stdout changed');
    // stderr = the program's stderr, then the trace: the program's part is its prefix.
    const traceAt = r.err.indexOf('\n── azauth run:');
    assert.ok(traceAt > 0, r.err.slice(-2000));
    assert.equal(r.err.slice(0, traceAt), expected.stderr, 'stderr changed');
    assert.match(r.err, /→ EnvironmentCredential/);
    // 100 lines of 1 MB and the 10 MB one exceed the 64 KB cap; the binary block splits at its own 0x0a bytes.
    assert.match(r.err, /; 101 line\(s\) longer than the cap, \d+ binary line\(s\)/);
  });

  it('Ctrl+C: the program stops, the trace so far is printed, the exit code says SIGINT', async () => {
    const program = `console.error('azure:identity:info AzureCliCredential => getToken() => ERROR. Scopes: s. Error message: Please run \\'az login\\' from a command prompt to authenticate before using this credential..'); console.log('ready'); setInterval(() => {}, 1000);`;
    const r = await spawnCli(['run', '--', process.execPath, '-e', program], { PATH: process.env.PATH }, (child) => {
      child.stdout!.once('data', () => child.kill('SIGINT'));
    });
    assert.equal(r.code, 130, r.err);
    assert.match(r.err, /AzureCLICredential/);
    assert.match(r.err, /ended by SIGINT/);
  });
});
