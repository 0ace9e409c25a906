/**
 * Redaction of the sandbox's own request recording (the wire-traffic log tests assert on). The engine's redaction
 * lives in src/core/trace/redact.ts; the sandbox plays the other side of the wire and is independent of the core, so
 * this file only knows which OAuth / managed-identity field names carry secrets.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const REDACTED = '[REDACTED]';

/** Form, query and JSON field names whose values are secrets. */
const SECRET_FIELDS = new Set([
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
  'refresh_token',
  'code',
  'code_verifier',
  'device_code',
  'subject_token',
  'mfa_code',
  'otp',
  'id_token_hint',
]);

const SECRET_HEADERS = new Set(['authorization', 'x-identity-header', 'secret', 'cookie', 'set-cookie', 'proxy-authorization']);

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase());
}

export function redactParams(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = isSecretField(k) ? REDACTED : v;
  return out;
}

export function redactHeaders(h: IncomingHttpHeaders | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(h)) {
    if (raw === undefined) continue;
    const v = Array.isArray(raw) ? raw.join(', ') : String(raw);
    const key = k.toLowerCase();
    if (key === 'authorization' || key === 'proxy-authorization') {
      const scheme = /^\s*(\S+)\s+/.exec(v)?.[1];
      out[key] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } else if (key === 'location') out[key] = redactUrl(v);
    else out[key] = SECRET_HEADERS.has(key) ? REDACTED : v;
  }
  return out;
}

export function redactUrl(u: string): string {
  return u.replace(/([?&#](?:code|refresh_token|client_secret|password|code_verifier|device_code)=)[^&#\s]*/gi, `$1${REDACTED}`);
}

function redactValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactValue);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = isSecretField(k) && typeof x === 'string' ? REDACTED : redactValue(x);
    return out;
  }
  return v;
}

/** Redacts a recorded body: JSON by field name, otherwise url-encoded and HTML-form patterns. */
export function redactJsonText(text: string): string {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(text)));
    } catch {
      // fall through to pattern redaction
    }
  }
  return redactUrl(text)
    .replace(/(name="(?:code|refresh_token|client_secret|password|code_verifier|device_code|otp)"\s+value=")[^"]*/gi, `$1${REDACTED}`)
    .replace(/(^|&)((?:code|refresh_token|client_secret|client_assertion|assertion|password|code_verifier|device_code|subject_token)=)[^&]*/gi, `$1$2${REDACTED}`);
}
