/**
 * Which application is asking and how it proves it: client_id (form, Basic header or the assertion's issuer), client
 * secrets (form or Basic), certificate and federated assertions; public clients must present none.
 */
import type { AppConfig } from '../config';
import { aad } from '../errors';
import { header, type Ctx } from '../http';
import type { SandboxImpl } from '../sandbox';
import { decodeAssertion, verifyCertificateAssertion, verifyFederated } from './assertions';
import type { TenantRef } from './tenant';

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The appidacr / azpacr value: 0 public client, 1 secret, 2 certificate or federated assertion. */
export type ClientAuth = '0' | '1' | '2';

export function appAvailableIn(sb: SandboxImpl, app: AppConfig, tenantId: string): boolean {
  return Boolean(app.multiTenant) || sb.appTenant(app) === tenantId;
}

export function findApp(sb: SandboxImpl, clientId: string | undefined, t: TenantRef): AppConfig {
  if (!clientId) throw aad.missingParameter('client_id');
  const app = sb.appById(clientId);
  const dir = t.tenantId ?? t.segment;
  if (!app) throw aad.appNotFound(clientId, dir);
  if (t.tenantId && !appAvailableIn(sb, app, t.tenantId)) throw aad.appNotFound(clientId, dir);
  return app;
}

export function basicCredentials(ctx: Ctx): { id: string; secret: string } | undefined {
  const h = header(ctx, 'authorization');
  const m = h ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(text.slice(0, i)), secret: dec(text.slice(i + 1)) };
}

function checkSecret(sb: SandboxImpl, app: AppConfig, secret: string): void {
  const now = sb.nowMs();
  const matches = (app.secrets ?? []).filter((s) => s.value === secret);
  if (matches.length === 0) throw aad.invalidSecret(app.clientId);
  if (!matches.some((s) => !s.expiresAt || Date.parse(s.expiresAt) > now)) throw aad.expiredSecret(app.clientId);
}

/** Authenticates the client; returns the appidacr / azpacr value. */
export async function authenticateClient(
  sb: SandboxImpl,
  ctx: Ctx,
  app: AppConfig,
  t: TenantRef,
  opts: { required: boolean },
): Promise<ClientAuth> {
  const basic = basicCredentials(ctx);
  const secret =
    ctx.form.client_secret ??
    (basic && basic.id.toLowerCase() === app.clientId.toLowerCase() ? basic.secret : undefined);
  const assertion = ctx.form.client_assertion;
  if (app.kind === 'public') {
    if (secret !== undefined || assertion !== undefined) throw aad.publicClientWithSecret();
    return '0';
  }
  if (secret !== undefined) {
    checkSecret(sb, app, secret);
    return '1';
  }
  if (assertion !== undefined) {
    const type = ctx.form.client_assertion_type;
    if (type !== JWT_BEARER_ASSERTION) throw aad.missingParameter('client_assertion_type');
    const { payload } = decodeAssertion(assertion);
    if (payload.iss === app.clientId) await verifyCertificateAssertion(sb, app, assertion, t);
    else await verifyFederated(sb, app, assertion);
    return '2';
  }
  if (opts.required) throw aad.credentialRequired();
  return '0';
}
