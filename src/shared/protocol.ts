/**
 * Typed messages between the extension host and the Token Inspector webview (type-only module).
 * Full snapshots go host → webview; the webview sends intents back. The host validates every inbound message.
 */
export interface InspectorSnapshot {
  version: 1;
}

export type HostToWebview = { type: 'snapshot'; snapshot: InspectorSnapshot };
export type WebviewToHost = { type: 'ready' };
