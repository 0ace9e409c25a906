/**
 * Another process as the subject of a run (`azauth where|chain|token --pid PID`): its environment from
 * /proc/PID/environ and its filesystem through /proc/PID/root, so the fingerprint, the predictions and the chain
 * describe the process whose identity fails (the app in a pod, seen from a debug container beside it) rather than
 * the shell the user has. Linux only. Reads are bounded; every failure is a classified ProcessTargetError.
 */
import { closeSync, openSync, readFileSync, readSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export type ProcessTargetErrorCode =
  'bad-pid' | 'unsupported-platform' | 'no-such-process' | 'exited' | 'not-readable' | 'other-user-namespace';

export class ProcessTargetError extends Error {
  readonly kind = 'process-target';
  constructor(
    message: string,
    readonly code: ProcessTargetErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProcessTargetError';
  }
}

export function isProcessTargetError(e: unknown): e is ProcessTargetError {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'process-target';
}

export interface ProcessTarget {
  pid: number;
  /** The process's short name (/proc/PID/comm), as the kernel keeps it. */
  comm: string;
  /** Its real user id (from /proc/PID/status). */
  uid: number;
  /** Its environment at exec time (what /proc/PID/environ holds; later setenv calls inside it are not visible). */
  env: Record<string, string>;
  /** Its filesystem root as seen from here: absolute paths it uses are read under this folder. */
  root: string;
  /** Start time in clock ticks since boot: tells the same process from a later one that reuses the pid. */
  startTicks: string;
}

/** More than any real environment (Linux caps argv + envp at a quarter of the stack limit, usually 2 MB). */
const MAX_ENVIRON_BYTES = 4 * 1024 * 1024;
const MAX_VARIABLES = 10_000;

/** Parses the `--pid` value: a positive decimal integer, nothing else. */
export function parsePid(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value.trim()) || Number(value) > 4_194_304) {
    throw new ProcessTargetError(
      `--pid needs a process id (a positive whole number up to 4194304), got "${value.slice(0, 40)}"`,
      'bad-pid',
    );
  }
  return Number(value);
}

/** NUL-separated NAME=VALUE records, as the kernel lays out environ. Entries without "=" are skipped. */
export function parseEnviron(buf: Buffer): Record<string, string> {
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const rec of buf.toString('utf8').split('\0')) {
    const eq = rec.indexOf('=');
    if (eq <= 0) continue;
    if (++count > MAX_VARIABLES) break;
    const name = rec.slice(0, eq);
    // The first definition wins, as getenv(3) reads it.
    if (!(name in env)) env[name] = rec.slice(eq + 1);
  }
  return { ...env };
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Reads at most `max` bytes (procfs files report size 0, so the size cannot be checked first). */
function readLimited(file: string, max: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    let n = 0;
    for (let got = -1; got !== 0 && n < max; n += got) got = readSync(fd, buf, n, max - n, null);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Fields of /proc/PID/stat after the command name (which may itself hold spaces and parentheses). */
function statFields(proc: string, pid: number): string[] {
  const s = readFileSync(`${proc}/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

function userNamespace(proc: string, pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`${proc}/${pid}/ns/user`);
  } catch {
    return undefined;
  }
}

/** True when this process runs in a user namespace other than the initial one (its uid_map is not the identity). */
function inNestedUserNamespace(proc: string): boolean {
  try {
    return !/^\s*0\s+0\s+4294967295\s*$/.test(readFileSync(`${proc}/self/uid_map`, 'utf8'));
  } catch {
    return false;
  }
}

/** Whether this process holds CAP_SYS_PTRACE (bit 19 of CapEff in /proc/self/status). */
function hasPtraceCapability(proc: string): boolean {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)/im.exec(readFileSync(`${proc}/self/status`, 'utf8'))?.[1];
    return hex !== undefined && ((BigInt(`0x${hex}`) >> 19n) & 1n) === 1n;
  } catch {
    return false;
  }
}

function gone(pid: number, cause?: unknown): ProcessTargetError {
  return new ProcessTargetError(
    `no process with pid ${pid} (it does not exist, or it has already exited)`,
    'no-such-process',
    { cause },
  );
}

/**
 * Reads what a run needs from process `pid`. `proc` is the procfs mount (tests may pass another). Throws a
 * ProcessTargetError: no-such-process, exited (a zombie: it ended but was not reaped), not-readable (another user's
 * process: run as that user or as root), other-user-namespace (the process lives outside this user namespace).
 */
export function readProcessTarget(pid: number, proc = '/proc'): ProcessTarget {
  if (process.platform !== 'linux')
    throw new ProcessTargetError(
      `--pid reads /proc, which only Linux has (this is ${process.platform})`,
      'unsupported-platform',
    );
  let fields: string[];
  let comm: string;
  let uid: number;
  try {
    fields = statFields(proc, pid);
    comm = readFileSync(`${proc}/${pid}/comm`, 'utf8').trim();
    uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`${proc}/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch (e) {
    throw gone(pid, e);
  }
  if (fields[0] === 'Z' || fields[0] === 'X')
    throw new ProcessTargetError(
      `process ${pid} (${comm}) has exited: nothing of its environment or files is left to read`,
      'exited',
    );
  let environ: Buffer;
  try {
    environ = readLimited(`${proc}/${pid}/environ`, MAX_ENVIRON_BYTES);
    // The root link is what resolves its paths: check it now rather than fail file by file later.
    readlinkSync(`${proc}/${pid}/root`);
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT' || code === 'ESRCH') throw gone(pid, e);
    if (code === 'EACCES' || code === 'EPERM') {
      const mine = userNamespace(proc, 'self');
      const theirs = userNamespace(proc, pid);
      const me = process.geteuid?.() ?? -1;
      // Root of the initial namespace may read every process of its own and of nested namespaces: when even root
      // cannot, the process lives outside (an enclosing namespace); a nested namespace reaches nothing outside itself.
      const owner = Number.isFinite(uid) ? `user ${uid}` : 'another user';
      // The usual case in a container: root, but without the capability that reading another user's process needs.
      if (me === 0 && uid !== 0 && !hasPtraceCapability(proc) && !inNestedUserNamespace(proc)) {
        throw new ProcessTargetError(
          `process ${pid} (${comm}) belongs to ${owner}; azauth runs as root but without CAP_SYS_PTRACE, which reading another user's process needs (kubectl debug --profile=general, docker run --cap-add=SYS_PTRACE)`,
          'not-readable',
          { cause: e },
        );
      }
      if (
        (theirs !== undefined && mine !== undefined && theirs !== mine) ||
        inNestedUserNamespace(proc) ||
        (me === 0 && theirs === undefined)
      ) {
        throw new ProcessTargetError(
          `process ${pid} (${comm}) is in another user namespace (or a security module forbids reading it): its environment and files cannot be read from here — run azauth inside its namespace (kubectl debug --target, nsenter -U -t ${pid})`,
          'other-user-namespace',
          { cause: e },
        );
      }
      throw new ProcessTargetError(
        uid === me
          ? `process ${pid} (${comm}) runs as this user but its environment is not readable (it is not dumpable, or kernel.yama.ptrace_scope forbids it): run azauth as root`
          : `process ${pid} (${comm}) belongs to ${owner}: its environment is not readable by user ${me} — run azauth as ${owner} or as root`,
        'not-readable',
        { cause: e },
      );
    }
    throw new ProcessTargetError(
      `process ${pid} (${comm}): cannot read its environment: ${code ?? (e as Error).message}`,
      'not-readable',
      { cause: e },
    );
  }
  // A zombie's environ reads as empty; so does a kernel thread's. Either way there is no environment to describe.
  if (environ.length === 0) {
    assertRunning({ pid, startTicks: fields[19] ?? '' }, proc);
    throw new ProcessTargetError(
      `process ${pid} (${comm}) has no environment to read (a kernel thread, or it has exited)`,
      'exited',
    );
  }
  return { pid, comm, uid, env: parseEnviron(environ), root: `${proc}/${pid}/root`, startTicks: fields[19] ?? '' };
}

/** The line at the head of a run's trace that says whose environment and files every step reads. */
export function targetNote(t: { pid: number; comm: string; root: string }): string {
  return `Target: process ${t.pid} (${t.comm}) — every variable below is from its environment (/proc/${t.pid}/environ), every file is read under ${t.root}`;
}

/** Throws `exited` when the process ended (or its pid now belongs to another process) since it was read. */
export function assertRunning(target: Pick<ProcessTarget, 'pid' | 'startTicks'>, proc = '/proc'): void {
  let fields: string[];
  try {
    fields = statFields(proc, target.pid);
  } catch (e) {
    throw new ProcessTargetError(
      `process ${target.pid} exited during the run: what was read before it ended is all there is`,
      'exited',
      { cause: e },
    );
  }
  if (fields[0] === 'Z' || fields[0] === 'X' || (target.startTicks && fields[19] !== target.startTicks)) {
    throw new ProcessTargetError(
      `process ${target.pid} exited during the run: what was read before it ended is all there is`,
      'exited',
    );
  }
}

/**
 * The path to open for a path as a process with filesystem root `root` sees it. "..", however many, stays inside
 * the root. A relative path is taken as that process would, against its working directory (/proc/PID/cwd).
 */
export function pathUnderRoot(root: string | undefined, p: string): string {
  if (!root || root === '/') return p;
  if (path.isAbsolute(p)) return path.join(root, path.posix.resolve('/', p));
  const procRoot = /^(.*\/\d+)\/root$/.exec(root);
  return procRoot ? path.join(procRoot[1]!, 'cwd', p) : path.join(root, path.posix.resolve('/', p));
}
