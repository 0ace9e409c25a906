/**
 * Credential registry: name → factory. The chain asks it for each member; a name with no factory runs as a
 * placeholder that reports "unavailable" (see chain/placeholders.ts).
 *
 * To add a credential: implement `Credential` (./types.ts) in its own file and append one `registerCredential` line
 * below. Factories are called once per step, so a credential may keep per-call state in its instance.
 */
import type { CredentialName } from '../model';
import type { Credential } from './types';
import { ManagedIdentityCredential } from './managed-identity/index';
import { AzureCLICredential } from './azure-cli';
import { AzureDeveloperCLICredential } from './azure-developer-cli';
import { AzurePowerShellCredential } from './azure-powershell';
import { EnvironmentCredential } from './environment';
import { WorkloadIdentityCredential } from './workload-identity';

export type CredentialFactory = () => Credential;

const factories = new Map<string, CredentialFactory>();

export function registerCredential(name: CredentialName, factory: CredentialFactory): void {
  factories.set(name, factory);
}

export function getCredentialFactory(name: string): CredentialFactory | undefined {
  return factories.get(name);
}

registerCredential('ManagedIdentityCredential', () => new ManagedIdentityCredential());
registerCredential('AzureCLICredential', () => new AzureCLICredential());
registerCredential('AzureDeveloperCLICredential', () => new AzureDeveloperCLICredential());
registerCredential('AzurePowerShellCredential', () => new AzurePowerShellCredential());
// Credentials built on msal-node (EnvironmentCredential, WorkloadIdentityCredential, explicit flows) register below.
registerCredential('EnvironmentCredential', () => new EnvironmentCredential());
registerCredential('WorkloadIdentityCredential', () => new WorkloadIdentityCredential());
// Federated CI credentials: GitHub Actions OIDC and Azure Pipelines (client assertion from the runner's token).
import { GitHubActionsCredential } from './github-actions';
import { AzurePipelinesCredential } from './azure-pipelines';
registerCredential('GitHubActionsCredential', () => new GitHubActionsCredential());
registerCredential('AzurePipelinesCredential', () => new AzurePipelinesCredential());
