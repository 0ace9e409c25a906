/** The OIDC userinfo endpoint (a bearer token of this sandbox's in, the user's profile out) and logout. */
import { decodeJwt } from 'jose';
import { header, redirect, sendHtml, sendJson, type Ctx } from '../http';
import { errorPage } from '../pages';
import type { SandboxImpl } from '../sandbox';
import { verifyWith } from './assertions';

export async function userinfo(sb: SandboxImpl, ctx: Ctx): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(header(ctx, 'authorization') ?? '')?.[1];
  if (!token || !(await verifyWith(token, sb.pki.signing.publicKey))) {
    sendJson(
      ctx,
      401,
      { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } },
      { 'www-authenticate': 'Bearer realm=""' },
    );
    return;
  }
  const p = decodeJwt(token);
  const user = sb.config.users.find((u) => u.objectId === p.oid);
  if (!user) {
    sendJson(ctx, 401, {
      error: { code: 'InvalidAuthenticationToken', message: 'The token does not represent a user.' },
    });
    return;
  }
  const [given, ...rest] = user.displayName.split(' ');
  sendJson(ctx, 200, {
    sub: p.sub,
    name: user.displayName,
    family_name: rest.join(' '),
    given_name: given,
    picture: '',
    email: user.username,
  });
}

export function logout(ctx: Ctx): void {
  const target = ctx.query.post_logout_redirect_uri;
  if (target && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//i.test(target)) redirect(ctx, target);
  else sendHtml(ctx, 200, errorPage('Signed out', 'You signed out of your account in the sandbox.'));
}
