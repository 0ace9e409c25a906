/**
 * `--pid PID` for where, chain and token: the command describes process PID — its environment and its files — instead
 * of the shell azauth runs in. The process is read once; its report is held back until the run has ended and the
 * process is checked to be the same one still, so a process that exits mid-run never leaves a half-true report.
 */
import {
  assertRunning,
  isProcessTargetError,
  parsePid,
  readProcessTarget,
  terminalSafe,
  type EngineOptions,
  type ProcessTarget,
} from '../core/index';
import { EXIT_USAGE, paint, type CliIo } from './io';

export const PID_OPTION = { pid: { type: 'string' } } as const;

export const PID_HELP = `  --pid PID                        describe process PID instead of this shell: its environment (/proc/PID/environ)
                                   and its files (/proc/PID/root/…); Linux, as its user or root`;

/** What the engine needs to read the target's files and name it in the trace. */
export function targetOption(t: ProcessTarget): NonNullable<EngineOptions['target']> {
  return { pid: t.pid, comm: t.comm, root: t.root };
}

/** The JSON field that says whose report it is. */
export function targetJson(t: ProcessTarget | undefined) {
  return t ? { target: { pid: t.pid, comm: t.comm, uid: t.uid, root: t.root } } : {};
}

/** The line above a human report for another process. */
export function targetHeader(io: Pick<CliIo, 'color'>, t: ProcessTarget | undefined): string {
  if (!t) return '';
  return `${paint(io, 'bold', `Process ${t.pid} (${terminalSafe(t.comm)})`)}${paint(io, 'dim', `, user ${t.uid}: its environment and its files (${t.root})`)}\n\n`;
}

function fail(io: CliIo, command: string, e: unknown): number {
  if (!isProcessTargetError(e)) throw e;
  io.stderr.write(`azauth ${command}: ${terminalSafe(e.message)} [${e.code}]\n`);
  return EXIT_USAGE;
}

/**
 * Runs `body` for the process named by `pid` (or for this one when `pid` is undefined). The body gets an io whose
 * env is the target's; its stdout reaches the terminal only once the target is known to have lived through the run.
 */
export async function withTarget(
  io: CliIo,
  command: string,
  pid: string | undefined,
  body: (io: CliIo, target: ProcessTarget | undefined) => Promise<number>,
): Promise<number> {
  if (pid === undefined) return body(io, undefined);
  let target: ProcessTarget;
  try {
    target = readProcessTarget(parsePid(pid));
  } catch (e) {
    return fail(io, command, e);
  }
  const chunks: Buffer[] = [];
  const held = {
    write(chunk: string | Uint8Array): boolean {
      chunks.push(Buffer.from(chunk));
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  const code = await body({ ...io, env: target.env, stdout: held }, target);
  try {
    assertRunning(target);
  } catch (e) {
    return fail(io, command, e);
  }
  io.stdout.write(Buffer.concat(chunks));
  return code;
}
