/**
 * The chain runner. `sequential` reproduces DefaultAzureCredential: unavailable → next step; success → stop;
 * any other error → the chain stops with that error. `diagnose` runs every member concurrently, each with its own
 * time limit, reports them in chain order, and names the credential DefaultAzureCredential would pick and why each
 * earlier one did not win.
 */
import { raceAbort } from '../abort';
import type { ChainMode, ChainProfile, CredentialName, ErrorInfo, StepResult } from '../model';
import { SecretValue } from '../secret';
import type { EngineOptions } from '../options';
import type { TraceSink } from '../trace/events';
import { Tracer } from '../trace/tracer';
import { createHttpClient } from '../http/client';
import { createProcessRunner } from '../process/runner';
import {
  isAuthenticationFailed,
  isCredentialUnavailable,
  type AccessTokenResult,
  type StepContext,
  type TokenRequest,
} from '../credentials/types';
import { getCredentialFactory } from '../credentials/registry';
import { placeholderCredential } from './placeholders';
import { fatalConstructionError } from '../credentials/js-construction';
import { checkRequired, sdkLabel, selectCredentials } from './profiles';
import { chainError, type ChainOutcome } from './outcome';
import { DIAGNOSE_PROCESS_DELAY_MS, DIAGNOSE_PROCESS_MAX_DELAY_MS, answerWatch, runDiagnose } from './diagnose';
import { fanOut } from '../trace/sinks';
import { newestRelease, resolveProfile, type ResolvedRelease } from '../sdk/releases';
import { cacheKey, externalStateKey, identityKey, type TokenCache } from '../cache';
import { succeeded } from './acquired';
import { classifyError } from '../errors/classify';
import { DEFAULT_SCOPE, type ChainRequest, type ChainRun, type CredentialRequest } from './types';
import { attachPredictions, fingerprintForRun, hostingSummary } from '../fingerprint/report';
import { targetNote } from '../target/process';
import { deferredFingerprint, type DeferredFingerprint, type RunFingerprint } from './hosting';

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

export interface RunOptions {
  signal?: AbortSignal;
  sink?: TraceSink;
  env?: Readonly<Record<string, string | undefined>>;
  options?: EngineOptions;
}

export interface StepRun {
  result: StepResult;
  token?: AccessTokenResult;
}

interface StepArgs {
  name: string;
  request: TokenRequest;
  env: Readonly<Record<string, string | undefined>>;
  options: EngineOptions;
  profile: ChainProfile;
  release: ResolvedRelease;
  mode?: ChainMode;
  inChain: boolean;
  imdsProbe: boolean;
  /** The fingerprint's prediction for this credential (e.g. no managed-identity endpoint exists here), read when the
   * credential asks for it. */
  prediction?: () => { verdict: string; reason: string } | undefined;
  signal?: AbortSignal;
  tracer: Tracer;
  stepTimeoutMs: number;
  cache: TokenCache;
  now: () => number;
}

class StepAbort extends Error {
  constructor(readonly why: 'timeout' | 'aborted') {
    super(why);
  }
}

/** Runs one credential with its own time limit, cache and in-flight sharing; never throws. */
export async function runStep(a: StepArgs): Promise<StepRun> {
  const trace = a.tracer.forStep(a.name);
  const t0 = a.now();
  const scope = a.request.scopes.join(' ');
  trace.start(
    `${a.name}${a.inChain ? ` (${a.profile} chain, ${a.mode ?? 'sequential'})` : ''} for ${scope}${a.request.tenantId ? `, tenant ${a.request.tenantId}` : ''}`,
  );
  const identity = identityKey(a.env, a.options);
  const key = cacheKey(a.name, a.request.tenantId, a.request.scopes, identity, externalStateKey(a.name, a.env));
  if (!a.request.forceRefresh) {
    const hit = a.cache.get(key);
    if (hit) {
      trace.addSecret(hit.token.reveal());
      trace.note(
        'info',
        `served from the engine cache (same credential, tenant, scope and configuration; expires ${new Date(hit.expiresOnEpochMs).toISOString()})`,
      );
      return finishSuccess(a, trace, t0, { ...hit, fromCache: true });
    }
  }
  const shareKey = `${key}|${a.release.label}|${a.mode ?? ''}|${a.inChain}|${a.imdsProbe}`;
  const { promise, joined } = a.cache.share(shareKey, () => execute(a, trace, t0, key));
  if (!joined) return promise;
  trace.note('info', 'an identical request was already in flight: sharing its result instead of calling again');
  const shared = await promise;
  return { ...shared, result: { ...shared.result, events: [...trace.events, ...shared.result.events] } };
}

async function execute(a: StepArgs, trace: ReturnType<Tracer['forStep']>, t0: number, key: string): Promise<StepRun> {
  const controller = new AbortController();
  let why: 'timeout' | 'aborted' = 'aborted';
  const timer = setTimeout(() => {
    why = 'timeout';
    controller.abort(new Error(`step time limit of ${a.stepTimeoutMs} ms reached`));
  }, a.stepTimeoutMs);
  const onParent = () => controller.abort(a.signal?.reason);
  if (a.signal?.aborted) onParent();
  a.signal?.addEventListener('abort', onParent, { once: true });
  const ctx: StepContext = {
    env: a.env,
    signal: controller.signal,
    trace,
    // One step's requests share their connections (closed when the step ends), as the SDK's pipeline does.
    http: createHttpClient({
      keepAlive: true,
      trace,
      ca: a.options.ca,
      proxy: a.options.proxy,
      env: a.env,
      bodies: a.options.httpBodies,
      now: a.now,
    }),
    // Diagnose runs tools beside the in-process steps: at a lower priority, so a tool's start-up cannot delay the verdict.
    proc: createProcessRunner({ trace, env: a.env, now: a.now, lowPriority: a.inChain && a.mode === 'diagnose' }),
    // The step's own limit (a request's stepTimeoutMs wins over the options'): budgets inside the step (managed
    // identity retries, CI OIDC requests) must end before it, or a time-limit error hides the real failure.
    options: { ...a.options, stepTimeoutMs: a.stepTimeoutMs },
    inChain: a.inChain,
    profile: a.profile,
    release: a.release,
    now: a.now,
    mode: a.mode,
    imdsProbe: a.imdsProbe,
  };
  // Read on demand: the chain reads its fingerprint off the verdict path (hosting.ts).
  if (a.prediction) Object.defineProperty(ctx, 'prediction', { get: a.prediction, enumerable: true });
  try {
    const factory = getCredentialFactory(a.name);
    const cred = factory ? factory() : placeholderCredential(a.name as CredentialName);
    const tok = await raceAbort(
      Promise.resolve().then(() => cred.getToken(a.request, ctx)),
      controller.signal,
      () => new StepAbort(why),
    );
    if (!tok || !(tok.token instanceof SecretValue) || !Number.isFinite(tok.expiresOnEpochMs)) {
      throw Object.assign(new Error(`${a.name} returned no usable token (internal error)`), { name: 'InternalError' });
    }
    a.cache.set(key, tok);
    return finishSuccess(a, trace, t0, { ...tok, fromCache: false });
  } catch (e) {
    return finishError(a, trace, t0, e);
  } finally {
    clearTimeout(timer);
    a.signal?.removeEventListener('abort', onParent);
    ctx.http.close?.();
  }
}

function finishSuccess(a: StepArgs, trace: ReturnType<Tracer['forStep']>, t0: number, tok: AccessTokenResult): StepRun {
  const cached = tok.fromCache ? ' (from the engine cache)' : '';
  const result = succeeded(
    trace,
    a.name,
    a.request.scopes.join(' '),
    tok,
    () => a.now() - t0,
    (m) => a.tracer.redactor.text(`${m}${cached}`),
  );
  return { result, token: tok };
}

function finishError(a: StepArgs, trace: ReturnType<Tracer['forStep']>, t0: number, e: unknown): StepRun {
  const durationMs = a.now() - t0;
  let outcome: 'unavailable' | 'failed';
  let error: ErrorInfo;
  if (e instanceof StepAbort) {
    outcome = 'failed';
    error =
      e.why === 'timeout'
        ? {
            kind: 'timeout',
            message: `${a.name} did not finish within the step time limit of ${a.stepTimeoutMs} ms; the engine stopped waiting (an SDK might wait longer, or forever)`,
            errorCodes: [],
          }
        : { kind: 'aborted', message: `${a.name} was cancelled`, errorCodes: [] };
  } else if (isCredentialUnavailable(e)) {
    outcome = 'unavailable';
    const c = classifyError(e);
    error = { ...c, kind: 'credential-unavailable', message: (e as Error).message };
    if (e.sdkErrorName) error.sdkErrorName = e.sdkErrorName;
    if (e.errorCodes?.length) error.errorCodes = [...new Set([...error.errorCodes, ...e.errorCodes])];
  } else if (isAuthenticationFailed(e)) {
    outcome = 'failed';
    error = { ...(e as { info: ErrorInfo }).info };
  } else {
    outcome = 'failed';
    error = classifyError(e);
    if (!error.message) error.message = String(e);
  }
  // Messages come from exceptions (stderr, response bodies): they go through the run's redactor like every event.
  error = a.tracer.redactor.value(error) as ErrorInfo;
  const message = error.message;
  trace.outcome({ outcome, message, durationMs, errorCodes: error.errorCodes });
  const result: StepResult = {
    credential: a.name,
    outcome,
    message,
    durationMs,
    errorCodes: error.errorCodes,
    events: [...trace.events],
    error,
  };
  if (isCredentialUnavailable(e) && e.placeholder) result.placeholder = true;
  return { result };
}

/** A release the engine does not model: say so (naming the nearest) instead of guessing another release's rules. */
function unmodelledRelease(
  request: ChainRequest,
  message: string,
  mode: ChainMode,
  scope: string,
  chainTrace: ReturnType<Tracer['forStep']>,
  startedAt: number,
  now: () => number,
): ChainRun {
  const guess = String(request.profile ?? '')
    .split('@')[0]
    .trim()
    .toLowerCase();
  const profile: ChainProfile = guess === 'js' || guess === 'python' || guess === 'dotnet' ? guess : 'go';
  const error: ErrorInfo = { kind: 'config', message, errorCodes: [] };
  chainTrace.start(`DefaultAzureCredential, ${mode} mode, scope ${scope}`);
  chainTrace.outcome({ outcome: 'failed', message, durationMs: now() - startedAt });
  return {
    mode,
    profile,
    scope,
    selection: { source: 'default', credentials: [], reason: `no chain: ${message}` },
    startedAt: new Date(startedAt).toISOString(),
    winner: null,
    steps: [],
    token: null,
    error,
    durationMs: now() - startedAt,
  };
}

/** DefaultAzureCredential's own order: unavailable → next; success → stop; any other error → stop with it. */
async function runSequential(names: string[], stepArgs: (name: string) => StepArgs): Promise<ChainOutcome> {
  const runs: StepRun[] = [];
  let winner: string | null = null;
  let stopper: StepRun | undefined;
  for (const name of names) {
    const r = await runStep(stepArgs(name));
    runs.push(r);
    if (r.result.outcome === 'success') {
      winner = name;
      break;
    }
    if (r.result.outcome === 'failed') {
      stopper = r;
      r.result.note =
        r.result.error?.kind === 'aborted'
          ? 'the run was cancelled here'
          : `DefaultAzureCredential stops here: this is an error, not "unavailable", so the credentials after it are never tried`;
      break;
    }
    r.result.note = r.result.placeholder
      ? 'the SDK could not construct this credential: DefaultAzureCredential skips it and never names it in its error'
      : 'unavailable: DefaultAzureCredential moves on to the next credential';
  }
  for (const name of names.slice(runs.length)) {
    const note = winner
      ? `not tried: ${winner} already returned a token`
      : `not tried: the chain stopped at ${stopper?.result.credential}'s error`;
    runs.push({
      result: { credential: name, outcome: 'skipped', message: note, durationMs: 0, errorCodes: [], events: [], note },
    });
  }
  if (winner)
    runs.find((r) => r.result.credential === winner)!.result.note = 'DefaultAzureCredential returns this token';
  return { runs, winner, stopper };
}

/** The arguments each member of a chain runs with: one token request, one tracer, one cache, one time limit. */
function chainStepArgs(
  request: ChainRequest,
  run: RunOptions,
  c: Pick<StepArgs, 'env' | 'options' | 'profile' | 'release' | 'mode' | 'imdsProbe' | 'tracer' | 'cache' | 'now'> & {
    hosting: DeferredFingerprint;
  },
): (name: string) => StepArgs {
  const stepTimeoutMs = request.stepTimeoutMs ?? c.options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const tokenRequest: TokenRequest = {
    scopes: [request.scope ?? DEFAULT_SCOPE],
    tenantId: request.tenantId,
    claims: request.claims,
    forceRefresh: request.forceRefresh,
  };
  const { hosting, ...shared } = c;
  return (name) => ({
    ...shared,
    name,
    request: tokenRequest,
    inChain: true,
    prediction: () => hosting.prediction(name),
    signal: run.signal,
    stepTimeoutMs,
  });
}

/** Runs the chain per the request; never throws (errors are in the result). */
export async function runChainWith(
  cache: TokenCache,
  request: ChainRequest,
  run: RunOptions,
  now: () => number = Date.now,
): Promise<ChainRun> {
  const startedAt = now();
  const resolved = resolveProfile(request.profile ?? 'go');
  const mode = request.mode ?? 'sequential';
  const scope = request.scope ?? DEFAULT_SCOPE;
  const env = run.env ?? process.env;
  const options = run.options ?? {};
  // Diagnose reads its own trace as it is written: which steps' endpoints have answered (its scheduling needs it).
  const watch = mode === 'diagnose' ? answerWatch() : undefined;
  const tracer = new Tracer({ sink: watch ? fanOut(run.sink, watch.sink) : run.sink, env, now });
  const chainTrace = tracer.forStep('chain');
  if (!resolved.ok) return unmodelledRelease(request, resolved.message, mode, scope, chainTrace, startedAt, now);
  const release = resolved.release;
  const profile = release.sdk;
  chainTrace.start(`DefaultAzureCredential (${sdkLabel(release)}), ${mode} mode, scope ${scope}`);
  if (release.note) chainTrace.note('info', release.note);
  if (options.target) chainTrace.note('info', targetNote(options.target), { ...options.target });
  const sel = selectCredentials(release, env, request.credentials);
  chainTrace.note('info', `selection: ${sel.selection.reason}`, {
    credentials: sel.selection.credentials,
    source: sel.selection.source,
  });
  const base = {
    mode,
    profile,
    release: release.label,
    scope,
    selection: sel.selection,
    startedAt: new Date(startedAt).toISOString(),
  };
  const ctorError =
    checkRequired(release, env, request.required ?? []) ??
    sel.error ??
    fatalConstructionError(release, env, options, sel.selection.credentials);
  // The hosting fingerprint is read once the members wait; its per-credential predictions are settled after them.
  const hosting = deferredFingerprint(env, profile, options, chainTrace, mode === 'diagnose' ? 'on-read' : 'idle');
  if (ctorError) {
    hosting.read();
    chainTrace.outcome({ outcome: 'failed', message: ctorError.message, durationMs: now() - startedAt });
    return { ...base, winner: null, steps: [], token: null, error: ctorError, durationMs: now() - startedAt };
  }
  const stepArgs = chainStepArgs(request, run, {
    env,
    options,
    profile,
    release,
    mode,
    imdsProbe: sel.imdsProbe,
    hosting,
    tracer,
    cache,
    now,
  });
  const names = sel.selection.credentials;
  const outcome =
    mode === 'sequential'
      ? await runSequential(names, stepArgs)
      : await runDiagnose(
          names,
          (name) => runStep(stepArgs(name)),
          {
            graceMs: options.diagnoseProcessDelayMs ?? DIAGNOSE_PROCESS_DELAY_MS,
            maxMs: DIAGNOSE_PROCESS_MAX_DELAY_MS,
            answered: watch!.answered,
            onVerdict: () => void hosting.read(),
          },
          startedAt,
          now,
        );
  return finishChain({ ...base, names, outcome, fp: hosting.read(), env, options, chainTrace, startedAt, now });
}

/** Settles predictions, the chain's error and its trace outcome, and builds the result. */
function finishChain(c: {
  mode: ChainMode;
  profile: ChainProfile;
  release: string;
  scope: string;
  selection: ChainRun['selection'];
  startedAt: number;
  names: string[];
  outcome: ChainOutcome;
  fp: RunFingerprint;
  env: Readonly<Record<string, string | undefined>>;
  options: EngineOptions;
  chainTrace: ReturnType<Tracer['forStep']>;
  now: () => number;
}): ChainRun {
  const { mode, profile, fp, outcome } = c;
  const { runs, winner } = outcome;
  attachPredictions(
    runs.map((r) => r.result),
    fp,
    { env: c.env, profile, mode, options: c.options },
  );
  const winRun = winner ? runs.find((r) => r.result.credential === winner) : undefined;
  const error = winRun ? null : chainError(profile, c.names, outcome);
  const durationMs = c.now() - c.startedAt;
  c.chainTrace.outcome(
    winRun
      ? {
          outcome: 'success',
          message: `${mode === 'diagnose' ? 'DefaultAzureCredential would authenticate' : 'DefaultAzureCredential authenticated'} with ${winner}`,
          durationMs,
        }
      : { outcome: 'failed', message: error?.message ?? 'failed', durationMs, errorCodes: error?.errorCodes },
  );
  const result: ChainRun = {
    mode,
    profile,
    release: c.release,
    scope: c.scope,
    selection: c.selection,
    startedAt: new Date(c.startedAt).toISOString(),
    winner,
    steps: runs.map((r) => r.result),
    token: winRun?.result.token ?? null,
    error,
    durationMs,
    verdictMs: mode === 'diagnose' ? (outcome.verdictAt ?? c.startedAt) - c.startedAt : durationMs,
  };
  if (fp) result.hosting = hostingSummary(fp.fingerprint);
  if (winRun?.token)
    Object.defineProperty(result, 'accessToken', { value: winRun.token.token, enumerable: false, writable: false });
  return result;
}

/** Runs one credential outside the chain (standalone semantics: no IMDS probe, dev-tool errors are errors). */
export async function runCredentialWith(
  cache: TokenCache,
  name: string,
  request: CredentialRequest,
  run: RunOptions,
  now: () => number = Date.now,
): Promise<StepRun & { accessToken?: SecretValue }> {
  const env = run.env ?? process.env;
  const options = run.options ?? {};
  const tracer = new Tracer({ sink: run.sink, env, now });
  const fp = fingerprintForRun(env, request.profile ?? 'go', options);
  const prediction = fp?.predictions[name];
  const r = await runStep({
    name,
    request: {
      scopes: [request.scope ?? DEFAULT_SCOPE],
      tenantId: request.tenantId,
      claims: request.claims,
      forceRefresh: request.forceRefresh,
    },
    env,
    options,
    profile: request.profile ?? 'go',
    release: newestRelease(request.profile ?? 'go'),
    inChain: false,
    imdsProbe: false,
    ...(prediction ? { prediction: () => prediction } : {}),
    signal: run.signal,
    tracer,
    stepTimeoutMs: request.stepTimeoutMs ?? options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    cache,
    now,
  });
  // An explicit run gets its prediction too.
  attachPredictions([r.result], fp, { env, profile: request.profile ?? 'go', inChain: false, options });
  return { ...r, accessToken: r.token?.token };
}
