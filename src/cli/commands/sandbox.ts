import { EXIT_USAGE, type CliCommand } from '../io';

// Placeholder until issue #2 lands: it says so and does nothing else.
export const command: CliCommand = {
  summary: '(not built yet — arrives with issue #2)',
  usage: 'azauth sandbox: not built yet (issue #2).',
  async run(_argv, io) {
    io.stderr.write('azauth sandbox is not built yet (issue #2).\n');
    return EXIT_USAGE;
  },
};
