/**
 * Device code redemption: the client polls with the device_code until the user approves (tokens), declines or lets it
 * expire; until then authorization_pending.
 */
import { aad } from '../../errors';
import { authenticateClient } from '../client-auth';
import { issueUserTokens } from '../issue';
import { parseScopes, parseV1Resource } from '../scopes';
import { checkPolicies, resolveUser } from '../users';
import { confidential, type GrantHandler } from './grant';

export const deviceCode: GrantHandler = async (g) => {
  const { sb, ctx, app, t, version, tenantName } = g;
  const code = ctx.form.device_code ?? ctx.form.code;
  if (!code) throw aad.missingParameter('device_code');
  const clientAuth = await authenticateClient(sb, ctx, app, t, confidential(g));
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
  const mfaDone = Boolean(entry.mfaDone);
  checkPolicies(sb, user, app, scope, mfaDone);
  return issueUserTokens(sb, ctx, { app, user, tenantId, scope, clientAuth, mfaDone, version });
};
