import { e, PY_LOG, ENV, WI, MI, CLI, AZD, PS, VSC, STC, BROKER, NO_TOKEN_CREDENTIALS, type RuleEntry } from './types';

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

export const PY: RuleEntry[] = [
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
    says: 'DefaultAzureCredential.__init__ (azure/identity/_credentials/default.py) constructs each credential directly: a constructor error propagates (only SharedTokenCacheCredential is wrapped, and left out with an info log), so DefaultAzureCredential() itself raises ValueError or OSError (src/core/credentials/py-construction.ts). Proven by the parity suite against the real package.',
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
  e('miTokenExchange', '1.11.0', true, {
    file: PY_LOG,
    entry: '1.13.0b2 (2023-02-07)',
    says: 'ManagedIdentityCredential exchanges the AZURE_FEDERATED_TOKEN_FILE assertion (TokenExchangeCredential) when AZURE_AUTHORITY_HOST, AZURE_TENANT_ID and the file are set and no App Service, Arc, Cloud Shell or Azure ML variables are (managed_identity.py, TOKEN_EXCHANGE_VARS); the CHANGELOG names no entry for it. The exchange is one POST by AadClient, not MSAL (token_exchange.py, client_assertion.py): the engine sends it the same way (src/core/credentials/py-token-exchange.ts). Proven by the parity suite against the real package.',
    checked: 'source',
  }),
  e('regionalAuthority', '1.11.0', true, {
    file: PY_LOG,
    entry: '1.13.0b2 (2023-02-07)',
    says: 'MsalCredential (_internal/msal_credentials.py, read in 1.13.0b2) passes AZURE_REGIONAL_AUTHORITY_NAME to MSAL as azure_region, which MSAL uses for the client credentials grant, so EnvironmentCredential with a secret or certificate does; 1.13.0b2 adds "TryAutoDetect". Modelled in src/core/credentials/regional.ts.',
    checked: 'source',
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
