/** Hostile text for property tests: ordinary characters mixed with what a terminal would act on or hide. */
import fc from 'fast-check';
import type { TraceEvent } from '../../../src/core/trace/events';

export const HOSTILE_PIECES = [
  '\u001b[2J',
  '\u001b]0;owned\u0007',
  '\u001b]8;;https://evil.example\u001b\\',
  '\u009b31m',
  '\r',
  '\n',
  '\r\n',
  '\b',
  '\u0007',
  '\u0000',
  '\u007f',
  '\t',
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\u{e0041}',
  '\u00ad',
];

/** Characters no terminal output may carry raw: C0 (LF only as layout), DEL, C1, bidi, zero-width, tags, separators. */
export const RAW_UNSAFE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- the controls and joiners are the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/u;

/** A string of up to `max` pieces, each a hostile sequence or ordinary text. */
export function hostileString(max = 8): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        fc.constantFrom(...HOSTILE_PIECES),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 3 }),
      ),
      { minLength: 1, maxLength: max },
    )
    .map((parts) => parts.join(''));
}

/** A trace event of any kind whose every outside string (URLs, bodies, messages, env values, stderr…) is hostile. */
export function hostileEvent(): fc.Arbitrary<TraceEvent> {
  const h = hostileString();
  const at = fc.constant(1_700_000_000_000);
  const ms = fc.nat(100_000);
  return fc.oneof(
    fc.record({ kind: fc.constant('step-start' as const), at, step: h, description: h }),
    fc.record({
      kind: fc.constant('config' as const),
      at,
      step: h,
      variables: fc.array(fc.record({ name: h, set: fc.boolean(), value: h, note: h }), { maxLength: 2 }),
      files: fc.array(fc.record({ path: h, exists: fc.boolean(), size: fc.nat(), note: h }), { maxLength: 2 }),
      executables: fc.array(
        fc.record({ name: h, resolved: fc.option(h, { nil: null }), searchedPath: fc.array(h, { maxLength: 2 }) }),
        { maxLength: 2 },
      ),
      endpoints: fc.array(fc.record({ name: h, url: h }), { maxLength: 2 }),
      settings: fc.dictionary(h, fc.oneof(h, fc.integer(), fc.boolean()), { maxKeys: 2 }),
    }),
    fc.record({
      kind: fc.constant('http' as const),
      at,
      step: h,
      method: h,
      url: h,
      status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
      requestBody: fc.oneof(h, fc.dictionary(h, h, { maxKeys: 2 })),
      responseBody: fc.oneof(h, fc.dictionary(h, h, { maxKeys: 2 })),
      durationMs: ms,
      error: fc.option(h, { nil: undefined }),
      attempt: fc.integer({ min: 1, max: 3 }),
      retryReason: h,
      retryDelayMs: ms,
      proxy: fc.option(h, { nil: null }),
    }),
    fc.record({
      kind: fc.constant('process' as const),
      at,
      step: h,
      command: h,
      args: fc.array(h, { maxLength: 3 }),
      resolvedPath: fc.option(h, { nil: null }),
      exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      signal: fc.option(h, { nil: null }),
      stdout: h,
      stderr: h,
      classification: h,
      durationMs: ms,
      timedOut: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('outcome' as const),
      at,
      step: h,
      outcome: fc.constantFrom('success' as const, 'unavailable' as const, 'failed' as const, 'skipped' as const),
      message: h,
      durationMs: ms,
      errorCodes: fc.array(fc.nat(999_999), { maxLength: 2 }),
    }),
    fc.record({
      kind: fc.constant('note' as const),
      at,
      step: h,
      level: fc.constantFrom('error' as const, 'warn' as const, 'info' as const, 'debug' as const, 'trace' as const),
      message: h,
    }),
  );
}

const ENUM_KEYS = new Set(['kind', 'level', 'outcome']);

/**
 * The same value with every non-empty string replaced by "x" (the discriminants kind / level / outcome kept): the layout
 * an honest value of that shape produces.
 */
export function benign<T>(v: T): T {
  if (typeof v === 'string') return (v === '' ? '' : 'x') as T;
  if (Array.isArray(v)) return v.map(benign) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let i = 0;
    // Keys of free-form maps are outside text too; distinct plain keys keep the entry count.
    for (const [k, x] of Object.entries(v))
      out[/^[a-zA-Z]+$/.test(k) ? k : `k${i++}`] = ENUM_KEYS.has(k) ? x : benign(x);
    return out as T;
  }
  return v;
}
