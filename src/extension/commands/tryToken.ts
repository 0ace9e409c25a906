/**
 * "Azure Auth: Try Token Against Resource…": sends one request with a held token to a read-only preset or a URL the
 * user types, and shows the status, headers, body (token redacted) and the explanation of a 401 / 403 against the
 * token in a plain-text document. Started from the palette, a token in the Tokens view, or the Token Inspector.
 * When the sandbox runs, presets go to its resource stand-ins (https://127.0.0.1:PORT/resources/…).
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { CancelledError, toAbortSignal, type CommandOptions } from '../commandRunner';
import { loadEngine } from '../engine';
import type { Host } from '../host';
import type { StoredTokenInfo } from '../runStore';
import type { ResourceCallResult, ResourcePreset } from '../../core/index';

export interface TryTokenArgs extends CommandOptions {
  tokenId?: string;
  /** A Tokens view item passes itself (it has `id`). */
  id?: string;
  preset?: string;
  /** Preset parameters (subscription, vault, account, namespace, entity). */
  params?: Record<string, string>;
  method?: string;
  url?: string;
  /** Tests: do not open the result document. */
  noDocument?: boolean;
}

/** The request to send: a preset's or the user's (no URL only when a test passes neither). */
interface ResourceRequest {
  method: string;
  url?: string;
  headers: Record<string, string>;
  service?: ResourcePreset['service'];
}

/** Sandbox defaults for preset parameters (the built-in world's names). */
const SANDBOX_PARAMS: Record<string, string> = {
  vault: 'sandbox-vault',
  account: 'sandboxstore',
  namespace: 'sandbox-bus',
  entity: 'orders',
};

const SERVICE_PATH: Record<string, string> = {
  arm: 'arm',
  graph: 'graph',
  keyvault: 'vault',
  storage: 'storage',
  servicebus: 'servicebus',
};

export class TryTokenCommand {
  constructor(private readonly host: Host) {}

  async run(args: TryTokenArgs = {}): Promise<ResourceCallResult> {
    const id = args.tokenId ?? args.id;
    const t = id ? this.host.store.token(id) : this.host.store.activeToken();
    if (!t) throw new Error('No token yet: run "Azure Auth: Acquire Token…" or "Decode Token…" first');
    const raw = this.host.store.revealToken(t.id);
    if (!raw) throw new Error('The token is no longer held');
    const target = await this.pickTarget(t, args);
    const request = target.preset ? await this.presetRequest(target.preset, args) : { ...target, headers: {} };
    return this.call(t, raw, request, args);
  }

  /** A preset (named in the argument or picked), else the METHOD and URL in the argument or typed in. */
  private async pickTarget(
    t: StoredTokenInfo,
    args: TryTokenArgs,
  ): Promise<{ preset?: ResourcePreset; method: string; url?: string }> {
    const core = loadEngine();
    const sandbox = this.host.sandbox;
    const preset: ResourcePreset | undefined = args.preset ? core.findPreset(args.preset) : undefined;
    if (args.preset && !preset) throw new Error(`Unknown preset "${args.preset}"`);
    const method = (args.method ?? 'GET').toUpperCase();
    if (preset || args.url) return { preset, method, url: args.url };
    const items: (vscode.QuickPickItem & { preset?: ResourcePreset })[] = [
      ...core.RESOURCE_PRESETS.map((p) => ({
        label: p.title,
        description: p.id,
        detail: sandbox ? `${p.method} — against the sandbox's stand-in` : `${p.method} ${p.url}`,
        preset: p,
      })),
      { label: 'Enter a URL…', description: 'GET (or another method) to any https URL' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: `Try ${t.label} against…`,
      placeHolder: 'A read-only request, or your own URL',
      ignoreFocusOut: true,
    });
    if (!pick) throw new CancelledError();
    if (pick.preset) return { preset: pick.preset, method };
    const typed = await vscode.window.showInputBox({
      title: 'Try Token Against Resource',
      prompt: 'METHOD URL (GET when no method is given); plain http only for loopback',
      placeHolder: 'GET https://management.azure.com/subscriptions?api-version=2022-12-01',
      ignoreFocusOut: true,
    });
    if (!typed?.trim()) throw new CancelledError();
    const m = /^\s*(GET|HEAD|POST|PUT|PATCH|DELETE)\s+(\S+)\s*$/i.exec(typed);
    return m ? { method: m[1]!.toUpperCase(), url: m[2]! } : { method: 'GET', url: typed.trim() };
  }

  /** A preset's request: its parameters from the argument, the sandbox's world or the user; its URL and headers. */
  private async presetRequest(preset: ResourcePreset, args: TryTokenArgs): Promise<ResourceRequest> {
    const sandbox = this.host.sandbox;
    const params: Record<string, string> = { ...(args.params ?? {}) };
    for (const name of preset.params) {
      if (params[name]) continue;
      const fallback = sandbox
        ? name === 'subscription'
          ? this.sandboxSubscription()
          : SANDBOX_PARAMS[name]
        : undefined;
      const v =
        fallback ??
        (await vscode.window.showInputBox({ title: preset.title, prompt: `The ${name} name`, ignoreFocusOut: true }));
      if (!v) throw new CancelledError();
      params[name] = v;
    }
    const url = loadEngine().presetUrl(
      preset,
      params,
      sandbox ? `${sandbox.authorityHost}/resources/${SERVICE_PATH[preset.service]}` : undefined,
    );
    return { method: preset.method, url, headers: { ...(preset.headers ?? {}) }, service: preset.service };
  }

  private call(
    t: StoredTokenInfo,
    raw: string,
    req: ResourceRequest,
    args: TryTokenArgs,
  ): Thenable<ResourceCallResult> {
    const core = loadEngine();
    const sandbox = this.host.sandbox;
    const ca = sandbox
      ? (sandbox.caPem ?? (sandbox.caFile ? readFileSync(sandbox.caFile, 'utf8') : undefined))
      : undefined;
    const { method, url, headers, service } = req;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Azure Auth: ${method} ${url}`, cancellable: true },
      async (_p, token) => {
        const { signal, dispose } = toAbortSignal(token, args.cancellation);
        try {
          const trace = new core.Tracer().forStep('call');
          const result = await core.callResource(
            { method: method as 'GET', url: url!, token: raw, headers, ...(service ? { service } : {}) },
            { trace, signal, deadlineMs: 30_000, ...(ca ? { ca } : {}) },
          );
          const x = result.explanation;
          this.host.log.info(
            'call',
            `${result.request.method} ${result.request.url} → ${result.response.status} (${x.outcome}${x.entry ? `, ${x.entry.code}` : x.unknownCode ? `, unknown code ${x.unknownCode.code}` : ''}; ${t.label}, fingerprint ${t.summary.fingerprint})`,
          );
          if (!args.noDocument) {
            const doc = await vscode.workspace.openTextDocument({
              language: 'plaintext',
              content: core.renderResourceCall(result),
            });
            await vscode.window.showTextDocument(doc, { preview: true });
          }
          return result;
        } finally {
          dispose();
        }
      },
    );
  }

  private sandboxSubscription(): string | undefined {
    return this.host.sandbox?.contract.subscriptions[0]?.id;
  }
}
