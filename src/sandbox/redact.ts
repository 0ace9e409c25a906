/**
 * Redaction of the sandbox's request recording (the wire-traffic log tests assert on). The rules are the product's
 * one redaction module (src/core/trace/redact.ts); this file only maps the recording's parts onto it and adds the
 * two OAuth spellings that module treats as context-dependent: `code` in forms / queries / redirects (an
 * authorization code) and the hidden inputs of the form_post page.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { REDACTED, isSecretName, redactText, redactValue } from '../core/trace/redact';

export { REDACTED };

/** OAuth parameters that name a kind of credential rather than carry one. */
const NOT_SECRET = new Set([
  'client_assertion_type',
  'subject_token_type',
  'requested_token_type',
  'actor_token_type',
  'requested_token_use',
  'token_type',
]);

/** Form / query names whose values are secret in OAuth requests. */
export function isSecretField(name: string): boolean {
  const n = name.toLowerCase();
  if (NOT_SECRET.has(n)) return false;
  return isSecretName(n) || n === 'code' || n === 'subject_token' || n === 'otp' || n === 'id_token_hint';
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
    } else if (key === 'www-authenticate') out[key] = v;
    else if (key === 'location') out[key] = redactUrl(v);
    else out[key] = isSecretName(key) ? REDACTED : v;
  }
  return out;
}

export function redactUrl(u: string): string {
  return redactText(
    u.replace(
      /([?&#](?:code|refresh_token|client_secret|password|code_verifier|device_code)=)[^&#\s]*/gi,
      `$1${REDACTED}`,
    ),
  );
}

/** Redacts a recorded body: JSON by field name (and token shapes), otherwise url-encoded and HTML-form patterns. */
export function redactJsonText(text: string): string {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(text)));
    } catch {
      // fall through to text redaction
    }
  }
  return redactText(
    redactUrl(text)
      .replace(
        /(name="(?:code|refresh_token|client_secret|password|code_verifier|device_code|otp)"\s+value=")[^"]*/gi,
        `$1${REDACTED}`,
      )
      .replace(
        /(^|&)((?:code|refresh_token|client_secret|client_assertion|assertion|password|code_verifier|device_code|subject_token)=)[^&]*/gi,
        `$1$2${REDACTED}`,
      ),
  );
}
