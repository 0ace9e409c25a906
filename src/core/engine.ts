/**
 * The engine facade the faces call. `createEngine()` keeps state (the token cache and in-flight sharing);
 * the module-level `runChain` / `runCredential` use one shared default engine.
 */
import type { TraceSink } from './trace/events';
import type { EngineOptions } from './options';
import type { SecretValue } from './secret';
import type { StepResult } from './model';
import { TokenCache } from './cache';
import { runChainWith, runCredentialWith } from './chain/runner';
import type { ChainRequest, ChainRun, CredentialRequest } from './chain/types';

export type { CredentialRequest } from './chain/types';

export interface EngineRunOptions {
  signal?: AbortSignal;
  sink?: TraceSink;
  /** The environment the credentials see (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  options?: EngineOptions;
}

export interface CredentialRun {
  result: StepResult;
  /** Not enumerable: never serialised. */
  accessToken?: SecretValue;
}

export interface Engine {
  runChain(request: ChainRequest, opts?: EngineRunOptions): Promise<ChainRun>;
  /** One credential by name, outside DefaultAzureCredential semantics (no IMDS probe; dev-tool errors stay errors). */
  runCredential(name: string, request?: CredentialRequest, opts?: EngineRunOptions): Promise<CredentialRun>;
  clearCache(): void;
}

export function createEngine(init: { now?: () => number } = {}): Engine {
  const now = init.now ?? Date.now;
  const cache = new TokenCache(now);
  return {
    runChain: (request, opts = {}) => runChainWith(cache, request, opts, now),
    async runCredential(name, request = {}, opts = {}) {
      const r = await runCredentialWith(cache, name, request, opts, now);
      const out: CredentialRun = { result: r.result };
      if (r.accessToken) Object.defineProperty(out, 'accessToken', { value: r.accessToken, enumerable: false });
      return out;
    },
    clearCache: () => cache.clear(),
  };
}

let defaultEngine: Engine | undefined;

function engine(): Engine {
  return (defaultEngine ??= createEngine());
}

export function runChain(request: ChainRequest, opts: EngineRunOptions = {}): Promise<ChainRun> {
  return engine().runChain(request, opts);
}

export function runCredential(
  name: string,
  request: CredentialRequest = {},
  opts: EngineRunOptions = {},
): Promise<CredentialRun> {
  return engine().runCredential(name, request, opts);
}
