/** Hostile text for property tests: ordinary characters mixed with what a terminal would act on or hide. */
import fc from 'fast-check';

export const HOSTILE_PIECES = [
  '\u001b[2J', '\u001b]0;owned\u0007', '\u001b]8;;https://evil.example\u001b\\', '\u009b31m', '\r', '\n', '\r\n', '\b', '\u0007',
  '\u0000', '\u007f', '\t', '\u202e', '\u202a', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c', '\u200b', '\u200d', '\u2060',
  '\ufeff', '\u2028', '\u{e0041}', '\u00ad',
];

/** Characters no terminal output may carry raw: C0 (LF only as layout), DEL, C1, bidi, zero-width, tags, separators. */
export const RAW_UNSAFE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- the controls and joiners are the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/u;

/** A string of up to `max` pieces, each a hostile sequence or ordinary text. */
export function hostileString(max = 8): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 3 })), { minLength: 1, maxLength: max })
    .map((parts) => parts.join(''));
}
