/**
 * Expiry and clock checks: how long the token lives, whether it is usable now, and whether the local clock
 * disagrees with the issuer (iat) or with the server's Date header.
 */
import { isDecodedJwt, type DecodeResult, type JsonObject } from './decode';
import { formatDuration, remaining, type ExpiryState } from '../../shared/expiry';

export { EXPIRING_SOON_MS, formatDuration, remaining, type ExpiryState } from '../../shared/expiry';
/** Clock differences above this are worth a warning (Entra tolerates about 5 minutes of skew). */
export const SKEW_WARNING_MS = 5 * 60 * 1000;

export interface TokenExpiry {
  state: ExpiryState;
  /** ISO-8601 UTC. */
  expiresAt?: string;
  notBefore?: string;
  issuedAt?: string;
  /** exp - now (negative once expired). */
  remainingMs?: number;
  /** What every face says about the remaining lifetime ("52m left", "expired 3m ago"): src/shared/expiry.ts. */
  remainingText: string;
  /** exp - iat. */
  lifetimeMs?: number;
  skew: { iatVsLocalMs?: number; serverVsLocalMs?: number; warning?: string };
}

function seconds(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e11 ? v : undefined;
}

const iso = (s: number) => new Date(s * 1000).toISOString();

export function tokenExpiry(
  payload: JsonObject | DecodeResult,
  opts: { now: number; serverDate?: string },
): TokenExpiry {
  const now = typeof opts?.now === 'number' && Number.isFinite(opts.now) ? opts.now : Date.now();
  const p: JsonObject = isDecodedJwt(payload) ? payload.payload : ((payload as JsonObject) ?? {});
  const exp = seconds(p.exp);
  const nbf = seconds(p.nbf);
  const iat = seconds(p.iat);
  const left = remaining(exp === undefined ? undefined : exp * 1000, now, {
    notBeforeEpochMs: nbf === undefined ? undefined : nbf * 1000,
  });
  const out: TokenExpiry = { state: left.state, remainingText: left.text, skew: {} };
  if (exp !== undefined) {
    out.expiresAt = iso(exp);
    out.remainingMs = exp * 1000 - now;
  }
  if (nbf !== undefined) out.notBefore = iso(nbf);
  if (iat !== undefined) out.issuedAt = iso(iat);
  if (exp !== undefined && iat !== undefined) out.lifetimeMs = (exp - iat) * 1000;

  const warnings: string[] = [];
  // iat is the issuer's clock at issue time. A token "issued in the future" means the local clock is behind.
  if (iat !== undefined) {
    const d = iat * 1000 - now;
    out.skew.iatVsLocalMs = d;
    if (d > SKEW_WARNING_MS)
      warnings.push(
        `The token was issued ${formatDuration(d)} in the future by the local clock: this machine's clock is probably behind.`,
      );
  }
  if (opts.serverDate) {
    const server = Date.parse(opts.serverDate);
    if (Number.isFinite(server)) {
      const d = server - now;
      out.skew.serverVsLocalMs = d;
      if (Math.abs(d) > SKEW_WARNING_MS)
        warnings.push(
          `The server's Date header differs from the local clock by ${formatDuration(d)} (local clock ${d > 0 ? 'behind' : 'ahead'}). Client assertions and token lifetimes are checked against the server's time: fix the local clock (NTP).`,
        );
    }
  }
  if (exp !== undefined && nbf !== undefined && exp < nbf)
    warnings.push('exp is before nbf: the token can never be valid.');
  if (warnings.length) out.skew.warning = warnings.join(' ');
  return out;
}
