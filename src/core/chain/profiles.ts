/**
 * Chain profiles: each SDK's DefaultAzureCredential membership and its AZURE_TOKEN_CREDENTIALS rules, for one
 * release (see src/core/sdk/rules.ts for the rules and the CHANGELOG entry behind each; the README's azauth chain
 * section for how users pick a release). Credential names are spelled as the Go SDK spells them (the JSON contract
 * uses these); `spelling` gives each SDK's own spelling for its messages.
 */
import type { ChainProfile, CredentialName, CredentialSelection, ErrorInfo } from '../model';
import { newestRelease, type ResolvedRelease } from '../sdk/releases';
import { SPELLING, engineName, type TokenCredentialsRule } from '../sdk/rules';

export interface ProfileInfo {
  profile: ChainProfile;
  /** The SDK this profile reproduces, for messages. */
  sdk: string;
  /** The newest modelled release's default chain on this platform. */
  order: CredentialName[];
  /** How the SDK spells each credential in its own messages. */
  spelling: Partial<Record<CredentialName, string>>;
}

const SDK_NAMES: Record<ChainProfile, string> = {
  go: 'Azure SDK for Go (azidentity)',
  js: 'Azure SDK for JavaScript (@azure/identity)',
  python: 'Azure SDK for Python (azure-identity)',
  dotnet: 'Azure SDK for .NET (Azure.Identity)',
};

/** A release's default chain as the SDK builds it on `platform`. */
export function chainOrder(release: ResolvedRelease, platform: NodeJS.Platform = process.platform): CredentialName[] {
  const winOnly = release.rules.windowsOnly;
  return release.rules.order.filter((n) => platform === 'win32' || !winOnly.includes(n));
}

function info(profile: ChainProfile): ProfileInfo {
  return { profile, sdk: SDK_NAMES[profile], order: chainOrder(newestRelease(profile)), spelling: SPELLING[profile] };
}

export const PROFILES: Record<ChainProfile, ProfileInfo> = {
  go: info('go'),
  js: info('js'),
  python: info('python'),
  dotnet: info('dotnet'),
};

/** "Azure SDK for JavaScript (@azure/identity 4.5.0)" */
export function sdkLabel(release: ResolvedRelease): string {
  return SDK_NAMES[release.sdk].replace(/\)$/, ` ${release.version})`);
}

export interface SelectionResult {
  selection: CredentialSelection;
  /** Set when AZURE_TOKEN_CREDENTIALS has a value the SDK rejects (DefaultAzureCredential cannot be constructed). */
  error?: ErrorInfo;
  /** False when the release skips the managed-identity probe (ManagedIdentityCredential selected alone, JS 4.13+ …). */
  imdsProbe: boolean;
}

export function isChainProfile(p: unknown): p is ChainProfile {
  return p === 'go' || p === 'js' || p === 'python' || p === 'dotnet';
}

/** The SDK's invalid-value error, in the wording of the release. */
export function invalidValueMessage(rule: TokenCredentialsRule, raw: string): string {
  switch (rule.wording) {
    case 'js-4.10':
      return `Invalid value for AZURE_TOKEN_CREDENTIALS = ${raw}. Valid values are 'prod' or 'dev'.`;
    case 'js-4.11':
      return `Invalid value for AZURE_TOKEN_CREDENTIALS = ${raw}. Valid values are 'prod' or 'dev' or any of these credentials - ${rule.names.join(', ')}.`;
    case 'go':
      return `invalid AZURE_TOKEN_CREDENTIALS value "${raw}". Valid values are "dev", "prod", or the name of any credential type in the default chain. See https://aka.ms/azsdk/go/identity/docs#DefaultAzureCredential for more information`;
    case 'python-1.23':
      return `Invalid value for AZURE_TOKEN_CREDENTIALS: ${raw}. Valid values are: dev, prod.`;
    case 'python-1.24':
      return `Invalid value for AZURE_TOKEN_CREDENTIALS: ${raw}. Valid values are: dev, prod, ${rule.names
        .map((n) => n.toLowerCase())
        .sort()
        .join(', ')}.`;
    case 'dotnet':
      // Wording inferred (the SDK throws an InvalidOperationException naming the variable and the accepted values).
      return `Invalid value for environment variable AZURE_TOKEN_CREDENTIALS: '${raw}'. Valid values are 'dev', 'prod', or the name of a credential in the DefaultAzureCredential chain.`;
  }
}

function asRelease(profile: ChainProfile | ResolvedRelease): ResolvedRelease {
  return typeof profile === 'string' ? newestRelease(profile) : profile;
}

/**
 * Decides the chain's membership from an explicit list, or AZURE_TOKEN_CREDENTIALS with the release's rules.
 * `profile` may be a bare SDK (its newest modelled release) or a resolved release.
 */
export function selectCredentials(
  profile: ChainProfile | ResolvedRelease,
  env: Readonly<Record<string, string | undefined>>,
  explicit?: string[],
  platform: NodeJS.Platform = process.platform,
): SelectionResult {
  const rel = asRelease(profile);
  if (explicit && explicit.length) {
    const credentials = explicit.map((n) => engineName(n) ?? (n as CredentialName));
    return {
      selection: {
        source: 'option',
        credentials,
        reason: `explicit credential list (${credentials.join(', ')}), in that order`,
      },
      imdsProbe: true,
    };
  }
  const order = chainOrder(rel, platform);
  const tc = rel.rules.tokenCredentials;
  const raw = env.AZURE_TOKEN_CREDENTIALS;
  if (tc.support === 'none')
    return fullChain(
      rel,
      order,
      raw === undefined
        ? 'AZURE_TOKEN_CREDENTIALS is not set'
        : `AZURE_TOKEN_CREDENTIALS="${raw}" is ignored by ${rel.label} (the variable arrived later)`,
    );
  const blank = tc.match === 'go' ? raw === '' : raw !== undefined && raw.trim() === '';
  if (raw === undefined || (blank && tc.blank === 'full-chain'))
    return fullChain(
      rel,
      order,
      raw === undefined ? 'AZURE_TOKEN_CREDENTIALS is not set' : 'AZURE_TOKEN_CREDENTIALS is set but blank',
    );
  return (!blank && fromValue(rel, order, raw)) || rejected(rel, raw, blank);
}

/** Every member of the release's default chain. */
function fullChain(rel: ResolvedRelease, order: CredentialName[], why: string): SelectionResult {
  return {
    selection: {
      source: 'default',
      credentials: [...order],
      reason: `${why}: the full ${sdkLabel(rel)} DefaultAzureCredential chain`,
    },
    imdsProbe: true,
  };
}

/** "dev", "prod" or one credential's name, as the release matches them; undefined when the value is none of them. */
function fromValue(rel: ResolvedRelease, order: CredentialName[], raw: string): SelectionResult | undefined {
  const tc = rel.rules.tokenCredentials;
  const sdk = sdkLabel(rel);
  const keyword = tc.match === 'go' ? raw : raw.trim().toLowerCase();
  const name = tc.match === 'go' ? raw.toLowerCase() : keyword;
  const chosen = (credentials: CredentialName[], what: string, imdsProbe = true): SelectionResult => ({
    selection: {
      source: 'AZURE_TOKEN_CREDENTIALS',
      value: raw,
      credentials,
      reason: `AZURE_TOKEN_CREDENTIALS="${raw}" ${what}`,
    },
    imdsProbe,
  });
  if (keyword === 'dev')
    return chosen(
      order.filter((n) => tc.dev.includes(n)),
      `selects the developer-tool credentials only (${sdk})`,
    );
  if (keyword === 'prod') {
    const prod: CredentialName[] = ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'];
    return chosen(
      order.filter((n) => prod.includes(n)),
      `selects the deployed-service credentials only (${sdk})`,
    );
  }
  const accepted = tc.support === 'names' ? tc.names.find((n) => n.toLowerCase() === name) : undefined;
  const single = accepted ? engineName(accepted) : undefined;
  if (!single) return undefined;
  const how =
    tc.match === 'go' ? 'names match case-insensitively, without trimming' : 'trimmed and matched case-insensitively';
  const noProbe = single === 'ManagedIdentityCredential' && !rel.rules.probeWhenMiAlone;
  const spelled = SPELLING[rel.sdk][single] ?? single;
  return chosen(
    [single],
    `selects ${spelled} alone (${how})${noProbe ? `; ${rel.label} then skips the IMDS probe and uses normal retries` : ''}`,
    !noProbe,
  );
}

/** A value the release rejects: DefaultAzureCredential cannot be constructed, with the SDK's own error. */
function rejected(rel: ResolvedRelease, raw: string, blank: boolean): SelectionResult {
  const tc = rel.rules.tokenCredentials;
  return {
    selection: {
      source: 'AZURE_TOKEN_CREDENTIALS',
      value: raw,
      credentials: [],
      reason: `AZURE_TOKEN_CREDENTIALS="${raw}" is rejected: ${rejectionReason(rel, raw, blank)}`,
    },
    error: { kind: 'config', message: invalidValueMessage(tc, raw), errorCodes: [] },
    imdsProbe: true,
  };
}

/** Why the value is rejected, naming the near miss (Go's exact matching, a credential outside the chain, …). */
function rejectionReason(rel: ResolvedRelease, raw: string, blank: boolean): string {
  const tc = rel.rules.tokenCredentials;
  const lowered = raw.trim().toLowerCase();
  if (blank) return `${rel.label} reads the variable with os.LookupEnv: set but empty is a value, and not a valid one`;
  if (tc.match === 'go' && (lowered === 'dev' || lowered === 'prod'))
    return `Go compares "dev" and "prod" exactly: case and spaces matter`;
  if (tc.match === 'go' && tc.names.some((n) => n.toLowerCase() === lowered))
    return 'Go does not trim the value: remove the surrounding spaces';
  if (engineName(lowered) && tc.support === 'names')
    return `that credential is not part of the ${sdkLabel(rel)} default chain`;
  if (engineName(lowered) && tc.support === 'dev-prod')
    return `${rel.label} accepts only "dev" or "prod" (single credential names came in a later release)`;
  return tc.support === 'dev-prod'
    ? `${rel.label} accepts only "dev" or "prod"`
    : 'it is neither "dev", "prod" nor a credential name this release accepts';
}

/**
 * The release's "require AZURE_TOKEN_CREDENTIALS" option (Go RequireAzureTokenCredentials, JS requiredEnvVars,
 * Python require_envvar), when the request turns it on: the construction error, or undefined when satisfied.
 * `required` is the JS list of variables; for Go and Python only AZURE_TOKEN_CREDENTIALS counts.
 */
export function checkRequired(
  rel: ResolvedRelease,
  env: Readonly<Record<string, string | undefined>>,
  required: string[],
): ErrorInfo | undefined {
  const rule = rel.rules.require;
  if (!required.length) return undefined;
  if (!rule) {
    return {
      kind: 'config',
      message: `${rel.label} has no option that requires AZURE_TOKEN_CREDENTIALS (${rel.sdk === 'dotnet' ? '.NET has none' : 'it came in a later release'}); run without it or pick a newer release`,
      errorCodes: [],
    };
  }
  const vars = rule.what === 'listed variables' ? required : ['AZURE_TOKEN_CREDENTIALS'];
  const missing = vars.filter((v) => !env[v]);
  if (!missing.length) return undefined;
  switch (rel.sdk) {
    case 'js':
      return {
        kind: 'config',
        message: `Required environment ${missing.length === 1 ? 'variable' : 'variables'} '${missing.join(', ')}' for DefaultAzureCredential ${missing.length === 1 ? 'is' : 'are'} not set or empty.`,
        errorCodes: [],
      };
    case 'go':
      return {
        kind: 'config',
        message: 'AZURE_TOKEN_CREDENTIALS must be set when RequireAzureTokenCredentials is true',
        errorCodes: [],
      };
    default:
      // Wording inferred: Python raises a ValueError naming the variable.
      return {
        kind: 'config',
        message: `AZURE_TOKEN_CREDENTIALS must be set when ${rule.option}=True`,
        errorCodes: [],
      };
  }
}
