/**
 * The other commands: chain runs, decode, explain, copy / refresh / clear tokens, sandbox, export, settings.
 * Each is registered through the CommandRunner (one error-handling wrapper) in extension.ts.
 */
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { CancelledError, toAbortSignal, type CommandOptions } from '../commandRunner';
import { ContextKeys, EXTENSION_ID } from '../constants';
import { loadEngine, loadSandbox, redact, redactIfLoaded } from '../engine';
import type { Explanation } from '../../core/index';
import type { AcquireOutcome, Host, SandboxHandle } from '../host';
import type { StoredTokenInfo } from '../runStore';
import { exportJson, exportMarkdown } from '../exportTrace';
import { findJwt } from '../findJwt';
import { SECRET_KEYS_KEY, type AcquireCommand } from './acquire';
import { clearChainSecrets } from './chainSecrets';

export interface ChainArgs extends CommandOptions {
  scope?: string;
  credentials?: string[];
  noInspector?: boolean;
}

export interface TextArgs extends CommandOptions {
  text?: string;
  noInspector?: boolean;
}

function selectionText(): string | undefined {
  const ed = vscode.window.activeTextEditor;
  if (!ed || ed.selection.isEmpty) return undefined;
  return ed.document.getText(ed.selection);
}

export class ToolCommands {
  constructor(
    private readonly host: Host,
    private readonly acquire: AcquireCommand,
    private readonly openInspector: (sel: { tokenId?: string; runId?: string; errorId?: string }) => void,
  ) {}

  async runChain(mode: 'sequential' | 'diagnose', args: ChainArgs = {}): Promise<AcquireOutcome> {
    const scope = args.scope ?? this.host.settings().defaultScope;
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Azure Auth: running the credential chain (${mode})`,
        cancellable: true,
      },
      async (_p, token) => {
        const { signal, dispose } = toAbortSignal(token, args.cancellation);
        try {
          if (signal.aborted) throw new CancelledError();
          const out = await this.host.runChain({ scope, mode, credentials: args.credentials }, signal);
          if (!args.noInspector)
            this.openInspector({ tokenId: out.tokenId, runId: out.tokenId ? undefined : out.runId });
          return out;
        } finally {
          dispose();
        }
      },
    );
  }

  async decode(args: TextArgs = {}): Promise<{ tokenId?: string; kind: string } | undefined> {
    let text = args.text ?? selectionText();
    if (text === undefined || (args.text === undefined && !text.trim())) {
      text = undefined;
      const clip = await vscode.env.clipboard.readText();
      if (clip && findJwt(clip)) text = clip;
    }
    text ??= await vscode.window.showInputBox({
      title: 'Decode Token',
      prompt: 'Paste a JWT (Bearer prefix and quotes are fine). It stays on this machine.',
      password: true,
      ignoreFocusOut: true,
    });
    if (text === undefined) throw new CancelledError();
    const core = loadEngine();
    const decoded = core.decodeToken(text);
    if (!decoded.ok) throw new Error(`Not a token: ${decoded.error.message}`);
    const exp = decoded.kind === 'jwt' && typeof decoded.payload.exp === 'number' ? decoded.payload.exp * 1000 : 0;
    const scope = decoded.kind === 'jwt' && typeof decoded.payload.aud === 'string' ? decoded.payload.aud : '';
    const summary = core.summarizeToken(decoded.raw, {
      credential: 'decoded',
      scope,
      fromCache: false,
      expiresOnEpochMs: exp,
    });
    const tokenId = this.host.store.addToken('decoded', summary, new core.SecretValue(decoded.raw));
    this.host.log.info(
      'decode',
      `decoded a ${decoded.kind} (fingerprint ${summary.fingerprint}, audience ${summary.audience ?? 'n/a'})`,
    );
    if (decoded.kind !== 'jwt') void vscode.window.showInformationMessage(`Azure Auth: ${decoded.reason}`);
    if (!args.noInspector) this.openInspector({ tokenId });
    return { tokenId, kind: decoded.kind };
  }

  async explain(args: TextArgs = {}): Promise<Explanation> {
    let text = args.text ?? selectionText();
    text ??= await vscode.window.showInputBox({
      title: 'Explain Error',
      prompt: 'Paste an error message, an AADSTS code or a whole error response',
      ignoreFocusOut: true,
    });
    if (text === undefined) throw new CancelledError();
    const explanation = loadEngine().explainText(text);
    const source = redact(text).slice(0, 500);
    const codes = explanation.codes;
    this.host.log.info(
      'explain',
      codes.length ? codes.map((c) => `AADSTS${c.code}: ${c.meaning}`).join(' | ') : 'no AADSTS code recognised',
    );
    const errorId = this.host.store.setError({
      source,
      explanation,
      error: { kind: codes.length ? 'aadsts' : 'unknown', message: source, errorCodes: codes.map((c) => c.code) },
    });
    if (!args.noInspector) this.openInspector({ errorId });
    return explanation;
  }

  /**
   * The token a command argument names: `{ tokenId }` (inspector, status bar, palette arguments) or a Tokens tree item
   * (a StoredTokenInfo, which carries `id`); undefined when the argument names none.
   */
  private tokenIdOf(arg: unknown): string | undefined {
    const a = arg as { tokenId?: string; id?: string } | undefined;
    return a?.tokenId || a?.id || undefined;
  }

  /** The token the argument names, else the status-bar token. */
  private tokenFrom(arg: unknown): StoredTokenInfo | undefined {
    const id = this.tokenIdOf(arg);
    return id ? this.host.store.token(id) : this.host.store.activeToken();
  }

  async copy(arg?: unknown): Promise<boolean> {
    const t = this.tokenFrom(arg);
    if (!t) throw new Error('No token yet: run "Azure Auth: Acquire Token…" first');
    const raw = this.host.store.revealToken(t.id);
    if (!raw) throw new Error('The token is no longer held');
    await vscode.env.clipboard.writeText(raw);
    this.host.log.info('tokens', `copied ${t.label} (fingerprint ${t.summary.fingerprint}) to the clipboard`);
    if (!(arg as CommandOptions | undefined)?.quiet)
      void vscode.window.showInformationMessage(`Azure Auth: ${t.label} copied to the clipboard.`);
    return true;
  }

  /** "Pin to Status Bar": the one way a decoded token becomes the status-bar token (any token can be pinned). */
  async pin(arg?: unknown): Promise<string> {
    const named = this.tokenIdOf(arg);
    let t = named ? this.host.store.token(named) : undefined;
    if (!t) {
      const tokens = this.host.store.snapshot().tokens;
      if (!tokens.length) throw new Error('No token yet: run "Azure Auth: Acquire Token…" or "Decode Token" first');
      const pick = await vscode.window.showQuickPick(
        tokens.map((x) => ({
          label: x.label,
          description: `${x.origin === 'decoded' ? 'decoded' : x.summary.credential} · ${x.summary.fingerprint}`,
          id: x.id,
        })),
        { title: 'Pin to Status Bar', placeHolder: 'Which token should the status bar show?' },
      );
      if (!pick) throw new CancelledError();
      t = this.host.store.token(pick.id);
    }
    if (!t) throw new Error('That token is no longer in this session');
    this.host.store.pin(t.id);
    this.host.log.info('tokens', `${t.label} (fingerprint ${t.summary.fingerprint}) pinned to the status bar`);
    return t.id;
  }

  async refresh(arg?: unknown): Promise<AcquireOutcome | undefined> {
    const t = this.tokenFrom(arg);
    if (!t) throw new Error('No token to refresh');
    const req = t.request;
    if (!req) throw new Error(`${t.label} was decoded, not acquired: there is nothing to refresh`);
    const scope = req.scopes[0] ?? this.host.settings().defaultScope;
    if (req.credential === 'chain')
      return this.runChain(req.mode ?? 'sequential', {
        scope,
        noInspector: true,
        cancellation: (arg as CommandOptions | undefined)?.cancellation,
      });
    return this.acquire.run({
      credential: req.credential,
      scope,
      tenantId: req.tenantId,
      clientId: req.clientId,
      noInspector: true,
      cancellation: (arg as CommandOptions | undefined)?.cancellation,
    });
  }

  async clear(args: { skipConfirm?: boolean } = {}): Promise<boolean> {
    if (!args.skipConfirm) {
      const ok = await vscode.window.showWarningMessage(
        'Forget every token of this session and every secret saved by Azure Auth Debugger?',
        { modal: true },
        'Clear',
      );
      if (ok !== 'Clear') throw new CancelledError();
    }
    this.host.store.clearTokens();
    const state = this.host.context.globalState;
    // Every key this extension saved, and every chain-environment secret even if the key list was lost.
    const keys = state.get<string[]>(SECRET_KEYS_KEY, []);
    const chain = await clearChainSecrets(this.host.context);
    for (const k of keys) await this.host.context.secrets.delete(k);
    await state.update(SECRET_KEYS_KEY, []);
    this.host.log.info(
      'secrets',
      `cleared the session's tokens and ${new Set(keys).size} saved secret(s) (${chain} for the chain's environment)`,
    );
    return true;
  }

  async startSandbox(args: { port?: number; quiet?: boolean } = {}): Promise<SandboxHandle> {
    if (this.host.sandbox) return this.host.sandbox;
    const { startSandbox } = loadSandbox();
    const port = args.port ?? this.host.settings().sandboxPort;
    const handle = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Starting the sandbox tenant' },
      () => startSandbox({ port, host: '127.0.0.1' }),
    );
    this.host.setSandbox(handle);
    await vscode.commands.executeCommand('setContext', ContextKeys.sandboxRunning, true);
    const imds = handle.contract.managedIdentity.imds;
    this.host.log.info(
      'sandbox',
      `sandbox tenant running at ${handle.authorityHost}${imds ? `, IMDS ${imds}` : ''}; the engine now talks to it`,
    );
    if (!args.quiet)
      void vscode.window.showInformationMessage(
        `Azure Auth: sandbox tenant running at ${handle.authorityHost}. The credential chain now talks to it.`,
      );
    return handle;
  }

  async stopSandbox(): Promise<boolean> {
    const h = this.host.sandbox;
    if (!h) return false;
    this.host.setSandbox(undefined);
    await vscode.commands.executeCommand('setContext', ContextKeys.sandboxRunning, false);
    await h.close();
    this.host.log.info('sandbox', 'sandbox stopped; the engine uses the configured endpoints again');
    return true;
  }

  async exportTrace(args: { format?: 'markdown' | 'json'; path?: string } = {}): Promise<string> {
    const snap = this.host.store.snapshot();
    if (!snap.runs.length && !snap.lastError && !snap.tokens.length)
      throw new Error('Nothing to export yet: run the chain or acquire a token first');
    let format = args.format;
    if (!format) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Markdown', id: 'markdown' as const, detail: 'For a support ticket or an issue' },
          { label: 'JSON', id: 'json' as const, detail: 'Machine-readable, same shape as `azauth chain --json`' },
        ],
        { title: 'Export Trace (redacted)' },
      );
      if (!pick) throw new CancelledError();
      format = pick.id;
    }
    const text = redactIfLoaded(format === 'json' ? exportJson(snap) : exportMarkdown(snap));
    let target = args.path;
    if (!target) {
      const uri = await vscode.window.showSaveDialog({
        title: 'Export Trace',
        defaultUri: vscode.Uri.file(`azure-auth-trace.${format === 'json' ? 'json' : 'md'}`),
        filters: format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
      });
      if (!uri) throw new CancelledError();
      target = uri.fsPath;
    }
    await writeFile(target, text, 'utf8');
    this.host.log.info('export', `trace exported (${format}) to ${target}`);
    return target;
  }

  async openSettings(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${EXTENSION_ID}`);
  }
}
