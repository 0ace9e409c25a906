/**
 * Runs the user's program with its SDK's logging switched on and reads the output as it streams by. The program's
 * bytes go to the caller untouched and in order within each stream; the reader sees a copy. No shell: the command
 * and its arguments are handed to spawn as given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LineSplitter } from './lines';
import { CHANNEL_FD, nodeHookEnvironment, parseChannelLine, writeNodeHook } from './node-hook';
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

/** Hook files already in place (the `azauth` launcher's, next to the CLI), instead of a private folder per run. */
export interface InstalledHooks {
  /** The Node preload (./node-hook.ts NODE_HOOK). */
  nodeHook: string;
  /** The folder holding only the Python hook, sitecustomize.py (PYTHON_HOOK). */
  pythonDir: string;
}

/**
 * The variables a traced program gets: the SDKs' logging switches and, for Node and Python, the hooks that hand the
 * records over on the inherited channel (fd 3). `hooks` names installed hook files; without it they are written to a
 * private folder for this run (`hookDir`, removed at the end). `bin/azauth` adds exactly these (a test compares them).
 */
export function tracedProgramEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  sdks: readonly SdkId[],
  level?: 'info' | 'verbose',
  hooks?: InstalledHooks,
): { hookDir?: string; added: Record<string, string>; channel: boolean } {
  // The Node hook: not when the user switched the SDK's logging on themselves (they expect its lines on stderr).
  const nodeHook = sdks.includes('js') && !base.AZURE_LOG_LEVEL;
  const python = sdks.includes('python');
  const hookDir = !hooks && (python || nodeHook) ? mkdtempSync(path.join(tmpdir(), 'azauth-run-')) : undefined;
  const pythonDir = hooks ? hooks.pythonDir : hookDir;
  if (hookDir && python) writePythonHook(hookDir);
  const added = loggingEnvironment(base, { sdks, pythonHookDir: python ? pythonDir : undefined, level });
  if (nodeHook) Object.assign(added, nodeHookEnvironment(base, hooks ? hooks.nodeHook : writeNodeHook(hookDir!)));
  // Both hooks hand their records over on the same inherited pipe.
  const channel = python || nodeHook;
  if (channel) added.AZAUTH_TRACE_FD = String(CHANNEL_FD);
  return { hookDir, added, channel };
}

export function runTraced(options: RunTracedOptions): Promise<RunTracedResult> {
  const base = options.env ?? process.env;
  const sdks = options.sdks ?? ALL_SDKS;
  const { hookDir, added, channel } = tracedProgramEnvironment(base, sdks, options.level);
  const env = { ...base, ...added };
  const started = Date.now();
  // Made once the program runs (its output arrives on a later turn of the event loop): the program does not wait for
  // the readers and the redactor to be set up.
  let reader: AppTraceReader;
  const newReader = () =>
    new AppTraceReader({
      sdks: [...sdks],
      env: base,
      app: [options.command, ...(options.args ?? [])].join(' '),
      maxLineBytes: options.maxLineBytes,
    });

  return new Promise((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      if (hookDir) rmSync(hookDir, { recursive: true, force: true });
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
    let child: ChildProcess;
    try {
      child = spawn(options.command, [...(options.args ?? [])], {
        env,
        cwd: options.cwd,
        stdio: [options.stdin ?? 'inherit', 'pipe', 'pipe', ...(channel ? (['pipe'] as const) : [])],
        shell: false,
      });
    } catch (e) {
      reader = newReader();
      finish(null, null, (e as Error).message);
      return;
    }
    reader = newReader();
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
    readOutput(child, reader, options);
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, null, `${e.code ?? 'error'}: ${e.message}`));
    // 'close' comes after every pipe has ended, so every byte has been passed through and read.
    child.on('close', (code, sig) => {
      if (killTimer) clearTimeout(killTimer);
      finish(code, sig);
    });
  });
}

/** The program's output to the caller byte for byte and to the reader; the hooks' records to the reader. */
function readOutput(child: ChildProcess, reader: AppTraceReader, options: RunTracedOptions): void {
  readStreams(
    { stdout: child.stdout!, stderr: child.stderr!, channel: child.stdio[CHANNEL_FD] as Readable | null | undefined },
    reader,
    options,
  );
}

/** The same for streams that are not a child's (the launcher's pipes, ./collect.ts). */
export function readStreams(
  streams: { stdout: Readable; stderr: Readable; channel?: Readable | null },
  reader: AppTraceReader,
  options: Pick<RunTracedOptions, 'stdout' | 'stderr'>,
  /** A channel line that is not a hook's record (the launcher's status line, or a torn write). */
  onOtherChannelLine?: (text: string) => void,
): void {
  streams.stdout.on('data', (b: Buffer) => {
    options.stdout?.(b);
    reader.write('stdout', b);
  });
  streams.stderr.on('data', (b: Buffer) => {
    options.stderr?.(b);
    reader.write('stderr', b);
  });
  const channel = streams.channel;
  if (!channel) return;
  const lines = new LineSplitter(
    (l) => {
      const r = parseChannelLine(l.text);
      if (r) reader.record(r.text, r.at);
      else onOtherChannelLine?.(l.text);
    },
    { maxLineBytes: 2 * 1024 * 1024 },
  );
  channel.on('data', (b: Buffer) => lines.push(b));
  channel.on('end', () => lines.end());
}
