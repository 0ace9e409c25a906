/**
 * The contract every credential implements. A credential never prints or stores a secret: it emits trace
 * events through ctx.trace (redacted before any sink) and returns the token inside a SecretValue.
 */
import type { CredentialName, ErrorInfo, ChainProfile } from '../model';
import type { SecretValue } from '../secret';
import type { HttpClient } from '../http/types';
import type { ProcessRunner } from '../process/types';
import type { StepTracer } from '../trace/tracer';
import type { EngineOptions } from '../options';
import type { ResolvedRelease } from '../sdk/releases';

export interface TokenRequest {
  /** Usually one scope, e.g. https://management.azure.com/.default */
  scopes: string[];
  tenantId?: string;
  claims?: string;
  forceRefresh?: boolean;
}

export interface AccessTokenResult {
  token: SecretValue;
  expiresOnEpochMs: number;
  tokenType: string;
  refreshOnEpochMs?: number;
  /** Set when the engine's cache answered without a network call. */
  fromCache?: boolean;
  /** Server Date header seen on the token response (for clock-skew checks). */
  serverDate?: string;
}

export interface StepContext {
  /** The environment the step sees (process.env by default; tests and the extension pass their own). */
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  trace: StepTracer;
  http: HttpClient;
  proc: ProcessRunner;
  options: EngineOptions;
  /** True when running inside DefaultAzureCredential semantics (IMDS probe, dev tools → unavailable, …). */
  inChain: boolean;
  profile: ChainProfile;
  /** The SDK release whose rules apply (retry policy, token exchange, regional authority…); newest when absent. */
  release?: ResolvedRelease;
  now: () => number;
  /** The chain's run mode when inChain (diagnose mode may report a slow-to-appear condition at once, saying so). */
  mode?: 'sequential' | 'diagnose';
  /**
   * Whether ManagedIdentityCredential sends the DefaultAzureCredential IMDS probe (1 s, no Metadata header).
   * Default: inChain. False for JS when AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential.
   */
  imdsProbe?: boolean;
  /** The hosting fingerprint's prediction for this credential, when one was made before the step ran. */
  prediction?: { verdict: string; reason: string };
}

export interface Credential {
  readonly name: CredentialName;
  getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult>;
}

/** The chain continues past this error (the SDKs' CredentialUnavailableError). */
export class CredentialUnavailableError extends Error {
  readonly kind = 'credential-unavailable' as const;
  /**
   * The SDK could not even construct this credential inside DefaultAzureCredential and put a placeholder in its place
   * (JS: UnavailableDefaultCredential): the chain moves on and its combined error never names it. See js-construction.ts.
   */
  readonly placeholder: boolean;
  /** The error class the SDK reports in its combined error when it is not CredentialUnavailableError (JS: AuthenticationRequiredError). */
  readonly sdkErrorName?: string;
  /** AADSTS codes behind the failure when the SDK's wording hides them (JS: az's "Please run 'az login'" after an AADSTS error). */
  readonly errorCodes?: number[];
  constructor(
    message: string,
    options?: { cause?: unknown; placeholder?: boolean; sdkErrorName?: string; errorCodes?: number[] },
  ) {
    super(message, options);
    this.name = 'CredentialUnavailableError';
    this.placeholder = options?.placeholder ?? false;
    this.sdkErrorName = options?.sdkErrorName;
    this.errorCodes = options?.errorCodes;
  }
}

/** The chain stops at this error in sequential mode (the SDKs' AuthenticationFailedError / AuthenticationError). */
export class AuthenticationFailedError extends Error {
  readonly kind = 'authentication-failed' as const;
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = 'AuthenticationFailedError';
    this.info = info;
  }
}

export function isCredentialUnavailable(e: unknown): e is CredentialUnavailableError {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'credential-unavailable';
}

export function isAuthenticationFailed(e: unknown): e is AuthenticationFailedError {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'authentication-failed';
}
