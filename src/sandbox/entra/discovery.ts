/**
 * Discovery: the v2 and v1 OpenID configuration documents, instance discovery (what msal-node asks before it trusts an
 * authority), the signing keys (JWKS) and the user realm lookup.
 */
import { aad } from '../errors';
import { sendJson, type Ctx } from '../http';
import { jwkOf } from '../pki';
import type { SandboxImpl } from '../sandbox';
import { responseHeaders, type TenantRef } from './tenant';

const AUTH_METHODS = ['client_secret_post', 'private_key_jwt', 'client_secret_basic'];
const RESPONSE_TYPES = ['code', 'id_token', 'code id_token', 'token id_token', 'token'];
const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'amr',
  'nonce',
  'email',
  'given_name',
  'family_name',
  'nickname',
];
/** The cloud-wide fields that close both documents. */
const CLOUD = {
  tenant_region_scope: null,
  cloud_instance_name: 'microsoftonline.com',
  cloud_graph_host_name: 'graph.windows.net',
  msgraph_host: 'graph.microsoft.com',
  rbac_url: 'https://pas.windows.net',
};

// Key order follows what Entra sends, so each document is written out field by field.
export function openidConfigurationV2(sb: SandboxImpl, ctx: Ctx, t: TenantRef): Record<string, unknown> {
  const base = sb.origin(ctx);
  const seg = t.alias ?? t.tenantId!;
  const issuerTenant = t.alias ? '{tenantid}' : t.tenantId!;
  return {
    authorization_endpoint: `${base}/${seg}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/${seg}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    jwks_uri: `${base}/${seg}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: RESPONSE_TYPES,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    microsoft_multi_refresh_token: true,
    device_authorization_endpoint: `${base}/${seg}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${seg}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS_SUPPORTED,
    check_session_iframe: `${base}/${seg}/oauth2/v2.0/checksession`,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    kerberos_endpoint: `${base}/${seg}/kerberos`,
    ...CLOUD,
  };
}

export function openidConfigurationV1(sb: SandboxImpl, ctx: Ctx, t: TenantRef): Record<string, unknown> {
  const base = sb.origin(ctx);
  const seg = t.alias ?? t.tenantId!;
  return {
    token_endpoint: `${base}/${seg}/oauth2/token`,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    jwks_uri: `${base}/${seg}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: RESPONSE_TYPES,
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${t.alias ? '{tenantid}' : t.tenantId}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/${seg}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/${seg}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${seg}/oauth2/logout`,
    claims_supported: CLAIMS_SUPPORTED,
    check_session_iframe: `${base}/${seg}/oauth2/checksession`,
    userinfo_endpoint: `${base}/${seg}/openid/userinfo`,
    kerberos_endpoint: `${base}/${seg}/kerberos`,
    ...CLOUD,
  };
}

/** host[:port] spellings of this authority that clients may use. */
function hostAliases(sb: SandboxImpl, port: number): string[] {
  const p = port === 443 ? '' : `:${port}`;
  const names = sb.host.includes(':') ? [`[${sb.host}]`, 'localhost'] : [sb.host, 'localhost'];
  return [...new Set(names.map((n) => `${n}${p}`))];
}

/** The authority named by `authorization_endpoint=`, if it is this sandbox; throws unknownInstance otherwise. */
function askedAuthority(sb: SandboxImpl, ae: string): { port: number; tenantSeg: string; hostPort: string } {
  let u: URL;
  try {
    u = new URL(ae);
  } catch {
    throw aad.unknownInstance();
  }
  const p = u.port ? Number(u.port) : 443;
  const hostOk = ['127.0.0.1', 'localhost', '[::1]', sb.host.includes(':') ? `[${sb.host}]` : sb.host].includes(
    u.hostname.toLowerCase(),
  );
  if (u.protocol !== 'https:' || !hostOk || !(p === sb.authorityPort || sb.extraPorts.includes(p)))
    throw aad.unknownInstance();
  return {
    port: p,
    tenantSeg: u.pathname.split('/').filter(Boolean)[0] ?? 'common',
    hostPort: `${u.hostname.toLowerCase()}${u.port ? `:${u.port}` : ''}`,
  };
}

export function instanceDiscovery(sb: SandboxImpl, ctx: Ctx): void {
  const ae = ctx.query.authorization_endpoint;
  const asked = ae !== undefined ? askedAuthority(sb, ae) : undefined;
  const port = asked?.port ?? sb.authorityPort;
  const tenantSeg = asked?.tenantSeg ?? 'common';
  const hostPort = asked?.hostPort;
  const aliases = hostAliases(sb, port);
  const preferred = hostPort && aliases.includes(hostPort) ? hostPort : aliases[0]!;
  const ordered = [preferred, ...aliases.filter((a) => a !== preferred)];
  sendJson(
    ctx,
    200,
    {
      tenant_discovery_endpoint: `https://${preferred}/${tenantSeg}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: preferred, preferred_cache: preferred, aliases: ordered }],
    },
    responseHeaders(ctx),
  );
}

export function jwks(sb: SandboxImpl, ctx: Ctx, t: TenantRef | undefined, v2: boolean): void {
  const base = sb.origin(ctx);
  const extra = v2 ? { issuer: `${base}/${t?.tenantId ?? '{tenantid}'}/v2.0` } : {};
  sendJson(ctx, 200, { keys: [jwkOf(sb.pki.signing, extra)] }, { 'cache-control': 'max-age=86400, private' });
}

export function userRealm(sb: SandboxImpl, ctx: Ctx): void {
  const upn = ctx.params.upn ?? '';
  const domain = upn.includes('@') ? upn.split('@').pop()!.toLowerCase() : '';
  const t = sb.config.tenants.find((x) => x.domain === domain);
  if (!t) {
    sendJson(ctx, 200, { ver: '1.0', account_type: 'Unknown', cloud_instance_name: 'microsoftonline.com' });
    return;
  }
  sendJson(ctx, 200, {
    ver: '1.0',
    account_type: 'Managed',
    domain_name: t.domain,
    cloud_instance_name: 'microsoftonline.com',
    cloud_audience_urn: 'urn:federation:MicrosoftOnline',
  });
}
