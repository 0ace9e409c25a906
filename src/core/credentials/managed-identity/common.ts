/**
 * Shared pieces of the managed-identity sources: which identity was asked for, how a response becomes a token,
 * and how a failure becomes "unavailable" or "failed" the way each SDK decides it.
 */
import { jsLegacyImdsError, jsLegacyMi, jsMiNetworkError } from './js-wording';
import { SecretValue } from '../../secret';
import type { ErrorInfo } from '../../model';
import type { HttpResponse, RetryPolicy } from '../../http/types';
import { isHttpRequestError } from '../../http/client';
import { classifyRequestFailure, FAILURE_LABEL } from '../../http/failure';
import {
  AuthenticationFailedError,
  CredentialUnavailableError,
  type AccessTokenResult,
  type StepContext,
} from '../types';

export type MiSource = 'ServiceFabric' | 'AppService' | 'MachineLearning' | 'CloudShell' | 'AzureArc' | 'Imds';

export interface UserAssigned {
  kind: 'clientId' | 'objectId' | 'resourceId';
  value: string;
  /** Where it came from (option or AZURE_CLIENT_ID). */
  from: string;
}

/** The identity requested: options first; inside the chain AZURE_CLIENT_ID doubles as the user-assigned client id. */
export function requestedIdentity(ctx: StepContext): UserAssigned | undefined | { conflict: string } {
  const o = ctx.options;
  const given: UserAssigned[] = [];
  if (o.managedIdentityClientId)
    given.push({ kind: 'clientId', value: o.managedIdentityClientId, from: 'option managedIdentityClientId' });
  if (o.managedIdentityObjectId)
    given.push({ kind: 'objectId', value: o.managedIdentityObjectId, from: 'option managedIdentityObjectId' });
  if (o.managedIdentityResourceId)
    given.push({ kind: 'resourceId', value: o.managedIdentityResourceId, from: 'option managedIdentityResourceId' });
  if (given.length > 1)
    return {
      conflict: `only one of client id, object id and resource id may identify a user-assigned identity (got ${given.map((g) => g.kind).join(', ')})`,
    };
  if (given[0]) return given[0];
  if (ctx.inChain && ctx.env.AZURE_CLIENT_ID)
    return {
      kind: 'clientId',
      value: ctx.env.AZURE_CLIENT_ID,
      from: 'AZURE_CLIENT_ID (DefaultAzureCredential uses it as the user-assigned identity)',
    };
  return undefined;
}

export function describeIdentity(id: UserAssigned | undefined): string {
  return id ? `user-assigned identity (${id.kind} ${id.value})` : 'system-assigned identity';
}

/** The resource for a scope: `/.default` removed; managed identity takes exactly one scope. */
export function scopeToMiResource(scopes: string[]): string {
  if (scopes.length !== 1)
    throw new CredentialUnavailableError(
      `ManagedIdentityCredential: Multiple scopes are not supported. Scopes: ${JSON.stringify(scopes)}`,
    );
  return scopes[0]!.replace(/\/\.default$/, '');
}

/** How serious a failure is, per SDK. */
export type Severity =
  /** Every SDK continues the chain. */
  | 'unavailable'
  /** Go, Python and .NET stop the chain; JS turns every managed-identity failure into "unavailable". */
  | 'failed'
  /** Only Go stops the chain (a user-assigned identity that is not assigned: IMDS 400). */
  | 'go-failed';

export function miError(ctx: StepContext, severity: Severity, message: string, info: Partial<ErrorInfo> = {}): Error {
  const hard = severity === 'failed' ? ctx.profile !== 'js' : severity === 'go-failed' ? ctx.profile === 'go' : false;
  if (!hard) {
    const jsPrefix =
      ctx.profile === 'js' && severity !== 'unavailable'
        ? 'ManagedIdentityCredential: Authentication failed. Message '
        : '';
    return new CredentialUnavailableError(`${jsPrefix}${message}`);
  }
  return new AuthenticationFailedError({
    kind: info.kind ?? (info.errorCodes?.length ? 'aadsts' : 'http'),
    message,
    errorCodes: info.errorCodes ?? [],
    ...info,
  });
}

/**
 * A request to a managed-identity endpoint that got no usable HTTP answer, labelled by what really happened
 * (timed out, connection refused, network unreachable, response too large, malformed HTTP…) instead of one
 * "network unreachable" for everything. Unavailable, as in every SDK; a cancellation is passed through.
 */
export function miNetworkError(ctx: StepContext, endpoint: string, e: unknown): Error {
  if (isHttpRequestError(e) && e.kind === 'aborted') return e;
  const failure = isHttpRequestError(e) ? classifyRequestFailure(e) : 'network';
  const attempts = isHttpRequestError(e) && e.attempts > 1 ? ` after ${e.attempts} attempts` : '';
  const detail = (e as Error)?.message ?? String(e);
  const label = FAILURE_LABEL[failure];
  const text = detail.toLowerCase().startsWith(label.toLowerCase()) ? detail : `${label}: ${detail}`;
  if (ctx.profile === 'js') {
    // @azure/identity (msal-node) says "network_error" for all of these; what happened goes to the trace and to
    // error.networkFailure.
    ctx.trace.note('info', `no usable answer from the ${endpoint} endpoint${attempts} (${text})`);
    return Object.assign(new CredentialUnavailableError(jsMiNetworkError(ctx)), { networkFailure: failure });
  }
  const err = miError(
    ctx,
    'unavailable',
    `ManagedIdentityCredential: no usable answer from the ${endpoint} endpoint${attempts} (${text})`,
    {
      kind: failure === 'timeout' ? 'timeout' : 'network',
    },
  );
  return Object.assign(err, { networkFailure: failure });
}

/**
 * What @azure/identity (4.10+, managed identity through msal-node) says for a non-200 answer: a JSON error body
 * becomes msal's ServerError text wrapped by ManagedIdentityCredential ("Authentication failed. Message …"); a body
 * that is not JSON (HTML, truncated, IMDS 410's text) fails msal's parsing, which it reports as a network error.
 */
export function jsMiFailureMessage(ctx: StepContext, r: HttpResponse): string {
  const j = r.json as Record<string, unknown> | undefined;
  if (!j || typeof j !== 'object') return jsMiNetworkError(ctx);
  const e = j.error;
  const code =
    typeof e === 'string'
      ? e
      : e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string'
        ? (e as { code: string }).code
        : 'unknown';
  const desc =
    typeof j.error_description === 'string'
      ? j.error_description
      : e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string'
        ? (e as { message: string }).message
        : typeof j.message === 'string'
          ? j.message
          : '';
  const codes = Array.isArray(j.error_codes) && j.error_codes.length ? j.error_codes.join(', ') : 'Not Available';
  const na = (v: unknown) => (typeof v === 'string' && v ? v : 'Not Available');
  return `ManagedIdentityCredential: Authentication failed. Message ${code}: Error(s): ${codes} - Timestamp: ${na(j.timestamp)} - Description: ${desc} - Correlation ID: ${na(j.correlation_id)} - Trace ID: ${na(j.trace_id)}`;
}

/** Error fields as IMDS and the other sources send them (error may be a string or {code, message}). */
export function errorText(r: HttpResponse): { text: string; codes: number[]; oauthError?: string } {
  const j = r.json as Record<string, unknown> | undefined;
  let text = '';
  let oauthError: string | undefined;
  if (j && typeof j === 'object') {
    const e = j.error;
    if (typeof e === 'string') oauthError = e;
    else if (e && typeof e === 'object') {
      const eo = e as { code?: unknown; message?: unknown };
      if (typeof eo.code === 'string') oauthError = eo.code;
      if (typeof eo.message === 'string') text = eo.message;
    }
    if (typeof j.error_description === 'string') text = j.error_description;
    else if (typeof j.message === 'string' && !text) text = j.message;
    else if (typeof j.Message === 'string' && !text) text = j.Message;
  } else {
    text = r.bodyText.trim().slice(0, 300);
    if (/^\s*<(!doctype|html)/i.test(r.bodyText))
      text = `an HTML page instead of JSON (${text.replace(/\s+/g, ' ').slice(0, 120)})`;
  }
  const codes = [...new Set([...`${text} ${r.bodyText}`.matchAll(/AADSTS(\d{5,7})/g)].map((m) => Number(m[1])))];
  if (j && Array.isArray(j.error_codes))
    for (const c of j.error_codes) if (typeof c === 'number' && !codes.includes(c)) codes.push(c);
  return { text: `${oauthError ? `${oauthError}: ` : ''}${text || `HTTP ${r.status}`}`, codes, oauthError };
}

type ErrorFields = ReturnType<typeof errorText>;

/**
 * The JS SDK turns every answer that is not a token into "unavailable" in its own words; the trace keeps what the
 * endpoint (`label`: IMDS, AppService, …) said and after how many attempts.
 */
export function jsAnswerUnavailable(ctx: StepContext, label: string, r: HttpResponse, text: string): Error {
  ctx.trace.note(
    'info',
    `${label} answered HTTP ${r.status}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}: ${text}`,
  );
  return new CredentialUnavailableError(jsMiFailureMessage(ctx, r));
}

/** A 400 for a user-assigned identity: it is not assigned to this resource (a hard failure in Go only). */
export function notAssignedError(ctx: StepContext, label: string, id: UserAssigned, e: ErrorFields): Error {
  return miError(
    ctx,
    'go-failed',
    `the requested identity isn't assigned to this resource: ${label} answered 400 for the ${describeIdentity(id)} from ${id.from} (${e.text})`,
    { httpStatus: 400, errorCodes: e.codes, oauthError: e.oauthError },
  );
}

/**
 * Expiry as @azure/identity reads it: numeric expires_on (seconds) → ms; numeric string → ms; a date string
 * (App Service 2017 "MM/DD/YYYY HH:MM:SS +00:00", ISO) → Date.parse; else expires_in seconds from now.
 */
export function parseMiExpiry(body: Record<string, unknown>, now: number): number | undefined {
  const on = body.expires_on;
  if (typeof on === 'number' && Number.isFinite(on) && on > 0) return on * 1000;
  if (typeof on === 'string' && on.trim()) {
    if (/^\d+(\.\d+)?$/.test(on.trim())) return Number(on.trim()) * 1000;
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([+-]\d{2}):?(\d{2})$/.exec(on.trim());
    if (m) {
      const [, mo, d, y, h, mi, s, oh, om] = m;
      const sign = oh!.startsWith('-') ? -1 : 1;
      const offsetMin = sign * (Math.abs(Number(oh)) * 60 + Number(om));
      return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
    }
    const t = Date.parse(on);
    if (!Number.isNaN(t)) return t;
  }
  const inn = body.expires_in;
  const n = typeof inn === 'number' ? inn : typeof inn === 'string' && /^\d+$/.test(inn.trim()) ? Number(inn) : NaN;
  if (Number.isFinite(n) && n > 0) return now + n * 1000;
  return undefined;
}

/** Turns a 200 response into a token, or a precise error (non-JSON body, no access_token, bad expiry). */
export function tokenFromResponse(ctx: StepContext, r: HttpResponse, source: MiSource): AccessTokenResult {
  const j = r.json;
  if (!j || typeof j !== 'object' || Array.isArray(j)) {
    const html = /^\s*<(!doctype|html)/i.test(r.bodyText);
    if (jsLegacyMi(ctx)) throw jsLegacyImdsError(ctx, r);
    if (ctx.profile === 'js') {
      // msal-node fails to parse the body and reports a network error (@azure/identity 4.4.1+).
      ctx.trace.note(
        'info',
        `${source} answered ${r.status} with ${html ? 'an HTML page' : 'a body that is not JSON'} (${JSON.stringify(r.bodyText.slice(0, 100))}): something other than the managed-identity endpoint answered (a proxy?)`,
      );
      throw new CredentialUnavailableError(jsMiNetworkError(ctx));
    }
    throw miError(
      ctx,
      'unavailable',
      `${source} answered ${r.status} with ${html ? 'an HTML page' : 'a body that is not JSON'} (${JSON.stringify(r.bodyText.slice(0, 100))}): something other than the managed-identity endpoint answered (a proxy?)`,
      { kind: 'parse' },
    );
  }
  const body = j as Record<string, unknown>;
  const token = body.access_token;
  if (typeof token !== 'string' || !token)
    throw miError(ctx, 'failed', `${source} answered ${r.status} without an access_token`, {
      kind: 'parse',
      httpStatus: r.status,
    });
  ctx.trace.addSecret?.(token);
  const exp = parseMiExpiry(body, ctx.now());
  if (exp === undefined) {
    throw miError(
      ctx,
      'failed',
      `Failed to parse token expiration from body. expires_in="${String(body.expires_in)}", expires_on="${String(body.expires_on)}"`,
      { kind: 'parse' },
    );
  }
  return {
    token: new SecretValue(token),
    expiresOnEpochMs: exp,
    tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
    serverDate: r.headers.date,
  };
}

/** Retry policy for non-IMDS sources (msal-node DefaultManagedIdentityRetryPolicy): 404/408/429/500/503/504, 3 retries, 1 s or Retry-After. */
export function defaultSourceRetry(ctx: StepContext): RetryPolicy {
  return {
    maxRetries: 3,
    statusCodes: [404, 408, 429, 500, 503, 504],
    baseDelayMs: 1000,
    maxDelayMs: 1000,
    maxTotalMs: totalBudget(ctx),
    retryNetworkErrors: false,
  };
}

/** Retries stay inside the step's time limit (less a margin for the outcome). */
export function totalBudget(ctx: StepContext): number {
  return Math.max(1000, Math.round((ctx.options.stepTimeoutMs ?? 30_000) * 0.9));
}

export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}
