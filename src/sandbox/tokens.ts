/**
 * Token minting: RS256 JWTs signed with the sandbox signing key (kid and x5t published in the JWKS), with the v1 and
 * v2 access-token claims and the ID-token claims as Microsoft documents them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { CertificateMaterial } from './pki';
import type { ResourceConfig } from './config';

export type Claims = Record<string, unknown>;

export function b64url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A GUID derived from a string (stable object ids for service principals). */
export function guidFrom(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Pairwise subject: stable per (user, app), as Entra's `sub`. */
export function pairwiseSub(userOid: string, clientId: string): string {
  return createHash('sha256').update(`${userOid}|${clientId}`).digest('base64url').slice(0, 43);
}

export async function signJwt(
  key: CertificateMaterial,
  claims: Claims,
  extraHeader: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: key.x5t, kid: key.x5t, ...extraHeader })
    .sign(key.privateKey);
}

/** v1 ID tokens are unsigned (`alg: none`), as the v1 endpoint sends them. */
export function unsignedJwt(claims: Claims): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ typ: 'JWT', alg: 'none' })}.${enc(claims)}.`;
}

export interface Subject {
  kind: 'user' | 'app' | 'managedIdentity';
  tenantId: string;
  /** Client id of the calling app (appid / azp). For managed identities, the identity's client id. */
  clientId: string;
  /** "0" public client, "1" secret, "2" certificate / assertion / managed identity. */
  clientAuth: '0' | '1' | '2';
  /** The object id of the principal (user oid, service principal oid, managed identity oid). */
  objectId: string;
  user?: { username: string; displayName: string; mfa: boolean };
  roles?: string[];
  miResourceId?: string;
}

export interface AccessTokenRequest {
  subject: Subject;
  resource: ResourceConfig;
  /** `aud` for v1 tokens: the identifier the client asked for (e.g. https://management.azure.com/). */
  requestedAudience: string;
  /** Delegated permissions (names without the resource prefix) for user tokens. */
  scp?: string[];
  issuedAt: number;
  lifetimeSec: number;
  authorityOrigin: string;
}

function commonIds(): { aio: string; rh: string; uti: string } {
  return { aio: `${b64url(48)}`, rh: `0.A${b64url(30)}.`, uti: b64url(16) };
}

export function accessTokenClaims(r: AccessTokenRequest): Claims {
  const s = r.subject;
  const { aio, rh, uti } = commonIds();
  const v1 = r.resource.accessTokenVersion === 1;
  const tid = s.tenantId;
  const c: Claims = {
    aud: v1 ? r.requestedAudience : r.resource.appId,
    iss: v1 ? `https://sts.windows.net/${tid}/` : `${r.authorityOrigin}/${tid}/v2.0`,
    iat: r.issuedAt,
    nbf: r.issuedAt,
    exp: r.issuedAt + r.lifetimeSec,
  };
  if (s.kind === 'user' && v1) c.acr = '1';
  c.aio = aio;
  if (s.kind === 'user' && s.user) c.amr = s.user.mfa ? ['pwd', 'mfa'] : ['pwd'];
  if (v1) {
    c.appid = s.clientId;
    c.appidacr = s.clientAuth;
  } else {
    c.azp = s.clientId;
    c.azpacr = s.clientAuth;
  }
  if (s.kind === 'user' && s.user && v1) {
    const [given, ...rest] = s.user.displayName.split(' ');
    c.family_name = rest.join(' ') || given;
    c.given_name = given;
  }
  if (s.kind !== 'user' || v1) c.idp = `https://sts.windows.net/${tid}/`;
  c.idtyp = s.kind === 'user' ? 'user' : 'app';
  if (s.kind === 'user' && v1) c.ipaddr = '127.0.0.1';
  if (s.kind === 'user' && s.user) c.name = s.user.displayName;
  c.oid = s.objectId;
  if (s.kind === 'user' && s.user && !v1) c.preferred_username = s.user.username;
  if (s.kind === 'user' && v1) c.puid = createHash('sha1').update(s.objectId).digest('hex').slice(0, 16).toUpperCase();
  c.rh = rh;
  if (s.kind === 'user') c.scp = (r.scp ?? []).join(' ');
  else if (s.roles?.length) c.roles = s.roles;
  c.sub = s.kind === 'user' ? pairwiseSub(s.objectId, s.clientId) : s.objectId;
  c.tid = tid;
  if (s.kind === 'user' && s.user && v1) {
    c.unique_name = s.user.username;
    c.upn = s.user.username;
  }
  c.uti = uti;
  c.ver = v1 ? '1.0' : '2.0';
  if (s.kind === 'managedIdentity' && s.miResourceId) c.xms_mirid = s.miResourceId;
  if (s.kind !== 'user') c.xms_tcdt = 1600000000;
  return c;
}

export interface IdTokenRequest {
  tenantId: string;
  clientId: string;
  user: { username: string; displayName: string; objectId: string; mfa: boolean };
  nonce?: string;
  issuedAt: number;
  lifetimeSec: number;
  authorityOrigin: string;
  version: 1 | 2;
}

export function idTokenClaims(r: IdTokenRequest): Claims {
  const { aio, rh, uti } = commonIds();
  if (r.version === 1) {
    const [given, ...rest] = r.user.displayName.split(' ');
    return {
      aud: r.clientId,
      iss: `https://sts.windows.net/${r.tenantId}/`,
      iat: r.issuedAt,
      nbf: r.issuedAt,
      exp: r.issuedAt + r.lifetimeSec,
      amr: r.user.mfa ? ['pwd', 'mfa'] : ['pwd'],
      family_name: rest.join(' ') || given,
      given_name: given,
      ipaddr: '127.0.0.1',
      name: r.user.displayName,
      oid: r.user.objectId,
      rh,
      sub: pairwiseSub(r.user.objectId, r.clientId),
      tid: r.tenantId,
      unique_name: r.user.username,
      upn: r.user.username,
      ver: '1.0',
    };
  }
  const c: Claims = {
    aud: r.clientId,
    iss: `${r.authorityOrigin}/${r.tenantId}/v2.0`,
    iat: r.issuedAt,
    nbf: r.issuedAt,
    exp: r.issuedAt + r.lifetimeSec,
    aio,
    name: r.user.displayName,
  };
  if (r.nonce !== undefined) c.nonce = r.nonce;
  Object.assign(c, {
    oid: r.user.objectId,
    preferred_username: r.user.username,
    rh,
    sub: pairwiseSub(r.user.objectId, r.clientId),
    tid: r.tenantId,
    uti,
    ver: '2.0',
  });
  return c;
}

/** client_info as Entra returns it when the client asks (`client_info=1`): base64url of {"uid","utid"}. */
export function clientInfo(objectId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: objectId, utid: tenantId })).toString('base64url');
}
