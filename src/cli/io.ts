/**
 * The CLI's one output layer and the contract of a command (its io, its exit codes, its usage error). Every command
 * prints through the streams `main` hands it (terminal-safe, wrapped to the terminal's width, never running into a
 * progress line), colours through `paint`, and shows progress during long waits through `withProgress`; it reads its
 * options through ./options.
 */
import { Writable } from 'node:stream';
// Dependency-free: `azauth --help` must not load the engine, and the output layer is needed before any command runs.
import { terminalSafe, terminalSafeBlock } from '../core/text/terminal';

/** Exit codes of the CLI contract: 0 token acquired / success, 1 authentication failed, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_AUTH_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * The exit code of a command that ran the engine: 0 when it produced what was asked for, 2 when the request itself was
 * wrong (a usage or configuration mistake), 1 for every other failure.
 */
export function exitCodeFor(ok: boolean, errorKind: string | undefined): number {
  if (ok) return EXIT_OK;
  return errorKind === 'usage' || errorKind === 'config' ? EXIT_USAGE : EXIT_AUTH_FAILED;
}

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

/**
 * Runs an entry point (`azauth`, the `azauth run` collector) as this process: the real streams and environment, an
 * abort signal for Ctrl+C, and its result as the exit code.
 */
export function startProcess(
  entry: (argv: string[], io: CliIo) => Promise<number>,
  { whenDone }: { whenDone?: (code: number) => void } = {},
): void {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: Node builds process.stdin (and loads its stream classes) only when asked, and most commands,
    // the `azauth run` collector among them, never read it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    signal: controller.signal,
  };
  entry(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // Once both streams have taken the last write.
      if (whenDone) process.stdout.write('', () => process.stderr.write('', () => whenDone(code)));
    },
    (e) => {
      process.stderr.write(`azauth: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

/** Bad usage or input: exit 2, one line on stderr (plus a pointer to `azauth help CMD`), JSON with --json. */
export class UsageError extends Error {
  readonly kind = 'usage';
}

// ── colour ───────────────────────────────────────────────────────────────────────────────────────────────────────────

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof codes;

// Colour travels through the text as a marker only this process can write (a private-use character and a per-process
// nonce); the output stream turns authentic markers into SGR sequences and escapes every other control character. So a
// colour can come only from `paint`, never from a server or a token, and text painted with colour off stays plain.
// The nonce is made the first time colour is on (safeIo), not at load: the random source costs the `azauth run`
// collector a few milliseconds beside the user's program, and until a marker exists there is none to find in the text.
let marker: { mark: string; pattern: RegExp } | undefined;

function colourMarker(): { mark: string; pattern: RegExp } {
  if (!marker) {
    const nonce = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString('hex');
    marker = { mark: `\u{f0000}${nonce}:`, pattern: new RegExp(`\\u{f0000}${nonce}:(\\d{1,2});`, 'gu') };
  }
  return marker;
}

/** Text without its colour markers, or with each turned into what `replace` makes of its SGR code. */
function replaceMarkers(text: string, replace: (code: string) => string = () => ''): string {
  return marker ? text.replace(marker.pattern, (_, code: string) => replace(code)) : text;
}

export function paint(io: Pick<CliIo, 'color'>, colour: Colour, text: string): string {
  if (!io.color) return text;
  const { mark } = colourMarker();
  return `${mark}${codes[colour]};${text}${mark}0;`;
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
  for (const _ of replaceMarkers(s)) n++;
  return n;
}

/**
 * Wraps one line at spaces to `width` columns. Continuation lines are indented like the line's text column: the
 * second column of a table row (after a run of two or more spaces), else the line's own indentation. Words longer than
 * a line (URLs, tokens) are never cut, so they stay copyable.
 */
export function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const plain = replaceMarkers(line);
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
    safe = replaceMarkers(safe, (code) => (this.color ? `\u001b[${code}m` : ''));
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
  if (io.color) colourMarker();
  return {
    env: io.env,
    color: io.color,
    signal: io.signal,
    get stdin() {
      return io.stdin;
    },
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

/**
 * A command's one input: the argument, or standard input when it is "-" or not given. A terminal is never waited on:
 * with no argument and stdin a terminal, `nothing` is the usage error.
 */
export async function argumentOrStdin(io: CliIo, argument: string | undefined, nothing: string): Promise<string> {
  if (argument !== undefined && argument !== '-') return argument;
  if (argument === undefined && (io.stdin as { isTTY?: boolean }).isTTY) throw new UsageError(nothing);
  return readStdin(io);
}

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
