/**
 * Terminal-safe text: the one place that decides how outside text (server bodies, token claims, arguments, environment,
 * files) is shown on a terminal or in a log. Anything a terminal would act on instead of print, or that the reader cannot
 * see, is replaced by a visible escape: C0 controls, DEL and C1 controls as `\x1b`, `\x9b`, …; bidi overrides and
 * isolates, zero-width and other invisible format characters, line/paragraph separators and lone surrogates as `\u202e`,
 * `\u{e0041}`, …. ESC / CSI / OSC sequences are thereby neutralised at their first byte (the rest is printable text).
 *
 * Two shapes: `terminalSafe` for a value inside a line (a newline in it never starts a new output line), and
 * `terminalSafeBlock` for text whose line breaks are layout (kept as `\n`; CRLF becomes LF).
 */

// Cc: C0, DEL, C1. Cf: bidi marks/overrides/isolates (U+200E/F, U+202A–E, U+2066–9, U+061C), zero-width (U+200B–D,
// U+2060, U+FEFF), soft hyphen, tags (invisible "ASCII smuggling"; the whole block U+E0000–E007F, assigned or not),
// the invisible operators and deprecated format controls (the whole block U+2060–U+206F: U+2065 is unassigned, so not
// Cf today, and a newer Unicode may give it a meaning a terminal acts on), … Zl/Zp: U+2028/U+2029, which some
// renderers break lines on. Cs: lone surrogates. The explicit list: invisible characters of other categories (combining
// grapheme joiner, Hangul fillers, Mongolian free variation selectors, supplementary variation selectors).
const UNSAFE =
  // eslint-disable-next-line no-misleading-character-class -- the combining joiners are listed on purpose, one by one
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u3164\uffa0\u180b-\u180f\u2060-\u206f\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
const UNSAFE_BLOCK =
  // eslint-disable-next-line no-misleading-character-class -- as above
  /\r\n|[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u3164\uffa0\u180b-\u180f\u2060-\u206f\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/** One value inside a line: every control, invisible or bidi character (newline, CR and tab included) shown escaped. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** Multi-line text whose line breaks are layout: `\n` (and CRLF, as `\n`) and tab kept, everything else as in terminalSafe. */
export function terminalSafeBlock(s: string): string {
  return s.replace(UNSAFE_BLOCK, (ch) => (ch === '\r\n' || ch === '\n' ? '\n' : ch === '\t' ? '\t' : escapeChar(ch)));
}

/** True when `s` holds a character terminalSafe would escape (a newline counts). */
export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * A value echoed back to the user in a message (a stray argument, a name that was not recognised): escaped, cut to
 * `max` characters with the full length named, and quoted so its edges are visible.
 */
export function quoteValue(s: string, max = 60): string {
  const chars = Array.from(s);
  if (chars.length <= max) return `"${terminalSafe(s)}"`;
  return `"${terminalSafe(chars.slice(0, max).join(''))}"… (${chars.length} characters)`;
}
