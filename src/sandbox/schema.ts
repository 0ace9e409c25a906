/**
 * A small declarative schema for the sandbox's configuration document: each check reads one JSON value, reports what
 * is wrong by its path (`apps[1].certificates[0].pem: not a PEM certificate`) and returns the value, or undefined when
 * it was not usable. Checks never recurse beyond what the schema describes, so a hostile document (huge, deeply
 * nested, `__proto__` keys) costs at most one pass over the parts the schema names; errors stop counting at 200.
 *
 * Hand-written rather than a validation library: the messages are the sandbox's contract (tests and users read them),
 * the defaults merge field by field, and cross references (tenants, identities) are checked on the way; a library would
 * need a custom message and a transform on nearly every field, and would add to the extension bundle.
 */

export interface ConfigError {
  path: string;
  message: string;
}

export class Checker {
  readonly errors: ConfigError[] = [];
  /** Named sets of known ids for cross references, filled in as the walk goes (insertion order kept). */
  readonly refs = new Map<string, Set<string>>();
  fail(path: string, message: string): undefined {
    if (this.errors.length < 200) this.errors.push({ path, message });
    return undefined;
  }
  ref(name: string): Set<string> {
    return this.refs.get(name) ?? new Set();
  }
}

/** Checks one value at a path; undefined when it is unusable (the reason is already reported). */
export type Check<T> = (v: unknown, path: string, c: Checker, index?: number) => T | undefined;

export const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface StrOptions {
  /** What a valid value looks like, as a test and in words ("must be …"). */
  match?: RegExp | ((s: string) => boolean);
  expected?: string;
  /** The empty string is refused unless this is false. */
  nonEmpty?: boolean;
  lower?: boolean;
}

export function str(o: StrOptions = {}): Check<string> {
  return (v, p, c) => {
    if (typeof v !== 'string') return c.fail(p, v === undefined ? 'is required (a string)' : 'must be a string');
    if ((o.nonEmpty ?? true) && v.length === 0) return c.fail(p, 'must not be empty');
    if (v.length > 100_000) return c.fail(p, 'is too long');
    const ok = !o.match || (typeof o.match === 'function' ? o.match(v) : o.match.test(v));
    if (!ok) return c.fail(p, `must be ${o.expected ?? `a string matching ${o.match}`}`);
    return o.lower ? v.toLowerCase() : v;
  };
}

export const bool = (): Check<boolean> => (v, p, c) =>
  typeof v === 'boolean' ? v : c.fail(p, 'must be true or false');

export const int =
  (min: number, max: number): Check<number> =>
  (v, p, c) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : c.fail(p, `must be an integer from ${min} to ${max}`);

export const oneOf =
  <T>(values: readonly T[], message: string): Check<T> =>
  (v, p, c) =>
    values.includes(v as T) ? (v as T) : c.fail(p, message);

function arrayAt(v: unknown, p: string, c: Checker, min?: string): unknown[] | undefined {
  if (!Array.isArray(v)) return c.fail(p, 'must be an array');
  if (v.length === 0 && min) c.fail(p, min);
  return v;
}

/** A list of non-empty strings; bad entries are reported and left out. `min`: the message when none is left. */
export function strings(o: { match?: RegExp | ((s: string) => boolean); expected?: string; min?: string } = {}) {
  const check: Check<string[]> = (v, p, c) => {
    const a = arrayAt(v, p, c);
    if (!a) return undefined;
    const out: string[] = [];
    a.forEach((s, i) => {
      const ok = typeof s === 'string' && (!o.match || (typeof o.match === 'function' ? o.match(s) : o.match.test(s)));
      if (typeof s !== 'string' || s.length === 0) c.fail(`${p}[${i}]`, 'must be a non-empty string');
      else if (!ok) c.fail(`${p}[${i}]`, `must be ${o.expected ?? 'valid'}`);
      else out.push(s);
    });
    if (out.length === 0 && o.min) c.fail(p, o.min);
    return out;
  };
  return check;
}

export interface ListOptions<T> {
  /** Message for an empty list. */
  min?: string;
  /** A field that must not repeat across items (empty values are not compared). */
  unique?: { key: keyof T & string; message: (value: string) => string };
}

/** A list of items; unusable items are left out. */
export function list<T>(item: Check<T>, o: ListOptions<T> = {}): Check<T[]> {
  return (v, p, c) => {
    const a = arrayAt(v, p, c, o.min);
    if (!a) return undefined;
    const out: T[] = [];
    const seen = new Set<string>();
    a.forEach((x, i) => {
      const r = item(x, `${p}[${i}]`, c, i);
      if (r === undefined) return;
      const key = o.unique ? String((r as Record<string, unknown>)[o.unique.key] ?? '') : '';
      if (key && seen.has(key)) c.fail(`${p}[${i}].${o.unique!.key}`, o.unique!.message(key));
      if (key) seen.add(key);
      out.push(r);
    });
    return out;
  };
}

export interface Field {
  check: Check<unknown>;
  /** Absent is fine (the value is then undefined, or `default`). */
  optional?: boolean;
  default?: unknown;
}

export type Parsed = Record<string, unknown>;

/**
 * An object with exactly these fields (others are reported as unknown), each checked in turn; `build` makes the
 * result from the checked values (undefined where absent or bad) and may report what concerns several fields.
 */
export function record<T>(
  fields: Record<string, Field | Check<unknown>>,
  build: (f: Parsed, p: string, c: Checker, index?: number) => T | undefined,
): Check<T> {
  const allowed = Object.keys(fields);
  return (v, p, c, index) => {
    if (!isObject(v)) return c.fail(p, 'must be an object');
    for (const k of Object.keys(v))
      if (!allowed.includes(k)) c.fail(join(p, k), `unknown field (expected one of: ${allowed.join(', ')})`);
    const out: Parsed = {};
    for (const k of allowed) {
      const spec = fields[k]!;
      const f: Field = typeof spec === 'function' ? { check: spec } : spec;
      const x = Object.hasOwn(v, k) ? v[k] : undefined;
      if (x === undefined && 'default' in f) out[k] = f.default;
      else if (x === undefined && f.optional) out[k] = undefined;
      else out[k] = f.check(x, join(p, k), c);
    }
    return build(out, p, c, index);
  };
}

export const optional = (check: Check<unknown>): Field => ({ check, optional: true });

/** The fields that were given and usable, over a base value (the defaults). */
export function over<T extends object>(base: T): (f: Parsed) => T {
  return (f) => {
    const given = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
    return { ...base, ...given } as T;
  };
}
