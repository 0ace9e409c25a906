/**
 * msal-node's instance discovery, as @azure/identity's DefaultAzureCredential meets it (JS profile, in a chain).
 *
 * Before its first token request msal-node asks Entra about every authority host it does not know
 * (`GET https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=…`). A host
 * Entra does not know is answered `invalid_instance` (AADSTS50049); msal-node then fails with
 * `endpoints_resolution_error` — as it does for any failure while resolving the authority — which @azure/identity's
 * handleMsalError turns into CredentialUnavailableError (WorkloadIdentityCredential is unavailable; EnvironmentCredential
 * wraps it as its own failure and stops the chain). ManagedIdentityCredential's token exchange passes
 * `disableInstanceDiscovery: true`, so it never asks (tokenExchangeMsi.js, 3.4.2 through 4.13).
 *
 * The engine's own msal apps are pinned to the configured host (authority.ts), so this check stands in for msal's.
 * Where it asks: a loopback authority host (the sandbox, or a stand-in) is asked itself — the sandbox answers as Entra
 * does, and nothing on loopback is the public cloud; for any other host that msal does not know, the SDK would ask
 * login.microsoftonline.com — the engine predicts Entra's invalid_instance answer offline instead (or asks
 * options.instanceDiscoveryHost when it is set), so a custom authority's name never goes to the public cloud.
 */
import { isHttpRequestError } from '../../http/client';
import { CredentialUnavailableError, type StepContext } from '../types';
import type { ResolvedAuthorityHost } from './authority';

/** Hosts msal-node knows without asking (its built-in instance metadata). */
const MSAL_KNOWN_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com',
]);

const PUBLIC_DISCOVERY = 'https://login.microsoftonline.com';

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/**
 * True where @azure/identity's msal client would resolve this host through instance discovery. `disabled` (the token
 * exchange's disableInstanceDiscovery) spares it only with msal-node 2 and 3: with 4.13.1 (msal-node 5) the exchange
 * fails on an unknown host with the same endpoints_resolution_error (observed by the parity suite), so it is asked too.
 */
export function jsDiscoveryNeeded(ctx: StepContext, host: ResolvedAuthorityHost, disabled: boolean): boolean {
  if (ctx.profile !== 'js' || !ctx.inChain) return false;
  if (disabled && (ctx.release?.rules.msalNodeMajor ?? 5) <= 3) return false;
  return !MSAL_KNOWN_HOSTS.has(new URL(host.url).hostname.toLowerCase());
}

/**
 * The error msal-node ends with when the authority cannot be resolved, in the release's msal-node words (2 and 3:
 * "Endpoints cannot be resolved"; 5 on: a pointer to aka.ms/msal.js.errors), marked so callers keep its class. What
 * the engine saw goes to the trace.
 */
export function endpointsResolutionError(ctx: StepContext, detail: string): CredentialUnavailableError {
  ctx.trace.note('warn', `msal-node would fail with endpoints_resolution_error: ${detail}`);
  const words =
    (ctx.release?.rules.msalNodeMajor ?? 5) <= 3
      ? 'Endpoints cannot be resolved'
      : 'See https://aka.ms/msal.js.errors#endpoints_resolution_error for details';
  return Object.assign(new CredentialUnavailableError(`endpoints_resolution_error: ${words}`), {
    endpointsResolution: true as const,
  });
}

export function isEndpointsResolution(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { endpointsResolution?: unknown }).endpointsResolution === true;
}

/** Asks instance discovery about `host` for `tenant`; throws endpointsResolutionError unless the host is known. */
export async function jsInstanceDiscovery(
  ctx: StepContext,
  host: ResolvedAuthorityHost,
  tenant: string,
): Promise<void> {
  const u = new URL(host.url);
  const base = ctx.options.instanceDiscoveryHost ?? (isLoopback(u.hostname) ? host.url : undefined);
  if (base === undefined) {
    // The SDK would ask login.microsoftonline.com, which answers invalid_instance for every host it does not know
    // (msal's known hosts never get here). The engine predicts that answer instead of sending a custom authority's
    // name to the public cloud: it works offline, and it never contacts a host the user did not point it at.
    ctx.trace.note(
      'info',
      `instance discovery: @azure/identity's msal-node would ask ${new URL(PUBLIC_DISCOVERY).host} about ${u.host}, a host it does not know; Entra answers invalid_instance for such hosts, so the engine predicts that without asking (set instanceDiscoveryHost to ask a discovery endpoint)`,
    );
    throw endpointsResolutionError(
      ctx,
      `instance discovery would refuse the authority host ${u.host} (invalid_instance)`,
    );
  }
  const authorize = `${host.url}/${tenant}/oauth2/v2.0/authorize`;
  const url = `${base.replace(/\/+$/, '')}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`;
  ctx.trace.note(
    'info',
    `instance discovery: @azure/identity's msal-node asks Entra about ${u.host}, a host it does not know, before the first token request (asking ${new URL(base).host})`,
  );
  let body: unknown;
  try {
    const r = await ctx.http.send({ method: 'GET', url, timeoutMs: 10_000, signal: ctx.signal });
    body = r.json;
  } catch (e) {
    if (isHttpRequestError(e) && e.kind === 'aborted') throw e;
    throw endpointsResolutionError(ctx, `instance discovery failed: ${(e as Error).message}`);
  }
  const b = (body ?? {}) as { tenant_discovery_endpoint?: unknown; error?: unknown; error_description?: unknown };
  if (typeof b.tenant_discovery_endpoint === 'string') return;
  const why =
    typeof b.error === 'string'
      ? `${b.error}${typeof b.error_description === 'string' ? `: ${b.error_description.split('\n')[0]}` : ''}`
      : 'no tenant_discovery_endpoint in the answer';
  throw endpointsResolutionError(ctx, `instance discovery refused the authority host ${u.host} (${why})`);
}
