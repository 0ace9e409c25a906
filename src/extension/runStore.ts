/**
 * The run store: the extension's one piece of session state. Commands write into it; the tree views, the status
 * bar and the Token Inspector read `snapshot()` and re-render on `onDidChange`. Nothing else holds state.
 *
 * Secrets: raw tokens are kept host-side as SecretValue and never appear in `snapshot()` (which is plain,
 * JSON-safe data that may be posted to a webview). Only `revealToken(id)` gives a raw token, and only commands
 * that the user invoked to copy or reveal it call that.
 */
import * as vscode from 'vscode';
import type { ChainResult, ErrorInfo, Explanation, SecretValue, TokenSummary } from '../core/index';

/** Where a token in the store came from. */
export type TokenOrigin = 'acquired' | 'decoded' | 'vscode-account';

/** How a token was obtained, enough to refresh it (no secrets: those stay in SecretStorage). */
export interface TokenRequestInfo {
  /** 'chain' for the default chain, else a credential / flow name such as 'ClientSecretCredential'. */
  credential: string;
  scopes: string[];
  tenantId?: string;
  clientId?: string;
  /** Chain mode when credential === 'chain'. */
  mode?: 'sequential' | 'diagnose';
}

/** A token as everyone but the copy/reveal commands sees it. */
export interface StoredTokenInfo {
  id: string;
  origin: TokenOrigin;
  summary: TokenSummary;
  /** Epoch ms when the token entered the store. */
  addedAt: number;
  /** Short human label, e.g. "ARM token". */
  label: string;
  /** Present when the token can be refreshed by re-running its request. */
  request?: TokenRequestInfo;
  /** The chain run that produced it, when one did. */
  runId?: string;
  /** Length of the raw token (shown as "…N chars"), never the value. */
  rawLength: number;
}

export interface StoredRun {
  id: string;
  /** Epoch ms when the run finished. */
  at: number;
  result: ChainResult;
  /** Names (never values) of the variables the run took from SecretStorage ("Set Chain Environment Secret…"). */
  fromSecretStorage?: string[];
}

/** The most recent failure and its explanation (from the engine's explainText / classification). */
export interface StoredError {
  id: string;
  at: number;
  /** What was explained: the command's input text (redacted by the engine) or a short description. */
  source: string;
  error?: ErrorInfo;
  /** The engine's explainText() of the error (JSON-safe). */
  explanation?: Explanation;
  runId?: string;
}

export type StoreSelection =
  { kind: 'token'; id: string } | { kind: 'run'; id: string } | { kind: 'error'; id: string };

export interface SandboxInfo {
  running: boolean;
  /** Authority host URL of the running sandbox. */
  url?: string;
  tenantId?: string;
}

/** Plain JSON-safe view of the store (safe to post to a webview: contains no secrets). */
export interface RunStoreSnapshot {
  runs: StoredRun[];
  tokens: StoredTokenInfo[];
  activeTokenId: string | null;
  selection: StoreSelection | null;
  lastError: StoredError | null;
  sandbox: SandboxInfo;
  /** Epoch ms when this snapshot was taken (lets views compute remaining time consistently). */
  now: number;
}

const MAX_RUNS = 20;
const MAX_TOKENS = 50;

let counter = 0;
function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** Short audience label for the status bar and tree ("ARM token", "Graph token", …). */
export function audienceLabel(summary: Pick<TokenSummary, 'audience' | 'scope'>): string {
  const a = (summary.audience ?? summary.scope ?? '').toLowerCase();
  const known: [RegExp, string][] = [
    [/management\.(core\.)?(windows|azure|chinacloudapi|usgovcloudapi)|management\.azure/, 'ARM'],
    [/graph\.microsoft|00000003-0000-0000-c000-000000000000/, 'Graph'],
    [/vault\.azure|cfa8b339-82a2-471a-a3c9-0fc0be7a4093/, 'Key Vault'],
    [/storage\.azure|e406a681-f3d4-42a8-90b6-c2b029497af1/, 'Storage'],
    [/database\.windows\.net|ossrdbms|022907d3-0f1b-48f7-badc-1ba6abab6d66/, 'SQL'],
    [/servicebus|eventhubs/, 'Service Bus'],
    [/cognitiveservices/, 'Cognitive Services'],
  ];
  for (const [re, label] of known) if (re.test(a)) return `${label} token`;
  const raw = summary.audience || summary.scope || '';
  if (!raw.trim()) return 'Token';
  const short = raw
    .replace(/^api:\/\//, '')
    .replace(/^https?:\/\//, '')
    .replace(/\/\.default$/, '')
    .replace(/\/$/, '');
  return short.length > 24 ? `${short.slice(0, 23)}… token` : `${short} token`;
}

export class RunStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any change; listeners read `snapshot()`. */
  readonly onDidChange = this.changed.event;

  private runs: StoredRun[] = [];
  private tokens: StoredTokenInfo[] = [];
  private readonly secrets = new Map<string, SecretValue>();
  private activeTokenId: string | null = null;
  private selection: StoreSelection | null = null;
  private lastError: StoredError | null = null;
  private sandbox: SandboxInfo = { running: false };

  snapshot(): RunStoreSnapshot {
    // structuredClone makes the snapshot independent of the store and proves it is plain data.
    return structuredClone({
      runs: this.runs,
      tokens: this.tokens,
      activeTokenId: this.activeTokenId,
      selection: this.selection,
      lastError: this.lastError,
      sandbox: this.sandbox,
      now: Date.now(),
    });
  }

  /** Records a finished chain run. A token it produced is added and becomes active. Returns the run id. */
  addRun(
    result: ChainResult,
    token?: SecretValue,
    request?: TokenRequestInfo,
    fromSecretStorage?: readonly string[],
  ): string {
    // JSON round trip drops anything that is not plain data (and SecretValue serialises as a marker).
    const plain = JSON.parse(JSON.stringify(result)) as ChainResult;
    const id = newId('run');
    const run: StoredRun = { id, at: Date.now(), result: plain };
    if (fromSecretStorage?.length) run.fromSecretStorage = [...fromSecretStorage];
    this.runs = [run, ...this.runs].slice(0, MAX_RUNS);
    this.selection = { kind: 'run', id };
    if (token && plain.token) {
      this.insertToken('acquired', plain.token, token, request, id);
      this.lastError = null;
    }
    this.changed.fire();
    return id;
  }

  /**
   * Replaces a run's result in place (a live run observed in the user's app, refreshed as its output arrives). The
   * selection stays where the user put it. False when the run is no longer in the store.
   */
  replaceRun(id: string, result: ChainResult): boolean {
    const run = this.runs.find((r) => r.id === id);
    if (!run) return false;
    run.result = JSON.parse(JSON.stringify(result)) as ChainResult;
    run.at = Date.now();
    this.changed.fire();
    return true;
  }

  /**
   * Adds a token and selects it. An acquired token (or the VS Code account's) becomes the status-bar token, and a
   * later success retires the last error. A decoded token never takes over the status bar (the user can pin it), and
   * decoding a token the session already holds selects that entry instead of adding a copy.
   */
  addToken(origin: TokenOrigin, summary: TokenSummary, raw: SecretValue, request?: TokenRequestInfo): string {
    const held =
      origin === 'decoded' ? this.tokens.find((t) => t.summary.fingerprint === summary.fingerprint) : undefined;
    if (held) {
      this.selection = { kind: 'token', id: held.id };
      this.changed.fire();
      return held.id;
    }
    const id = this.insertToken(origin, summary, raw, request);
    if (origin !== 'decoded') this.lastError = null;
    this.changed.fire();
    return id;
  }

  private insertToken(
    origin: TokenOrigin,
    summary: TokenSummary,
    raw: SecretValue,
    request?: TokenRequestInfo,
    runId?: string,
  ): string {
    // The same token decoded or acquired twice replaces its earlier entry.
    const existing = this.tokens.find((t) => t.summary.fingerprint === summary.fingerprint && t.origin === origin);
    if (existing) this.removeTokenInternal(existing.id);
    const id = newId('tok');
    const info: StoredTokenInfo = {
      id,
      origin,
      summary: JSON.parse(JSON.stringify(summary)) as TokenSummary,
      addedAt: Date.now(),
      label: audienceLabel(summary),
      request: request ? { ...request, scopes: [...request.scopes] } : undefined,
      runId,
      rawLength: raw.length,
    };
    this.tokens = [info, ...this.tokens];
    this.secrets.set(id, raw);
    while (this.tokens.length > MAX_TOKENS) {
      const dropped = this.tokens.pop();
      if (dropped) this.secrets.delete(dropped.id);
    }
    // Decoded tokens are shown but never take over the status bar by themselves (see pin()).
    if (origin !== 'decoded') this.activeTokenId = id;
    this.selection = { kind: 'token', id };
    return id;
  }

  private removeTokenInternal(id: string): void {
    this.tokens = this.tokens.filter((t) => t.id !== id);
    this.secrets.delete(id);
    if (this.activeTokenId === id) this.activeTokenId = this.tokens.find((t) => t.origin !== 'decoded')?.id ?? null;
    if (this.selection?.kind === 'token' && this.selection.id === id) this.selection = null;
  }

  /** Records a failure and its explanation; it becomes the selection. */
  setError(entry: Omit<StoredError, 'id' | 'at'>): string {
    const id = newId('err');
    this.lastError = JSON.parse(JSON.stringify({ ...entry, id, at: Date.now() })) as StoredError;
    this.selection = { kind: 'error', id };
    this.changed.fire();
    return id;
  }

  /** Selects a token, run or error. Selecting an acquired token makes it the status-bar token; a decoded one does not. */
  select(selection: StoreSelection | null): void {
    if (selection && !this.exists(selection)) return;
    this.selection = selection;
    if (selection?.kind === 'token' && this.token(selection.id)?.origin !== 'decoded')
      this.activeTokenId = selection.id;
    this.changed.fire();
  }

  /** Makes any token, a decoded one included, the status-bar token ("Pin to Status Bar"). */
  pin(id: string): void {
    if (!this.tokens.some((t) => t.id === id)) return;
    this.activeTokenId = id;
    this.changed.fire();
  }

  setSandbox(info: SandboxInfo): void {
    this.sandbox = { ...info };
    this.changed.fire();
  }

  /** Forgets all tokens (and their raw values). Runs and the last error stay: they hold no secrets. */
  clearTokens(): void {
    this.tokens = [];
    this.secrets.clear();
    this.activeTokenId = null;
    if (this.selection?.kind === 'token') this.selection = null;
    this.changed.fire();
  }

  // ---- read helpers (no copies of secrets) ----

  token(id: string): StoredTokenInfo | undefined {
    return this.tokens.find((t) => t.id === id);
  }

  activeToken(): StoredTokenInfo | undefined {
    return this.activeTokenId ? this.token(this.activeTokenId) : undefined;
  }

  latestRun(): StoredRun | undefined {
    return this.runs[0];
  }

  run(id: string): StoredRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** The raw token, for "Copy Access Token" / "Reveal" only. */
  revealToken(id: string): string | undefined {
    return this.secrets.get(id)?.reveal();
  }

  private exists(sel: StoreSelection): boolean {
    if (sel.kind === 'token') return this.tokens.some((t) => t.id === sel.id);
    if (sel.kind === 'run') return this.runs.some((r) => r.id === sel.id);
    return this.lastError?.id === sel.id;
  }

  dispose(): void {
    this.secrets.clear();
    this.changed.dispose();
  }
}
