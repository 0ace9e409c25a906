/**
 * Observations → chain runs. The SDKs log differently, but every one of them says the same few things: a credential
 * was tried, it succeeded or failed (unavailable, or an error that stops the chain), the chain picked a winner or gave
 * up, and which HTTP exchanges happened. This turns those into StepResults with trace events, redacted on the way in.
 */
import type { StepOutcome, StepResult } from '../model';
import type { TraceEvent, TraceLevel } from '../trace/events';
import type { Redactor } from '../trace/redact';
import { INNER, canonicalCredential, inChainOrder } from './credential-names';
import { foldInner, refusedLast, type Refusal, type RunBody, type RunBuilder, type StepBuilder } from './run-builder';
import type { Observation, ObservedRun, SdkId } from './types';

type Of<K extends Observation['kind']> = Extract<Observation, { kind: K }>;

/** How many runs a trace keeps: the first ones (how the chain chose when the app started) and the newest. */
export const RUNS_KEPT = { first: 50, all: 500 } as const;
/** How many events one run keeps (an app's own Azure calls log HTTP exchanges too); the rest are counted. */
export const MAX_RUN_EVENTS = 200;

const AADSTS_RE = /AADSTS(\d{4,8})/g;

export function aadstsCodes(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(AADSTS_RE)) out.add(Number(m[1]));
  return [...out];
}

export class RunAssembler {
  readonly #runs: RunBuilder[] = [];
  #notKept = 0;
  #run: RunBuilder | null = null;
  /** Inner credential → the outer one it ran under before (a later getToken logs only the inner one's lines). */
  readonly #learned = new Map<string, string>();

  constructor(
    private readonly redactor: Redactor,
    private readonly describe: () => { sdk: SdkId; release: string | null; label: string },
  ) {}

  /** Runs dropped to keep RUNS_KEPT (see AppTrace.runsNotKept). */
  get notKept(): number {
    return this.#notKept;
  }

  observe(o: Observation, at: number): void {
    switch (o.kind) {
      case 'release':
        return;
      case 'attempt':
        return this.#attempt(o, at);
      case 'config':
        return this.#config(o, at);
      case 'success':
        return this.#success(o, at);
      case 'failure':
        return this.#failure(o, at);
      case 'winner':
        return this.#winner(o, at);
      case 'chain-failed':
        return this.#chainFailed(o, at);
      case 'http-request':
        return this.#httpRequest(o, at);
      case 'http-response':
        return this.#httpResponse(o, at);
      case 'note': {
        const run = this.#ensureRun(at);
        const step = o.credential ? this.#stepFor(run, o.credential, at) : this.#current(run);
        return this.#note(run, step, at, o.level, o.message);
      }
    }
  }

  #attempt(o: Of<'attempt'>, at: number): void {
    const run = this.#ensureRun(at);
    const existing = this.#find(run, o.credential);
    if (existing?.outcome && !existing.provisional && !INNER[o.credential]) {
      // The same credential tried again after it finished: the app asked for another token.
      this.#close(run);
      const next = this.#ensureRun(at);
      this.#begin(next, this.#stepFor(next, o.credential, at), o.detail, at);
      return;
    }
    this.#begin(run, this.#stepFor(run, o.credential, at), o.detail, at);
  }

  /** The SDK says it tries `step` now: exchanges still waiting belong to what it tried before (their hints). */
  #begin(run: RunBuilder, step: StepBuilder, detail: string | undefined, at: number): void {
    if (run.active !== step) this.#place(run, null);
    run.active = step;
    this.#start(step, detail, at);
  }

  #config(o: Of<'config'>, at: number): void {
    const run = this.#ensureRun(at);
    const step = this.#stepFor(run, o.credential, at);
    this.#push(run, step, { kind: 'config', at, step: step.credential, settings: { ...o.settings } });
    if (o.message) this.#note(run, step, at, 'info', o.message);
  }

  /** The step a success or failure line belongs to; `inner` when the line is an inner credential's inside it. */
  #outcomeStep(o: { credential: string; scope?: string }, at: number) {
    const run = this.#ensureRun(at);
    if (o.scope && !run.scope) run.scope = o.scope;
    const step = this.#stepFor(run, o.credential, at);
    return { run, step, inner: step.credential !== canonicalCredential(o.credential) };
  }

  #success(o: Of<'success'>, at: number): void {
    const { run, step, inner } = this.#outcomeStep(o, at);
    if (inner) return this.#note(run, step, at, 'info', o.message ?? `${o.credential} returned a token`);
    this.#settle(run, step, 'success', o.message ?? 'returned a token', at, false);
  }

  #failure(o: Of<'failure'>, at: number): void {
    const { run, step, inner } = this.#outcomeStep(o, at);
    if (!inner) return this.#settle(run, step, o.outcome ?? 'unavailable', o.message, at, o.outcome === undefined);
    this.#note(run, step, at, 'warn', `${o.credential}: ${o.message}`);
    for (const c of aadstsCodes(o.message)) step.errorCodes.add(c);
    if (o.outcome === 'failed') this.#settle(run, step, 'failed', o.message, at, false);
  }

  #winner(o: Of<'winner'>, at: number): void {
    let run = this.#ensureRun(at);
    const name = canonicalCredential(o.credential);
    const found = this.#find(run, name);
    if (run.winner || (found?.outcome && found.outcome !== 'success' && !found.provisional)) {
      this.#close(run);
      run = this.#ensureRun(at);
    }
    if (o.scope && !run.scope) run.scope = o.scope;
    const step = this.#stepFor(run, name, at);
    if (step.outcome !== 'success') this.#settle(run, step, 'success', 'returned a token', at, false);
    this.#place(run, step);
    run.winner = step.credential;
    this.#close(run);
  }

  #chainFailed(o: Of<'chain-failed'>, at: number): void {
    const run = this.#ensureRun(at);
    // The list below names every credential at once: it says nothing of which made the exchanges not yet placed.
    this.#place(run, null);
    const matched = new Set<StepBuilder>();
    for (const a of o.attempted ?? []) this.#attempted(run, a, at, matched);
    const lastFailed = o.lastFailed
      ? [...run.steps]
          .filter((s) => s.outcome === 'failed' || s.outcome === 'unavailable')
          .sort((a, b) => (a.endAt ?? 0) - (b.endAt ?? 0))
          .pop()
      : undefined;
    const failed = o.failed ?? lastFailed?.credential;
    if (failed) {
      const step = this.#stepFor(run, failed, at);
      // The chain's message may say more than the credential's own line did (Java's has only placeholders).
      const richer = !step.message || (aadstsCodes(o.message).length > 0 && aadstsCodes(step.message).length === 0);
      this.#settle(run, step, 'failed', richer ? o.message : step.message, step.endAt ?? at, false);
    }
    run.failure = { message: o.message };
    this.#close(run);
  }

  /** One entry of the list a failed chain gives of what it tried. */
  #attempted(
    run: RunBuilder,
    a: NonNullable<Of<'chain-failed'>['attempted']>[number],
    at: number,
    matched: Set<StepBuilder>,
  ): void {
    // The list is in chain order. An entry whose message names no credential belongs to the first step after the
    // last one matched that logged the same error, or that logged none but was tried (it holds an exchange): two
    // credentials can fail alike (workload and managed identity on one federated token) and only one says so itself.
    const head = a.message.split('\n')[0]!.slice(0, 60);
    const order = inChainOrder(run.steps);
    const from = Math.max(0, ...[...matched].map((m) => order.indexOf(m) + 1));
    const credential =
      a.credential ||
      order
        .slice(from)
        .find(
          (s) =>
            !matched.has(s) && (s.message.startsWith(head) || (!s.outcome && s.events.some((e) => e.kind === 'http'))),
        )?.credential;
    if (!credential) return;
    const step = this.#stepFor(run, credential, at);
    matched.add(step);
    // The chain's own list is what the app's error says: its message wins; the credential's earlier line stays as a note.
    if (step.message && step.message !== a.message) this.#note(run, step, step.endAt ?? at, 'info', step.message);
    if (!step.outcome || step.provisional)
      this.#settle(
        run,
        step,
        a.outcome ?? step.outcome ?? 'unavailable',
        a.message,
        step.endAt ?? at,
        a.outcome === undefined,
      );
    else step.message = a.message;
  }

  #httpRequest(o: Of<'http-request'>, at: number): void {
    const run = this.#ensureRun(at);
    if (run.requests.length >= MAX_RUN_EVENTS) return void run.notKept++;
    const step = this.#owner(run, o.url, at);
    run.requests.push({ at, method: o.method, url: o.url, attempt: o.attempt, step });
  }

  #httpResponse(o: Of<'http-response'>, at: number): void {
    const run = this.#ensureRun(at);
    const i = run.requests.findLastIndex((r) => (o.url ? r.url === o.url : true));
    const req = i >= 0 ? run.requests.splice(i, 1)[0] : undefined;
    const hint = req?.step ?? this.#owner(run, req?.url ?? o.url, at);
    if (run.unplaced.length >= MAX_RUN_EVENTS) return void run.notKept++;
    run.unplaced.push({
      hint,
      event: {
        kind: 'http',
        at: req?.at ?? at,
        step: hint?.credential ?? 'chain',
        method: req?.method ?? o.method ?? 'GET',
        url: req?.url ?? o.url ?? '(not logged)',
        status: o.status,
        error: o.error,
        durationMs: Math.max(0, Math.round(o.durationMs ?? at - (req?.at ?? at))),
        attempt: req?.attempt,
      },
    });
  }

  /** The exchanges that ended since the last outcome are `step`'s (null: each goes where it looked to belong). */
  #place(run: RunBuilder, step: StepBuilder | null): void {
    for (const { event, hint } of run.unplaced) {
      const to = step ?? hint;
      this.#push(run, to, { ...event, step: to?.credential ?? 'chain' });
    }
    run.unplaced = [];
  }

  /** Every run so far; the open one is closed as it stands (complete: false when the chain had not said how it ended). */
  finish(): ObservedRun[] {
    if (this.#run && !this.#run.closed) this.#close(this.#run);
    return this.#shown(this.#runs);
  }

  /**
   * The runs so far without closing anything, for a live view while the app still runs: the open run is closed and
   * assembled on a copy, so later lines still land in it; closed runs are shown as made when they closed.
   */
  peek(): ObservedRun[] {
    const open = this.#run && !this.#run.closed ? structuredClone(this.#run) : undefined;
    if (open) this.#close(open);
    return this.#shown(this.#runs.map((r) => (open && r === this.#run ? open : r)));
  }

  #shown(runs: RunBuilder[]): ObservedRun[] {
    const { sdk, release, label } = this.describe();
    return runs.filter((r) => r.steps.length > 0).map((r) => ({ label, sdk, release, ...(r.shown ?? this.#body(r)) }));
  }

  #ensureRun(at: number): RunBuilder {
    if (!this.#run || this.#run.closed) {
      this.#run = {
        steps: [],
        pending: [],
        requests: [],
        unplaced: [],
        active: null,
        kept: 0,
        notKept: 0,
        startAt: at,
        lastAt: at,
        scope: null,
        winner: null,
        failure: null,
        closed: false,
      };
      // The oldest run past the first ones makes room (closed: only the newest run is ever open).
      if (this.#runs.length >= RUNS_KEPT.all) {
        this.#runs.splice(RUNS_KEPT.first, 1);
        this.#notKept++;
      }
      this.#runs.push(this.#run);
    }
    this.#run.lastAt = Math.max(this.#run.lastAt, at);
    return this.#run;
  }

  #close(run: RunBuilder): void {
    this.#place(run, null);
    // Requests that never got a logged response still happened.
    for (const r of run.requests)
      this.#push(run, r.step, {
        kind: 'http',
        at: r.at,
        step: r.step?.credential ?? 'chain',
        method: r.method,
        url: r.url,
        durationMs: 0,
        error: 'no response logged',
      });
    run.requests = [];
    run.closed = true;
    // A run that closes without a step is never shown: it does not take a place among the runs kept.
    const index = run.steps.length ? -1 : this.#runs.indexOf(run);
    if (index >= 0) this.#runs.splice(index, 1);
    // Made now, while the program runs, rather than all at once when it has ended and its user waits for the trace.
    run.shown = this.#body(run);
  }

  #find(run: RunBuilder, credential: string): StepBuilder | undefined {
    const name = canonicalCredential(credential);
    return run.steps.find((s) => s.credential === name);
  }

  #stepFor(run: RunBuilder, credential: string, at: number): StepBuilder {
    const name = canonicalCredential(credential);
    const outer = INNER[name];
    if (outer) {
      const o = run.steps.find((s) => s.credential === outer && (!s.outcome || s.provisional));
      if (o) {
        this.#learned.set(name, outer);
        return o;
      }
      const learned = this.#learned.get(name);
      if (learned && !run.steps.some((s) => s.credential === learned)) return this.#stepFor(run, learned, at);
    }
    let step = run.steps.find((s) => s.credential === name);
    if (!step) {
      step = { credential: name, events: [], startAt: at, message: '', errorCodes: new Set() };
      run.steps.push(step);
      if (run.pending.length) {
        for (const e of run.pending) step.events.push({ ...e, step: name });
        run.pending = [];
      }
    }
    return step;
  }

  /** The step an exchange looks to belong to: managed identity's for its endpoint's path, else the current one. */
  #owner(run: RunBuilder, url: string | undefined, at: number): StepBuilder | null {
    return url?.includes('/metadata/identity/')
      ? this.#stepFor(run, 'ManagedIdentityCredential', at)
      : this.#current(run);
  }

  #current(run: RunBuilder): StepBuilder | null {
    if (run.active && !run.active.outcome) return run.active;
    // Else, as a chain tries one credential at a time in order, the first without an outcome. (Not the last:
    // @azure/identity names every credential as it builds them, so later ones wait there without an outcome.)
    return run.steps.find((s) => !s.outcome) ?? run.steps[run.steps.length - 1] ?? null;
  }

  #start(step: StepBuilder, detail: string | undefined, at: number): void {
    if (!step.events.some((e) => e.kind === 'step-start')) {
      step.startAt = Math.min(step.startAt, at);
      step.events.unshift(
        this.redactor.event({
          kind: 'step-start',
          at,
          step: step.credential,
          description: detail ?? 'observed in your app',
        }),
      );
    }
  }

  #settle(
    run: RunBuilder,
    step: StepBuilder,
    outcome: StepOutcome,
    message: string,
    at: number,
    provisional: boolean,
  ): void {
    this.#place(run, step);
    if (step.outcome && !step.provisional && provisional) return;
    step.outcome = outcome;
    step.provisional = provisional;
    step.message = message;
    step.endAt = at;
    for (const c of aadstsCodes(message)) step.errorCodes.add(c);
  }

  #note(run: RunBuilder, step: StepBuilder | null, at: number, level: TraceLevel, message: string): void {
    this.#push(run, step, { kind: 'note', at, step: step?.credential ?? 'chain', level, message });
  }

  #push(run: RunBuilder, step: StepBuilder | null, event: TraceEvent): void {
    if (event.kind === 'note' || event.kind === 'http')
      for (const c of aadstsCodes(JSON.stringify(event))) step?.errorCodes.add(c);
    if (run.kept >= MAX_RUN_EVENTS) return void run.notKept++;
    run.kept++;
    const clean = this.redactor.event(event);
    if (step) step.events.push(clean);
    else run.pending.push(clean);
  }

  #body(run: RunBuilder): RunBody {
    foldInner(run);
    const sorted = inChainOrder(run.steps);
    let winner = run.winner;
    if (!winner && !run.failure) winner = sorted.find((s) => s.outcome === 'success')?.credential ?? null;
    // Where the chain stopped: credentials before it without a line of their own were passed over (unavailable —
    // some SDKs log nothing for that); credentials after it were never tried.
    const ended = Boolean(winner || run.failure);
    const refused = ended ? undefined : refusedLast(sorted);
    const decider =
      winner ??
      sorted.find((s) => s.outcome === 'failed' && !s.provisional)?.credential ??
      refused?.step.credential ??
      null;
    const deciderIndex = decider ? sorted.findIndex((s) => s.credential === decider) : -1;
    const steps = sorted.map((s, i) =>
      this.#stepResult(s, !s.outcome && deciderIndex > i, decider, ended, refused?.step === s ? refused : undefined),
    );
    const errorCodes = [...new Set(steps.flatMap((s) => s.errorCodes))];
    const failure = run.failure ? this.redactor.text(run.failure.message) : null;
    return {
      scope: run.scope,
      winner,
      steps,
      error: failure ? { kind: errorCodes.length ? 'aadsts' : 'chain', message: failure, errorCodes } : null,
      errorCodes,
      startedAt: new Date(run.startAt).toISOString(),
      durationMs: Math.max(0, Math.round(run.lastAt - run.startAt)),
      complete: Boolean(run.winner || run.failure),
      ...(run.notKept ? { eventsNotKept: run.notKept } : {}),
    };
  }

  /** One step as the model shows it; `passedOver` when the chain went past it without a line from it. */
  #stepResult(
    s: StepBuilder,
    passedOver: boolean,
    decider: string | null,
    ended: boolean,
    refused?: Refusal,
  ): StepResult {
    const outcome: StepOutcome = s.outcome ?? (refused ? 'failed' : passedOver ? 'unavailable' : 'skipped');
    const message = this.redactor.text(
      s.outcome
        ? s.message
        : refused
          ? `failed, as its last request says (HTTP ${refused.status}${s.errorCodes.size ? `, AADSTS${[...s.errorCodes].join(', AADSTS')}` : ''}): the SDK logged no outcome after it`
          : passedOver
            ? `unavailable: the chain went on to ${decider} without a line from this credential`
            : ended
              ? 'not tried: the chain had ended before this credential'
              : 'no outcome logged',
    );
    const durationMs = Math.max(0, Math.round((s.endAt ?? s.startAt) - s.startAt));
    const errorCodes = [...s.errorCodes];
    const events = [
      ...s.events,
      this.redactor.event({
        kind: 'outcome',
        at: s.endAt ?? s.startAt,
        step: s.credential,
        outcome,
        message,
        durationMs,
        errorCodes,
      }),
    ];
    const result: StepResult = {
      credential: s.credential,
      outcome,
      message,
      durationMs,
      errorCodes: [...s.errorCodes],
      events,
    };
    if (outcome === 'failed' || outcome === 'unavailable') {
      result.error = {
        kind: s.errorCodes.size ? 'aadsts' : outcome === 'unavailable' ? 'credential-unavailable' : 'authentication',
        message,
        errorCodes: [...s.errorCodes],
      };
    }
    return result;
  }
}
