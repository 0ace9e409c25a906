/** Microsoft Graph stand-in: /me and /organization, with Graph's error body, challenge and CAE claims challenge. */
import { randomUUID } from 'node:crypto';
import { sendJson, type Ctx, type Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { answerFor, check, claimsChallenge, type Checked } from './check';

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

const CAE =
  'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp';

const GRAPH_401 = {
  missing: 'Access token is empty.',
  signature: 'Access token validation failure.',
  audience: 'Access token validation failure. Invalid audience.',
  expired: 'Lifetime validation failed, the token is expired.',
  'not-yet-valid': 'Lifetime validation failed, the token is expired.',
  revoked: CAE,
};

function graphDenied(sb: SandboxImpl, ctx: Ctx, r: Checked): void {
  const message = answerFor(GRAPH_401, r);
  if (message === undefined) return;
  const challenge =
    r.failure === 'revoked'
      ? `${GRAPH_CHALLENGE}, error_description="${CAE}", error="insufficient_claims", claims="${claimsChallenge(r.revokedAt ?? 0)}"`
      : GRAPH_CHALLENGE;
  graphError(sb, ctx, 401, 'InvalidAuthenticationToken', message, { 'www-authenticate': challenge });
}

export function graphRoutes(sb: SandboxImpl): Route[] {
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
        const insufficient = () =>
          graphError(sb, ctx, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        if (ctx.params.what === 'me') {
          if (!scp.length)
            return graphError(
              sb,
              ctx,
              400,
              'BadRequest',
              '/me request is only valid with delegated authentication flow.',
            );
          if (!scp.some((s) => ['User.Read', 'User.Read.All', 'Directory.Read.All'].includes(s))) return insufficient();
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
        if (!ok) return insufficient();
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
