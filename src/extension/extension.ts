/**
 * Composition root: creates the logger, the run store, the host services, the views, the status bar and the commands,
 * and pushes each Disposable into context.subscriptions. Nothing here loads the engine (dist/engine.js): commands
 * load it on first use, so activation never loads msal-node or the catalogs.
 */
import * as vscode from 'vscode';
import { AcquireCommand, SECRET_KEYS_KEY, type AcquireArgs } from './commands/acquire';
import { setChainSecret, type ChainSecretArgs } from './commands/chainSecrets';
import { ToolCommands, type ChainArgs, type TextArgs } from './commands/tools';
import { TryTokenCommand, type TryTokenArgs } from './commands/tryToken';
import { CommandRunner } from './commandRunner';
import { Commands, ContextKeys, Views } from './constants';
import { isEngineLoaded } from './engine';
import { testApi, type ExtensionApi } from './testApi';
import { Host } from './host';
import { AuthHoverProvider } from './hovers';
import { inspectorOpener, registerInspector } from './inspector/index';
import { Logger } from './log';
import { RunStore, type StoreSelection } from './runStore';
import { onDidChangeSettings, readSettings } from './settings';
import { ChainTreeProvider, type ChainNode } from './views/chainTree';
import { TokenStatusBar } from './views/statusBar';
import { TokensTreeProvider } from './views/tokensTree';
import { VsCodeAccount } from './vscodeAccount';
import type { StoredTokenInfo } from './runStore';

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const activateStart = performance.now();
  const log = new Logger();
  const store = new RunStore();
  const host = new Host(context, store, log);
  const account = new VsCodeAccount();
  const runner = new CommandRunner(log);
  context.subscriptions.push(log, store, host, account);

  const inspector = inspectorOpener(context, store, log);
  context.subscriptions.push(...registerInspector(context, store, log));
  const openInspector = (sel: { tokenId?: string; runId?: string; errorId?: string }): void => {
    const selection: StoreSelection | undefined = sel.tokenId
      ? { kind: 'token', id: sel.tokenId }
      : sel.runId
        ? { kind: 'run', id: sel.runId }
        : sel.errorId
          ? { kind: 'error', id: sel.errorId }
          : undefined;
    try {
      inspector(selection);
    } catch (e) {
      // The result is already in the tree, the status bar and the log; say once what is missing.
      log.info('inspector', e instanceof Error ? e.message : String(e));
    }
  };

  const chainTree = new ChainTreeProvider(store, account);
  const tokensTree = new TokensTreeProvider(store);
  const statusBar = new TokenStatusBar(store);
  statusBar.setEnabled(readSettings().statusBarEnabled);
  context.subscriptions.push(
    chainTree,
    tokensTree,
    statusBar,
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

  // Live remaining time: tick every 15 s while there are tokens.
  const ticker = setInterval(() => {
    if (!store.activeToken()) return;
    statusBar.update();
    tokensTree.refresh();
  }, 15000);
  context.subscriptions.push({ dispose: () => clearInterval(ticker) });

  const acquire = new AcquireCommand(host, account, openInspector);
  const tools = new ToolCommands(host, acquire, openInspector);
  const tryToken = new TryTokenCommand(host);
  const inspect = (arg?: { tokenId?: string; runId?: string; errorId?: string }): void => {
    const sel: StoreSelection | undefined = arg?.tokenId
      ? { kind: 'token', id: arg.tokenId }
      : arg?.runId
        ? { kind: 'run', id: arg.runId }
        : arg?.errorId
          ? { kind: 'error', id: arg.errorId }
          : undefined;
    inspector(sel);
  };
  context.subscriptions.push(
    runner.register(Commands.acquireToken, (args?: AcquireArgs) => acquire.run(args)),
    runner.register(Commands.runChain, (args?: ChainArgs) => tools.runChain(readSettings().mode, args)),
    runner.register(Commands.diagnoseChain, (args?: ChainArgs) => tools.runChain('diagnose', args)),
    runner.register(Commands.decodeToken, (args?: TextArgs) => tools.decode(args)),
    runner.register(Commands.explainError, (args?: TextArgs) => tools.explain(args)),
    runner.register(Commands.showInspector, (arg?: { tokenId?: string; runId?: string; errorId?: string }) =>
      inspect(arg),
    ),
    runner.register(Commands.copyAccessToken, (arg?: unknown) => tools.copy(arg)),
    runner.register(Commands.refreshToken, (arg?: unknown) => tools.refresh(arg)),
    runner.register(Commands.pinToken, (arg?: unknown) => tools.pin(arg)),
    runner.register(Commands.clearTokens, (args?: { skipConfirm?: boolean }) => tools.clear(args)),
    runner.register(Commands.setChainSecret, (args?: ChainSecretArgs) => setChainSecret(host, args)),
    runner.register(Commands.startSandbox, (args?: { port?: number; quiet?: boolean }) => tools.startSandbox(args)),
    runner.register(Commands.stopSandbox, () => tools.stopSandbox()),
    runner.register(Commands.exportTrace, (args?: { format?: 'markdown' | 'json'; path?: string }) =>
      tools.exportTrace(args),
    ),
    runner.register(Commands.openSettings, () => tools.openSettings()),
    runner.register(Commands.showLog, () => log.show()),
    runner.register(Commands.refreshViews, () => {
      chainTree.refresh();
      tokensTree.refresh();
      statusBar.update();
      return account.probe();
    }),
    runner.register(Commands.acquireWithCredential, (node?: ChainNode & { scope?: string }) =>
      acquire.run({ credential: node?.credential, scope: node?.scope }),
    ),
    runner.register(Commands.showStepTrace, (node?: ChainNode) => {
      if (node?.runId) inspect({ runId: node.runId });
      log.show();
    }),
    runner.register(Commands.copyItemText, async (node?: ChainNode) => {
      if (node?.copyText) await vscode.env.clipboard.writeText(node.copyText);
    }),
    runner.register(Commands.showTokenInInspector, (t?: StoredTokenInfo) => inspect({ tokenId: t?.id })),
    runner.register(Commands.tryToken, (args?: TryTokenArgs) => tryToken.run(args)),
  );

  // A demo or training workspace asks for the sandbox from the start (`node scripts/vscode-demo.mjs` sets this).
  if (readSettings().sandboxStartOnActivation)
    void vscode.commands.executeCommand(Commands.startSandbox, { quiet: true });
  const activationMs = performance.now() - activateStart;
  log.info(
    'activate',
    `Azure Auth Debugger ${String(context.extension.packageJSON.version)} activated in ${activationMs.toFixed(1)} ms (engine not loaded)`,
  );

  // Other extensions get nothing: the API below reaches the store (raw tokens) and exists for the in-host tests only.
  return testApi(context.extensionMode, () => ({
    activationMs: () => activationMs,
    store,
    statusBarText: () => statusBar.text,
    statusBarState: () => statusBar.state,
    tick: () => {
      statusBar.update();
      tokensTree.refresh();
    },
    lastDeviceCode: () => acquire.lastDeviceCode,
    lastBrowserUrl: () => acquire.lastBrowserUrl,
    chainTreeItems: () =>
      chainTree.getChildren().map((n) => ({
        label: n.label,
        description: n.description,
        children: (n.children ?? []).map((c) => c.label),
        details: (n.children ?? []).map((c) => ({ label: c.label, description: c.description })),
      })),
    tokenTreeItems: () =>
      tokensTree.getChildren().map((t) => {
        const item = tokensTree.getTreeItem(t);
        return {
          label: String(item.label),
          description: typeof item.description === 'string' ? item.description : undefined,
        };
      }),
    logLines: () => log.lines(),
    lastCommandError: () => runner.lastError,
    lastEnvironmentWarning: () => host.lastEnvironmentWarning,
    engineLoaded: isEngineLoaded,
    savedSecretCount: async () => {
      let n = 0;
      for (const k of context.globalState.get<string[]>(SECRET_KEYS_KEY, []))
        if ((await context.secrets.get(k)) !== undefined) n += 1;
      return n;
    },
  }));
}

export function deactivate(): void {}
