/**
 * The authorize endpoint's GET: checks the request (client, redirect URI, response type and mode, scopes, PKCE,
 * prompt=none), opens a sign-in transaction and shows the sign-in page; and how a result reaches the redirect URI
 * (query, fragment or an auto-submitted form_post).
 */
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config';
import { aad, aadErrorBody, type AadError } from '../errors';
import { redirect, sendHtml, type Ctx } from '../http';
import { errorPage, formPostPage, signInPage } from '../pages';
import type { AuthorizeTxn, SandboxImpl } from '../sandbox';
import { findApp } from './client-auth';
import { parseScopes, parseV1Resource } from './scopes';
import { resolveTenant, type TenantRef } from './tenant';

const RESPONSE_MODES = ['query', 'fragment', 'form_post'];

export function deliver(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, result: Record<string, string>): void {
  const p = txn.params;
  const redirectUri = p.redirect_uri!;
  const fields: Record<string, string> = { ...result };
  if (p.state !== undefined) fields.state = p.state;
  const mode = p.response_mode ?? 'query';
  sb.authorizeTxns.delete(txn.id);
  if (mode === 'form_post') {
    const nonce = sb.newId(16);
    sendHtml(ctx, 200, formPostPage(redirectUri, fields, nonce), {
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; form-action *`,
    });
    return;
  }
  const u = new URL(redirectUri);
  const qs = new URLSearchParams(fields).toString();
  if (mode === 'fragment') redirect(ctx, `${u.toString().split('#')[0]}#${qs}`);
  else {
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
    redirect(ctx, u.toString());
  }
}

export function deliverError(sb: SandboxImpl, ctx: Ctx, txn: AuthorizeTxn, err: AadError): void {
  const body = aadErrorBody(err.spec, sb.nowMs(), txn.params['client-request-id']);
  deliver(sb, ctx, txn, {
    error: err.spec.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
  });
}

const isLoopback = (h: string) => ['localhost', '127.0.0.1', '[::1]'].includes(h.toLowerCase());

function redirectUriMatches(registered: string[], given: string): boolean {
  let g: URL;
  try {
    g = new URL(given);
  } catch {
    return false;
  }
  return registered.some((r) => {
    if (r === given) return true;
    let ru: URL;
    try {
      ru = new URL(r);
    } catch {
      return false;
    }
    // Loopback redirect URIs match on any port (as Entra does for http://localhost and http://127.0.0.1).
    return (
      ru.protocol === g.protocol &&
      isLoopback(ru.hostname) &&
      isLoopback(g.hostname) &&
      ru.hostname === g.hostname &&
      ru.pathname.replace(/\/$/, '') === g.pathname.replace(/\/$/, '')
    );
  });
}

export function renderSignIn(
  sb: SandboxImpl,
  ctx: Ctx,
  txn: AuthorizeTxn,
  app: AppConfig,
  step: 'credentials' | 'mfa' | 'consent',
  error?: string,
): void {
  const tenant = sb.tenantById(txn.tenantId);
  const scopes = (txn.params.scope ?? txn.params.resource ?? '').split(/\s+/).filter(Boolean);
  sendHtml(
    ctx,
    200,
    signInPage({
      action: ctx.path,
      txn: txn.id,
      appName: app.displayName,
      tenantName: tenant?.displayName ?? txn.tenantSegment,
      step,
      loginHint: txn.params.login_hint,
      username: txn.username,
      scopes,
      error,
      users: sb.config.users.map((u) => u.username),
    }),
  );
}

/** What is wrong with an authorize request whose client and redirect URI are fine, sent to that redirect URI. */
function requestError(sb: SandboxImpl, q: Record<string, string>, t: TenantRef, version: 1 | 2): AadError | undefined {
  if ((q.response_type ?? '') !== 'code') return aad.responseTypeUnsupported(q.response_type ?? '');
  try {
    if (version === 1) parseV1Resource(sb, q.resource ?? 'https://graph.windows.net/', t.tenantId ?? t.segment);
    else parseScopes(sb, q.scope, t.tenantId ?? t.segment);
  } catch (e) {
    return e as AadError;
  }
  if (q.code_challenge !== undefined) {
    const m = q.code_challenge_method ?? 'plain';
    if (m !== 'S256' && m !== 'plain') return aad.pkceMethodUnsupported(m);
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(q.code_challenge)) return aad.pkceChallengeSize();
  }
  if (q.prompt === 'none') return aad.loginRequired();
  return undefined;
}

/** The request's tenant and app, or the error page shown in their place (no redirect URI is trusted yet). */
function pageTarget(sb: SandboxImpl, ctx: Ctx): { t: TenantRef; app: AppConfig } | undefined {
  let t: TenantRef;
  try {
    t = resolveTenant(sb, ctx.params.tenant ?? '');
  } catch (e) {
    const err = e as AadError;
    sendHtml(ctx, 400, errorPage('Sign in failed', err.message, { 'Error code': String(err.spec.codes[0]) }));
    return undefined;
  }
  const q = ctx.query;
  try {
    const app = findApp(sb, q.client_id, t);
    if (!q.redirect_uri) throw aad.missingParameter('redirect_uri');
    if (!redirectUriMatches(app.redirectUris ?? [], q.redirect_uri))
      throw aad.redirectMismatch(q.redirect_uri, app.clientId);
    return { t, app };
  } catch (e) {
    const err = e as AadError;
    const details = { 'Error code': String(err.spec.codes[0]), 'Request Id': randomUUID() };
    sendHtml(ctx, 400, errorPage('Sign in failed', err.message, details));
    return undefined;
  }
}

export function authorizeGet(sb: SandboxImpl, ctx: Ctx, version: 1 | 2): void {
  const target = pageTarget(sb, ctx);
  if (!target) return;
  const { t, app } = target;
  const q = ctx.query;
  const txn: AuthorizeTxn = {
    id: sb.newId(24),
    tenantSegment: t.segment,
    tenantId: t.tenantId,
    params: { ...q },
    createdAt: sb.nowSec(),
  };
  if (ctx.headers['client-request-id']) txn.params['client-request-id'] = String(ctx.headers['client-request-id']);
  if (txn.params.response_mode && !RESPONSE_MODES.includes(txn.params.response_mode)) {
    delete txn.params.response_mode;
    return deliverError(sb, ctx, txn, aad.responseModeUnsupported(q.response_mode!));
  }
  const err = requestError(sb, q, t, version);
  if (err) return deliverError(sb, ctx, txn, err);
  sb.authorizeTxns.set(txn.id, txn);
  if (sb.authorizeTxns.size > 1000) sb.authorizeTxns.delete(sb.authorizeTxns.keys().next().value!);
  renderSignIn(sb, ctx, txn, app, 'credentials');
}
