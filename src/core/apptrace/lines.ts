/**
 * Streaming line splitter for a program's output. The program's bytes are passed through by the caller untouched;
 * this only produces the text the readers look at, within fixed memory: a line longer than `maxLineBytes` keeps its
 * head (the part a log prefix lives in) and counts the rest, binary lines (NUL bytes or mostly undecodable) are
 * counted and not decoded, and nothing is buffered beyond one capped line per stream.
 */

export interface SplitLine {
  /** Decoded text without the line ending (at most maxLineBytes of the original line). */
  text: string;
  /** The original line was longer than the cap (text is its head). */
  truncated: boolean;
  /** Bytes of the original line, ending excluded. */
  bytes: number;
}

export interface LineStats {
  lines: number;
  bytes: number;
  truncatedLines: number;
  binaryLines: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export class LineSplitter {
  readonly #max: number;
  readonly #onLine: (line: SplitLine) => void;
  #parts: Buffer[] = [];
  #kept = 0;
  #lineBytes = 0;
  readonly stats: LineStats = { lines: 0, bytes: 0, truncatedLines: 0, binaryLines: 0 };

  constructor(onLine: (line: SplitLine) => void, options: { maxLineBytes?: number } = {}) {
    this.#onLine = onLine;
    this.#max = Math.max(256, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.stats.bytes += buf.length;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      const end = nl === -1 ? buf.length : nl;
      this.#take(buf, start, end);
      if (nl === -1) break;
      this.#emit();
      start = nl + 1;
    }
  }

  /** Emits a last line without a newline, if any. */
  end(): void {
    if (this.#lineBytes > 0) this.#emit();
  }

  #take(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    this.#lineBytes += n;
    const room = this.#max - this.#kept;
    if (room > 0) {
      const take = Math.min(room, n);
      this.#parts.push(buf.subarray(start, start + take));
      this.#kept += take;
    }
  }

  #emit(): void {
    let raw = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#kept);
    const bytes = this.#lineBytes;
    this.#parts = [];
    this.#kept = 0;
    this.#lineBytes = 0;
    this.stats.lines++;
    if (raw.length && raw[raw.length - 1] === 13) raw = raw.subarray(0, raw.length - 1);
    const truncated = bytes > this.#max;
    if (truncated) this.stats.truncatedLines++;
    // One decode serves both the binary test and the reader (this runs for every line of the program's output).
    const text = raw.indexOf(0) === -1 ? raw.toString('utf8') : undefined;
    if (text === undefined || mostlyUndecodable(text)) {
      this.stats.binaryLines++;
      return;
    }
    this.#onLine({ text, truncated, bytes });
  }
}

/** NUL bytes, or more than 10 % replacement characters after decoding, mark a line as binary. */
export function isBinary(raw: Buffer): boolean {
  if (raw.length === 0) return false;
  return raw.indexOf(0) !== -1 || mostlyUndecodable(raw.toString('utf8'));
}

function mostlyUndecodable(text: string): boolean {
  // Most lines have no replacement character at all: one native search answers for them.
  let at = text.indexOf('\ufffd');
  if (at === -1) return false;
  let bad = 0;
  for (; at !== -1; at = text.indexOf('\ufffd', at + 1)) bad++;
  return bad * 10 > text.length;
}
