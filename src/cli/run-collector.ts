/**
 * dist/run-collector.js: the collector `bin/azauth run` starts beside the user's program (never run by hand). Its
 * arguments are `azauth run`'s; its pipes are the launcher's (src/core/apptrace/collect.ts).
 */
import { collect } from './commands/run';
import { endOpenLines, safeIo, startProcess, type CliIo } from './io';

async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // The launcher takes this path only for options it checked, so the run's own parser accepts them.
  const io = safeIo(rawIo, { wrap: !argv.slice(0, Math.max(0, argv.indexOf('--'))).includes('--json') });
  try {
    return await collect(argv, io, __dirname);
  } finally {
    endOpenLines(io);
  }
}

startProcess(main);
// Ctrl+C reaches the program straight from the terminal; this process reads on until the program's output ends, so the
// trace is printed however many times it is pressed (the first one marks the run interrupted).
process.on('SIGINT', () => undefined);
