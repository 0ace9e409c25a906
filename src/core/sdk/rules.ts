/**
 * What changed in DefaultAzureCredential, release by release, as data. Every entry holds from its `since` release
 * until the next entry for the same rule, and cites the CHANGELOG entry that introduced it (file, release heading,
 * what it says). `checked` says how the entry was verified:
 * - 'source': read in the published package of that release (the npm tarballs of @azure/identity, Debian's
 *   python3-azure) as well as its CHANGELOG;
 * - 'changelog': read in the SDK's CHANGELOG;
 * - 'notes': from the project's reference notes (shared/reference/sdk-release-history.md); the CHANGELOG entry is named
 *   but its exact wording could not be read, so the rule may need adjusting when it is.
 */
import type { ChainProfile, CredentialName } from '../model';

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
}

export type RuleKey = keyof RuleValues;

export interface RuleEntry<K extends RuleKey = RuleKey> {
  key: K;
  since: string;
  value: RuleValues[K];
  cite: Citation;
}

const JS_LOG = 'sdk/identity/identity/CHANGELOG.md';
const GO_LOG = 'sdk/azidentity/CHANGELOG.md';
const PY_LOG = 'sdk/identity/azure-identity/CHANGELOG.md';
const NET_LOG = 'sdk/identity/Azure.Identity/CHANGELOG.md';

const ENV: CredentialName = 'EnvironmentCredential';
const WI: CredentialName = 'WorkloadIdentityCredential';
const MI: CredentialName = 'ManagedIdentityCredential';
const CLI: CredentialName = 'AzureCLICredential';
const AZD: CredentialName = 'AzureDeveloperCLICredential';
const PS: CredentialName = 'AzurePowerShellCredential';
const VSC: CredentialName = 'VisualStudioCodeCredential';
const VS: CredentialName = 'VisualStudioCredential';
const STC: CredentialName = 'SharedTokenCacheCredential';
const BROKER: CredentialName = 'BrokerCredential';
const IBC: CredentialName = 'InteractiveBrowserCredential';

function e<K extends RuleKey>(key: K, since: string, value: RuleValues[K], cite: Citation): RuleEntry<K> {
  return { key, since, value, cite };
}

const NO_TOKEN_CREDENTIALS: TokenCredentialsRule = {
  support: 'none',
  dev: [],
  names: [],
  match: 'trim-lower',
  blank: 'full-chain',
  wording: 'js-4.10',
};

// ---------------------------------------------------------------------------------------------------------------
// JavaScript (@azure/identity). Verified in each release's dist/…/defaultAzureCredential.js and imdsRetryPolicy.js.
// ---------------------------------------------------------------------------------------------------------------
const JS_NAMES = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'VisualStudioCodeCredential',
  'AzureCliCredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCliCredential',
];

const JS: RuleEntry[] = [
  e('order', '3.2.3', [ENV, WI, MI, CLI, PS, AZD], {
    file: JS_LOG,
    entry: '3.2.3 (2023-06-20)',
    says: 'Moved AzureDeveloperCliCredential to the end of the DefaultAzureCredential chain (VisualStudioCodeCredential left the chain in 3.0.0-beta.1).',
    checked: 'source',
  }),
  e('order', '4.11.0-beta.1', [ENV, WI, MI, VSC, CLI, PS, AZD, BROKER], {
    file: JS_LOG,
    entry: '4.11.0-beta.1 (2025-07-17)',
    says: 'VisualStudioCodeCredential restored with broker authentication and added to DefaultAzureCredential (#35150); the signed-in Windows account (BrokerCredential, with @azure/identity-broker) added at the end of the chain (#35213).',
    checked: 'source',
  }),
  e('tokenCredentials', '3.2.3', NO_TOKEN_CREDENTIALS, {
    file: JS_LOG,
    entry: '4.10.0 (2025-05-14)',
    says: 'AZURE_TOKEN_CREDENTIALS is read from 4.10.0 on; earlier releases ignore it.',
    checked: 'source',
  }),
  e(
    'tokenCredentials',
    '4.10.0',
    {
      support: 'dev-prod',
      dev: [CLI, PS, AZD],
      names: [],
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'js-4.10',
    },
    {
      file: JS_LOG,
      entry: '4.10.0 (2025-05-14)',
      says: "Added support for AZURE_TOKEN_CREDENTIALS to DefaultAzureCredential: 'dev' for developer tools, 'prod' for deployed service (#34301). The value is trimmed and lower-cased; an empty value keeps the full chain.",
      checked: 'source',
    },
  ),
  e(
    'tokenCredentials',
    '4.11.0-beta.1',
    {
      support: 'names',
      dev: [VSC, CLI, PS, AZD, BROKER],
      names: JS_NAMES,
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'js-4.11',
    },
    {
      file: JS_LOG,
      entry: '4.11.0-beta.1 (2025-07-17)',
      says: 'AZURE_TOKEN_CREDENTIALS also accepts one credential name (VisualStudioCodeCredential, EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, AzureDeveloperCliCredential, AzurePowershellCredential, AzureCliCredential) (#34966); "dev" now includes VisualStudioCodeCredential and BrokerCredential.',
      checked: 'source',
    },
  ),
  e('probeWhenMiAlone', '3.2.3', true, {
    file: JS_LOG,
    entry: '4.13.0 (2025-10-07)',
    says: 'Before 4.13.0 the probe is sent whatever selects managed identity.',
    checked: 'source',
  }),
  e('probeWhenMiAlone', '4.13.0', false, {
    file: JS_LOG,
    entry: '4.13.0 (2025-10-07)',
    says: 'When AZURE_TOKEN_CREDENTIALS is set to only ManagedIdentityCredential, DefaultAzureCredential does not issue a probe request and performs retries with exponential backoff (#36047).',
    checked: 'source',
  }),
  e('constructorFailure', '3.2.3', 'fatal', {
    file: JS_LOG,
    entry: '4.1.0-beta.1 (2024-02-06)',
    says: 'Before 4.1.0 a credential that fails to instantiate makes new DefaultAzureCredential() throw.',
    checked: 'source',
  }),
  e('constructorFailure', '4.1.0-beta.1', 'placeholder', {
    file: JS_LOG,
    entry: '4.1.0-beta.1 (2024-02-06)',
    says: 'new DefaultAzureCredential() no longer throws when one of the credentials in the chain fails to instantiate; creation errors are logged when getToken is called (#28264).',
    checked: 'source',
  }),
  e(
    'imdsRetry',
    '3.2.3',
    { maxRetries: 3, baseDelayMs: 800, jitter: 'none', retry410: false, min410DelayMs: 0 },
    {
      file: JS_LOG,
      entry: '2.0.3 (2022-02-16)',
      says: 'Maximum number of IMDS retries set to 3 (imdsMsi.js: 404 retried after 800 ms, 1.6 s, 3.2 s).',
      checked: 'source',
    },
  ),
  e(
    'imdsRetry',
    '4.1.0',
    { maxRetries: 5, baseDelayMs: 800, jitter: 'half', retry410: false, min410DelayMs: 0 },
    {
      file: JS_LOG,
      entry: '4.1.0 (2024-04-09)',
      says: 'IMDS probing retry configuration updated for DefaultAzureCredential and ManagedIdentityCredential, with maxRetryCount increased to 5 (BREAKING_CHANGES.md#410).',
      checked: 'source',
    },
  ),
  e(
    'imdsRetry',
    '4.11.0-beta.1',
    { maxRetries: 5, baseDelayMs: 800, jitter: 'half', retry410: true, min410DelayMs: 3000 },
    {
      file: JS_LOG,
      entry: '4.11.0-beta.1 (2025-07-17)',
      says: 'Added HTTP 410 handling to the ManagedIdentityCredential retry policy with a minimum 70-second total retry duration (#34981); imdsRetryPolicy.js starts 410 at max(3000 ms, 800 ms).',
      checked: 'source',
    },
  ),
  e('require', '3.2.3', null, {
    file: JS_LOG,
    entry: '4.12.0 (2025-09-09)',
    says: 'requiredEnvVars exists from 4.12.0 on.',
    checked: 'source',
  }),
  e(
    'require',
    '4.12.0',
    { option: 'requiredEnvVars', what: 'listed variables' },
    {
      file: JS_LOG,
      entry: '4.12.0 (2025-09-09)',
      says: 'New requiredEnvVars option: every listed variable must be set and non-empty before the credential is built, or it throws listing the missing ones (#35832).',
      checked: 'source',
    },
  ),
  e('miTokenExchange', '3.2.3', true, {
    file: JS_LOG,
    entry: '3.2.0-beta.1 (2023-02-28)',
    says: 'The in-house token exchange MSI was replaced with WorkloadIdentityCredential; ManagedIdentityCredential uses it when a client id, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are set (tokenExchangeMsi.js).',
    checked: 'source',
  }),
  e('regionalAuthority', '3.2.3', true, {
    file: JS_LOG,
    entry: '2.0.0 (2021-10-15)',
    says: 'AZURE_REGIONAL_AUTHORITY_NAME is honoured by ClientSecretCredential, ClientCertificateCredential and ClientAssertionCredential (regionalAuthority.js / msalNodeCommon.js), so by EnvironmentCredential in the chain.',
    checked: 'source',
  }),
  e('windowsOnly', '3.2.3', [], {
    file: JS_LOG,
    entry: '3.2.3 (2023-06-20)',
    says: 'Every member of the JS chain is added on every platform (BrokerCredential reports unavailable without the plugin).',
    checked: 'source',
  }),
];

// ---------------------------------------------------------------------------------------------------------------
// Go (azidentity)
// ---------------------------------------------------------------------------------------------------------------
const GO_NAMES = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'AzureCLICredential',
  'AzureDeveloperCLICredential',
];

const GO: RuleEntry[] = [
  e('order', '1.6.0', [ENV, WI, MI, CLI, AZD], {
    file: GO_LOG,
    entry: '1.6.0',
    says: 'DefaultAzureCredential: Environment, WorkloadIdentity, ManagedIdentity (with the IMDS probe, BREAKING_CHANGES.md v1.6.0), AzureCLI, AzureDeveloperCLI. AzurePowerShellCredential (1.13.0) is not in the default chain of the source read.',
    checked: 'notes',
  }),
  e(
    'tokenCredentials',
    '1.6.0',
    { ...NO_TOKEN_CREDENTIALS, match: 'go', wording: 'go' },
    { file: GO_LOG, entry: '1.10.0', says: 'AZURE_TOKEN_CREDENTIALS is read from 1.10.0 on.', checked: 'notes' },
  ),
  e(
    'tokenCredentials',
    '1.10.0',
    { support: 'dev-prod', dev: [CLI, AZD], names: [], match: 'go', blank: 'invalid', wording: 'go' },
    {
      file: GO_LOG,
      entry: '1.10.0',
      says: 'DefaultAzureCredential reads AZURE_TOKEN_CREDENTIALS ("dev" or "prod", exact). The variable is read with os.LookupEnv: set but empty is an invalid value.',
      checked: 'notes',
    },
  ),
  e(
    'tokenCredentials',
    '1.11.0',
    { support: 'names', dev: [CLI, AZD], names: GO_NAMES, match: 'go', blank: 'invalid', wording: 'go' },
    {
      file: GO_LOG,
      entry: '1.11.0',
      says: 'AZURE_TOKEN_CREDENTIALS also accepts the name of one credential type in the default chain (strings.EqualFold, no trimming).',
      checked: 'notes',
    },
  ),
  e('probeWhenMiAlone', '1.6.0', true, {
    file: GO_LOG,
    entry: '1.13.0',
    says: 'Before 1.13.0 the probe is sent whenever DefaultAzureCredential builds ManagedIdentityCredential.',
    checked: 'notes',
  }),
  e('probeWhenMiAlone', '1.13.0', false, {
    file: GO_LOG,
    entry: '1.13.0',
    says: 'When AZURE_TOKEN_CREDENTIALS selects ManagedIdentityCredential alone, DefaultAzureCredential sends no probe and uses the normal retries.',
    checked: 'notes',
  }),
  e('constructorFailure', '1.6.0', 'reported', {
    file: GO_LOG,
    entry: '1.6.0',
    says: 'A credential that cannot be constructed is replaced by defaultCredentialErrorReporter, which reports the constructor error as "unavailable" (default_azure_credential.go).',
    checked: 'notes',
  }),
  e(
    'imdsRetry',
    '1.6.0',
    { maxRetries: 5, baseDelayMs: 2000, jitter: 'none', retry410: true, min410DelayMs: 0 },
    {
      file: GO_LOG,
      entry: '1.6.0',
      says: 'IMDS: MaxRetries 5, RetryDelay 2 s, MaxRetryDelay 1 min; 404, 410, 429 and 5xx retried (setIMDSRetryOptionDefaults).',
      checked: 'notes',
    },
  ),
  e('require', '1.6.0', null, {
    file: GO_LOG,
    entry: '1.12.0',
    says: 'RequireAzureTokenCredentials exists from 1.12.0 on.',
    checked: 'notes',
  }),
  e(
    'require',
    '1.12.0',
    { option: 'RequireAzureTokenCredentials', what: 'AZURE_TOKEN_CREDENTIALS' },
    {
      file: GO_LOG,
      entry: '1.12.0',
      says: 'DefaultAzureCredentialOptions.RequireAzureTokenCredentials: NewDefaultAzureCredential returns an error when AZURE_TOKEN_CREDENTIALS has no value.',
      checked: 'notes',
    },
  ),
  e('miTokenExchange', '1.6.0', false, {
    file: GO_LOG,
    entry: '1.6.0',
    says: 'Go ManagedIdentityCredential has no token-exchange source; workload identity is its own credential.',
    checked: 'notes',
  }),
  e('regionalAuthority', '1.6.0', true, {
    file: GO_LOG,
    entry: '1.1.0',
    says: 'Confidential clients honour AZURE_REGIONAL_AUTHORITY_NAME (regional STS), so EnvironmentCredential does.',
    checked: 'notes',
  }),
  e('windowsOnly', '1.6.0', [], {
    file: GO_LOG,
    entry: '1.6.0',
    says: 'The Go chain is the same on every platform.',
    checked: 'notes',
  }),
];

// ---------------------------------------------------------------------------------------------------------------
// Python (azure-identity). 1.13.0b2 verified in Debian's python3-azure (azure/identity/_credentials/default.py).
// ---------------------------------------------------------------------------------------------------------------
const PY_NAMES_124 = [
  'AzureCliCredential',
  'AzureDeveloperCliCredential',
  'AzurePowerShellCredential',
  'EnvironmentCredential',
  'InteractiveBrowserCredential',
  'ManagedIdentityCredential',
  'VisualStudioCodeCredential',
  'WorkloadIdentityCredential',
];

const PY: RuleEntry[] = [
  e('order', '1.11.0', [ENV, MI, STC, CLI, PS], {
    file: PY_LOG,
    entry: '1.11.0b3 (2022-08-09)',
    says: 'VisualStudioCodeCredential removed from the DefaultAzureCredential chain (#23249). SharedTokenCacheCredential is included wherever msal-extensions supports the cache (Linux, macOS, Windows) — read in 1.13.0b2.',
    checked: 'source',
  }),
  e('order', '1.13.0', [ENV, WI, MI, STC, CLI, PS, AZD], {
    file: PY_LOG,
    entry: '1.13.0 (2023-05-11)',
    says: 'WorkloadIdentityCredential (after EnvironmentCredential) and AzureDeveloperCliCredential (last) join DefaultAzureCredential (features of the 1.13.0b3/b4 previews).',
    checked: 'notes',
  }),
  e('order', '1.24.0b1', [ENV, WI, MI, STC, VSC, CLI, PS, AZD, BROKER], {
    file: PY_LOG,
    entry: '1.24.0b1',
    says: 'VisualStudioCodeCredential returns to the chain through the broker (azure-identity-broker), and the chain ends with the broker credential; SharedTokenCacheCredential is documented as Windows only.',
    checked: 'notes',
  }),
  e('tokenCredentials', '1.11.0', NO_TOKEN_CREDENTIALS, {
    file: PY_LOG,
    entry: '1.23.0',
    says: 'AZURE_TOKEN_CREDENTIALS is read from 1.23.0 on.',
    checked: 'notes',
  }),
  e(
    'tokenCredentials',
    '1.23.0',
    {
      support: 'dev-prod',
      dev: [STC, CLI, PS, AZD],
      names: [],
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'python-1.23',
    },
    {
      file: PY_LOG,
      entry: '1.23.0',
      says: 'DefaultAzureCredential reads AZURE_TOKEN_CREDENTIALS: "dev" or "prod" (stripped, lower-cased); exclude_* arguments still win.',
      checked: 'notes',
    },
  ),
  e(
    'tokenCredentials',
    '1.24.0b1',
    {
      support: 'names',
      dev: [STC, VSC, CLI, PS, AZD],
      names: PY_NAMES_124,
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'python-1.24',
    },
    {
      file: PY_LOG,
      entry: '1.24.0b1',
      says: 'AZURE_TOKEN_CREDENTIALS also accepts one credential name (including interactivebrowsercredential); an invalid value raises ValueError listing the valid values in lower case, sorted.',
      checked: 'notes',
    },
  ),
  e('probeWhenMiAlone', '1.11.0', true, {
    file: PY_LOG,
    entry: '1.25.1',
    says: 'Before 1.25.1 the IMDS probe is sent whatever selects managed identity.',
    checked: 'notes',
  }),
  e('probeWhenMiAlone', '1.25.1', false, {
    file: PY_LOG,
    entry: '1.25.1',
    says: 'When AZURE_TOKEN_CREDENTIALS selects ManagedIdentityCredential alone, DefaultAzureCredential skips the IMDS probe.',
    checked: 'notes',
  }),
  e('constructorFailure', '1.11.0', 'fatal', {
    file: PY_LOG,
    entry: '1.13.0b2',
    says: 'DefaultAzureCredential.__init__ constructs each credential directly: a constructor error propagates (only SharedTokenCacheCredential is wrapped, and left out with an info log).',
    checked: 'source',
  }),
  e(
    'imdsRetry',
    '1.11.0',
    { maxRetries: 5, baseDelayMs: 800, jitter: 'half', retry410: true, min410DelayMs: 0 },
    {
      file: PY_LOG,
      entry: '1.15.0b2 (2023-10-12)',
      says: 'ManagedIdentityCredential retries IMDS with azure-core backoff; it retries 410 correctly from 1.15.0b2.',
      checked: 'changelog',
    },
  ),
  e('require', '1.11.0', null, {
    file: PY_LOG,
    entry: '1.25.0',
    says: 'require_envvar exists from 1.25.0 on.',
    checked: 'notes',
  }),
  e(
    'require',
    '1.25.0',
    { option: 'require_envvar', what: 'AZURE_TOKEN_CREDENTIALS' },
    {
      file: PY_LOG,
      entry: '1.25.0',
      says: 'DefaultAzureCredential(require_envvar=True) raises when AZURE_TOKEN_CREDENTIALS is not set.',
      checked: 'notes',
    },
  ),
  e('miTokenExchange', '1.11.0', false, {
    file: PY_LOG,
    entry: '1.13.0',
    says: 'Python ManagedIdentityCredential has no token-exchange source.',
    checked: 'notes',
  }),
  e('regionalAuthority', '1.11.0', true, {
    file: PY_LOG,
    entry: '1.11.0',
    says: 'Service-principal credentials honour AZURE_REGIONAL_AUTHORITY_NAME (MSAL azure_region), so EnvironmentCredential does.',
    checked: 'notes',
  }),
  e('windowsOnly', '1.11.0', [], {
    file: PY_LOG,
    entry: '1.13.0b2',
    says: 'SharedTokenCacheCredential.supported() is true on Linux, macOS and Windows (read in 1.13.0b2), so it is in the chain there.',
    checked: 'source',
  }),
  e('windowsOnly', '1.24.0b1', [STC], {
    file: PY_LOG,
    entry: '1.24.0b1',
    says: 'The documented chain lists SharedTokenCacheCredential for Windows only.',
    checked: 'notes',
  }),
];

// ---------------------------------------------------------------------------------------------------------------
// .NET (Azure.Identity). Entries up to 1.16.0-beta.1 read in the CHANGELOG.
// ---------------------------------------------------------------------------------------------------------------
const NET_NAMES_115 = [
  'VisualStudioCredential',
  'VisualStudioCodeCredential',
  'AzureCliCredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCliCredential',
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'InteractiveBrowserCredential',
];

const NET: RuleEntry[] = [
  e('order', '1.12.0', [ENV, WI, MI, STC, VS, CLI, PS, AZD], {
    file: NET_LOG,
    entry: '1.9.0-beta.2 (2023-02-21)',
    says: 'WorkloadIdentityCredential and AzureDeveloperCliCredential added to the DefaultAzureCredential flow (VisualStudioCodeCredential excluded by default).',
    checked: 'changelog',
  }),
  e('order', '1.15.0-beta.1', [ENV, WI, MI, STC, VS, VSC, CLI, PS, AZD], {
    file: NET_LOG,
    entry: '1.15.0-beta.1 (2025-07-17)',
    says: 'Re-introduced VisualStudioCodeCredential (broker SSO with Azure.Identity.Broker) and included it in the DefaultAzureCredential flow.',
    checked: 'changelog',
  }),
  e('order', '1.15.0', [ENV, WI, MI, VS, VSC, CLI, PS, AZD], {
    file: NET_LOG,
    entry: '1.15.0 (2025-08-11)',
    says: 'SharedTokenCacheCredential deprecated and no longer included in the DefaultAzureCredential authentication flow.',
    checked: 'changelog',
  }),
  e('order', '1.16.0', [ENV, WI, MI, VS, VSC, CLI, PS, AZD, BROKER], {
    file: NET_LOG,
    entry: '1.16.0',
    says: 'BrokerCredential is always the last member of the chain (it needs Azure.Identity.Broker to authenticate).',
    checked: 'notes',
  }),
  e('tokenCredentials', '1.12.0', NO_TOKEN_CREDENTIALS, {
    file: NET_LOG,
    entry: '1.14.0 (2025-05-13)',
    says: 'AZURE_TOKEN_CREDENTIALS is read from 1.14.0 on.',
    checked: 'changelog',
  }),
  e(
    'tokenCredentials',
    '1.14.0',
    {
      support: 'dev-prod',
      dev: [STC, VS, CLI, PS, AZD],
      names: [],
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'dotnet',
    },
    {
      file: NET_LOG,
      entry: '1.14.0 (2025-05-13)',
      says: "Added AZURE_TOKEN_CREDENTIALS: 'dev' for developer tools, 'prod' for deployed service.",
      checked: 'changelog',
    },
  ),
  e(
    'tokenCredentials',
    '1.15.0-beta.1',
    {
      support: 'names',
      dev: [STC, VS, VSC, CLI, PS, AZD],
      names: [...NET_NAMES_115, 'BrokerAuthenticationCredential'],
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'dotnet',
    },
    {
      file: NET_LOG,
      entry: '1.15.0-beta.1 (2025-07-17)',
      says: 'AZURE_TOKEN_CREDENTIALS accepts any credential name of the default chain (VisualStudioCredential, VisualStudioCodeCredential, AzureCliCredential, AzurePowerShellCredential, AzureDeveloperCliCredential, EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, InteractiveBrowserCredential, BrokerAuthenticationCredential).',
      checked: 'changelog',
    },
  ),
  e(
    'tokenCredentials',
    '1.15.0',
    {
      support: 'names',
      dev: [VS, VSC, CLI, PS, AZD],
      names: [...NET_NAMES_115, 'BrokerCredential'],
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'dotnet',
    },
    {
      file: NET_LOG,
      entry: '1.15.0 (2025-08-11)',
      says: 'BrokerAuthenticationCredential renamed BrokerCredential; SharedTokenCacheCredential left the chain.',
      checked: 'changelog',
    },
  ),
  e(
    'tokenCredentials',
    '1.16.0',
    {
      support: 'names',
      dev: [VS, VSC, CLI, PS, AZD, BROKER],
      names: [...NET_NAMES_115, 'BrokerCredential'],
      match: 'trim-lower',
      blank: 'full-chain',
      wording: 'dotnet',
    },
    {
      file: NET_LOG,
      entry: '1.16.0-beta.1',
      says: 'BrokerCredential is included in the chain when AZURE_TOKEN_CREDENTIALS is "dev" (and Azure.Identity.Broker is installed).',
      checked: 'changelog',
    },
  ),
  e('probeWhenMiAlone', '1.12.0', true, {
    file: NET_LOG,
    entry: '1.16.0',
    says: 'Before 1.16.0 the probe is sent whatever selects managed identity.',
    checked: 'notes',
  }),
  e('probeWhenMiAlone', '1.16.0', false, {
    file: NET_LOG,
    entry: '1.16.0',
    says: 'When AZURE_TOKEN_CREDENTIALS selects ManagedIdentityCredential alone, DefaultAzureCredential skips the probe.',
    checked: 'notes',
  }),
  e('constructorFailure', '1.12.0', 'reported', {
    file: NET_LOG,
    entry: '1.13.2 (2025-01-14)',
    says: 'Credentials in DefaultAzureCredential fall through to the next one on construction and authentication exceptions (CredentialUnavailableException).',
    checked: 'changelog',
  }),
  e(
    'imdsRetry',
    '1.12.0',
    { maxRetries: 5, baseDelayMs: 800, jitter: 'half', retry410: true, min410DelayMs: 0 },
    {
      file: NET_LOG,
      entry: '1.15.0-beta.1 (2025-07-17)',
      says: 'Before 1.15.0-beta.1, 410 responses were retried with the same short exponential backoff as other status codes.',
      checked: 'changelog',
    },
  ),
  e(
    'imdsRetry',
    '1.15.0-beta.1',
    { maxRetries: 5, baseDelayMs: 800, jitter: 'half', retry410: true, min410DelayMs: 3000 },
    {
      file: NET_LOG,
      entry: '1.15.0-beta.1 (2025-07-17)',
      says: 'ManagedIdentityCredential now retries 410 status responses for at least 70 seconds total duration, as the IMDS documentation requires (#50724).',
      checked: 'changelog',
    },
  ),
  e('require', '1.12.0', null, {
    file: NET_LOG,
    entry: '1.16.0-beta.1',
    says: '.NET has no "require the variable" switch; 1.16.0-beta.1 added a constructor taking another variable name for the same selection.',
    checked: 'changelog',
  }),
  e('miTokenExchange', '1.12.0', true, {
    file: NET_LOG,
    entry: '1.9.0 (2023-04-11)',
    says: 'ManagedIdentityCredential has a TokenExchangeManagedIdentitySource (workload identity) that DefaultAzureCredential selects when the workload-identity variables are set; ExcludeWorkloadIdentityCredential excludes it too.',
    checked: 'changelog',
  }),
  e('regionalAuthority', '1.12.0', true, {
    file: NET_LOG,
    entry: '1.12.0',
    says: 'Confidential clients honour AZURE_REGIONAL_AUTHORITY_NAME (MSAL.NET WithAzureRegion), so EnvironmentCredential does.',
    checked: 'notes',
  }),
  e('windowsOnly', '1.12.0', [], {
    file: NET_LOG,
    entry: '1.9.0-beta.2 (2023-02-21)',
    says: 'VisualStudioCredential is allowed on non-Windows platforms: the .NET chain is the same everywhere.',
    checked: 'changelog',
  }),
];

export const RULES: Record<ChainProfile, RuleEntry[]> = { js: JS, go: GO, python: PY, dotnet: NET };

/** Credential names each SDK spells differently from the Go names the engine uses. */
export const SPELLING: Record<ChainProfile, Partial<Record<CredentialName, string>>> = {
  go: {},
  js: { AzureCLICredential: 'AzureCliCredential', AzureDeveloperCLICredential: 'AzureDeveloperCliCredential' },
  python: { AzureCLICredential: 'AzureCliCredential', AzureDeveloperCLICredential: 'AzureDeveloperCliCredential' },
  dotnet: { AzureCLICredential: 'AzureCliCredential', AzureDeveloperCLICredential: 'AzureDeveloperCliCredential' },
};

/** The engine's name for a credential spelled the SDK's way (case-insensitive), or undefined. */
export function engineName(spelled: string): CredentialName | undefined {
  const l = spelled.toLowerCase();
  const all: CredentialName[] = [ENV, WI, MI, CLI, AZD, PS, VSC, VS, STC, BROKER, IBC];
  if (l === 'brokerauthenticationcredential') return BROKER;
  return all.find((n) => n.toLowerCase() === l);
}
