import type { ChainMode, ChainProfile, ChainResult } from '../model';
import type { SecretValue } from '../secret';

/** What a face asks the engine to run. Everything is optional: defaults reproduce the Go SDK's DefaultAzureCredential. */
export interface ChainRequest {
  /** One scope (default https://management.azure.com/.default). */
  scope?: string;
  tenantId?: string;
  /** Default 'sequential'. */
  mode?: ChainMode;
  /**
   * Whose chain: an SDK (`go`, `js`, `python`, `dotnet`: its newest modelled release) or one release (`js@4.5.0`,
   * `python@1.13.0b2`; see src/core/sdk/releases.ts). Default 'go'. An unknown release ends the run with a config
   * error naming the nearest modelled one.
   */
  profile?: ChainProfile | string;
  /**
   * Turns on the release's "require" option: JS requiredEnvVars with these variables; Go
   * RequireAzureTokenCredentials / Python require_envvar when the list is non-empty (only AZURE_TOKEN_CREDENTIALS counts).
   */
  required?: string[];
  /** Explicit membership (a ChainedTokenCredential of these, in this order), overriding AZURE_TOKEN_CREDENTIALS. */
  credentials?: string[];
  /** Per-step time limit in ms (default options.stepTimeoutMs ?? 30 s). */
  stepTimeoutMs?: number;
  /** Bypass the engine's token cache. */
  forceRefresh?: boolean;
  claims?: string;
}

/** What a face asks when it runs one credential by name, outside the chain. */
export interface CredentialRequest {
  scope?: string;
  tenantId?: string;
  claims?: string;
  forceRefresh?: boolean;
  profile?: ChainProfile;
  stepTimeoutMs?: number;
}

/** A chain run: the serialisable ChainResult, plus the token itself (not enumerable: JSON never includes it). */
export interface ChainRun extends ChainResult {
  accessToken?: SecretValue;
}

export const DEFAULT_SCOPE = 'https://management.azure.com/.default';
