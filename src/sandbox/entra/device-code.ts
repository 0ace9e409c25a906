/**
 * Device code flow, the parts before redemption: the devicecode endpoint hands out a device code and a user code, and
 * the device login page (/devicelogin) is where the user enters the code and signs in or declines.
 */
import type { AppConfig } from '../config';
import { sendHtml, sendJson, type Ctx } from '../http';
import { deviceLoginPage, type DevicePageModel } from '../pages';
import type { DeviceCodeEntry, SandboxImpl } from '../sandbox';
import { b64url } from '../tokens';
import { findApp } from './client-auth';
import { parseScopes, parseV1Resource } from './scopes';
import { resolveTenant, responseHeaders } from './tenant';
import { consentKey } from './users';

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newUserCode(): string {
  const bytes = b64url(32);
  let s = '';
  for (let i = 0; s.length < 9; i++)
    s += USER_CODE_ALPHABET[bytes.charCodeAt(i % bytes.length) % USER_CODE_ALPHABET.length];
  return s;
}

export function deviceCodeEndpoint(sb: SandboxImpl, ctx: Ctx, version: 1 | 2): void {
  const t = resolveTenant(sb, ctx.params.tenant ?? '');
  const app = findApp(sb, ctx.form.client_id, t);
  const tenantName = t.tenantId ?? t.segment;
  if (version === 1) parseV1Resource(sb, ctx.form.resource, tenantName);
  else parseScopes(sb, ctx.form.scope, tenantName);
  const expiresIn = sb.config.deviceCode.expiresInSec;
  const entry: DeviceCodeEntry = {
    deviceCode: `DAQABAAEAAA${sb.newId(96)}`,
    userCode: newUserCode(),
    clientId: app.clientId,
    tenantSegment: t.segment,
    tenantId: t.tenantId,
    scope: ctx.form.scope ?? '',
    ...(version === 1 ? { v1Resource: ctx.form.resource } : {}),
    expiresAt: sb.nowSec() + expiresIn,
    interval: sb.config.deviceCode.intervalSec,
    state: 'pending',
  };
  sb.prune();
  sb.deviceCodes.set(entry.deviceCode, entry);
  const uri = `${sb.origin(ctx)}/devicelogin`;
  const message = `To sign in, use a web browser to open the page ${uri} and enter the code ${entry.userCode} to authenticate.`;
  // v1 names the page verification_url and sends its numbers as strings.
  const body =
    version === 1
      ? { verification_url: uri, expires_in: String(expiresIn), interval: String(entry.interval) }
      : { verification_uri: uri, expires_in: expiresIn, interval: entry.interval };
  sendJson(
    ctx,
    200,
    { user_code: entry.userCode, device_code: entry.deviceCode, ...body, message },
    responseHeaders(ctx),
  );
}

type DevicePage = (extra: Partial<DevicePageModel>) => void;

/** Signs the user in for an entry whose code was found and is still valid. */
function approve(sb: SandboxImpl, ctx: Ctx, code: string, entry: DeviceCodeEntry, page: DevicePage): void {
  const f = ctx.form;
  const app: AppConfig | undefined = sb.appById(entry.clientId);
  const user = sb.userByName(f.username ?? '');
  const fail = (error: string) => page({ userCode: code, appName: app?.displayName, error });
  if (!user) return fail(`AADSTS50034: The user account does not exist in the directory.`);
  if (user.password !== f.password)
    return fail('AADSTS50126: Error validating credentials due to invalid username or password.');
  if (user.mfa) {
    if (!f.otp) return fail('This user requires multi-factor authentication: enter the MFA code.');
    if (f.otp !== (user.mfaCode ?? ''))
      return fail('AADSTS50074: Strong Authentication is required. The MFA code is wrong.');
  }
  entry.state = 'approved';
  entry.username = user.username;
  entry.mfaDone = Boolean(user.mfa);
  if (app) sb.consents.add(consentKey(user, app));
  page({ done: `You have signed in to ${app?.displayName ?? 'the application'} on your device.` });
}

export function deviceLogin(sb: SandboxImpl, ctx: Ctx): void {
  const users = sb.config.users.map((u) => u.username);
  const action = '/devicelogin';
  const page: DevicePage = (extra) => sendHtml(ctx, 200, deviceLoginPage({ action, users, ...extra }));
  if (ctx.method === 'GET') return page({ userCode: ctx.query.otc ?? ctx.query.user_code });
  const f = ctx.form;
  const code = (f.user_code ?? '').replace(/[\s-]/g, '').toUpperCase();
  let entry: DeviceCodeEntry;
  try {
    entry = sb.findDeviceCode(code);
  } catch {
    return page({ error: "That code didn't work. Check the code and try again." });
  }
  if (sb.nowSec() >= entry.expiresAt) return page({ error: 'AADSTS70019: Verification code expired.' });
  if (f.action === 'decline') {
    entry.state = 'declined';
    return page({ done: 'You declined the sign-in request.' });
  }
  approve(sb, ctx, code, entry, page);
}
