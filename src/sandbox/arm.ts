/**
 * A tiny Azure Resource Manager stand-in on the authority host (`az login` lists subscriptions and tenants even with
 * --allow-no-subscriptions): GET /subscriptions, /subscriptions/{id}, /tenants with bearer-token validation.
 */
import { compactVerify, decodeJwt } from 'jose';
import { header, sendJson, type Ctx, type Route } from './http';
import type { SandboxImpl } from './sandbox';

const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

async function authenticate(sb: SandboxImpl, ctx: Ctx): Promise<{ tid: string } | undefined> {
  const h = header(ctx, 'authorization');
  const authUri = `${sb.origin(ctx)}/${sb.defaultTenantId()}`;
  const challenge = {
    'www-authenticate': `Bearer authorization_uri="${authUri}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
  };
  const token = h ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
  if (!token) {
    sendJson(
      ctx,
      401,
      {
        error: {
          code: 'AuthenticationFailed',
          message: "Authentication failed. The 'Authorization' header is missing.",
        },
      },
      challenge,
    );
    return undefined;
  }
  try {
    await compactVerify(token, sb.pki.signing.publicKey, { algorithms: ['RS256'] });
  } catch {
    sendJson(
      ctx,
      401,
      { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
      challenge,
    );
    return undefined;
  }
  const p = decodeJwt(token);
  const aud = String(p.aud ?? '').replace(/\/+$/, '');
  if (!ARM_AUDIENCES.includes(aud)) {
    sendJson(
      ctx,
      401,
      {
        error: {
          code: 'InvalidAuthenticationTokenAudience',
          message: `The access token has been obtained for wrong audience or resource '${p.aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
        },
      },
      challenge,
    );
    return undefined;
  }
  if (typeof p.exp !== 'number' || p.exp < sb.nowSec()) {
    sendJson(
      ctx,
      401,
      {
        error: {
          code: 'ExpiredAuthenticationToken',
          message: 'The access token expiry UTC time is earlier than current UTC time.',
        },
      },
      challenge,
    );
    return undefined;
  }
  return { tid: String(p.tid ?? '') };
}

function subscriptionJson(s: { id: string; displayName: string; tenantId: string }) {
  return {
    id: `/subscriptions/${s.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.id,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

export function armRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'arm',
      methods: ['GET'],
      pattern: /^\/subscriptions\/?$/,
      handler: async (ctx) => {
        const who = await authenticate(sb, ctx);
        if (!who) return;
        const subs = sb.config.subscriptions.filter((s) => s.tenantId === who.tid).map(subscriptionJson);
        sendJson(ctx, 200, { value: subs, count: { type: 'Total', value: subs.length } });
      },
    },
    {
      endpoint: 'arm',
      methods: ['GET'],
      pattern: /^\/subscriptions\/([^/]+)\/?$/,
      keys: ['id'],
      handler: async (ctx) => {
        const who = await authenticate(sb, ctx);
        if (!who) return;
        const s = sb.config.subscriptions.find((x) => x.id === ctx.params.id?.toLowerCase() && x.tenantId === who.tid);
        if (!s)
          sendJson(ctx, 404, {
            error: { code: 'SubscriptionNotFound', message: `The subscription '${ctx.params.id}' could not be found.` },
          });
        else sendJson(ctx, 200, subscriptionJson(s));
      },
    },
    {
      endpoint: 'arm',
      methods: ['GET'],
      pattern: /^\/tenants\/?$/,
      handler: async (ctx) => {
        const who = await authenticate(sb, ctx);
        if (!who) return;
        const value = sb.config.tenants
          .filter((t) => t.id === who.tid)
          .map((t) => ({
            id: `/tenants/${t.id}`,
            tenantId: t.id,
            countryCode: 'US',
            displayName: t.displayName,
            domains: [t.domain],
            tenantCategory: 'Home',
            defaultDomain: t.domain,
            tenantType: 'AAD',
          }));
        sendJson(ctx, 200, { value, count: { type: 'Total', value: value.length } });
      },
    },
  ];
}
