/**
 * The explicit-flow facade the faces call: one credential, one traced run, a result shaped like one chain step.
 * `acquireToken({ credential: 'ClientSecretCredential', scope, tenantId, clientId, clientSecret }, { signal, sink })`.
 * Chain credentials (EnvironmentCredential, ManagedIdentityCredential, AzureCLICredential, …) run standalone through the
 * registry. Never throws for authentication problems: the outcome is in `result`.
 */
import { raceAbort } from './abort';
import type { ChainProfile, ErrorInfo, StepResult } from './model';
import type { EngineOptions } from './options';
import type { TraceSink } from './trace/events';
import { type SecretValue } from './secret';
import { Tracer, type StepTracerImpl } from './trace/tracer';
import { createHttpClient } from './http/client';
import { createProcessRunner } from './process/runner';
import { classifyError } from './errors/classify';
import { succeeded } from './chain/acquired';
import { getCredentialFactory } from './credentials/registry';
import {
  isAuthenticationFailed,
  isCredentialUnavailable,
  type Credential,
  type StepContext,
} from './credentials/types';
import { ClientSecretCredential } from './credentials/client-secret';
import { ClientCertificateCredential } from './credentials/client-certificate';
import { ClientAssertionCredential } from './credentials/client-assertion';
import { DeviceCodeCredential, type DeviceCodeInfo } from './credentials/device-code';
import { InteractiveBrowserCredential } from './credentials/interactive-browser';
import { UsernamePasswordCredential } from './credentials/username-password';
import { OnBehalfOfCredential } from './credentials/on-behalf-of';
import { RefreshTokenCredential } from './credentials/refresh-token';
import { EnvironmentCredential } from './credentials/environment';
import { WorkloadIdentityCredential } from './credentials/workload-identity';
import type { MsalTokenResult } from './credentials/msal/base';
import { discoverTenant } from './discovery';
import { attachPredictions, fingerprintForRun } from './fingerprint/report';
import { targetNote } from './target/process';

export const DEFAULT_FLOW_SCOPE = 'https://management.azure.com/.default';
/** Time the user gets for a device code or browser sign-in unless the request says otherwise. */
export const DEFAULT_INTERACTIVE_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_FLOW_TIMEOUT_MS = 30_000;

import {
  CHAIN_CREDENTIALS,
  EXPLICIT_FLOWS,
  isExplicitFlow,
  resolveCredentialName,
  type ExplicitFlowName,
} from './credentials/names';

export { CHAIN_CREDENTIALS, EXPLICIT_FLOWS, isExplicitFlow, resolveCredentialName, type ExplicitFlowName };

export interface FlowRequest {
  /** An explicit flow name or a chain credential name (see resolveCredentialName for accepted spellings). */
  credential: string;
  scope?: string;
  /** Explicit flows: the app's tenant (service principals fall back to AZURE_TENANT_ID). Chain credentials: the requested tenant. */
  tenantId?: string;
  /** Service principals fall back to AZURE_CLIENT_ID; user flows to the Azure CLI's public client id. */
  clientId?: string;
  clientSecret?: SecretValue;
  certificatePath?: string;
  certificatePassword?: SecretValue;
  sendCertificateChain?: boolean;
  assertion?: SecretValue;
  /** Called for each assertion instead of `assertion` (e.g. re-read a file). */
  getAssertion?: () => Promise<string>;
  username?: string;
  password?: SecretValue;
  refreshToken?: SecretValue;
  userAssertion?: SecretValue;
  onDeviceCode?: (info: DeviceCodeInfo) => void;
  openBrowser?: (url: string) => Promise<void>;
  loginHint?: string;
  claims?: string;
  forceRefresh?: boolean;
  additionallyAllowedTenants?: string[];
  /** SDK semantics for wording and certificate handling (default go). */
  profile?: ChainProfile;
  /** Overall time limit of this run (default 30 s; 15 min for device code and browser sign-in). */
  timeoutMs?: number;
  /**
   * Explicit flows: fetch the tenant's openid-configuration first (traced, in this step) and give msal-node its
   * endpoints instead of the standard `/oauth2/v2.0/*` templates (authorities with non-standard paths, e.g. ADFS).
   */
  discoverAuthority?: boolean;
}

export interface FlowRun {
  result: StepResult;
  /** The access token (only the faces reveal it, and only when the user asks). */
  accessToken?: SecretValue;
  idTokenClaims?: Record<string, unknown>;
  account?: MsalTokenResult['account'];
}

export interface FlowRunOptions {
  signal?: AbortSignal;
  sink?: TraceSink;
  env?: Readonly<Record<string, string | undefined>>;
  options?: EngineOptions;
  now?: () => number;
}

/** Thrown by createFlowCredential for requests that cannot be run (unknown credential name). */
export class FlowUsageError extends Error {
  readonly kind = 'usage' as const;
}

/** What every explicit flow's credential is built from besides the request. */
interface FlowBuild {
  /** Service principals' tenant and client id: the request's, else AZURE_TENANT_ID / AZURE_CLIENT_ID. */
  spTenant: string;
  spClient: string;
  common: { additionallyAllowedTenants?: string[]; authorityMetadata?: string };
}

/** How each credential the facade builds itself is made from a request; the other chain credentials come from the registry. */
const FLOW_CREDENTIALS: Partial<
  Record<NonNullable<ReturnType<typeof resolveCredentialName>>, (r: FlowRequest, b: FlowBuild) => Credential>
> = {
  ClientSecretCredential: (r, { common, spTenant, spClient }) =>
    new ClientSecretCredential({ ...common, tenantId: spTenant, clientId: spClient, clientSecret: r.clientSecret }),
  ClientCertificateCredential: (r, { common, spTenant, spClient }) =>
    new ClientCertificateCredential({
      ...common,
      tenantId: spTenant,
      clientId: spClient,
      certificatePath: r.certificatePath,
      certificatePassword: r.certificatePassword,
      sendCertificateChain: r.sendCertificateChain,
    }),
  ClientAssertionCredential: (r, { common, spTenant, spClient }) =>
    new ClientAssertionCredential({
      ...common,
      tenantId: spTenant,
      clientId: spClient,
      assertion: r.assertion,
      getAssertion: r.getAssertion,
    }),
  DeviceCodeCredential: (r, { common }) =>
    new DeviceCodeCredential({ ...common, tenantId: r.tenantId, clientId: r.clientId, onDeviceCode: r.onDeviceCode }),
  InteractiveBrowserCredential: (r, { common }) =>
    new InteractiveBrowserCredential({
      ...common,
      tenantId: r.tenantId,
      clientId: r.clientId,
      openBrowser: r.openBrowser,
      loginHint: r.loginHint,
    }),
  UsernamePasswordCredential: (r, { common, spTenant, spClient }) =>
    new UsernamePasswordCredential({
      ...common,
      tenantId: spTenant,
      clientId: spClient,
      username: r.username ?? '',
      password: r.password,
    }),
  OnBehalfOfCredential: (r, { common, spTenant, spClient }) =>
    new OnBehalfOfCredential({
      ...common,
      tenantId: spTenant,
      clientId: spClient,
      clientSecret: r.clientSecret,
      certificatePath: r.certificatePath,
      certificatePassword: r.certificatePassword,
      sendCertificateChain: r.sendCertificateChain,
      userAssertion: r.userAssertion,
    }),
  RefreshTokenCredential: (r, { common }) =>
    new RefreshTokenCredential({
      ...common,
      tenantId: r.tenantId,
      clientId: r.clientId,
      refreshToken: r.refreshToken,
      clientSecret: r.clientSecret,
    }),
  EnvironmentCredential: () => new EnvironmentCredential(),
  WorkloadIdentityCredential: (r) =>
    new WorkloadIdentityCredential({
      tenantId: r.tenantId,
      clientId: r.clientId,
      additionallyAllowedTenants: r.additionallyAllowedTenants,
    }),
};

/** Builds the credential a request names (exported for tests and for faces that keep a credential between runs). */
export function createFlowCredential(
  request: FlowRequest,
  env: Readonly<Record<string, string | undefined>>,
  extra: { authorityMetadata?: string } = {},
): Credential {
  const name = resolveCredentialName(request.credential);
  if (!name)
    throw new FlowUsageError(
      `unknown credential "${request.credential}". Known: ${[...EXPLICIT_FLOWS, ...CHAIN_CREDENTIALS].join(', ')}`,
    );
  const build = FLOW_CREDENTIALS[name];
  if (build)
    return build(request, {
      spTenant: request.tenantId ?? env.AZURE_TENANT_ID ?? '',
      spClient: request.clientId ?? env.AZURE_CLIENT_ID ?? '',
      common: {
        additionallyAllowedTenants: request.additionallyAllowedTenants,
        authorityMetadata: extra.authorityMetadata,
      },
    });
  const factory = getCredentialFactory(name);
  if (!factory) throw new FlowUsageError(`${name} is not available in this build.`);
  return factory();
}

function secretsOf(r: FlowRequest): (string | undefined)[] {
  return [r.clientSecret, r.certificatePassword, r.assertion, r.password, r.refreshToken, r.userAssertion].map((s) =>
    s?.reveal(),
  );
}

/** The run's time limit and cancellation: the user's signal and the limit both abort `signal`; `why` says which. */
interface FlowDeadline {
  signal: AbortSignal;
  limit: number;
  why: () => 'timeout' | 'aborted';
  dispose: () => void;
}

function flowDeadline(limit: number, parent: AbortSignal | undefined): FlowDeadline {
  const controller = new AbortController();
  let why: 'timeout' | 'aborted' = 'aborted';
  const timer = setTimeout(() => {
    why = 'timeout';
    controller.abort(new Error(`time limit of ${limit} ms reached`));
  }, limit);
  const onParent = () => controller.abort(parent?.reason ?? new Error('cancelled'));
  if (parent?.aborted) onParent();
  parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    limit,
    why: () => why,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** Runs one credential (explicit flow or chain member, standalone semantics). Never throws for authentication errors. */
export async function acquireToken(request: FlowRequest, run: FlowRunOptions = {}): Promise<FlowRun> {
  const env = run.env ?? process.env;
  const options = run.options ?? {};
  const now = run.now ?? Date.now;
  const profile = request.profile ?? 'go';
  const tracer = new Tracer({ sink: run.sink, env, now });
  for (const s of secretsOf(request)) tracer.redactor.addSecret(s);
  const resolved = resolveCredentialName(request.credential);
  const stepName = resolved ?? request.credential;
  const trace = tracer.forStep(stepName);
  const t0 = now();
  const scope = request.scope?.trim() || DEFAULT_FLOW_SCOPE;
  const explicit = resolved !== undefined && isExplicitFlow(resolved);
  trace.start(
    `${stepName} for ${scope}${request.tenantId ? `, tenant ${request.tenantId}` : ''}${explicit ? '' : ' (standalone)'}`,
  );
  if (options.target) trace.note('info', targetNote(options.target), { ...options.target });
  const interactive = resolved === 'DeviceCodeCredential' || resolved === 'InteractiveBrowserCredential';
  const deadline = flowDeadline(
    request.timeoutMs ??
      (interactive ? DEFAULT_INTERACTIVE_TIMEOUT_MS : (options.stepTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS)),
    run.signal,
  );
  // Made before the run so that a step can act on it (managed identity stops retrying ENETUNREACH when no endpoint exists).
  const fp = !explicit && resolved ? fingerprintForRun(env, profile, options) : null;
  const prediction = resolved ? fp?.predictions[resolved] : undefined;
  const ctx: StepContext = {
    env,
    signal: deadline.signal,
    trace,
    http: createHttpClient({ trace, ca: options.ca, proxy: options.proxy, env, bodies: options.httpBodies, now }),
    proc: createProcessRunner({ trace, env, now }),
    // The run's own limit (request.timeoutMs wins over the options'): budgets inside the credential (managed identity
    // retries, CI OIDC requests) must end before it, or a time-limit error hides the real failure.
    options: { ...options, stepTimeoutMs: deadline.limit },
    inChain: false,
    profile,
    now,
    ...(prediction ? { prediction } : {}),
  };
  const predicted = { env, profile, inChain: false, options };
  try {
    noteConfiguration(request, ctx, stepName, resolved, explicit);
    const authorityMetadata =
      request.discoverAuthority && explicit ? await discoveredMetadata(request, ctx, options) : undefined;
    const credential = createFlowCredential(request, env, { authorityMetadata });
    const tokenRequest = {
      scopes: [scope],
      tenantId: explicit ? undefined : request.tenantId,
      claims: request.claims,
      forceRefresh: request.forceRefresh,
    };
    const tok = (await raceAbort(
      credential.getToken(tokenRequest, ctx),
      deadline.signal,
      abortError,
    )) as MsalTokenResult;
    const out: FlowRun = {
      result: succeeded(trace, stepName, scope, tok, () => now() - t0),
      accessToken: tok.token,
    };
    if (tok.idTokenClaims) out.idTokenClaims = tok.idTokenClaims;
    if (tok.account) out.account = tok.account;
    if (!explicit) attachPredictions([out.result], fp, predicted);
    return out;
  } catch (e) {
    const aborted = deadline.signal.aborted ? deadline.why() : undefined;
    const result = finishError(stepName, trace, now() - t0, e, aborted, deadline.limit);
    if (!explicit && resolved) attachPredictions([result], fp, predicted);
    return { result };
  } finally {
    deadline.dispose();
  }
}

/** Service principals whose tenant falls back to AZURE_TENANT_ID. */
const SP_FLOWS: readonly string[] = [
  'ClientSecretCredential',
  'ClientCertificateCredential',
  'ClientAssertionCredential',
  'UsernamePasswordCredential',
  'OnBehalfOfCredential',
];

/** Notes where the run's configuration comes from (the environment, AZURE_TENANT_ID, a regional authority). */
function noteConfiguration(
  request: FlowRequest,
  { trace, env }: StepContext,
  stepName: string,
  resolved: string | undefined,
  explicit: boolean,
): void {
  if (!explicit && (request.tenantId || request.clientId) && resolved !== 'WorkloadIdentityCredential') {
    trace.note(
      'info',
      `${stepName} reads its configuration from the environment; --tenant asks for a token in that tenant (multi-tenant rules apply).`,
    );
  }
  if (explicit && !request.tenantId && env.AZURE_TENANT_ID && SP_FLOWS.includes(resolved!)) {
    trace.note('info', `tenant taken from AZURE_TENANT_ID (${env.AZURE_TENANT_ID}).`);
  }
  if (env.AZURE_REGIONAL_AUTHORITY_NAME && explicit) {
    trace.note(
      'info',
      `AZURE_REGIONAL_AUTHORITY_NAME=${env.AZURE_REGIONAL_AUTHORITY_NAME} is set: the SDKs would use a regional endpoint (ESTS-R) for service principals; this run uses the global endpoint.`,
    );
  }
}

/** The tenant's discovered endpoints as msal metadata (traced in this step), or undefined when they are not usable. */
async function discoveredMetadata(
  request: FlowRequest,
  ctx: StepContext,
  options: EngineOptions,
): Promise<string | undefined> {
  const { env, trace, signal } = ctx;
  const tenant = request.tenantId ?? env.AZURE_TENANT_ID ?? 'organizations';
  const d = await raceAbort(
    discoverTenant({ tenantId: tenant, profile: ctx.profile }, { http: ctx.http, trace, env, signal, engine: options }),
    signal,
    abortError,
  );
  if (d.authorityMetadata) {
    trace.note('info', `using the discovered endpoints (token endpoint ${d.tokenEndpoint}).`);
    return d.authorityMetadata;
  }
  trace.note('warn', 'the discovered document is not usable as msal metadata; using the standard endpoints.');
  return undefined;
}

function finishError(
  name: string,
  trace: StepTracerImpl,
  durationMs: number,
  e: unknown,
  aborted: 'timeout' | 'aborted' | undefined,
  limit: number,
): StepResult {
  let outcome: 'unavailable' | 'failed';
  let error: ErrorInfo;
  if (aborted === 'timeout') {
    outcome = 'failed';
    error = {
      kind: 'timeout',
      message: `${name} did not finish within the time limit of ${limit} ms; the engine stopped waiting.`,
      errorCodes: [],
    };
  } else if (aborted === 'aborted') {
    outcome = 'failed';
    error = { kind: 'aborted', message: `${name} was cancelled.`, errorCodes: [] };
  } else if (e instanceof FlowUsageError) {
    outcome = 'failed';
    error = { kind: 'usage', message: e.message, errorCodes: [] };
  } else if (isCredentialUnavailable(e)) {
    outcome = 'unavailable';
    error = { ...classifyError(e), kind: 'credential-unavailable', message: (e as Error).message };
  } else if (isAuthenticationFailed(e)) {
    outcome = 'failed';
    error = { ...e.info };
  } else {
    outcome = 'failed';
    error = classifyError(e);
    if (!error.message) error.message = String(e);
  }
  trace.outcome({ outcome, message: error.message, durationMs, errorCodes: error.errorCodes });
  // The outcome event went through the redactor: report its message, not the raw one.
  const last = trace.events.at(-1);
  const message = last?.kind === 'outcome' ? last.message : error.message;
  return {
    credential: name,
    outcome,
    message,
    durationMs,
    errorCodes: error.errorCodes,
    events: [...trace.events],
    error: { ...error, message },
  };
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}
