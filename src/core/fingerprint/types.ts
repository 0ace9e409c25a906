/**
 * The hosting-environment fingerprint: where the process runs, read from local facts only (files, environment
 * variables, platform facts) — never from the network — so it answers in milliseconds.
 */
import type { Prediction } from '../model';

export type HostingEnvironment =
  | 'azure-vm'
  | 'aks'
  | 'kubernetes'
  | 'app-service'
  | 'azure-functions'
  | 'container-apps'
  | 'container-instances'
  | 'cloud-shell'
  | 'azure-arc'
  | 'azure-ml'
  | 'service-fabric'
  | 'github-actions'
  | 'azure-pipelines'
  | 'codespaces'
  | 'dev-container'
  | 'container'
  | 'wsl'
  | 'docker-desktop'
  | 'hyper-v-vm'
  | 'developer-machine';

export type Confidence = 'high' | 'medium' | 'low';

export interface Evidence {
  kind: 'file' | 'env' | 'fact';
  /** The file path (as the process sees it), the variable name, or the fact's name. */
  name: string;
  /** What was found. Never a secret value: variables that carry secrets are reported as "set". */
  detail: string;
}

export interface EnvironmentFinding {
  environment: HostingEnvironment;
  /** Human name, e.g. "Azure App Service". */
  label: string;
  confidence: Confidence;
  evidence: Evidence[];
}

/** Managed-identity source as msal-node and the engine select it from the environment (same precedence). */
export type ManagedIdentitySource =
  'ServiceFabric' | 'AppService' | 'MachineLearning' | 'CloudShell' | 'AzureArc' | 'Imds';

export interface ManagedIdentityFacts {
  source: ManagedIdentitySource;
  /** Why this source was selected. */
  reason: string;
  /** Endpoint the source would call (from the environment), when it is one. */
  endpoint?: string;
}

export type TokenFileState = 'not-configured' | 'missing' | 'empty' | 'unreadable' | 'too-large' | 'present';

export interface FederatedTokenFacts {
  /** AZURE_FEDERATED_TOKEN_FILE as the process sees it. */
  path?: string;
  state: TokenFileState;
  sizeBytes?: number;
  /** Non-secret claims of the projected token (issuer, subject, audience, expiry). The token itself is never kept. */
  claims?: { iss?: string; sub?: string; aud?: string[]; exp?: number; iat?: number };
  /** True when `exp` is in the past at fingerprint time. */
  expired?: boolean;
  /** Decoding problem, when the file is not a JWT. */
  problem?: string;
}

export interface CertificateFacts {
  /** AZURE_CLIENT_CERTIFICATE_PATH as the process sees it. */
  path: string;
  state: 'missing' | 'unreadable' | 'present';
  /** The file holds PEM blocks. */
  pem?: boolean;
  /** A PEM PRIVATE KEY block is present (never read further, never kept). */
  hasPrivateKey?: boolean;
}

export interface ToolFacts {
  /** Resolved absolute path (as the process sees it) or null when not found on PATH. */
  az: string | null;
  azd: string | null;
  pwsh: string | null;
  /** The PATH entries searched. */
  searchedPath: string[];
  /** az: ~/.azure/azureProfile.json has subscriptions (a login happened), or not, or the file is absent. */
  azLogin: 'logged-in' | 'no-subscriptions' | 'no-profile' | 'unreadable' | 'unknown';
  azConfigDir: string | null;
  /** azd: its config directory exists (it was used on this machine); null directory when HOME is not set. */
  azdConfigDir: string | null;
  azdConfigExists: boolean;
  /** Azure PowerShell context file (Connect-AzAccount) exists. */
  pwshContextExists: boolean;
  /** VS Code Azure Resources auth record exists (VisualStudioCodeCredential). */
  vscodeAuthRecordExists: boolean;
}

export interface Fingerprint {
  /** All findings, most specific first. */
  environments: EnvironmentFinding[];
  /** The most specific environment found with at least medium confidence (else the first). */
  primary: HostingEnvironment;
  /** One line: "Azure App Service (high) on Linux". */
  summary: string;
  platform: string;
  /** Filesystem root the facts were read under ("/" in real use). */
  root: string;
  managedIdentity: ManagedIdentityFacts;
  federatedToken: FederatedTokenFacts;
  /** Present when AZURE_CLIENT_CERTIFICATE_PATH is set. */
  certificate?: CertificateFacts;
  tools: ToolFacts;
  /** Time at which the facts were read (ms since epoch). */
  at: number;
  /** How long reading the facts took. */
  durationMs: number;
}

/** SMBIOS facts from the Windows registry / WMI (injectable so tests and non-Windows hosts can provide them). */
export interface WindowsSmbiosFacts {
  systemManufacturer?: string;
  systemProductName?: string;
  chassisAssetTag?: string;
  /** Where the facts came from, e.g. "HKLM\\HARDWARE\\DESCRIPTION\\System\\BIOS". */
  source: string;
}

export type WindowsFactsReader = () => WindowsSmbiosFacts | null;

export interface FingerprintInput {
  /** The environment the credentials will see (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Filesystem root every file is read under (default "/"; tests pass a fixture directory). */
  root?: string;
  /** Platform to assume (default process.platform). */
  platform?: NodeJS.Platform;
  /** Windows SMBIOS facts reader (default: the registry on Windows, nothing elsewhere). */
  windowsFacts?: WindowsFactsReader;
  /** Executable overrides (absolute paths), as EngineOptions.executables. */
  executables?: Partial<Record<'az' | 'azd' | 'pwsh', string>>;
  /** Clock (tests). */
  now?: () => number;
}

export interface PredictOptions {
  /** IMDS probe limit the chain will use (default 1000 ms). */
  imdsProbeTimeoutMs?: number;
  /** IMDS endpoint override (EngineOptions.imdsEndpoint): the endpoint, not the hosting environment, decides then. */
  imdsEndpoint?: string;
}

export type Predictions = Record<string, Prediction>;

export interface PredictionComparison {
  agrees: boolean;
  explanation: string;
}
