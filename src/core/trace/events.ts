/**
 * Typed trace events. Every step emits them through a TraceSink; redaction (./redact.ts) is applied by the
 * emitter before any sink sees an event, so sinks may print or store events as they are.
 */

export type TraceLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

interface Base {
  /** Milliseconds since the epoch. */
  at: number;
  /** The credential / operation this event belongs to ('chain' for chain-level events). */
  step: string;
}

export interface StepStartEvent extends Base {
  kind: 'step-start';
  description?: string;
}

export interface ConfigEvent extends Base {
  kind: 'config';
  /** Environment variables the step reads: set or not, value masked when secret. */
  variables?: { name: string; set: boolean; value?: string; note?: string }[];
  files?: { path: string; exists: boolean; size?: number; note?: string }[];
  executables?: { name: string; resolved: string | null; searchedPath?: string[] }[];
  endpoints?: { name: string; url: string }[];
  settings?: Record<string, string | number | boolean | null>;
}

export interface HttpEvent extends Base {
  kind: 'http';
  method: string;
  url: string;
  status?: number;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  /** Request body, form fields or JSON, already redacted. */
  requestBody?: unknown;
  /** Response body (parsed JSON when it was JSON, else an excerpt), already redacted. */
  responseBody?: unknown;
  durationMs: number;
  /** Network-level error (ECONNREFUSED, timeout, TLS…) when no response arrived. */
  error?: string;
  /** 1 for the first try. */
  attempt?: number;
  retryReason?: string;
  retryDelayMs?: number;
  proxy?: string | null;
}

export interface ProcessEvent extends Base {
  kind: 'process';
  command: string;
  args: string[];
  resolvedPath?: string | null;
  exitCode: number | null;
  signal?: string | null;
  stdout?: string;
  stderr?: string;
  /** e.g. 'ok', 'not-installed', 'not-logged-in', 'mfa-required', 'timeout', 'other'. */
  classification?: string;
  durationMs: number;
  timedOut?: boolean;
}

export interface OutcomeEvent extends Base {
  kind: 'outcome';
  outcome: 'success' | 'unavailable' | 'failed' | 'skipped';
  message: string;
  durationMs: number;
  errorCodes?: number[];
}

export interface NoteEvent extends Base {
  kind: 'note';
  level: TraceLevel;
  message: string;
  data?: Record<string, unknown>;
}

export type TraceEvent = StepStartEvent | ConfigEvent | HttpEvent | ProcessEvent | OutcomeEvent | NoteEvent;

export interface TraceSink {
  emit(event: TraceEvent): void;
}
