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
}
