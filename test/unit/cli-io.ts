/** In-memory streams for driving `azauth` through `main(argv, io)` in tests. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io';

export type CapturedIo = CliIo & { out: () => string; err: () => string };

export function captureIo(
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; color?: boolean; signal?: AbortSignal } = {},
): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return {
    stdout,
    stderr,
    stdin,
    env: opts.env ?? {},
    color: opts.color ?? false,
    signal: opts.signal ?? new AbortController().signal,
    out: () => o,
    err: () => e,
  };
}
