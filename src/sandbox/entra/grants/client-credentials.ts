/** client_credentials: an app token for the app itself, authenticated by secret, certificate or federated assertion. */
import { aad } from '../../errors';
import { authenticateClient } from '../client-auth';
import { issueAppToken } from '../issue';
import type { GrantHandler } from './grant';

export const clientCredentials: GrantHandler = async ({ sb, ctx, app, t, version, scopeOf }) => {
  if (app.kind === 'public') throw aad.credentialRequired();
  const clientAuth = await authenticateClient(sb, ctx, app, t, { required: true });
  if (!t.tenantId) throw aad.noTenantInfo();
  const scope = scopeOf(true);
  return issueAppToken(sb, ctx, app, t.tenantId, scope, clientAuth, version);
};
