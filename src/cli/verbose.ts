/** `--verbose`: the engine's trace events on stderr as they happen, for every command that runs the engine. */
import { formatEvent, type TraceSink } from '../core/index';
import { lines, paint, type CliIo, type Colour } from './io';

/**
 * The trace sink behind --verbose: each event as the formatter words it (already redacted), one line at a time in
 * `colour`; none when `on` is false (with --json, stderr is kept for errors).
 */
export function verboseSink(io: CliIo, on: boolean, colour: Colour): TraceSink | undefined {
  return on ? { emit: (e) => io.stderr.write(lines(formatEvent(e).map((l) => paint(io, colour, l)))) } : undefined;
}
