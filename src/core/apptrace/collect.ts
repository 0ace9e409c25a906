/**
 * The other half of `bin/azauth run` (the POSIX launcher): the shell starts the user's program itself, so no Node
 * process sits in front of it, and starts this collector beside it on pipes it opened before either began — the
 * program's stdout, its stderr and the hooks' channel, on which the launcher itself writes the program's exit status
 * once it ended, before it lets go of the pipes. The collector passes the output through and reads it as runTraced
 * does (./run.ts); only the spawn moved.
 */
import net from 'node:net';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { AppTraceReader } from './reader';
import { ALL_SDKS } from './logging-env';
import { readStreams, tracedProgramEnvironment, type InstalledHooks, type RunTracedResult } from './run';
import type { SdkId } from './types';

/**
 * The fds the launcher hands the collector (bin/azauth): the read ends of its three pipes, and the write end of the
 * pipe the launcher waits on (`done`: closed once the trace is printed).
 */
export const LAUNCHER_FDS = { stdout: 4, stderr: 5, channel: 6, done: 3 } as const;

export interface CollectTracedOptions {
  /** The program the launcher started, as it was given (for the label). */
  command: string;
  args?: readonly string[];
  /** The launcher's environment: the program's, without the switches the launcher added (recomputed here). */
  env: Readonly<Record<string, string | undefined>>;
  sdks?: readonly SdkId[];
  level?: 'info' | 'verbose';
  /** The hook files the launcher pointed the program at. */
  hooks: InstalledHooks;
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
  fds?: { stdout: number; stderr: number; channel: number };
  maxLineBytes?: number;
}

/** The launcher's status line on the channel: `["azauth-launcher-status", <$?>, <1 when it saw SIGINT, else 0>]`. */
interface LauncherStatus {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  interrupted: boolean;
}

/**
 * A shell reports a program killed by signal N as 128+N, as it reports `exit 130`: the two cannot be told apart
 * there, so a status over 128 that names a signal is read as that signal (what a terminal user means by it).
 */
export function parseLauncherStatus(line: string): LauncherStatus | undefined {
  const m = /^\["azauth-launcher-status",(\d{1,3}),([01])\]$/.exec(line);
  if (!m) return undefined;
  const status = Number(m[1]);
  const signal = status > 128 ? signalName(status - 128) : undefined;
  return { exitCode: signal ? null : status, signal: signal ?? null, interrupted: m[2] === '1' };
}

function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(constants.signals) as [NodeJS.Signals, number][]).find(([, v]) => v === n)?.[0];
}

/** Reads the launcher's pipes to their end; resolves with the trace and the program's status. */
export function collectTraced(options: CollectTracedOptions): Promise<RunTracedResult & { interrupted: boolean }> {
  const sdks = options.sdks ?? ALL_SDKS;
  const { added } = tracedProgramEnvironment(options.env, sdks, options.level, options.hooks);
  // The program started when this process did (the launcher starts both at once), not when Node was ready here
  // (~50 ms later): the process's own start is performance.timeOrigin.
  const started = performance.timeOrigin;
  const reader = new AppTraceReader({
    sdks: [...sdks],
    env: options.env,
    app: [options.command, ...(options.args ?? [])].join(' '),
    maxLineBytes: options.maxLineBytes,
  });
  const fds = options.fds ?? LAUNCHER_FDS;
  const open = (fd: number): Readable => new net.Socket({ fd, readable: true, writable: false });
  const streams = { stdout: open(fds.stdout), stderr: open(fds.stderr), channel: open(fds.channel) };
  let status: LauncherStatus | undefined;
  readStreams(streams, reader, options, (line) => (status = parseLauncherStatus(line) ?? status));
  const ended = (s: Readable) => new Promise<void>((resolve) => s.once('close', () => resolve()));
  return Promise.all(Object.values(streams).map(ended)).then(() => {
    // No status: the launcher itself was killed before the program ended.
    const s = status ?? { exitCode: null, signal: null, interrupted: true };
    return {
      exitCode: s.exitCode,
      signal: s.signal,
      interrupted: s.interrupted,
      trace: reader.end(),
      added,
      durationMs: Math.round(Date.now() - started),
    };
  });
}
