/**
 * "Credential Chain" tree: the latest run's steps in chain order (outcome icon, outcome + duration), children with what
 * each step detected, its message and the AADSTS explanation; plus the VS Code account as a credential.
 * Projects the run store; holds no state of its own beyond the VS Code account probe.
 */
import * as vscode from 'vscode';
import type { Explanation, HostingSummary, ObservedSource, StepResult, TraceEvent } from '../../core/index';
import { aadstsMarkdown, codeSpan, mdEscape, parseInline, plainText } from '../markdown';
import { Commands, ItemContext } from '../constants';
import type { RunStore, RunStoreSnapshot } from '../runStore';
import type { VsCodeAccount } from '../vscodeAccount';
import { formatElapsed } from '../../shared/expiry';

export interface ChainNode {
  kind: 'step' | 'detail' | 'account' | 'sandbox';
  /** Unique per run, so each new run starts with fresh expansion state (failed steps open). */
  id?: string;
  label: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  contextValue?: string;
  children?: ChainNode[];
  /** For steps: the credential name. */
  credential?: string;
  runId?: string;
  /** Text copied by "Copy". */
  copyText?: string;
}

const OUTCOME_ICON: Record<string, vscode.ThemeIcon> = {
  success: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  unavailable: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  skipped: new vscode.ThemeIcon('debug-step-over'),
};

/** How a variable taken from SecretStorage is shown: set, where from, the value masked (never shown). */
const FROM_SECRET_STORAGE = 'set (from SecretStorage): ••••••••';

function detected(events: readonly TraceEvent[], fromSecretStorage: readonly string[] = []): ChainNode[] {
  const out: ChainNode[] = [];
  for (const e of events) {
    if (e.kind === 'config') {
      const vars = e.variables ?? [];
      for (const v of vars.filter((x) => x.set)) {
        if (fromSecretStorage.includes(v.name)) {
          out.push({
            kind: 'detail',
            label: v.name,
            description: FROM_SECRET_STORAGE,
            icon: new vscode.ThemeIcon('lock'),
            tooltip: `${v.name} comes from VS Code's SecretStorage ("Azure Auth: Set Chain Environment Secret…"); "Clear Tokens and Secrets" removes it.`,
            contextValue: ItemContext.detail,
            copyText: v.name,
          });
          continue;
        }
        out.push({
          kind: 'detail',
          label: v.name,
          description: v.value !== undefined ? `set: ${v.value}` : 'set',
          icon: new vscode.ThemeIcon('symbol-variable'),
          tooltip: v.note,
          contextValue: ItemContext.detail,
          copyText: v.name,
        });
      }
      const unset = vars.filter((x) => !x.set).map((x) => x.name);
      if (unset.length)
        out.push({
          kind: 'detail',
          label: unset.length === 1 ? `${unset[0]} not set` : `${unset.length} variables not set`,
          description: unset.length > 1 ? unset.join(', ') : undefined,
          tooltip: unset.join('\n'),
          icon: new vscode.ThemeIcon('circle-outline'),
          contextValue: ItemContext.detail,
          copyText: unset.join(' '),
        });
      for (const f of e.files ?? [])
        out.push({
          kind: 'detail',
          label: f.path,
          description: f.exists ? 'found' : 'missing',
          icon: new vscode.ThemeIcon('file'),
          contextValue: ItemContext.detail,
          copyText: f.path,
        });
      for (const x of e.executables ?? [])
        out.push({
          kind: 'detail',
          label: x.name,
          description: x.resolved ?? 'not found on PATH',
          icon: new vscode.ThemeIcon('terminal'),
          contextValue: ItemContext.detail,
          copyText: x.resolved ?? x.name,
        });
      for (const p of e.endpoints ?? [])
        out.push({
          kind: 'detail',
          label: p.name,
          description: p.url,
          icon: new vscode.ThemeIcon('globe'),
          contextValue: ItemContext.detail,
          copyText: p.url,
        });
    }
  }
  return out;
}

function explanationNode(explanation: Explanation | undefined): ChainNode | undefined {
  const c = explanation?.codes[0];
  if (!c) return undefined;
  const fix = c.fixes[0] ? plainText(parseInline(c.fixes[0])) : undefined;
  return {
    kind: 'detail',
    label: `AADSTS${c.code}: ${c.meaning || c.name}`,
    description: fix,
    tooltip: new vscode.MarkdownString(aadstsMarkdown(c)),
    icon: new vscode.ThemeIcon('lightbulb'),
    contextValue: ItemContext.detail,
    copyText: `AADSTS${c.code} ${c.meaning}`,
  };
}

export function stepNode(
  step: StepResult,
  runId: string,
  explanation: Explanation | undefined,
  winner: string | null,
  fromSecretStorage: readonly string[] = [],
): ChainNode {
  const children = detected(step.events, fromSecretStorage);
  if (step.prediction)
    children.push({
      kind: 'detail',
      label: `Predicted: ${step.prediction.verdict}`,
      description: step.prediction.reason,
      icon: new vscode.ThemeIcon(step.prediction.agrees === false ? 'warning' : 'info'),
      contextValue: ItemContext.detail,
      copyText: step.prediction.reason,
    });
  children.push({
    kind: 'detail',
    label: step.message || step.outcome,
    icon: new vscode.ThemeIcon('comment'),
    tooltip: step.message,
    contextValue: ItemContext.detail,
    copyText: step.message,
  });
  if (step.note)
    children.push({
      kind: 'detail',
      label: step.note,
      icon: new vscode.ThemeIcon('note'),
      contextValue: ItemContext.detail,
      copyText: step.note,
    });
  if (step.errorCodes.length) {
    const ex = explanationNode(explanation);
    children.push(
      ex ?? {
        kind: 'detail',
        label: `AADSTS${step.errorCodes.join(', AADSTS')}`,
        description: 'run "Explain Error" for details',
        icon: new vscode.ThemeIcon('lightbulb'),
        contextValue: ItemContext.detail,
      },
    );
  }
  const md = new vscode.MarkdownString();
  md.appendMarkdown(
    `**${step.credential}** — ${step.outcome}${winner === step.credential ? ' (picked)' : ''} in ${formatElapsed(step.durationMs)}\n\n`,
  );
  md.appendText(step.message);
  const id = `${runId}/${step.credential}`;
  children.forEach((c, i) => (c.id = `${id}/${i}`));
  return {
    kind: 'step',
    id,
    label: step.credential,
    description: `${step.outcome}${winner === step.credential ? ' ★' : ''} · ${formatElapsed(step.durationMs)}`,
    tooltip: md,
    icon: OUTCOME_ICON[step.outcome] ?? new vscode.ThemeIcon('circle-outline'),
    contextValue: step.events.length ? ItemContext.stepWithTrace : ItemContext.step,
    children,
    credential: step.credential,
    runId,
    copyText: `${step.credential}: ${step.outcome} — ${step.message}`,
  };
}

const EVIDENCE_ICON: Record<string, string> = { file: 'file', env: 'symbol-variable', fact: 'info' };

/** "Environment": where the latest run happened (hosting fingerprint), each finding with its evidence. */
export function environmentNode(h: HostingSummary, runId: string): ChainNode {
  const id = `${runId}/environment`;
  const children: ChainNode[] = h.environments.map((f, i) => ({
    kind: 'detail',
    id: `${id}/${i}`,
    label: f.label,
    description: `${f.confidence} confidence`,
    icon: new vscode.ThemeIcon(f.confidence === 'high' ? 'pass' : 'question'),
    contextValue: ItemContext.detail,
    copyText: `${f.label} (${f.confidence}): ${f.evidence.map((e) => `${e.name}: ${e.detail}`).join('; ')}`,
    children: f.evidence.map((e, j) => ({
      kind: 'detail',
      id: `${id}/${i}/${j}`,
      label: e.name,
      description: e.detail,
      icon: new vscode.ThemeIcon(EVIDENCE_ICON[e.kind] ?? 'info'),
      contextValue: ItemContext.detail,
      copyText: `${e.name}: ${e.detail}`,
    })),
  }));
  children.push({
    kind: 'detail',
    id: `${id}/mi`,
    label: 'Managed-identity source',
    description: h.managedIdentitySource,
    icon: new vscode.ThemeIcon('key'),
    contextValue: ItemContext.detail,
    copyText: h.managedIdentitySource,
  });
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**Where the chain ran** (local facts only, no network)\n\n');
  md.appendText(h.summary);
  return {
    kind: 'detail',
    id,
    label: 'Environment',
    description: h.summary,
    tooltip: md,
    icon: new vscode.ThemeIcon('server-environment'),
    contextValue: ItemContext.detail,
    copyText: h.summary,
    children,
  };
}

const VIA: Record<ObservedSource['via'], string> = {
  'debug-session': 'debug session',
  terminal: 'terminal',
  'azauth-run': 'azauth run',
};

/** "observed in your app: @azure/identity 4.13.0": the run was read from the app's own SDK log, not simulated. */
export function observedNode(o: ObservedSource, runId: string): ChainNode {
  const id = `${runId}/observed`;
  const state = o.complete ? '' : ' · chain end not logged (yet)';
  const children: ChainNode[] = [];
  if (o.notUnderstood)
    children.push({
      kind: 'detail',
      id: `${id}/unknown`,
      label: `${o.notUnderstood} SDK log record${o.notUnderstood === 1 ? '' : 's'} not understood`,
      description: 'a newer SDK release? (samples in the log)',
      icon: new vscode.ThemeIcon('question'),
      contextValue: ItemContext.detail,
    });
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${mdEscape(o.label)}**\n\n`);
  md.appendText(
    `Read from the ${VIA[o.via]} output of ${o.app ?? 'your app'}: what the SDK itself logged, not a simulation.`,
  );
  return {
    kind: 'detail',
    id,
    label: o.label,
    description: `${o.app ?? ''} (${VIA[o.via]})${state}`,
    tooltip: md,
    icon: new vscode.ThemeIcon('eye'),
    contextValue: ItemContext.observed,
    copyText: o.label,
    children,
  };
}

/**
 * The running sandbox tenant, with its URL, Stop and Copy. (Before anything has run the tree is empty and its welcome
 * view says the sandbox is running instead.)
 */
export function sandboxNode(sb: RunStoreSnapshot['sandbox']): ChainNode | undefined {
  if (!sb.running || !sb.url) return undefined;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Sandbox tenant running** at ${mdEscape(sb.url)}\n\n`);
  if (sb.tenantId) md.appendMarkdown(`Tenant: ${codeSpan(sb.tenantId)}  \n`);
  md.appendMarkdown('The credential chain talks to it instead of Entra ID and the real managed-identity endpoints.');
  return {
    kind: 'sandbox',
    id: 'sandbox',
    label: 'Sandbox tenant',
    description: sb.url,
    tooltip: md,
    icon: new vscode.ThemeIcon('beaker'),
    contextValue: ItemContext.sandbox,
    copyText: sb.url,
  };
}

export class ChainTreeProvider implements vscode.TreeDataProvider<ChainNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly store: RunStore,
    private readonly account: VsCodeAccount,
  ) {
    this.subs.push(
      store.onDidChange(() => this.changed.fire()),
      account.onDidChange(() => this.changed.fire()),
    );
  }

  refresh(): void {
    this.changed.fire();
  }

  roots(): ChainNode[] {
    const run = this.store.latestRun();
    if (!run) return [];
    const snap = this.store.snapshot();
    const explanation = snap.lastError?.runId === run.id ? snap.lastError.explanation : undefined;
    const nodes = run.result.steps.map((s) =>
      stepNode(s, run.id, explanation, run.result.winner, run.fromSecretStorage),
    );
    if (run.result.hosting) nodes.unshift(environmentNode(run.result.hosting, run.id));
    if (run.result.observed) nodes.unshift(observedNode(run.result.observed, run.id));
    nodes.push(this.account.node());
    const sandbox = sandboxNode(snap.sandbox);
    if (sandbox) nodes.push(sandbox);
    return nodes;
  }

  getChildren(element?: ChainNode): ChainNode[] {
    return element ? (element.children ?? []) : this.roots();
  }

  getTreeItem(n: ChainNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      n.label,
      n.children?.length
        ? n.kind === 'step' && n.icon === OUTCOME_ICON.failed
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    if (n.id) item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip ?? n.label;
    item.iconPath = n.icon;
    item.contextValue = n.contextValue;
    if (n.kind === 'step' && n.runId)
      item.command = {
        command: Commands.showInspector,
        title: 'Show in Token Inspector',
        arguments: [{ runId: n.runId }],
      };
    return item;
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}
