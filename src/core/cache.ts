/**
 * The engine's token cache: successful results per (credential, tenant, scope, identity) until shortly before they
 * expire, and in-flight sharing so that identical concurrent requests make one call. "Identity" is a hash of
 * everything that decides which identity a credential uses (its environment variables and endpoint options), so
 * changing AZURE_CLIENT_SECRET or AZURE_CLIENT_ID never returns a token minted for the previous configuration.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AccessTokenResult } from './credentials/types';
import type { EngineOptions } from './options';

/** Tokens are not served from the cache in their last 5 minutes (the SDKs refresh in that window too). */
export const CACHE_REFRESH_MARGIN_MS = 5 * 60 * 1000;

const IDENTITY_ENV =
  /^(AZURE_|IDENTITY_|MSI_|IMDS_|DEFAULT_IDENTITY_CLIENT_ID$|PATH$|Path$|HOME$|USERPROFILE$|AZD_|MSAL_|SYSTEM_OIDC|ACTIONS_ID_TOKEN)/;

export function identityKey(env: Readonly<Record<string, string | undefined>>, options: EngineOptions): string {
  const relevant: [string, string][] = Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && IDENTITY_ENV.test(e[0]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const opts = {
    authorityHost: options.authorityHost,
    imdsEndpoint: options.imdsEndpoint,
    executables: options.executables,
    arcKeyDirectory: options.arcKeyDirectory,
    ca: options.ca ? createHash('sha256').update(options.ca).digest('hex') : undefined,
    proxy: options.proxy,
  };
  return createHash('sha256')
    .update(JSON.stringify([relevant, opts]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Developer tools keep their login outside the environment (az logout, azd auth login, Connect-AzAccount): the
 * modification time and size of their state files join the identity, so a changed login is never hidden by the cache.
 */
export function externalStateKey(credential: string, env: Readonly<Record<string, string | undefined>>): string {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const files: string[] = [];
  if (credential === 'AzureCLICredential') {
    const dir = env.AZURE_CONFIG_DIR ?? path.join(home, '.azure');
    files.push(
      ...['azureProfile.json', 'msal_token_cache.json', 'msal_token_cache.bin', 'clouds.config'].map((f) =>
        path.join(dir, f),
      ),
    );
  } else if (credential === 'AzureDeveloperCLICredential') {
    const dir = env.AZD_CONFIG_DIR ?? path.join(home, '.azd');
    files.push(path.join(dir, 'config.json'), path.join(dir, 'auth'));
  } else if (credential === 'AzurePowerShellCredential') {
    files.push(
      path.join(home, '.Azure', 'AzureRmContext.json'),
      path.join(home, '.Azure', 'msal.cache'),
      path.join(home, '.Azure', 'msal.cache.cae'),
    );
  } else {
    return '';
  }
  return files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${st.mtimeMs}:${st.size}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

export function cacheKey(
  credential: string,
  tenantId: string | undefined,
  scopes: string[],
  identity: string,
  externalState = '',
): string {
  return JSON.stringify([credential, tenantId ?? '', [...scopes].sort(), identity, externalState]);
}

export class TokenCache {
  readonly #entries = new Map<string, AccessTokenResult>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): AccessTokenResult | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expiresOnEpochMs - CACHE_REFRESH_MARGIN_MS <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, value: AccessTokenResult): void {
    if (value.expiresOnEpochMs - CACHE_REFRESH_MARGIN_MS > this.now())
      this.#entries.set(key, { ...value, fromCache: undefined });
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Runs `fn` once for concurrent callers with the same key; later callers get the same promise (joined = true). */
  share<T>(key: string, fn: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const existing = this.#inflight.get(key) as Promise<T> | undefined;
    if (existing) return { promise: existing, joined: true };
    const p = fn().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return { promise: p, joined: false };
  }
}
