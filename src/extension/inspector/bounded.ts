/** Bounded display text for the inspector's snapshot: every string and number from outside is capped or checked here. */

/** Longest value shown for one claim; longer values are cut and flagged `truncated`. */
export const MAX_VALUE_CHARS = 4000;
/** Longest meaning / interpretation / reason / message text. */
export const MAX_TEXT_CHARS = 2000;
export const MAX_CLAIMS = 300;
export const MAX_LIST_ITEMS = 50;
export const MAX_STEPS = 100;

// ---------- bounded text ----------

function cap(s: string, max: number): { text: string; truncated: boolean } {
  if (s.length <= max) return { text: s, truncated: false };
  return { text: `${s.slice(0, max)}…`, truncated: true };
}

/** Any value → bounded display text. Objects and arrays become JSON (errors in stringify give a marker). */
export function displayText(v: unknown, max = MAX_VALUE_CHARS): { text: string; truncated: boolean } {
  let s: string;
  if (v === null) s = 'null';
  else if (v === undefined) s = '';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? '';
    } catch {
      s = '[unprintable value]';
    }
  }
  return cap(s, max);
}

/** Bounded text: strings from tokens and error bodies can be any length. */
export function text(v: string | undefined, max = MAX_TEXT_CHARS): string {
  return v === undefined ? '' : cap(v, max).text;
}

/** A claim value (any JSON) that should be a number: only a finite one counts. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function finiteOr(v: number | undefined, fallback: number): number {
  return num(v) ?? fallback;
}
