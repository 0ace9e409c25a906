/**
 * The authorize page's POSTs: the sign-in form walks credentials → MFA → consent, each step re-rendering the page with
 * its error, then issues an authorization code and delivers it to the redirect URI.
 */
import { randomUUID } from 'node:crypto';
import type { AppConfig, UserConfig } from '../config';
import { aad } from '../errors';
import { sendHtml, type Ctx } from '../http';
import { errorPage } from '../pages';
import type { AuthorizeTxn, SandboxImpl } from '../sandbox';
import { clientInfo } from '../tokens';
import { deliver, deliverError, renderSignIn } from './authorize';
import type { Alias, TenantRef } from './tenant';
import { consentKey, resolveUser, type ResolvedUser } from './users';

/** Checks name and password once per transaction; false when the page was re-rendered with the error. */
function passwordStep(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, app: AppConfig): boolean {
  if (txn.passwordOk) return true;
  const f = ctx.form;
  const t: TenantRef = {
    segment: txn.tenantSegment,
    tenantId: txn.tenantId,
    alias: txn.tenantId ? undefined : (txn.tenantSegment as Alias),
  };
  let r: ResolvedUser;
  try {
    r = resolveUser(sb, t, f.username ?? '', app);
  } catch (e) {
    renderSignIn(sb, ctx, txn, app, 'credentials', (e as Error).message);
    return false;
  }
  if (r.user.password !== (f.password ?? '')) {
    renderSignIn(sb, ctx, txn, app, 'credentials', aad.badPassword().message);
    return false;
  }
  txn.username = r.user.username;
  txn.passwordOk = true;
  txn.tenantId = r.tenantId;
  return true;
}

/** MFA and consent, when the user or the app needs them; false when a page (or an error) was sent instead. */
function policySteps(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, app: AppConfig, user: UserConfig): boolean {
  const f = ctx.form;
  if (user.conditionalAccessBlock) {
    deliverError(sb, ctx, txn, aad.conditionalAccess());
    return false;
  }
  if (user.mfa && !txn.mfaDone) {
    if (f.step !== 'mfa') {
      renderSignIn(sb, ctx, txn, app, 'mfa');
      return false;
    }
    if ((f.otp ?? '') !== (user.mfaCode ?? '')) {
      const wrong = 'AADSTS50074: Strong Authentication is required. The code you entered is wrong.';
      renderSignIn(sb, ctx, txn, app, 'mfa', wrong);
      return false;
    }
    txn.mfaDone = true;
  }
  const key = consentKey(user, app);
  if (app.consentRequired && !sb.consents.has(key)) {
    if (f.step !== 'consent' || f.action !== 'accept') {
      renderSignIn(sb, ctx, txn, app, 'consent');
      return false;
    }
    sb.consents.add(key);
  }
  return true;
}

function issueCode(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, app: AppConfig, user: UserConfig): void {
  const p = txn.params;
  const code = `1.A${sb.newId(64)}`;
  sb.prune();
  sb.authCodes.set(code, {
    code,
    clientId: app.clientId,
    redirectUri: p.redirect_uri!,
    scope: p.scope ?? (p.resource ? `${p.resource}/.default openid offline_access` : ''),
    nonce: p.nonce,
    codeChallenge: p.code_challenge,
    codeChallengeMethod: p.code_challenge ? (p.code_challenge_method ?? 'plain') : undefined,
    username: user.username,
    tenantId: txn.tenantId ?? sb.userTenant(user),
    mfaDone: Boolean(txn.mfaDone),
    expiresAt: sb.nowSec() + sb.config.authCodeLifetimeSec,
    used: false,
  });
  const result: Record<string, string> = { code };
  if (p.client_info === '1') result.client_info = clientInfo(user.objectId, txn.tenantId ?? sb.userTenant(user));
  result.session_state = randomUUID();
  deliver(sb, ctx, txn, result);
}

export function authorizePost(sb: SandboxImpl, ctx: Ctx): void {
  const f = ctx.form;
  const txn = f.txn ? sb.authorizeTxns.get(f.txn) : undefined;
  if (!txn) {
    const unknown =
      'AADSTS90014: The sign-in session is unknown or has expired. Start the sign-in again from the application.';
    sendHtml(ctx, 400, errorPage('Sign in failed', unknown));
    return;
  }
  const app = sb.appById(txn.params.client_id ?? '');
  if (!app) {
    sendHtml(ctx, 400, errorPage('Sign in failed', 'AADSTS700016: The application no longer exists.'));
    return;
  }
  if (f.action === 'decline') return deliverError(sb, ctx, txn, aad.userDeclined());
  if (!passwordStep(sb, ctx, txn, app)) return;
  const user = sb.userByName(txn.username ?? '');
  if (!user) {
    const missing = aad.userNotFound(txn.tenantId ?? sb.defaultTenantId()).message;
    return renderSignIn(sb, ctx, txn, app, 'credentials', missing);
  }
  if (policySteps(sb, ctx, txn, app, user)) issueCode(sb, ctx, txn, app, user);
}
