/**
 * The names a credential goes by: the explicit flows, the chain members that run on their own, and the spellings a
 * user may type for them (Go and JS spellings, short names, any case). No credential code here, so that readers of
 * an app's log (azauth run) can name credentials without loading the engine.
 */
import type { CredentialName } from '../model';

export const EXPLICIT_FLOWS = [
  'ClientSecretCredential',
  'ClientCertificateCredential',
  'ClientAssertionCredential',
  'DeviceCodeCredential',
  'InteractiveBrowserCredential',
  'UsernamePasswordCredential',
  'OnBehalfOfCredential',
  'RefreshTokenCredential',
] as const satisfies readonly CredentialName[];
export type ExplicitFlowName = (typeof EXPLICIT_FLOWS)[number];

/** Chain members the facade can run on their own. */
export const CHAIN_CREDENTIALS = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'AzureCLICredential',
  'AzureDeveloperCLICredential',
  'AzurePowerShellCredential',
  // Federated CI credentials (not DefaultAzureCredential members, but run the same way, from the environment).
  'GitHubActionsCredential',
  'AzurePipelinesCredential',
] as const satisfies readonly CredentialName[];

const ALIASES: Record<string, CredentialName> = {
  secret: 'ClientSecretCredential',
  clientsecret: 'ClientSecretCredential',
  certificate: 'ClientCertificateCredential',
  cert: 'ClientCertificateCredential',
  clientcertificate: 'ClientCertificateCredential',
  assertion: 'ClientAssertionCredential',
  clientassertion: 'ClientAssertionCredential',
  devicecode: 'DeviceCodeCredential',
  device: 'DeviceCodeCredential',
  interactive: 'InteractiveBrowserCredential',
  interactivebrowser: 'InteractiveBrowserCredential',
  browser: 'InteractiveBrowserCredential',
  usernamepassword: 'UsernamePasswordCredential',
  ropc: 'UsernamePasswordCredential',
  onbehalfof: 'OnBehalfOfCredential',
  obo: 'OnBehalfOfCredential',
  refreshtoken: 'RefreshTokenCredential',
  environment: 'EnvironmentCredential',
  env: 'EnvironmentCredential',
  workloadidentity: 'WorkloadIdentityCredential',
  workload: 'WorkloadIdentityCredential',
  managedidentity: 'ManagedIdentityCredential',
  mi: 'ManagedIdentityCredential',
  azurecli: 'AzureCLICredential',
  az: 'AzureCLICredential',
  cli: 'AzureCLICredential',
  azuredevelopercli: 'AzureDeveloperCLICredential',
  azd: 'AzureDeveloperCLICredential',
  azurepowershell: 'AzurePowerShellCredential',
  powershell: 'AzurePowerShellCredential',
  pwsh: 'AzurePowerShellCredential',
  githubactions: 'GitHubActionsCredential',
  github: 'GitHubActionsCredential',
  azurepipelines: 'AzurePipelinesCredential',
  pipelines: 'AzurePipelinesCredential',
};

/** Accepts Go spellings, JS spellings (AzureCliCredential), and short names (secret, device-code, obo, az, …), any case. */
export function resolveCredentialName(
  input: string,
): ExplicitFlowName | (typeof CHAIN_CREDENTIALS)[number] | undefined {
  const n = input
    .trim()
    .toLowerCase()
    .replace(/[-_\s]/g, '');
  const all = [...EXPLICIT_FLOWS, ...CHAIN_CREDENTIALS] as string[];
  const exact = all.find((c) => c.toLowerCase() === n || c.toLowerCase() === `${n}credential`);
  if (exact) return exact as ExplicitFlowName;
  const alias = ALIASES[n.replace(/credential$/, '')];
  return alias && all.includes(alias) ? (alias as ExplicitFlowName) : undefined;
}

export function isExplicitFlow(name: string): name is ExplicitFlowName {
  return (EXPLICIT_FLOWS as readonly string[]).includes(name);
}
