/**
 * Loopback stand-ins for the Azure APIs a token is tried against, under /resources on the authority host:
 *   /resources/arm/…                 Azure Resource Manager (subscriptions, resource groups)
 *   /resources/graph/v1.0/…          Microsoft Graph (/me, /organization)
 *   /resources/vault/<name>/secrets  Key Vault (RBAC or access-policy vaults)
 *   /resources/storage/<account>/    Blob Storage (?comp=list)
 *   /resources/servicebus/<ns>/<entity>  Service Bus / Event Hubs entity description
 * Each validates the bearer token as the real service does (signature with the sandbox's Entra key, audience, tenant,
 * expiry, revoked sessions, roles) and answers with that service's 401 / 403 shape: its WWW-Authenticate challenge,
 * its body format (JSON or XML) and its codes.
 */
import { randomUUID } from 'node:crypto';
import { compactVerify, decodeJwt, type JWTPayload } from 'jose';
import { header, send, sendJson, type Ctx, type Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { resourceState, type SandboxResourceState } from './state';

type Service = 'arm' | 'graph' | 'keyvault' | 'storage' | 'servicebus';

const AUDIENCES: Record<Service, string[]> = {
  arm: ['https://management.azure.com', 'https://management.core.windows.net', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
  graph: ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
  keyvault: ['https://vault.azure.net', 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093'],
  storage: ['https://storage.azure.com', 'e406a681-f3d4-42a8-90b6-c2b029497af1'],
  servicebus: ['https://servicebus.azure.net', 'https://eventhubs.azure.net'],
};

type Failure = 'missing' | 'signature' | 'audience' | 'tenant' | 'expired' | 'not-yet-valid' | 'revoked';

interface Checked {
  claims?: JWTPayload & Record<string, unknown>;
  failure?: Failure;
  /** For 'revoked': when the session was revoked (seconds). */
  revokedAt?: number;
}

function norm(a: string): string {
  return a.replace(/\/+$/, '').toLowerCase();
}

async function check(sb: SandboxImpl, ctx: Ctx, service: Service, tenantId: string | undefined): Promise<Checked> {
  const h = header(ctx, 'authorization');
  const token = h ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
  if (!token) return { failure: 'missing' };
  try {
    await compactVerify(token, sb.pki.signing.publicKey, { algorithms: ['RS256'] });
  } catch {
    return { failure: 'signature' };
  }
  const claims = decodeJwt(token) as JWTPayload & Record<string, unknown>;
  const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud])
    .filter((a): a is string => typeof a === 'string')
    .map(norm);
  if (!auds.some((a) => AUDIENCES[service].map(norm).includes(a))) return { claims, failure: 'audience' };
  if (tenantId && String(claims.tid ?? '').toLowerCase() !== tenantId.toLowerCase())
    return { claims, failure: 'tenant' };
  const now = sb.nowSec();
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { claims, failure: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return { claims, failure: 'not-yet-valid' };
  const revokedAt = resourceState(sb).revokedSessions[String(claims.oid ?? '').toLowerCase()];
  if (
    revokedAt !== undefined &&
    typeof claims.iat === 'number' &&
    claims.iat <= revokedAt &&
    (service === 'arm' || service === 'graph')
  )
    return { claims, failure: 'revoked', revokedAt };
  return { claims };
}

function claimsChallenge(revokedAt: number): string {
  return Buffer.from(JSON.stringify({ access_token: { nbf: { essential: true, value: String(revokedAt) } } })).toString(
    'base64',
  );
}

function usDate(sec: number): string {
  // ARM writes times as M/D/YYYY h:mm:ss AM/PM (UTC).
  const d = new Date(sec * 1000);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function principalName(c: Record<string, unknown>): string {
  return String(c.upn ?? c.unique_name ?? c.appid ?? c.azp ?? c.oid ?? '');
}

// ------------------------------------------------------------------------------------------------ ARM

function armDenied(sb: SandboxImpl, ctx: Ctx, r: Checked, tenantId: string): void {
  const origin = 'https://login.windows.net';
  const base = (desc: string, tid = '') => ({
    'www-authenticate': `Bearer authorization_uri="${origin}/${tid}", error="invalid_token", error_description="${desc}"`,
  });
  const c = r.claims ?? {};
  switch (r.failure) {
    case 'missing':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'AuthenticationFailed',
            message: "Authentication failed. The 'Authorization' header is missing.",
          },
        },
        base("The authentication failed because of missing 'Authorization' header."),
      );
    case 'signature':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'InvalidAuthenticationToken',
            message:
              "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present. If you are accessing as application please make sure service principal is properly created in the tenant.",
          },
        },
        base('The access token is invalid.'),
      );
    case 'audience':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'InvalidAuthenticationTokenAudience',
            message: `The access token has been obtained for wrong audience or resource '${String(c.aud)}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
          },
        },
        base('The access token has been obtained from wrong audience or resource.'),
      );
    case 'tenant':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'InvalidAuthenticationTokenTenant',
            message: `The access token is from the wrong issuer '${String(c.iss)}'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) '${origin}/${tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
          },
        },
        base('The access token is from the wrong issuer.', tenantId),
      );
    case 'expired':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'ExpiredAuthenticationToken',
            message: `The access token expiry UTC time '${usDate(Number(c.exp ?? 0))}' is earlier than current UTC time '${usDate(sb.nowSec())}'.`,
          },
        },
        base('The access token has expired.'),
      );
    case 'not-yet-valid':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'InvalidAuthenticationToken',
            message: `The access token validity start UTC time '${usDate(Number(c.nbf ?? 0))}' is later than current UTC time '${usDate(sb.nowSec())}'.`,
          },
        },
        base('The access token is not yet valid.'),
      );
    case 'revoked':
      return sendJson(
        ctx,
        401,
        {
          error: {
            code: 'InvalidAuthenticationToken',
            message: 'The access token is not valid: the user session has been revoked.',
          },
        },
        {
          'www-authenticate': `Bearer authorization_uri="${origin}/", error="invalid_token", error_description="User session has been revoked", claims="${claimsChallenge(r.revokedAt ?? 0)}"`,
        },
      );
    default:
      return;
  }
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

function armRoutes(sb: SandboxImpl): Route[] {
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

// ------------------------------------------------------------------------------------------------ Graph

function graphError(
  sb: SandboxImpl,
  ctx: Ctx,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  sendJson(
    ctx,
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date(sb.nowMs()).toISOString().replace(/\.\d+Z$/, ''),
          'request-id': requestId,
          'client-request-id': requestId,
        },
      },
    },
    { 'request-id': requestId, 'client-request-id': requestId, ...headers },
  );
}

const GRAPH_CHALLENGE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

function graphDenied(sb: SandboxImpl, ctx: Ctx, r: Checked): void {
  const h = { 'www-authenticate': GRAPH_CHALLENGE };
  switch (r.failure) {
    case 'missing':
      return graphError(sb, ctx, 401, 'InvalidAuthenticationToken', 'Access token is empty.', h);
    case 'signature':
      return graphError(sb, ctx, 401, 'InvalidAuthenticationToken', 'Access token validation failure.', h);
    case 'audience':
      return graphError(
        sb,
        ctx,
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid audience.',
        h,
      );
    case 'expired':
    case 'not-yet-valid':
      return graphError(
        sb,
        ctx,
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
        h,
      );
    case 'revoked':
      return graphError(
        sb,
        ctx,
        401,
        'InvalidAuthenticationToken',
        'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
        {
          'www-authenticate': `${GRAPH_CHALLENGE}, error_description="Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp", error="insufficient_claims", claims="${claimsChallenge(r.revokedAt ?? 0)}"`,
        },
      );
    default:
      return;
  }
}

function graphRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/graph\/v1\.0\/(me|organization)\/?$/,
      keys: ['what'],
      handler: async (ctx) => {
        const r = await check(sb, ctx, 'graph', undefined);
        if (r.failure) return graphDenied(sb, ctx, r);
        const c = r.claims!;
        const scp = typeof c.scp === 'string' ? c.scp.split(' ') : [];
        const roles = Array.isArray(c.roles) ? (c.roles as string[]) : [];
        if (ctx.params.what === 'me') {
          if (!scp.length)
            return graphError(
              sb,
              ctx,
              400,
              'BadRequest',
              '/me request is only valid with delegated authentication flow.',
            );
          if (!scp.some((s) => ['User.Read', 'User.Read.All', 'Directory.Read.All'].includes(s)))
            return graphError(
              sb,
              ctx,
              403,
              'Authorization_RequestDenied',
              'Insufficient privileges to complete the operation.',
            );
          return sendJson(ctx, 200, {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
            id: c.oid,
            displayName: c.name,
            userPrincipalName: c.upn ?? c.preferred_username,
          });
        }
        const ok = [...scp, ...roles].some((s) =>
          ['Organization.Read.All', 'Directory.Read.All', 'User.Read'].includes(s),
        );
        if (!ok)
          return graphError(
            sb,
            ctx,
            403,
            'Authorization_RequestDenied',
            'Insufficient privileges to complete the operation.',
          );
        const t = sb.config.tenants.find((x) => x.id === c.tid);
        sendJson(ctx, 200, {
          value: [
            {
              id: c.tid,
              displayName: t?.displayName ?? 'Sandbox',
              verifiedDomains: t ? [{ name: t.domain, isDefault: true }] : [],
            },
          ],
        });
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------------ Key Vault

function vaultRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/vault\/([a-z0-9-]{3,24})\/secrets\/?$/i,
      keys: ['vault'],
      handler: async (ctx) => {
        const state = resourceState(sb);
        const vault = state.vaults.find((v) => v.name.toLowerCase() === (ctx.params.vault ?? '').toLowerCase());
        if (!vault)
          return sendJson(ctx, 404, {
            error: { code: 'VaultNotFound', message: `The vault ${ctx.params.vault} does not exist.` },
          });
        const challenge = {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${vault.tenantId}", resource="https://vault.azure.net"`,
        };
        const r = await check(sb, ctx, 'keyvault', vault.tenantId);
        const c = r.claims ?? {};
        const unauthorized = (message: string) =>
          sendJson(ctx, 401, { error: { code: 'Unauthorized', message } }, challenge);
        switch (r.failure) {
          case 'missing':
            return unauthorized('AKV10000: Request is missing a Bearer or PoP token.');
          case 'signature':
            return unauthorized('Token signature validation failed.');
          case 'audience':
            return unauthorized(
              `AKV10022: Invalid audience. Expected https://vault.azure.net, found: ${String(c.aud)}.`,
            );
          case 'tenant':
            return unauthorized(
              `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vault.tenantId}/, found ${String(c.iss)}.`,
            );
          case 'expired':
          case 'not-yet-valid':
            return unauthorized('Token validation failed: the token is expired or not yet valid.');
          default:
        }
        const oid = String(c.oid ?? '').toLowerCase();
        const caller = `appid=${String(c.appid ?? c.azp ?? '')};oid=${oid};iss=${String(c.iss)}`;
        const location = 'westeurope';
        const vaultId = `/subscriptions/${sb.config.subscriptions[0]?.id ?? '00000000-0000-0000-0000-000000000000'}/resourcegroups/sandbox-rg/providers/microsoft.keyvault/vaults/${vault.name}`;
        if (vault.permissionModel === 'rbac') {
          const ok = vault.roleAssignments.some(
            (a) =>
              a.principalId.toLowerCase() === oid &&
              [
                'Key Vault Secrets User',
                'Key Vault Secrets Officer',
                'Key Vault Reader',
                'Key Vault Administrator',
              ].includes(a.role),
          );
          if (!ok) {
            return sendJson(ctx, 403, {
              error: {
                code: 'Forbidden',
                message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'\r\nResource: '${vaultId}/secrets'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=${location}\r\n`,
                innererror: { code: 'ForbiddenByRbac' },
              },
            });
          }
        } else if (
          !vault.accessPolicies.some(
            (p) => p.objectId.toLowerCase() === oid && p.secrets.map((x) => x.toLowerCase()).includes('list'),
          )
        ) {
          return sendJson(ctx, 403, {
            error: {
              code: 'Forbidden',
              message: `The user, group or application '${caller}' does not have secrets list permission on key vault '${vault.name};location=${location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
              innererror: { code: 'AccessDenied' },
            },
          });
        }
        const origin = sb.authorityHost;
        sendJson(ctx, 200, {
          value: vault.secrets.map((s) => ({
            id: `${origin}/resources/vault/${vault.name}/secrets/${s}`,
            attributes: { enabled: true },
          })),
          nextLink: null,
        });
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------------ Storage

function storageXml(
  ctx: Ctx,
  status: number,
  code: string,
  message: string,
  detail: string | undefined,
  headers: Record<string, string>,
  nowMs: number,
): void {
  const requestId = randomUUID();
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${esc(message)}\nRequestId:${requestId}\nTime:${new Date(nowMs).toISOString().replace('Z', '0000Z')}</Message>${detail ? `<AuthenticationErrorDetail>${esc(detail)}</AuthenticationErrorDetail>` : ''}</Error>`;
  send(ctx, status, body, {
    'content-type': 'application/xml',
    'x-ms-error-code': code,
    'x-ms-request-id': requestId,
    server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
    ...headers,
  });
}

function storageRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/storage\/([a-z0-9]{3,24})\/?$/,
      keys: ['account'],
      handler: async (ctx) => {
        const account = resourceState(sb).storageAccounts.find((a) => a.name === ctx.params.account);
        if (!account)
          return storageXml(
            ctx,
            404,
            'ResourceNotFound',
            'The specified resource does not exist.',
            undefined,
            {},
            sb.nowMs(),
          );
        const challenge = {
          'www-authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/${account.tenantId}/oauth2/authorize resource_id=https://storage.azure.com`,
        };
        const xml = (status: number, code: string, message: string, detail?: string, h: Record<string, string> = {}) =>
          storageXml(ctx, status, code, message, detail, h, sb.nowMs());
        if (account.firewallBlocksAll)
          return xml(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.');
        const r = await check(sb, ctx, 'storage', account.tenantId);
        const failed =
          'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.';
        switch (r.failure) {
          case 'missing':
            return xml(401, 'NoAuthenticationInformation', failed, undefined, challenge);
          case 'signature':
            return xml(
              401,
              'InvalidAuthenticationInfo',
              failed,
              'Signature validation failed. Signature verification failed.',
              challenge,
            );
          case 'audience':
            return xml(
              401,
              'InvalidAuthenticationInfo',
              failed,
              'Audience validation failed. Audience did not match.',
              challenge,
            );
          case 'tenant':
            return xml(
              401,
              'InvalidAuthenticationInfo',
              failed,
              'Issuer validation failed. Issuer did not match.',
              challenge,
            );
          case 'expired':
          case 'not-yet-valid':
            return xml(
              401,
              'InvalidAuthenticationInfo',
              failed,
              'Lifetime validation failed. The token is expired.',
              challenge,
            );
          default:
        }
        const version = header(ctx, 'x-ms-version') ?? '';
        if (!version || version < '2017-11-09') {
          return xml(
            403,
            'AuthenticationFailed',
            'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
            'Authentication scheme Bearer is not supported in this version.',
          );
        }
        const oid = String(r.claims?.oid ?? '').toLowerCase();
        if (
          !account.roleAssignments.some(
            (a) => a.principalId.toLowerCase() === oid && /^Storage Blob Data (Reader|Contributor|Owner)$/.test(a.role),
          )
        ) {
          return xml(
            403,
            'AuthorizationPermissionMismatch',
            'This request is not authorized to perform this operation using this permission.',
          );
        }
        const containers = account.containers
          .map((c) => `<Container><Name>${c}</Name><Properties><Etag>"0x8D0"</Etag></Properties></Container>`)
          .join('');
        send(
          ctx,
          200,
          `\uFEFF<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="${sb.authorityHost}/resources/storage/${account.name}/"><Containers>${containers}</Containers><NextMarker /></EnumerationResults>`,
          { 'content-type': 'application/xml' },
        );
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------------ Service Bus / Event Hubs

function serviceBusRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/servicebus\/([a-z0-9-]{6,50})\/([A-Za-z0-9._-]{1,260})\/?$/,
      keys: ['namespace', 'entity'],
      handler: async (ctx) => {
        const ns = resourceState(sb).namespaces.find((n) => n.name === ctx.params.namespace);
        const tracking = () =>
          `TrackingId:${randomUUID()}_G1, SystemTracker:${ctx.params.namespace}.servicebus.windows.net:${ctx.params.entity}, Timestamp:${new Date(sb.nowMs()).toISOString()}`;
        const xml = (status: number, detail: string) =>
          send(
            ctx,
            status,
            `<Error><Code>${status}</Code><Detail>${detail.replace(/&/g, '&amp;').replace(/</g, '&lt;')} ${tracking()}</Detail></Error>`,
            { 'content-type': 'application/xml; charset=utf-8' },
          );
        if (!ns || !ns.entities.includes(ctx.params.entity ?? ''))
          return xml(404, 'The messaging entity could not be found.');
        const r = await check(sb, ctx, 'servicebus', ns.tenantId);
        switch (r.failure) {
          case 'missing':
            return xml(401, 'MissingToken: The request authorization header was not present.');
          case 'signature':
            return xml(401, 'InvalidSignature: The token has an invalid signature.');
          case 'audience':
            return xml(
              401,
              `InvalidAudience: The token audience '${String(r.claims?.aud)}' is not valid for this namespace.`,
            );
          case 'tenant':
            return xml(401, 'InvalidIssuer: Token issuer is invalid.');
          case 'expired':
          case 'not-yet-valid':
            return xml(401, 'ExpiredToken: The token is expired.');
          default:
        }
        const oid = String(r.claims?.oid ?? '').toLowerCase();
        if (!ns.rights.some((x) => x.principalId.toLowerCase() === oid && x.rights.includes('Manage'))) {
          return xml(
            401,
            `Unauthorized access. 'Manage' claim(s) are required to perform this operation. Resource: 'sb://${ns.name}.servicebus.windows.net/${ctx.params.entity}'.`,
          );
        }
        send(
          ctx,
          200,
          `<entry xmlns="http://www.w3.org/2005/Atom"><title type="text">${ctx.params.entity}</title><content type="application/xml"><QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"><MaxSizeInMegabytes>1024</MaxSizeInMegabytes></QueueDescription></content></entry>`,
          { 'content-type': 'application/atom+xml;type=entry;charset=utf-8' },
        );
      },
    },
  ];
}

export function resourceRoutes(sb: SandboxImpl): Route[] {
  return [...armRoutes(sb), ...graphRoutes(sb), ...vaultRoutes(sb), ...storageRoutes(sb), ...serviceBusRoutes(sb)];
}
