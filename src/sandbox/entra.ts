/**
 * Microsoft Entra ID on loopback: the route table. Each endpoint lives in its own module under entra/: discovery
 * (OIDC, instance, JWKS, user realm), the v2 and v1 token endpoints with one module per grant (entra/grants/), device
 * code, the authorize page and its sign-in steps (query / form_post / fragment, PKCE), userinfo and logout.
 */
import { send, sendJson, type Ctx, type Route } from './http';
import type { SandboxImpl } from './sandbox';
import { authorizeGet } from './entra/authorize';
import { deviceCodeEndpoint, deviceLogin } from './entra/device-code';
import { instanceDiscovery, jwks, openidConfigurationV1, openidConfigurationV2, userRealm } from './entra/discovery';
import { authorizePost } from './entra/sign-in-steps';
import { guard, resolveTenant, type TenantRef } from './entra/tenant';
import { tokenEndpoint } from './entra/token';
import { logout, userinfo } from './entra/userinfo';

export { findResource, parseScopes, type ScopeInfo } from './entra/scopes';
export { resolveTenant, sendAadError, type TenantRef } from './entra/tenant';

type Handler = (sb: SandboxImpl, ctx: Ctx) => Promise<void> | void;

const DISCOVERY_HEADERS = { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' };
const GET = ['GET'];
const POST = ['POST'];
const BOTH = ['GET', 'POST'];

/** AADSTS errors thrown by the handler become Entra's JSON error answer. */
const guarded =
  (fn: Handler): Handler =>
  (sb, ctx) =>
    guard(sb, ctx, () => fn(sb, ctx));

/** Discovery documents: an unknown tenant answers invalid_tenant. */
const withTenant =
  (fn: (sb: SandboxImpl, ctx: Ctx, t: TenantRef) => void): Handler =>
  (sb, ctx) =>
    guard(sb, ctx, () => {
      fn(sb, ctx, resolveTenant(sb, ctx.params.tenant ?? '', 'invalid_tenant'));
    });

const authorize =
  (version: 1 | 2): Handler =>
  (sb, ctx) =>
    ctx.method === 'POST' ? authorizePost(sb, ctx) : authorizeGet(sb, ctx, version);

function index(sb: SandboxImpl, ctx: Ctx): void {
  const c = sb.config;
  send(ctx, 200, {
    name: 'Azure Auth Debugger sandbox (local Entra ID + managed identity emulator)',
    authorityHost: sb.origin(ctx),
    tenants: c.tenants.map((x) => ({ id: x.id, domain: x.domain })),
    openidConfiguration: `${sb.origin(ctx)}/${c.tenants[0]!.id}/v2.0/.well-known/openid-configuration`,
  });
}

/** Routes under /{tenant}/: endpoint name, methods, what follows the tenant segment (a regular expression), handler. */
const TENANT_ROUTES: [string, string[], string, Handler][] = [
  ['instance-discovery', GET, 'discovery/instance', guarded(instanceDiscovery)],
  [
    'openid-configuration',
    GET,
    'v2\\.0/\\.well-known/openid-configuration',
    withTenant((sb, ctx, t) => sendJson(ctx, 200, openidConfigurationV2(sb, ctx, t), DISCOVERY_HEADERS)),
  ],
  [
    'openid-configuration',
    GET,
    '\\.well-known/openid-configuration',
    withTenant((sb, ctx, t) => sendJson(ctx, 200, openidConfigurationV1(sb, ctx, t), DISCOVERY_HEADERS)),
  ],
  ['jwks', GET, 'discovery/v2\\.0/keys', withTenant((sb, ctx, t) => jwks(sb, ctx, t, true))],
  ['jwks', GET, 'discovery/keys', withTenant((sb, ctx, t) => jwks(sb, ctx, t, false))],
  ['token', POST, 'oauth2/v2\\.0/token', guarded((sb, ctx) => tokenEndpoint(sb, ctx, 2))],
  ['token-v1', POST, 'oauth2/token', guarded((sb, ctx) => tokenEndpoint(sb, ctx, 1))],
  ['devicecode', POST, 'oauth2/v2\\.0/devicecode', guarded((sb, ctx) => deviceCodeEndpoint(sb, ctx, 2))],
  ['devicecode', POST, 'oauth2/devicecode', guarded((sb, ctx) => deviceCodeEndpoint(sb, ctx, 1))],
  ['authorize', BOTH, 'oauth2/v2\\.0/authorize', authorize(2)],
  ['authorize', BOTH, 'oauth2/authorize', authorize(1)],
  ['logout', BOTH, 'oauth2/(?:v2\\.0/)?logout', (_sb, ctx) => logout(ctx)],
];

/** Routes outside the tenant segment: endpoint name, methods, pattern, capture names, handler. */
const OTHER_ROUTES: [string, string[], RegExp, string[], Handler][] = [
  ['devicelogin', BOTH, /^\/(?:devicelogin|common\/oauth2\/deviceauth)\/?$/, [], deviceLogin],
  ['userrealm', BOTH, /^\/(?:common\/)?userrealm\/([^/]+)\/?$/, ['upn'], userRealm],
  ['userinfo', BOTH, /^\/oidc\/userinfo\/?$/, [], userinfo],
  ['index', GET, /^\/$/, [], index],
];

export function entraRoutes(sb: SandboxImpl): Route[] {
  const tenantRoutes = TENANT_ROUTES.map(([endpoint, methods, path, fn]): Route => ({
    endpoint,
    methods,
    pattern: new RegExp(`^/([^/]+)/${path}/?$`),
    keys: ['tenant'],
    handler: (ctx) => fn(sb, ctx),
  }));
  const other = OTHER_ROUTES.map(([endpoint, methods, pattern, keys, fn]): Route => ({
    endpoint,
    methods,
    pattern,
    ...(keys.length ? { keys } : {}),
    handler: (ctx) => fn(sb, ctx),
  }));
  return [...tenantRoutes, ...other];
}
