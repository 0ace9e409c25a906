/**
 * The webview's link to the host: the one VS Code API object, intents posted to the host, and the UI state it keeps
 * with setState (non-secret only: the selected token's fingerprint and which sections are open).
 */
import type { InspectorSection, InspectorUiState, WebviewToHost } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: InspectorUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

const DEFAULT_OPEN: Record<InspectorSection, boolean> = {
  tokens: true,
  header: false,
  claims: true,
  validation: true,
  raw: true,
  failure: true,
  timeline: true,
};

function loadState(): InspectorUiState {
  const s = vscode.getState() as InspectorUiState | undefined;
  if (!s || typeof s !== 'object') return {};
  const out: InspectorUiState = {};
  if (typeof s.selectedFingerprint === 'string') out.selectedFingerprint = s.selectedFingerprint;
  if (s.open && typeof s.open === 'object') {
    out.open = {};
    for (const k of Object.keys(DEFAULT_OPEN) as InspectorSection[])
      if (typeof s.open[k] === 'boolean') out.open[k] = s.open[k];
  }
  return out;
}

export const ui: InspectorUiState = loadState();

export function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

export function saveState(): void {
  // Only non-secret UI state (the selected token's fingerprint and which sections are open).
  const state: InspectorUiState = { open: { ...ui.open } };
  if (ui.selectedFingerprint) state.selectedFingerprint = ui.selectedFingerprint;
  vscode.setState(state);
  post({ type: 'uiState', state });
}

export function isOpen(s: InspectorSection): boolean {
  return ui.open?.[s] ?? DEFAULT_OPEN[s];
}

/** The token shown changed on the host's side: remember it, so a reload comes back to it. */
export function keepSelection(fingerprint: string): void {
  ui.selectedFingerprint = fingerprint;
  vscode.setState({ ...ui });
}
