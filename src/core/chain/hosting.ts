/**
 * The chain's hosting fingerprint, read off the verdict path. The fingerprint (a few dozen local file probes, then a
 * prediction per credential) does not decide anything DefaultAzureCredential decides, so the members start first.
 * A sequential run reads it once they are all waiting (`idle`: for the network, a child process or a timer), which a
 * run spends most of its time doing, since its verdict is its end; diagnose reads it once the verdict is decided
 * (`on-read`, called by the chain then): its members wait for TLS handshakes and answers that need this thread too.
 * A member that needs its prediction sooner reads it at once, and so does the end of a run that never waited; its
 * note joins the chain's trace when it is read.
 */
import type { EngineOptions } from '../options';
import type { ChainProfile } from '../model';
import type { StepTracer } from '../trace/tracer';
import { fingerprintForRun } from '../fingerprint/report';

export type RunFingerprint = ReturnType<typeof fingerprintForRun>;

export interface DeferredFingerprint {
  /** The fingerprint, read now if it has not been yet (null when it could not be read). */
  read(): RunFingerprint;
  /** One credential's prediction (reads the fingerprint if needed). */
  prediction(name: string): { verdict: string; reason: string } | undefined;
}

export function deferredFingerprint(
  env: Readonly<Record<string, string | undefined>>,
  profile: ChainProfile,
  options: EngineOptions,
  chainTrace: StepTracer,
  when: 'idle' | 'on-read',
): DeferredFingerprint {
  let fp: RunFingerprint | undefined;
  const read = (): RunFingerprint => {
    if (fp === undefined) {
      if (idle) clearImmediate(idle);
      fp = fingerprintForRun(env, profile, options);
      if (fp) chainTrace.note(fp.note.level, fp.note.message, fp.note.data);
    }
    return fp;
  };
  // A check-phase callback runs once the members' synchronous work and promise callbacks are done and the event
  // loop has polled for I/O once: the requests they started are on the wire.
  const idle = when === 'idle' ? setImmediate(read) : undefined;
  return { read, prediction: (name) => read()?.predictions[name] };
}
