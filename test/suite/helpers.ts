/** Shared helpers for the in-host integration tests (bundled into each test file). */
import * as vscode from 'vscode';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Commands, EXTENSION_ID } from '../../src/extension/constants';
import type { CoreModule } from '../../src/extension/engine';
import type { SandboxHandle } from '../../src/extension/host';
import type { ExtensionApi } from '../../src/extension/testApi';

export async function api(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const a = await ext.activate();
  if (!a) throw new Error(`extension ${EXTENSION_ID} exported no test API: is the host running in ExtensionMode.Test?`);
  return a;
}

export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error('extension not loaded');
  return ext.extensionPath;
}

/** The engine bundle as the extension loads it (dist/engine.js), with the core's types. */
export function engine(): CoreModule {
  const req = createRequire(path.join(extensionPath(), 'package.json'));
  return req('./dist/engine.js') as CoreModule;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('azureAuthDebugger').update(key, value, target);
}

/** For the app-trace suites: the sandbox running (its CA file for the apps) and "Trace Azure authentication" on. */
export async function startTracedSandbox(): Promise<SandboxHandle> {
  const sandbox = await vscode.commands.executeCommand<SandboxHandle>(Commands.startSandbox, { port: 0, quiet: true });
  if (!sandbox?.caFile) throw new Error('the sandbox has no CA file for the apps');
  await vscode.commands.executeCommand(Commands.enableAppTrace);
  return sandbox;
}

/** Undoes startTracedSandbox: tracing off (the setting removed) and the sandbox stopped. */
export async function stopTracedSandbox(): Promise<void> {
  await vscode.commands.executeCommand(Commands.disableAppTrace);
  await setSetting('appTrace.enabled', undefined);
  await vscode.commands.executeCommand(Commands.stopSandbox);
}
