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
  /** Names the outcome for the trace ('ok', 'not-installed', 'not-logged-in', …); called once the process ended. */
  classify?: (result: ProcessResult) => string;
  /** Keep stdout out of the trace (it holds a token): only its length is recorded. Default false (redacted text). */
  hideStdout?: boolean;
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
