/**
 * Typed messages between the extension host and the Token Inspector webview (type-only module: no runtime code,
 * imported by both bundles).
 *
 * Direction and rules:
 * - host → webview: full snapshots (never deltas), plus the raw token only as the answer to an explicit `reveal`.
 * - webview → host: intents. The host validates every inbound message (src/extension/inspector/messages.ts) and
 *   drops anything that does not match one of the shapes below.
 * - Every string in a snapshot that came from a token or an error body is untrusted text: the webview renders it
 *   with textContent only.
 */

export type InspectorProtocolVersion = 1;

/** Outcome of one credential step (mirrors the engine's StepOutcome). */
export type TimelineOutcome = 'success' | 'unavailable' | 'failed' | 'skipped';

/** One row of the token list. */
export interface TokenListItem {
  /** Store id of the token (session-scoped). */
  id: string;
  /** First 12 hex chars of SHA-256 of the token: stable across reloads, reveals nothing. */
  fingerprint: string;
  label: string;
  credential: string;
  scope: string;
  audience?: string;
  origin: 'acquired' | 'decoded' | 'vscode-account';
  expiresOnEpochMs: number;
  identityType?: string;
  fromCache: boolean;
  /** True for the token the status bar shows. */
  active: boolean;
}

/** A header field or a claim, with what it means. All text, all untrusted. */
export interface ClaimRow {
  name: string;
  /** The value as display text (JSON for objects and arrays), capped in length. */
  value: string;
  /** True when `value` was shortened for display. */
  truncated: boolean;
  /** What the claim is, from the claims catalog; empty when the claim is unknown. */
  meaning: string;
  /** What this particular value says (e.g. "Azure Resource Manager", "2026-11-25 09:12 UTC, in 52 min"). */
  interpretation: string;
  known: boolean;
}

export type VerdictStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'info';

export interface ValidationVerdict {
  /** What was checked: 'audience', 'issuer', 'lifetime', 'signature', 'version', … */
  check: string;
  status: VerdictStatus;
  reason: string;
}

/**
 * What the validation concludes about the whole token (the core's TokenVerdict): `verified` only when the signature was
 * checked against the issuer's keys and nothing failed; `invalid` when any check failed (an unsigned token always
 * does); `unverified` when nothing failed but the signature could not be checked.
 */
export interface TokenVerdictView {
  verdict: 'verified' | 'invalid' | 'unverified';
  /** One sentence saying why. */
  summary: string;
}

/** The decoded view of the selected token. Never contains the raw token. */
export interface TokenDetail {
  id: string;
  fingerprint: string;
  label: string;
  credential: string;
  scope: string;
  tokenType: string;
  origin: TokenListItem['origin'];
  expiresOnEpochMs: number;
  /** `iat` / `nbf` when the token carries them (epoch ms). */
  issuedAtEpochMs?: number;
  notBeforeEpochMs?: number;
  /** True when the request that produced the token is known, so the host can run it again (Refresh). */
  refreshable: boolean;
  /** exp − iat, when the token carries both. */
  lifetimeMs?: number;
  /** Length of the raw token, shown next to the mask. */
  rawLength: number;
  /** 'jwt' when decoded; 'jwe' / 'opaque' when it cannot be read by design; 'error' when decoding failed. */
  kind: 'jwt' | 'jwe' | 'opaque' | 'error';
  /** Why the token could not be decoded (for kind ≠ 'jwt'). */
  notice?: string;
  header: ClaimRow[];
  claims: ClaimRow[];
  validation: ValidationVerdict[];
  /** The overall verdict, when the token was validated. */
  verdict?: TokenVerdictView;
  warnings: string[];
}

/**
 * A piece of catalog prose: plain text, a command or value to show as code, or a web address (shown, not opened:
 * the panel opens no link but the Entra error lookup). Parsed host-side by src/extension/markdown.ts; all untrusted.
 */
export type Inline = { kind: 'text'; text: string } | { kind: 'code'; text: string } | { kind: 'link'; text: string };
export type RichText = Inline[];

/** One AADSTS code explained (from the errors catalog). */
export interface AadstsExplanation {
  code: number;
  name: string;
  meaning: RichText;
  causes: RichText[];
  fixes: RichText[];
  category: string;
  /** Always https://login.microsoftonline.com/error?code=N (the host re-checks before opening it). */
  docsUrl: string;
}

/** A failure explained without an AADSTS code (from the engine's explanations data). */
export interface OtherExplanationView {
  id: string;
  kind: string;
  title: string;
  meaning: RichText;
  fixes: RichText[];
}

/** The most recent failure and its explanation. */
export interface FailureView {
  id: string;
  atEpochMs: number;
  /** One-line description of what failed. */
  message: string;
  kind: string;
  source: string;
  codes: AadstsExplanation[];
  /** Codes found in the text that are not in the catalog. */
  unknownCodes: number[];
  /** Explanations of failures without an AADSTS code (network, TLS, managed identity, developer tools, …). */
  other: OtherExplanationView[];
  traceId?: string;
  correlationId?: string;
  timestamp?: string;
}

/** One credential step placed on the run's time axis (offsets in ms from the run start). */
export interface TimelineStep {
  index: number;
  credential: string;
  outcome: TimelineOutcome;
  startMs: number;
  endMs: number;
  durationMs: number;
  message: string;
  errorCodes: number[];
  /** True for the credential DefaultAzureCredential picks. */
  winner: boolean;
  note?: string;
}

export interface RunTimeline {
  id: string;
  mode: 'sequential' | 'diagnose';
  profile: string;
  scope: string;
  startedAtEpochMs: number;
  durationMs: number;
  winner: string | null;
  /** One-line result, e.g. "AzureCLICredential won after 3 steps". */
  summary: string;
  steps: TimelineStep[];
  /** Set when the run was read from the user's app: "observed in your app: @azure/identity 4.13.0 · Launch app". */
  observed?: string;
}

/** Everything the panel shows. Complete on every post; contains no raw token and no secret. */
export interface InspectorSnapshot {
  version: InspectorProtocolVersion;
  /** Host clock when the snapshot was built (epoch ms). The countdown itself uses the webview's clock. */
  generatedAt: number;
  tokens: TokenListItem[];
  /** Id of the token whose detail is shown, or null. */
  selectedTokenId: string | null;
  detail: TokenDetail | null;
  failure: FailureView | null;
  run: RunTimeline | null;
  /** Which section the store last focused ('token' | 'run' | 'error'), so the panel can scroll to it. */
  focus: 'token' | 'run' | 'error' | null;
}

/** Host → webview. */
export type HostToWebview =
  | { type: 'snapshot'; snapshot: InspectorSnapshot }
  /** Only ever sent in answer to a `reveal` for the same token. */
  | { type: 'rawToken'; id: string; fingerprint: string; token: string }
  | { type: 'copied'; id: string; fingerprint: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

/** Sections of the panel whose open/closed state is remembered. */
export type InspectorSection = 'tokens' | 'header' | 'claims' | 'validation' | 'raw' | 'failure' | 'timeline';

/** Webview → host. */
export type WebviewToHost =
  | { type: 'ready'; state?: InspectorUiState }
  | { type: 'select'; id: string }
  | { type: 'reveal'; id: string }
  | { type: 'copy'; id: string }
  /** Run the token's request again (the host runs "Azure Auth: Refresh Token" for it). */
  | { type: 'refresh'; id: string }
  /** Make this token the status-bar token (the only way a decoded token gets there). */
  | { type: 'pin'; id: string }
  | { type: 'openDocs'; url: string }
  | { type: 'uiState'; state: InspectorUiState };

/**
 * What the webview keeps with vscode.setState and what the serializer gets back after a reload.
 * Non-secret UI state only: never a raw token.
 */
export interface InspectorUiState {
  selectedFingerprint?: string;
  open?: Partial<Record<InspectorSection, boolean>>;
}
