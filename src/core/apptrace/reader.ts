/**
 * AppTraceReader: reads a program's output line by line (stdout and stderr separately, as they arrive), hands the
 * lines shaped like an Azure SDK's log to that SDK's reader, and assembles what the SDK logged into chain runs.
 * Every other line is the program's own: counted, scanned for AADSTS codes, never changed (the caller passes the
 * bytes through itself). Memory stays bounded: capped lines (./lines.ts), capped records, capped samples.
 */
import { Redactor } from '../trace/redact';
import { RunAssembler, aadstsCodes } from './assemble';
import { LineSplitter, type SplitLine } from './lines';
import { createDotnetReader } from './readers/dotnet';
import { createGoReader } from './readers/go';
import { createJavaReader } from './readers/java';
import { createJsReader } from './readers/js';
import { createPythonReader } from './readers/python';
import {
  MAX_RECORD_CHARS,
  MAX_RECORD_LINES,
  SDK_PACKAGES,
  type AppTrace,
  type LogRecord,
  type SdkId,
  type SdkReader,
} from './types';

const MAX_SAMPLES = 5;
const MAX_SAMPLE_CHARS = 200;
const MAX_AADSTS = 100;

export interface AppTraceReaderOptions {
  /** Readers to use (all five by default). */
  sdks?: SdkId[];
  /** The program's environment: values of its secret variables are removed from everything the trace keeps. */
  env?: Readonly<Record<string, string | undefined>>;
  redactor?: Redactor;
  now?: () => number;
  /** The command line, for the label (redacted here). */
  app?: string;
  maxLineBytes?: number;
}

export type Stream = 'stdout' | 'stderr';

interface Open {
  reader: SdkReader;
  record: LogRecord;
  chars: number;
}

const FACTORIES: Record<SdkId, () => SdkReader> = {
  js: createJsReader,
  python: createPythonReader,
  go: createGoReader,
  dotnet: createDotnetReader,
  java: createJavaReader,
};

/**
 * Every SDK record starts with one of these characters (azure:…, a date, [time] / [Level], LEVEL:, com.azure…,
 * Exception in thread…): most of a program's own lines are turned away before any pattern runs.
 */
function mayStartRecord(text: string): boolean {
  const c = text.charCodeAt(0);
  return (
    c === 0x61 /* a */ ||
    c === 0x5b /* [ */ ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x63 /* c */ ||
    c === 0x44 ||
    c === 0x49 ||
    c === 0x57 ||
    c === 0x45 ||
    c === 0x43
  );
}

export class AppTraceReader {
  readonly redactor: Redactor;
  readonly #readers: SdkReader[];
  readonly #now: () => number;
  readonly #open: Partial<Record<Stream, Open>> = {};
  readonly #splitters: Partial<Record<Stream, LineSplitter>> = {};
  readonly #assembler: RunAssembler;
  readonly #app?: string;
  readonly #maxLineBytes?: number;
  #sdk: SdkId | null = null;
  #release: string | null = null;
  #notUnderstood = 0;
  readonly #samples: string[] = [];
  #sdkRecords = 0;
  #passthrough = 0;
  #lines = 0;
  readonly #codes = new Set<number>();
  #ended = false;

  constructor(options: AppTraceReaderOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
    if (options.env) this.redactor.addSecretsFromEnv(options.env);
    this.#readers = (options.sdks ?? (Object.keys(FACTORIES) as SdkId[])).map((s) => FACTORIES[s]());
    this.#now = options.now ?? Date.now;
    this.#app = options.app === undefined ? undefined : this.redactor.text(options.app);
    this.#maxLineBytes = options.maxLineBytes;
    this.#assembler = new RunAssembler(this.redactor, () => ({
      sdk: this.#sdk ?? 'js',
      release: this.#release,
      label: this.label,
    }));
  }

  /** "observed in your app: @azure/identity 4.13.0" (release omitted when the SDK did not say). */
  get label(): string {
    if (!this.#sdk) return 'observed in your app: no Azure SDK log seen';
    return `observed in your app: ${SDK_PACKAGES[this.#sdk]}${this.#release ? ` ${this.#release}` : ''}`;
  }

  /** Raw output bytes of one stream; split into lines within the caps. */
  write(stream: Stream, chunk: Buffer | string): void {
    let s = this.#splitters[stream];
    if (!s) {
      s = new LineSplitter((l: SplitLine) => this.line(stream, l.text), { maxLineBytes: this.#maxLineBytes });
      this.#splitters[stream] = s;
    }
    s.push(chunk);
  }

  /** One complete line (no line ending) of one stream. */
  line(stream: Stream, text: string, at: number = this.#now()): void {
    if (this.#ended) return;
    this.#lines++;
    if (text.includes('AADSTS') && this.#codes.size < MAX_AADSTS) for (const c of aadstsCodes(text)) this.#codes.add(c);
    const open = this.#open[stream];
    if (
      open &&
      !this.#startsAny(text) &&
      open.record.lines.length < MAX_RECORD_LINES &&
      open.chars < MAX_RECORD_CHARS &&
      open.reader.continues(open.record, text)
    ) {
      open.record.lines.push(text);
      open.chars += text.length;
      return;
    }
    if (open) this.#flush(stream);
    const reader = this.#readerFor(text);
    if (!reader) {
      this.#passthrough++;
      return;
    }
    this.#open[stream] = { reader, record: { stream, at, lines: [text] }, chars: text.length };
  }

  /**
   * One complete SDK record handed over from inside the program (the Node hook's channel, ./node-hook.ts): its lines
   * are known, so nothing is split or guessed; it is read as the same record on stderr would be.
   */
  record(text: string, at: number = this.#now()): void {
    if (this.#ended) return;
    const lines = text.split('\n', MAX_RECORD_LINES);
    this.#lines += lines.length;
    if (text.includes('AADSTS') && this.#codes.size < MAX_AADSTS) for (const c of aadstsCodes(text)) this.#codes.add(c);
    const reader = this.#readerFor(lines[0]!);
    if (!reader) {
      this.#passthrough += lines.length;
      return;
    }
    this.#read({ reader, record: { stream: 'stderr', at, lines }, chars: text.length });
  }

  /** Closes open records and returns the trace so far. Safe to call more than once (Ctrl+C, then exit). */
  end(): AppTrace {
    if (!this.#ended) for (const s of Object.values(this.#splitters)) s.end();
    for (const stream of ['stdout', 'stderr'] as Stream[]) this.#flush(stream);
    this.#ended = true;
    return this.#trace(this.#assembler.finish());
  }

  /**
   * The trace so far while the program still runs (a live view): nothing is closed, and a record still open (its
   * continuation lines may follow) shows once the next line of its stream or the end arrives.
   */
  peek(): AppTrace {
    return this.#trace(this.#assembler.peek());
  }

  #trace(runs: AppTrace['runs']): AppTrace {
    const stats = { lines: 0, bytes: 0, truncatedLines: 0, binaryLines: 0 };
    for (const s of Object.values(this.#splitters)) {
      stats.lines += s.stats.lines;
      stats.bytes += s.stats.bytes;
      stats.truncatedLines += s.stats.truncatedLines;
      stats.binaryLines += s.stats.binaryLines;
    }
    return {
      kind: 'app-trace',
      sdk: this.#sdk,
      release: this.#release,
      label: this.label,
      ...(this.#app !== undefined ? { app: this.#app } : {}),
      runs,
      runsNotKept: this.#assembler.notKept,
      notUnderstood: { count: this.#notUnderstood, samples: [...this.#samples] },
      stats: {
        ...stats,
        lines: Math.max(stats.lines, this.#lines),
        sdkRecords: this.#sdkRecords,
        passthroughLines: this.#passthrough,
      },
      aadstsCodes: [...this.#codes],
    };
  }

  #startsAny(text: string): boolean {
    return mayStartRecord(text) && this.#readers.some((r) => r.starts(text));
  }

  #readerFor(text: string): SdkReader | undefined {
    if (!mayStartRecord(text)) return undefined;
    // The SDK already seen first: a line can only be one SDK's, but the check order saves work.
    if (this.#sdk) {
      const known = this.#readers.find((r) => r.sdk === this.#sdk);
      if (known?.starts(text)) return known;
    }
    return this.#readers.find((r) => r.starts(text));
  }

  #flush(stream: Stream): void {
    const open = this.#open[stream];
    if (!open) return;
    delete this.#open[stream];
    this.#read(open);
  }

  #read(open: Open): void {
    this.#sdkRecords++;
    let observations;
    try {
      observations = open.reader.read(open.record);
    } catch {
      observations = null;
    }
    if (observations === null) {
      this.#notUnderstood++;
      if (this.#samples.length < MAX_SAMPLES) {
        const first = this.redactor.text(open.record.lines[0] ?? '');
        this.#samples.push(first.length > MAX_SAMPLE_CHARS ? `${first.slice(0, MAX_SAMPLE_CHARS)}…` : first);
      }
      this.#sdk ??= open.reader.sdk;
      return;
    }
    if (observations.length || !this.#sdk) this.#sdk ??= open.reader.sdk;
    for (const o of observations) {
      if (o.kind === 'release') {
        this.#release ??= o.release;
        continue;
      }
      this.#assembler.observe(o, open.record.at);
    }
  }
}
