/** password (ROPC): the user's name and password sent by the app; MFA can't be satisfied here, so MFA users fail. */
import { aad } from '../../errors';
import { authenticateClient } from '../client-auth';
import { issueUserTokens } from '../issue';
import { checkPolicies, resolveUser } from '../users';
import { confidential, type GrantHandler } from './grant';

export const password: GrantHandler = async (g) => {
  const { sb, ctx, app, t, version } = g;
  const f = ctx.form;
  const clientAuth = await authenticateClient(sb, ctx, app, t, confidential(g));
  if (!f.username) throw aad.missingParameter('username');
  if (f.password === undefined) throw aad.missingParameter('password');
  const scope = g.scopeOf();
  const { user, tenantId } = resolveUser(sb, t, f.username, app);
  if (user.password !== f.password) throw aad.badPassword();
  checkPolicies(sb, user, app, scope, false);
  return issueUserTokens(sb, ctx, { app, user, tenantId, scope, clientAuth, mfaDone: false, version });
};
