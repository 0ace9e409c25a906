/**
 * What the readers of an SDK's own log output produce. A reader turns one log record into observations; the
 * assembler (./assemble.ts) turns observations into chain runs in the engine's model (StepResult + TraceEvent),
 * tagged as observed in the user's app rather than simulated.
 */
import type { TraceLevel } from '../trace/events';
import type { ErrorInfo, ObservedSource, StepResult } from '../model';

/** The SDKs whose logs are read (the model's ObservedSource names the same set). */
export type SdkId = ObservedSource['sdk'];

export const SDK_PACKAGES: Record<SdkId, string> = {
  js: '@azure/identity',
  python: 'azure-identity (Python)',
  go: 'azidentity (Go)',
  dotnet: 'Azure.Identity (.NET)',
  java: 'azure-identity (Java)',
};

export type Observation =
  | { kind: 'release'; release: string }
  | { kind: 'attempt'; credential: string; detail?: string }
  | { kind: 'config'; credential: string; settings: Record<string, string>; message?: string }
  | { kind: 'success'; credential: string; scope?: string; message?: string }
  | { kind: 'failure'; credential: string; outcome?: 'unavailable' | 'failed'; message: string; scope?: string }
  /** The chain (DefaultAzureCredential / ChainedTokenCredential) named its winner. */
  | { kind: 'winner'; credential: string; scope?: string }
  /** The chain gave up. `attempted` lists what it tried when the SDK says so; `failed` names the credential that
   * stopped it, `lastFailed` says it was the last one that reported an error. */
  | {
      kind: 'chain-failed';
      message: string;
      attempted?: { credential: string; message: string; outcome?: 'unavailable' | 'failed' }[];
      failed?: string;
      lastFailed?: boolean;
    }
  | { kind: 'http-request'; method: string; url: string; attempt?: number }
  | { kind: 'http-response'; status?: number; url?: string; method?: string; durationMs?: number; error?: string }
  | { kind: 'note'; credential?: string; level: TraceLevel; message: string };

/** The most of one record a reader is handed: lines (its first included), and characters while it has fewer. */
export const MAX_RECORD_LINES = 400;
export const MAX_RECORD_CHARS = 256 * 1024;

/**
 * An SDK reader's record marks: substrings, one of which is in the first line of every record the reader does not
 * read as nothing (the cheap half of its `starts`). Past its read-in-full share a debug session reads only lines
 * holding one, each with the record lines after it (src/extension/apptrace/skim.ts searches every piece of output for
 * every mark), so a mark begins with a character ordinary output seldom has (']', 'z', 'A'): V8 finds such a string
 * several times faster than one beginning with a space or an 'a'.
 */
export type RecordMarks = readonly string[];

/** One log record (a first line and its continuation lines) as a reader sees it. */
export interface LogRecord {
  stream: 'stdout' | 'stderr';
  /** When the record's first line arrived (ms since the epoch), or the SDK's own timestamp when it printed one. */
  at: number;
  lines: string[];
}

export interface SdkReader {
  readonly sdk: SdkId;
  /** True when this line starts one of the SDK's log records. */
  starts(line: string): boolean;
  /** True when a line that does not start a record belongs to the open record (e.g. a traceback). */
  continues(record: LogRecord, line: string): boolean;
  /**
   * Observations from one complete record; `null` when the record has the SDK's shape but none of the known
   * messages (counted as "not understood"); `[]` when it is understood and irrelevant to the chain.
   */
  read(record: LogRecord): Observation[] | null;
  /** The SDK's own timestamp on the record's first line, when it prints one (ms since the epoch). */
  timestamp?(line: string): number | undefined;
}

/** One DefaultAzureCredential / ChainedTokenCredential getToken (or a lone credential's), as the app's SDK logged it. */
export interface ObservedRun {
  /** e.g. "observed in your app: @azure/identity 4.13.0". */
  label: string;
  sdk: SdkId;
  release: string | null;
  scope: string | null;
  /** The credential that returned the token (canonical Go spelling); null when none did or the SDK did not say. */
  winner: string | null;
  steps: StepResult[];
  error: ErrorInfo | null;
  errorCodes: number[];
  startedAt: string;
  durationMs: number;
  /** True when the chain itself reported its end (winner or failure); false when the run was cut off. */
  complete: boolean;
  /** Events of this run past the MAX_RUN_EVENTS it keeps (absent when none were dropped). */
  eventsNotKept?: number;
}

export interface AppTrace {
  kind: 'app-trace';
  sdk: SdkId | null;
  release: string | null;
  label: string;
  /** The command that ran (arguments redacted), when known. */
  app?: string;
  runs: ObservedRun[];
  /**
   * Runs the SDK logged that are not in `runs`: a program that asks for tokens all day is read in fixed memory, so
   * only the first RUNS_KEPT.first and the newest up to RUNS_KEPT.all are kept; these came between the two.
   */
  runsNotKept: number;
  /** Lines shaped like the SDK's log whose message no reader knows (a newer release?). */
  notUnderstood: { count: number; samples: string[] };
  stats: {
    lines: number;
    bytes: number;
    sdkRecords: number;
    truncatedLines: number;
    binaryLines: number;
    passthroughLines: number;
  };
  /** Every AADSTS code seen anywhere in the output (SDK lines or not). */
  aadstsCodes: number[];
}
