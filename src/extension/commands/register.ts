/** Registers every palette and item command through the one CommandRunner (which owns the error UX). */
import * as vscode from 'vscode';
import type { CommandRunner } from '../commandRunner';
import { Commands } from '../constants';
import type { Host } from '../host';
import type { Logger } from '../log';
import type { StoreSelection, StoredTokenInfo } from '../runStore';
import { readSettings } from '../settings';
import type { ChainNode, ChainTreeProvider } from '../views/chainTree';
import type { TokenStatusBar } from '../views/statusBar';
import type { TokensTreeProvider } from '../views/tokensTree';
import type { VsCodeAccount } from '../vscodeAccount';
import { AcquireCommand, type AcquireArgs } from './acquire';
import { setChainSecret, type ChainSecretArgs } from './chainSecrets';
import { ToolCommands, type ChainArgs, type TextArgs } from './tools';
import { TryTokenCommand, type TryTokenArgs } from './tryToken';

export type InspectArgs = { tokenId?: string; runId?: string; errorId?: string };

/** The store selection an inspector argument names (token, then run, then error). */
export function selectionOf(arg?: InspectArgs): StoreSelection | undefined {
  if (arg?.tokenId) return { kind: 'token', id: arg.tokenId };
  if (arg?.runId) return { kind: 'run', id: arg.runId };
  if (arg?.errorId) return { kind: 'error', id: arg.errorId };
  return undefined;
}

export interface CommandDeps {
  host: Host;
  account: VsCodeAccount;
  runner: CommandRunner;
  log: Logger;
  inspector: (selection: StoreSelection | undefined) => void;
  views: { chainTree: ChainTreeProvider; tokensTree: TokensTreeProvider; statusBar: TokenStatusBar };
}

/** Opens the inspector after a command's result; if it cannot open, the log says so once (the result is shown elsewhere). */
function quietInspector(d: CommandDeps): (sel: InspectArgs) => void {
  return (sel) => {
    try {
      d.inspector(selectionOf(sel));
    } catch (e) {
      d.log.info('inspector', e instanceof Error ? e.message : String(e));
    }
  };
}

export function registerCommands(d: CommandDeps): { acquire: AcquireCommand; disposables: vscode.Disposable[] } {
  const { host, account, runner, log } = d;
  const acquire = new AcquireCommand(host, account, quietInspector(d));
  const tools = new ToolCommands(host, acquire, quietInspector(d));
  const tryToken = new TryTokenCommand(host);
  const inspect = (arg?: InspectArgs): void => d.inspector(selectionOf(arg));
  const disposables = [
    runner.register(Commands.acquireToken, (args?: AcquireArgs) => acquire.run(args)),
    runner.register(Commands.runChain, (args?: ChainArgs) => tools.runChain(readSettings().mode, args)),
    runner.register(Commands.diagnoseChain, (args?: ChainArgs) => tools.runChain('diagnose', args)),
    runner.register(Commands.decodeToken, (args?: TextArgs) => tools.decode(args)),
    runner.register(Commands.explainError, (args?: TextArgs) => tools.explain(args)),
    runner.register(Commands.showInspector, (arg?: InspectArgs) => inspect(arg)),
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
      d.views.chainTree.refresh();
      d.views.tokensTree.refresh();
      d.views.statusBar.update();
      return account.probe();
    }),
    ...itemCommands(d, acquire, inspect),
    runner.register(Commands.tryToken, (args?: TryTokenArgs) => tryToken.run(args)),
  ];
  return { acquire, disposables };
}

/** Commands of tree items (context menus and clicks). */
function itemCommands(
  d: CommandDeps,
  acquire: AcquireCommand,
  inspect: (arg?: InspectArgs) => void,
): vscode.Disposable[] {
  return [
    d.runner.register(Commands.acquireWithCredential, (node?: ChainNode & { scope?: string }) =>
      acquire.run({ credential: node?.credential, scope: node?.scope }),
    ),
    d.runner.register(Commands.showStepTrace, (node?: ChainNode) => {
      if (node?.runId) inspect({ runId: node.runId });
      d.log.show();
    }),
    d.runner.register(Commands.copyItemText, async (node?: ChainNode) => {
      if (node?.copyText) await vscode.env.clipboard.writeText(node.copyText);
    }),
    d.runner.register(Commands.showTokenInInspector, (t?: StoredTokenInfo) => inspect({ tokenId: t?.id })),
  ];
}
