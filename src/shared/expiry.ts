/**
 * How long a token has left, said one way everywhere: the engine's expiry verdicts and validation reasons, the CLI,
 * the status bar, the Tokens tree, hovers and the Token Inspector all take the threshold, the state and the words
 * from here, so one token reads the same on every face.
 *
 * It lives in src/shared (pure, no imports) because the webview may import nothing else and recomputes the countdown
 * every second by itself; having the host send formatted text would mean a host round-trip a second.
 */

/** Below this remaining lifetime a token counts as expiring soon (the SDKs refresh about 5 minutes before expiry). */
export const EXPIRING_SOON_MS = 5 * 60 * 1000;

export type ExpiryState = 'fresh' | 'expiring-soon' | 'expired' | 'not-yet-valid' | 'no-expiry';

export interface DurationOptions {
  /**
   * Show seconds below a day ("52m 07s" instead of "52m"): for a view that re-renders every second (the inspector's
   * countdown). Views refreshed less often show whole minutes, which stay true between their refreshes.
   */
  seconds?: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "45s", "52m" / "52m 07s", "1h 05m" / "1h 05m 09s", "2d 01h" / "2d 01h 00m". The sign is ignored. */
export function formatDuration(ms: number, opts: DurationOptions = {}): string {
  if (!Number.isFinite(ms)) return '';
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return opts.seconds ? `${d}d ${pad(h)}h ${pad(m)}m` : `${d}d ${pad(h)}h`;
  if (h > 0) return opts.seconds ? `${h}h ${pad(m)}m ${pad(s)}s` : `${h}h ${pad(m)}m`;
  if (m > 0) return opts.seconds ? `${m}m ${pad(s)}s` : `${m}m`;
  return `${s}s`;
}

/** A short elapsed time for runs and steps: "842 ms", "1.24 s", "12.5 s". */
export function formatElapsed(ms: number | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** "in 5m", "10m ago", "now": a point in time relative to `now`. */
export function relativeTime(epochMs: number, now: number): string {
  const delta = epochMs - now;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/**
 * The state of a token at `now` from its expiry (and not-before) time, epoch ms. An absent expiry, or one at or before
 * the epoch (TokenSummary's 'unknown'), is 'no-expiry'.
 */
export function expiryState(expiresOnEpochMs: number | undefined, now: number, notBeforeEpochMs?: number): ExpiryState {
  if (notBeforeEpochMs !== undefined && now < notBeforeEpochMs) return 'not-yet-valid';
  if (expiresOnEpochMs === undefined || !Number.isFinite(expiresOnEpochMs) || expiresOnEpochMs <= 0) return 'no-expiry';
  const ms = expiresOnEpochMs - now;
  if (ms <= 0) return 'expired';
  return ms <= EXPIRING_SOON_MS ? 'expiring-soon' : 'fresh';
}

export interface Remaining {
  state: ExpiryState;
  /** "52m left", "expired 3m ago", "not valid for another 10s", "no expiry time". */
  text: string;
  /** Milliseconds until expiry (negative once expired; NaN without an expiry). */
  ms: number;
}

/** What every face shows for a token's remaining lifetime. */
export function remaining(
  expiresOnEpochMs: number | undefined,
  now: number,
  opts: DurationOptions & { notBeforeEpochMs?: number } = {},
): Remaining {
  const state = expiryState(expiresOnEpochMs, now, opts.notBeforeEpochMs);
  const ms = expiresOnEpochMs !== undefined && expiresOnEpochMs > 0 ? expiresOnEpochMs - now : Number.NaN;
  switch (state) {
    case 'not-yet-valid':
      return { state, text: `not valid for another ${formatDuration(opts.notBeforeEpochMs! - now, opts)}`, ms };
    case 'no-expiry':
      return { state, text: 'no expiry time', ms: Number.NaN };
    case 'expired':
      return { state, text: `expired ${formatDuration(ms, opts)} ago`, ms };
    default:
      return { state, text: `${formatDuration(ms, opts)} left`, ms };
  }
}
