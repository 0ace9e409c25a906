import { e, JS_LOG, ENV, WI, MI, CLI, AZD, PS, VSC, BROKER, NO_TOKEN_CREDENTIALS, type RuleEntry } from './types';

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

export const JS: RuleEntry[] = [
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
