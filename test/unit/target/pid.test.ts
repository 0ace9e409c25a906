/**
 * `azauth where|chain|token --pid PID`: the report describes another process — its environment and its files — not
 * the one azauth runs in. The target is a child in a private mount namespace (unshare -m, as root) whose
 * workload-identity token file exists only in its own view of the filesystem. Bad pids end with one precise line and
 * exit 2: none, exited (a zombie), exited during the run, another user's process, another user namespace.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { assertRunning, parseEnviron, pathUnderRoot, readProcessTarget } from '../../../src/core/index';
import { DEMO, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { captureIo } from '../cli-io';

const ROOT = path.resolve(__dirname, '../../..');
const TOKEN_NAME = 'azure-identity-token';
const TARGET_SECRET = 'target-only-certificate-password-5d1c';
/** Absolute paths: the targets run with an empty PATH, so that nothing of this machine's tools leaks into their runs. */
const bin = (name: string): string => {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${name} is needed (util-linux / coreutils)`);
  return r.stdout.trim();
};

async function azauth(argv: string[], env: NodeJS.ProcessEnv = { PATH: '' }) {
  const io = captureIo({ env });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** The CLI from source in a child process (for runs as another user or inside another user namespace). */
function azauthAs(wrapper: string[], argv: string[]) {
  const r = spawnSync(
    wrapper[0]!,
    [...wrapper.slice(1), process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...argv],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: '/tmp' },
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/** One line on stderr, naming the pid and the class of failure; nothing on stdout. */
function assertBadPid(r: { code: number | null; out: string; err: string }, code: string, message: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '');
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, new RegExp(`\\[${code}\\]$`, 'm'));
  assert.match(r.err, message);
}

describe('--pid: another process as the subject of where, chain and token', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let dir: string;
  let tokens: string;
  let target: ChildProcess;
  let pid: number;
  const children: ChildProcess[] = [];

  before(async function () {
    assert.equal(process.platform, 'linux', '--pid reads /proc');
    assert.equal(
      process.getuid?.(),
      0,
      'a private mount namespace needs root (npm test runs as root inside unshare -n)',
    );
    sb = await startSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-pid-'));
    tokens = path.join(dir, 'tokens');
    spawnSync('mkdir', ['-p', tokens]);
    const assertion = await sb.issueFederatedToken({
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
    });
    // The child mounts a tmpfs over `tokens` in its own mount namespace and writes the token there: the file exists
    // in the child's view of the filesystem only.
    const script = `${bin('mount')} -t tmpfs tmpfs "$0" && ${bin('cat')} > "$0/$1" && exec ${bin('sleep')} 600`;
    target = spawn(bin('unshare'), ['-m', '--propagation', 'private', bin('sh'), '-c', script, tokens, TOKEN_NAME], {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: {
        PATH: '',
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: DEMO.workloadClientId,
        AZURE_FEDERATED_TOKEN_FILE: path.join(tokens, TOKEN_NAME),
        AZURE_AUTHORITY_HOST: sb.authorityHost,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: TARGET_SECRET,
      },
    });
    children.push(target);
    target.stdin!.end(assertion);
    pid = target.pid!;
    await waitFor('the child to write its token file and exec sleep', () => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep';
      } catch {
        return false;
      }
    });
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the token file is the child's alone: not in this mount namespace, readable through /proc/PID/root", () => {
    assert.equal(existsSync(path.join(tokens, TOKEN_NAME)), false);
    const t = readProcessTarget(pid);
    assert.equal(t.comm, 'sleep');
    assert.equal(t.env.AZURE_CLIENT_ID, DEMO.workloadClientId);
    assert.ok(readFileSync(pathUnderRoot(t.root, t.env.AZURE_FEDERATED_TOKEN_FILE!), 'utf8').startsWith('eyJ'));
  });

  it("where --pid: the child's variables and token file, not this process's", async () => {
    const own = {
      PATH: '',
      AZURE_CLIENT_ID: 'c0ffee00-0000-4000-8000-00000000abcd',
      AZURE_FEDERATED_TOKEN_FILE: path.join(tokens, TOKEN_NAME),
    };
    const mine = JSON.parse((await azauth(['where', '--json'], own)).out);
    assert.equal(mine.federatedToken.state, 'missing', 'this process does not see the file');
    const r = await azauth(['where', '--json', '--pid', String(pid)], own);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.target, { pid, comm: 'sleep', uid: 0, root: `/proc/${pid}/root` });
    assert.equal(j.federatedToken.state, 'present');
    assert.equal(j.federatedToken.path, path.join(tokens, TOKEN_NAME), 'the path as the child sees it');
    assert.equal(j.federatedToken.claims.sub, DEMO.workloadSubject);
    assert.equal(
      j.predictions.WorkloadIdentityCredential.verdict,
      'should-work',
      j.predictions.WorkloadIdentityCredential.reason,
    );
    assert.ok(!r.out.includes(TARGET_SECRET));
    const text = await azauth(['where', '--pid', String(pid)], own);
    assert.match(text.out, new RegExp(`^Process ${pid} \\(sleep\\), user 0: its environment and its files`));
  });

  it("chain --pid: WorkloadIdentityCredential wins with the child's token file; the trace names the process; its secrets stay redacted", async () => {
    const own = { PATH: '', AZURE_CLIENT_ID: 'c0ffee00-0000-4000-8000-00000000abcd', AZURE_TENANT_ID: 'someone-else' };
    const args = [
      'chain',
      '--json',
      '--pid',
      String(pid),
      '--ca',
      sb.contract.caFile,
      '--imds-endpoint',
      'http://127.0.0.1:9',
    ];
    const r = await azauth(args, own);
    assert.equal(r.code, 0, r.err || r.out.slice(0, 3000));
    const j = JSON.parse(r.out);
    assert.equal(j.winner, 'WorkloadIdentityCredential');
    assert.equal(j.target.pid, pid);
    const wi = j.steps.find((s: { credential: string }) => s.credential === 'WorkloadIdentityCredential');
    const config = wi.events.filter((e: { kind: string }) => e.kind === 'config');
    const vars = config.flatMap((e: { variables?: { name: string; value?: string }[] }) => e.variables ?? []);
    assert.equal(
      vars.find((v: { name: string }) => v.name === 'AZURE_CLIENT_ID')?.value,
      DEMO.workloadClientId,
      "the child's client id decided the step",
    );
    const files = config.flatMap((e: { files?: { path: string; note?: string }[] }) => e.files ?? []);
    assert.match(
      files.find((f: { path: string }) => f.path === path.join(tokens, TOKEN_NAME))?.note ?? '',
      new RegExp(`read as /proc/${pid}/root/`),
    );
    const envStep = j.steps.find((s: { credential: string }) => s.credential === 'EnvironmentCredential');
    const envVars = envStep.events.flatMap(
      (e: { variables?: { name: string; set: boolean; value?: string }[] }) => e.variables ?? [],
    );
    const password = envVars.find((v: { name: string }) => v.name === 'AZURE_CLIENT_CERTIFICATE_PASSWORD');
    assert.equal(password?.set, true, "the child's secret-named variable is seen as set");
    assert.ok(!r.out.includes(TARGET_SECRET), "a secret from the target's environment is redacted");
    assert.ok(
      !r.out.includes(readFileSync(pathUnderRoot(`/proc/${pid}/root`, path.join(tokens, TOKEN_NAME)), 'utf8').trim()),
      'the federated token never appears',
    );
    const verbose = await azauth(
      ['chain', '--verbose', '--pid', String(pid), '--ca', sb.contract.caFile, '--imds-endpoint', 'http://127.0.0.1:9'],
      own,
    );
    assert.equal(verbose.code, 0, verbose.err);
    assert.match(verbose.err, new RegExp(`Target: process ${pid} \\(sleep\\)`));
    assert.ok(!verbose.err.includes(TARGET_SECRET) && !verbose.out.includes(TARGET_SECRET));
  });

  it('token --pid runs one credential as the child would', async () => {
    const r = await azauth([
      'token',
      '--credential',
      'workload',
      '--json',
      '--pid',
      String(pid),
      '--ca',
      sb.contract.caFile,
    ]);
    assert.equal(r.code, 0, r.err || r.out.slice(0, 2000));
    const j = JSON.parse(r.out);
    assert.equal(j.outcome, 'success');
    assert.equal(j.target.pid, pid);
    assert.ok(!r.out.includes(TARGET_SECRET));
  });

  it('no such process, a malformed pid, and an exited (zombie) process: one line, exit 2', async () => {
    const gone = spawn('true');
    await exited(gone);
    assertBadPid(
      await azauth(['where', '--pid', String(gone.pid)]),
      'no-such-process',
      new RegExp(`no process with pid ${gone.pid}`),
    );
    assertBadPid(await azauth(['chain', '--pid', '12ab']), 'bad-pid', /--pid needs a process id/);
    // The child execs `sleep 0` and ends at once; its parent never calls wait, so it stays a zombie for the parent's
    // 600 s. (A shell as the parent raced: it could reap `sleep 0 &` on SIGCHLD before its exec.)
    const forkThenSleep = [
      'import os, sys, time',
      'pid = os.fork()',
      `if pid == 0: os.execv(${JSON.stringify(bin('sleep'))}, ['sleep', '0'])`,
      'print(pid, flush=True)',
      'time.sleep(600)',
    ].join('\n');
    const parent = spawn(bin('python3'), ['-c', forkThenSleep], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(parent);
    const zombie = Number(
      await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString()))),
    );
    await waitFor('the zombie', () => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'));
    assertBadPid(
      await azauth(['token', '--credential', 'workload', '--pid', String(zombie)]),
      'exited',
      new RegExp(`process ${zombie} \\(sleep\\) has exited`),
    );
  });

  it('a process that exits during the run: the report is withheld, one line, exit 2', async () => {
    const victim = spawn(bin('sleep'), ['600'], { env: { PATH: '' } });
    children.push(victim);
    await waitFor(
      'sleep to start',
      () =>
        existsSync(`/proc/${victim.pid}/environ`) &&
        readFileSync(`/proc/${victim.pid}/comm`, 'utf8').trim() === 'sleep',
    );
    // The chain's managed-identity step asks this IMDS stand-in, which ends the target before it answers.
    const imds: Server = createServer((_req, res) => {
      victim.kill('SIGKILL');
      void exited(victim).then(() =>
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"invalid_request","error_description":"stand-in"}'),
      );
    });
    await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
    try {
      const port = (imds.address() as { port: number }).port;
      const r = await azauth(['chain', '--pid', String(victim.pid), '--imds-endpoint', `http://127.0.0.1:${port}`]);
      assertBadPid(r, 'exited', new RegExp(`process ${victim.pid} exited during the run`));
    } finally {
      imds.close();
    }
    assert.throws(() => assertRunning({ pid: victim.pid!, startTicks: '1' }), /exited during the run/);
  });

  it("another user's process (as another user, and as root without CAP_SYS_PTRACE), and a process outside this user namespace: each said so", async () => {
    const asNobody = azauthAs(
      ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      ['where', '--pid', String(pid)],
    );
    assertBadPid(
      { code: asNobody.code, out: asNobody.out, err: asNobody.err },
      'not-readable',
      new RegExp(`process ${pid} \\(sleep\\) belongs to user 0: .*run azauth as user 0 or as root`),
    );
    // Root in a container usually lacks CAP_SYS_PTRACE, which reading another user's process needs.
    const nobodys = spawn(bin('setpriv'), ['--reuid=65534', '--regid=65534', '--clear-groups', bin('sleep'), '600'], {
      env: { PATH: '' },
    });
    children.push(nobodys);
    await waitFor("nobody's sleep", () => {
      try {
        return readFileSync(`/proc/${nobodys.pid}/comm`, 'utf8').trim() === 'sleep';
      } catch {
        return false;
      }
    });
    const noPtrace = azauthAs(
      ['setpriv', '--bounding-set=-sys_ptrace'],
      ['token', '--credential', 'workload', '--pid', String(nobodys.pid)],
    );
    assertBadPid(
      { code: noPtrace.code, out: noPtrace.out, err: noPtrace.err },
      'not-readable',
      new RegExp(
        `process ${nobodys.pid} \\(sleep\\) belongs to user 65534; azauth runs as root but without CAP_SYS_PTRACE`,
      ),
    );
    const inUserNs = azauthAs(['unshare', '-U', '-r'], ['chain', '--pid', String(pid)]);
    assertBadPid(
      { code: inUserNs.code, out: inUserNs.out, err: inUserNs.err },
      'other-user-namespace',
      new RegExp(`process ${pid} \\(sleep\\) is in another user namespace`),
    );
  });

  it('parses environ as the kernel lays it out: NUL-separated, first definition wins, junk skipped', () => {
    const env = parseEnviron(Buffer.from('A=1\0B=x=y\0noequals\0=bad\0A=2\0EMPTY=\0'));
    assert.deepEqual(env, { A: '1', B: 'x=y', EMPTY: '' });
    assert.equal(pathUnderRoot('/proc/7/root', '/../../etc/passwd'), '/proc/7/root/etc/passwd');
    assert.equal(pathUnderRoot('/proc/7/root', 'rel/file'), '/proc/7/cwd/rel/file');
    assert.equal(pathUnderRoot(undefined, '/x'), '/x');
  });
});
