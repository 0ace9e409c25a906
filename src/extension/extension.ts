/**
 * Composition root: creates the logger, the run store, the host services, the views, the status bar and the commands,
 * and pushes each Disposable into context.subscriptions. Nothing here loads the engine (dist/engine.js): commands
 * load it on first use, so activation never loads msal-node or the catalogs.
 */
import * as vscode from 'vscode';
import { registerAppTrace } from './apptrace/register';
import { registerCommands } from './commands/register';
import { CommandRunner } from './commandRunner';
import { Commands, ContextKeys, Views } from './constants';
import { buildTestApi, testApi, type ExtensionApi } from './testApi';
import { testRecorder } from './testRecord';
import { Host } from './host';
import { AuthHoverProvider } from './hovers';
import { inspectorOpener, registerInspector } from './inspector/index';
import { Logger } from './log';
import { RunStore } from './runStore';
import { onDidChangeSettings, readSettings } from './settings';
import { ChainTreeProvider } from './views/chainTree';
import { TokenStatusBar } from './views/statusBar';
import { TokensTreeProvider } from './views/tokensTree';
import { VsCodeAccount } from './vscodeAccount';

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const activateStart = performance.now();
  const log = new Logger();
  const store = new RunStore();
  const { record, recorded } = testRecorder(context.extensionMode);
  const host = new Host(context, store, log, record);
  const account = new VsCodeAccount();
  const runner = new CommandRunner(log, record, context.extensionMode === vscode.ExtensionMode.Test);
  context.subscriptions.push(log, store, host, account);

  const inspector = inspectorOpener(context, store, log);
  context.subscriptions.push(...registerInspector(context, store, log));
  const views = registerViews(context, store, account, log);
  const { disposables } = registerCommands({ host, account, runner, log, inspector, views });
  context.subscriptions.push(...disposables);
  const appTrace = registerAppTrace(context, host, account, runner);

  // A demo or training workspace asks for the sandbox from the start (`node scripts/vscode-demo.mjs` sets this).
  if (readSettings().sandboxStartOnActivation)
    void vscode.commands.executeCommand(Commands.startSandbox, { quiet: true });
  const activationMs = performance.now() - activateStart;
  log.info(
    'activate',
    `Azure Auth Debugger ${String(context.extension.packageJSON.version)} activated in ${activationMs.toFixed(1)} ms (engine not loaded)`,
  );

  // Other extensions get nothing: the API below reaches the store (raw tokens) and exists for the in-host tests only.
  return testApi(context.extensionMode, () =>
    buildTestApi({ context, activationMs, host, log, recorded, appTrace, views }),
  );
}

/** The two tree views, the status bar, the hover, and what keeps them current (settings, context keys, a ticker). */
function registerViews(context: vscode.ExtensionContext, store: RunStore, account: VsCodeAccount, log: Logger) {
  const chainTree = new ChainTreeProvider(store, account);
  const tokensTree = new TokensTreeProvider(store);
  const statusBar = new TokenStatusBar(store);
  statusBar.setEnabled(readSettings().statusBarEnabled);
  // Live remaining time: tick every 15 s while there are tokens.
  const ticker = setInterval(() => {
    if (!store.activeToken()) return;
    statusBar.update();
    tokensTree.refresh();
  }, 15000);
  context.subscriptions.push(
    chainTree,
    tokensTree,
    statusBar,
    { dispose: () => clearInterval(ticker) },
    vscode.window.createTreeView(Views.chain, { treeDataProvider: chainTree, showCollapseAll: true }),
    vscode.window.createTreeView(Views.tokens, { treeDataProvider: tokensTree }),
    vscode.languages.registerHoverProvider(
      [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }],
      new AuthHoverProvider(),
    ),
    onDidChangeSettings((changed) => {
      if (changed.includes('statusBarEnabled')) statusBar.setEnabled(readSettings().statusBarEnabled);
      log.debug('settings', `changed: ${changed.join(', ')}`);
    }),
    store.onDidChange(() => {
      const snap = store.snapshot();
      void vscode.commands.executeCommand('setContext', ContextKeys.hasRun, snap.runs.length > 0);
      void vscode.commands.executeCommand('setContext', ContextKeys.hasTokens, snap.tokens.length > 0);
    }),
  );
  return { chainTree, tokensTree, statusBar };
}

export function deactivate(): void {}
