/**
 * `azauth`: the Azure Auth Debugger engine for terminals, containers, pods and CI.
 * Each sub-command lives in ./commands and is loaded only when used.
 */
import { quoteValue, terminalSafe } from '../core/text/terminal';
import {
  endOpenLines,
  EXIT_USAGE,
  safeIo,
  startProcess,
  UsageError,
  writeJson,
  type CliCommand,
  type CliIo,
} from './io';

/** Every sub-command, loaded on first use (help, dispatch and the docs test read this one table). */
export const commands: Record<string, () => Promise<CliCommand>> = {
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
  const lines = [
    'azauth — Azure Auth Debugger on the command line',
    '',
    'Usage: azauth <command> [options]   (azauth help <command> for details)',
    '',
  ];
  for (const [name, load] of Object.entries(commands)) {
    const c = await load();
    lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  }
  lines.push('', 'Exit codes: 0 success, 1 authentication failed, 2 bad usage or input.');
  io.stdout.write(lines.join('\n') + '\n');
}

/** Everything before a `--` (after it, arguments are values, not switches). */
function flags(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

/**
 * The one way a mistake is reported, whatever the command: exit 2, one line on stderr naming the command and the
 * mistake, then where to read more (never the whole help). With --json the same error also goes to stdout as JSON.
 */
async function usageError(io: CliIo, name: string | undefined, message: string, json: boolean): Promise<number> {
  // A usage message can echo an argument (it may be a pasted secret): redact it (the redaction module alone, so
  // that no mistake loads the engine).
  const { redactText } = await import('../core/trace/redact');
  const text = redactText(message);
  const help = name ? `azauth help ${name}` : 'azauth help';
  io.stderr.write(`azauth${name ? ` ${name}` : ''}: ${terminalSafe(text)}\nSee "${help}".\n`);
  if (json) writeJson(io, { error: { kind: 'usage', message: text, help } });
  return EXIT_USAGE;
}

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const json = flags(argv).includes('--json');
  const io = safeIo(rawIo, { wrap: !json });
  try {
    return await dispatch(argv, io, json);
  } finally {
    endOpenLines(io);
  }
}

async function dispatch(argv: string[], io: CliIo, json: boolean): Promise<number> {
  const [first, ...rest] = argv;
  if (!first || first === '--help' || first === '-h') {
    await help(io);
    return first ? 0 : EXIT_USAGE;
  }
  if (first === 'help') {
    if (rest.length === 0) {
      await help(io);
      return 0;
    }
    const load = rest.length === 1 ? commands[rest[0]!] : undefined;
    if (!load)
      return usageError(
        io,
        undefined,
        `no help for ${quoteValue(rest.join(' '))}: the commands are ${Object.keys(commands).join(', ')}`,
        json,
      );
    io.stdout.write((await load()).usage.trimEnd() + '\n');
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${process.env.AZAUTH_VERSION ?? '0.1.0'}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, first) ? commands[first] : undefined;
  if (!load)
    return usageError(
      io,
      undefined,
      `unknown command ${quoteValue(first)} (the commands are ${Object.keys(commands).join(', ')})`,
      json,
    );
  const command = await load();
  if (flags(rest).includes('--help') || flags(rest).includes('-h')) {
    io.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { kind?: string }).kind === 'usage')
      return usageError(io, first, (e as Error).message, json);
    // An unexpected error's text is foreign (library messages, response excerpts): scrub it like any other output.
    const { redactText } = await import('../core/trace/redact');
    const message = redactText((e as Error).message ?? String(e));
    io.stderr.write(`azauth ${first}: unexpected error: ${redactText((e as Error).stack ?? String(e))}\n`);
    if (json) writeJson(io, { error: { kind: 'internal', message } });
    return EXIT_USAGE;
  }
}

if (require.main === module) startProcess(main);
