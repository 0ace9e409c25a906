/** Small formatting helpers shared by the tree, the status bar and hovers. */

/** "52m", "1h 05m", "45s", "expired 3m ago". */
export function remaining(expiresOnEpochMs: number, now = Date.now()): { text: string; ms: number; expired: boolean } {
  const ms = expiresOnEpochMs - now;
  if (!Number.isFinite(ms) || expiresOnEpochMs <= 0) return { text: 'unknown expiry', ms: Number.NaN, expired: false };
  if (ms <= 0) return { text: `expired ${span(-ms)} ago`, ms, expired: true };
  return { text: span(ms), ms, expired: false };
}

export function span(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d`;
}

export function duration(ms: number | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** Warning threshold for "about to expire". */
export const EXPIRING_MS = 5 * 60 * 1000;

const JWT_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/;
const JWE_RE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

/** The first JWT (or JWE) in a text, if any. */
export function findJwt(text: string): string | undefined {
  return (JWE_RE.exec(text) ?? JWT_RE.exec(text))?.[0];
}
