/**
 * Countdown arithmetic for the Token Inspector (no DOM: also unit-tested in plain node).
 * The webview recomputes this every second from the token's expiry timestamp; the host is not asked.
 */
import type { ExpiryState } from '../../src/shared/protocol';

export interface Remaining {
  state: ExpiryState;
  /** Human text, e.g. "52m 07s left", "expired 3m 02s ago". */
  text: string;
  /** Milliseconds until expiry (negative once expired). */
  ms: number;
}

/** "1h 02m 05s", "52m 07s", "9s" — always whole seconds, never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

export function remaining(
  expiresOnEpochMs: number,
  now: number,
  expiringSoonMs: number,
  notBeforeEpochMs?: number,
): Remaining {
  const ms = expiresOnEpochMs - now;
  if (!Number.isFinite(expiresOnEpochMs) || expiresOnEpochMs <= 0)
    return { state: 'expired', text: 'no expiry time', ms: 0 };
  if (notBeforeEpochMs !== undefined && now < notBeforeEpochMs) {
    return { state: 'not-yet-valid', text: `not valid for another ${formatDuration(notBeforeEpochMs - now)}`, ms };
  }
  if (ms <= 0) return { state: 'expired', text: `expired ${formatDuration(-ms)} ago`, ms };
  return { state: ms <= expiringSoonMs ? 'expiring' : 'fresh', text: `${formatDuration(ms)} left`, ms };
}

/** "2026-11-25 09:12:03 UTC" */
export function utc(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '';
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** "842 ms", "1.24 s" */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}
