/**
 * The CLI's one output and option layer. Every command reads its options through `parse` (usage errors worded the same
 * way everywhere, stray arguments never echoed verbatim), prints through the streams `main` hands it (terminal-safe,
 * wrapped to the terminal's width, never running into a progress line), colours through `paint`, and shows progress
 * during long waits through `withProgress`.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
// Dependency-free: `azauth --help` must not load the engine, and the output layer is needed before any command runs.
import { quoteValue, terminalSafe, terminalSafeBlock } from '../core/text/terminal';
import { redactText } from '../core/trace/redact';

/** Exit codes of the CLI contract: 0 token acquired / success, 1 authentication failed, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_AUTH_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** True when colours may be used (TTY and NO_COLOR unset). */
  color: boolean;
  /** Aborted on Ctrl+C. */
  signal: AbortSignal;
}

export interface CliCommand {
  summary: string;
  usage: string;
  /** Every option the command accepts, by name without `--` (the parser's own table; docs/cli.md is checked against it). */
  options: Readonly<Record<string, { type: 'string' | 'boolean' }>>;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Bad usage or input: exit 2, one line on stderr (plus a pointer to `azauth help CMD`), JSON with --json. */
export class UsageError extends Error {
  readonly kind = 'usage';
}

// ── options ──────────────────────────────────────────────────────────────────────────────────────────────────────────

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

// ── colour ───────────────────────────────────────────────────────────────────────────────────────────────────────────

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof codes;

// Colour travels through the text as a marker only this process can write (a private-use character and a per-process
// nonce); the output stream turns authentic markers into SGR sequences and escapes every other control character. So a
// colour can come only from `paint`, never from a server or a token, and text painted with colour off stays plain.
const NONCE = randomBytes(6).toString('hex');
const MARK = `\u{f0000}${NONCE}:`;
const MARKER = new RegExp(`\\u{f0000}${NONCE}:(\\d{1,2});`, 'gu');

export function paint(io: Pick<CliIo, 'color'>, colour: Colour, text: string): string {
  return io.color ? `${MARK}${codes[colour]};${text}${MARK}0;` : text;
}

/** Lines of human output, each a value line: terminal-safe, so a newline inside a value stays visible on its line. */
export function lines(out: readonly string[]): string {
  return out.map(terminalSafe).join('\n') + '\n';
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

// ── output streams ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Visible width of a line: markers do not count, characters do (not UTF-16 units). */
function visibleLength(s: string): number {
  let n = 0;
  for (const _ of s.replace(MARKER, '')) n++;
  return n;
}

/**
 * Wraps one line at spaces to `width` columns. Continuation lines are indented like the line's text column: the
 * second column of a table row (after a run of two or more spaces), else the line's own indentation. Words longer than
 * a line (URLs, tokens) are never cut, so they stay copyable.
 */
export function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const plain = line.replace(MARKER, '');
  const lead = /^\s*/.exec(plain)![0].length;
  const column = /^(\s*\S.*?\s{2,})\S/.exec(plain)?.[1]?.length;
  const indent = ' '.repeat(
    column !== undefined && column <= width / 2 ? column : Math.min(lead + 2, Math.floor(width / 2)),
  );
  // Each piece is a word with the spaces before it, so alignment runs of spaces survive where the line is not broken.
  const pieces = line.match(/\s*\S+/g) ?? [line];
  const out: string[] = [];
  let cur = '';
  for (const p of pieces) {
    if (!cur || visibleLength(cur) + visibleLength(p) <= width) cur += p;
    else {
      out.push(cur);
      cur = indent + p.trimStart();
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** What both output streams share: the progress line (cleared before anything else is written). */
class Terminal {
  private progressShown = false;
  constructor(readonly progressOut: NodeJS.WritableStream | undefined) {}
  showProgress(text: string): void {
    if (!this.progressOut) return;
    this.progressOut.write(`\r\u001b[2K${text}`);
    this.progressShown = true;
  }
  clearProgress(): void {
    if (!this.progressShown || !this.progressOut) return;
    this.progressOut.write('\r\u001b[2K');
    this.progressShown = false;
  }
}

/**
 * The stream a command writes to: everything is made terminal-safe (line breaks kept as layout), authentic colour
 * markers become SGR sequences when colour is on, lines are wrapped to `width` when one is known, and a progress line on
 * the terminal is cleared first so messages never run into it.
 */
class SafeStream extends Writable {
  /** The last character written (so `main` can end a partial line before exiting). */
  last = '\n';
  constructor(
    private readonly raw: NodeJS.WritableStream,
    readonly terminal: Terminal,
    private readonly width: number | undefined,
    private readonly color: boolean,
    readonly isTTY: boolean,
  ) {
    super({ decodeStrings: false });
  }
  /** See passThrough. The program's bytes leave `last` alone: azauth never appends to what the program wrote. */
  passRaw(bytes: Uint8Array | string): void {
    if (bytes.length) this.raw.write(bytes);
  }
  override _write(chunk: unknown, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (!text) return done();
    this.terminal.clearProgress();
    let safe = terminalSafeBlock(text);
    if (this.width)
      safe = safe
        .split('\n')
        .flatMap((l) => wrapLine(l, this.width!))
        .join('\n');
    safe = safe.replace(MARKER, (_, code: string) => (this.color ? `\u001b[${code}m` : ''));
    this.last = safe.slice(-1);
    this.raw.write(safe);
    done();
  }
}

/** The wrap width: COLUMNS when it is a sensible number, else the terminal's own width, else none (piped). */
export function outputWidth(env: NodeJS.ProcessEnv, stream: NodeJS.WritableStream): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv >= 20 && fromEnv <= 1000) return fromEnv;
  const tty = stream as { isTTY?: boolean; columns?: number };
  return tty.isTTY && typeof tty.columns === 'number' && tty.columns >= 20 ? tty.columns : undefined;
}

/**
 * The io a command receives from `main`: stdout and stderr wrapped in SafeStreams. `wrap` is false for machine output
 * (--json) so JSON is never broken across lines.
 */
export function safeIo(io: CliIo, { wrap }: { wrap: boolean }): CliIo {
  const errTty = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const terminal = new Terminal(errTty ? io.stderr : undefined);
  const width = wrap ? outputWidth(io.env, io.stdout) : undefined;
  return {
    ...io,
    stdout: new SafeStream(io.stdout, terminal, width, io.color, Boolean((io.stdout as { isTTY?: boolean }).isTTY)),
    stderr: new SafeStream(io.stderr, terminal, width, io.color, errTty),
  };
}

/**
 * Bytes that are not azauth's to change — the output of the user's own program under `azauth run` — go to the terminal
 * exactly as they are (after a progress line is erased). Everything azauth itself prints goes through `write`.
 */
export function passThrough(stream: NodeJS.WritableStream, bytes: Uint8Array | string): void {
  if (!(stream instanceof SafeStream)) {
    stream.write(bytes);
    return;
  }
  stream.terminal.clearProgress();
  stream.passRaw(bytes);
}

/** Ends a line a command left open (a prompt, a partial line), so the shell prompt or the next message starts clean. */
export function endOpenLines(io: CliIo): void {
  for (const s of [io.stdout, io.stderr]) if (s instanceof SafeStream && s.last !== '\n') s.write('\n');
  if (io.stderr instanceof SafeStream) io.stderr.terminal.clearProgress();
}

// ── progress ─────────────────────────────────────────────────────────────────────────────────────────────────────────

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Runs `work`; when it takes longer than `afterMs` and stderr is a terminal, shows a spinner with `label` and the
 * seconds waited on stderr until it settles. Nothing is written when stderr is piped.
 */
export async function withProgress<T>(io: CliIo, label: string, work: Promise<T>, afterMs = 1000): Promise<T> {
  // The terminal travels with stderr, so an io rebuilt around it (another env, a held stdout) still shows progress.
  const terminal = io.stderr instanceof SafeStream ? io.stderr.terminal : undefined;
  if (!terminal?.progressOut) return work;
  const started = Date.now();
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () =>
    terminal.showProgress(
      `${FRAMES[frame++ % FRAMES.length]} ${terminalSafe(label)} (${Math.floor((Date.now() - started) / 1000)} s)`,
    );
  const delay = setTimeout(() => {
    draw();
    timer = setInterval(draw, 100);
  }, afterMs);
  try {
    return await work;
  } finally {
    clearTimeout(delay);
    if (timer) clearInterval(timer);
    terminal.clearProgress();
  }
}

// ── input ────────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Reads all of stdin (for `-` arguments), bounded so a runaway pipe cannot exhaust memory. */
export async function readStdin(io: CliIo, maxBytes = 8 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > maxBytes) throw new UsageError(`standard input is larger than ${maxBytes} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
