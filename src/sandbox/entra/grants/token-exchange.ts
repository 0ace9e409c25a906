/**
 * Token exchange (RFC 8693): an app token for a federated subject token (workload identity's own exchange), checked
 * against the app's federated identity credentials; client credentials are optional.
 */
import { aad } from '../../errors';
import { verifyFederated } from '../assertions';
import { authenticateClient } from '../client-auth';
import { issueAppToken } from '../issue';
import type { GrantHandler } from './grant';

export const tokenExchange: GrantHandler = async ({ sb, ctx, app, t, version, scopeOf }) => {
  const f = ctx.form;
  const subjectToken = f.subject_token;
  if (!subjectToken) throw aad.missingParameter('subject_token');
  if (f.client_assertion !== undefined || f.client_secret !== undefined)
    await authenticateClient(sb, ctx, app, t, { required: true });
  await verifyFederated(sb, app, subjectToken);
  if (!t.tenantId) throw aad.noTenantInfo();
  const scope = scopeOf(true);
  return issueAppToken(sb, ctx, app, t.tenantId, scope, '2', version);
};
