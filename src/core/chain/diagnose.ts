/**
 * Diagnose mode's scheduling: every chain member runs at once, except that the steps which start a child process
 * (az, azd, pwsh) wait behind a gate, so that on a small machine their start-up does not slow down the in-process
 * step that decides the verdict. The settled steps are then read in chain order, as DefaultAzureCredential would.
 */
import type { ChainOutcome } from './outcome';
import type { StepRun } from './runner';

/** Credentials whose step starts a child process (az, azd, pwsh). */
const SPAWNS_PROCESS = new Set(['AzureCLICredential', 'AzureDeveloperCLICredential', 'AzurePowerShellCredential']);

/**
 * In diagnose mode, how long the in-process steps (environment, workload identity, managed identity: HTTP only) run
 * alone before the child-process steps start. Starting az, azd and pwsh at once on a small machine slows down the
 * in-process step that decides, so diagnose's verdict came after the SDK's; the child processes wait until the
 * verdict is known, every earlier step has settled, or this much time has passed with the earlier steps unresolved
 * (an IMDS probe that will time out), whichever comes first.
 */
export const DIAGNOSE_PROCESS_DELAY_MS = 50;

/** Opens once the chain's verdict is decided by the settled steps, every in-process step has settled, or after `delayMs`. */
function processGate(names: string[], settled: (StepRun | undefined)[], delayMs: number) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    open();
  };
  const timer = setTimeout(release, delayMs);
  const check = () => {
    if (done) return;
    // Decided: the first step in chain order that is not "unavailable" has settled (success or a stopping error).
    for (let i = 0; i < names.length; i++) {
      const r = settled[i];
      if (!r) break;
      if (r.result.outcome !== 'unavailable') return release();
    }
    if (names.every((n, i) => SPAWNS_PROCESS.has(n) || settled[i])) release();
  };
  check();
  return { opened, check, dispose: release };
}

/** Every member at once (child-process steps behind the gate), then read in chain order as the SDK would. */
export async function runDiagnose(
  names: string[],
  start: (name: string) => Promise<StepRun>,
  delayMs: number,
  startedAt: number,
  now: () => number,
): Promise<ChainOutcome> {
  const settledAt: number[] = [];
  const settled: (StepRun | undefined)[] = [];
  const gate = processGate(names, settled, delayMs);
  const all = await Promise.all(
    names.map((name, i) =>
      (SPAWNS_PROCESS.has(name) ? gate.opened.then(() => start(name)) : start(name)).then((r) => {
        settledAt[i] = now();
        settled[i] = r;
        gate.check();
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
