/** Shared helpers for the in-host integration tests (bundled into each test file). */
import * as vscode from 'vscode';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { EXTENSION_ID } from '../../src/extension/constants';
import type { ExtensionApi } from '../../src/extension/extension';

export async function api(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error('extension not loaded');
  return ext.extensionPath;
}

/** The engine bundle as the extension loads it (for feature detection in tests). */
export function engine(): Record<string, unknown> {
  const req = createRequire(path.join(extensionPath(), 'package.json'));
  return req('./dist/engine.js') as Record<string, unknown>;
}

/** The sandbox bundle (dist/sandbox.js), or {} when it is not built. */
export function sandboxModule(): Record<string, unknown> {
  const req = createRequire(path.join(extensionPath(), 'package.json'));
  try {
    return req('./dist/sandbox.js') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Skips the current test when the engine does not export the named functions yet (reported as pending). */
export function requireEngine(ctx: Mocha.Context, ...names: string[]): void {
  const core = { ...engine(), ...(names.includes('startSandbox') ? sandboxModule() : {}) };
  const missing = names.filter((n) => typeof core[n] !== 'function');
  if (missing.length) {
    console.log(`    (skipped: the engine does not export ${missing.join(', ')} yet)`);
    ctx.skip();
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('azureAuthDebugger').update(key, value, target);
}
