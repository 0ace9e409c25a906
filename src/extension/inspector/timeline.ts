/** The chain run's waterfall in the inspector's snapshot: each step placed on the run's time axis, bounded. */
import type { RunTimeline, TimelineOutcome, TimelineStep } from '../../shared/protocol';
import type { StoredRun } from '../runStore';
import { MAX_LIST_ITEMS, MAX_STEPS, finiteOr, num, text } from './bounded';

const OUTCOMES: readonly TimelineOutcome[] = ['success', 'unavailable', 'failed', 'skipped'];

export function runTimeline(run: StoredRun): RunTimeline {
  const r = run.result;
  const startedAt = Date.parse(r.startedAt);
  const t0 = Number.isFinite(startedAt) ? startedAt : run.at - finiteOr(r.durationMs, 0);
  const steps: TimelineStep[] = [];
  let cursor = 0;
  const stepsIn = Array.isArray(r.steps) ? r.steps.slice(0, MAX_STEPS) : [];
  stepsIn.forEach((s, index) => {
    const duration = Math.max(0, finiteOr(s.durationMs, 0));
    // Prefer the step's own start event; without one, sequential steps follow each other and diagnose steps
    // start together (they run concurrently).
    const startEvent = Array.isArray(s.events) ? s.events.find((e) => e && e.kind === 'step-start') : undefined;
    let start =
      startEvent && num(startEvent.at) !== undefined ? startEvent.at - t0 : r.mode === 'diagnose' ? 0 : cursor;
    if (!Number.isFinite(start) || start < 0) start = r.mode === 'diagnose' ? 0 : cursor;
    const outcome = OUTCOMES.includes(s.outcome) ? s.outcome : 'failed';
    const step: TimelineStep = {
      index,
      credential: text(s.credential, 200),
      outcome,
      startMs: start,
      endMs: start + duration,
      durationMs: duration,
      message: text(s.message),
      errorCodes: (Array.isArray(s.errorCodes) ? s.errorCodes : [])
        .filter((c) => Number.isInteger(c))
        .slice(0, MAX_LIST_ITEMS),
      winner: r.winner !== null && s.credential === r.winner,
    };
    // The note adds to the message; when the engine repeats the message as the note, show it once.
    if (s.note && !step.message.includes(s.note)) step.note = text(s.note);
    steps.push(step);
    cursor = Math.max(cursor, start + duration);
  });
  const total = Math.max(finiteOr(r.durationMs, 0), cursor);
  const winner = typeof r.winner === 'string' ? text(r.winner, 200) : null;
  const summary = winner
    ? r.mode === 'diagnose'
      ? `DefaultAzureCredential would pick ${winner} (${steps.length} credentials checked)`
      : `${winner} succeeded after ${steps.length} step${steps.length === 1 ? '' : 's'}`
    : `No credential succeeded (${steps.length} step${steps.length === 1 ? '' : 's'})`;
  const o = r.observed;
  return {
    ...(o
      ? {
          observed: text(
            `${o.label}${o.app ? ` · ${o.app}` : ''}${o.complete ? '' : ' · chain end not logged (yet)'}`,
            300,
          ),
        }
      : {}),
    id: text(run.id, 128),
    mode: r.mode === 'diagnose' ? 'diagnose' : 'sequential',
    profile: text(r.profile, 20),
    scope: text(r.scope, 500),
    startedAtEpochMs: t0,
    durationMs: total,
    winner,
    summary,
    steps,
  };
}
