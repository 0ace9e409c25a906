/**
 * What the CI credentials (GitHub Actions, Azure Pipelines) share: their options, the OIDC token request with the CI
 * retry policy and its classified failures, the JSON field check, and the hint that explains Entra's federated-credential
 * rejections against the CI token's claims.
 */
import type { ErrorInfo } from '../model';
import type { HttpRequest, HttpResponse } from '../http/types';
import { isHttpRequestError } from '../http/client';
import { ClientAssertionCredential } from './client-assertion';
import { parseAllowedTenants } from './msal/base';
import { assertionClaims, type AssertionClaims } from './msal/common';
import type { AccessTokenResult, StepContext, TokenRequest } from './types';
import { AuthenticationFailedError, isAuthenticationFailed } from './types';

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The OIDC endpoints are small JSON APIs; a few KB is plenty, 1 MB is hostile. */
const MAX_OIDC_RESPONSE_CHARS = 1024 * 1024;

export interface FederatedCiOptions {
  tenantId?: string;
  clientId?: string;
  authorityHost?: string;
  additionallyAllowedTenants?: string[];
  authorityMetadata?: string;
  /** Per-request limit for the runner's OIDC endpoint (default 10 s). */
  oidcTimeoutMs?: number;
}

/** Shared by the CI credentials: wraps failures of the OIDC request in precise, classified errors. */
export function oidcRequestFailure(credential: string, what: string, e: unknown): AuthenticationFailedError {
  if (isHttpRequestError(e)) {
    return new AuthenticationFailedError(
      {
        kind: e.kind === 'timeout' ? 'timeout' : e.kind === 'aborted' ? 'aborted' : 'network',
        message: `${credential}: the ${what} could not be reached: ${e.message}`,
        errorCodes: [],
      },
      { cause: e },
    );
  }
  if (isAuthenticationFailed(e)) return e;
  return new AuthenticationFailedError(
    {
      kind: 'network',
      message: `${credential}: the ${what} request failed: ${(e as Error)?.message ?? String(e)}`,
      errorCodes: [],
    },
    { cause: e },
  );
}

/** Reads one string field of a JSON response, with a classified error for HTML, non-JSON, huge or empty bodies. */
export function oidcField(credential: string, what: string, res: HttpResponse, field: string, extra = ''): string {
  const ct = res.headers['content-type'] ?? '';
  if (res.bodyText.length > MAX_OIDC_RESPONSE_CHARS) {
    throw new AuthenticationFailedError({
      kind: 'parse',
      httpStatus: res.status,
      message: `${credential}: the ${what} answered ${res.bodyText.length} characters; an OIDC token response is a few KB.${extra}`,
      errorCodes: [],
    });
  }
  const j = res.json as Record<string, unknown> | undefined;
  if (!j || typeof j !== 'object' || Array.isArray(j)) {
    const html = /html/i.test(ct) || /^\s*</.test(res.bodyText);
    throw new AuthenticationFailedError({
      kind: 'parse',
      httpStatus: res.status,
      message: `${credential}: the ${what} answered HTTP ${res.status} with ${html ? 'an HTML page (a sign-in redirect or a proxy error page)' : 'a body that is not JSON'} instead of {"${field}": "<jwt>"}.${extra}`,
      errorCodes: [],
    });
  }
  const v = j[field];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new AuthenticationFailedError({
      kind: 'parse',
      httpStatus: res.status,
      message: `${credential}: the ${what} answered HTTP ${res.status} without a "${field}" string.${extra}`,
      errorCodes: [],
    });
  }
  return v.trim();
}

/** Explains Entra's federated-credential rejections against the CI token's claims. */
export function ciFailureHint(
  info: ErrorInfo,
  claims: AssertionClaims | undefined,
  platform: 'github' | 'pipelines',
): string | undefined {
  const codes = info.errorCodes;
  if (!claims) return undefined;
  const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
  const lines: string[] = [];
  if (codes.some((c) => c === 70021 || c === 700211 || c === 700212 || c === 700213 || c === 700223)) {
    lines.push(
      `The ${platform === 'github' ? 'GitHub' : 'Azure Pipelines'} OIDC token presented: issuer "${claims.iss ?? ''}", subject "${claims.sub ?? ''}", audience ${JSON.stringify(aud)}.`,
    );
    if (!aud.some((a) => a === TOKEN_EXCHANGE_AUDIENCE))
      lines.push(`Its audience is not ${TOKEN_EXCHANGE_AUDIENCE}, which federated credentials expect.`);
    if (platform === 'github') {
      lines.push(
        `The app's federated credential must have issuer ${GITHUB_ISSUER} and exactly this subject. GitHub subjects are repo:OWNER/REPO:ref:refs/heads/BRANCH, repo:OWNER/REPO:environment:NAME when the job names an environment (which replaces the branch), repo:OWNER/REPO:pull_request for pull requests, and repo:OWNER/REPO:ref:refs/tags/TAG.`,
      );
      if (claims.sub && /:environment:/.test(claims.sub))
        lines.push('This job runs in an environment, so a branch-based federated credential does not match it.');
      if (claims.sub && /:pull_request$/.test(claims.sub))
        lines.push('Pull-request runs present the pull_request subject, not the branch.');
    } else {
      lines.push(
        "The app's federated credential must have the service connection's issuer (https://vstoken.dev.azure.com/<organization id> for classic connections, or the Entra issuer shown on the connection) and subject sc://<organization>/<project>/<service connection name>. Renaming the connection, project or organization changes the subject.",
      );
    }
  }
  if (codes.includes(700024) && claims.exp !== undefined) {
    lines.push(
      `The OIDC token expired at ${new Date(claims.exp * 1000).toISOString()}: CI tokens live minutes, so request a fresh one for every exchange.`,
    );
  }
  return lines.length ? lines.join(' ') : undefined;
}

/** Adds a hint to a failure without losing its classification. */
export function withHint(e: unknown, hint: string | undefined): unknown {
  if (!hint || !isAuthenticationFailed(e)) return e;
  if (e.info.message.includes(hint)) return e;
  return new AuthenticationFailedError({ ...e.info, message: `${e.info.message} ${hint}` }, { cause: e });
}

export function ciTimeout(ctx: StepContext, o: FederatedCiOptions): number {
  return o.oidcTimeoutMs ?? Math.min(10_000, ctx.options.stepTimeoutMs ?? 10_000);
}

/** One CI platform's OIDC exchange: where it goes and how its answers are worded. */
export interface CiOidcExchange {
  credential: string;
  request: Pick<HttpRequest, 'method' | 'url' | 'headers' | 'body'>;
  timeoutMs: number;
  /** The endpoint, for a request that got no answer ("runner's OIDC endpoint"). */
  endpoint: string;
  /** What answered, for a refusal ("the runner's OIDC endpoint", "the OIDC request"). */
  answered: string;
  /** The JSON field that holds the token, and how the field check names the source. */
  field: string;
  fieldSource: string;
  /** Why a refusal with this status usually happens ('' when there is nothing to add). */
  why: (status: number) => string;
  /** Request identifiers the platform sent back, for a support request (' (x-vss-e2eid …)' or ''). */
  ids?: (res: HttpResponse) => string;
}

/**
 * Requests a CI job's OIDC token with the CI retry policy, turns a refusal into a precise error (the platform's own
 * message, capped, and why), and returns the token field, which joins the trace's secrets at once.
 */
export async function fetchCiOidcToken(ctx: StepContext, x: CiOidcExchange): Promise<string> {
  let res: HttpResponse;
  try {
    res = await ctx.http.send({
      ...x.request,
      timeoutMs: x.timeoutMs,
      signal: ctx.signal,
      retry: {
        maxRetries: 2,
        statusCodes: [429, 500, 502, 503, 504],
        baseDelayMs: 500,
        maxDelayMs: 4000,
        maxTotalMs: 20_000,
        retryNetworkErrors: true,
      },
    });
  } catch (e) {
    throw oidcRequestFailure(x.credential, x.endpoint, e);
  }
  const idText = x.ids?.(res) ?? '';
  if (res.status !== 200) {
    const body = (res.json as { message?: unknown } | undefined)?.message;
    const msg = typeof body === 'string' ? ` ${body.slice(0, 300)}` : '';
    throw new AuthenticationFailedError({
      kind: 'http',
      httpStatus: res.status,
      message: `${x.credential}: ${x.answered} answered HTTP ${res.status}${idText}.${msg}${x.why(res.status)}`,
      errorCodes: [],
    });
  }
  const extra = idText ? ` Identifiers for a support request:${idText}.` : '';
  const token = oidcField(x.credential, x.fieldSource, res, x.field, extra);
  ctx.trace.addSecret?.(token);
  return token;
}

/** One CI token exchange: the app it signs in as, and how a fresh OIDC token is requested. */
export interface CiExchange {
  clientId: string;
  tenantId: string;
  /** What else the token request depends on (the service connection), so a change builds a new inner credential. */
  keyParts?: string[];
  platform: 'github' | 'pipelines';
  /** Requests the job's OIDC token in the step that needs it (one traced HTTP exchange). */
  requestToken: (ctx: StepContext) => Promise<string>;
}

/**
 * The exchange both CI credentials run: the job's OIDC token, requested afresh whenever msal-node needs an assertion
 * (CI tokens live minutes), presented to Entra ID through one ClientAssertionCredential per configuration, and a
 * refusal explained against the claims of the token that was presented.
 */
export abstract class FederatedCiCredential {
  abstract readonly name: 'GitHubActionsCredential' | 'AzurePipelinesCredential';
  #inner: ClientAssertionCredential | undefined;
  #key = '';
  #lastClaims: AssertionClaims | undefined;
  #ctx: StepContext | undefined;

  protected constructor(private readonly ciOptions: FederatedCiOptions) {}

  /** `raw` as the OIDC request's URL (built by `build`), or the config failure that names `variable`. */
  protected oidcUrl(raw: string, variable: string, build: (u: URL) => string): string {
    try {
      const u = new URL(raw);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
      return build(u);
    } catch {
      throw new AuthenticationFailedError({
        kind: 'config',
        message: `${this.name}: ${variable} is not an http(s) URL.`,
        errorCodes: [],
      });
    }
  }

  /** The step this credential runs in now (the inner credential's assertion callback outlives a step). */
  protected enterStep(ctx: StepContext): void {
    this.#ctx = ctx;
  }

  protected async exchange(request: TokenRequest, ctx: StepContext, x: CiExchange): Promise<AccessTokenResult> {
    const o = this.ciOptions;
    const authorityHost = o.authorityHost ?? ctx.options.authorityHost ?? ctx.env.AZURE_AUTHORITY_HOST;
    const key = [x.clientId, x.tenantId, ...(x.keyParts ?? []), authorityHost ?? ''].join('|');
    if (!this.#inner || this.#key !== key) {
      this.#inner = new ClientAssertionCredential({
        reportAs: this.name,
        tenantId: x.tenantId,
        clientId: x.clientId,
        authorityHost,
        authorityMetadata: o.authorityMetadata,
        additionallyAllowedTenants:
          o.additionallyAllowedTenants ?? parseAllowedTenants(ctx.env.AZURE_ADDITIONALLY_ALLOWED_TENANTS),
        getAssertion: async () => {
          const token = await x.requestToken(this.#ctx ?? ctx);
          this.#lastClaims = assertionClaims(token);
          return token;
        },
      });
      this.#key = key;
    }
    try {
      return await this.#inner.getToken(request, ctx);
    } catch (e) {
      throw withHint(
        e,
        isAuthenticationFailed(e)
          ? ciFailureHint(e.info, this.#lastClaims ?? this.#inner.lastAssertion, x.platform)
          : undefined,
      );
    }
  }
}
