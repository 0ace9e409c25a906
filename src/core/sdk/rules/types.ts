/**
 * The shape of the release rules (src/core/sdk/rules/*.ts): what each rule says, the citation every entry carries
 * (CHANGELOG file, release heading, what it says, and how it was checked: 'source' = read in that release's published
 * package as well as its CHANGELOG; 'changelog'; 'notes' = from shared/reference/sdk-release-history.md, to be
 * adjusted when the CHANGELOG's wording is read), and the helpers the per-SDK rule files share.
 */
import type { CredentialName } from '../../model';

export interface Citation {
  /** Path of the CHANGELOG in the SDK's repository. */
  file: string;
  /** The release heading the entry sits under. */
  entry: string;
  /** What the entry says (paraphrased; PR number where it has one). */
  says: string;
  checked: 'source' | 'changelog' | 'notes';
}

export interface TokenCredentialsRule {
  /** none: AZURE_TOKEN_CREDENTIALS is ignored; dev-prod: only "dev"/"prod"; names: also one credential's name. */
  support: 'none' | 'dev-prod' | 'names';
  dev: CredentialName[];
  /** Single names accepted, spelled as the SDK spells them (matching is case-insensitive). */
  names: string[];
  /** go: "dev"/"prod" exact and case-sensitive, names case-insensitive, nothing trimmed; trim-lower: trimmed, lower-cased. */
  match: 'go' | 'trim-lower';
  /** What a set-but-empty (or, for trim-lower, blank) value means. */
  blank: 'full-chain' | 'invalid';
  /** Which wording the SDK's invalid-value error uses (see invalidValueMessage). */
  wording: 'js-4.10' | 'js-4.11' | 'go' | 'python-1.23' | 'python-1.24' | 'dotnet';
}

export interface ImdsRetryRule {
  maxRetries: number;
  baseDelayMs: number;
  /** half: core-util's jitter (each delay in the upper half of its exponential step). */
  jitter: 'none' | 'half';
  /** Whether IMDS 410 is retried, and its first delay (JS: at least 3 s so five retries span at least 70 s). */
  retry410: boolean;
  min410DelayMs: number;
}

export interface RequireRule {
  /** The option's name in the SDK's API. */
  option: string;
  /** What the option requires: AZURE_TOKEN_CREDENTIALS itself (Go, Python), or any listed variables (JS). */
  what: 'AZURE_TOKEN_CREDENTIALS' | 'listed variables';
}

export interface RuleValues {
  /** Chain membership and order with AZURE_TOKEN_CREDENTIALS unset (this platform's view is applied later). */
  order: CredentialName[];
  tokenCredentials: TokenCredentialsRule;
  /** Whether the managed-identity probe is still sent when AZURE_TOKEN_CREDENTIALS selects ManagedIdentityCredential alone. */
  probeWhenMiAlone: boolean;
  /**
   * What a credential whose constructor throws does to the chain: fatal (DefaultAzureCredential itself cannot be
   * built), placeholder (JS: a silent stand-in, never named in the combined error), reported (Go: an "unavailable"
   * stand-in carrying the constructor's message).
   */
  constructorFailure: 'fatal' | 'placeholder' | 'reported';
  imdsRetry: ImdsRetryRule;
  /** The "require AZURE_TOKEN_CREDENTIALS" style option, or null before the SDK had one. */
  require: RequireRule | null;
  /** ManagedIdentityCredential uses token exchange (the workload-identity file) when AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are all set. */
  miTokenExchange: boolean;
  /** EnvironmentCredential's service principals honour AZURE_REGIONAL_AUTHORITY_NAME (regional token endpoint). */
  regionalAuthority: boolean;
  /** Members of `order` the SDK adds on Windows only. */
  windowsOnly: CredentialName[];
  // JavaScript only (undefined for the other SDKs): how @azure/identity's own code paths changed between releases.
  /**
   * WorkloadIdentityCredential without a client id, tenant id or token file: 'named' — its getToken throws one
   * CredentialUnavailableError naming all three, which the combined error lists; 'constructor' — its constructor
   * throws per missing parameter, so DefaultAzureCredential keeps a silent placeholder (constructorFailure).
   */
  wiMissingParameters?: 'named' | 'constructor';
  /**
   * How a token-file failure surfaces: 'direct' — read outside msal, so a missing file is Node's own error, which
   * stops the chain, and an empty one is CredentialUnavailableError; 'through-msal' — read by msal's assertion
   * callback, so handleMsalError turns both into AuthenticationRequiredError (the chain moves on).
   */
  wiTokenFile?: 'direct' | 'through-msal';
  /** ManagedIdentityCredential's implementation: 'identity-client' (the SDK's own IMDS code) or 'msal' (msal-node's). */
  miImplementation?: 'identity-client' | 'msal';
  /** The major version of msal-node the release's dependency range resolves to (its error wording follows it). */
  msalNodeMajor?: number;
  /** AzurePowerShellCredential's output parsing: 'json' (the whole output) or 'token-search' (the JSON holding Token). */
  pwshOutput?: 'json' | 'token-search';
}

export type RuleKey = keyof RuleValues;

export interface RuleEntry<K extends RuleKey = RuleKey> {
  key: K;
  since: string;
  value: RuleValues[K];
  cite: Citation;
}

export const JS_LOG = 'sdk/identity/identity/CHANGELOG.md';
export const GO_LOG = 'sdk/azidentity/CHANGELOG.md';
export const PY_LOG = 'sdk/identity/azure-identity/CHANGELOG.md';
export const NET_LOG = 'sdk/identity/Azure.Identity/CHANGELOG.md';

export const ENV: CredentialName = 'EnvironmentCredential';
export const WI: CredentialName = 'WorkloadIdentityCredential';
export const MI: CredentialName = 'ManagedIdentityCredential';
export const CLI: CredentialName = 'AzureCLICredential';
export const AZD: CredentialName = 'AzureDeveloperCLICredential';
export const PS: CredentialName = 'AzurePowerShellCredential';
export const VSC: CredentialName = 'VisualStudioCodeCredential';
export const VS: CredentialName = 'VisualStudioCredential';
export const STC: CredentialName = 'SharedTokenCacheCredential';
export const BROKER: CredentialName = 'BrokerCredential';
export const IBC: CredentialName = 'InteractiveBrowserCredential';

export function e<K extends RuleKey>(key: K, since: string, value: RuleValues[K], cite: Citation): RuleEntry<K> {
  return { key, since, value, cite };
}

export const NO_TOKEN_CREDENTIALS: TokenCredentialsRule = {
  support: 'none',
  dev: [],
  names: [],
  match: 'trim-lower',
  blank: 'full-chain',
  wording: 'js-4.10',
};
