/**
 * Lazy access to the engine. esbuild builds src/core/index.ts into dist/engine.js and the extension bundle marks
 * './engine.js' external, so nothing of the engine (msal-node, catalogs) loads until a command needs it.
 *
 * Parts of the engine land in parallel with this extension: `need()` returns a function only when the engine exports
 * it, and otherwise throws NotAvailableError, which the command wrapper shows as an honest "not available yet".
 */
import type * as Core from '../core/index';

export type CoreModule = typeof Core;

/** The engine functions the extension calls, by name (typed from the core's own declarations). */
export interface EngineApi {
  runChain: CoreModule['runChain'];
  acquireToken: CoreModule['acquireToken'];
  decodeToken: CoreModule['decodeToken'];
  explainClaims: CoreModule['explainClaims'];
  tokenExpiry: CoreModule['tokenExpiry'];
  validateToken: CoreModule['validateToken'];
  explainText: CoreModule['explainText'];
  summarizeToken: CoreModule['summarizeToken'];
  redactText: CoreModule['redactText'];
  detectSdk: CoreModule['detectSdk'];
  startSandbox(options?: { port?: number; host?: string }): Promise<unknown>;
}

/** What a command needs that has not landed yet (shown as information, not as an error). */
export class NotAvailableError extends Error {
  readonly kind = 'not-available' as const;
  constructor(readonly feature: string, readonly arrivesWith: string) {
    super(`${feature} is not available yet: it arrives with ${arrivesWith}.`);
    this.name = 'NotAvailableError';
  }
}

export function isNotAvailable(e: unknown): e is NotAvailableError {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'not-available';
}

const ARRIVES_WITH: Record<keyof EngineApi, string> = {
  runChain: 'the credential chain engine (issue #3)',
  acquireToken: 'the credential chain engine (issue #3)',
  decodeToken: 'token intelligence (issue #4)',
  explainClaims: 'token intelligence (issue #4)',
  tokenExpiry: 'token intelligence (issue #4)',
  validateToken: 'token intelligence (issue #4)',
  explainText: 'error intelligence (issue #4)',
  summarizeToken: 'token intelligence (issue #4)',
  redactText: 'the engine’s redaction module (issue #3)',
  detectSdk: 'SDK release detection (issue #11)',
  startSandbox: 'the sandbox (issue #2)',
};

let cached: Record<string, unknown> | undefined;
let loadedListeners: (() => void)[] = [];

/** Loads dist/engine.js on first use. */
export function loadEngine(): CoreModule {
  if (!cached) {
    // A plain require of a sibling file: kept out of the bundle (see esbuild.mjs, external './engine.js').
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require('./engine.js') as Record<string, unknown>;
    const l = loadedListeners;
    loadedListeners = [];
    for (const f of l) f();
  }
  return cached as unknown as CoreModule;
}

export function isEngineLoaded(): boolean {
  return cached !== undefined;
}

let sandboxModule: Record<string, unknown> | undefined;

/** Loads dist/sandbox.js (the in-process sandbox tenant) on first use. */
function loadSandbox(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sandboxModule ??= require('./sandbox.js') as Record<string, unknown>;
  return sandboxModule;
}

/** Whether the engine exports a function (loads the engine). */
export function has(name: keyof EngineApi): boolean {
  const core = name === 'startSandbox' ? loadSandbox() : (loadEngine() as unknown as Record<string, unknown>);
  return typeof core[name] === 'function';
}

/** The engine function `name`, or NotAvailableError when it has not landed yet. */
export function need<K extends keyof EngineApi>(name: K): EngineApi[K] {
  const core = name === 'startSandbox' ? loadSandbox() : (loadEngine() as unknown as Record<string, unknown>);
  const f = core[name];
  if (typeof f !== 'function') throw new NotAvailableError(featureName(name), ARRIVES_WITH[name]);
  return f as EngineApi[K];
}

function featureName(name: keyof EngineApi): string {
  switch (name) {
    case 'runChain':
      return 'Running the credential chain';
    case 'acquireToken':
      return 'Acquiring a token with one credential';
    case 'startSandbox':
      return 'The sandbox tenant';
    case 'explainText':
      return 'Explaining errors';
    case 'detectSdk':
      return 'Detecting the workspace’s Azure Identity release';
    default:
      return 'Token decoding';
  }
}

/** The engine's redaction for free text (user input echoed to the log); drops the text if redaction is missing. */
export function redact(text: string): string {
  const core = loadEngine() as unknown as Record<string, unknown>;
  const f = core.redactText;
  if (typeof f === 'function') return (f as (t: string) => string)(text);
  return `(${text.length} characters, not shown)`;
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
  const f = (loadEngine() as unknown as Record<string, unknown>).isSecretName;
  // Without the core's list, treat every name as secret: nothing is read from settings that should not be.
  return typeof f === 'function' ? (f as (n: string) => boolean)(name) : true;
}

/**
 * Defence in depth for lines the extension writes itself (error details, exports): the engine's redaction when the
 * engine is loaded. Before it is loaded nothing the engine produced can be in the text, and activation stays light.
 */
export function redactIfLoaded(text: string): string {
  const f = cached?.redactText;
  return typeof f === 'function' ? (f as (t: string) => string)(text) : text;
}
