/**
 * Plain JSON-serialisable results shared by every face (extension, CLI, webview via the protocol).
 * Nothing here holds a secret: raw tokens travel only inside SecretValue (see secret.ts), which serialises as a marker.
 */
import type { TraceEvent } from './trace/events';

/** Credential names as the Go SDK spells them (the JSON contract uses these). */
export type CredentialName =
  | 'EnvironmentCredential'
  | 'WorkloadIdentityCredential'
  | 'ManagedIdentityCredential'
  | 'AzureCLICredential'
  | 'AzureDeveloperCLICredential'
  | 'AzurePowerShellCredential'
  | 'VisualStudioCodeCredential'
  | 'SharedTokenCacheCredential'
  | 'VisualStudioCredential'
  | 'InteractiveBrowserCredential'
  | 'BrokerCredential'
  | 'ClientSecretCredential'
  | 'ClientCertificateCredential'
  | 'ClientAssertionCredential'
  | 'DeviceCodeCredential'
  | 'UsernamePasswordCredential'
  | 'OnBehalfOfCredential'
  | 'RefreshTokenCredential'
  | 'AzurePipelinesCredential'
  | 'GitHubActionsCredential'
  | 'VSCodeAccountCredential';

export type ChainMode = 'sequential' | 'diagnose';
export type ChainProfile = 'go' | 'js' | 'python' | 'dotnet';
export type StepOutcome = 'success' | 'unavailable' | 'failed' | 'skipped';

/** What a face may show about a token without revealing it. */
export interface TokenSummary {
  credential: string;
  scope: string;
  tokenType: string;
  /** ISO-8601 UTC. */
  expiresOn: string;
  expiresOnEpochMs: number;
  /** Decoded claims useful at a glance (absent for opaque tokens). */
  audience?: string;
  tenantId?: string;
  appId?: string;
  objectId?: string;
  upn?: string;
  identityType?: 'user' | 'application' | 'managed-identity' | 'unknown';
  issuer?: string;
  version?: string;
  fromCache: boolean;
  /** First 12 hex chars of SHA-256 of the token: identifies it across views without revealing it. */
  fingerprint: string;
}

/** A classified failure, ready for a face to explain. */
export interface ErrorInfo {
  /** e.g. 'aadsts', 'network', 'timeout', 'credential-unavailable', 'process', 'config', 'parse', 'aborted', 'http'. */
  kind: string;
  message: string;
  errorCodes: number[];
  /** For a request that got no usable HTTP answer: what really happened (timeout, refused, unreachable, tls, …). */
  networkFailure?: string;
  /** Entra error string (invalid_client, …) when there is one. */
  oauthError?: string;
  httpStatus?: number;
  traceId?: string;
  correlationId?: string;
  timestamp?: string;
  /** The error class the SDK's combined error prints for this step when it is not CredentialUnavailableError (JS: AuthenticationRequiredError). */
  sdkErrorName?: string;
}

export interface StepResult {
  credential: string;
  outcome: StepOutcome;
  message: string;
  durationMs: number;
  errorCodes: number[];
  events: TraceEvent[];
  error?: ErrorInfo;
  token?: TokenSummary;
  /** Why this step did not decide the chain (diagnose mode) or why it was skipped. */
  note?: string;
  /** What the hosting-environment fingerprint predicted before the step ran, and whether the outcome agreed. */
  prediction?: Prediction;
  /**
   * Unavailable because the SDK could not construct this credential inside DefaultAzureCredential: it replaced it by a
   * placeholder, so the chain moved on and the SDK's combined error does not name it (JS @azure/identity).
   */
  placeholder?: boolean;
}

export interface Prediction {
  verdict: 'should-work' | 'unavailable' | 'misconfigured' | 'unknown';
  reason: string;
  /** Set after the step ran: false flags a disagreement worth the user's attention. */
  agrees?: boolean;
}

export interface CredentialSelection {
  /** Where the chain's membership came from. */
  source: 'default' | 'AZURE_TOKEN_CREDENTIALS' | 'option' | 'observed';
  value?: string;
  credentials: string[];
  reason: string;
}

export interface ChainResult {
  mode: ChainMode;
  profile: ChainProfile;
  /** The SDK release whose rules ran, e.g. `js@4.13.0` (the bare profile means the newest modelled release). */
  release?: string;
  scope: string;
  selection: CredentialSelection;
  /** The credential DefaultAzureCredential picks (or would pick, in diagnose mode); null when none. */
  winner: string | null;
  steps: StepResult[];
  token: TokenSummary | null;
  error: ErrorInfo | null;
  startedAt: string;
  durationMs: number;
  /** When DefaultAzureCredential's verdict was known: the whole run in sequential mode; in diagnose mode the moment
   * every step up to the deciding one had settled (the rest of durationMs only adds detail about later steps). */
  verdictMs?: number;
  /** Where the run happened: the hosting fingerprint (local facts only, secret-free), set by the chain runner. */
  hosting?: HostingSummary;
  /** Set when the run was read from the user's own app (its SDK's log), not run by the engine. */
  observed?: ObservedSource;
}

/** Where an observed run came from: the app, its SDK release and how its output was read. */
export interface ObservedSource {
  /** "observed in your app: @azure/identity 4.13.0" (the release when the SDK named it). */
  label: string;
  sdk: 'js' | 'python' | 'go' | 'dotnet' | 'java';
  release: string | null;
  /** The program: a debug configuration's name, a terminal command line (redacted). */
  app?: string;
  via: 'debug-session' | 'terminal' | 'azauth-run';
  /** The SDK reported how the chain ended (its winner or its failure); false while it runs or when it was cut off. */
  complete: boolean;
  /** Lines shaped like the SDK's log whose message no reader knows (a newer release?), so far. */
  notUnderstood: number;
}

/** The hosting-environment fingerprint as it travels with a run (src/core/fingerprint has the full facts). */
export interface HostingSummary {
  primary: string;
  summary: string;
  environments: {
    environment: string;
    label: string;
    confidence: 'high' | 'medium' | 'low';
    evidence: { kind: 'file' | 'env' | 'fact'; name: string; detail: string }[];
  }[];
  managedIdentitySource: string;
}
