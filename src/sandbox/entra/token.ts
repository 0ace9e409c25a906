/**
 * The token endpoints (/oauth2/v2.0/token and v1 /oauth2/token): find the calling app, then hand the request to the
 * handler of its grant_type. A grant is added by writing its module in grants/ and one line in GRANTS.
 */
import { aad } from '../errors';
import { sendJson, type Ctx } from '../http';
import type { SandboxImpl } from '../sandbox';
import { assertionIssuer } from './assertions';
import { basicCredentials, findApp } from './client-auth';
import { authorizationCode } from './grants/authorization-code';
import { clientCredentials } from './grants/client-credentials';
import { deviceCode } from './grants/device-code';
import type { GrantHandler, GrantRequest } from './grants/grant';
import { onBehalfOf } from './grants/on-behalf-of';
import { password } from './grants/password';
import { refreshToken } from './grants/refresh-token';
import { tokenExchange } from './grants/token-exchange';
import { parseScopes, parseV1Resource } from './scopes';
import { resolveTenant, responseHeaders } from './tenant';

// A Map, not an object: grant_type is the client's text, and '__proto__' or 'constructor' must not find a handler.
const GRANTS = new Map<string, GrantHandler>([
  ['client_credentials', clientCredentials],
  ['password', password],
  ['urn:ietf:params:oauth:grant-type:device_code', deviceCode],
  ['device_code', deviceCode],
  ['authorization_code', authorizationCode],
  ['refresh_token', refreshToken],
  ['urn:ietf:params:oauth:grant-type:jwt-bearer', onBehalfOf],
  ['urn:ietf:params:oauth:grant-type:token-exchange', tokenExchange],
]);

export async function tokenEndpoint(sb: SandboxImpl, ctx: Ctx, version: 1 | 2): Promise<void> {
  const t = resolveTenant(sb, ctx.params.tenant ?? '');
  const f = ctx.form;
  const grant = f.grant_type;
  if (!grant) throw aad.missingParameter('grant_type');
  let clientId: string | undefined = f.client_id ?? basicCredentials(ctx)?.id;
  if (!clientId && f.client_assertion) clientId = assertionIssuer(f.client_assertion);
  const app = findApp(sb, clientId, t);
  const tenantName = t.tenantId ?? t.segment;
  const request: GrantRequest = {
    sb,
    ctx,
    app,
    t,
    tenantName,
    version,
    scopeOf: (cc = false) =>
      version === 1
        ? parseV1Resource(sb, f.resource, tenantName)
        : parseScopes(sb, f.scope, tenantName, { clientCredentials: cc }),
  };
  const handler = GRANTS.get(grant);
  if (!handler) throw aad.unsupportedGrant(grant.slice(0, 200));
  sendJson(ctx, 200, await handler(request), responseHeaders(ctx));
}
