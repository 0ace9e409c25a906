/** For the debug-session suites: one launch run to its end under a tracker of the test's own, and /proc reading. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

/** What the test sees of one debug session through a tracker of its own: the debuggee's pid, output, stops. */
export interface Watched {
  session?: vscode.DebugSession;
  pid?: number;
  stoppedThread?: number;
  stdout: string;
}

/**
 * Runs a launch of the configuration's debug type to its end. With `atEntry` the configuration stops on entry,
 * `atEntry` runs while the debuggee is paused (its process alive), and the session is then continued.
 */
export async function debugToEnd(
  config: vscode.DebugConfiguration,
  atEntry?: (w: Watched) => void | Promise<void>,
  timeoutMs = 90000,
): Promise<Watched> {
  const w: Watched = { stdout: '' };
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const subs = [
    vscode.debug.registerDebugAdapterTrackerFactory(config.type, {
      createDebugAdapterTracker: (s) =>
        s.name !== config.name
          ? undefined
          : {
              onDidSendMessage: (m: { type?: string; event?: string; body?: Record<string, unknown> }) => {
                if (m.type !== 'event' || !m.body) return;
                if (m.event === 'output' && m.body.category === 'stdout') w.stdout += String(m.body.output);
                if (m.event === 'process') w.pid = Number(m.body.systemProcessId);
                if (m.event === 'stopped') w.stoppedThread = Number(m.body.threadId);
              },
            },
    }),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === config.name) w.session = s;
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.name === config.name) ended();
    }),
  ];
  try {
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      ...config,
      stopOnEntry: Boolean(atEntry),
    });
    assert.ok(started, `the debug session "${String(config.name)}" started`);
    if (atEntry) {
      const thread = await waitFor('the debuggee to stop on entry', () => w.stoppedThread, timeoutMs);
      await atEntry(w);
      await w.session!.customRequest('continue', { threadId: thread });
    }
    await Promise.race([
      done,
      new Promise((_, fail) => setTimeout(() => fail(new Error(`"${String(config.name)}" did not end`)), timeoutMs)),
    ]);
    return w;
  } finally {
    subs.forEach((s) => s.dispose());
  }
}

/** The environment of a running process, as the kernel holds it. */
export function processEnv(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}
