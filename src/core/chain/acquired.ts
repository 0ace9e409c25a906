/** A token a step acquired, as every run reports it (the chain's members and the single-credential flows alike). */
import type { StepResult } from '../model';
import type { StepTracer } from '../trace/tracer';
import type { AccessTokenResult } from '../credentials/types';
import { summarizeToken } from '../token/summary';

/**
 * The step's success: the token is registered with the step's trace as a secret (so no output of the run can carry
 * it) and summarised without it, and the outcome says who it is for, in which tenant, until when. `word` finishes the
 * message (the chain redacts it and says when the token came from the engine's cache).
 */
export function succeeded(
  trace: StepTracer,
  credential: string,
  scope: string,
  tok: AccessTokenResult,
  elapsedMs: () => number,
  word: (message: string) => string = (m) => m,
): StepResult {
  const raw = tok.token.reveal();
  trace.addSecret?.(raw);
  const summary = summarizeToken(raw, {
    credential,
    scope,
    fromCache: Boolean(tok.fromCache),
    expiresOnEpochMs: tok.expiresOnEpochMs,
    tokenType: tok.tokenType,
  });
  const durationMs = elapsedMs();
  const who = summary.upn ?? summary.appId ?? summary.objectId;
  const message = word(
    `acquired a token for ${scope}${who ? ` as ${who}` : ''}${summary.tenantId ? ` in tenant ${summary.tenantId}` : ''}, expires ${summary.expiresOn || 'at an unknown time'}`,
  );
  trace.outcome({ outcome: 'success', message, durationMs });
  return {
    credential,
    outcome: 'success',
    message,
    durationMs,
    errorCodes: [],
    events: [...trace.events],
    token: summary,
  };
}
