/**
 * Microsoft Entra ID endpoints: discovery (OIDC, instance, JWKS, user realm), the v2 and v1 token endpoints with every
 * grant, device code, the authorize page (query / form_post / fragment, PKCE) and the device verification page.
 */
import { createHash, randomUUID } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { AppConfig, ResourceConfig, UserConfig } from './config';
import { AadError, aad, aadErrorBody, type AadErrorSpec } from './errors';
import { header, redirect, send, sendHtml, sendJson, type Ctx, type Route } from './http';
import { jwkOf, type CertificateMaterial } from './pki';
import { deviceLoginPage, errorPage, formPostPage, signInPage } from './pages';
import type { AuthorizeTxn, DeviceCodeEntry, SandboxImpl } from './sandbox';
import {
  accessTokenClaims,
  b64url,
  clientInfo,
  guidFrom,
  idTokenClaims,
  signJwt,
  unsignedJwt,
  type Subject,
} from './tokens';
import { issuerNameFromUrl } from './issuers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALIASES = ['common', 'organizations', 'consumers'] as const;
type Alias = (typeof ALIASES)[number];
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const GRAPH = 'https://graph.microsoft.com';
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TenantRef {
  segment: string;
  /** Concrete tenant id, undefined for common / organizations / consumers. */
  tenantId?: string;
  alias?: Alias;
}

export function resolveTenant(sb: SandboxImpl, segment: string, notFoundError = 'invalid_request'): TenantRef {
  const seg = segment.trim();
  const lower = seg.toLowerCase();
  if ((ALIASES as readonly string[]).includes(lower)) return { segment: lower, alias: lower as Alias };
  const t = sb.config.tenants.find((x) => x.id === lower || x.domain === lower);
  if (t) return { segment: seg, tenantId: t.id };
  if (!GUID.test(seg) && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(seg)) throw aad.invalidTenantFormat(seg.slice(0, 200));
  throw aad.tenantNotFound(seg, notFoundError);
}

function correlation(ctx: Ctx): string | undefined {
  return header(ctx, 'client-request-id');
}

export function sendAadError(
  sb: SandboxImpl,
  ctx: Ctx,
  err: AadError | AadErrorSpec,
  extraHeaders: Record<string, string> = {},
): void {
  const spec = err instanceof AadError ? err.spec : err;
  const body = aadErrorBody(spec, sb.nowMs(), correlation(ctx));
  sendJson(ctx, spec.status, body, { ...responseHeaders(ctx, body.correlation_id), ...extraHeaders });
}

function responseHeaders(ctx: Ctx, corr?: string): Record<string, string> {
  const h: Record<string, string> = {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': randomUUID(),
    'x-ms-ests-server': '2.1.sandbox',
  };
  const c = corr ?? correlation(ctx);
  if (c) h['client-request-id'] = c;
  return h;
}

async function guard(sb: SandboxImpl, ctx: Ctx, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AadError) sendAadError(sb, ctx, e);
    else throw e;
  }
}

// ------------------------------------------------------------------------------------------------ discovery

function openidConfigurationV2(sb: SandboxImpl, ctx: Ctx, t: TenantRef): Record<string, unknown> {
  const base = sb.origin(ctx);
  const seg = t.alias ?? t.tenantId!;
  const issuerTenant = t.alias ? '{tenantid}' : t.tenantId!;
  return {
    authorization_endpoint: `${base}/${seg}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/${seg}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${seg}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    microsoft_multi_refresh_token: true,
    device_authorization_endpoint: `${base}/${seg}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${seg}/oauth2/v2.0/logout`,
    claims_supported: [
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
    ],
    check_session_iframe: `${base}/${seg}/oauth2/v2.0/checksession`,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    kerberos_endpoint: `${base}/${seg}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function openidConfigurationV1(sb: SandboxImpl, ctx: Ctx, t: TenantRef): Record<string, unknown> {
  const base = sb.origin(ctx);
  const seg = t.alias ?? t.tenantId!;
  return {
    token_endpoint: `${base}/${seg}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${seg}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${t.alias ? '{tenantid}' : t.tenantId}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/${seg}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/${seg}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${seg}/oauth2/logout`,
    claims_supported: [
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
    ],
    check_session_iframe: `${base}/${seg}/oauth2/checksession`,
    userinfo_endpoint: `${base}/${seg}/openid/userinfo`,
    kerberos_endpoint: `${base}/${seg}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** host[:port] spellings of this authority that clients may use. */
function hostAliases(sb: SandboxImpl, port: number): string[] {
  const p = port === 443 ? '' : `:${port}`;
  const names = sb.host.includes(':') ? [`[${sb.host}]`, 'localhost'] : [sb.host, 'localhost'];
  return [...new Set(names.map((n) => `${n}${p}`))];
}

function instanceDiscovery(sb: SandboxImpl, ctx: Ctx): void {
  const ae = ctx.query.authorization_endpoint;
  let port = sb.authorityPort;
  let tenantSeg = 'common';
  let hostPort: string | undefined;
  if (ae !== undefined) {
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
    port = p;
    tenantSeg = u.pathname.split('/').filter(Boolean)[0] ?? 'common';
    hostPort = `${u.hostname.toLowerCase()}${u.port ? `:${u.port}` : ''}`;
  }
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

function jwks(sb: SandboxImpl, ctx: Ctx, t: TenantRef | undefined, v2: boolean): void {
  const base = sb.origin(ctx);
  const extra = v2 ? { issuer: `${base}/${t?.tenantId ?? '{tenantid}'}/v2.0` } : {};
  sendJson(ctx, 200, { keys: [jwkOf(sb.pki.signing, extra)] }, { 'cache-control': 'max-age=86400, private' });
}

function userRealm(sb: SandboxImpl, ctx: Ctx): void {
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

// ------------------------------------------------------------------------------------------------ scopes & resources

function normUri(s: string): string {
  return s.replace(/\/+$/, '').toLowerCase();
}

export function findResource(sb: SandboxImpl, identifier: string): ResourceConfig | undefined {
  const n = normUri(identifier);
  return sb.config.resources.find((r) => r.appId.toLowerCase() === n || r.identifierUris.some((u) => normUri(u) === n));
}

export interface ScopeInfo {
  oidc: string[];
  resource: ResourceConfig;
  /** The resource identifier as the client wrote it (v1 `aud`). */
  requested: string;
  isDefault: boolean;
  /** Delegated permissions granted (names only). */
  perms: string[];
  /** The `scope` field of the answer. */
  responseScope: string;
  /** The scope string to remember for refresh tokens. */
  original: string;
}

function splitScope(s: string): { resource: string; perm: string } {
  if (s.endsWith('/.default')) return { resource: s.slice(0, -'/.default'.length), perm: '.default' };
  const schemeEnd = s.indexOf('://');
  const slash = s.lastIndexOf('/');
  if (slash > (schemeEnd >= 0 ? schemeEnd + 2 : -1) && slash < s.length - 1)
    return { resource: s.slice(0, slash), perm: s.slice(slash + 1) };
  if (GUID.test(s)) return { resource: s, perm: '.default' };
  return { resource: '', perm: s };
}

export function parseScopes(
  sb: SandboxImpl,
  scope: string | undefined,
  tenantName: string,
  opts: { clientCredentials?: boolean } = {},
): ScopeInfo {
  if (scope === undefined) throw aad.missingParameter('scope');
  const tokens = scope.split(/[\s+]+/).filter(Boolean);
  if (tokens.length === 0) throw aad.invalidScope('');
  for (const t of tokens) {
    // eslint-disable-next-line no-control-regex
    if (t.length > 1000 || /[\u0000-\u001f"<>\\]/.test(t)) throw aad.invalidScopeValue(t.slice(0, 100));
  }
  if (opts.clientCredentials) {
    const nonDefault = tokens.find((t) => !t.endsWith('/.default'));
    if (nonDefault) throw aad.clientCredentialScope(nonDefault);
    if (tokens.length > 1) throw aad.invalidScopeValue(tokens.join(' '));
  }
  const oidc = tokens.filter((t) => OIDC_SCOPES.includes(t.toLowerCase())).map((t) => t.toLowerCase());
  const rest = tokens.filter((t) => !OIDC_SCOPES.includes(t.toLowerCase()));
  let resourceId = '';
  let unqualified = false;
  const perms: string[] = [];
  for (const t of rest) {
    const { resource, perm } = splitScope(t);
    if (!resource && (perm === '.default' || t.includes('/'))) throw aad.invalidScopeValue(t);
    const r = resource || GRAPH;
    if (!resource) unqualified = true;
    if (resourceId && normUri(resourceId) !== normUri(r)) {
      const a = findResource(sb, resourceId);
      const b = findResource(sb, r);
      if (!a || !b || a.appId !== b.appId) throw aad.invalidScopeValue(`${rest.join(' ')}`);
    }
    if (!resourceId) resourceId = r;
    perms.push(perm);
  }
  if (!resourceId) {
    // Only OpenID scopes: Entra answers with a Graph token carrying them.
    const graph = findResource(sb, GRAPH);
    if (!graph) throw aad.resourceNotFound(GRAPH, tenantName);
    const granted = oidc.filter((s) => s !== 'offline_access');
    return {
      oidc,
      resource: graph,
      requested: `${GRAPH}/`,
      isDefault: false,
      perms: granted,
      responseScope: granted.join(' '),
      original: scope,
    };
  }
  const resource = findResource(sb, resourceId);
  if (!resource) throw aad.resourceNotFound(resourceId, tenantName);
  const isDefault = perms.includes('.default');
  if (isDefault && perms.length > 1) throw aad.invalidScopeValue(rest.join(' '));
  if (!isDefault && resource.scopes.length) {
    for (const p of perms)
      if (!resource.scopes.some((s) => s.toLowerCase() === p.toLowerCase()))
        throw aad.invalidScopeValue(`${resourceId}/${p}`);
  }
  const granted = isDefault ? [resource.scopes[0] ?? 'user_impersonation'] : perms;
  const qualify = (p: string) => (unqualified ? p : `${resourceId}/${p}`);
  const responseScope = [...granted.map(qualify), ...(isDefault ? [qualify('.default')] : [])].join(' ');
  return { oidc, resource, requested: resourceId, isDefault, perms: granted, responseScope, original: scope };
}

/** The resource identifier a remembered scope string was for (v1 refresh without `resource=`). */
function resourceOfScope(scope: string): string {
  const first = scope.split(/\s+/).find((t) => t && !OIDC_SCOPES.includes(t.toLowerCase()));
  if (!first) return `${GRAPH}/`;
  return splitScope(first).resource || GRAPH;
}

/** v1 `resource=` → the same ScopeInfo, keeping the identifier exactly as sent (it becomes `aud`). */
function parseV1Resource(sb: SandboxImpl, resource: string | undefined, tenantName: string): ScopeInfo {
  if (!resource) throw aad.missingParameter('resource');
  const r = findResource(sb, resource);
  if (!r) throw aad.resourceNotFound(resource, tenantName);
  return {
    oidc: ['openid', 'offline_access'],
    resource: r,
    requested: resource,
    isDefault: true,
    perms: [r.scopes[0] ?? 'user_impersonation'],
    responseScope: r.scopes[0] ?? 'user_impersonation',
    original: `${resource}/.default openid offline_access`,
  };
}

// ------------------------------------------------------------------------------------------------ apps & client auth

function appAvailableIn(sb: SandboxImpl, app: AppConfig, tenantId: string): boolean {
  return Boolean(app.multiTenant) || sb.appTenant(app) === tenantId;
}

function findApp(sb: SandboxImpl, clientId: string | undefined, t: TenantRef): AppConfig {
  if (!clientId) throw aad.missingParameter('client_id');
  const app = sb.appById(clientId);
  const dir = t.tenantId ?? t.segment;
  if (!app) throw aad.appNotFound(clientId, dir);
  if (t.tenantId && !appAvailableIn(sb, app, t.tenantId)) throw aad.appNotFound(clientId, dir);
  return app;
}

function basicCredentials(ctx: Ctx): { id: string; secret: string } | undefined {
  const h = header(ctx, 'authorization');
  const m = h ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(text.slice(0, i)), secret: dec(text.slice(i + 1)) };
}

function normThumb(s: string): string {
  // x5t arrives base64url without padding (msal-node), with padding (MSAL Python) or as standard base64.
  return s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function assertionAudienceOk(sb: SandboxImpl, aud: unknown, t: TenantRef): boolean {
  const auds = Array.isArray(aud) ? aud : [aud];
  return auds.some((a) => {
    if (typeof a !== 'string') return false;
    let u: URL;
    try {
      u = new URL(a);
    } catch {
      return false;
    }
    const port = u.port ? Number(u.port) : 443;
    if (u.protocol !== 'https:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname.toLowerCase()))
      return false;
    if (port !== sb.authorityPort && !sb.extraPorts.includes(port)) return false;
    const parts = u.pathname.split('/').filter(Boolean);
    const seg = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    if (!['oauth2/v2.0/token', 'oauth2/token', 'v2.0'].includes(rest)) return false;
    if (seg.toLowerCase() === t.segment.toLowerCase()) return true;
    try {
      const r = resolveTenant(sb, seg);
      return r.tenantId !== undefined && r.tenantId === t.tenantId;
    } catch {
      return false;
    }
  });
}

function checkTimes(sb: SandboxImpl, p: JWTPayload): void {
  const now = sb.nowSec();
  const skew = sb.config.assertionClockSkewSec;
  const exp = typeof p.exp === 'number' ? p.exp : undefined;
  const nbf = typeof p.nbf === 'number' ? p.nbf : undefined;
  if (exp === undefined || now > exp + skew || (nbf !== undefined && nbf > now + skew))
    throw aad.assertionTime(now, nbf, exp);
}

async function verifyWith(token: string, key: CertificateMaterial['publicKey']): Promise<boolean> {
  try {
    const { protectedHeader } = await compactVerify(token, key, {
      algorithms: ['RS256', 'PS256', 'RS384', 'RS512', 'PS384', 'PS512'],
    });
    return Boolean(protectedHeader);
  } catch {
    return false;
  }
}

function decodeAssertion(token: string): { header: Record<string, unknown>; payload: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, payload: decodeJwt(token) };
  } catch (e) {
    throw aad.assertionMalformed((e as Error).message);
  }
}

/** Validates a federated (external issuer) assertion against the app's federated identity credentials. */
async function verifyFederated(sb: SandboxImpl, app: AppConfig, token: string): Promise<void> {
  const { payload } = decodeAssertion(token);
  const iss = String(payload.iss ?? '');
  const sub = String(payload.sub ?? '');
  const auds = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (a): a is string => typeof a === 'string',
  );
  const fics = app.federatedCredentials ?? [];
  const byIssuer = fics.filter((f) => sb.expand(f.issuer) === iss);
  if (byIssuer.length === 0) throw aad.noFederatedIssuer(iss);
  const match = byIssuer.find((f) => f.subject === sub && f.audiences.some((a) => auds.includes(a)));
  if (!match) throw aad.noFederatedRecord(iss, sub, auds.join(','));
  const name = issuerNameFromUrl(sb, iss);
  if (!name) throw aad.externalIssuerUnreachable(iss);
  if (!(await verifyWith(token, (await sb.issuerKey(name)).publicKey))) throw aad.badAssertionSignature();
  checkTimes(sb, payload);
}

async function verifyCertificateAssertion(sb: SandboxImpl, app: AppConfig, token: string, t: TenantRef): Promise<void> {
  const { header: h, payload } = decodeAssertion(token);
  const certs = (app.certificates ?? []).map((c) => {
    if (c.generated === 'default')
      return {
        publicKey: sb.pki.client.publicKey,
        x5t: sb.pki.client.x5t,
        x5tS256: sb.pki.client.x5tS256,
        hex: sb.pki.client.thumbprintSha1Hex,
      };
    const parsed = sb.parsedCert(c.pem!);
    return {
      publicKey: parsed.publicKey,
      x5t: parsed.thumbprints.x5t,
      x5tS256: parsed.thumbprints.x5tS256,
      hex: parsed.thumbprints.thumbprintSha1Hex,
    };
  });
  const x5t = typeof h.x5t === 'string' ? normThumb(h.x5t) : undefined;
  const x5tS256 = typeof h['x5t#S256'] === 'string' ? normThumb(h['x5t#S256'] as string) : undefined;
  const kid = typeof h.kid === 'string' ? h.kid : undefined;
  let candidates = certs;
  if (x5t || x5tS256 || kid) {
    candidates = certs.filter(
      (c) =>
        (x5t && c.x5t === x5t) ||
        (x5tS256 && c.x5tS256 === x5tS256) ||
        (kid && (kid.toUpperCase() === c.hex || normThumb(kid) === c.x5t)),
    );
    if (candidates.length === 0) {
      const shown = x5t
        ? Buffer.from(x5t, 'base64url').toString('hex').toUpperCase()
        : x5tS256
          ? Buffer.from(x5tS256, 'base64url').toString('hex').toUpperCase()
          : (kid ?? '');
      throw aad.certNotRegistered(app.clientId, shown);
    }
  }
  if (candidates.length === 0) throw aad.certNotRegistered(app.clientId, '');
  let ok = false;
  for (const c of candidates) if (await verifyWith(token, c.publicKey)) ok = true;
  if (!ok) throw aad.badAssertionSignature();
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) throw aad.assertionIssuerSubject(app.clientId);
  if (!assertionAudienceOk(sb, payload.aud, t)) throw aad.assertionAudience(String(payload.aud));
  checkTimes(sb, payload);
}

/** Authenticates the client; returns the appidacr / azpacr value. */
async function authenticateClient(
  sb: SandboxImpl,
  ctx: Ctx,
  app: AppConfig,
  t: TenantRef,
  opts: { required: boolean },
): Promise<'0' | '1' | '2'> {
  const basic = basicCredentials(ctx);
  const secret =
    ctx.form.client_secret ??
    (basic && basic.id.toLowerCase() === app.clientId.toLowerCase() ? basic.secret : undefined);
  const assertion = ctx.form.client_assertion;
  if (app.kind === 'public') {
    if (secret !== undefined || assertion !== undefined) throw aad.publicClientWithSecret();
    return '0';
  }
  if (secret !== undefined) {
    const now = sb.nowMs();
    const matches = (app.secrets ?? []).filter((s) => s.value === secret);
    if (matches.length === 0) throw aad.invalidSecret(app.clientId);
    if (!matches.some((s) => !s.expiresAt || Date.parse(s.expiresAt) > now)) throw aad.expiredSecret(app.clientId);
    return '1';
  }
  if (assertion !== undefined) {
    const type = ctx.form.client_assertion_type;
    if (type !== JWT_BEARER_ASSERTION) throw aad.missingParameter('client_assertion_type');
    const { payload } = decodeAssertion(assertion);
    if (payload.iss === app.clientId) await verifyCertificateAssertion(sb, app, assertion, t);
    else await verifyFederated(sb, app, assertion);
    return '2';
  }
  if (opts.required) throw aad.credentialRequired();
  return '0';
}

// ------------------------------------------------------------------------------------------------ users

interface ResolvedUser {
  user: UserConfig;
  tenantId: string;
}

function resolveUser(sb: SandboxImpl, t: TenantRef, username: string, app: AppConfig): ResolvedUser {
  const user = sb.userByName(username);
  const dir = t.tenantId ?? sb.defaultTenantId();
  if (!user) throw aad.userNotFound(dir);
  const home = sb.userTenant(user);
  if (t.tenantId && t.tenantId !== home) throw aad.userNotInTenant(home, t.tenantId, app.clientId, app.displayName);
  if (!appAvailableIn(sb, app, home)) throw aad.appNotFound(app.clientId, home);
  return { user, tenantId: home };
}

function consentKey(user: UserConfig, app: AppConfig): string {
  return `${user.objectId}|${app.clientId}`;
}

/** Policies evaluated at token issuance: Conditional Access, MFA, consent. */
function checkPolicies(sb: SandboxImpl, user: UserConfig, app: AppConfig, scope: ScopeInfo, mfaDone: boolean): void {
  if (user.conditionalAccessBlock) throw aad.conditionalAccess();
  if (user.mfa && !mfaDone) throw aad.mfaRequired(scope.requested);
  if (app.consentRequired && !sb.consents.has(consentKey(user, app)))
    throw aad.consentRequired(app.clientId, app.displayName);
}

// ------------------------------------------------------------------------------------------------ issuing

interface Issued {
  body: Record<string, unknown>;
}

function sp(app: AppConfig, tenantId: string): string {
  return guidFrom(`sp:${app.clientId}:${tenantId}`);
}

async function mintAccessToken(
  sb: SandboxImpl,
  ctx: Ctx,
  subject: Subject,
  scope: ScopeInfo,
  lifetime: number,
): Promise<string> {
  const claims = accessTokenClaims({
    subject,
    resource: scope.resource,
    requestedAudience: scope.requested,
    scp: scope.perms,
    issuedAt: sb.nowSec(),
    lifetimeSec: lifetime,
    authorityOrigin: sb.origin(ctx),
  });
  return signJwt(sb.pki.signing, claims);
}

/** Builds the success body for user flows (AT + RT + ID token + client_info). */
async function issueUserTokens(
  sb: SandboxImpl,
  ctx: Ctx,
  o: {
    app: AppConfig;
    user: UserConfig;
    tenantId: string;
    scope: ScopeInfo;
    clientAuth: '0' | '1' | '2';
    mfaDone: boolean;
    nonce?: string;
    version: 1 | 2;
    refreshToken?: boolean;
    idToken?: boolean;
  },
): Promise<Issued> {
  const life = sb.config.tokenLifetimeSec;
  const subject: Subject = {
    kind: 'user',
    tenantId: o.tenantId,
    clientId: o.app.clientId,
    clientAuth: o.clientAuth,
    objectId: o.user.objectId,
    user: { username: o.user.username, displayName: o.user.displayName, mfa: o.mfaDone },
  };
  const at = await mintAccessToken(sb, ctx, subject, o.scope, life);
  const wantRt = o.refreshToken ?? o.scope.oidc.includes('offline_access');
  const wantId = o.idToken ?? o.scope.oidc.includes('openid');
  let rt: string | undefined;
  if (wantRt) {
    rt = `0.A${sb.newId(96)}`;
    const now = sb.nowSec();
    sb.prune();
    sb.refreshTokens.set(rt, {
      token: rt,
      clientId: o.app.clientId,
      username: o.user.username,
      tenantId: o.tenantId,
      scope: o.scope.original,
      mfaDone: o.mfaDone,
      issuedAt: now,
      expiresAt: now + sb.config.refreshTokenLifetimeSec,
      revoked: false,
      used: false,
    });
  }
  let idt: string | undefined;
  if (wantId) {
    const claims = idTokenClaims({
      tenantId: o.tenantId,
      clientId: o.app.clientId,
      user: { username: o.user.username, displayName: o.user.displayName, objectId: o.user.objectId, mfa: o.mfaDone },
      nonce: o.nonce,
      issuedAt: sb.nowSec(),
      lifetimeSec: life,
      authorityOrigin: sb.origin(ctx),
      version: o.version,
    });
    idt = o.version === 1 ? unsignedJwt(claims) : await signJwt(sb.pki.signing, claims);
  }
  if (o.version === 1) {
    const now = sb.nowSec();
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: o.scope.responseScope,
      expires_in: String(life),
      ext_expires_in: String(life),
      expires_on: String(now + life),
      not_before: String(now),
      resource: o.scope.requested,
      access_token: at,
    };
    if (rt) body.refresh_token = rt;
    if (idt) body.id_token = idt;
    return { body };
  }
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: o.scope.responseScope,
    expires_in: life,
    ext_expires_in: life,
    access_token: at,
  };
  if (rt) body.refresh_token = rt;
  if (idt) body.id_token = idt;
  if (ctx.form.client_info === '1') body.client_info = clientInfo(o.user.objectId, o.tenantId);
  return { body };
}

async function issueAppToken(
  sb: SandboxImpl,
  ctx: Ctx,
  app: AppConfig,
  tenantId: string,
  scope: ScopeInfo,
  clientAuth: '0' | '1' | '2',
  version: 1 | 2,
): Promise<Issued> {
  const life = sb.config.tokenLifetimeSec;
  const subject: Subject = {
    kind: 'app',
    tenantId,
    clientId: app.clientId,
    clientAuth,
    objectId: sp(app, tenantId),
    roles: app.roles,
  };
  const at = await mintAccessToken(sb, ctx, subject, scope, life);
  if (version === 1) {
    const now = sb.nowSec();
    return {
      body: {
        token_type: 'Bearer',
        expires_in: String(life),
        ext_expires_in: String(life),
        expires_on: String(now + life),
        not_before: String(now),
        resource: scope.requested,
        access_token: at,
      },
    };
  }
  return { body: { token_type: 'Bearer', expires_in: life, ext_expires_in: life, access_token: at } };
}

// ------------------------------------------------------------------------------------------------ token endpoint

async function tokenEndpoint(sb: SandboxImpl, ctx: Ctx, version: 1 | 2): Promise<void> {
  const t = resolveTenant(sb, ctx.params.tenant ?? '');
  const f = ctx.form;
  const grant = f.grant_type;
  if (!grant) throw aad.missingParameter('grant_type');
  const basic = basicCredentials(ctx);
  let clientId = f.client_id ?? basic?.id;
  if (!clientId && f.client_assertion) {
    try {
      clientId = String(decodeJwt(f.client_assertion).iss ?? '');
    } catch {
      // reported below
    }
  }
  const app = findApp(sb, clientId, t);
  const tenantName = t.tenantId ?? t.segment;
  const scopeOf = (cc = false) =>
    version === 1
      ? parseV1Resource(sb, f.resource, tenantName)
      : parseScopes(sb, f.scope, tenantName, { clientCredentials: cc });
  let issued: Issued;

  switch (grant) {
    case 'client_credentials': {
      if (app.kind === 'public') throw aad.credentialRequired();
      const clientAuth = await authenticateClient(sb, ctx, app, t, { required: true });
      if (!t.tenantId) throw aad.noTenantInfo();
      const scope = scopeOf(true);
      issued = await issueAppToken(sb, ctx, app, t.tenantId, scope, clientAuth, version);
      break;
    }
    case 'password': {
      const clientAuth = await authenticateClient(sb, ctx, app, t, { required: app.kind === 'confidential' });
      if (!f.username) throw aad.missingParameter('username');
      if (f.password === undefined) throw aad.missingParameter('password');
      const scope = scopeOf();
      const { user, tenantId } = resolveUser(sb, t, f.username, app);
      if (user.password !== f.password) throw aad.badPassword();
      checkPolicies(sb, user, app, scope, false);
      issued = await issueUserTokens(sb, ctx, { app, user, tenantId, scope, clientAuth, mfaDone: false, version });
      break;
    }
    case 'urn:ietf:params:oauth:grant-type:device_code':
    case 'device_code': {
      const code = f.device_code ?? f.code;
      if (!code) throw aad.missingParameter('device_code');
      const clientAuth = await authenticateClient(sb, ctx, app, t, { required: app.kind === 'confidential' });
      const entry = sb.deviceCodes.get(code);
      if (!entry || entry.clientId !== app.clientId) throw aad.badDeviceCode();
      if (sb.nowSec() >= entry.expiresAt) {
        sb.deviceCodes.delete(code);
        throw aad.deviceCodeExpired();
      }
      if (entry.state === 'declined') {
        sb.deviceCodes.delete(code);
        throw aad.deviceCodeDeclined();
      }
      if (entry.state === 'pending') throw aad.authorizationPending();
      const user = sb.userByName(entry.username ?? '');
      if (!user) throw aad.badDeviceCode();
      const scope =
        entry.v1Resource !== undefined
          ? parseV1Resource(sb, entry.v1Resource, tenantName)
          : parseScopes(sb, entry.scope, tenantName);
      const { tenantId } = resolveUser(sb, t, user.username, app);
      sb.deviceCodes.delete(code);
      checkPolicies(sb, user, app, scope, Boolean(entry.mfaDone));
      issued = await issueUserTokens(sb, ctx, {
        app,
        user,
        tenantId,
        scope,
        clientAuth,
        mfaDone: Boolean(entry.mfaDone),
        version,
      });
      break;
    }
    case 'authorization_code': {
      const code = f.code;
      if (!code) throw aad.missingParameter('code');
      const clientAuth = await authenticateClient(sb, ctx, app, t, { required: app.kind === 'confidential' });
      const entry = sb.authCodes.get(code);
      if (!entry) throw aad.badCode();
      if (entry.used) throw aad.codeRedeemed();
      if (entry.clientId !== app.clientId) throw aad.badCode();
      if (sb.nowSec() >= entry.expiresAt) throw aad.codeExpired();
      if (f.redirect_uri === undefined) throw aad.missingParameter('redirect_uri');
      if (f.redirect_uri !== entry.redirectUri) throw aad.redirectMismatch(f.redirect_uri, app.clientId);
      if (entry.codeChallenge) {
        const verifier = f.code_verifier;
        if (!verifier) throw aad.pkceMissing();
        const computed =
          entry.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
        if (computed !== entry.codeChallenge) throw aad.pkceMismatch();
      }
      entry.used = true;
      const user = sb.userByName(entry.username);
      if (!user) throw aad.badCode();
      const scope =
        version === 1 && f.resource
          ? parseV1Resource(sb, f.resource, tenantName)
          : parseScopes(sb, f.scope ?? entry.scope, tenantName);
      checkPolicies(sb, user, app, scope, entry.mfaDone);
      issued = await issueUserTokens(sb, ctx, {
        app,
        user,
        tenantId: entry.tenantId,
        scope,
        clientAuth,
        mfaDone: entry.mfaDone,
        nonce: entry.nonce,
        version,
      });
      break;
    }
    case 'refresh_token': {
      const token = f.refresh_token;
      if (!token) throw aad.missingParameter('refresh_token');
      const clientAuth = await authenticateClient(sb, ctx, app, t, { required: app.kind === 'confidential' });
      const entry = sb.refreshTokens.get(token);
      if (!entry) throw aad.refreshUnknown();
      if (entry.clientId !== app.clientId) throw aad.refreshWrongClient();
      if (entry.revoked) throw aad.refreshRevoked();
      if (sb.nowSec() >= entry.expiresAt) throw aad.refreshExpired(entry.issuedAt);
      if (entry.used && sb.config.refreshTokenSingleUse) throw aad.refreshUsed();
      if (t.tenantId && t.tenantId !== entry.tenantId) {
        const u = sb.userByName(entry.username);
        if (u) throw aad.userNotInTenant(entry.tenantId, t.tenantId, app.clientId, app.displayName);
      }
      const user = sb.userByName(entry.username);
      if (!user) throw aad.refreshRevoked();
      const scopeText = version === 1 ? undefined : (f.scope ?? entry.scope);
      const scope =
        version === 1
          ? parseV1Resource(sb, f.resource ?? resourceOfScope(entry.scope), tenantName)
          : parseScopes(sb, scopeText, tenantName);
      checkPolicies(sb, user, app, scope, entry.mfaDone);
      // A redeemed token stays known (marked used) so that replaying it answers 70008, as Entra does, not "unknown".
      entry.used = true;
      issued = await issueUserTokens(sb, ctx, {
        app,
        user,
        tenantId: entry.tenantId,
        scope,
        clientAuth,
        mfaDone: entry.mfaDone,
        version,
        refreshToken: true,
      });
      break;
    }
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
      if (f.requested_token_use !== 'on_behalf_of') throw aad.missingParameter('requested_token_use');
      const assertion = f.assertion;
      if (!assertion) throw aad.missingParameter('assertion');
      const clientAuth = await authenticateClient(sb, ctx, app, t, { required: true });
      let payload: JWTPayload;
      try {
        payload = decodeJwt(assertion);
      } catch (e) {
        throw aad.oboBadAssertion((e as Error).message);
      }
      if (!(await verifyWith(assertion, sb.pki.signing.publicKey)))
        throw aad.oboBadAssertion('The assertion was not issued by this sandbox.');
      if (typeof payload.exp !== 'number' || sb.nowSec() > payload.exp + sb.config.assertionClockSkewSec)
        throw aad.oboBadAssertion('The assertion has expired.');
      const aud = String(payload.aud ?? '');
      const audResource = findResource(sb, aud);
      if (aud.toLowerCase() !== app.clientId && audResource?.appId !== app.clientId) throw aad.oboWrongAudience();
      const user = sb.config.users.find((u) => u.objectId === payload.oid);
      if (!user || payload.idtyp === 'app') throw aad.oboBadAssertion('The assertion does not represent a user.');
      const tenantId = String(payload.tid ?? sb.userTenant(user));
      const scope = scopeOf();
      const mfaDone = Array.isArray(payload.amr) && payload.amr.includes('mfa');
      if (user.conditionalAccessBlock) throw aad.conditionalAccess();
      if (user.mfa && !mfaDone) throw aad.mfaRequired(scope.requested);
      issued = await issueUserTokens(sb, ctx, {
        app,
        user,
        tenantId,
        scope,
        clientAuth,
        mfaDone,
        version,
        refreshToken: true,
        idToken: false,
      });
      break;
    }
    case 'urn:ietf:params:oauth:grant-type:token-exchange': {
      const subjectToken = f.subject_token;
      if (!subjectToken) throw aad.missingParameter('subject_token');
      if (f.client_assertion !== undefined || f.client_secret !== undefined)
        await authenticateClient(sb, ctx, app, t, { required: true });
      await verifyFederated(sb, app, subjectToken);
      if (!t.tenantId) throw aad.noTenantInfo();
      const scope = scopeOf(true);
      issued = await issueAppToken(sb, ctx, app, t.tenantId, scope, '2', version);
      break;
    }
    default:
      throw aad.unsupportedGrant(grant.slice(0, 200));
  }
  sendJson(ctx, 200, issued.body, responseHeaders(ctx));
}

// ------------------------------------------------------------------------------------------------ device code

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newUserCode(): string {
  const bytes = b64url(32);
  let s = '';
  for (let i = 0; s.length < 9; i++)
    s += USER_CODE_ALPHABET[bytes.charCodeAt(i % bytes.length) % USER_CODE_ALPHABET.length];
  return s;
}

function deviceCodeEndpoint(sb: SandboxImpl, ctx: Ctx, version: 1 | 2): void {
  const t = resolveTenant(sb, ctx.params.tenant ?? '');
  const app = findApp(sb, ctx.form.client_id, t);
  const tenantName = t.tenantId ?? t.segment;
  if (version === 1) parseV1Resource(sb, ctx.form.resource, tenantName);
  else parseScopes(sb, ctx.form.scope, tenantName);
  const entry: DeviceCodeEntry = {
    deviceCode: `DAQABAAEAAA${sb.newId(96)}`,
    userCode: newUserCode(),
    clientId: app.clientId,
    tenantSegment: t.segment,
    tenantId: t.tenantId,
    scope: ctx.form.scope ?? '',
    ...(version === 1 ? { v1Resource: ctx.form.resource } : {}),
    expiresAt: sb.nowSec() + sb.config.deviceCode.expiresInSec,
    interval: sb.config.deviceCode.intervalSec,
    state: 'pending',
  };
  sb.prune();
  sb.deviceCodes.set(entry.deviceCode, entry);
  const uri = `${sb.origin(ctx)}/devicelogin`;
  const message = `To sign in, use a web browser to open the page ${uri} and enter the code ${entry.userCode} to authenticate.`;
  if (version === 1) {
    sendJson(
      ctx,
      200,
      {
        user_code: entry.userCode,
        device_code: entry.deviceCode,
        verification_url: uri,
        expires_in: String(sb.config.deviceCode.expiresInSec),
        interval: String(entry.interval),
        message,
      },
      responseHeaders(ctx),
    );
    return;
  }
  sendJson(
    ctx,
    200,
    {
      user_code: entry.userCode,
      device_code: entry.deviceCode,
      verification_uri: uri,
      expires_in: sb.config.deviceCode.expiresInSec,
      interval: entry.interval,
      message,
    },
    responseHeaders(ctx),
  );
}

function deviceLogin(sb: SandboxImpl, ctx: Ctx): void {
  const users = sb.config.users.map((u) => u.username);
  const action = '/devicelogin';
  if (ctx.method === 'GET') {
    sendHtml(ctx, 200, deviceLoginPage({ action, users, userCode: ctx.query.otc ?? ctx.query.user_code }));
    return;
  }
  const f = ctx.form;
  const code = (f.user_code ?? '').replace(/[\s-]/g, '').toUpperCase();
  let entry: DeviceCodeEntry;
  try {
    entry = sb.findDeviceCode(code);
  } catch {
    sendHtml(
      ctx,
      200,
      deviceLoginPage({ action, users, error: "That code didn't work. Check the code and try again." }),
    );
    return;
  }
  const app = sb.appById(entry.clientId);
  if (sb.nowSec() >= entry.expiresAt) {
    sendHtml(ctx, 200, deviceLoginPage({ action, users, error: 'AADSTS70019: Verification code expired.' }));
    return;
  }
  if (f.action === 'decline') {
    entry.state = 'declined';
    sendHtml(ctx, 200, deviceLoginPage({ action, users, done: 'You declined the sign-in request.' }));
    return;
  }
  const user = sb.userByName(f.username ?? '');
  const fail = (msg: string) =>
    sendHtml(ctx, 200, deviceLoginPage({ action, users, userCode: code, appName: app?.displayName, error: msg }));
  if (!user) return fail(`AADSTS50034: The user account does not exist in the directory.`);
  if (user.password !== f.password)
    return fail('AADSTS50126: Error validating credentials due to invalid username or password.');
  if (user.mfa) {
    if (!f.otp) return fail('This user requires multi-factor authentication: enter the MFA code.');
    if (f.otp !== (user.mfaCode ?? ''))
      return fail('AADSTS50074: Strong Authentication is required. The MFA code is wrong.');
  }
  entry.state = 'approved';
  entry.username = user.username;
  entry.mfaDone = Boolean(user.mfa);
  if (app) sb.consents.add(consentKey(user, app));
  sendHtml(
    ctx,
    200,
    deviceLoginPage({
      action,
      users,
      done: `You have signed in to ${app?.displayName ?? 'the application'} on your device.`,
    }),
  );
}

// ------------------------------------------------------------------------------------------------ authorize

const RESPONSE_MODES = ['query', 'fragment', 'form_post'];

function deliver(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, result: Record<string, string>): void {
  const p = txn.params;
  const redirectUri = p.redirect_uri!;
  const fields: Record<string, string> = { ...result };
  if (p.state !== undefined) fields.state = p.state;
  const mode = p.response_mode ?? 'query';
  sb.authorizeTxns.delete(txn.id);
  if (mode === 'form_post') {
    const nonce = sb.newId(16);
    sendHtml(ctx, 200, formPostPage(redirectUri, fields, nonce), {
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; form-action *`,
    });
    return;
  }
  const u = new URL(redirectUri);
  const qs = new URLSearchParams(fields).toString();
  if (mode === 'fragment') redirect(ctx, `${u.toString().split('#')[0]}#${qs}`);
  else {
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
    redirect(ctx, u.toString());
  }
}

function deliverError(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, err: AadError): void {
  const body = aadErrorBody(err.spec, sb.nowMs(), txn.params['client-request-id']);
  deliver(sb, ctx, txn, {
    error: err.spec.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
  });
}

function redirectUriMatches(registered: string[], given: string): boolean {
  let g: URL;
  try {
    g = new URL(given);
  } catch {
    return false;
  }
  return registered.some((r) => {
    if (r === given) return true;
    let ru: URL;
    try {
      ru = new URL(r);
    } catch {
      return false;
    }
    // Loopback redirect URIs match on any port (as Entra does for http://localhost and http://127.0.0.1).
    const loop = (h: string) => ['localhost', '127.0.0.1', '[::1]'].includes(h.toLowerCase());
    return (
      ru.protocol === g.protocol &&
      loop(ru.hostname) &&
      loop(g.hostname) &&
      ru.hostname === g.hostname &&
      ru.pathname.replace(/\/$/, '') === g.pathname.replace(/\/$/, '')
    );
  });
}

function authorizeGet(sb: SandboxImpl, ctx: Ctx, version: 1 | 2): void {
  const q = ctx.query;
  let t: TenantRef;
  try {
    t = resolveTenant(sb, ctx.params.tenant ?? '');
  } catch (e) {
    const err = e as AadError;
    sendHtml(ctx, 400, errorPage('Sign in failed', err.message, { 'Error code': String(err.spec.codes[0]) }));
    return;
  }
  const pageError = (err: AadError) =>
    sendHtml(
      ctx,
      400,
      errorPage('Sign in failed', err.message, { 'Error code': String(err.spec.codes[0]), 'Request Id': randomUUID() }),
    );
  let app: AppConfig;
  try {
    app = findApp(sb, q.client_id, t);
  } catch (e) {
    pageError(e as AadError);
    return;
  }
  if (!q.redirect_uri) return pageError(aad.missingParameter('redirect_uri'));
  if (!redirectUriMatches(app.redirectUris ?? [], q.redirect_uri))
    return pageError(aad.redirectMismatch(q.redirect_uri, app.clientId));
  const txn: AuthorizeTxn = {
    id: sb.newId(24),
    tenantSegment: t.segment,
    tenantId: t.tenantId,
    params: { ...q },
    createdAt: sb.nowSec(),
  };
  if (ctx.headers['client-request-id']) txn.params['client-request-id'] = String(ctx.headers['client-request-id']);
  if (txn.params.response_mode && !RESPONSE_MODES.includes(txn.params.response_mode)) {
    delete txn.params.response_mode;
    return deliverError(
      sb,
      ctx,
      txn,
      new AadError({
        error: 'invalid_request',
        status: 400,
        codes: [900144],
        text: `The 'response_mode' parameter value '${q.response_mode}' is not supported.`,
      }),
    );
  }
  if ((q.response_type ?? '') !== 'code')
    return deliverError(sb, ctx, txn, aad.responseTypeUnsupported(q.response_type ?? ''));
  try {
    if (version === 1) parseV1Resource(sb, q.resource ?? 'https://graph.windows.net/', t.tenantId ?? t.segment);
    else parseScopes(sb, q.scope, t.tenantId ?? t.segment);
  } catch (e) {
    return deliverError(sb, ctx, txn, e as AadError);
  }
  if (q.code_challenge !== undefined) {
    const m = q.code_challenge_method ?? 'plain';
    if (m !== 'S256' && m !== 'plain')
      return deliverError(
        sb,
        ctx,
        txn,
        new AadError({
          error: 'invalid_request',
          status: 400,
          codes: [501491],
          text: `Invalid code_challenge_method '${m}'. Supported: S256, plain.`,
        }),
      );
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(q.code_challenge))
      return deliverError(
        sb,
        ctx,
        txn,
        new AadError({
          error: 'invalid_request',
          status: 400,
          codes: [501491],
          text: 'Invalid size of Code_Challenge parameter.',
        }),
      );
  }
  if (q.prompt === 'none') {
    return deliverError(
      sb,
      ctx,
      txn,
      new AadError({
        error: 'login_required',
        status: 400,
        codes: [50058],
        text: 'A silent sign-in request was sent but no user is signed in.',
      }),
    );
  }
  sb.authorizeTxns.set(txn.id, txn);
  if (sb.authorizeTxns.size > 1000) sb.authorizeTxns.delete(sb.authorizeTxns.keys().next().value!);
  renderSignIn(sb, ctx, txn, app, 'credentials');
}

function renderSignIn(
  sb: SandboxImpl,
  ctx: Ctx,
  txn: AuthorizeTxn,
  app: AppConfig,
  step: 'credentials' | 'mfa' | 'consent',
  error?: string,
): void {
  const tenant = sb.tenantById(txn.tenantId);
  const scopes = (txn.params.scope ?? txn.params.resource ?? '').split(/\s+/).filter(Boolean);
  sendHtml(
    ctx,
    200,
    signInPage({
      action: ctx.path,
      txn: txn.id,
      appName: app.displayName,
      tenantName: tenant?.displayName ?? txn.tenantSegment,
      step,
      loginHint: txn.params.login_hint,
      username: txn.username,
      scopes,
      error,
      users: sb.config.users.map((u) => u.username),
    }),
  );
}

function authorizePost(sb: SandboxImpl, ctx: Ctx): void {
  const f = ctx.form;
  const txn = f.txn ? sb.authorizeTxns.get(f.txn) : undefined;
  if (!txn) {
    sendHtml(
      ctx,
      400,
      errorPage(
        'Sign in failed',
        'AADSTS90014: The sign-in session is unknown or has expired. Start the sign-in again from the application.',
      ),
    );
    return;
  }
  const app = sb.appById(txn.params.client_id ?? '');
  if (!app) {
    sendHtml(ctx, 400, errorPage('Sign in failed', 'AADSTS700016: The application no longer exists.'));
    return;
  }
  if (f.action === 'decline') return deliverError(sb, ctx, txn, aad.userDeclined());
  const t: TenantRef = {
    segment: txn.tenantSegment,
    tenantId: txn.tenantId,
    alias: txn.tenantId ? undefined : (txn.tenantSegment as Alias),
  };
  if (!txn.passwordOk) {
    let r: ResolvedUser;
    try {
      r = resolveUser(sb, t, f.username ?? '', app);
    } catch (e) {
      return renderSignIn(sb, ctx, txn, app, 'credentials', (e as Error).message);
    }
    if (r.user.password !== (f.password ?? ''))
      return renderSignIn(sb, ctx, txn, app, 'credentials', aad.badPassword().message);
    txn.username = r.user.username;
    txn.passwordOk = true;
    txn.tenantId = r.tenantId;
  }
  const user = sb.userByName(txn.username ?? '');
  if (!user)
    return renderSignIn(
      sb,
      ctx,
      txn,
      app,
      'credentials',
      aad.userNotFound(txn.tenantId ?? sb.defaultTenantId()).message,
    );
  if (user.conditionalAccessBlock) return deliverError(sb, ctx, txn, aad.conditionalAccess());
  if (user.mfa && !txn.mfaDone) {
    if (f.step !== 'mfa') return renderSignIn(sb, ctx, txn, app, 'mfa');
    if ((f.otp ?? '') !== (user.mfaCode ?? ''))
      return renderSignIn(
        sb,
        ctx,
        txn,
        app,
        'mfa',
        'AADSTS50074: Strong Authentication is required. The code you entered is wrong.',
      );
    txn.mfaDone = true;
  }
  const key = consentKey(user, app);
  if (app.consentRequired && !sb.consents.has(key)) {
    if (f.step !== 'consent' || f.action !== 'accept') return renderSignIn(sb, ctx, txn, app, 'consent');
    sb.consents.add(key);
  }
  const code = `1.A${sb.newId(64)}`;
  sb.prune();
  sb.authCodes.set(code, {
    code,
    clientId: app.clientId,
    redirectUri: txn.params.redirect_uri!,
    scope: txn.params.scope ?? (txn.params.resource ? `${txn.params.resource}/.default openid offline_access` : ''),
    nonce: txn.params.nonce,
    codeChallenge: txn.params.code_challenge,
    codeChallengeMethod: txn.params.code_challenge ? (txn.params.code_challenge_method ?? 'plain') : undefined,
    username: user.username,
    tenantId: txn.tenantId ?? sb.userTenant(user),
    mfaDone: Boolean(txn.mfaDone),
    expiresAt: sb.nowSec() + sb.config.authCodeLifetimeSec,
    used: false,
  });
  const result: Record<string, string> = { code };
  if (txn.params.client_info === '1')
    result.client_info = clientInfo(user.objectId, txn.tenantId ?? sb.userTenant(user));
  result.session_state = randomUUID();
  deliver(sb, ctx, txn, result);
}

// ------------------------------------------------------------------------------------------------ userinfo & logout

async function userinfo(sb: SandboxImpl, ctx: Ctx): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(header(ctx, 'authorization') ?? '')?.[1];
  if (!token || !(await verifyWith(token, sb.pki.signing.publicKey))) {
    sendJson(
      ctx,
      401,
      { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } },
      { 'www-authenticate': 'Bearer realm=""' },
    );
    return;
  }
  const p = decodeJwt(token);
  const user = sb.config.users.find((u) => u.objectId === p.oid);
  if (!user) {
    sendJson(ctx, 401, {
      error: { code: 'InvalidAuthenticationToken', message: 'The token does not represent a user.' },
    });
    return;
  }
  const [given, ...rest] = user.displayName.split(' ');
  sendJson(ctx, 200, {
    sub: p.sub,
    name: user.displayName,
    family_name: rest.join(' '),
    given_name: given,
    picture: '',
    email: user.username,
  });
}

// ------------------------------------------------------------------------------------------------ routes

export function entraRoutes(sb: SandboxImpl): Route[] {
  const T = '([^/]+)';
  const withTenant =
    (fn: (ctx: Ctx, t: TenantRef) => void, notFound = 'invalid_tenant') =>
    (ctx: Ctx) =>
      guard(sb, ctx, () => {
        fn(ctx, resolveTenant(sb, ctx.params.tenant ?? '', notFound));
      });
  return [
    {
      endpoint: 'instance-discovery',
      methods: ['GET'],
      pattern: new RegExp(`^/${T}/discovery/instance/?$`),
      keys: ['tenant'],
      handler: (ctx) => guard(sb, ctx, () => instanceDiscovery(sb, ctx)),
    },
    {
      endpoint: 'openid-configuration',
      methods: ['GET'],
      pattern: new RegExp(`^/${T}/v2\\.0/\\.well-known/openid-configuration/?$`),
      keys: ['tenant'],
      handler: withTenant((ctx, t) =>
        sendJson(ctx, 200, openidConfigurationV2(sb, ctx, t), {
          'cache-control': 'max-age=86400, private',
          'access-control-allow-origin': '*',
        }),
      ),
    },
    {
      endpoint: 'openid-configuration',
      methods: ['GET'],
      pattern: new RegExp(`^/${T}/\\.well-known/openid-configuration/?$`),
      keys: ['tenant'],
      handler: withTenant((ctx, t) =>
        sendJson(ctx, 200, openidConfigurationV1(sb, ctx, t), {
          'cache-control': 'max-age=86400, private',
          'access-control-allow-origin': '*',
        }),
      ),
    },
    {
      endpoint: 'jwks',
      methods: ['GET'],
      pattern: new RegExp(`^/${T}/discovery/v2\\.0/keys/?$`),
      keys: ['tenant'],
      handler: withTenant((ctx, t) => jwks(sb, ctx, t, true)),
    },
    {
      endpoint: 'jwks',
      methods: ['GET'],
      pattern: new RegExp(`^/${T}/discovery/keys/?$`),
      keys: ['tenant'],
      handler: withTenant((ctx, t) => jwks(sb, ctx, t, false)),
    },
    {
      endpoint: 'token',
      methods: ['POST'],
      pattern: new RegExp(`^/${T}/oauth2/v2\\.0/token/?$`),
      keys: ['tenant'],
      handler: (ctx) => guard(sb, ctx, () => tokenEndpoint(sb, ctx, 2)),
    },
    {
      endpoint: 'token-v1',
      methods: ['POST'],
      pattern: new RegExp(`^/${T}/oauth2/token/?$`),
      keys: ['tenant'],
      handler: (ctx) => guard(sb, ctx, () => tokenEndpoint(sb, ctx, 1)),
    },
    {
      endpoint: 'devicecode',
      methods: ['POST'],
      pattern: new RegExp(`^/${T}/oauth2/v2\\.0/devicecode/?$`),
      keys: ['tenant'],
      handler: (ctx) => guard(sb, ctx, () => deviceCodeEndpoint(sb, ctx, 2)),
    },
    {
      endpoint: 'devicecode',
      methods: ['POST'],
      pattern: new RegExp(`^/${T}/oauth2/devicecode/?$`),
      keys: ['tenant'],
      handler: (ctx) => guard(sb, ctx, () => deviceCodeEndpoint(sb, ctx, 1)),
    },
    {
      endpoint: 'authorize',
      methods: ['GET', 'POST'],
      pattern: new RegExp(`^/${T}/oauth2/v2\\.0/authorize/?$`),
      keys: ['tenant'],
      handler: (ctx) => (ctx.method === 'POST' ? authorizePost(sb, ctx) : authorizeGet(sb, ctx, 2)),
    },
    {
      endpoint: 'authorize',
      methods: ['GET', 'POST'],
      pattern: new RegExp(`^/${T}/oauth2/authorize/?$`),
      keys: ['tenant'],
      handler: (ctx) => (ctx.method === 'POST' ? authorizePost(sb, ctx) : authorizeGet(sb, ctx, 1)),
    },
    {
      endpoint: 'devicelogin',
      methods: ['GET', 'POST'],
      pattern: /^\/(?:devicelogin|common\/oauth2\/deviceauth)\/?$/,
      handler: (ctx) => deviceLogin(sb, ctx),
    },
    {
      endpoint: 'userrealm',
      methods: ['GET', 'POST'],
      pattern: /^\/(?:common\/)?userrealm\/([^/]+)\/?$/,
      keys: ['upn'],
      handler: (ctx) => userRealm(sb, ctx),
    },
    {
      endpoint: 'userinfo',
      methods: ['GET', 'POST'],
      pattern: /^\/oidc\/userinfo\/?$/,
      handler: (ctx) => userinfo(sb, ctx),
    },
    {
      endpoint: 'logout',
      methods: ['GET', 'POST'],
      pattern: new RegExp(`^/${T}/oauth2/(?:v2\\.0/)?logout/?$`),
      keys: ['tenant'],
      handler: (ctx) => {
        const target = ctx.query.post_logout_redirect_uri;
        if (target && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//i.test(target)) redirect(ctx, target);
        else sendHtml(ctx, 200, errorPage('Signed out', 'You signed out of your account in the sandbox.'));
      },
    },
    {
      endpoint: 'index',
      methods: ['GET'],
      pattern: /^\/$/,
      handler: (ctx) => {
        const c = sb.config;
        send(ctx, 200, {
          name: 'Azure Auth Debugger sandbox (local Entra ID + managed identity emulator)',
          authorityHost: sb.origin(ctx),
          tenants: c.tenants.map((x) => ({ id: x.id, domain: x.domain })),
          openidConfiguration: `${sb.origin(ctx)}/${c.tenants[0]!.id}/v2.0/.well-known/openid-configuration`,
        });
      },
    },
  ];
}
