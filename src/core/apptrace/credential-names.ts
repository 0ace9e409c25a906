/**
 * The credential names the SDKs log, as the engine's model names them: one spelling per credential whatever the SDK
 * (AzureCliCredential → AzureCLICredential), which credentials run inside another, and DefaultAzureCredential's order.
 */
import { resolveCredentialName } from '../credentials/names';

/** Credentials an SDK runs inside another one: their lines belong to the outer step while it is open. */
export const INNER: Record<string, string> = {
  ClientSecretCredential: 'EnvironmentCredential',
  ClientCertificateCredential: 'EnvironmentCredential',
  UsernamePasswordCredential: 'EnvironmentCredential',
  ClientAssertionCredential: 'WorkloadIdentityCredential',
  ImdsCredential: 'ManagedIdentityCredential',
  AppServiceCredential: 'ManagedIdentityCredential',
  AzureArcCredential: 'ManagedIdentityCredential',
  CloudShellCredential: 'ManagedIdentityCredential',
  ServiceFabricCredential: 'ManagedIdentityCredential',
  AzureMLCredential: 'ManagedIdentityCredential',
  TokenExchangeCredential: 'ManagedIdentityCredential',
  MsiCredential: 'ManagedIdentityCredential',
};

/** DefaultAzureCredential's members across the SDKs, in chain order (each SDK's chain is a subsequence of this). */
const CHAIN_ORDER = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'SharedTokenCacheCredential',
  'VisualStudioCredential',
  'VisualStudioCodeCredential',
  'AzureCLICredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCLICredential',
  'InteractiveBrowserCredential',
  'BrokerCredential',
];

/** Names already resolved: a program logs the same few thousands of times (bounded: the names come from its log). */
const canonicalNames = new Map<string, string>();

/** The Go spelling the engine's model uses (AzureCliCredential → AzureCLICredential); unknown names stay as given. */
export function canonicalCredential(name: string): string {
  let canonical = canonicalNames.get(name);
  if (canonical === undefined) {
    canonical = resolveCanonical(name);
    if (canonicalNames.size >= 256) canonicalNames.clear();
    canonicalNames.set(name, canonical);
  }
  return canonical;
}

function resolveCanonical(name: string): string {
  const trimmed = name
    .trim()
    .replace(/^Azure\.Identity\./, '')
    .replace(/^\*?azidentity\./, '')
    .replace(/^com\.azure\.identity\./, '');
  if (
    trimmed === 'VisualStudioCodeCredential' ||
    trimmed === 'BrokerCredential' ||
    trimmed === 'SharedTokenCacheCredential'
  )
    return trimmed;
  if (INNER[trimmed]) return trimmed;
  return resolveCredentialName(trimmed) ?? trimmed;
}

/** Steps in DefaultAzureCredential's order; credentials outside it after those in it, in the order they came. */
export function inChainOrder<T extends { credential: string }>(steps: T[]): T[] {
  const order = (c: string) => {
    const i = CHAIN_ORDER.indexOf(c);
    return i === -1 ? CHAIN_ORDER.length : i;
  };
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => order(a.s.credential) - order(b.s.credential) || a.i - b.i)
    .map((x) => x.s);
}
