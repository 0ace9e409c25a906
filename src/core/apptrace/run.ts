/**
 * Runs the user's program with its SDK's logging switched on and reads the output as it streams by. The program's
 * bytes go to the caller untouched and in order within each stream; the reader sees a copy. No shell: the command
 * and its arguments are handed to spawn as given.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppTraceReader } from './reader';
import { loggingEnvironment, writePythonHook, ALL_SDKS } from './logging-env';
import type { AppTrace, SdkId } from './types';

export interface RunTracedOptions {
  command: string;
  args?: readonly string[];
  /** The program's environment (default: this process's); only the logging switches are added. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  sdks?: readonly SdkId[];
  level?: 'info' | 'verbose';
  /** Where the program's output goes, byte for byte. */
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
  /** Aborting stops the program (SIGINT, then SIGKILL after killAfterMs) and still returns the trace so far. */
  signal?: AbortSignal;
  killAfterMs?: number;
  /** Standard input: inherited from this process (default for a terminal) or closed. */
  stdin?: 'inherit' | 'ignore';
  maxLineBytes?: number;
}

export interface RunTracedResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The program could not be started (ENOENT, EACCES…). */
  spawnError?: string;
  trace: AppTrace;
  /** The variables that were added (names and values; none of them is secret). */
  added: Record<string, string>;
  durationMs: number;
}

export function runTraced(options: RunTracedOptions): Promise<RunTracedResult> {
  const base = options.env ?? process.env;
  const sdks = options.sdks ?? ALL_SDKS;
  const hookDir = sdks.includes('python') ? mkdtempSync(path.join(tmpdir(), 'azauth-run-')) : undefined;
  if (hookDir) writePythonHook(hookDir);
  const added = loggingEnvironment(base, { sdks, pythonHookDir: hookDir, level: options.level });
  const env = { ...base, ...added };
  const reader = new AppTraceReader({
    sdks: [...sdks],
    env: base,
    app: [options.command, ...(options.args ?? [])].join(' '),
    maxLineBytes: options.maxLineBytes,
  });
  const started = Date.now();
  const cleanup = () => {
    if (hookDir) rmSync(hookDir, { recursive: true, force: true });
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal,
        ...(spawnError ? { spawnError } : {}),
        trace: reader.end(),
        added,
        durationMs: Date.now() - started,
      });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(options.command, [...(options.args ?? [])], {
        env,
        cwd: options.cwd,
        stdio: [options.stdin ?? 'inherit', 'pipe', 'pipe'],
        shell: false,
      });
    } catch (e) {
      finish(null, null, (e as Error).message);
      return;
    }
    let killTimer: NodeJS.Timeout | undefined;
    const running = () => child.exitCode === null && child.signalCode === null;
    function onAbort() {
      // On a terminal, Ctrl+C already reached the program (same process group): give it a moment before sending
      // SIGINT ourselves, so it is not interrupted twice while it cleans up; SIGKILL only after killAfterMs.
      killTimer = setTimeout(() => {
        if (running()) child.kill('SIGINT');
        killTimer = setTimeout(() => running() && child.kill('SIGKILL'), options.killAfterMs ?? 5000);
        killTimer.unref();
      }, 300);
      killTimer.unref();
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (b: Buffer) => {
      options.stdout?.(b);
      reader.write('stdout', b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      options.stderr?.(b);
      reader.write('stderr', b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, null, `${e.code ?? 'error'}: ${e.message}`));
    // 'close' comes after both pipes have ended, so every byte has been passed through and read.
    child.on('close', (code, sig) => {
      if (killTimer) clearTimeout(killTimer);
      finish(code, sig);
    });
  });
}
