/**
 * Reads the error a resource put in its response: JSON `{ error: { code, message, innererror } }` (ARM, Graph, Key
 * Vault), OAuth-style `{ error, error_description }`, XML `<Error><Code/><Message/><AuthenticationErrorDetail/>` (Storage)
 * and `<Error><Code>401</Code><Detail/>` (Service Bus, Event Hubs), and Storage's `x-ms-error-code` header.
 * Bounded: the body is capped before parsing, XML is read with indexOf (no regular expression over the body, no
 * recursion), nested JSON is walked to a fixed depth.
 */

/** Largest body we parse for an error; the call itself keeps (and shows) more. */
export const MAX_ERROR_BODY_CHARS = 64 * 1024;
const MAX_TEXT = 4000;

export interface ResourceErrorBody {
  /** The top-level code (AuthorizationFailed, Forbidden, AuthenticationFailed, 401 …). */
  code?: string;
  /** A more precise code under it: Key Vault innererror.code, Service Bus "InvalidIssuer:" prefix. */
  innerCode?: string;
  message?: string;
  /** Storage's AuthenticationErrorDetail. */
  detail?: string;
  format: 'json' | 'xml' | 'text' | 'empty';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, MAX_TEXT) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlUnescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, e: string) => {
    if (e[0] !== '#') return XML_ENTITIES[e] ?? m;
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Text of the first <tag>…</tag> (no attributes, as Storage and Service Bus write them). */
function xmlElement(body: string, tag: string): string | undefined {
  const open = `<${tag}>`;
  const a = body.indexOf(open);
  if (a < 0) return undefined;
  const b = body.indexOf(`</${tag}>`, a + open.length);
  if (b < 0) return undefined;
  return xmlUnescape(body.slice(a + open.length, b))
    .trim()
    .slice(0, MAX_TEXT);
}

function fromJson(j: unknown): ResourceErrorBody | undefined {
  const root = obj(j);
  if (!root) return undefined;
  const e = obj(root.error);
  if (e) {
    const out: ResourceErrorBody = { format: 'json' };
    const code = str(e.code);
    if (code) out.code = code;
    const message = str(e.message);
    if (message) out.message = message;
    // Key Vault: innererror.code; Graph: innerError carries request ids only; ARM: details[0].code.
    const inner = obj(e.innererror) ?? obj(e.innerError);
    const innerCode = str(inner?.code) ?? (Array.isArray(e.details) ? str(obj(e.details[0])?.code) : undefined);
    if (innerCode && innerCode !== code) out.innerCode = innerCode;
    return out;
  }
  // OAuth style ({ error: "invalid_token", error_description }) or ARM's bare { code, message }.
  const code = str(root.error) ?? str(root.code) ?? str(root.Code);
  const message = str(root.error_description) ?? str(root.message) ?? str(root.Message);
  if (!code && !message) return undefined;
  const out: ResourceErrorBody = { format: 'json' };
  if (code) out.code = code;
  if (message) out.message = message;
  return out;
}

export function parseErrorBody(
  bodyText: string,
  headers: Record<string, string> = {},
  json?: unknown,
): ResourceErrorBody {
  const text = (bodyText ?? '').slice(0, MAX_ERROR_BODY_CHARS);
  const headerCode = headers['x-ms-error-code']?.slice(0, 200);
  let out: ResourceErrorBody | undefined;
  const t = text.trimStart();
  if (json !== undefined) out = fromJson(json);
  else if (t.startsWith('{')) {
    try {
      out = fromJson(JSON.parse(t));
    } catch {
      out = undefined;
    }
  }
  if (!out && t.startsWith('<')) {
    const code = xmlElement(t, 'Code');
    if (code !== undefined) {
      out = { format: 'xml', code };
      const message = xmlElement(t, 'Message');
      if (message) out.message = message;
      const detail = xmlElement(t, 'AuthenticationErrorDetail');
      if (detail) out.detail = detail;
      const sbDetail = xmlElement(t, 'Detail');
      if (sbDetail) {
        out.message = sbDetail;
        // Service Bus / Event Hubs: "InvalidIssuer: Token issuer is invalid. TrackingId:…"
        const colon = sbDetail.indexOf(':');
        const head = colon > 0 && colon <= 64 ? sbDetail.slice(0, colon) : '';
        if (/^[A-Za-z]+$/.test(head)) out.innerCode = head;
      }
    }
  }
  if (!out) out = t.length ? { format: 'text', message: text.slice(0, MAX_TEXT) } : { format: 'empty' };
  if (headerCode && !out.code) out.code = headerCode;
  return out;
}
