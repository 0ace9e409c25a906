/**
 * What activate() returns, and only when VS Code runs the extension for its integration tests
 * (ExtensionMode.Test): the run store (whose revealToken gives raw tokens), the test record (the last command error,
 * device code, sign-in page and environment warning: testRecord.ts, kept only in that mode) and the views' state. In
 * Production and Development mode activate() returns undefined, so no other extension can reach a token.
 */
import * as vscode from 'vscode';
import type { AppTraceParts } from './apptrace/register';
import { SECRET_KEYS_KEY } from './commands/acquire';
import { isEngineLoaded } from './engine';
import type { Host } from './host';
import type { Logger } from './log';
import type { RunStore } from './runStore';
import type { TestRecord } from './testRecord';
import type { ChainTreeProvider } from './views/chainTree';
import type { TokenStatusBar } from './views/statusBar';
import type { TokensTreeProvider } from './views/tokensTree';

export interface ExtensionApi {
  store: RunStore;
  statusBarText(): string;
  statusBarState(): { text: string; background?: string; command?: string };
  /** Re-renders the time-dependent views now (what the 15-second ticker does). */
  tick(): void;
  /** The device code the last device-code sign-in showed. */
  lastDeviceCode(): { userCode: string; verificationUri: string } | undefined;
  /** The sign-in page the last interactive sign-in opened. */
  lastBrowserUrl(): string | undefined;
  /** Top-level items of the Credential Chain tree; `details` has each child's label and description. */
  chainTreeItems(): {
    label: string;
    description?: string;
    children: string[];
    details: { label: string; description?: string }[];
  }[];
  tokenTreeItems(): { label: string; description?: string }[];
  logLines(): readonly string[];
  lastCommandError(): string | undefined;
  /** The last warning about secret-named variables ignored in the chain.environment setting. */
  lastEnvironmentWarning(): string | undefined;
  engineLoaded(): boolean;
  /** How many secrets this extension has saved in SecretStorage (values never leave the extension). */
  savedSecretCount(): Promise<number>;
  /** How long activate() took, in ms (the benchmark reads it from the integration run). */
  activationMs(): number;
  /**
   * "Trace Azure authentication": the AADSTS offer's counts, traced sessions still running (and the bytes of output
   * each has read and only counted), brokers running.
   */
  appTrace(): {
    notifications: number;
    loggedCodes: number[];
    liveSessions: number;
    live: { where: string; read: number; unread: number }[];
    terminalCommands: number;
    /** Shells of the debug terminals whose program a traced session reads itself (their commands are left to it). */
    sessionTerminals: number[];
    brokers: { endpoint: string; source: string; requests: number }[];
  };
}

export interface TestApiParts {
  context: vscode.ExtensionContext;
  activationMs: number;
  host: Host;
  log: Logger;
  recorded: Readonly<TestRecord>;
  appTrace: AppTraceParts;
  views: { chainTree: ChainTreeProvider; tokensTree: TokensTreeProvider; statusBar: TokenStatusBar };
}

/** The test API over the extension's parts (built only in ExtensionMode.Test, see testApi). */
export function buildTestApi(p: TestApiParts): ExtensionApi {
  const { chainTree, tokensTree, statusBar } = p.views;
  return {
    activationMs: () => p.activationMs,
    store: p.host.store,
    statusBarText: () => statusBar.text,
    statusBarState: () => statusBar.state,
    tick: () => {
      statusBar.update();
      tokensTree.refresh();
    },
    lastDeviceCode: () => p.recorded.lastDeviceCode,
    lastBrowserUrl: () => p.recorded.lastBrowserUrl,
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
    logLines: () => p.log.lines(),
    lastCommandError: () => p.recorded.lastCommandError,
    lastEnvironmentWarning: () => p.recorded.lastEnvironmentWarning,
    engineLoaded: isEngineLoaded,
    savedSecretCount: async () => {
      let n = 0;
      for (const k of p.context.globalState.get<string[]>(SECRET_KEYS_KEY, []))
        if ((await p.context.secrets.get(k)) !== undefined) n += 1;
      return n;
    },
    appTrace: () => ({
      notifications: p.appTrace.offer.stats.notifications,
      loggedCodes: [...p.appTrace.offer.stats.logged],
      liveSessions: p.appTrace.tracker.live.size,
      live: [...p.appTrace.tracker.live.values()].map((t) => ({ where: t.where, ...t.counts() })),
      terminalCommands: p.appTrace.terminals.traced,
      sessionTerminals: p.appTrace.debugTerminals.shellPids(),
      brokers: p.appTrace.brokers.list(),
    }),
  };
}

/** The test API in ExtensionMode.Test, otherwise undefined (`build` is not even called). */
export function testApi<T>(mode: vscode.ExtensionMode, build: () => T): T | undefined {
  return mode === vscode.ExtensionMode.Test ? build() : undefined;
}
