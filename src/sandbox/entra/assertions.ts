/**
 * Signed JWT assertions a client presents: certificate assertions (private_key_jwt, signed with a registered
 * certificate) and federated assertions (signed by an external issuer the app trusts through a federated identity
 * credential, as workload identity and CI OIDC tokens are).
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { AppConfig } from '../config';
import { aad } from '../errors';
import { issuerNameFromUrl } from '../issuers';
import type { CertificateMaterial } from '../pki';
import type { SandboxImpl } from '../sandbox';
import { resolveTenant, type TenantRef } from './tenant';

function normThumb(s: string): string {
  // x5t arrives base64url without padding (msal-node), with padding (MSAL Python) or as standard base64.
  return s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The client id an assertion names as its issuer, for requests that carry no client_id. */
export function assertionIssuer(assertion: string): string | undefined {
  try {
    return String(decodeJwt(assertion).iss ?? '');
  } catch {
    return undefined; // reported by the caller as a missing client_id
  }
}

function tokenEndpointAudience(sb: SandboxImpl, a: unknown, t: TenantRef): boolean {
  if (typeof a !== 'string') return false;
  let u: URL;
  try {
    u = new URL(a);
  } catch {
    return false;
  }
  const port = u.port ? Number(u.port) : 443;
  if (u.protocol !== 'https:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname.toLowerCase())) return false;
  if (port !== sb.authorityPort && !sb.extraPorts.includes(port)) return false;
  const parts = u.pathname.split('/').filter(Boolean);
  const seg = parts[0] ?? '';
  const rest = parts.slice(1).join('/');
  if (!['oauth2/v2.0/token', 'oauth2/token', 'v2.0'].includes(rest)) return false;
  if (seg.toLowerCase() === t.segment.toLowerCase()) return true;
  try {
    const r = resolveTenant(sb, seg);
    return r.tenantId !== undefined && r.tenantId === t.tenantId;
  } catch {
    return false;
  }
}

function assertionAudienceOk(sb: SandboxImpl, aud: unknown, t: TenantRef): boolean {
  const auds = Array.isArray(aud) ? aud : [aud];
  return auds.some((a) => tokenEndpointAudience(sb, a, t));
}

export function checkTimes(sb: SandboxImpl, p: JWTPayload): void {
  const now = sb.nowSec();
  const skew = sb.config.assertionClockSkewSec;
  const exp = typeof p.exp === 'number' ? p.exp : undefined;
  const nbf = typeof p.nbf === 'number' ? p.nbf : undefined;
  if (exp === undefined || now > exp + skew || (nbf !== undefined && nbf > now + skew))
    throw aad.assertionTime(now, nbf, exp);
}

export async function verifyWith(token: string, key: CertificateMaterial['publicKey']): Promise<boolean> {
  try {
    const { protectedHeader } = await compactVerify(token, key, {
      algorithms: ['RS256', 'PS256', 'RS384', 'RS512', 'PS384', 'PS512'],
    });
    return Boolean(protectedHeader);
  } catch {
    return false;
  }
}

export function decodeAssertion(token: string): { header: Record<string, unknown>; payload: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, payload: decodeJwt(token) };
  } catch (e) {
    throw aad.assertionMalformed((e as Error).message);
  }
}

/** Validates a federated (external issuer) assertion against the app's federated identity credentials. */
export async function verifyFederated(sb: SandboxImpl, app: AppConfig, token: string): Promise<void> {
  const { payload } = decodeAssertion(token);
  const iss = String(payload.iss ?? '');
  const sub = String(payload.sub ?? '');
  const auds = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (a): a is string => typeof a === 'string',
  );
  const fics = app.federatedCredentials ?? [];
  const byIssuer = fics.filter((f) => sb.expand(f.issuer) === iss);
  if (byIssuer.length === 0) throw aad.noFederatedIssuer(iss);
  const match = byIssuer.find((f) => f.subject === sub && f.audiences.some((a) => auds.includes(a)));
  if (!match) throw aad.noFederatedRecord(iss, sub, auds.join(','));
  const name = issuerNameFromUrl(sb, iss);
  if (!name) throw aad.externalIssuerUnreachable(iss);
  if (!(await verifyWith(token, (await sb.issuerKey(name)).publicKey))) throw aad.badAssertionSignature();
  checkTimes(sb, payload);
}

interface RegisteredCert {
  publicKey: CertificateMaterial['publicKey'];
  x5t: string;
  x5tS256: string;
  hex: string;
}

function registeredCerts(sb: SandboxImpl, app: AppConfig): RegisteredCert[] {
  return (app.certificates ?? []).map((c) => {
    if (c.generated === 'default')
      return {
        publicKey: sb.pki.client.publicKey,
        x5t: sb.pki.client.x5t,
        x5tS256: sb.pki.client.x5tS256,
        hex: sb.pki.client.thumbprintSha1Hex,
      };
    const parsed = sb.parsedCert(c.pem!);
    return {
      publicKey: parsed.publicKey,
      x5t: parsed.thumbprints.x5t,
      x5tS256: parsed.thumbprints.x5tS256,
      hex: parsed.thumbprints.thumbprintSha1Hex,
    };
  });
}

/** The registered certificates the assertion's header points at (x5t, x5t#S256 or kid); all when it names none. */
function candidateCerts(app: AppConfig, certs: RegisteredCert[], h: Record<string, unknown>): RegisteredCert[] {
  const x5t = typeof h.x5t === 'string' ? normThumb(h.x5t) : undefined;
  const x5tS256 = typeof h['x5t#S256'] === 'string' ? normThumb(h['x5t#S256'] as string) : undefined;
  const kid = typeof h.kid === 'string' ? h.kid : undefined;
  if (!(x5t || x5tS256 || kid)) return certs;
  const candidates = certs.filter(
    (c) =>
      (x5t && c.x5t === x5t) ||
      (x5tS256 && c.x5tS256 === x5tS256) ||
      (kid && (kid.toUpperCase() === c.hex || normThumb(kid) === c.x5t)),
  );
  if (candidates.length === 0) {
    const shown = x5t
      ? Buffer.from(x5t, 'base64url').toString('hex').toUpperCase()
      : x5tS256
        ? Buffer.from(x5tS256, 'base64url').toString('hex').toUpperCase()
        : (kid ?? '');
    throw aad.certNotRegistered(app.clientId, shown);
  }
  return candidates;
}

export async function verifyCertificateAssertion(
  sb: SandboxImpl,
  app: AppConfig,
  token: string,
  t: TenantRef,
): Promise<void> {
  const { header: h, payload } = decodeAssertion(token);
  const candidates = candidateCerts(app, registeredCerts(sb, app), h);
  if (candidates.length === 0) throw aad.certNotRegistered(app.clientId, '');
  let ok = false;
  for (const c of candidates) if (await verifyWith(token, c.publicKey)) ok = true;
  if (!ok) throw aad.badAssertionSignature();
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) throw aad.assertionIssuerSubject(app.clientId);
  if (!assertionAudienceOk(sb, payload.aud, t)) throw aad.assertionAudience(String(payload.aud));
  checkTimes(sb, payload);
}
