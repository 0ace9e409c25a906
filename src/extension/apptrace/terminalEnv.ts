/**
 * "Trace Azure authentication" for integrated terminals: the extension's environment-variable collection adds the SDK
 * logging switches to new terminals (described in the terminal's environment hover), and the output of each command
 * run through shell integration is read like a debug session's. Variables the extension host already has set are
 * left alone; PYTHONPATH gains the hook folder in front.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { loadEngine } from '../engine';
import type { DebugTerminals } from './debugTerminals';
import { SessionTrace, type SessionTraceDeps } from './sessionTrace';
import type { PythonHook } from './pythonHook';

/** Escape sequences a shell and its programs print (CSI, OSC, two-byte ESC), removed before the reader sees a line. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\r(?!\n)/g;

export function stripTerminalControls(s: string): string {
  return s.replace(ANSI, '');
}

export class TerminalTrace implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private enabled = false;
  /** Commands traced so far (test API). */
  traced = 0;

  constructor(
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
    private readonly hook: PythonHook,
    private readonly deps: SessionTraceDeps,
    private readonly debugTerminals: DebugTerminals,
  ) {
    this.subs.push(vscode.window.onDidStartTerminalShellExecution((e) => void this.read(e.execution, e.terminal)));
  }

  /** Switches the terminals' logging variables on or off (new terminals get them; VS Code offers to relaunch others). */
  setEnabled(on: boolean): void {
    this.enabled = on;
    this.collection.clear();
    if (!on) return;
    const env = loadEngine().loggingEnvironment(
      {},
      { sdks: ['js', 'go', 'python', 'java'], pythonHookDir: this.hook.path() },
    );
    for (const [name, value] of Object.entries(env)) {
      if (name === 'PYTHONPATH') {
        if (process.env.PYTHONPATH) this.collection.prepend(name, `${value}${path.delimiter}`);
        else this.collection.replace(name, value);
      } else if (process.env[name] === undefined) this.collection.replace(name, value);
    }
    this.collection.description = new vscode.MarkdownString(
      'Azure Auth Debugger: **Trace Azure authentication** is on — the Azure SDKs log their credential chain here (AZURE_LOG_LEVEL, AZURE_SDK_GO_LOGGING, a Python logging hook on PYTHONPATH), and the extension reads it.',
    );
  }

  private async read(execution: vscode.TerminalShellExecution, terminal: vscode.Terminal): Promise<void> {
    if (!this.enabled) return;
    // read() sees only what is written after it is called: it is called before anything is awaited.
    const data = execution.read();
    const line = loadEngine().redactText(execution.commandLine.value.slice(0, 200));
    if (await this.debugTerminals.owns(terminal.processId)) {
      this.deps.log.debug('apptrace', `terminal command "${line}": a traced debug session's program, read there`);
      for await (const _ of data); // drained unread (the stream would keep it otherwise)
      return;
    }
    const trace = new SessionTrace(this.deps, `terminal command "${line}"`, { via: 'terminal', app: line });
    this.traced++;
    try {
      for await (const chunk of data) trace.write('stdout', stripTerminalControls(chunk));
    } finally {
      trace.end();
    }
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }
}
