import { EXIT_USAGE, type CliCommand } from '../io';

// Placeholder until issue #3 lands: it says so and does nothing else.
export const command: CliCommand = {
  summary: '(not built yet — arrives with issue #3)',
  usage: 'azauth token: not built yet (issue #3).',
  async run(_argv, io) {
    io.stderr.write('azauth token is not built yet (issue #3).\n');
    return EXIT_USAGE;
  },
};
