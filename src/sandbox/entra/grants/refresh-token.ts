/** refresh_token: a new access token (and a new refresh token) for a refresh token this sandbox issued. */
import { aad } from '../../errors';
import { authenticateClient } from '../client-auth';
import { issueUserTokens } from '../issue';
import { parseScopes, parseV1Resource, resourceOfScope } from '../scopes';
import { checkPolicies } from '../users';
import { confidential, type GrantHandler } from './grant';

export const refreshToken: GrantHandler = async (g) => {
  const { sb, ctx, app, t, version, tenantName } = g;
  const f = ctx.form;
  const token = f.refresh_token;
  if (!token) throw aad.missingParameter('refresh_token');
  const clientAuth = await authenticateClient(sb, ctx, app, t, confidential(g));
  const entry = sb.refreshTokens.get(token);
  if (!entry) throw aad.refreshUnknown();
  if (entry.clientId !== app.clientId) throw aad.refreshWrongClient();
  if (entry.revoked) throw aad.refreshRevoked();
  if (sb.nowSec() >= entry.expiresAt) throw aad.refreshExpired(entry.issuedAt);
  if (entry.used && sb.config.refreshTokenSingleUse) throw aad.refreshUsed();
  const user = sb.userByName(entry.username);
  if (t.tenantId && t.tenantId !== entry.tenantId && user)
    throw aad.userNotInTenant(entry.tenantId, t.tenantId, app.clientId, app.displayName);
  if (!user) throw aad.refreshRevoked();
  const scope =
    version === 1
      ? parseV1Resource(sb, f.resource ?? resourceOfScope(entry.scope), tenantName)
      : parseScopes(sb, f.scope ?? entry.scope, tenantName);
  checkPolicies(sb, user, app, scope, entry.mfaDone);
  // A redeemed token stays known (marked used) so that replaying it answers 70008, as Entra does, not "unknown".
  entry.used = true;
  const { tenantId, mfaDone } = entry;
  return issueUserTokens(sb, ctx, { app, user, tenantId, scope, clientAuth, mfaDone, version, refreshToken: true });
};
