/**
 * `azauth`: the Azure Auth Debugger engine for terminals, containers, pods and CI.
 * Each sub-command lives in ./commands and is loaded only when used.
 */
import { EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './io';

const commands: Record<string, () => Promise<CliCommand>> = {
  chain: async () => (await import('./commands/chain')).command,
  token: async () => (await import('./commands/token')).command,
  discover: async () => (await import('./commands/discover')).command,
  decode: async () => (await import('./commands/decode')).command,
  explain: async () => (await import('./commands/explain')).command,
  where: async () => (await import('./commands/where')).command,
  sandbox: async () => (await import('./commands/sandbox')).command,
  call: async () => (await import('./commands/call')).command,
  run: async () => (await import('./commands/run')).command,
  broker: async () => (await import('./commands/broker')).command,
};

async function help(io: CliIo): Promise<void> {
  const lines = ['azauth — Azure Auth Debugger on the command line', '', 'Usage: azauth <command> [options]   (azauth <command> --help for details)', ''];
  for (const [name, load] of Object.entries(commands)) {
    const c = await load();
    lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  }
  lines.push('', 'Exit codes: 0 success, 1 authentication failed, 2 bad usage or input.');
  io.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${process.env.AZAUTH_VERSION ?? '0.1.0'}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`azauth: unknown command "${name}". Run "azauth --help".\n`);
    return EXIT_USAGE;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Loaded only on this path (the engine stays out of `azauth --help`); faces reach the core through its index.
    const { redactText } = await import('../core/index');
    if (e instanceof UsageError || (e as { kind?: string }).kind === 'usage') {
      // Usage messages can echo an argument (node's parseArgs names unexpected positionals): it may be a pasted secret.
      io.stderr.write(`azauth ${name}: ${redactText((e as Error).message)}\n${command.usage.trimEnd()}\n`);
      return EXIT_USAGE;
    }
    // An unexpected error's text is foreign (library messages, response excerpts): scrub it like any other output.
    io.stderr.write(`azauth ${name}: unexpected error: ${redactText((e as Error).stack ?? String(e))}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    signal: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`azauth: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
