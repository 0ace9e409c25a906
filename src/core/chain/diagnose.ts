/**
 * Diagnose mode's scheduling: every chain member runs at once, except that the steps which start a child process
 * (az, azd, pwsh) wait behind a gate, so that on a small machine their start-up does not slow down the in-process
 * step that decides the verdict. The settled steps are then read in chain order, as DefaultAzureCredential would.
 */
import type { TraceSink } from '../trace/events';
import type { ChainOutcome } from './outcome';
import type { StepRun } from './runner';

/** Credentials whose step starts a child process (az, azd, pwsh). */
const SPAWNS_PROCESS = new Set(['AzureCLICredential', 'AzureDeveloperCLICredential', 'AzurePowerShellCredential']);

/**
 * Diagnose mode's grace for a managed-identity step that has had no answer yet: its IMDS probe may be waiting for
 * its 1 s time limit (a developer machine), so az, azd and pwsh start after this long rather than after the probe.
 * Any other in-process step that is still running (a configured environment or workload identity asking the
 * authority) will decide the verdict itself — success or a stopping error — so the child processes wait for it
 * (up to DIAGNOSE_PROCESS_MAX_DELAY_MS): started beside it they only slow it down (on two cores, diagnose's verdict
 * came ×1.7 after the SDK's with a wrong environment secret when they started at 50 ms). A managed identity whose
 * endpoint has answered is deciding too, and is waited for in the same way.
 */
export const DIAGNOSE_PROCESS_DELAY_MS = 50;

/**
 * The longest az, azd and pwsh wait for a deciding in-process step: a tenth of the IMDS probe's 1 s time limit, the
 * slowest step on a developer machine, so that the full report still ends within 10 % of its slowest step; and an
 * authority that never answers does not hold the rest of the report for the step's whole time limit.
 */
export const DIAGNOSE_PROCESS_MAX_DELAY_MS = 100;

/**
 * Which steps wait behind the gate: the child-process steps and every step after the first of them in chain order
 * (in JS, VisualStudioCodeCredential and BrokerCredential come after az): they cannot decide before az does, and
 * their work, however small, competes with the step that decides.
 */
function held(names: string[], i: number): boolean {
  const first = names.findIndex((n) => SPAWNS_PROCESS.has(n));
  return first >= 0 && i >= first;
}

/** The one in-process step whose wait can be a time limit rather than work: the managed-identity probe. */
const MAY_WAIT_FOR_A_TIME_LIMIT = 'ManagedIdentityCredential';

/** Steps whose endpoint has answered over HTTP (read from the trace as it is written): they are deciding, not waiting. */
export function answerWatch(): { sink: TraceSink; answered: ReadonlySet<string> } {
  const answered = new Set<string>();
  return {
    answered,
    sink: {
      emit(e) {
        if (e.kind === 'http' && e.status !== undefined) answered.add(e.step);
      },
    },
  };
}

interface GateTimes {
  graceMs: number;
  maxMs: number;
  answered: ReadonlySet<string>;
  /** Called once, as soon as the settled steps decide the verdict (the chain's after-verdict work starts then). */
  onVerdict?: () => void;
}

/** The verdict is known: the first step in chain order that is not "unavailable" has settled, or every step has. */
function decided(names: string[], settled: (StepRun | undefined)[]): boolean {
  for (let i = 0; i < names.length; i++) {
    const r = settled[i];
    if (!r) return false;
    if (r.result.outcome !== 'unavailable') return true;
  }
  return true;
}

/**
 * Opens once the verdict is decided by the settled steps, every in-process step has settled, the grace has passed
 * with only an unanswered managed-identity step still running, or at the latest after `maxMs`.
 */
function processGate(names: string[], settled: (StepRun | undefined)[], t: GateTimes) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let done = false;
  let graceOver = false;
  const release = () => {
    if (done) return;
    done = true;
    clearTimeout(grace);
    clearTimeout(cap);
    open();
  };
  const check = () => {
    if (done) return;
    if (decided(names, settled)) return release();
    const waiting = (n: string) => graceOver && n === MAY_WAIT_FOR_A_TIME_LIMIT && !t.answered.has(n);
    if (names.every((n, i) => held(names, i) || settled[i] || waiting(n))) release();
  };
  const grace = setTimeout(() => {
    graceOver = true;
    check();
  }, t.graceMs);
  const cap = setTimeout(release, Math.max(t.maxMs, t.graceMs));
  check();
  return { opened, check, dispose: release };
}

/** Every member at once (the child-process steps and those after them behind the gate), read in chain order as the SDK would. */
export async function runDiagnose(
  names: string[],
  start: (name: string) => Promise<StepRun>,
  times: GateTimes,
  startedAt: number,
  now: () => number,
): Promise<ChainOutcome> {
  const settledAt: number[] = [];
  const settled: (StepRun | undefined)[] = [];
  const gate = processGate(names, settled, times);
  let verdict = false;
  const all = await Promise.all(
    names.map((name, i) =>
      (held(names, i) ? gate.opened.then(() => start(name)) : start(name)).then((r) => {
        settledAt[i] = now();
        settled[i] = r;
        gate.check();
        if (!verdict && decided(names, settled)) {
          verdict = true;
          times.onVerdict?.();
        }
        return r;
      }),
    ),
  );
  gate.dispose();
  return readDiagnose(all, settledAt, startedAt, now);
}

/** Notes each diagnose step with what DefaultAzureCredential would have done with it, in chain order. */
function readDiagnose(all: StepRun[], settledAt: number[], startedAt: number, now: () => number): ChainOutcome {
  const runs: StepRun[] = [];
  let winner: string | null = null;
  let stopper: StepRun | undefined;
  let verdictAt = startedAt;
  let decided = false;
  for (const [i, r] of all.entries()) {
    runs.push(r);
    // The verdict is known once every step up to the deciding one has settled (later ones only add detail).
    if (!decided) verdictAt = Math.max(verdictAt, settledAt[i] ?? now());
    const s = r.result;
    if (decided) {
      s.note = winner
        ? `DefaultAzureCredential would not try this: ${winner} succeeds first`
        : `DefaultAzureCredential would not reach this: ${stopper?.result.credential} fails first and stops the chain`;
    } else if (s.outcome === 'success') {
      winner = s.credential;
      decided = true;
      s.note = 'DefaultAzureCredential would pick this credential';
    } else if (s.outcome === 'unavailable') {
      s.note = s.placeholder
        ? 'did not win: the SDK could not construct it, so DefaultAzureCredential would skip it without naming it'
        : 'did not win: unavailable, so DefaultAzureCredential would move on to the next credential';
    } else {
      stopper = r;
      decided = true;
      s.note = `did not win: it fails with an error, and DefaultAzureCredential would stop here and report it`;
    }
  }
  return { runs, winner, stopper, verdictAt };
}
