import { EXIT_USAGE, type CliCommand } from '../io';

// Placeholder until issue #4 lands: it says so and does nothing else.
export const command: CliCommand = {
  summary: '(not built yet — arrives with issue #4)',
  usage: 'azauth explain: not built yet (issue #4).',
  async run(_argv, io) {
    io.stderr.write('azauth explain is not built yet (issue #4).\n');
    return EXIT_USAGE;
  },
};
