import type { TraceEvent, TraceLevel, ConfigEvent, HttpEvent, ProcessEvent, OutcomeEvent } from './events';

type Without<T> = Omit<T, 'at' | 'step' | 'kind'>;

/** A trace emitter bound to one step. Implementations redact before handing events to sinks. */
export interface StepTracer {
  readonly step: string;
  start(description?: string): void;
  config(event: Without<ConfigEvent>): void;
  http(event: Without<HttpEvent>): void;
  process(event: Without<ProcessEvent>): void;
  outcome(event: Without<OutcomeEvent>): void;
  note(level: TraceLevel, message: string, data?: Record<string, unknown>): void;
  /** Everything emitted for this step so far (already redacted). */
  readonly events: readonly TraceEvent[];
  /** Registers a value that must never appear in any output of the run (optional for compatibility). */
  addSecret?(value: string | undefined | null): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------------------------------
import type { TraceSink } from './events';
import { Redactor } from './redact';

export interface TracerOptions {
  /** Where redacted events go (several: use fanOut from ./sinks). */
  sink?: TraceSink;
  /** Shared redactor (so secrets registered by one step are scrubbed in every step). */
  redactor?: Redactor;
  /** The environment the run sees: values of secret variables are registered with the redactor. */
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

/**
 * The run-level tracer: hands out one StepTracer per step; all of them share one redactor and one sink.
 * A throwing sink never breaks a run (the error is swallowed after the first report to stderr).
 */
export class Tracer {
  readonly redactor: Redactor;
  readonly #sink: TraceSink | undefined;
  readonly #now: () => number;
  readonly all: TraceEvent[] = [];
  #sinkFailed = false;

  constructor(options: TracerOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
    if (options.env) this.redactor.addSecretsFromEnv(options.env);
    this.#sink = options.sink;
    this.#now = options.now ?? Date.now;
  }

  forStep(step: string): StepTracerImpl {
    return new StepTracerImpl(step, this, this.#now);
  }

  /** Redacts and delivers one event (used by the step tracers). */
  deliver(event: TraceEvent): TraceEvent {
    const clean = this.redactor.event(event);
    this.all.push(clean);
    if (this.#sink) {
      try {
        this.#sink.emit(clean);
      } catch (e) {
        if (!this.#sinkFailed) {
          this.#sinkFailed = true;
          process.stderr.write(`[azauth] a trace sink failed: ${(e as Error).message}\n`);
        }
      }
    }
    return clean;
  }
}

export class StepTracerImpl implements StepTracer {
  readonly #events: TraceEvent[] = [];
  constructor(
    readonly step: string,
    private readonly tracer: Tracer,
    private readonly now: () => number,
  ) {}

  get events(): readonly TraceEvent[] {
    return this.#events;
  }

  /** Registers a value that must never appear in any output of this run (a key file's contents, a token, …). */
  addSecret(value: string | undefined | null): void {
    this.tracer.redactor.addSecret(value);
  }

  #emit(e: Record<string, unknown> & { kind: TraceEvent['kind'] }): void {
    const event = { ...e, at: this.now(), step: this.step } as unknown as TraceEvent;
    this.#events.push(this.tracer.deliver(event));
  }

  start(description?: string): void {
    this.#emit({ kind: 'step-start', description });
  }
  config(event: Without<ConfigEvent>): void {
    this.#emit({ kind: 'config', ...event });
  }
  http(event: Without<HttpEvent>): void {
    this.#emit({ kind: 'http', ...event });
  }
  process(event: Without<ProcessEvent>): void {
    this.#emit({ kind: 'process', ...event });
  }
  outcome(event: Without<OutcomeEvent>): void {
    this.#emit({ kind: 'outcome', ...event });
  }
  note(level: TraceLevel, message: string, data?: Record<string, unknown>): void {
    this.#emit({ kind: 'note', level, message, data });
  }
}

/** A stand-alone step tracer (tests, one-off operations): its own redactor, optional sink. */
export function createStepTracer(step: string, options: TracerOptions = {}): StepTracerImpl {
  return new Tracer(options).forStep(step);
}
