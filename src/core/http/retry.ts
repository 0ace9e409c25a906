/**
 * When to try a request again and how long to wait first: Retry-After in its three spellings (seconds or HTTP date,
 * `retry-after-ms`, `x-ms-retry-after-ms`), else exponential backoff as the Azure SDKs compute it.
 */
import type { RetryPolicy } from './types';

/** Socket errors worth another try when the policy retries network errors. */
export const NETWORK_RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ESOCKETTIMEDOUT',
]);

/** Parses Retry-After style headers into a delay in ms, or undefined. */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
  for (const h of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = headers[h];
    if (v !== undefined && /^\d+(\.\d+)?$/.test(v.trim())) return Math.max(0, Math.round(Number(v)));
  }
  const ra = headers['retry-after'];
  if (ra === undefined) return undefined;
  const t = ra.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.max(0, Math.round(Number(t) * 1000));
  const date = Date.parse(t);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** Exponential backoff: base * 2^(retry-1), capped; with 'half' jitter, a random point in its upper half. */
export function backoffMs(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
  status?: number,
): number {
  const base = (status !== undefined ? policy.baseDelayByStatusMs?.[status] : undefined) ?? policy.baseDelayMs;
  const d = Math.min(policy.maxDelayMs, base * 2 ** Math.max(0, retry - 1));
  return policy.jitter === 'half' ? Math.round(d / 2 + random() * (d / 2)) : d;
}

/** Resolves after ms, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
