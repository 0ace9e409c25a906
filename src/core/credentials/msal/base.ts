/**
 * What every msal-backed credential shares: authority resolution, the multi-tenant guard, one msal app per tenant
 * (so each credential instance has its own token cache), binding the per-call tracer / HTTP client / signal, cancellation,
 * error mapping and converting msal's AuthenticationResult into the engine's AccessTokenResult.
 */
import { jsDiscoveryNeeded, jsInstanceDiscovery } from './instance-discovery';
import type { AccountInfo, AuthenticationResult, PublicClientApplication } from '@azure/msal-node';
import { raceAbort as raceSignal } from '../../abort';
import type { ChainProfile, CredentialName, ErrorInfo } from '../../model';
import { SecretValue } from '../../secret';
import type { AccessTokenResult, StepContext, TokenRequest } from '../types';
import { AuthenticationFailedError, CredentialUnavailableError } from '../types';
import {
  AuthorityConfigError,
  invalidTenantMessage,
  isValidTenantId,
  resolveAuthorityHost,
  type ResolvedAuthorityHost,
} from './authority';
import type { MsalApp, MsalAppConfig } from './app';
import { mapMsalError } from './errors';
import { pyTenantNotAllowed } from '../py-wording';

/** The engine's token result plus what user flows return besides the access token. */
export interface MsalTokenResult extends AccessTokenResult {
  idTokenClaims?: Record<string, unknown>;
  account?: { username?: string; homeAccountId?: string; tenantId?: string; name?: string };
  scopes?: string[];
  correlationId?: string;
}

export interface MsalCredentialOptions {
  tenantId?: string;
  clientId?: string;
  /** Overrides ctx.options.authorityHost and AZURE_AUTHORITY_HOST. */
  authorityHost?: string;
  /** Tenants besides tenantId a request may name; '*' allows any. */
  additionallyAllowedTenants?: string[];
  /** openid-configuration subset for msal (from discovery.ts); built from templates when absent. */
  authorityMetadata?: string;
  /** @azure/identity's disableInstanceDiscovery (ManagedIdentityCredential's token exchange sets it). */
  disableInstanceDiscovery?: boolean;
  /** Hosts msal may talk to besides the authority host: the regional token endpoint's (regional.ts). */
  extraHosts?: string[];
  /** The name messages and traces use (EnvironmentCredential wraps the secret / certificate / password credentials). */
  reportAs?: CredentialName;
}

/** One token request as a credential's acquire step sees it: the tenant's app, the checked scopes, the request, the step. */
export interface AcquireCall<A> {
  app: MsalApp<A>;
  scopes: string[];
  request: TokenRequest;
  ctx: StepContext;
}

/** Multi-tenant guard wording per SDK. */
export function tenantNotAllowedMessage(tenant: string, profile: ChainProfile): string {
  if (profile === 'python') return pyTenantNotAllowed(tenant);
  return profile === 'go'
    ? `the current credential is not configured to acquire tokens for tenant ${tenant}. To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants on the credential options, or add "*" to AdditionallyAllowedTenants to allow acquiring tokens for any tenant`
    : `The current credential is not configured to acquire tokens for tenant ${tenant}. To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants on the credential options, or add "*" to AdditionallyAllowedTenants to allow acquiring tokens for any tenant.`;
}

/** Parses AZURE_ADDITIONALLY_ALLOWED_TENANTS (`;`-separated). */
export function parseAllowedTenants(value: string | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * Picks the tenant for one request: the configured tenant unless the request names another one that is allowed.
 * adfs and AZURE_IDENTITY_DISABLE_MULTITENANTAUTH keep the configured tenant, as in the SDKs.
 */
export function resolveTenant(
  configured: string,
  requested: string | undefined,
  allowed: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  profile: ChainProfile,
): string {
  if (!requested || requested === configured || configured === 'adfs') return configured;
  const disabled = env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH;
  if (disabled && /^(1|true)$/i.test(disabled.trim())) return configured;
  if (!isValidTenantId(requested)) throw new CredentialUnavailableError(invalidTenantMessage(profile));
  if (allowed.includes('*') || allowed.some((t) => t.toLowerCase() === requested.toLowerCase())) return requested;
  const message = tenantNotAllowedMessage(requested, profile);
  // JS: CredentialUnavailableError; Go returns a plain error (the chain stops on it).
  if (profile === 'js') throw new CredentialUnavailableError(message);
  throw new AuthenticationFailedError({ kind: 'config', message, errorCodes: [] });
}

/** Resolves `promise`, or rejects as soon as `signal` aborts (after calling `onAbort`, e.g. to set request.cancel). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  return raceSignal(promise, signal, () => {
    onAbort?.();
    return abortReason(signal);
  });
}

/** A token from the app's own cache for `account` (or its first account), or null when a fresh sign-in is needed. */
export async function trySilent(
  { app, scopes, request }: AcquireCall<PublicClientApplication>,
  pick: (accounts: AccountInfo[]) => AccountInfo | undefined = (a) => a[0],
): Promise<AuthenticationResult | null> {
  if (request.forceRefresh) return null;
  const account = pick(await app.app.getTokenCache().getAllAccounts());
  if (!account) return null;
  try {
    return await app.app.acquireTokenSilent({ account, scopes, claims: request.claims });
  } catch {
    return null; // nothing usable in the cache: sign in again
  }
}

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  const err = new Error(r instanceof Error ? r.message : typeof r === 'string' ? r : 'The operation was aborted');
  err.name = 'AbortError';
  return err;
}

export function toTokenResult(r: AuthenticationResult | null, credential: string): MsalTokenResult {
  if (!r || !r.accessToken) {
    throw new AuthenticationFailedError({
      kind: 'parse',
      message: `${credential}: the authority returned no access token.`,
      errorCodes: [],
    });
  }
  const expires = r.expiresOn instanceof Date ? r.expiresOn.getTime() : Date.now() + 3600_000;
  const out: MsalTokenResult = {
    token: new SecretValue(r.accessToken),
    expiresOnEpochMs: expires,
    tokenType: r.tokenType || 'Bearer',
    fromCache: r.fromCache,
    scopes: r.scopes,
    correlationId: r.correlationId,
  };
  if (r.refreshOn instanceof Date) out.refreshOnEpochMs = r.refreshOn.getTime();
  if (r.idTokenClaims && Object.keys(r.idTokenClaims).length)
    out.idTokenClaims = r.idTokenClaims as Record<string, unknown>;
  if (r.account)
    out.account = {
      username: r.account.username,
      homeAccountId: r.account.homeAccountId,
      tenantId: r.account.tenantId,
      name: r.account.name,
    };
  return out;
}

/** Checks the scopes of a request: at least one, each non-empty and printable, bounded. */
export function validateScopes(scopes: readonly string[], credential: string): string[] {
  const list = scopes.map((s) => (typeof s === 'string' ? s.trim() : '')).filter(Boolean);
  if (!list.length)
    throw new AuthenticationFailedError({
      kind: 'config',
      message: `${credential}: at least one scope is required.`,
      errorCodes: [],
    });
  for (const s of list) {
    // eslint-disable-next-line no-control-regex
    if (s.length > 2048 || /[\u0000-\u001f\u007f\s]/.test(s)) {
      throw new AuthenticationFailedError({
        kind: 'config',
        message: `${credential}: invalid scope ${JSON.stringify(s.slice(0, 80))} (whitespace, control characters or over 2048 characters).`,
        errorCodes: [],
      });
    }
  }
  return list;
}

/**
 * Base class of the msal-backed credentials. Subclasses implement `createApp(tenant, host, ctx)` and `acquire(call)`.
 */
export abstract class MsalCredentialBase<A extends { getTokenCache(): unknown }> {
  abstract readonly name: CredentialName;
  readonly #apps = new Map<string, MsalApp<A>>();

  protected constructor(protected readonly baseOptions: MsalCredentialOptions) {}

  protected authorityHost(ctx: StepContext): ResolvedAuthorityHost {
    try {
      return resolveAuthorityHost(this.baseOptions.authorityHost ?? ctx.options.authorityHost, ctx.env, ctx.profile);
    } catch (e) {
      if (e instanceof AuthorityConfigError)
        throw new AuthenticationFailedError(
          { kind: 'config', message: `${this.name}: ${e.message}`, errorCodes: [] },
          { cause: e },
        );
      throw e;
    }
  }

  /** Discovered endpoints apply to the configured tenant only (another tenant gets the standard templates). */
  protected metadataFor(tenant: string): string | undefined {
    return tenant === this.configuredTenant() ? this.baseOptions.authorityMetadata : undefined;
  }

  protected configuredTenant(): string {
    return this.baseOptions.tenantId ?? 'organizations';
  }

  /** The app configuration every credential starts from: its client id, the tenant, the host and the tenant's endpoints. */
  protected appConfig(tenant: string, host: ResolvedAuthorityHost): MsalAppConfig {
    return {
      clientId: this.baseOptions.clientId!,
      tenantId: tenant,
      authorityHost: host,
      authorityMetadata: this.metadataFor(tenant),
      extraHosts: this.baseOptions.extraHosts,
    };
  }

  protected abstract createApp(
    tenant: string,
    host: ResolvedAuthorityHost,
    ctx: StepContext,
  ): Promise<MsalApp<A>> | MsalApp<A>;

  protected abstract acquire(call: AcquireCall<A>): Promise<AuthenticationResult | null>;

  /** Values this credential holds that must never appear in any output (registered with the run's redactor). */
  protected secretValues(): (string | undefined)[] {
    return [];
  }

  /** Checks the credential's own configuration before any network call (throws AuthenticationFailedError / CredentialUnavailableError). */
  protected validate(_ctx: StepContext): void {}

  /** Extra sentence for a failure message (workload identity explains 70021 against the assertion's claims). */
  protected failureHint(_info: ErrorInfo): string | undefined {
    return undefined;
  }

  async getToken(request: TokenRequest, ctx: StepContext): Promise<MsalTokenResult> {
    ctx.signal.throwIfAborted?.();
    for (const v of this.secretValues()) ctx.trace.addSecret?.(v);
    this.validate(ctx);
    const scopes = validateScopes(request.scopes, this.name);
    const configured = this.configuredTenant();
    if (!isValidTenantId(configured))
      throw new AuthenticationFailedError({
        kind: 'config',
        message: `${this.name}: ${invalidTenantMessage(ctx.profile)}`,
        errorCodes: [],
      });
    const allowed = this.baseOptions.additionallyAllowedTenants ?? [];
    const tenant = resolveTenant(configured, request.tenantId, allowed, ctx.env, ctx.profile);
    const host = this.authorityHost(ctx);
    const key = `${host.url}|${tenant}`;
    let app = this.#apps.get(key);
    if (!app) {
      if (jsDiscoveryNeeded(ctx, host, this.baseOptions.disableInstanceDiscovery === true))
        await jsInstanceDiscovery(ctx, host, tenant);
      app = await this.createApp(tenant, host, ctx);
      this.#apps.set(key, app);
    }
    ctx.trace.config({
      endpoints: [
        { name: 'authority', url: app.endpoints.authority },
        { name: 'token endpoint', url: app.endpoints.tokenEndpoint },
      ],
      settings: {
        authorityHost: host.url,
        authorityHostSource: host.source,
        cloud: host.cloud,
        tenant,
        requestedTenant: request.tenantId ?? null,
        clientId: this.baseOptions.clientId ?? null,
        scopes: scopes.join(' '),
      },
    });
    app.binding.http = ctx.http;
    app.binding.signal = ctx.signal;
    app.binding.trace = ctx.trace;
    app.network.lastError = undefined;
    app.network.lastThrown = undefined;
    try {
      const result = await this.acquire({ app, scopes, request, ctx });
      const out = toTokenResult(result, this.name);
      ctx.trace.addSecret?.(out.token.reveal());
      if (app.network.lastServerDate) out.serverDate = app.network.lastServerDate;
      if (out.fromCache)
        ctx.trace.note('info', `${this.name}: token served from this credential's msal cache (no network call).`);
      return out;
    } catch (e) {
      throw mapMsalError(e, {
        credential: this.name,
        profile: ctx.profile,
        observed: app.network.lastError,
        thrown: app.network.lastThrown,
        signal: ctx.signal,
        hint: (i) => this.failureHint(i),
      });
    } finally {
      app.binding.trace = undefined;
    }
  }
}
