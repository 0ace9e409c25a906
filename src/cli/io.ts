import { parseArgs, type ParseArgsConfig } from 'node:util';

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
  run(argv: string[], io: CliIo): Promise<number>;
}

export class UsageError extends Error {
  readonly kind = 'usage';
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof codes;

export function paint(io: Pick<CliIo, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
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
