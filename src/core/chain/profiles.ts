/**
 * Chain profiles: each SDK's DefaultAzureCredential order and its AZURE_TOKEN_CREDENTIALS rules
 * (see the azauth chain section of README.md).
 * Credential names are spelled as the Go SDK spells them (the JSON contract uses these).
 */
import type { ChainProfile, CredentialName, CredentialSelection, ErrorInfo } from '../model';

export interface ProfileInfo {
  profile: ChainProfile;
  /** The SDK this profile reproduces, for messages. */
  sdk: string;
  order: CredentialName[];
  dev: CredentialName[];
  prod: CredentialName[];
  /** Names accepted as a single-credential selection, keyed by their normalised spelling. */
  names: Record<string, CredentialName>;
  /** How the SDK normalises the variable before matching. */
  normalise: (raw: string) => { keyword: string; name: string };
  invalidMessage: (raw: string) => string;
  /** How the SDK spells each credential in its own messages. */
  spelling: Partial<Record<CredentialName, string>>;
}

const PROD: CredentialName[] = ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'];

const lowerMap = (names: CredentialName[], spelling: Partial<Record<CredentialName, string>> = {}) =>
  Object.fromEntries(names.map((n) => [(spelling[n] ?? n).toLowerCase(), n])) as Record<string, CredentialName>;

const jsSpelling: Partial<Record<CredentialName, string>> = {
  AzureCLICredential: 'AzureCliCredential',
  AzureDeveloperCLICredential: 'AzureDeveloperCliCredential',
};

const GO_ORDER: CredentialName[] = [...PROD, 'AzureCLICredential', 'AzureDeveloperCLICredential'];
const JS_ORDER: CredentialName[] = [...PROD, 'VisualStudioCodeCredential', 'AzureCLICredential', 'AzurePowerShellCredential', 'AzureDeveloperCLICredential', 'BrokerCredential'];
const PY_ORDER: CredentialName[] = [
  ...PROD,
  ...(process.platform === 'win32' ? (['SharedTokenCacheCredential'] as CredentialName[]) : []),
  'VisualStudioCodeCredential',
  'AzureCLICredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCLICredential',
];
const NET_ORDER: CredentialName[] = [...PROD, 'VisualStudioCredential', 'VisualStudioCodeCredential', 'AzureCLICredential', 'AzurePowerShellCredential', 'AzureDeveloperCLICredential'];

export const PROFILES: Record<ChainProfile, ProfileInfo> = {
  go: {
    profile: 'go',
    sdk: 'Azure SDK for Go (azidentity)',
    order: GO_ORDER,
    dev: ['AzureCLICredential', 'AzureDeveloperCLICredential'],
    prod: PROD,
    names: lowerMap(GO_ORDER),
    // Go: "dev"/"prod" exact and case-sensitive, names compared with strings.EqualFold, no trimming.
    normalise: (raw) => ({ keyword: raw, name: raw.toLowerCase() }),
    invalidMessage: (raw) =>
      `invalid AZURE_TOKEN_CREDENTIALS value "${raw}". Valid values are "dev", "prod", or the name of any credential type in the default chain. See https://aka.ms/azsdk/go/identity/docs#DefaultAzureCredential for more information`,
    spelling: {},
  },
  js: {
    profile: 'js',
    sdk: 'Azure SDK for JavaScript (@azure/identity 4.14)',
    order: JS_ORDER,
    dev: ['VisualStudioCodeCredential', 'AzureCLICredential', 'AzurePowerShellCredential', 'AzureDeveloperCLICredential', 'BrokerCredential'],
    prod: PROD,
    names: lowerMap(['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'VisualStudioCodeCredential', 'AzureCLICredential', 'AzurePowerShellCredential', 'AzureDeveloperCLICredential'], jsSpelling),
    normalise: (raw) => {
      const v = raw.trim().toLowerCase();
      return { keyword: v, name: v };
    },
    invalidMessage: (raw) =>
      `Invalid value for AZURE_TOKEN_CREDENTIALS = ${raw}. Valid values are 'prod' or 'dev' or any of these credentials - EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, VisualStudioCodeCredential, AzureCliCredential, AzurePowerShellCredential, AzureDeveloperCliCredential.`,
    spelling: jsSpelling,
  },
  python: {
    profile: 'python',
    sdk: 'Azure SDK for Python (azure-identity)',
    order: PY_ORDER,
    dev: PY_ORDER.filter((n) => !PROD.includes(n)),
    prod: PROD,
    names: lowerMap(
      ['AzureCLICredential', 'AzureDeveloperCLICredential', 'AzurePowerShellCredential', 'EnvironmentCredential', 'InteractiveBrowserCredential', 'ManagedIdentityCredential', 'VisualStudioCodeCredential', 'WorkloadIdentityCredential'],
      jsSpelling,
    ),
    normalise: (raw) => {
      const v = raw.trim().toLowerCase();
      return { keyword: v, name: v };
    },
    // Wording inferred (ValueError); the accepted values are from the Python documentation.
    invalidMessage: (raw) =>
      `Invalid value for AZURE_TOKEN_CREDENTIALS: ${raw}. Valid values are 'dev', 'prod', or the name of a credential in the DefaultAzureCredential chain (for example 'AzureCliCredential').`,
    spelling: jsSpelling,
  },
  dotnet: {
    profile: 'dotnet',
    sdk: 'Azure SDK for .NET (Azure.Identity)',
    order: NET_ORDER,
    dev: NET_ORDER.filter((n) => !PROD.includes(n)),
    prod: PROD,
    names: lowerMap([...NET_ORDER, 'InteractiveBrowserCredential'], jsSpelling),
    normalise: (raw) => {
      const v = raw.trim().toLowerCase();
      return { keyword: v, name: v };
    },
    // Wording inferred (the SDK throws an InvalidOperationException naming the variable and the accepted values).
    invalidMessage: (raw) =>
      `Invalid value for environment variable AZURE_TOKEN_CREDENTIALS: '${raw}'. Valid values are 'dev', 'prod', or the name of a credential in the DefaultAzureCredential chain.`,
    spelling: jsSpelling,
  },
};

export interface SelectionResult {
  selection: CredentialSelection;
  /** Set when AZURE_TOKEN_CREDENTIALS has a value the SDK rejects (DefaultAzureCredential cannot be constructed). */
  error?: ErrorInfo;
  /** JS: ManagedIdentityCredential selected alone → no IMDS probe (4.13.0). */
  imdsProbe: boolean;
}

export function isChainProfile(p: unknown): p is ChainProfile {
  return p === 'go' || p === 'js' || p === 'python' || p === 'dotnet';
}

/** Decides the chain's membership from an explicit list, or AZURE_TOKEN_CREDENTIALS with the profile's matching rules. */
export function selectCredentials(profile: ChainProfile, env: Readonly<Record<string, string | undefined>>, explicit?: string[]): SelectionResult {
  const info = PROFILES[profile];
  if (explicit && explicit.length) {
    const byLower = new Map<string, CredentialName>();
    for (const n of [...info.order, ...Object.values(info.names)]) byLower.set(n.toLowerCase(), n);
    const credentials = explicit.map((n) => byLower.get(n.toLowerCase()) ?? (n as CredentialName));
    return {
      selection: { source: 'option', credentials, reason: `explicit credential list (${credentials.join(', ')}), in that order` },
      imdsProbe: true,
    };
  }
  const raw = env.AZURE_TOKEN_CREDENTIALS;
  if (raw === undefined || raw === '' || (profile !== 'go' && raw.trim() === '')) {
    return {
      selection: { source: 'default', credentials: [...info.order], reason: `AZURE_TOKEN_CREDENTIALS is not set: the full ${info.sdk} DefaultAzureCredential chain` },
      imdsProbe: true,
    };
  }
  const { keyword, name } = info.normalise(raw);
  if (keyword === 'dev') {
    return {
      selection: {
        source: 'AZURE_TOKEN_CREDENTIALS',
        value: raw,
        credentials: info.order.filter((n) => info.dev.includes(n)),
        reason: `AZURE_TOKEN_CREDENTIALS="${raw}" selects the developer-tool credentials only (${info.sdk})`,
      },
      imdsProbe: true,
    };
  }
  if (keyword === 'prod') {
    return {
      selection: {
        source: 'AZURE_TOKEN_CREDENTIALS',
        value: raw,
        credentials: info.order.filter((n) => info.prod.includes(n)),
        reason: `AZURE_TOKEN_CREDENTIALS="${raw}" selects the deployed-service credentials only (${info.sdk})`,
      },
      imdsProbe: true,
    };
  }
  const single = info.names[name];
  if (single) {
    const noProbe = profile === 'js' && single === 'ManagedIdentityCredential';
    return {
      selection: {
        source: 'AZURE_TOKEN_CREDENTIALS',
        value: raw,
        credentials: [single],
        reason: `AZURE_TOKEN_CREDENTIALS="${raw}" selects ${info.spelling[single] ?? single} alone (${profile === 'go' ? 'names match case-insensitively, without trimming' : 'trimmed and matched case-insensitively'})${noProbe ? '; @azure/identity then skips the IMDS probe and uses normal retries' : ''}`,
      },
      imdsProbe: !noProbe,
    };
  }
  let why = 'it is neither "dev", "prod" nor a credential name this SDK accepts';
  if (profile === 'go' && (raw.trim().toLowerCase() === 'dev' || raw.trim().toLowerCase() === 'prod')) why = `Go compares "dev" and "prod" exactly: case and spaces matter`;
  else if (profile === 'go' && info.names[raw.trim().toLowerCase()]) why = 'Go does not trim the value: remove the surrounding spaces';
  else if (Object.keys(PROFILES).some((p) => PROFILES[p as ChainProfile].names[name]))
    why = `that credential is not part of the ${info.sdk} default chain`;
  return {
    selection: { source: 'AZURE_TOKEN_CREDENTIALS', value: raw, credentials: [], reason: `AZURE_TOKEN_CREDENTIALS="${raw}" is rejected: ${why}` },
    error: { kind: 'config', message: info.invalidMessage(raw), errorCodes: [] },
    imdsProbe: true,
  };
}
