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
  // Read in the published packages (npm tarballs): 3.4.2, 4.0.1, 4.1.0, 4.2.1, 4.3.0, 4.4.0, 4.4.1, 4.5.0.
  e('wiMissingParameters', '3.2.3', 'named', {
    file: JS_LOG,
    entry: '3.2.3 (2023-06-20)',
    says: "WorkloadIdentityCredential's constructor builds its client only when tenantId, clientId and federatedTokenFilePath are all set; getToken then throws CredentialUnavailableError 'tenantId, clientId, and federatedTokenFilePath are required parameters' (workloadIdentityCredential.js, through 4.4.1).",
    checked: 'source',
  }),
  e('wiMissingParameters', '4.5.0', 'constructor', {
    file: JS_LOG,
    entry: '4.5.0',
    says: "WorkloadIdentityCredential's constructor throws CredentialUnavailableError for each missing parameter ('clientId is a required parameter…'), so DefaultAzureCredential keeps a silent placeholder (read in 4.5.0, absent in 4.4.1).",
    checked: 'source',
  }),
  e('wiTokenFile', '3.2.3', 'direct', {
    file: JS_LOG,
    entry: '3.2.3 (2023-06-20)',
    says: "The token file is read before msal is called (msalClientAssertion.js, then clientAssertionCredential.js from 4.2.0): a missing file surfaces as Node's ENOENT error and stops the chain; an empty one as CredentialUnavailableError.",
    checked: 'source',
  }),
  e('wiTokenFile', '4.4.0', 'through-msal', {
    file: JS_LOG,
    entry: '4.4.0',
    says: 'ClientAssertionCredential passes getAssertion to msal (msalClient.getTokenByClientAssertion), so a token-file failure goes through handleMsalError and becomes AuthenticationRequiredError (read in 4.4.0/4.4.1; 4.3.0 still awaits getAssertion itself).',
    checked: 'source',
  }),
  e('miImplementation', '3.2.3', 'identity-client', {
    file: JS_LOG,
    entry: '3.2.3 (2023-06-20)',
    says: "ManagedIdentityCredential uses the SDK's own sources (imdsMsi.js: probe, then 404 retried three times from 800 ms) and its own error wording ('No MSI credential available', AuthenticationError for other statuses).",
    checked: 'source',
  }),
  e('miImplementation', '4.4.1', 'msal', {
    file: JS_LOG,
    entry: '4.4.1',
    says: "ManagedIdentityCredential delegates to msal-node's ManagedIdentityApplication (msalMsiProvider.js); 4.4.0 still ships LegacyMsiProvider as its implementation.",
    checked: 'source',
  }),
  e('msalNodeMajor', '3.2.3', 2, {
    file: JS_LOG,
    entry: '3.4.0',
    says: 'Depends on @azure/msal-node ^2 (package.json, through 4.6.0): msal-node 2 words network_error "Network request failed".',
    checked: 'source',
  }),
  e('msalNodeMajor', '4.7.0', 3, {
    file: JS_LOG,
    entry: '4.7.0',
    says: 'Depends on @azure/msal-node ^3 (package.json, 4.7.0 through 4.13.0), same network_error wording as msal-node 2.',
    checked: 'source',
  }),
  e('msalNodeMajor', '4.13.1', 5, {
    file: JS_LOG,
    entry: '4.13.1',
    says: 'Depends on @azure/msal-node ^5.1.0: msal-node 5 replaced its error messages by "See https://aka.ms/msal.js.errors#<code> for details".',
    checked: 'source',
  }),
  e('msalNodeMajor', '4.13.3', 6, {
    file: JS_LOG,
    entry: '4.13.3',
    says: "Depends on @azure/msal-node ^6.0.0 (^7.1.0 from 4.14.1), with msal-node 5's wording.",
    checked: 'source',
  }),
  e('pwshOutput', '3.2.3', 'json', {
    file: JS_LOG,
    entry: '3.2.3 (2023-06-20)',
    says: "AzurePowerShellCredential parses PowerShell's whole output as JSON: 'Unable to parse the output of PowerShell. Received output: …' (read through 4.4.0).",
    checked: 'source',
  }),
  e('pwshOutput', '4.4.1', 'token-search', {
    file: JS_LOG,
    entry: '4.4.1',
    says: "AzurePowerShellCredential looks for the JSON object holding Token in the output: 'No access token found in the output. Received output: …' (read in 4.4.1 and 4.5.0).",
    checked: 'source',
  }),
];
