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
import type { ChainProfile, CredentialName } from '../../model';
import { AZD, BROKER, CLI, ENV, IBC, MI, PS, STC, VS, VSC, WI, type RuleEntry } from './types';
import { JS } from './js';
import { GO } from './go';
import { PY } from './python';
import { NET } from './dotnet';

export * from './types';

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
