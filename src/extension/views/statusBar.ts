/**
 * Status bar item for the active token: "ARM token · 52m", warning colour near expiry, error colour once expired
 * (click refreshes), Markdown tooltip, click opens the Token Inspector. Named so users can hide it.
 * Projects the run store; the ticker calls `update()` so the time stays current.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { RunStore } from '../runStore';
import { mdEscape } from '../markdown';
import { remaining } from '../../shared/expiry';

export class TokenStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;
  private enabled = true;

  constructor(private readonly store: RunStore) {
    this.item = vscode.window.createStatusBarItem('azureAuthDebugger.token', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Azure Auth Debugger: Token Expiry';
    this.sub = store.onDidChange(() => this.update());
    this.update();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.update();
  }

  /** The text currently shown ('' when hidden) — part of the test API. */
  get text(): string {
    return this.visible ? this.item.text : '';
  }
  private visible = false;

  /** Text, colour and click action (test API). */
  get state(): { text: string; background?: string; command?: string } {
    if (!this.visible) return { text: '' };
    const cmd = this.item.command;
    return {
      text: this.item.text,
      background: this.item.backgroundColor?.id,
      command: typeof cmd === 'string' ? cmd : cmd?.command,
    };
  }

  update(now = Date.now()): void {
    const t = this.store.activeToken();
    if (!this.enabled || !t) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const left = remaining(t.summary.expiresOnEpochMs, now);
    const expired = left.state === 'expired';
    this.item.text = expired ? `$(error) ${t.label} · expired` : `$(key) ${t.label} · ${left.text}`;
    this.item.backgroundColor = expired
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : left.state === 'expiring-soon'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.command =
      expired && t.request
        ? { command: Commands.refreshToken, title: 'Refresh token', arguments: [{ tokenId: t.id }] }
        : { command: Commands.showInspector, title: 'Show Token Inspector', arguments: [{ tokenId: t.id }] };
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.showInspector, Commands.refreshToken] };
    md.appendMarkdown(`**${mdEscape(t.label)}** — ${mdEscape(left.text)}\n\n`);
    if (t.summary.audience) md.appendMarkdown(`Audience: ${mdEscape(t.summary.audience)}  \n`);
    md.appendMarkdown(`Credential: ${mdEscape(t.summary.credential)}  \n`);
    if (t.summary.upn ?? t.summary.appId)
      md.appendMarkdown(`Identity: ${mdEscape(t.summary.upn ?? t.summary.appId ?? '')}  \n`);
    md.appendMarkdown(`\n[$(eye) Show in Inspector](command:${Commands.showInspector})`);
    if (t.request) md.appendMarkdown(` · [$(refresh) Refresh](command:${Commands.refreshToken})`);
    this.item.tooltip = md;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
