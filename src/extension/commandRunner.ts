/**
 * The one error-handling wrapper every command goes through: full detail to the log, one line to the user with
 * "Show Log" / "Explain", silence on cancel.
 * Also turns VS Code cancellation into an AbortSignal for the engine.
 *
 * Any extension can run our commands with executeCommand and read what they return, and a handler's result can hold
 * a token summary, a sandbox handle with its fixture secrets or a saved secret's name. So results are handed back
 * only in ExtensionMode.Test, where the in-host tests read them; everywhere else every command returns undefined.
 */
import * as vscode from 'vscode';
import { Commands, type CommandId } from './constants';
import { redactLoadingEngine } from './engine';
import type { Logger } from './log';
import type { TestRecorder } from './testRecord';

export class CancelledError extends Error {
  readonly kind = 'aborted' as const;
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

export function isCancellation(e: unknown): boolean {
  if (e instanceof vscode.CancellationError) return true;
  if (typeof e !== 'object' || e === null) return false;
  const k = (e as { kind?: unknown; name?: unknown }).kind;
  const n = (e as { name?: unknown }).name;
  return k === 'aborted' || n === 'AbortError' || n === 'Canceled';
}

/** An AbortSignal that aborts when any of the tokens is cancelled. */
export function toAbortSignal(...tokens: (vscode.CancellationToken | undefined)[]): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const subs: vscode.Disposable[] = [];
  for (const t of tokens) {
    if (!t) continue;
    if (t.isCancellationRequested) controller.abort(new CancelledError());
    subs.push(t.onCancellationRequested(() => controller.abort(new CancelledError())));
  }
  return { signal: controller.signal, dispose: () => subs.forEach((s) => s.dispose()) };
}

/** Options a caller (tests, hover links, tree items) may pass as the last argument to skip prompts. */
export interface CommandOptions {
  /** Cancels the command (tests use it to exercise cancellation). */
  cancellation?: vscode.CancellationToken;
  /** Do not show notifications (tests). */
  quiet?: boolean;
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').slice(0, 300);
}

export class CommandRunner {
  constructor(
    private readonly log: Logger,
    /** Keeps the last error a command reported for the test API (nothing outside ExtensionMode.Test). */
    private readonly record: TestRecorder = () => undefined,
    /** True only in ExtensionMode.Test: see the header. */
    private readonly handBackResults = false,
  ) {}

  register<A extends unknown[]>(id: CommandId, handler: (...args: A) => unknown): vscode.Disposable {
    return vscode.commands.registerCommand(id, async (...args: A) => {
      const started = Date.now();
      this.log.debug('command', `${id} started`);
      try {
        const result = await handler(...args);
        this.log.debug('command', `${id} finished in ${Date.now() - started} ms`);
        return this.handBackResults ? result : undefined;
      } catch (e) {
        if (isCancellation(e)) {
          this.log.info('command', `${id} cancelled after ${Date.now() - started} ms`);
          return undefined;
        }
        // An error message can carry what the user typed or what a tool printed (a secret, a token): everything that
        // leaves this handler — the log, the notification, the test record and the text handed to "Explain" — goes through
        // the engine's one redaction module, loaded here if no command has loaded it yet.
        const detail = redactLoadingEngine(
          e instanceof Error
            ? `${e.name}: ${e.message}${e.stack ? `\n${e.stack}` : ''}${e.cause ? `\ncause: ${String(e.cause)}` : ''}`
            : String(e),
        );
        this.log.error('command', `${id} failed: ${detail}`);
        const message = redactLoadingEngine(e instanceof Error ? e.message : String(e));
        const line = firstLine(message);
        this.record({ lastCommandError: line });
        void vscode.window.showErrorMessage(`Azure Auth: ${line}`, 'Show Log', 'Explain').then((choice) => {
          if (choice === 'Show Log') this.log.show();
          if (choice === 'Explain') void vscode.commands.executeCommand(Commands.explainError, { text: message });
        });
        return undefined;
      }
    });
  }
}
