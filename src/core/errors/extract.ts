/**
 * Parsers: pull AADSTS codes and support context (trace id, correlation id, timestamp, credential, OAuth error)
 * out of whatever the user has: an Entra JSON body, an error_description, an msal-node or Azure Identity error
 * object, Azure CLI / azd stderr, or free text with noise around it. Never throws; bounded in time and size.
 */

/** Largest text we scan. Longer input is cut (log files); codes beyond this point are not seen. */
export const MAX_EXPLAIN_CHARS = 2 * 1024 * 1024;
const MAX_NODES = 5000;
const MAX_DEPTH = 12;

export interface ErrorContext {
  /** What a rejected client assertion carried (workload identity federation errors spell it out). */
  assertion?: { issuer?: string; subject?: string; audience?: string };
  traceId?: string;
  correlationId?: string;
  timestamp?: string;
  credential?: string;
  oauthError?: string;
  httpStatus?: number;
}

export interface Extracted {
  /** AADSTS codes in order of first appearance, without duplicates. */
  codes: number[];
  context: ErrorContext;
  /** All text found (object fields flattened), used for pattern matching. */
  text: string;
  /** Short human message for the error (first meaningful line). */
  message: string;
  /** Error names and codes seen on objects (CredentialUnavailableError, ECONNREFUSED, network_error, …). */
  names: string[];
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const RE_AADSTS = /AADSTS[ :]?(\d{4,8})(?!\d)/gi;
const RE_ERROR_CODES = /"?error_?codes"?\s*[:=]\s*\[([\d,\s]{1,400})\]/gi;
const RE_TRACE = new RegExp(`trace[ _-]?id["']?\\s*[:=]\\s*["']?(${GUID})`, 'i');
const RE_CORR = new RegExp(`(?:correlation[ _-]?id|client-request-id)["']?\\s*[:=]\\s*["']?(${GUID})`, 'i');
const RE_TIME =
  /timestamp["']?\s*[:=]\s*["']?(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)/i;
const RE_OAUTH = /"error"\s*:\s*"([a-z_]{3,60})"/;
const RE_OAUTH_TEXT =
  /\b(invalid_client|invalid_grant|invalid_request|invalid_scope|invalid_resource|unauthorized_client|unsupported_grant_type|interaction_required|consent_required|login_required|access_denied|authorization_pending|authorization_declined|expired_token|bad_verification_code|slow_down|temporarily_unavailable|server_error|credential_unavailable|imds_unavailable)\b/;
const RE_STATUS =
  /(?:\bRESPONSE|\bstatus(?:Code)?|\bHTTP\/\d(?:\.\d)?|\bstatus code)["']?\s*[:=]?\s*["']?([1-5]\d\d)\b/i;

/** Credential names as the SDKs print them (Go and JS spell the CLI one differently). */
const CREDENTIALS = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'AzureCLICredential',
  'AzureCliCredential',
  'AzureDeveloperCLICredential',
  'AzureDeveloperCliCredential',
  'AzurePowerShellCredential',
  'VisualStudioCodeCredential',
  'SharedTokenCacheCredential',
  'VisualStudioCredential',
  'InteractiveBrowserCredential',
  'BrokerCredential',
  'ClientSecretCredential',
  'ClientCertificateCredential',
  'ClientAssertionCredential',
  'DeviceCodeCredential',
  'UsernamePasswordCredential',
  'OnBehalfOfCredential',
  'AzurePipelinesCredential',
  'GitHubActionsCredential',
  'DefaultAzureCredential',
  'ChainedTokenCredential',
];
const RE_CREDENTIAL = new RegExp(`\\b(${CREDENTIALS.join('|')})\\b`, 'g');
const CANONICAL: Record<string, string> = {
  AzureCliCredential: 'AzureCLICredential',
  AzureDeveloperCliCredential: 'AzureDeveloperCLICredential',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Flattens an object graph (errors, bodies, causes, aggregates) into text and structured hints. */
function walk(input: unknown): { texts: string[]; fields: Map<string, unknown[]> } {
  const texts: string[] = [];
  const fields = new Map<string, unknown[]>();
  const seen = new Set<unknown>();
  let nodes = 0;
  let size = 0;
  const add = (k: string, v: unknown) => {
    const key = k.toLowerCase().replace(/[_-]/g, '');
    const list = fields.get(key);
    if (list) list.push(v);
    else fields.set(key, [v]);
  };
  const pushText = (s: string) => {
    if (size >= MAX_EXPLAIN_CHARS) return;
    const cut = s.slice(0, MAX_EXPLAIN_CHARS - size);
    size += cut.length;
    texts.push(cut);
  };
  const visit = (v: unknown, depth: number, key: string) => {
    if (nodes++ > MAX_NODES || depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      if (key) add(key, v);
      pushText(v);
      return;
    }
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      if (key) add(key, typeof v === 'bigint' ? Number(v) : v);
      if (key && /code|status|errno/i.test(key)) pushText(`${key}: ${String(v)}`);
      return;
    }
    if (!isRecord(v) || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      if (key) add(key, v);
      for (const item of v.slice(0, 200))
        visit(item, depth + 1, Array.isArray(item) ? '' : key.endsWith('s') ? key.slice(0, -1) : '');
      return;
    }
    let keys: string[] = [];
    try {
      keys = Object.keys(v);
    } catch {
      return;
    }
    if (v instanceof Error) {
      // name, message and cause are often non-enumerable on Error instances.
      for (const k of ['name', 'message', 'code', 'cause', 'errors']) if (!keys.includes(k)) keys.push(k);
    }
    for (const k of keys.slice(0, 200)) {
      if (k === 'stack') continue;
      let child: unknown;
      try {
        child = (v as Record<string, unknown>)[k];
      } catch {
        continue;
      }
      if (child === undefined || typeof child === 'function') continue;
      visit(child, depth + 1, k);
    }
  };
  visit(input, 0, '');
  return { texts, fields };
}

function firstString(fields: Map<string, unknown[]>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    for (const v of fields.get(k) ?? []) if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

function firstNumber(fields: Map<string, unknown[]>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    for (const v of fields.get(k) ?? []) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : NaN;
      if (Number.isInteger(n) && n >= 100 && n <= 599) return n;
    }
  }
  return undefined;
}

function tryParseJson(s: string): unknown {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** A JSON body inside other text (Go SDK errors, az --debug output): the span from the first '{' to the last '}'. */
function embeddedJson(s: string): unknown {
  const a = s.indexOf('{');
  const b = s.lastIndexOf('}');
  if (a < 0 || b <= a || b - a > 256 * 1024) return undefined;
  const v = tryParseJson(s.slice(a, b + 1));
  return isRecord(v) ? v : undefined;
}

function firstLine(s: string): string {
  for (const line of s.split(/\r?\n/)) {
    const t = line.trim();
    if (t && !/^(Trace ID|Correlation ID|Timestamp):/i.test(t) && !/^-+$/.test(t))
      return t.length > 500 ? `${t.slice(0, 497)}...` : t;
  }
  return '';
}

type Fields = Map<string, unknown[]>;

export function extract(input: unknown): Extracted {
  let root: unknown = input;
  let rawText = '';
  if (typeof input === 'string') {
    rawText = input.length > MAX_EXPLAIN_CHARS ? input.slice(0, MAX_EXPLAIN_CHARS) : input;
    root = tryParseJson(rawText) ?? embeddedJson(rawText);
  } else if (typeof input === 'number' || typeof input === 'bigint') {
    rawText = String(input);
    root = undefined;
  }
  const { texts, fields } =
    root === undefined || root === null ? { texts: [], fields: new Map() as Fields } : walk(root);
  const text = [rawText, ...texts].filter(Boolean).join('\n');
  const context: ErrorContext = { ...requestContext(fields, text), ...assertionContext(text) };
  const credential = credentialNamed(fields, text);
  if (credential) context.credential = credential;
  const description = firstString(fields, 'errordescription', 'errormessage', 'message');
  const message = firstLine(description ?? (rawText || text));
  return { codes: aadstsCodes(rawText, text, fields), context, text, message, names: errorNames(fields) };
}

/** AADSTS codes in order of first appearance: bare codes, codes in the text, and codes in error-code fields. */
function aadstsCodes(rawText: string, text: string, fields: Fields): number[] {
  const codes: number[] = [];
  const addCode = (n: number) => {
    if (Number.isSafeInteger(n) && n > 0 && !codes.includes(n)) codes.push(n);
  };
  // Bare codes: "50012", "AADSTS50012", "50012 70002", "50012,AADSTS70002".
  if (rawText.length < 2000 && /^\s*(?:(?:AADSTS)?[ :]?\d{4,8}(?:[\s,;]+|$))+$/i.test(rawText)) {
    for (const m of rawText.matchAll(/(\d{4,8})/g)) addCode(Number(m[1]));
  }
  for (const m of text.matchAll(RE_AADSTS)) addCode(Number(m[1]));
  for (const k of ['errorcodes', 'errorcode', 'suberror', 'errorno']) {
    for (const v of fields.get(k) ?? []) {
      const list = Array.isArray(v) ? v : [v];
      for (const item of list) {
        if (typeof item === 'number' && item >= 1000) addCode(item);
        else if (typeof item === 'string' && /^(?:AADSTS)?\d{4,8}$/i.test(item.trim()))
          addCode(Number(item.trim().replace(/^AADSTS/i, '')));
      }
    }
  }
  for (const m of text.matchAll(RE_ERROR_CODES))
    for (const n of m[1].split(',')) if (n.trim()) addCode(Number(n.trim()));
  return codes;
}

/** Trace and correlation ids, the timestamp, the OAuth error word and the HTTP status, each checked for its form. */
function requestContext(fields: Fields, text: string): ErrorContext {
  const context: ErrorContext = {};
  const traceId = firstString(fields, 'traceid') ?? RE_TRACE.exec(text)?.[1];
  const correlationId = firstString(fields, 'correlationid', 'clientrequestid') ?? RE_CORR.exec(text)?.[1];
  const timestamp = firstString(fields, 'timestamp') ?? RE_TIME.exec(text)?.[1];
  if (traceId && new RegExp(`^${GUID}$`).test(traceId)) context.traceId = traceId.toLowerCase();
  if (correlationId && new RegExp(`^${GUID}$`).test(correlationId)) context.correlationId = correlationId.toLowerCase();
  if (timestamp && timestamp.length <= 40) context.timestamp = timestamp;

  const msalCode = firstString(fields, 'errorcode');
  const oauth =
    firstString(fields, 'error') ??
    (msalCode && RE_OAUTH_TEXT.test(msalCode) ? msalCode : undefined) ??
    RE_OAUTH.exec(text)?.[1] ??
    RE_OAUTH_TEXT.exec(text)?.[1];
  if (oauth && /^[a-z_]{3,60}$/.test(oauth)) context.oauthError = oauth;
  const status = firstNumber(fields, 'statuscode', 'status', 'httpstatus') ?? Number(RE_STATUS.exec(text)?.[1] ?? NaN);
  if (Number.isInteger(status) && status >= 100 && status <= 599) context.httpStatus = status;
  return context;
}

/** AADSTS70021 / 700211 / 700212 / 700213: "Assertion Issuer: 'x'. Assertion Subject: 'y'." or "presented assertion subject 'y'". */
function assertionContext(text: string): ErrorContext {
  const assertion: NonNullable<ErrorContext['assertion']> = {};
  for (const part of ['issuer', 'subject', 'audience'] as const) {
    const m = new RegExp(`(?:Assertion ${part}:\\s*|presented assertion ${part}\\s+)'([^'\\r\\n]{1,500})'`, 'i').exec(
      text,
    );
    if (m) assertion[part] = m[1];
  }
  return Object.keys(assertion).length ? { assertion } : {};
}

/** The credential the error is about: a field, else the specific credential named last before the first AADSTS code. */
function credentialNamed(fields: Fields, text: string): string | undefined {
  const credField = firstString(fields, 'credential');
  const credentials = [...text.matchAll(RE_CREDENTIAL)].map((m) => ({
    name: CANONICAL[m[1]] ?? m[1],
    at: m.index ?? 0,
  }));
  const firstCodeAt = text.search(/AADSTS\d/i);
  const specific = credentials.filter(
    (c) => c.name !== 'DefaultAzureCredential' && c.name !== 'ChainedTokenCredential',
  );
  const beforeCode = firstCodeAt >= 0 ? specific.filter((c) => c.at < firstCodeAt).pop() : undefined;
  return credField ?? beforeCode?.name ?? specific[0]?.name ?? credentials[0]?.name;
}

function errorNames(fields: Fields): string[] {
  const names: string[] = [];
  for (const k of ['name', 'code', 'errorcode', 'errortype']) {
    for (const v of fields.get(k) ?? [])
      if (typeof v === 'string' && v.length < 100 && !names.includes(v)) names.push(v);
  }
  return names;
}
