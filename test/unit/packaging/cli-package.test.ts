/**
 * The CLI where the chain actually fails: the npm package (npm run pack:cli) installed offline into an empty folder,
 * and the single executable (npm run build:sea) run with no Node on PATH (env -i PATH=/nonexistent). Both start the
 * bundled sandbox and run `where` and `chain` against it, and answer the same.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO, type SandboxContract } from '../../../src/sandbox/index';

const ROOT = path.resolve(__dirname, '../../..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = path.join(ROOT, 'dist', `azauth-${VERSION}.tgz`);
const SEA = path.join(ROOT, 'dist', `azauth-linux-${process.arch}`);
const BARE_ENV = { PATH: '/nonexistent' };

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {}): Ran {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    killSignal: 'SIGKILL',
    env: opts.env,
    cwd: opts.cwd ?? ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function ok(r: Ran, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  return r.stdout;
}

/** Starts `azauth sandbox --json` and resolves with its one-line contract; the process serves until killed. */
async function startSandbox(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcessWithoutNullStreams; contract: SandboxContract }> {
  const child = spawn(cmd, [...args, 'sandbox', '--json'], { env, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start within 60 s: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it was ready: ${stderr}`)));
    createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
  });
  return { child, contract: JSON.parse(line) as SandboxContract };
}

/** `where --json` without the fields that differ between two runs on the same machine. */
function whereFacts(out: string): unknown {
  const j = JSON.parse(out) as Record<string, unknown>;
  delete j.durationMs;
  return j;
}

function chainArgs(sb: SandboxContract): string[] {
  return [
    'chain',
    '--json',
    '--authority-host',
    sb.authorityHost,
    '--ca',
    sb.caFile,
    '--imds-endpoint',
    sb.managedIdentity.imds,
  ];
}

/** EnvironmentCredential with the sandbox's demo service principal: the chain's first step wins. */
function secretEnv(sb: SandboxContract): NodeJS.ProcessEnv {
  return {
    ...BARE_ENV,
    AZURE_TENANT_ID: sb.tenantId,
    AZURE_CLIENT_ID: DEMO.confidentialClientId,
    AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
  };
}

function chainOutcome(out: string): { winner: string; steps: [string, string][] } {
  const j = JSON.parse(out) as { winner: string; steps: { credential: string; outcome: string }[] };
  return { winner: j.winner, steps: j.steps.map((s) => [s.credential, s.outcome]) };
}

describe('azauth as an npm package and a single executable', function () {
  this.timeout(300_000);
  let dir: string;
  let bin: string;
  let sandbox: { child: ChildProcessWithoutNullStreams; contract: SandboxContract } | undefined;

  before(function () {
    ok(run(process.execPath, ['scripts/pack-cli.mjs']), 'npm run pack:cli');
    ok(run(process.execPath, ['scripts/build-sea.mjs']), 'npm run build:sea');
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-pkg-'));
    ok(
      run('npm', ['install', '--offline', '--no-audit', '--no-fund', TARBALL], {
        cwd: dir,
        env: { ...process.env, npm_config_cache: path.join(dir, '.npm'), npm_config_update_notifier: 'false' },
      }),
      'npm install --offline',
    );
    bin = path.join(dir, 'node_modules', '.bin', 'azauth');
  });

  after(async () => {
    sandbox?.child.kill('SIGTERM');
    if (sandbox && sandbox.child.exitCode === null) await new Promise((r) => sandbox!.child.once('exit', r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the tarball holds the bundled CLI and nothing it would need to fetch', () => {
    const files = ok(run('tar', ['tzf', TARBALL]), 'tar')
      .trim()
      .split('\n')
      .sort();
    assert.deepEqual(files, ['package/LICENSE', 'package/README.md', 'package/azauth.js', 'package/package.json']);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'node_modules', 'azauth', 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(pkg.bin, { azauth: 'azauth.js' });
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.version, VERSION);
    // Only what was installed: the package itself, no dependency folder beside it.
    assert.deepEqual(
      ok(run('ls', [path.join(dir, 'node_modules')]), 'ls')
        .trim()
        .split('\n'),
      ['azauth'],
    );
  });

  it('the installed bin answers --help, --version and where --json; it starts the bundled sandbox', async () => {
    const env = { ...BARE_ENV, PATH: `${path.dirname(process.execPath)}` };
    assert.match(ok(run(bin, ['--help'], { env }), '--help'), /^azauth — Azure Auth Debugger on the command line/);
    assert.equal(ok(run(bin, ['--version'], { env }), '--version').trim(), VERSION);
    const where = JSON.parse(ok(run(bin, ['where', '--json'], { env }), 'where --json')) as {
      predictions: Record<string, unknown>;
    };
    assert.ok(where.predictions.ManagedIdentityCredential);
    sandbox = await startSandbox(bin, [], env);
    assert.ok(existsSync(sandbox.contract.caFile));
    assert.match(sandbox.contract.authorityHost, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('the installed bin runs the chain against the sandbox: EnvironmentCredential wins; managed identity without it', () => {
    assert.ok(sandbox, 'the sandbox started in the previous test');
    const sb = sandbox.contract;
    const node = path.dirname(process.execPath);
    const secret = chainOutcome(
      ok(run(bin, chainArgs(sb), { env: { ...secretEnv(sb), PATH: node } }), 'chain (secret)'),
    );
    assert.equal(secret.winner, 'EnvironmentCredential');
    const mi = chainOutcome(ok(run(bin, chainArgs(sb), { env: { PATH: node } }), 'chain (managed identity)'));
    assert.equal(mi.winner, 'ManagedIdentityCredential');
  });

  it('the single executable runs with no Node anywhere (env -i PATH=/nonexistent) and answers as the package does', () => {
    assert.ok(sandbox, 'the sandbox started in an earlier test');
    const sb = sandbox.contract;
    assert.ok(statSync(SEA).size > 1024 * 1024);
    assert.equal(ok(run(SEA, ['--version'], { env: BARE_ENV }), 'sea --version').trim(), VERSION);
    assert.match(
      ok(run(SEA, ['--help'], { env: BARE_ENV }), 'sea --help'),
      /^azauth — Azure Auth Debugger on the command line/,
    );
    // Same facts, same predictions as the package run with the same (empty) environment.
    const pkgWhere = whereFacts(
      ok(
        run(process.execPath, [path.join(dir, 'node_modules', 'azauth', 'azauth.js'), 'where', '--json'], {
          env: BARE_ENV,
        }),
        'package where',
      ),
    );
    assert.deepEqual(whereFacts(ok(run(SEA, ['where', '--json'], { env: BARE_ENV }), 'sea where')), pkgWhere);
    const js = path.join(dir, 'node_modules', 'azauth', 'azauth.js');
    for (const [label, env, extra] of [
      ['secret', secretEnv(sb), []],
      ['managed identity', BARE_ENV, ['--mode', 'diagnose']],
    ] as const) {
      const fromSea = chainOutcome(ok(run(SEA, [...chainArgs(sb), ...extra], { env }), `sea chain (${label})`));
      const fromPkg = chainOutcome(
        ok(run(process.execPath, [js, ...chainArgs(sb), ...extra], { env }), `package chain (${label})`),
      );
      assert.deepEqual(fromSea, fromPkg, label);
    }
  });

  it('the single executable starts its own sandbox too', async () => {
    const own = await startSandbox(SEA, [], BARE_ENV);
    try {
      assert.equal(own.contract.tenantId, sandbox!.contract.tenantId);
      assert.notEqual(own.contract.authorityHost, sandbox!.contract.authorityHost);
    } finally {
      own.child.kill('SIGTERM');
      if (own.child.exitCode === null) await new Promise((r) => own.child.once('exit', r));
    }
  });
});
