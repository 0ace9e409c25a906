/**
 * Token issuance: the success bodies of the token endpoint, v2 (numbers) and v1 (strings, expires_on, resource), for
 * user flows (access, refresh and ID tokens, client_info) and for app-only flows.
 */
import type { AppConfig, UserConfig } from '../config';
import type { Ctx } from '../http';
import type { SandboxImpl } from '../sandbox';
import { accessTokenClaims, clientInfo, guidFrom, idTokenClaims, signJwt, unsignedJwt, type Subject } from '../tokens';
import type { ClientAuth } from './client-auth';
import type { ScopeInfo } from './scopes';

export type Body = Record<string, unknown>;

export interface UserIssue {
  app: AppConfig;
  user: UserConfig;
  tenantId: string;
  scope: ScopeInfo;
  clientAuth: ClientAuth;
  mfaDone: boolean;
  nonce?: string;
  version: 1 | 2;
  refreshToken?: boolean;
  idToken?: boolean;
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

/** The v1 body's timing fields: every number a string, with absolute expiry and not_before. */
function v1Times(sb: SandboxImpl, life: number): Body {
  const now = sb.nowSec();
  return {
    expires_in: String(life),
    ext_expires_in: String(life),
    expires_on: String(now + life),
    not_before: String(now),
  };
}

function storeRefreshToken(sb: SandboxImpl, o: UserIssue): string {
  const rt = `0.A${sb.newId(96)}`;
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
  return rt;
}

async function mintIdToken(sb: SandboxImpl, ctx: Ctx, o: UserIssue): Promise<string> {
  const claims = idTokenClaims({
    tenantId: o.tenantId,
    clientId: o.app.clientId,
    user: { username: o.user.username, displayName: o.user.displayName, objectId: o.user.objectId, mfa: o.mfaDone },
    nonce: o.nonce,
    issuedAt: sb.nowSec(),
    lifetimeSec: sb.config.tokenLifetimeSec,
    authorityOrigin: sb.origin(ctx),
    version: o.version,
  });
  return o.version === 1 ? unsignedJwt(claims) : signJwt(sb.pki.signing, claims);
}

/** Builds the success body for user flows (AT + RT + ID token + client_info). */
export async function issueUserTokens(sb: SandboxImpl, ctx: Ctx, o: UserIssue): Promise<Body> {
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
  const rt = wantRt ? storeRefreshToken(sb, o) : undefined;
  const idt = wantId ? await mintIdToken(sb, ctx, o) : undefined;
  const body: Body =
    o.version === 1
      ? {
          token_type: 'Bearer',
          scope: o.scope.responseScope,
          ...v1Times(sb, life),
          resource: o.scope.requested,
          access_token: at,
        }
      : {
          token_type: 'Bearer',
          scope: o.scope.responseScope,
          expires_in: life,
          ext_expires_in: life,
          access_token: at,
        };
  if (rt) body.refresh_token = rt;
  if (idt) body.id_token = idt;
  if (o.version === 2 && ctx.form.client_info === '1') body.client_info = clientInfo(o.user.objectId, o.tenantId);
  return body;
}

export async function issueAppToken(
  sb: SandboxImpl,
  ctx: Ctx,
  app: AppConfig,
  tenantId: string,
  scope: ScopeInfo,
  clientAuth: ClientAuth,
  version: 1 | 2,
): Promise<Body> {
  const life = sb.config.tokenLifetimeSec;
  const subject: Subject = {
    kind: 'app',
    tenantId,
    clientId: app.clientId,
    clientAuth,
    objectId: guidFrom(`sp:${app.clientId}:${tenantId}`),
    roles: app.roles,
  };
  const at = await mintAccessToken(sb, ctx, subject, scope, life);
  if (version === 1) return { token_type: 'Bearer', ...v1Times(sb, life), resource: scope.requested, access_token: at };
  return { token_type: 'Bearer', expires_in: life, ext_expires_in: life, access_token: at };
}
