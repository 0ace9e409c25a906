import { EXIT_USAGE, type CliCommand } from '../io';

// Placeholder until issue #7 lands: it says so and does nothing else.
export const command: CliCommand = {
  summary: '(not built yet — arrives with issue #7)',
  usage: 'azauth where: not built yet (issue #7).',
  async run(_argv, io) {
    io.stderr.write('azauth where is not built yet (issue #7).\n');
    return EXIT_USAGE;
  },
};
