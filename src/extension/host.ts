/**
 * Host services shared by the commands: builds engine options from settings (and the running sandbox), runs the chain
 * or one credential through the engine with a trace sink into the log, and records results in the run store.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { ChainResult, EngineOptions, ErrorInfo, SecretValue, TokenSummary, TraceEvent, TraceSink } from '../core/index';
import { has, loadEngine, need } from './engine';
import { logSink, type Logger } from './log';
import type { RunStore, TokenRequestInfo } from './runStore';
import { authorityHostOf, readSettings, type Settings } from './settings';

/** What the running in-process sandbox serves (the fields of its `--json` contract the extension uses). */
export interface SandboxHandle {
  authorityHost: string;
  tenantId?: string;
  caFile?: string;
  caPem?: string;
  contract?: { managedIdentity?: { imds?: string } };
  close(): Promise<void> | void;
}

export interface ChainRunRequest {
  scope: string;
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
  username?: string;
}

export interface AcquireOutcome {
  tokenId?: string;
  runId?: string;
  summary?: TokenSummary;
  error?: ErrorInfo;
}

function isSecret(v: unknown): v is SecretValue {
  return typeof v === 'object' && v !== null && typeof (v as { reveal?: unknown }).reveal === 'function';
}

/** Finds the raw token the engine returned, wherever the result keeps it (always a SecretValue). */
function findSecret(result: unknown): SecretValue | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  for (const k of ['accessToken', 'token', 'secret', 'rawToken']) if (isSecret(r[k])) return r[k];
  for (const k of ['accessToken', 'token', 'result']) {
    const inner = r[k];
    if (inner && typeof inner === 'object' && !isSecret(inner)) {
      const s = findSecret(inner);
      if (s) return s;
    }
  }
  return undefined;
}

export class Host implements vscode.Disposable {
  sandbox: SandboxHandle | undefined;
  private sandboxCa: string | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly store: RunStore,
    readonly log: Logger,
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
      const imds = this.sandbox.contract?.managedIdentity?.imds;
      if (imds) o.imdsEndpoint = imds;
      if (this.sandboxCa) o.ca = this.sandboxCa;
    }
    return o;
  }

  /** The environment the chain sees: the extension host's, plus the chain.environment setting. */
  environment(s: Settings = this.settings()): Record<string, string | undefined> {
    return { ...process.env, ...s.environment };
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
    this.store.setSandbox(handle ? { running: true, url: handle.authorityHost, tenantId: handle.tenantId } : { running: false });
  }

  /** Runs the credential chain and records the run (and its token) in the store. */
  async runChain(req: ChainRunRequest, signal: AbortSignal): Promise<AcquireOutcome> {
    const runChain = need('runChain');
    const s = this.settings();
    const started = Date.now();
    this.log.info('chain', `run (${req.mode}, profile ${s.profile}) for scope ${req.scope}${this.sandbox ? ` against the sandbox ${this.sandbox.authorityHost}` : ''}`);
    const result = await runChain(
      {
        scope: req.scope,
        scopes: [req.scope],
        mode: req.mode,
        profile: s.profile,
        tenantId: req.tenantId ?? this.sandbox?.tenantId,
        credentials: req.credentials,
      },
      { signal, sink: this.sink(), env: this.environment(s), options: this.engineOptions(s) },
    );
    const raw = findSecret(result);
    const request: TokenRequestInfo = { credential: 'chain', scopes: [req.scope], tenantId: req.tenantId, mode: req.mode };
    const plain: ChainResult = { ...result };
    delete (plain as { accessToken?: unknown }).accessToken;
    const runId = this.store.addRun(plain, raw, request);
    const tokenId = raw && plain.token ? this.store.activeToken()?.id : undefined;
    this.log.info('chain', `finished in ${Date.now() - started} ms: ${plain.winner ? `${plain.winner} won` : 'no credential succeeded'}`);
    if (plain.error) this.recordError(plain.error, `Credential chain for ${req.scope}`, runId);
    return { runId, tokenId, summary: plain.token ?? undefined, error: plain.error ?? undefined };
  }

  /** One explicit credential / flow. */
  async acquireWithFlow(req: FlowRequest, signal: AbortSignal, ui: { onDeviceCode?: (info: DeviceCodeInfo) => void; openBrowser?: (url: string) => Promise<void> }): Promise<AcquireOutcome> {
    const acquireToken = need('acquireToken');
    const s = this.settings();
    this.log.info(req.credential, `acquire for scope ${req.scope}${req.tenantId ? ` in tenant ${req.tenantId}` : ''}`);
    const started = Date.now();
    try {
      const result = await acquireToken(
        {
          credential: req.credential,
          scopes: [req.scope],
          scope: req.scope,
          tenantId: req.tenantId ?? this.sandbox?.tenantId,
          clientId: req.clientId,
          clientSecret: req.secret,
          certificatePath: req.certificatePath,
          username: req.username,
          password: req.credential === 'UsernamePasswordCredential' ? req.secret : undefined,
          env: this.environment(s),
          options: this.engineOptions(s),
        },
        { signal, sink: this.sink(), onDeviceCode: ui.onDeviceCode, openBrowser: ui.openBrowser },
      );
      const raw = findSecret(result);
      if (!raw) throw new Error(`${req.credential} returned no token`);
      const summary = this.summarize(raw, req.credential, req.scope, result);
      const tokenId = this.store.addToken('acquired', summary, raw, { credential: req.credential, scopes: [req.scope], tenantId: req.tenantId, clientId: req.clientId });
      this.log.info(req.credential, `success in ${Date.now() - started} ms: ${summary.audience ?? req.scope}`);
      return { tokenId, summary };
    } catch (e) {
      const info = (e as { info?: ErrorInfo }).info;
      if (info && typeof info.message === 'string') {
        this.log.warn(req.credential, `failed in ${Date.now() - started} ms: ${info.message.split('\n')[0]}`);
        this.recordError(info, `${req.credential} for ${req.scope}`);
        return { error: info };
      }
      throw e;
    }
  }

  summarize(raw: SecretValue, credential: string, scope: string, result?: unknown): TokenSummary {
    const r = (result ?? {}) as { summary?: TokenSummary; expiresOnEpochMs?: number; tokenType?: string; fromCache?: boolean };
    if (r.summary && typeof r.summary.fingerprint === 'string') return r.summary;
    const summarizeToken = need('summarizeToken');
    const s = summarizeToken(raw.reveal(), { credential, scope, expiresOnEpochMs: r.expiresOnEpochMs ?? 0, tokenType: r.tokenType, fromCache: r.fromCache ?? false });
    return { ...s, credential: s.credential || credential, scope: s.scope || scope };
  }

  /** Explains an ErrorInfo with the engine and stores it as the last error. */
  recordError(error: ErrorInfo, source: string, runId?: string): void {
    let explanation: unknown;
    try {
      if (has('explainText')) explanation = need('explainText')(error.message);
    } catch (e) {
      this.log.debug('explain', `could not explain: ${String(e)}`);
    }
    this.store.setError({ source, error, explanation, runId });
  }

  /** Loads the engine in the background (used by views that need it only once something has run). */
  warm(): void {
    try {
      loadEngine();
    } catch (e) {
      this.log.error('engine', `cannot load dist/engine.js: ${String(e)}`);
    }
  }

  dispose(): void {
    const sb = this.sandbox;
    this.sandbox = undefined;
    if (sb) void Promise.resolve(sb.close()).catch(() => undefined);
  }
}

export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message?: string;
  expiresInSeconds?: number;
}
