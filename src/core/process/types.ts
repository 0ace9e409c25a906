/** Traced, time-limited child processes (execFile, never a shell). */
export interface ProcessRequest {
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes kept of stdout / stderr. */
  maxOutputBytes?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Resolved executable path, or null when not found on PATH. */
  resolvedPath: string | null;
  /** Spawn error code (ENOENT, EACCES…) when the process could not start. */
  spawnError?: string;
}

export interface ProcessRunner {
  run(request: ProcessRequest): Promise<ProcessResult>;
}
