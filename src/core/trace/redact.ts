/**
 * THE redaction module of the product. Every trace event passes through `Redactor.event()` before any sink sees it,
 * and every face that prints text it did not build itself passes it through `redactText()`.
 *
 * Three layers, applied together:
 * 1. By name: fields, form fields, headers, query parameters and environment variables whose name marks a secret
 *    (client_secret, client_assertion, refresh_token, password, access_token, Authorization, X-IDENTITY-HEADER, …).
 * 2. By shape: JWTs, PEM private keys / certificates, `Bearer …` / `Basic …` credentials, `"accessToken": "…"`
 *    pairs inside text (child-process output), `secret=…` pairs inside URLs and form text.
 * 3. By value: exact values the engine knows to be secret (AZURE_CLIENT_SECRET's value, a key file's contents, …)
 *    are removed wherever they appear, even inside free text.
 * SecretValue instances always become their marker.
 */
import { isSecretValue } from '../secret';
import type { TraceEvent } from './events';

export const REDACTED = '[REDACTED]';

/** Field / parameter / header names whose values are always secret (compared lower-case, `-` and `_` ignored). */
const SECRET_NAMES = new Set(
  [
    'client_secret',
    'clientsecret',
    'client_assertion',
    'clientassertion',
    'assertion',
    'refresh_token',
    'refreshtoken',
    'access_token',
    'accesstoken',
    'id_token',
    'idtoken',
    'token',
    'password',
    'passwd',
    'pwd',
    'secret',
    'code_verifier',
    'device_code',
    'devicecode',
    'authorization',
    'proxy-authorization',
    'x-identity-header',
    'cookie',
    'set-cookie',
    'private_key',
    'privatekey',
    'key',
    'sig',
    'signature',
    'x-ms-token',
    'client_assertion_jwt',
    'federated_token',
    'federatedtoken',
    'requested_token',
    'obo_assertion',
    'oboassertion',
    'session_key',
  ].map(normName),
);

/** Environment variables whose values are secret. */
export const SECRET_ENV_VARS = new Set([
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_PASSWORD',
  'IDENTITY_HEADER',
  'MSI_SECRET',
  'AZURE_KUBERNETES_CA_DATA',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'SYSTEM_ACCESSTOKEN',
  'AZURESUBSCRIPTION_SERVICE_CONNECTION_TOKEN',
]);

function normName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** True when a field / header / parameter / variable of this name holds a secret. */
export function isSecretName(name: string): boolean {
  if (SECRET_ENV_VARS.has(name.toUpperCase())) return true;
  const n = normName(name);
  if (SECRET_NAMES.has(n)) return true;
  return /(secret|password|passwd|assertion|refreshtoken|accesstoken|privatekey|apikey|sastoken)/.test(n);
}

/** In forms and query strings `code` is an authorization code (secret); in JSON bodies it is an error code (not). */
function isFormSecretName(name: string, value: string): boolean {
  return name.toLowerCase() === 'code' && value.length > 8;
}

// JWT / JWE-ish: three or five base64url segments starting with a base64url JSON header.
const JWT_RE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){1,3}/g;
const PEM_RE = /-----BEGIN ([A-Z0-9 ]*)-----[\s\S]*?(?:-----END \1-----|$)/g;
const AUTH_SCHEME_RE = /\b(Bearer|Basic|Negotiate|PoP)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// "name": "value" pairs in JSON text (CLI output, error bodies kept as text).
const JSON_PAIR_RE = /("([A-Za-z0-9_-]+)"\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
// name=value pairs in URLs, form bodies, command lines.
const KV_RE = /([?&;\s,]|^)([A-Za-z0-9_.-]+)=([^&\s;,"']+)/g;
// Long opaque base64-ish runs (refresh tokens, keys) after a secret-looking label: "secret: abc..."
const LABEL_RE =
  /\b(client[_ -]?secret|password|refresh[_ -]?token|access[_ -]?token|assertion|secret)(\s*[:=]\s*)(["']?)([^\s"',;&]{4,})\3/gi;

export interface RedactorOptions {
  /** Exact values to remove wherever they appear (≥ 4 characters). */
  secrets?: Iterable<string>;
}

export class Redactor {
  readonly #secrets = new Set<string>();
  /** The secrets longest first, kept until one is added: text() runs for every line a traced program logs. */
  #ordered: string[] | undefined;

  constructor(options: RedactorOptions = {}) {
    for (const s of options.secrets ?? []) this.addSecret(s);
  }

  /** Remembers a value that must never appear in output (and its trimmed / URL-encoded forms). */
  addSecret(value: string | undefined | null): void {
    if (typeof value !== 'string') return;
    for (const v of [
      value,
      value.trim(),
      encodeURIComponent(value.trim()),
      new URLSearchParams({ v: value.trim() }).toString().slice(2),
    ]) {
      if (v.length >= 4) this.#secrets.add(v);
    }
    this.#ordered = undefined;
  }

  /** Adds the values of every secret environment variable in env. */
  addSecretsFromEnv(env: Readonly<Record<string, string | undefined>>): void {
    for (const [k, v] of Object.entries(env)) if (v && isSecretName(k) && /^[A-Z0-9_]+$/.test(k)) this.addSecret(v);
  }

  /** Scrubs free text: known secret values, JWTs, PEM blocks, auth headers, secret-named pairs. */
  text(input: string): string {
    if (!input) return input;
    let s = input;
    // Longest first so that a secret containing another is removed whole.
    for (const secret of (this.#ordered ??= [...this.#secrets].sort((a, b) => b.length - a.length))) {
      if (s.includes(secret)) s = s.split(secret).join(REDACTED);
    }
    // Each pattern below cannot match without the text tested before it (PEM's header, the ':' or '=' after a label,
    // a JWT's "eyJ", a JSON string's quote, a pair's '='), so a line without it is left as it is, unscanned.
    if (s.includes('-----BEGIN'))
      s = s.replace(PEM_RE, (_m, label: string) =>
        /CERTIFICATE/.test(label) && !/PRIVATE/.test(label)
          ? `-----BEGIN ${label}----- ${REDACTED} -----END ${label}-----`
          : `[REDACTED ${label.trim() || 'PEM'}]`,
      );
    // Labelled values before JWT shapes: a secret followed by a JWT in one run of characters must go whole.
    if (s.includes(':') || s.includes('='))
      s = s.replace(LABEL_RE, (m, label: string, sep: string, q: string, value: string) =>
        value.includes('REDACTED') ? m : `${label}${sep}${q}${REDACTED}${q}`,
      );
    if (s.includes('eyJ')) s = s.replace(JWT_RE, '[REDACTED JWT]');
    s = s.replace(AUTH_SCHEME_RE, (_m, scheme: string) => `${scheme} ${REDACTED}`);
    if (s.includes('"'))
      s = s.replace(JSON_PAIR_RE, (m, prefix: string, name: string) =>
        isSecretName(name) ? `${prefix}"${REDACTED}"` : m,
      );
    if (s.includes('='))
      s = s.replace(KV_RE, (m, lead: string, name: string, value: string) =>
        isSecretName(name) || isFormSecretName(name, value) ? `${lead}${name}=${REDACTED}` : m,
      );
    return s;
  }

  /** Scrubs a URL: secret query parameters and userinfo. Falls back to text() for unparsable input. */
  url(input: string): string {
    let u: URL;
    try {
      u = new URL(input);
    } catch {
      return this.text(input);
    }
    let changed = false;
    if (u.password) {
      u.password = 'REDACTED';
      changed = true;
    }
    for (const [k, v] of [...u.searchParams]) {
      if (isSecretName(k) || isFormSecretName(k, v)) {
        u.searchParams.set(k, REDACTED);
        changed = true;
      }
    }
    // Unchanged URLs keep their exact spelling (no added trailing slash, no re-encoding).
    return this.text(changed ? u.toString() : input);
  }

  /** Deep-copies a JSON-like value, redacting secret-named fields and scrubbing every string. */
  value(input: unknown, name?: string, depth = 0): unknown {
    if (name !== undefined && isSecretName(name) && input !== null && input !== undefined && input !== '') {
      return typeof input === 'string' || typeof input === 'number' || isSecretValue(input)
        ? REDACTED
        : this.value(input, undefined, depth);
    }
    if (isSecretValue(input)) return REDACTED;
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object') return input;
    if (depth > 20) return '[too deep]';
    if (Array.isArray(input)) return input.map((v) => this.value(v, undefined, depth + 1));
    if (input instanceof URLSearchParams) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of input) o[k] = isFormSecretName(k, v) ? REDACTED : this.value(v, k, depth + 1);
      return o;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) out[k] = this.value(v, k, depth + 1);
    return out;
  }

  /** Headers: secret-named values become the marker; others are scrubbed as text. */
  headers(h: Record<string, string> | undefined): Record<string, string> | undefined {
    if (!h) return h;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) {
      if (isSecretName(k)) {
        // Keep the scheme of an Authorization header: it tells the reader which auth was used.
        const scheme = /^(Bearer|Basic|PoP|Negotiate)\s/i.exec(v)?.[1];
        out[k] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
      } else out[k] = this.text(String(v));
    }
    return out;
  }

  /** Returns a redacted deep copy of a trace event. */
  event(e: TraceEvent): TraceEvent {
    switch (e.kind) {
      case 'config':
        return {
          ...e,
          variables: e.variables?.map((v) => ({
            ...v,
            value: v.value === undefined ? undefined : isSecretName(v.name) ? maskSecret(v.value) : this.text(v.value),
            note: v.note === undefined ? undefined : this.text(v.note),
          })),
          files: e.files?.map((f) => ({
            ...f,
            path: this.text(f.path),
            note: f.note === undefined ? undefined : this.text(f.note),
          })),
          executables: e.executables?.map((x) => ({ ...x })),
          endpoints: e.endpoints?.map((p) => ({ ...p, url: this.url(p.url) })),
          settings: e.settings === undefined ? undefined : (this.value(e.settings) as ConfigSettings),
        };
      case 'http':
        return {
          ...e,
          url: this.url(e.url),
          requestHeaders: this.headers(e.requestHeaders),
          responseHeaders: this.headers(e.responseHeaders),
          requestBody:
            e.requestBody === undefined
              ? undefined
              : typeof e.requestBody === 'string'
                ? this.formText(e.requestBody)
                : this.value(e.requestBody),
          responseBody: e.responseBody === undefined ? undefined : this.value(e.responseBody),
          error: e.error === undefined ? undefined : this.text(e.error),
          retryReason: e.retryReason === undefined ? undefined : this.text(e.retryReason),
          proxy: e.proxy ? this.url(e.proxy) : e.proxy,
        };
      case 'process':
        return {
          ...e,
          args: redactArgs(e.args, this),
          stdout: e.stdout === undefined ? undefined : this.text(e.stdout),
          stderr: e.stderr === undefined ? undefined : this.text(e.stderr),
        };
      case 'outcome':
        return { ...e, message: this.text(e.message) };
      case 'note':
        return {
          ...e,
          message: this.text(e.message),
          data: e.data === undefined ? undefined : (this.value(e.data) as Record<string, unknown>),
        };
      case 'step-start':
        return { ...e, description: e.description === undefined ? undefined : this.text(e.description) };
      default:
        return this.value(e) as TraceEvent;
    }
  }

  /** A form body given as text: parse it when it looks like a form, else scrub as text. */
  formText(s: string): unknown {
    if (/^[^\s{}[\]"]*=[^\s]*$/.test(s.trim())) return this.value(new URLSearchParams(s));
    try {
      return this.value(JSON.parse(s));
    } catch {
      return this.text(s);
    }
  }
}

type ConfigSettings = Record<string, string | number | boolean | null>;

/** Command-line arguments: the value after a secret-named flag (`-p`, `--password`, `--client-secret`, …) is removed. */
function redactArgs(args: string[], r: Redactor): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const prev = args[i - 1];
    if (
      prev !== undefined &&
      /^(-p|--password|-Password|--client-secret|--secret|--federated-token|--assertion|--token|-AccessToken)$/i.test(
        prev,
      )
    ) {
      out.push(REDACTED);
    } else {
      out.push(r.text(a));
    }
  }
  return out;
}

/** How a secret variable's value is shown: set, its length, nothing else. */
export function maskSecret(value: string): string {
  return value ? `${REDACTED} (${value.length} chars)` : '';
}

/** A process-wide redactor for places with no engine context (faces printing foreign text). */
export const defaultRedactor = new Redactor();

/** Scrubs free text with the shape rules (and the process-wide known secrets). */
export function redactText(s: string): string {
  return defaultRedactor.text(s);
}

/** Redacted deep copy of any JSON-like value. */
export function redactValue(v: unknown): unknown {
  return defaultRedactor.value(v);
}
