/**
 * What a token request asks for: v2 `scope=` strings (OpenID scopes, `.default`, delegated permissions, unqualified
 * Graph permissions) and v1 `resource=` identifiers, resolved against the configured resources.
 */
import type { ResourceConfig } from '../config';
import { aad } from '../errors';
import type { SandboxImpl } from '../sandbox';
import { GUID } from './tenant';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const GRAPH = 'https://graph.microsoft.com';

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

/** The scope tokens, after the checks every grant shares (control characters, client-credentials `.default`). */
function scopeTokens(scope: string, clientCredentials: boolean | undefined): string[] {
  const tokens = scope.split(/[\s+]+/).filter(Boolean);
  if (tokens.length === 0) throw aad.invalidScope('');
  for (const t of tokens) {
    // eslint-disable-next-line no-control-regex
    if (t.length > 1000 || /[\u0000-\u001f"<>\\]/.test(t)) throw aad.invalidScopeValue(t.slice(0, 100));
  }
  if (clientCredentials) {
    const nonDefault = tokens.find((t) => !t.endsWith('/.default'));
    if (nonDefault) throw aad.clientCredentialScope(nonDefault);
    if (tokens.length > 1) throw aad.invalidScopeValue(tokens.join(' '));
  }
  return tokens;
}

/** The one resource the non-OpenID scopes name (all must name the same one) and the permissions asked of it. */
function resourceAndPerms(
  sb: SandboxImpl,
  rest: string[],
): { resourceId: string; unqualified: boolean; perms: string[] } {
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
  return { resourceId, unqualified, perms };
}

export function parseScopes(
  sb: SandboxImpl,
  scope: string | undefined,
  tenantName: string,
  opts: { clientCredentials?: boolean } = {},
): ScopeInfo {
  if (scope === undefined) throw aad.missingParameter('scope');
  const tokens = scopeTokens(scope, opts.clientCredentials);
  const oidc = tokens.filter((t) => OIDC_SCOPES.includes(t.toLowerCase())).map((t) => t.toLowerCase());
  const rest = tokens.filter((t) => !OIDC_SCOPES.includes(t.toLowerCase()));
  const { resourceId, unqualified, perms } = resourceAndPerms(sb, rest);
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
export function resourceOfScope(scope: string): string {
  const first = scope.split(/\s+/).find((t) => t && !OIDC_SCOPES.includes(t.toLowerCase()));
  if (!first) return `${GRAPH}/`;
  return splitScope(first).resource || GRAPH;
}

/** v1 `resource=` → the same ScopeInfo, keeping the identifier exactly as sent (it becomes `aud`). */
export function parseV1Resource(sb: SandboxImpl, resource: string | undefined, tenantName: string): ScopeInfo {
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
