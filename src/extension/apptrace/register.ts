/**
 * Wires "Trace Azure authentication" into VS Code: the debug configuration provider and the output tracker for the
 * debug types that run SDK code, the terminals' environment, the AADSTS offer, the per-session broker and the two
 * commands that switch it on and off (the setting appTrace.enabled holds the state).
 */
import * as vscode from 'vscode';
import type { CommandRunner } from '../commandRunner';
import { CONFIG_SECTION, Commands, ContextKeys } from '../constants';
import type { Host } from '../host';
import { onDidChangeSettings, readSettings, SettingKeys } from '../settings';
import type { VsCodeAccount } from '../vscodeAccount';
import { AadstsOffer } from './aadstsOffer';
import { AppTraceDebugProvider } from './debugProvider';
import { DebugTerminals } from './debugTerminals';
import { TRACED_DEBUG_TYPES } from './launchEnv';
import { PythonHook } from './pythonHook';
import { SessionBrokers } from './sessionBroker';
import { TerminalTrace } from './terminalEnv';
import { AppTraceTrackerFactory } from './tracker';

export interface AppTraceParts {
  offer: AadstsOffer;
  tracker: AppTraceTrackerFactory;
  brokers: SessionBrokers;
  terminals: TerminalTrace;
  debugTerminals: DebugTerminals;
}

/** Sets appTrace.enabled where it is set now (the workspace's value wins over the user's, so that one is changed). */
async function setEnabled(on: boolean): Promise<void> {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const where = c.inspect(SettingKeys.appTraceEnabled);
  const target =
    where?.workspaceFolderValue !== undefined || where?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await c.update(SettingKeys.appTraceEnabled, on, target);
}

export function registerAppTrace(
  context: vscode.ExtensionContext,
  host: Host,
  account: VsCodeAccount,
  runner: CommandRunner,
): AppTraceParts {
  const log = host.log;
  const hook = new PythonHook();
  const offer = new AadstsOffer(log);
  const deps = { store: host.store, log, offer };
  const brokers = new SessionBrokers(host, account);
  const provider = new AppTraceDebugProvider(log, brokers, hook);
  const debugTerminals = new DebugTerminals();
  const tracker = new AppTraceTrackerFactory(deps, debugTerminals);
  const terminals = new TerminalTrace(context.environmentVariableCollection, hook, deps, debugTerminals);
  const apply = () => {
    const on = readSettings().appTraceEnabled;
    void vscode.commands.executeCommand('setContext', ContextKeys.appTraceOn, on);
    terminals.setEnabled(on);
  };
  context.subscriptions.push(
    hook,
    brokers,
    terminals,
    ...TRACED_DEBUG_TYPES.flatMap((type) => [
      vscode.debug.registerDebugConfigurationProvider(type, provider),
      vscode.debug.registerDebugAdapterTrackerFactory(type, tracker),
    ]),
    onDidChangeSettings((changed) => {
      if (changed.includes('appTraceEnabled')) apply();
    }),
    runner.register(Commands.enableAppTrace, () => setEnabled(true)),
    runner.register(Commands.disableAppTrace, () => setEnabled(false)),
  );
  // The terminals' variables load the engine only when tracing is on (activation stays light otherwise).
  if (readSettings().appTraceEnabled) apply();
  else context.environmentVariableCollection.clear();
  return { offer, tracker, brokers, terminals, debugTerminals };
}
