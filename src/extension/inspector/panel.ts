/**
 * The Token Inspector panel host: one WebviewPanel, full snapshots to the webview, intents validated on the way in.
 *
 * - The webview gets a snapshot only after its `ready` handshake, again on every store change while it is visible,
 *   and again whenever the panel becomes visible.
 * - The raw token is posted only as the answer to an explicit `reveal` for that token. Copy happens host-side.
 * - Everything the webview sends goes through parseWebviewMessage; anything else is dropped and logged.
 * - Posting goes through a small seam (`deps.postMessage`) so extension-host tests can record what the webview got.
 */
import * as vscode from 'vscode';
import type { HostToWebview, InspectorSnapshot, InspectorUiState, WebviewToHost } from '../../shared/protocol';
import { Commands } from '../constants';
import type { CoreModule } from '../engine';
import type { Explanation } from '../../core/index';
import type { RunStore, RunStoreSnapshot, StoreSelection } from '../runStore';
import { inspectorHtml, makeNonce } from './html';
import { isAadstsDocsUrl, parseUiState, parseWebviewMessage } from './messages';
import { buildSnapshot, selectedTokenId, shownFailure, type TokenAnalysisInput } from './snapshot';

export const INSPECTOR_VIEW_TYPE = 'azureAuthDebugger.tokenInspector';

/** The engine functions the panel uses (the core's own signatures). */
export type InspectorEngine = Pick<
  CoreModule,
  'decodeToken' | 'explainClaims' | 'validateToken' | 'tokenExpiry' | 'explainText'
>;

export interface InspectorLog {
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  debug(component: string, message: string): void;
}

export interface InspectorDeps {
  extensionUri: vscode.Uri;
  store: RunStore;
  /** Returns the (lazily loaded) engine. Called only when a snapshot needs decoding, never at activation. */
  engine: () => InspectorEngine;
  log?: InspectorLog;
  /** Seam: how messages reach the webview (tests record them here). */
  postMessage?: (webview: vscode.Webview, message: HostToWebview) => Thenable<boolean>;
  /** Seam: how the AADSTS documentation link is opened. */
  openExternal?: (uri: vscode.Uri) => Thenable<boolean>;
  /** Seam: where Copy puts the token. */
  writeClipboard?: (text: string) => Thenable<void>;
  /** Seam: how the panel runs an extension command (Refresh). */
  executeCommand?: (command: string, ...args: unknown[]) => Thenable<unknown>;
}

/** A handler for each message the webview may send, taking that message's own shape. */
type MessageHandlers = {
  [K in WebviewToHost['type']]: (message: Extract<WebviewToHost, { type: K }>) => Promise<void> | void;
};

/** How long a token's decoded analysis (with its time-dependent verdicts) is reused. */
const ANALYSIS_TTL_MS = 30_000;

/** Longest time validation may take before the snapshot is posted without it. */
const VALIDATION_BUDGET_MS = 3000;

async function settleWithin<T>(v: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([v.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class InspectorPanel implements vscode.Disposable {
  private static current: InspectorPanel | undefined;

  /** The open panel, if any (tests and the composition root use it). */
  static get instance(): InspectorPanel | undefined {
    return InspectorPanel.current;
  }

  /** Opens the panel (or reveals the open one), optionally selecting something in the store first. */
  static show(
    deps: InspectorDeps,
    options: { selection?: StoreSelection; preserveFocus?: boolean } = {},
  ): InspectorPanel {
    if (options.selection) deps.store.select(options.selection);
    const existing = InspectorPanel.current;
    if (existing) {
      existing.reveal(options.preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      INSPECTOR_VIEW_TYPE,
      'Token Inspector',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      InspectorPanel.webviewOptions(deps.extensionUri),
    );
    return new InspectorPanel(panel, deps);
  }

  /** Restores a panel VS Code kept across a reload (called by the serializer). */
  static revive(panel: vscode.WebviewPanel, deps: InspectorDeps, state: unknown): InspectorPanel {
    InspectorPanel.current?.dispose();
    return new InspectorPanel(panel, deps, parseUiState(state));
  }

  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      enableFindWidget: true,
      // Not retained when hidden: a revealed token disappears with the hidden webview; the snapshot is re-sent on show.
      retainContextWhenHidden: false,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(extensionUri, 'media'),
      ],
    };
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;
  private ready = false;
  private disposed = false;
  private sequence = 0;
  /**
   * The token the webview showed before VS Code reloaded the window (from the serializer), applied once at the first
   * `ready`. Every later `ready` (a hidden panel's webview is rebuilt when it is shown again) carries the webview's
   * saved selection too, but that one is older than whatever the user just opened the panel for, so it is ignored.
   */
  private restoreFingerprint: string | undefined;
  /** How many `ready` handshakes the webview sent (diagnostics and tests: one per load of the HTML). */
  readyCount = 0;
  private readonly analyses = new Map<string, { at: number; analysis: TokenAnalysisInput }>();
  private readonly explanations = new Map<string, Explanation | undefined>();
  /** The nonce of the currently loaded HTML (a new one for every load). */
  nonce = '';

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: InspectorDeps,
    restored?: InspectorUiState,
  ) {
    InspectorPanel.current = this;
    this.restoreFingerprint = restored?.selectedFingerprint;
    panel.webview.options = InspectorPanel.webviewOptions(deps.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)),
      panel.onDidChangeViewState((e) => {
        // A hidden webview is discarded (retainContextWhenHidden is off): it says `ready` again once it is rebuilt.
        if (e.webviewPanel.visible && this.ready) void this.postSnapshot();
      }),
      deps.store.onDidChange(() => {
        if (this.ready && this.panel.visible) void this.postSnapshot();
      }),
      this.disposedEmitter,
    );
    this.load();
  }

  /** Loads (or reloads) the HTML shell with a fresh nonce; the webview then sends `ready`. */
  load(): void {
    const webview = this.panel.webview;
    const asset = (f: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview', f)).toString();
    this.nonce = makeNonce();
    this.ready = false;
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      nonce: this.nonce,
      script: asset('main.js'),
      style: asset('main.css'),
      codicons: asset('codicon.css'),
    });
  }

  get html(): string {
    return this.panel.webview.html;
  }

  get isReady(): boolean {
    return this.ready;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
    if (this.ready) void this.postSnapshot();
  }

  private post(message: HostToWebview): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    const seam = this.deps.postMessage;
    return seam ? seam(this.panel.webview, message) : this.panel.webview.postMessage(message);
  }

  /** Validates and handles one inbound message. Returns false when it was rejected. */
  async handleMessage(raw: unknown): Promise<boolean> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.deps.log?.warn('webview', `rejected a message from the Token Inspector: ${parsed.reason}`);
      return false;
    }
    try {
      await this.dispatch(parsed.message);
    } catch (e) {
      this.deps.log?.warn(
        'webview',
        `Token Inspector message ${parsed.message.type} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      void this.post({
        type: 'notice',
        level: 'error',
        text: 'That did not work; see the "Azure Auth Debugger" output for details.',
      });
    }
    return true;
  }

  /** One handler per message type of the protocol (a new message type breaks the build until it is handled here). */
  private readonly handlers: MessageHandlers = {
    ready: () => this.onReady(),
    // The webview keeps its UI state itself (setState); VS Code hands it to the serializer after a reload.
    uiState: () => undefined,
    select: (m) => {
      if (this.deps.store.token(m.id)) this.deps.store.select({ kind: 'token', id: m.id });
    },
    reveal: (m) => this.revealToken(m.id),
    copy: (m) => this.copyToken(m.id),
    refresh: (m) => this.refreshToken(m.id),
    pin: (m) => this.pinToken(m.id),
    openDocs: (m) => this.openDocs(m.url),
  };

  private async dispatch(m: WebviewToHost): Promise<void> {
    // The table is keyed by `type`, so the handler found takes exactly this message's shape.
    await (this.handlers[m.type] as (message: WebviewToHost) => Promise<void> | void)(m);
  }

  private async onReady(): Promise<void> {
    this.ready = true;
    this.readyCount += 1;
    const fp = this.restoreFingerprint;
    this.restoreFingerprint = undefined;
    if (fp) {
      // After a window reload, go back to the token the user had selected if it is still in this session.
      const store = this.deps.store;
      const snap = store.snapshot();
      const t = snap.tokens.find((x) => x.summary.fingerprint === fp);
      if (t && selectedTokenId(snap) !== t.id) store.select({ kind: 'token', id: t.id });
    }
    await this.postSnapshot();
  }

  private tokenGone(): void {
    void this.post({ type: 'notice', level: 'error', text: 'That token is no longer in this session.' });
  }

  private async revealToken(id: string): Promise<void> {
    const info = this.deps.store.token(id);
    const raw = info ? this.deps.store.revealToken(id) : undefined;
    if (!info || raw === undefined) return this.tokenGone();
    this.deps.log?.info(
      'webview',
      `raw token revealed in the Token Inspector at the user's request (fingerprint ${info.summary.fingerprint})`,
    );
    await this.post({ type: 'rawToken', id: info.id, fingerprint: info.summary.fingerprint, token: raw });
  }

  private async copyToken(id: string): Promise<void> {
    const info = this.deps.store.token(id);
    const raw = info ? this.deps.store.revealToken(id) : undefined;
    if (!info || raw === undefined) return this.tokenGone();
    await (this.deps.writeClipboard ?? ((t: string) => vscode.env.clipboard.writeText(t)))(raw);
    this.deps.log?.info(
      'webview',
      `raw token copied to the clipboard from the Token Inspector (fingerprint ${info.summary.fingerprint})`,
    );
    await this.post({ type: 'copied', id: info.id, fingerprint: info.summary.fingerprint });
  }

  private async refreshToken(id: string): Promise<void> {
    const info = this.deps.store.token(id);
    if (!info?.request || info.origin === 'decoded') {
      void this.post({
        type: 'notice',
        level: 'error',
        text: 'This token cannot be refreshed from here: the request that produced it is not known.',
      });
      return;
    }
    await (this.deps.executeCommand ?? ((c: string, ...a: unknown[]) => vscode.commands.executeCommand(c, ...a)))(
      Commands.refreshToken,
      { tokenId: info.id },
    );
  }

  private pinToken(id: string): void {
    const info = this.deps.store.token(id);
    if (!info) return this.tokenGone();
    this.deps.store.pin(info.id);
    this.deps.log?.info('webview', `${info.label} (fingerprint ${info.summary.fingerprint}) pinned to the status bar`);
  }

  private async openDocs(url: string): Promise<void> {
    // Checked by the parser already; checked again on the parsed URI so nothing but the lookup page opens.
    const uri = vscode.Uri.parse(url, true);
    if (
      !isAadstsDocsUrl(uri.toString(true)) ||
      uri.scheme !== 'https' ||
      uri.authority !== 'login.microsoftonline.com'
    ) {
      this.deps.log?.warn('webview', 'refused to open a documentation link that is not an Entra error lookup');
      return;
    }
    await (this.deps.openExternal ?? ((u: vscode.Uri) => vscode.env.openExternal(u)))(uri);
  }

  /** Builds the full snapshot (decoding the selected token host-side) and posts it. Later calls win. */
  async postSnapshot(): Promise<InspectorSnapshot | undefined> {
    const seq = ++this.sequence;
    const snapshot = await this.buildSnapshot(this.deps.store.snapshot());
    if (seq !== this.sequence || this.disposed) return undefined;
    await this.post({ type: 'snapshot', snapshot });
    return snapshot;
  }

  /** The snapshot the webview would get now (no posting). */
  async buildSnapshot(store: RunStoreSnapshot): Promise<InspectorSnapshot> {
    const analyses = new Map<string, TokenAnalysisInput>();
    const id = selectedTokenId(store);
    if (id) {
      const analysis = await this.analyse(id, store);
      if (analysis) analyses.set(id, analysis);
    }
    let failureExplanation: Explanation | undefined;
    const err = shownFailure(store);
    if (err && err.explanation === undefined)
      failureExplanation = this.explainError(err.id, err.error?.message ?? err.source);
    return buildSnapshot({ store, analyses, failureExplanation });
  }

  private engine(): InspectorEngine | undefined {
    try {
      return this.deps.engine();
    } catch (e) {
      this.deps.log?.warn(
        'webview',
        `the engine could not be loaded for the Token Inspector: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }
  }

  private explainError(id: string, text: string): Explanation | undefined {
    if (this.explanations.has(id)) return this.explanations.get(id);
    let result: Explanation | undefined;
    try {
      result = text ? this.engine()?.explainText(text) : undefined;
    } catch {
      result = undefined;
    }
    this.explanations.set(id, result);
    return result;
  }

  /** Decodes, explains and validates one token (cached by fingerprint: a token never changes). */
  private async analyse(id: string, store: RunStoreSnapshot): Promise<TokenAnalysisInput | undefined> {
    const info = store.tokens.find((t) => t.id === id);
    if (!info) return undefined;
    const key = info.summary.fingerprint;
    const cached = this.analyses.get(key);
    // Decoding never changes, but the time verdict does: refresh the analysis after a while.
    if (cached && Date.now() - cached.at < ANALYSIS_TTL_MS) return cached.analysis;
    const raw = this.deps.store.revealToken(id);
    const engine = this.engine();
    if (raw === undefined || !engine) return undefined;
    let decoded: ReturnType<InspectorEngine['decodeToken']> | undefined;
    try {
      decoded = engine.decodeToken(raw);
    } catch (e) {
      // The detail then says the token could not be decoded here; the log says why.
      this.deps.log?.warn('webview', `decodeToken failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const analysis: TokenAnalysisInput = { decoded };
    if (decoded?.ok && decoded.kind === 'jwt') {
      const now = Date.now();
      try {
        analysis.expiry = engine.tokenExpiry(decoded, { now });
      } catch (e) {
        this.deps.log?.debug('webview', `tokenExpiry failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        analysis.claims = engine.explainClaims(decoded, { now });
      } catch (e) {
        this.deps.log?.debug('webview', `explainClaims failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        // Offline checks only: the panel never fetches keys by itself.
        analysis.validation = await settleWithin(
          engine.validateToken(decoded, { expectedScope: info.summary.scope, now }),
          VALIDATION_BUDGET_MS,
        );
      } catch (e) {
        this.deps.log?.debug('webview', `validateToken failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.analyses.set(key, { at: Date.now(), analysis });
    return analysis;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (InspectorPanel.current === this) InspectorPanel.current = undefined;
    this.analyses.clear();
    this.disposedEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Restores the panel after a window reload (VS Code passes the webview's saved, non-secret state). */
export function registerInspectorSerializer(deps: InspectorDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Thenable<void> {
      InspectorPanel.revive(panel, deps, state);
      return Promise.resolve();
    },
  });
}
