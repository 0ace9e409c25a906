/**
 * Opens the Token Inspector webview (src/extension/inspector, built in parallel). Until the panel lands, it says so.
 */
import type * as vscode from 'vscode';
import type { RunStore, StoreSelection } from './runStore';
import { NotAvailableError } from './engine';

export type InspectorOpener = (selection?: StoreSelection) => void;

export function inspectorOpener(_context: vscode.ExtensionContext, store: RunStore): InspectorOpener {
  return (selection) => {
    if (selection) store.select(selection);
    throw new NotAvailableError('The Token Inspector panel', 'the Token Inspector webview (issue #5, in progress)');
  };
}

export function registerInspector(_context: vscode.ExtensionContext, _store: RunStore): vscode.Disposable[] {
  return [];
}
