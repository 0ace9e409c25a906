/**
 * How every stand-in checks a bearer token as its real service does (signature with the sandbox's Entra key, audience,
 * tenant, expiry, revoked sessions), and the one way each turns a failure into its own 401 text.
 */
import { compactVerify, decodeJwt, type JWTPayload } from 'jose';
import { header, type Ctx } from '../http';
import type { SandboxImpl } from '../sandbox';
import { resourceState } from './state';

export type Service = 'arm' | 'graph' | 'keyvault' | 'storage' | 'servicebus';

const AUDIENCES: Record<Service, string[]> = {
  arm: ['https://management.azure.com', 'https://management.core.windows.net', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
  graph: ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
  keyvault: ['https://vault.azure.net', 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093'],
  storage: ['https://storage.azure.com', 'e406a681-f3d4-42a8-90b6-c2b029497af1'],
  servicebus: ['https://servicebus.azure.net', 'https://eventhubs.azure.net'],
};

export type Failure = 'missing' | 'signature' | 'audience' | 'tenant' | 'expired' | 'not-yet-valid' | 'revoked';

export interface Checked {
  claims?: JWTPayload & Record<string, unknown>;
  failure?: Failure;
  /** For 'revoked': when the session was revoked (seconds). */
  revokedAt?: number;
}

function norm(a: string): string {
  return a.replace(/\/+$/, '').toLowerCase();
}

export async function check(
  sb: SandboxImpl,
  ctx: Ctx,
  service: Service,
  tenantId: string | undefined,
): Promise<Checked> {
  const h = header(ctx, 'authorization');
  const token = h ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
  if (!token) return { failure: 'missing' };
  try {
    await compactVerify(token, sb.pki.signing.publicKey, { algorithms: ['RS256'] });
  } catch {
    return { failure: 'signature' };
  }
  const claims = decodeJwt(token) as JWTPayload & Record<string, unknown>;
  const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud])
    .filter((a): a is string => typeof a === 'string')
    .map(norm);
  if (!auds.some((a) => AUDIENCES[service].map(norm).includes(a))) return { claims, failure: 'audience' };
  if (tenantId && String(claims.tid ?? '').toLowerCase() !== tenantId.toLowerCase())
    return { claims, failure: 'tenant' };
  const now = sb.nowSec();
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { claims, failure: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return { claims, failure: 'not-yet-valid' };
  const revokedAt = resourceState(sb).revokedSessions[String(claims.oid ?? '').toLowerCase()];
  if (
    revokedAt !== undefined &&
    typeof claims.iat === 'number' &&
    claims.iat <= revokedAt &&
    (service === 'arm' || service === 'graph')
  )
    return { claims, failure: 'revoked', revokedAt };
  return { claims };
}

export function claimsChallenge(revokedAt: number): string {
  return Buffer.from(JSON.stringify({ access_token: { nbf: { essential: true, value: String(revokedAt) } } })).toString(
    'base64',
  );
}

export function usDate(sec: number): string {
  // ARM writes times as M/D/YYYY h:mm:ss AM/PM (UTC).
  const d = new Date(sec * 1000);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

export function principalName(c: Record<string, unknown>): string {
  return String(c.upn ?? c.unique_name ?? c.appid ?? c.azp ?? c.oid ?? '');
}

export type Claims = JWTPayload & Record<string, unknown>;

/**
 * A service's answer to each failure, as data: a value, or a function of the token's claims (what the service quotes
 * back); failures a service does not distinguish are left out and fall to `fallback`.
 */
export type FailureTable<T> = Partial<Record<Failure, T | ((c: Partial<Claims>) => T)>>;

/** The table's answer for a failed check, or undefined when the token passed (or the failure has no entry). */
export function answerFor<T>(table: FailureTable<T>, r: Checked): T | undefined {
  if (!r.failure) return undefined;
  const entry = table[r.failure];
  return typeof entry === 'function' ? (entry as (c: Partial<Claims>) => T)(r.claims ?? {}) : entry;
}
