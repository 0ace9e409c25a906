/**
 * The at-a-glance view of a token that the engine attaches to every acquired token. Holds no secret:
 * the token itself is represented only by a fingerprint (first 12 hex chars of its SHA-256).
 */
import { createHash } from 'node:crypto';
import type { TokenSummary } from '../model';
import { decodeToken, normalizeTokenInput, type JsonObject } from './decode';

export interface TokenSummaryInfo {
  credential: string;
  scope: string;
  fromCache: boolean;
  expiresOnEpochMs: number;
  tokenType?: string;
}

/** First 12 hex chars of SHA-256 of the token (after removing `Bearer `, quotes and whitespace). */
export function tokenFingerprint(raw: string): string {
  const s = typeof raw === 'string' ? normalizeTokenInput(raw) : '';
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 12);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** user / application / managed-identity, from idtyp, scp, xms_mirid and the oid==sub rule for app-only tokens. */
export function identityTypeOf(p: JsonObject): NonNullable<TokenSummary['identityType']> {
  if (str(p.xms_mirid) || str(p.xms_az_rid)) return 'managed-identity';
  const idtyp = str(p.idtyp);
  if (idtyp === 'user') return 'user';
  if (idtyp === 'app') return 'application';
  if (str(p.scp) || str(p.upn) || str(p.preferred_username) || str(p.unique_name)) return 'user';
  if (Array.isArray(p.roles) || (str(p.oid) && p.oid === p.sub && (str(p.appid) || str(p.azp)))) return 'application';
  return 'unknown';
}

function isoOrEmpty(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : '';
}

export function summarizeToken(raw: string, info: TokenSummaryInfo): TokenSummary {
  const summary: TokenSummary = {
    credential: info.credential,
    scope: info.scope,
    tokenType: info.tokenType ?? 'Bearer',
    expiresOn: isoOrEmpty(info.expiresOnEpochMs),
    expiresOnEpochMs: info.expiresOnEpochMs,
    fromCache: info.fromCache,
    fingerprint: tokenFingerprint(raw),
  };
  const d = decodeToken(typeof raw === 'string' ? raw : '');
  if (!d.ok || d.kind !== 'jwt') return summary;
  const p = d.payload;
  // Some sources report no expiry (0 / NaN); the token's own exp is then the best answer.
  if (
    !(info.expiresOnEpochMs > 0) &&
    typeof p.exp === 'number' &&
    Number.isFinite(p.exp) &&
    p.exp > 0 &&
    p.exp < 1e11
  ) {
    summary.expiresOnEpochMs = p.exp * 1000;
    summary.expiresOn = isoOrEmpty(p.exp * 1000);
  }
  const aud = Array.isArray(p.aud) ? str(p.aud[0]) : str(p.aud);
  const set = <K extends keyof TokenSummary>(k: K, v: TokenSummary[K] | undefined) => {
    if (v !== undefined) summary[k] = v;
  };
  set('audience', aud);
  set('tenantId', str(p.tid));
  set('appId', str(p.appid) ?? str(p.azp));
  set('objectId', str(p.oid));
  set('upn', str(p.upn) ?? str(p.preferred_username) ?? str(p.unique_name) ?? str(p.email));
  summary.identityType = identityTypeOf(p);
  set('issuer', str(p.iss));
  set('version', str(p.ver));
  return summary;
}
