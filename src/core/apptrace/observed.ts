/**
 * An observed run (what the app's SDK logged) in the engine's ChainResult shape, so every face shows it with the same
 * tree, waterfall and export as a simulated run — labelled by its `observed` source, never mistaken for one.
 */
import type { ChainProfile, ChainResult, ObservedSource } from '../model';
import type { ObservedRun, SdkId } from './types';

/**
 * The engine profile whose credential names the steps use. The readers name every credential in the engine's
 * canonical spelling; Java has no profile of its own, and Go's spelling is the canonical one.
 */
const PROFILE: Record<SdkId, ChainProfile> = { js: 'js', python: 'python', go: 'go', dotnet: 'dotnet', java: 'go' };

export function observedChainResult(
  run: ObservedRun,
  source: { via: ObservedSource['via']; app?: string; notUnderstood?: number },
): ChainResult {
  const observed: ObservedSource = {
    label: run.label,
    sdk: run.sdk,
    release: run.release,
    via: source.via,
    complete: run.complete,
    notUnderstood: source.notUnderstood ?? 0,
  };
  if (source.app !== undefined) observed.app = source.app;
  return {
    mode: 'sequential',
    profile: PROFILE[run.sdk],
    ...(run.release ? { release: `${run.sdk}@${run.release}` } : {}),
    scope: run.scope ?? '',
    selection: {
      source: 'observed',
      credentials: run.steps.map((s) => s.credential),
      reason: `the credentials your app's SDK logged (${run.label})`,
    },
    winner: run.winner,
    steps: run.steps,
    token: null,
    error: run.error,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    observed,
  };
}
