/**
 * Authority host handling for every msal-node application the engine builds.
 *
 * msal-node, given an authority it does not know, asks login.microsoftonline.com for instance discovery and then fetches
 * the tenant's openid-configuration. The engine never lets it: every app is configured with `knownAuthorities`,
 * `cloudDiscoveryMetadata` and `authorityMetadata`, built here (or taken from a traced discovery), so the only hosts
 * msal-node talks to are the authority host itself.
 */

/** Authority hosts of the national clouds (AzureAuthorityHosts in the SDKs). */
export const AUTHORITY_HOSTS = {
  public: 'https://login.microsoftonline.com',
  china: 'https://login.chinacloudapi.cn',
  usgov: 'https://login.microsoftonline.us',
} as const;

export type CloudName = keyof typeof AUTHORITY_HOSTS | 'custom';

/** Tenant ids as the SDKs accept them (Go validTenantID, JS checkTenantId). */
const TENANT_RE = /^[0-9a-zA-Z.-]+$/;

export class AuthorityConfigError extends Error {
  readonly kind = 'config' as const;
  constructor(message: string) {
    super(message);
    this.name = 'AuthorityConfigError';
  }
}

export function isValidTenantId(tenant: string): boolean {
  return tenant.length > 0 && tenant.length <= 256 && TENANT_RE.test(tenant);
}

/** The SDKs' wording for a tenant id with characters outside [0-9a-zA-Z.-]. */
export function invalidTenantMessage(profile: string): string {
  return profile === 'go'
    ? 'invalid tenantID. You can locate your tenantID by following the instructions listed here: https://learn.microsoft.com/partner-center/find-ids-and-domain-names'
    : 'Invalid tenant id provided. You can locate your tenant id by following the instructions listed here: https://learn.microsoft.com/partner-center/find-ids-and-domain-names.';
}

/** The SDKs' wording for a non-https authority host. */
export function insecureAuthorityMessage(profile: string): string {
  switch (profile) {
    case 'go':
      return 'cannot use an authority host without https';
    case 'python':
      return 'The authority host is an invalid authority. The value must be a TLS protected (https) URL.';
    case 'dotnet':
      return 'Authority host must use HTTPS scheme.';
    default:
      return "The authorityHost address must use the 'https' protocol.";
  }
}

export interface ResolvedAuthorityHost {
  /** Normalised origin plus optional path prefix, no trailing slash: https://login.microsoftonline.com */
  url: string;
  /** host[:port] as msal-node compares it in knownAuthorities. */
  hostAndPort: string;
  cloud: CloudName;
  /** Where the value came from (option, AZURE_AUTHORITY_HOST, default). */
  source: 'option' | 'AZURE_AUTHORITY_HOST' | 'default';
}

/**
 * Resolves the authority host: explicit option first, then AZURE_AUTHORITY_HOST, then the public cloud.
 * Accepts the cloud names `public`, `china`, `usgov` (and `AzurePublicCloud`, `AzureChinaCloud`, `AzureUSGovernment`).
 * Throws AuthorityConfigError for anything that is not an absolute https URL (with the SDK's wording for the profile).
 */
export function resolveAuthorityHost(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  profile = 'go',
): ResolvedAuthorityHost {
  let raw = option?.trim();
  let source: ResolvedAuthorityHost['source'] = 'option';
  if (!raw) {
    raw = env.AZURE_AUTHORITY_HOST?.trim();
    source = 'AZURE_AUTHORITY_HOST';
  }
  if (!raw) {
    raw = AUTHORITY_HOSTS.public;
    source = 'default';
  }
  const alias = cloudAlias(raw);
  if (alias) raw = AUTHORITY_HOSTS[alias];
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AuthorityConfigError(
      `The authority host "${raw.slice(0, 200)}" is not a valid URL. ${insecureAuthorityMessage(profile)}`,
    );
  }
  if (u.protocol !== 'https:') throw new AuthorityConfigError(insecureAuthorityMessage(profile));
  if (u.username || u.password) throw new AuthorityConfigError('The authority host must not contain user information.');
  if (u.search || u.hash) throw new AuthorityConfigError('The authority host must not contain a query or a fragment.');
  const path = u.pathname.replace(/\/+$/, '');
  const url = `${u.protocol}//${u.host}${path}`;
  const cloud = (Object.entries(AUTHORITY_HOSTS).find(([, v]) => v === url)?.[0] as CloudName | undefined) ?? 'custom';
  return { url, hostAndPort: u.host.toLowerCase(), cloud, source };
}

function cloudAlias(raw: string): keyof typeof AUTHORITY_HOSTS | undefined {
  switch (raw.toLowerCase()) {
    case 'public':
    case 'azurepubliccloud':
    case 'azurecloud':
      return 'public';
    case 'china':
    case 'azurechinacloud':
      return 'china';
    case 'usgov':
    case 'usgovernment':
    case 'azureusgovernment':
    case 'azuregovernment':
      return 'usgov';
    default:
      return undefined;
  }
}

/** The endpoints of one tenant on one authority host (v2.0 endpoints). */
export interface TenantEndpoints {
  authority: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  deviceCodeEndpoint: string;
  endSessionEndpoint: string;
  issuer: string;
  jwksUri: string;
  openIdConfigurationUrl: string;
}

export function tenantEndpoints(host: ResolvedAuthorityHost, tenant: string): TenantEndpoints {
  const authority = `${host.url}/${tenant}`;
  return {
    authority,
    tokenEndpoint: `${authority}/oauth2/v2.0/token`,
    authorizationEndpoint: `${authority}/oauth2/v2.0/authorize`,
    deviceCodeEndpoint: `${authority}/oauth2/v2.0/devicecode`,
    endSessionEndpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwksUri: `${authority}/discovery/v2.0/keys`,
    openIdConfigurationUrl: `${authority}/v2.0/.well-known/openid-configuration`,
  };
}

/** msal-node's `auth.authorityMetadata`: the openid-configuration fields msal reads. */
export function buildAuthorityMetadata(endpoints: TenantEndpoints): string {
  return JSON.stringify({
    token_endpoint: endpoints.tokenEndpoint,
    authorization_endpoint: endpoints.authorizationEndpoint,
    device_authorization_endpoint: endpoints.deviceCodeEndpoint,
    end_session_endpoint: endpoints.endSessionEndpoint,
    issuer: endpoints.issuer,
    jwks_uri: endpoints.jwksUri,
  });
}

/** msal-node's `auth.cloudDiscoveryMetadata`: an instance-discovery answer naming only our host. */
export function buildCloudDiscoveryMetadata(host: ResolvedAuthorityHost, tenant: string): string {
  return JSON.stringify({
    tenant_discovery_endpoint: tenantEndpoints(host, tenant).openIdConfigurationUrl,
    'api-version': '1.1',
    metadata: [{ preferred_network: host.hostAndPort, preferred_cache: host.hostAndPort, aliases: [host.hostAndPort] }],
  });
}

/**
 * Takes a fetched openid-configuration (from discovery.ts) and keeps only what msal reads, after checking that every
 * endpoint stays on the authority's origin: a document pointing elsewhere would make msal send secrets to that host.
 */
export function authorityMetadataFromDocument(doc: unknown, host: ResolvedAuthorityHost): string {
  if (!doc || typeof doc !== 'object')
    throw new AuthorityConfigError('The openid-configuration document is not a JSON object.');
  const d = doc as Record<string, unknown>;
  const origin = new URL(host.url).origin;
  const out: Record<string, string> = {};
  for (const field of [
    'token_endpoint',
    'authorization_endpoint',
    'device_authorization_endpoint',
    'end_session_endpoint',
    'issuer',
    'jwks_uri',
  ]) {
    const v = d[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new AuthorityConfigError(`openid-configuration field ${field} is not a string.`);
    if (field !== 'issuer') {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw new AuthorityConfigError(`openid-configuration field ${field} is not a URL.`);
      }
      if (u.origin !== origin)
        throw new AuthorityConfigError(
          `openid-configuration field ${field} points to ${u.origin}, not to the authority host ${origin}; refusing to use it.`,
        );
    }
    out[field] = v;
  }
  for (const required of ['token_endpoint', 'authorization_endpoint', 'issuer', 'jwks_uri']) {
    if (!out[required]) throw new AuthorityConfigError(`openid-configuration has no ${required}.`);
  }
  return JSON.stringify(out);
}
