/** authorization_code: redeems a code from the authorize page once, for the same client and redirect URI, with PKCE. */
import { createHash } from 'node:crypto';
import { aad } from '../../errors';
import type { AuthCodeEntry } from '../../sandbox';
import { authenticateClient } from '../client-auth';
import { issueUserTokens } from '../issue';
import { parseScopes, parseV1Resource } from '../scopes';
import { checkPolicies } from '../users';
import { confidential, type GrantHandler } from './grant';

function checkPkce(entry: AuthCodeEntry, verifier: string | undefined): void {
  if (!entry.codeChallenge) return;
  if (!verifier) throw aad.pkceMissing();
  const computed =
    entry.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
  if (computed !== entry.codeChallenge) throw aad.pkceMismatch();
}

export const authorizationCode: GrantHandler = async (g) => {
  const { sb, ctx, app, t, version, tenantName } = g;
  const f = ctx.form;
  const code = f.code;
  if (!code) throw aad.missingParameter('code');
  const clientAuth = await authenticateClient(sb, ctx, app, t, confidential(g));
  const entry = sb.authCodes.get(code);
  if (!entry) throw aad.badCode();
  if (entry.used) throw aad.codeRedeemed();
  if (entry.clientId !== app.clientId) throw aad.badCode();
  if (sb.nowSec() >= entry.expiresAt) throw aad.codeExpired();
  if (f.redirect_uri === undefined) throw aad.missingParameter('redirect_uri');
  if (f.redirect_uri !== entry.redirectUri) throw aad.redirectMismatch(f.redirect_uri, app.clientId);
  checkPkce(entry, f.code_verifier);
  entry.used = true;
  const user = sb.userByName(entry.username);
  if (!user) throw aad.badCode();
  const scope =
    version === 1 && f.resource
      ? parseV1Resource(sb, f.resource, tenantName)
      : parseScopes(sb, f.scope ?? entry.scope, tenantName);
  checkPolicies(sb, user, app, scope, entry.mfaDone);
  const { tenantId, mfaDone, nonce } = entry;
  return issueUserTokens(sb, ctx, { app, user, tenantId, scope, clientAuth, mfaDone, nonce, version });
};
