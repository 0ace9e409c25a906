/** Azure Resource Manager stand-in: subscriptions and resource groups, with ARM's 401 challenges and 403 text. */
import { sendJson, type Ctx, type Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { answerFor, check, claimsChallenge, principalName, usDate, type Checked, type FailureTable } from './check';
import { resourceState, type SandboxResourceState } from './state';

const ORIGIN = 'https://login.windows.net';

/** code, message, the challenge's error_description, and whether the challenge names the tenant. */
type ArmDenial = [code: string, message: string, description: string, namesTenant?: boolean];

const ALLOWED_AUDIENCES =
  "'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'";

function armDenials(sb: SandboxImpl, tenantId: string): FailureTable<ArmDenial> {
  const now = () => usDate(sb.nowSec());
  return {
    missing: [
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      "The authentication failed because of missing 'Authorization' header.",
    ],
    signature: [
      'InvalidAuthenticationToken',
      "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present. If you are accessing as application please make sure service principal is properly created in the tenant.",
      'The access token is invalid.',
    ],
    audience: (c) => [
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${String(c.aud)}'. It should exactly match with one of the allowed audiences ${ALLOWED_AUDIENCES}.`,
      'The access token has been obtained from wrong audience or resource.',
    ],
    tenant: (c) => [
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${String(c.iss)}'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) '${ORIGIN}/${tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
      'The access token is from the wrong issuer.',
      true,
    ],
    expired: (c) => [
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${usDate(Number(c.exp ?? 0))}' is earlier than current UTC time '${now()}'.`,
      'The access token has expired.',
    ],
    'not-yet-valid': (c) => [
      'InvalidAuthenticationToken',
      `The access token validity start UTC time '${usDate(Number(c.nbf ?? 0))}' is later than current UTC time '${now()}'.`,
      'The access token is not yet valid.',
    ],
  };
}

function armDenied(sb: SandboxImpl, ctx: Ctx, r: Checked, tenantId: string): void {
  if (r.failure === 'revoked') {
    const message = 'The access token is not valid: the user session has been revoked.';
    const challenge = `Bearer authorization_uri="${ORIGIN}/", error="invalid_token", error_description="User session has been revoked", claims="${claimsChallenge(r.revokedAt ?? 0)}"`;
    return sendJson(
      ctx,
      401,
      { error: { code: 'InvalidAuthenticationToken', message } },
      { 'www-authenticate': challenge },
    );
  }
  const denial = answerFor(armDenials(sb, tenantId), r);
  if (!denial) return;
  const [code, message, description, namesTenant] = denial;
  const challenge = `Bearer authorization_uri="${ORIGIN}/${namesTenant ? tenantId : ''}", error="invalid_token", error_description="${description}"`;
  sendJson(ctx, 401, { error: { code, message } }, { 'www-authenticate': challenge });
}

function armAllows(state: SandboxResourceState, oid: string, action: string, scope: string): boolean {
  const s = scope.toLowerCase();
  return state.armRoleAssignments.some((a) => {
    if (a.principalId.toLowerCase() !== oid) return false;
    const as = a.scope.toLowerCase().replace(/\/+$/, '');
    if (s !== as && !s.startsWith(`${as}/`)) return false;
    return a.role === 'Reader' ? /\/read$/i.test(action) : true;
  });
}

export function armRoutes(sb: SandboxImpl): Route[] {
  const defaultTenant = () => sb.defaultTenantId();
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/arm\/subscriptions\/?$/,
      handler: async (ctx) => {
        const r = await check(sb, ctx, 'arm', undefined);
        if (r.failure) return armDenied(sb, ctx, r, defaultTenant());
        const tid = String(r.claims?.tid ?? '');
        const value = sb.config.subscriptions
          .filter((s) => s.tenantId === tid)
          .map((s) => ({
            id: `/subscriptions/${s.id}`,
            subscriptionId: s.id,
            tenantId: s.tenantId,
            displayName: s.displayName,
            state: 'Enabled',
          }));
        sendJson(ctx, 200, { value, count: { type: 'Total', value: value.length } });
      },
    },
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/arm\/subscriptions\/([^/]+)\/resourcegroups\/?$/i,
      keys: ['subscription'],
      handler: async (ctx) => {
        const id = (ctx.params.subscription ?? '').toLowerCase();
        const sub = sb.config.subscriptions.find((s) => s.id.toLowerCase() === id);
        if (!sub)
          return sendJson(ctx, 404, {
            error: { code: 'SubscriptionNotFound', message: `The subscription '${id}' could not be found.` },
          });
        const r = await check(sb, ctx, 'arm', sub.tenantId);
        if (r.failure) return armDenied(sb, ctx, r, sub.tenantId);
        const c = r.claims!;
        const oid = String(c.oid ?? '').toLowerCase();
        const action = 'Microsoft.Resources/subscriptions/resourceGroups/read';
        const scope = `/subscriptions/${sub.id}`;
        if (!armAllows(resourceState(sb), oid, action, scope)) {
          return sendJson(ctx, 403, {
            error: {
              code: 'AuthorizationFailed',
              message: `The client '${principalName(c)}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
            },
          });
        }
        sendJson(ctx, 200, {
          value: [
            {
              id: `${scope}/resourceGroups/sandbox-rg`,
              name: 'sandbox-rg',
              type: 'Microsoft.Resources/resourceGroups',
              location: 'westeurope',
              properties: { provisioningState: 'Succeeded' },
            },
          ],
        });
      },
    },
  ];
}
