/**
 * The Token Inspector's entry for the composition root: an opener for commands and the disposables to register
 * (the reload serializer). Loading the engine is deferred until the panel needs to decode something.
 */
import type * as vscode from 'vscode';
import type { RunStore, StoreSelection } from '../runStore';
import { loadEngine } from '../engine';
import { InspectorPanel, registerInspectorSerializer, type InspectorDeps, type InspectorLog } from './panel';

export { InspectorPanel, INSPECTOR_VIEW_TYPE, registerInspectorSerializer } from './panel';
export type { InspectorDeps, InspectorEngine, InspectorLog } from './panel';

export function inspectorDeps(context: vscode.ExtensionContext, store: RunStore, log?: InspectorLog): InspectorDeps {
  return { extensionUri: context.extensionUri, store, engine: loadEngine, log };
}

/** Opens (or reveals) the Token Inspector, selecting `selection` in the store first. */
export function inspectorOpener(
  context: vscode.ExtensionContext,
  store: RunStore,
  log?: InspectorLog,
): (selection?: StoreSelection) => void {
  const deps = inspectorDeps(context, store, log);
  return (selection) => {
    InspectorPanel.show(deps, { selection });
  };
}

/** The serializer that restores the panel after a reload, and the panel's own disposal on deactivate. */
export function registerInspector(
  context: vscode.ExtensionContext,
  store: RunStore,
  log?: InspectorLog,
): vscode.Disposable[] {
  return [
    registerInspectorSerializer(inspectorDeps(context, store, log)),
    { dispose: () => InspectorPanel.instance?.dispose() },
  ];
}
