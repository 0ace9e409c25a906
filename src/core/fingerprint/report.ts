/** The fingerprint as a trace note (head of every trace) and as a Markdown section (exported reports). */
import type { TraceLevel } from '../trace/events';
import type { EngineOptions } from '../options';
import type { ChainMode, ChainProfile, HostingSummary, StepResult } from '../model';
import { fingerprint } from './detect';
import { predictCredentials, predictOne, settlePrediction } from './predict';
import type { Fingerprint, Predictions } from './types';

export interface FingerprintNote {
  level: TraceLevel;
  message: string;
  data: Record<string, unknown>;
}

/** The fingerprint as it travels with a ChainResult (`hosting`). */
export function hostingSummary(fp: Fingerprint): HostingSummary {
  return {
    primary: fp.primary,
    summary: fp.summary,
    environments: fp.environments.map((f) => ({
      environment: f.environment,
      label: f.label,
      confidence: f.confidence,
      evidence: f.evidence.map((e) => ({ ...e })),
    })),
    managedIdentitySource: fp.managedIdentity.source,
  };
}

/** The note event the chain emits on step 'chain' (once its members have started: src/core/chain/hosting.ts). */
export function fingerprintNote(fp: Fingerprint, predictions?: Predictions): FingerprintNote {
  const data: Record<string, unknown> = {
    fingerprint: {
      primary: fp.primary,
      summary: fp.summary,
      platform: fp.platform,
      environments: fp.environments,
      managedIdentitySource: fp.managedIdentity,
      federatedToken: {
        state: fp.federatedToken.state,
        path: fp.federatedToken.path,
        claims: fp.federatedToken.claims,
        expired: fp.federatedToken.expired,
      },
      tools: { az: fp.tools.az, azd: fp.tools.azd, pwsh: fp.tools.pwsh, azLogin: fp.tools.azLogin },
      durationMs: fp.durationMs,
    },
  };
  if (predictions) data.predictions = predictions;
  return {
    level: 'info',
    message: `Hosting environment: ${fp.summary} (read in ${fp.durationMs.toFixed(1)} ms)`,
    data,
  };
}

/**
 * What a chain run needs, computed once per run: the fingerprint, the predictions for the profile, and the note for
 * the head of the trace. Fast (local files only), never throws.
 */
export function fingerprintForRun(
  env: Readonly<Record<string, string | undefined>>,
  profile: ChainProfile,
  options: Pick<EngineOptions, 'executables' | 'imdsProbeTimeoutMs' | 'imdsEndpoint' | 'target'> = {},
  root = options.target?.root,
): { fingerprint: Fingerprint; predictions: Predictions; note: FingerprintNote } | null {
  try {
    const fp = fingerprint({ env, executables: options.executables, root });
    const predictions = predictCredentials(fp, env, profile, {
      imdsProbeTimeoutMs: options.imdsProbeTimeoutMs,
      imdsEndpoint: options.imdsEndpoint,
    });
    return { fingerprint: fp, predictions, note: fingerprintNote(fp) };
  } catch {
    return null;
  }
}

/**
 * Attaches each step's prediction and settles it against the observed outcome. Steps a sequential run never tried
 * (outcome 'skipped' after a winner or a stopping error) keep the prediction without a verdict on agreement.
 * Credentials outside the profile's chain (explicit runs, CI credentials) get predictOne().
 */
export function attachPredictions(
  steps: StepResult[],
  run: { fingerprint: Fingerprint; predictions: Predictions } | null,
  ctx: {
    env: Readonly<Record<string, string | undefined>>;
    profile: ChainProfile;
    mode?: ChainMode;
    inChain?: boolean;
    options?: Pick<EngineOptions, 'imdsProbeTimeoutMs' | 'imdsEndpoint'>;
  },
): void {
  if (!run) return;
  for (const s of steps) {
    try {
      const p =
        (ctx.inChain !== false ? run.predictions[s.credential] : undefined) ??
        predictOne(s.credential, run.fingerprint, ctx.env, ctx.profile, {
          imdsProbeTimeoutMs: ctx.options?.imdsProbeTimeoutMs,
          imdsEndpoint: ctx.options?.imdsEndpoint,
        });
      const notTried = s.outcome === 'skipped' && ctx.mode !== 'diagnose' && /^not tried/.test(s.message);
      s.prediction = notTried
        ? { verdict: p.verdict, reason: p.reason }
        : settlePrediction(p, s.outcome, { credential: s.credential, message: s.message });
    } catch {
      // A prediction is advice: it never breaks a run.
    }
  }
}
