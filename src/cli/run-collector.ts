/**
 * dist/run-collector.js: the collector `bin/azauth run` starts beside the user's program (never run by hand). Its
 * arguments are `azauth run`'s; its pipes are the launcher's (src/core/apptrace/collect.ts).
 */
import { closeSync } from 'node:fs';
import { LAUNCHER_FDS } from '../core/apptrace/index';
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

// Once the trace is written the launcher may return, and whoever reads azauth's output may see its end: the launcher
// waits for the end of file on `done`, a pipe reader for stdout and stderr to close, and neither should wait for this
// process's teardown. So the three are closed and the process ends at once.
startProcess(main, {
  whenDone: (code) => {
    for (const fd of [LAUNCHER_FDS.done, 1, 2])
      try {
        closeSync(fd);
      } catch {
        /* not open */
      }
    process.exit(code);
  },
});
// Ctrl+C reaches the program straight from the terminal; this process reads on until the program's output ends, so the
// trace is printed however many times it is pressed (the first one marks the run interrupted).
process.on('SIGINT', () => undefined);
