/**
 * Traced, time-limited child processes: execFile semantics (never a shell), the executable resolved on the PATH the
 * child will see (and that PATH traced), a time limit that kills the whole process tree (the child leads its own
 * process group), bounded output, and one `process` trace event per run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { ProcessRequest, ProcessResult, ProcessRunner } from './types';
import type { StepTracer } from '../trace/tracer';

export interface ProcessRunnerOptions {
  trace?: StepTracer;
  /** Environment used when a request gives none (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => number;
  /**
   * Start children at a lower scheduling priority (diagnose mode: a tool starting up must not take the CPU from the
   * in-process step that decides the verdict). Best effort: ignored where the OS refuses.
   */
  lowPriority?: boolean;
}

const isWindows = process.platform === 'win32';

/** Splits a PATH value as the OS does. */
export function splitPath(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(path.delimiter).filter((p) => p.length > 0);
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    if (!isWindows) accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves a command on PATH like execvp would (Windows: with PATHEXT). A command with a separator is used as given. */
export function resolveExecutable(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
): { resolved: string | null; searched: string[] } {
  const pathValue = env.PATH ?? env.Path ?? env.path;
  const searched = splitPath(pathValue);
  if (command.includes('/') || (isWindows && command.includes('\\'))) {
    return { resolved: isExecutableFile(command) ? path.resolve(command) : null, searched: [] };
  }
  const exts = isWindows
    ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').map((e) => e.toLowerCase())]
    : [''];
  for (const dir of searched) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (isExecutableFile(candidate)) return { resolved: candidate, searched };
    }
  }
  return { resolved: null, searched };
}

function killTree(pid: number | undefined): void {
  if (!pid) return;
  try {
    if (isWindows) process.kill(pid, 'SIGKILL');
    else process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

class BoundedBuffer {
  readonly chunks: Buffer[] = [];
  size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(b: Buffer) {
    const room = this.max - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = b.length > room ? b.subarray(0, room) : b;
    if (part.length < b.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** The result of a run that started no process: not found on PATH, cancelled first, or refused by spawn. */
function notStarted(resolvedPath: string | null, spawnError: string, durationMs = 0): ProcessResult {
  return {
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs,
    timedOut: false,
    resolvedPath,
    spawnError,
  };
}

/**
 * Starts the child without a shell, in its own process group on POSIX (so a time limit can kill the whole tree), with
 * only the defined environment entries; a synchronous spawn failure comes back as its error code.
 */
function startChild(
  resolved: string,
  req: ProcessRequest,
  env: Record<string, string | undefined>,
): ChildProcess | string {
  const cleanEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) cleanEnv[k] = v;
  try {
    return spawn(resolved, req.args, {
      env: cleanEnv,
      cwd: req.cwd,
      shell: false,
      detached: !isWindows,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'ESPAWN';
  }
}

function lowerPriority(pid: number | undefined): void {
  if (!pid) return;
  try {
    setPriority(pid, Math.min(19, getPriority(pid) + 10));
  } catch {
    // Not allowed here (or the child already exited): it runs at normal priority.
  }
}

/**
 * Collects the child's bounded output until it exits and its pipes close, it runs out of time or the caller cancels;
 * settles once, and kills the process group whenever the child may have left something behind.
 */
function watchChild(
  child: ChildProcess,
  req: ProcessRequest,
  resolved: string,
  elapsed: () => number,
): Promise<ProcessResult> {
  const max = req.maxOutputBytes ?? 1024 * 1024;
  const out = new BoundedBuffer(max);
  const err = new BoundedBuffer(max);
  return new Promise<ProcessResult>((resolve) => {
    let settled = false;
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let closeTimer: NodeJS.Timeout | undefined;
    const done = (spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (closeTimer) clearTimeout(closeTimer);
      req.signal?.removeEventListener('abort', onAbort);
      // Whatever the child left behind in its group (grandchildren holding pipes) goes too.
      if (timedOut || aborted || exitCode === null || closeTimer) killTree(child.pid);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        exitCode,
        signal: exitSignal,
        stdout: out.text() + (out.truncated ? `\n… (output truncated at ${max} bytes)` : ''),
        stderr: err.text() + (err.truncated ? `\n… (output truncated at ${max} bytes)` : ''),
        durationMs: elapsed(),
        timedOut,
        resolvedPath: resolved,
        spawnError: spawnError ?? (aborted ? 'ABORTED' : undefined),
      });
    };
    const onAbort = () => {
      aborted = true;
      killTree(child.pid);
      done();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
      done();
    }, req.timeoutMs);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'ESPAWN'));
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // Give the pipes a moment to drain; a grandchild holding them open must not hold us (Go: WaitDelay).
      closeTimer = setTimeout(() => done(), 100);
    });
    child.on('close', () => {
      if (closeTimer) {
        clearTimeout(closeTimer);
        closeTimer = undefined;
      }
      done();
    });
  });
}

class TracedProcessRunner implements ProcessRunner {
  constructor(private readonly o: ProcessRunnerOptions) {}

  async run(req: ProcessRequest): Promise<ProcessResult> {
    const now = this.o.now ?? Date.now;
    const env = (req.env ?? this.o.env ?? process.env) as Record<string, string | undefined>;
    const { resolved, searched } = resolveExecutable(req.command, env);
    this.o.trace?.config({ executables: [{ name: req.command, resolved, searchedPath: searched }] });
    const t0 = now();
    let result: ProcessResult;
    if (!resolved) result = notStarted(null, 'ENOENT');
    else if (req.signal?.aborted) result = notStarted(resolved, 'ABORTED');
    else result = await this.spawn(req, resolved, env, () => now() - t0);
    const classification = req.classify?.(result);
    this.o.trace?.process({
      command: req.command,
      args: req.args,
      resolvedPath: resolved,
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: req.hideStdout ? (result.stdout ? `(${result.stdout.length} chars, not recorded)` : '') : result.stdout,
      stderr: result.stderr,
      classification: classification ?? (result.spawnError ? result.spawnError : undefined),
      durationMs: result.durationMs,
      timedOut: result.timedOut,
    });
    return result;
  }

  private async spawn(
    req: ProcessRequest,
    resolved: string,
    env: Record<string, string | undefined>,
    elapsed: () => number,
  ): Promise<ProcessResult> {
    const child = startChild(resolved, req, env);
    if (typeof child === 'string') return notStarted(resolved, child, elapsed());
    if (this.o.lowPriority) lowerPriority(child.pid);
    return watchChild(child, req, resolved, elapsed);
  }
}

export function createProcessRunner(options: ProcessRunnerOptions = {}): ProcessRunner {
  return new TracedProcessRunner(options);
}
