/**
 * Lazy access to the engine. esbuild builds src/core/index.ts into dist/engine.js (and src/sandbox into
 * dist/sandbox.js); the extension bundle marks both external, so nothing of the engine (msal-node, catalogs) loads
 * until a command needs it. The types are the core's own: `import type` costs nothing at run time.
 */
import type * as Core from '../core/index';
import type * as SandboxApi from '../sandbox/index';

export type CoreModule = typeof Core;
export type SandboxModule = typeof SandboxApi;

let cached: CoreModule | undefined;

/** Loads dist/engine.js on first use. */
export function loadEngine(): CoreModule {
  // A plain require of a sibling file: kept out of the bundle (see esbuild.mjs, external './engine.js').
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached ??= require('./engine.js') as CoreModule;
  return cached;
}

export function isEngineLoaded(): boolean {
  return cached !== undefined;
}

let sandboxModule: SandboxModule | undefined;

/** Loads dist/sandbox.js (the in-process sandbox tenant) on first use. */
export function loadSandbox(): SandboxModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sandboxModule ??= require('./sandbox.js') as SandboxModule;
  return sandboxModule;
}

/** The engine's redaction for free text (user input echoed to the log). */
export function redact(text: string): string {
  return loadEngine().redactText(text);
}

/**
 * The engine's redaction for text that may carry a secret and is about to be shown, logged or handed to another
 * command (error messages): loads the engine when needed (an error path may load it; activation never does). If the
 * engine cannot load, the text is withheld rather than shown unredacted.
 */
export function redactLoadingEngine(text: string): string {
  try {
    return redact(text);
  } catch {
    return `(${text.length} characters, not shown: the redaction module could not be loaded)`;
  }
}

/** The core's `isSecretName` (loads the engine): true when a variable / field of this name holds a secret. */
export function isSecretName(name: string): boolean {
  return loadEngine().isSecretName(name);
}

/**
 * Defence in depth for lines the extension writes itself (error details, exports): the engine's redaction when the
 * engine is loaded. Before it is loaded nothing the engine produced can be in the text, and activation stays light.
 */
export function redactIfLoaded(text: string): string {
  return cached ? cached.redactText(text) : text;
}
