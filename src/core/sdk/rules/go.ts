import { e, GO_LOG, ENV, WI, MI, CLI, AZD, NO_TOKEN_CREDENTIALS, type RuleEntry } from './types';

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

export const GO: RuleEntry[] = [
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
