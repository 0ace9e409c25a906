/**
 * The one way the engine and its faces read a file the user named (a CA bundle, a key set, an assertion, a
 * certificate, a token file, a sandbox configuration): it must be a regular file, and at most `maxBytes` are read.
 * A device (/dev/zero), a FIFO or a directory fails at once instead of being read until memory runs out, and a
 * FIFO is opened non-blocking so that opening it cannot hang either.
 */
import { constants, openSync, fstatSync, readSync, closeSync } from 'node:fs';
import { open } from 'node:fs/promises';

export type UserFileErrorKind = 'not-found' | 'not-a-regular-file' | 'too-large' | 'unreadable';

export interface ReadUserFileOptions {
  /** The most bytes the file may hold. */
  maxBytes: number;
  /** What the file is, for the message ("--ca file", "certificate file", "federated token file"…). */
  what: string;
}

/** A user-named file that could not be read; `kind` says why. The message names the file and what it was for. */
export class UserFileError extends Error {
  readonly kind: UserFileErrorKind;
  readonly path: string;
  /** The problem alone ("no such file", "is a character device, not a regular file"…), for callers that word their own message. */
  readonly detail: string;
  readonly code?: string;
  constructor(
    kind: UserFileErrorKind,
    path: string,
    what: string,
    detail: string,
    options: { code?: string; cause?: unknown } = {},
  ) {
    super(`${what} ${path}: ${detail}`, { cause: options.cause });
    this.name = 'UserFileError';
    this.kind = kind;
    this.path = path;
    this.detail = detail;
    this.code = options.code;
  }
}

export function isUserFileError(e: unknown): e is UserFileError {
  return e instanceof Error && e.name === 'UserFileError' && typeof (e as { kind?: unknown }).kind === 'string';
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. Regular files ignore the flag.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

function sizeText(n: number): string {
  return n >= 1024 * 1024
    ? `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`
    : n >= 64 * 1024
      ? `${Math.round((n / 1024) * 10) / 10} KiB`
      : `${n} bytes`;
}

function openError(e: unknown, path: string, what: string): UserFileError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new UserFileError('not-found', path, what, 'no such file', { code, cause: e });
  if (code === 'EISDIR')
    return new UserFileError('not-a-regular-file', path, what, 'is a directory, not a regular file', {
      code,
      cause: e,
    });
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code
        ? `cannot be read (${code})`
        : `cannot be read (${(e as Error)?.message ?? String(e)})`;
  return new UserFileError('unreadable', path, what, why, { code, cause: e });
}

function kindOf(st: {
  isFile(): boolean;
  isDirectory(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(path: string, what: string, st: Parameters<typeof kindOf>[0]): UserFileError {
  return new UserFileError('not-a-regular-file', path, what, `is ${kindOf(st)}, not a regular file`);
}

function tooLarge(path: string, what: string, maxBytes: number, size?: number): UserFileError {
  return new UserFileError(
    'too-large',
    path,
    what,
    `${size !== undefined ? `is ${sizeText(size)}, ` : 'is '}larger than the ${sizeText(maxBytes)} allowed`,
  );
}

/**
 * What both readers share: the checks on the open file and the capped accumulation. Chunks are read until the end,
 * whatever stat said, so a file that grows (or a /proc file that reports size 0) is still capped.
 */
class Capped {
  readonly #chunks: Buffer[] = [];
  total = 0;
  constructor(
    private readonly path: string,
    private readonly what: string,
    private readonly maxBytes: number,
  ) {}

  check(st: Parameters<typeof kindOf>[0] & { size: number }): void {
    if (!st.isFile()) throw notRegular(this.path, this.what, st);
    if (st.size > this.maxBytes) throw tooLarge(this.path, this.what, this.maxBytes, st.size);
  }

  /** Takes the `n` bytes just read into `chunk`; false at the end of the file. */
  add(chunk: Buffer, n: number): boolean {
    if (n === 0) return false;
    this.total += n;
    if (this.total > this.maxBytes) throw tooLarge(this.path, this.what, this.maxBytes);
    this.#chunks.push(chunk.subarray(0, n));
    return true;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks, this.total);
  }
}

/** Reads a user-named regular file of at most `maxBytes` bytes. Throws UserFileError. */
export async function readUserFile(path: string, options: ReadUserFileOptions): Promise<Buffer> {
  const { maxBytes, what } = options;
  let handle;
  try {
    handle = await open(path, FLAGS);
  } catch (e) {
    throw openError(e, path, what);
  }
  try {
    const c = new Capped(path, what, maxBytes);
    c.check(await handle.stat());
    for (;;) {
      const chunk = Buffer.alloc(CHUNK);
      if (!c.add(chunk, (await handle.read(chunk, 0, CHUNK, c.total)).bytesRead)) return c.bytes();
    }
  } catch (e) {
    if (isUserFileError(e)) throw e;
    throw openError(e, path, what);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** readUserFile as UTF-8 text. */
export async function readUserText(path: string, options: ReadUserFileOptions): Promise<string> {
  return (await readUserFile(path, options)).toString('utf8');
}

/** The synchronous form, for the few callers that cannot wait (a key file read inside a synchronous step). */
export function readUserFileSync(path: string, options: ReadUserFileOptions): Buffer {
  const { maxBytes, what } = options;
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (e) {
    throw openError(e, path, what);
  }
  try {
    const c = new Capped(path, what, maxBytes);
    c.check(fstatSync(fd));
    for (;;) {
      const chunk = Buffer.alloc(CHUNK);
      if (!c.add(chunk, readSync(fd, chunk, 0, CHUNK, c.total))) return c.bytes();
    }
  } catch (e) {
    if (isUserFileError(e)) throw e;
    throw openError(e, path, what);
  } finally {
    closeSync(fd);
  }
}
