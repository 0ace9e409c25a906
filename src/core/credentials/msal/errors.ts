/**
 * Maps whatever an msal-node call threw to the engine's errors: AuthenticationFailedError with a classified ErrorInfo
 * (AADSTS codes, OAuth error, HTTP status, trace / correlation ids taken from the Entra body on the wire when there was one),
 * or CredentialUnavailableError where the SDKs say "unavailable". The message names the credential and, for the chosen
 * SDK profile, the troubleshooting link that SDK prints.
 */
import type { ChainProfile, ErrorInfo } from '../../model';
import { classifyError } from '../../errors/classify';
import {
  AuthenticationFailedError,
  type CredentialUnavailableError,
  isAuthenticationFailed,
  isCredentialUnavailable,
} from '../types';
import type { ObservedError } from './network';
import { pyEntraFailure } from '../py-wording';

interface MsalLikeError {
  name?: string;
  errorCode?: string;
  errorMessage?: string;
  subError?: string;
  correlationId?: string;
  errorNo?: string;
  status?: number;
  traceId?: string;
  timestamp?: string;
  message?: string;
  cause?: unknown;
}

const TROUBLESHOOT: Record<string, Partial<Record<ChainProfile, string>>> = {
  ClientSecretCredential: {
    go: 'https://aka.ms/azsdk/go/identity/troubleshoot#client-secret',
    js: 'https://aka.ms/azsdk/js/identity/serviceprincipalauthentication/troubleshoot',
  },
  ClientCertificateCredential: {
    go: 'https://aka.ms/azsdk/go/identity/troubleshoot#client-cert',
    js: 'https://aka.ms/azsdk/js/identity/serviceprincipalauthentication/troubleshoot',
  },
  EnvironmentCredential: {
    go: 'https://aka.ms/azsdk/go/identity/troubleshoot#env',
    js: 'https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot',
  },
  WorkloadIdentityCredential: {
    go: 'https://aka.ms/azsdk/go/identity/troubleshoot#workload',
    js: 'https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot',
  },
  ClientAssertionCredential: {
    go: 'https://aka.ms/azsdk/go/identity/troubleshoot#apc',
    js: 'https://aka.ms/azsdk/js/identity/troubleshoot',
  },
  UsernamePasswordCredential: {
    go: 'https://aka.ms/azsdk/go/identity/troubleshoot#username-password',
    js: 'https://aka.ms/azsdk/js/identity/usernamepasswordcredential/troubleshoot',
  },
};

export function troubleshootLink(credential: string, profile: ChainProfile): string | undefined {
  return TROUBLESHOOT[credential]?.[profile];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** First line of an Entra error_description, without the Trace ID / Correlation ID / Timestamp lines. */
export function firstLine(description: string): string {
  const line = description.split(/\r?\n/)[0] ?? description;
  return line.trim().slice(0, 600);
}

/** Builds ErrorInfo from an Entra error body as it was on the wire. */
export function errorInfoFromBody(observed: ObservedError): ErrorInfo {
  const b = observed.body;
  const codes = Array.isArray(b.error_codes)
    ? b.error_codes.filter((c): c is number => typeof c === 'number' && Number.isInteger(c))
    : [];
  const description = str(b.error_description) ?? str(b.message) ?? '';
  if (!codes.length) {
    for (const m of description.matchAll(/AADSTS(\d{4,8})/g)) codes.push(Number(m[1]));
  }
  const oauthError = str(b.error);
  const info: ErrorInfo = {
    kind: codes.length ? 'aadsts' : 'http',
    message: description ? firstLine(description) : `${oauthError ?? 'error'} (HTTP ${observed.status})`,
    errorCodes: [...new Set(codes)],
    httpStatus: observed.status,
  };
  if (oauthError) info.oauthError = oauthError;
  const traceId = str(b.trace_id);
  const correlationId = str(b.correlation_id);
  const timestamp = str(b.timestamp);
  if (traceId) info.traceId = traceId;
  if (correlationId) info.correlationId = correlationId;
  if (timestamp) info.timestamp = timestamp;
  return info;
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const m = e as MsalLikeError | undefined;
  return m?.name === 'AbortError' || m?.errorCode === 'device_code_polling_cancelled';
}

/** Walks `cause` links looking for one of our own typed errors (NonJsonResponseError, DisallowedHostError, HTTP client errors). */
function ownCause(e: unknown): (Error & { kind: string }) | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const k = (cur as { kind?: unknown }).kind;
    if (typeof k === 'string' && (cur as Error).message) return cur as Error & { kind: string };
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface MapContext {
  credential: string;
  profile: ChainProfile;
  /** The Entra error body the network adapter saw during this call (if any). */
  observed?: ObservedError;
  /** The engine error the network adapter threw during this call (msal-node may re-wrap it without a cause). */
  thrown?: Error & { kind: string };
  signal?: AbortSignal;
  /** Extra sentence appended to the message (e.g. the workload identity assertion's iss/sub/aud). */
  hint?: (info: ErrorInfo) => string | undefined;
}

/**
 * Converts an error thrown by msal-node (or by our network adapter inside it) into the engine's error classes.
 * Already-mapped engine errors pass through unchanged.
 */
export function mapMsalError(e: unknown, ctx: MapContext): AuthenticationFailedError | CredentialUnavailableError {
  if (isCredentialUnavailable(e)) return e;
  if (isAuthenticationFailed(e)) return e;
  const m = (e ?? {}) as MsalLikeError;
  let info: ErrorInfo;
  if (isAbort(e, ctx.signal)) {
    const reason = ctx.signal?.reason as { message?: string } | undefined;
    info = {
      kind: 'aborted',
      message: `${ctx.credential}: the operation was cancelled${reason?.message ? ` (${reason.message})` : ''}.`,
      errorCodes: [],
    };
    return new AuthenticationFailedError(info, { cause: e });
  }
  const own = ownCause(e) ?? ctx.thrown;
  if (ctx.observed && !own) {
    info = errorInfoFromBody(ctx.observed);
    if (!info.correlationId && str(m.correlationId)) info.correlationId = m.correlationId;
  } else if (own && own.kind !== 'credential-unavailable' && own.kind !== 'authentication-failed') {
    info = { ...classifyError(own), kind: own.kind, message: own.message };
  } else {
    info = classifyError(e);
    const code = str(m.errorCode);
    if (code && !info.oauthError && /^[a-z_]+$/.test(code)) info.oauthError = code;
    if (code === 'network_error' || /network_error|Network request failed/.test(m.message ?? '')) info.kind = 'network';
    if (code === 'device_code_expired' || code === 'user_timeout_reached') info.kind = 'timeout';
    if (str(m.correlationId) && !info.correlationId) info.correlationId = m.correlationId;
    if (typeof m.status === 'number' && info.httpStatus === undefined) info.httpStatus = m.status;
    info.message = describeMsalError(m) ?? info.message;
  }
  // Python prints Entra's answer its own way, the description's trace lines included (py-wording.ts).
  if (ctx.profile === 'python' && ctx.observed && !own)
    return new AuthenticationFailedError(
      { ...info, message: pyEntraFailure(ctx.credential, ctx.observed.body, ctx.observed.text) },
      { cause: e },
    );
  const sub = str(m.subError);
  const link = troubleshootLink(ctx.credential, ctx.profile);
  const hint = ctx.hint?.(info);
  // Go: "<Cred> authentication failed."; JS EnvironmentCredential: "EnvironmentCredential authentication failed."; other JS credentials prefix with "<Cred>:".
  const prefix =
    ctx.profile === 'go' || ctx.credential === 'EnvironmentCredential'
      ? `${ctx.credential} authentication failed.`
      : `${ctx.credential}: authentication failed.`;
  info = {
    ...info,
    message: [
      prefix,
      info.message,
      sub && sub !== info.oauthError ? `(suberror: ${sub})` : undefined,
      hint,
      link ? `To troubleshoot, visit ${link}` : undefined,
    ]
      .filter(Boolean)
      .join(' '),
  };
  return new AuthenticationFailedError(info, { cause: e });
}

/** A readable sentence for msal's client-side error codes (msal-common 16 messages are a code plus a link). */
export function describeMsalError(m: MsalLikeError): string | undefined {
  const code = str(m.errorCode);
  const detail = str(m.errorMessage);
  switch (code) {
    case 'network_error':
      return `Network error talking to the authority${detail ? `: ${detail}` : ''}.`;
    case 'device_code_expired':
      return 'The device code expired before anyone completed the sign-in.';
    case 'user_timeout_reached':
      return 'The time limit for the device code sign-in was reached.';
    case 'device_code_polling_cancelled':
      return 'The device code sign-in was cancelled.';
    case 'authority_uri_insecure':
      return 'The authority must use https.';
    case 'state_mismatch':
    case 'state_not_found':
      return 'The state returned to the redirect URI does not match the request (possible CSRF or a stale browser tab).';
    case 'invalid_response_mode':
      return 'The authorization response did not arrive as a form post.';
    case 'token_parsing_error':
      return `The authority's answer could not be parsed${detail ? `: ${detail}` : ''}.`;
    case 'invalid_client_credential':
      return 'The client credential (secret, certificate or assertion) is missing or empty.';
    case 'post_request_failed':
      return `The token request failed${detail ? `: ${detail}` : ''}.`;
    default:
      if (code && detail) return `${code}: ${firstLine(detail)}`;
      return detail ? firstLine(detail) : code;
  }
}
