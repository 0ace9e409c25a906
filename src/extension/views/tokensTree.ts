/** "Tokens" tree: tokens acquired (or decoded) this session, with a live remaining time. Projects the run store. */
import * as vscode from 'vscode';
import { Commands, ItemContext } from '../constants';
import type { RunStore, StoredTokenInfo } from '../runStore';
import { mdEscape } from '../markdown';
import { remaining } from '../../shared/expiry';

export class TokensTreeProvider implements vscode.TreeDataProvider<StoredTokenInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: RunStore) {
    this.sub = store.onDidChange(() => this.changed.fire());
  }

  /** Called by the ticker so the remaining time stays current. */
  refresh(): void {
    this.changed.fire();
  }

  getChildren(element?: StoredTokenInfo): StoredTokenInfo[] {
    return element ? [] : this.store.snapshot().tokens;
  }

  getTreeItem(t: StoredTokenInfo): vscode.TreeItem {
    return tokenTreeItem(t, this.store.snapshot().activeTokenId === t.id);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

export function tokenTreeItem(t: StoredTokenInfo, active: boolean, now = Date.now()): vscode.TreeItem {
  const left = remaining(t.summary.expiresOnEpochMs, now);
  const item = new vscode.TreeItem(t.label, vscode.TreeItemCollapsibleState.None);
  item.id = t.id;
  item.description = `${left.text} · ${t.origin === 'decoded' ? 'decoded' : t.summary.credential}${active ? ' · active' : ''}`;
  const expired = left.state === 'expired';
  const color = expired
    ? 'testing.iconFailed'
    : left.state === 'expiring-soon'
      ? 'editorWarning.foreground'
      : undefined;
  item.iconPath = new vscode.ThemeIcon(expired ? 'error' : 'key', color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue =
    (t.request ? ItemContext.tokenRefreshable : ItemContext.token) + (active ? '' : ItemContext.unpinnedSuffix);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${mdEscape(t.label)}** — ${mdEscape(left.text)}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n`);
  const rows: [string, string | undefined][] = [
    ['Credential', t.summary.credential],
    ['Scope', t.summary.scope],
    ['Audience', t.summary.audience],
    ['Tenant', t.summary.tenantId],
    ['App', t.summary.appId],
    ['Identity', t.summary.upn ?? t.summary.objectId],
    ['Expires', t.summary.expiresOn],
    ['Fingerprint', t.summary.fingerprint],
  ];
  for (const [k, v] of rows) if (v) md.appendMarkdown(`| ${k} | ${mdEscape(v)} |\n`);
  item.tooltip = md;
  item.command = { command: Commands.showTokenInInspector, title: 'Show in Token Inspector', arguments: [t] };
  return item;
}
