/**
 * What activate() returns, and only when VS Code runs the extension for its integration tests
 * (ExtensionMode.Test): the run store (whose revealToken gives raw tokens), the last command error and the views'
 * state. In Production and Development mode activate() returns undefined, so no other extension can reach a token.
 */
import * as vscode from 'vscode';
import type { RunStore } from './runStore';

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
}

/** The test API in ExtensionMode.Test, otherwise undefined (`build` is not even called). */
export function testApi<T>(mode: vscode.ExtensionMode, build: () => T): T | undefined {
  return mode === vscode.ExtensionMode.Test ? build() : undefined;
}
