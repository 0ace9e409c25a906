/**
 * The mutable shapes a chain run is assembled in (./assemble.ts), and what is read off a run once its lines are in:
 * inner credentials folded into their outer step, and a refusal that ends a log without an outcome.
 */
import type { StepOutcome } from '../model';
import type { TraceEvent } from '../trace/events';
import { INNER } from './credential-names';
import type { ObservedRun } from './types';

export interface StepBuilder {
  credential: string;
  events: TraceEvent[];
  startAt: number;
  endAt?: number;
  outcome?: StepOutcome;
  /** The outcome came from a line that cannot tell "unavailable" from "failed"; the chain's end may correct it. */
  provisional?: boolean;
  message: string;
  errorCodes: Set<number>;
}

export interface RunBuilder {
  steps: StepBuilder[];
  /** The credential the SDK last said it was trying (an attempt line), while it has no outcome. */
  active: StepBuilder | null;
  /** Events kept, and those past MAX_RUN_EVENTS only counted (an app's own Azure calls log exchanges too). */
  kept: number;
  notKept: number;
  pending: TraceEvent[];
  requests: { at: number; method: string; url: string; attempt?: number; step: StepBuilder | null }[];
  /**
   * Exchanges that ended and are not placed yet: each belongs to the credential whose outcome the SDK logs next (an
   * outcome is logged after its requests), whichever looked current when it began (`hint`, used when none follows).
   */
  unplaced: { event: Extract<TraceEvent, { kind: 'http' }>; hint: StepBuilder | null }[];
  startAt: number;
  lastAt: number;
  scope: string | null;
  winner: string | null;
  failure: { message: string } | null;
  closed: boolean;
  /** What the run shows, made when it closed: a closed run never changes (later lines open the next run). */
  shown?: RunBody;
}

/** A run as shown, less what the SDK's lines may still reveal later (its release, hence its label). */
export type RunBody = Omit<ObservedRun, 'label' | 'sdk' | 'release'>;

/**
 * An inner credential logged before its outer one was named (Go logs ClientSecretCredential, then "authenticated
 * with EnvironmentCredential"): its lines belong to the outer step.
 */
export function foldInner(run: RunBuilder): void {
  for (const inner of [...run.steps]) {
    const outer = run.steps.find((s) => s.credential === INNER[inner.credential]);
    if (!outer) continue;
    outer.events.push(...inner.events.map((e) => ({ ...e, step: outer.credential })));
    outer.events.sort((a, b) => a.at - b.at);
    outer.startAt = Math.min(outer.startAt, inner.startAt);
    for (const c of inner.errorCodes) outer.errorCodes.add(c);
    if (!outer.outcome && inner.outcome) {
      outer.outcome = inner.outcome;
      outer.message = inner.message;
      outer.endAt = inner.endAt;
    }
    run.steps.splice(run.steps.indexOf(inner), 1);
  }
}

export interface Refusal {
  step: StepBuilder;
  status: number;
}

/**
 * A log that stops after a refused request, with no outcome from the credential that made it: azidentity logs none
 * when an authentication failure ends its chain. The refusal is that credential's failure, said as read from it.
 */
export function refusedLast(steps: StepBuilder[]): Refusal | undefined {
  let last: { step: StepBuilder; at: number; status?: number } | undefined;
  for (const step of steps)
    for (const e of step.events)
      if (e.kind === 'http' && (!last || e.at >= last.at)) last = { step, at: e.at, status: e.status };
  // 401/403, or an error that names an AADSTS code: the authority refused. Not any 4xx: IMDS answers 400 when a VM
  // has no identity, which the SDKs read as unavailable and go on.
  const refused =
    last?.status !== undefined && (last.status === 401 || last.status === 403 || last.step.errorCodes.size > 0);
  return last && refused && !last.step.outcome ? { step: last.step, status: last.status! } : undefined;
}
