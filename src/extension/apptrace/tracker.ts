/**
 * Reads the output events of traced debug sessions (the configurations the provider marked) into a SessionTrace.
 * The tracker only listens: nothing is removed from or added to the Debug Console. js-debug runs the program in a
 * child session, so a child of a traced session is traced too; a session with no SDK output adds nothing. A session
 * whose program runs in a terminal but sends its output here too (debugpy, redirected) names that terminal to
 * DebugTerminals, so that the terminal trace does not read the same program again.
 */
import type * as vscode from 'vscode';
import { TRACE_MARK } from './debugProvider';
import type { DebugTerminals } from './debugTerminals';
import { SessionTrace, type SessionTraceDeps } from './sessionTrace';

/** The output categories that carry the program's own text (not telemetry or the adapter's 'important' notices). */
const STREAM_OF: Record<string, 'stdout' | 'stderr'> = { stdout: 'stdout', stderr: 'stderr', console: 'stdout' };

/** The traced session this one belongs to (itself or a parent), if any. */
export function tracedRoot(session: vscode.DebugSession | undefined): vscode.DebugSession | undefined {
  for (let s = session; s; s = s.parentSession) if (s.configuration[TRACE_MARK]) return s;
  return undefined;
}

/** The debuggee's environment as far as the launch configuration says: its secret values are kept out of the trace. */
function debuggeeEnv(config: vscode.DebugConfiguration): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  const own: unknown = config.env;
  if (own && typeof own === 'object')
    for (const [k, v] of Object.entries(own as Record<string, unknown>)) if (typeof v === 'string') env[k] = v;
  return env;
}

interface OutputMessage {
  type?: string;
  event?: string;
  body?: { category?: string; output?: unknown };
}

interface TerminalMessage {
  type?: string;
  command?: string;
  success?: boolean;
  body?: { shellProcessId?: unknown };
}

/** debugpy with redirectOutput sends the program's output to the session even when it runs in a terminal. */
function outputReachesSession(config: vscode.DebugConfiguration): boolean {
  return (config.type === 'python' || config.type === 'debugpy') && config.redirectOutput === true;
}

export class AppTraceTrackerFactory implements vscode.DebugAdapterTrackerFactory {
  /** Traces of the sessions still running (by session id); the test API reads how many there are. */
  readonly live = new Map<string, SessionTrace>();

  constructor(
    private readonly deps: SessionTraceDeps,
    private readonly terminals: DebugTerminals,
  ) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    const root = tracedRoot(session);
    if (!root) return undefined;
    let trace: SessionTrace | undefined;
    const end = () => {
      trace?.end();
      this.live.delete(session.id);
      this.terminals.ended(session.id);
    };
    // The program's terminal (if it asks for one) is then the session's: the terminal trace must not read it again.
    const ownsTerminal = outputReachesSession(session.configuration);
    return {
      onWillReceiveMessage: (m: TerminalMessage) => {
        if (ownsTerminal && m?.type === 'response' && m.command === 'runInTerminal') {
          const pid = m.success && typeof m.body?.shellProcessId === 'number' ? m.body.shellProcessId : undefined;
          this.terminals.answered(session.id, pid);
        }
      },
      onDidSendMessage: (m: OutputMessage & TerminalMessage) => {
        if (ownsTerminal && m?.type === 'request' && m.command === 'runInTerminal')
          this.terminals.requested(session.id);
        if (m?.type !== 'event' || m.event !== 'output' || typeof m.body?.output !== 'string') return;
        const stream = STREAM_OF[m.body.category ?? 'console'];
        if (!stream) return;
        if (!trace) {
          trace = new SessionTrace(
            this.deps,
            `debug session "${session.name}"`,
            {
              via: 'debug-session',
              app: session.name,
            },
            debuggeeEnv(root.configuration),
          );
          this.live.set(session.id, trace);
        }
        trace.write(stream, m.body.output);
      },
      onWillStopSession: end,
      onExit: end,
      onError: () => undefined,
    };
  }
}
