/**
 * How every command reads its options: `parse` words usage errors the same way everywhere (unknown option with the
 * closest known one, a missing value, a value given to a switch) and never echoes a stray argument verbatim; durations
 * and URLs have one reader each, so a unit or a scheme means the same on every command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
// Dependency-free, like ./io: `azauth --help` must not load the engine.
import { quoteValue } from '../core/text/terminal';
import { redactText } from '../core/trace/redact';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** An argument echoed in a message: redacted (a token by its shape), then escaped, quoted and cut. */
export function shown(value: string, max = 60): string {
  return quoteValue(redactText(value), max);
}

/**
 * An argument nobody expected (a stray positional): it may be a secret pasted in the wrong place, so one that looks like
 * an opaque credential (long, no spaces, not a path or URL) is described, not shown; anything else as `shown`.
 */
export function stray(value: string): string {
  if (value.length >= 20 && !/[\s/\\]/.test(value) && redactText(value) === value)
    return `(${value.length} characters, not shown: it may be a secret)`;
  return shown(value);
}

function closest(name: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Parses argv strictly. Mistakes get the same words on every command: unknown option (with the closest known one),
 * a value missing, a value given to a switch, an unexpected argument. Arguments are echoed escaped and truncated.
 */
export function parse<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'option') {
      const def = options[t.name];
      if (!def) {
        const guess = closest(t.name, Object.keys(options));
        throw new UsageError(`unknown option ${shown(t.rawName)}${guess ? ` (did you mean --${guess}?)` : ''}`);
      }
      if (def.type === 'boolean' && t.value !== undefined)
        throw new UsageError(`--${t.name} is a switch and takes no value (got ${shown(t.value)})`);
      if (
        def.type === 'string' &&
        (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && t.value.length > 1))
      )
        throw new UsageError(
          `--${t.name} needs a value${t.value !== undefined ? ` (${shown(t.value)} looks like an option; write --${t.name}=VALUE if it is the value)` : ''}`,
        );
    } else if (t.kind === 'positional' && !allowPositionals) {
      throw new UsageError(`unexpected argument ${stray(t.value)}`);
    }
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    // Everything strict mode refuses was reported above; this is a net that still never echoes node's raw wording.
    throw new UsageError(`cannot read the options (${(e as { code?: string }).code ?? 'invalid'})`);
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s)?$/;

/**
 * A time limit option: a number is seconds; `30s` and `500ms` say their unit. Returns milliseconds.
 * Every command's `--timeout` uses this one reader, so the unit is the same everywhere.
 */
export function parseDuration(flag: string, value: string, { maxSeconds = 3600 } = {}): number {
  const m = DURATION.exec(value.trim());
  const hint = 'give seconds (30), or 30s, 500ms';
  if (!m) throw new UsageError(`${flag} ${shown(value, 20)} is not a duration: ${hint}`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : n * 1000;
  if (!(ms >= 1)) throw new UsageError(`${flag} ${shown(value, 20)} is too short: ${hint}`);
  if (ms > maxSeconds * 1000)
    throw new UsageError(
      `${flag} ${shown(value, 20)} is more than ${maxSeconds} s${m[2] === undefined && n >= 1000 ? ` (a bare number is seconds: did you mean ${value}ms?)` : ''}`,
    );
  return Math.round(ms);
}

/** An http(s) URL option (an endpoint the user points azauth at); anything else is bad usage. */
export function parseHttpUrl(flag: string, value: string): string {
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    throw new UsageError(`${flag} must be an http(s) URL (got ${shown(value)})`);
  return value;
}
