/**
 * Host services shared by the commands: builds engine options from settings (and the running sandbox), runs the chain
 * or one credential through the engine with a trace sink into the log, and records results in the run store.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type {
  ChainResult,
  DeviceCodeInfo,
  EngineOptions,
  ErrorInfo,
  Explanation,
  SecretValue,
  TokenSummary,
  TraceEvent,
  TraceSink,
} from '../core/index';
import type { SandboxContract } from '../sandbox/index';
import { CancelledError } from './commandRunner';
import type { TestRecorder } from './testRecord';
import { autoProfile } from './autoProfile';
import { Commands } from './constants';
import { isSecretName, loadEngine } from './engine';
import { logSink, type Logger } from './log';
import type { RunStore, TokenRequestInfo } from './runStore';
import { storedChainSecrets } from './commands/chainSecrets';
import { authorityHostOf, chainSecretKey, readSettings, splitSecretVariables, type Settings } from './settings';

/** What the running in-process sandbox serves (the fields of its `--json` contract the extension uses). */
export interface SandboxHandle {
  authorityHost: string;
  tenantId?: string;
  caFile?: string;
  caPem?: string;
  contract: Pick<SandboxContract, 'managedIdentity' | 'subscriptions'>;
  close(): Promise<void> | void;
}

export interface ChainRunRequest {
  scope: string;
  forceRefresh?: boolean;
  mode: 'sequential' | 'diagnose';
  tenantId?: string;
  /** Limit the chain to these credentials (a tree item's "acquire with this credential"). */
  credentials?: string[];
}

export interface FlowRequest {
  credential: string;
  scope: string;
  tenantId?: string;
  clientId?: string;
  secret?: SecretValue;
  certificatePath?: string;
  certificatePassword?: SecretValue;
  username?: string;
}

export interface AcquireOutcome {
  tokenId?: string;
  runId?: string;
  summary?: TokenSummary;
  error?: ErrorInfo;
}

export class Host implements vscode.Disposable {
  sandbox: SandboxHandle | undefined;
  private sandboxCa: string | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly store: RunStore,
    readonly log: Logger,
    /** Where the parts report what only the in-host tests read (keeps nothing outside ExtensionMode.Test). */
    readonly record: TestRecorder = () => undefined,
  ) {}

  settings(): Settings {
    return readSettings();
  }

  /** Engine options from settings; a running sandbox takes over every endpoint it serves. */
  engineOptions(s: Settings = this.settings()): EngineOptions {
    const o: EngineOptions = {
      authorityHost: authorityHostOf(s),
      stepTimeoutMs: s.stepTimeoutMs,
      processTimeoutMs: s.processTimeoutMs,
      imdsProbeTimeoutMs: s.imdsProbeTimeoutMs,
      httpBodies: s.httpBodies,
    };
    if (s.imdsEndpoint) o.imdsEndpoint = s.imdsEndpoint;
    const proxy = vscode.workspace.getConfiguration('http').get<string>('proxy');
    if (proxy) o.proxy = proxy;
    if (this.sandbox) {
      o.authorityHost = this.sandbox.authorityHost;
      const imds = this.sandbox.contract.managedIdentity.imds;
      if (imds) o.imdsEndpoint = imds;
      if (this.sandboxCa) o.ca = this.sandboxCa;
    }
    return o;
  }

  /** The ignored names the one notification was shown for (a new set of names gets a new notification). */
  private notifiedIgnored = '';

  /**
   * The environment the chain sees: the extension host's, plus the chain.environment setting without its
   * secret-named variables (plain-text settings never supply a secret: they are ignored, with a warning), plus the
   * secrets stored with "Set Chain Environment Secret…" (SecretStorage). Loads the engine (the core's isSecretName).
   */
  async environment(
    s: Settings = this.settings(),
  ): Promise<{ env: Record<string, string | undefined>; fromSecretStorage: string[] }> {
    const { kept, ignored } = splitSecretVariables(s.environment, isSecretName);
    if (ignored.length) this.warnIgnoredSecrets(ignored);
    const env: Record<string, string | undefined> = { ...process.env, ...kept };
    const fromSecretStorage: string[] = [];
    for (const name of await storedChainSecrets(this.context)) {
      const value = await this.context.secrets.get(chainSecretKey(name));
      if (value) {
        env[name] = value;
        fromSecretStorage.push(name);
      }
    }
    return { env, fromSecretStorage };
  }

  private warnIgnoredSecrets(ignored: string[]): void {
    const names = ignored.join(', ');
    const message = `The setting azureAuthDebugger.chain.environment sets ${names}: values of secret-named variables are ignored there, because settings.json is plain text. Remove ${ignored.length === 1 ? 'it' : 'them'} from settings and store the secret with "Azure Auth: Set Chain Environment Secret…" (kept in VS Code's SecretStorage).`;
    this.record({ lastEnvironmentWarning: message });
    this.log.warn('settings', message);
    if (this.notifiedIgnored === names) return;
    this.notifiedIgnored = names;
    void vscode.window.showWarningMessage(`Azure Auth: ${message}`, 'Set Chain Environment Secret…').then((choice) => {
      if (choice)
        void vscode.commands.executeCommand(
          Commands.setChainSecret,
          ignored.length === 1 ? { name: ignored[0] } : undefined,
        );
    });
  }

  sink(extra?: (e: TraceEvent) => void): TraceSink {
    const base = logSink(this.log, () => this.settings().httpBodies);
    return { emit: (e) => (base.emit(e), extra?.(e)) };
  }

  setSandbox(handle: SandboxHandle | undefined): void {
    this.sandbox = handle;
    this.sandboxCa = undefined;
    if (handle?.caPem) this.sandboxCa = handle.caPem;
    else if (handle?.caFile) {
      try {
        this.sandboxCa = readFileSync(handle.caFile, 'utf8');
      } catch (e) {
        this.log.warn('sandbox', `cannot read the sandbox CA file ${handle.caFile}: ${String(e)}`);
      }
    }
    this.store.setSandbox(
      handle ? { running: true, url: handle.authorityHost, tenantId: handle.tenantId } : { running: false },
    );
  }

  /** Runs the credential chain and records the run (and its token) in the store. A cancelled run records nothing. */
  async runChain(req: ChainRunRequest, signal: AbortSignal): Promise<AcquireOutcome> {
    const { runChain } = loadEngine();
    const s = this.settings();
    const started = Date.now();
    this.log.info(
      'chain',
      `run (${req.mode}, profile ${s.profileSpec}) for scope ${req.scope}${this.sandbox ? ` against the sandbox ${this.sandbox.authorityHost}` : ''}`,
    );
    const profile = s.profileSpec === 'auto' ? await autoProfile(this.log) : s.profileSpec;
    if (profile === undefined) throw new CancelledError();
    const { env, fromSecretStorage } = await this.environment(s);
    const result = await runChain(
      {
        scope: req.scope,
        mode: req.mode,
        profile,
        tenantId: req.tenantId,
        credentials: req.credentials,
        stepTimeoutMs: s.stepTimeoutMs,
        forceRefresh: req.forceRefresh,
      },
      { signal, sink: this.sink(), env, options: this.engineOptions(s) },
    );
    if (signal.aborted) throw new CancelledError();
    const raw = result.accessToken;
    const request: TokenRequestInfo = {
      credential: 'chain',
      scopes: [req.scope],
      tenantId: req.tenantId,
      mode: req.mode,
    };
    const runId = this.store.addRun(result, raw, request, fromSecretStorage);
    const tokenId = raw && result.token ? this.store.activeToken()?.id : undefined;
    this.log.info(
      'chain',
      `finished in ${Date.now() - started} ms: ${result.winner ? `${result.winner} ${req.mode === 'diagnose' ? 'would be picked' : 'won'}` : 'no credential succeeded'}`,
    );
    if (result.error) this.recordError(result.error, `Credential chain for ${req.scope}`, runId);
    return { runId, tokenId, summary: result.token ?? undefined, error: result.error ?? undefined };
  }

  /** One explicit flow or one chain credential on its own; recorded as a one-step run so the tree and timeline show it. */
  async acquireWithFlow(
    req: FlowRequest,
    signal: AbortSignal,
    ui: { onDeviceCode?: (info: DeviceCodeInfo) => void; openBrowser?: (url: string) => Promise<void> },
  ): Promise<AcquireOutcome> {
    const { acquireToken } = loadEngine();
    const s = this.settings();
    const started = Date.now();
    const { env, fromSecretStorage } = await this.environment(s);
    const run = await acquireToken(
      {
        credential: req.credential,
        scope: req.scope,
        tenantId: req.tenantId,
        clientId: req.clientId,
        clientSecret: req.credential === 'UsernamePasswordCredential' ? undefined : req.secret,
        password: req.credential === 'UsernamePasswordCredential' ? req.secret : undefined,
        certificatePath: req.certificatePath,
        certificatePassword: req.certificatePassword,
        username: req.username,
        profile: s.profile,
        onDeviceCode: ui.onDeviceCode,
        openBrowser: ui.openBrowser,
      },
      { signal, sink: this.sink(), env, options: this.engineOptions(s) },
    );
    if (signal.aborted) throw new CancelledError();
    const step = run.result;
    const chainLike: ChainResult = {
      mode: 'sequential',
      profile: s.profile,
      scope: req.scope,
      selection: {
        source: 'option',
        credentials: [step.credential],
        reason: `Acquire Token with ${step.credential} only`,
      },
      winner: step.outcome === 'success' ? step.credential : null,
      steps: [step],
      token: step.token ?? null,
      error: step.error ?? null,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    };
    const request: TokenRequestInfo = {
      credential: req.credential,
      scopes: [req.scope],
      tenantId: req.tenantId,
      clientId: req.clientId,
    };
    const runId = this.store.addRun(chainLike, run.accessToken, request, fromSecretStorage);
    if (step.outcome === 'success' && run.accessToken && step.token) {
      return { runId, tokenId: this.store.activeToken()?.id, summary: step.token };
    }
    const error: ErrorInfo = step.error ?? { kind: 'unknown', message: step.message, errorCodes: step.errorCodes };
    this.recordError(error, `${step.credential} for ${req.scope}`, runId);
    return { runId, error };
  }

  /** Explains an ErrorInfo with the engine and stores it as the last error. */
  recordError(error: ErrorInfo, source: string, runId?: string): void {
    let explanation: Explanation | undefined;
    try {
      explanation = loadEngine().explainText(error.message);
    } catch (e) {
      this.log.debug('explain', `could not explain: ${String(e)}`);
    }
    this.store.setError({ source, error, explanation, runId });
  }

  dispose(): void {
    const sb = this.sandbox;
    this.sandbox = undefined;
    if (sb) void Promise.resolve(sb.close()).catch(() => undefined);
  }
}

export type { DeviceCodeInfo } from '../core/index';
