/**
 * On-behalf-of (jwt-bearer with requested_token_use=on_behalf_of): a middle-tier API trades the user token it received
 * (issued by this sandbox, for this API) for a token to a downstream resource.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import { aad } from '../../errors';
import { verifyWith } from '../assertions';
import { authenticateClient } from '../client-auth';
import { issueUserTokens } from '../issue';
import { findResource } from '../scopes';
import type { GrantHandler, GrantRequest } from './grant';

async function incomingToken(g: GrantRequest, assertion: string): Promise<JWTPayload> {
  const { sb, app } = g;
  let payload: JWTPayload;
  try {
    payload = decodeJwt(assertion);
  } catch (e) {
    throw aad.oboBadAssertion((e as Error).message);
  }
  if (!(await verifyWith(assertion, sb.pki.signing.publicKey)))
    throw aad.oboBadAssertion('The assertion was not issued by this sandbox.');
  if (typeof payload.exp !== 'number' || sb.nowSec() > payload.exp + sb.config.assertionClockSkewSec)
    throw aad.oboBadAssertion('The assertion has expired.');
  const aud = String(payload.aud ?? '');
  const audResource = findResource(sb, aud);
  if (aud.toLowerCase() !== app.clientId && audResource?.appId !== app.clientId) throw aad.oboWrongAudience();
  return payload;
}

export const onBehalfOf: GrantHandler = async (g) => {
  const { sb, ctx, app, t, version } = g;
  const f = ctx.form;
  if (f.requested_token_use !== 'on_behalf_of') throw aad.missingParameter('requested_token_use');
  const assertion = f.assertion;
  if (!assertion) throw aad.missingParameter('assertion');
  const clientAuth = await authenticateClient(sb, ctx, app, t, { required: true });
  const payload = await incomingToken(g, assertion);
  const user = sb.config.users.find((u) => u.objectId === payload.oid);
  if (!user || payload.idtyp === 'app') throw aad.oboBadAssertion('The assertion does not represent a user.');
  const tenantId = String(payload.tid ?? sb.userTenant(user));
  const scope = g.scopeOf();
  const mfaDone = Array.isArray(payload.amr) && payload.amr.includes('mfa');
  if (user.conditionalAccessBlock) throw aad.conditionalAccess();
  if (user.mfa && !mfaDone) throw aad.mfaRequired(scope.requested);
  const issue = { app, user, tenantId, scope, clientAuth, mfaDone, version };
  return issueUserTokens(sb, ctx, { ...issue, refreshToken: true, idToken: false });
};
