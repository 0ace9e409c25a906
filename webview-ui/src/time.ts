/** Wall-clock text for the Token Inspector (durations and expiry words come from src/shared/expiry.ts). */

/** "2026-11-25 09:12:03 UTC" */
export function utc(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '';
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}
