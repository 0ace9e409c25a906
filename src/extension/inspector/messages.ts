/**
 * Validation of everything the Token Inspector webview sends to the host. The webview renders untrusted text and
 * could in principle be coerced into posting anything, so the host accepts only the exact shapes of
 * `WebviewToHost` and rejects the rest (no vscode import: tested in plain node).
 */
import type { InspectorSection, InspectorUiState, WebviewToHost } from '../../shared/protocol';

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FINGERPRINT = /^[0-9a-f]{6,64}$/;
const SECTIONS: readonly InspectorSection[] = [
  'tokens',
  'header',
  'claims',
  'validation',
  'raw',
  'failure',
  'timeline',
];
const MAX_URL = 200;

/** The only links the panel may ask the host to open: the Entra error lookup for one numeric code. */
export function isAadstsDocsUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > MAX_URL) return false;
  return /^https:\/\/login\.microsoftonline\.com\/error\?code=\d{1,9}$/.test(url);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k));
}

/** Returns a clean copy of a UI state, or undefined when it is not one. */
export function parseUiState(v: unknown): InspectorUiState | undefined {
  if (!isPlainObject(v) || !onlyKeys(v, ['selectedFingerprint', 'open'])) return undefined;
  const out: InspectorUiState = {};
  if (v.selectedFingerprint !== undefined) {
    if (typeof v.selectedFingerprint !== 'string' || !FINGERPRINT.test(v.selectedFingerprint)) return undefined;
    out.selectedFingerprint = v.selectedFingerprint;
  }
  if (v.open !== undefined) {
    if (!isPlainObject(v.open)) return undefined;
    const open: Partial<Record<InspectorSection, boolean>> = {};
    for (const [k, val] of Object.entries(v.open)) {
      if (!(SECTIONS as readonly string[]).includes(k) || typeof val !== 'boolean') return undefined;
      open[k as InspectorSection] = val;
    }
    out.open = open;
  }
  return out;
}

export type ParseResult = { ok: true; message: WebviewToHost } | { ok: false; reason: string };

/** Accepts exactly the messages of `WebviewToHost`; anything else (extra keys included) is rejected with a reason. */
export function parseWebviewMessage(v: unknown): ParseResult {
  if (!isPlainObject(v)) return { ok: false, reason: 'not an object' };
  const type = v.type;
  if (typeof type !== 'string') return { ok: false, reason: 'no type' };
  switch (type) {
    case 'ready': {
      if (!onlyKeys(v, ['type', 'state'])) return { ok: false, reason: 'unexpected keys in ready' };
      if (v.state === undefined) return { ok: true, message: { type: 'ready' } };
      const state = parseUiState(v.state);
      // A bad saved state must not stop the panel from starting: answer the handshake, ignore the state.
      return { ok: true, message: state ? { type: 'ready', state } : { type: 'ready' } };
    }
    case 'select':
    case 'reveal':
    case 'copy':
    case 'refresh':
    case 'pin': {
      if (!onlyKeys(v, ['type', 'id'])) return { ok: false, reason: `unexpected keys in ${type}` };
      if (typeof v.id !== 'string' || !ID.test(v.id)) return { ok: false, reason: `bad id in ${type}` };
      return { ok: true, message: { type, id: v.id } };
    }
    case 'openDocs': {
      if (!onlyKeys(v, ['type', 'url'])) return { ok: false, reason: 'unexpected keys in openDocs' };
      if (!isAadstsDocsUrl(v.url)) return { ok: false, reason: 'openDocs url is not an Entra error lookup link' };
      return { ok: true, message: { type, url: v.url } };
    }
    case 'uiState': {
      if (!onlyKeys(v, ['type', 'state'])) return { ok: false, reason: 'unexpected keys in uiState' };
      const state = parseUiState(v.state);
      if (!state) return { ok: false, reason: 'bad uiState' };
      return { ok: true, message: { type, state } };
    }
    default:
      return { ok: false, reason: 'unknown type' };
  }
}
