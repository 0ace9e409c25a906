/**
 * classifyError: turns anything thrown (or an Entra error body) into the plain ErrorInfo the model carries.
 * The engine calls it for every failed step; faces then call explainText for the long explanation.
 */
import type { ErrorInfo } from '../model';
import { extract } from './extract';
import { redactText } from '../trace/redact';

const NETWORK =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|EPIPE|network_error|endpoints_resolution_error|UND_ERR_SOCKET|fetch failed|socket hang up|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|Proxy Authentication Required|tunneling socket)\b/i;
const TIMEOUT = /\b(ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_CONNECT_TIMEOUT|TimeoutError|timed out|Request timeout)\b/i;
const UNAVAILABLE =
  /\b(CredentialUnavailableError|credential_unavailable|imds_unavailable|authentication unavailable|is unavailable)\b/i;
const PROCESS =
  /(spawn \S+ ENOENT|is not recognized as an internal or external command|: (?:command )?not found|executable not found|could not be found\. Please visit)/i;
const CONFIG =
  /\b(ClientConfigurationError|authority_uri_insecure|untrusted_authority|url_parse_error|invalid_authority_type|Invalid tenant id provided|AZURE_TOKEN_CREDENTIALS)\b/i;
const PARSE = /\b(token_parsing_error|SyntaxError|Unexpected token|is not valid JSON)\b/i;

function nameOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  try {
    const n = (e as { name?: unknown }).name;
    return typeof n === 'string' ? n : undefined;
  } catch {
    return undefined;
  }
}

/** A `kind` the thrower already decided (the engine's HTTP client, engine errors), mapped to ErrorInfo kinds. */
const OWN_KINDS: Record<string, string> = {
  network: 'network',
  timeout: 'timeout',
  aborted: 'aborted',
  proxy: 'network',
  'bad-url': 'config',
  'too-large': 'http',
  'credential-unavailable': 'credential-unavailable',
  process: 'process',
  config: 'config',
  parse: 'parse',
  http: 'http',
};

function ownKind(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  try {
    const k = (e as { kind?: unknown }).kind;
    return typeof k === 'string' && Object.hasOwn(OWN_KINDS, k) ? OWN_KINDS[k] : undefined;
  } catch {
    return undefined;
  }
}

export function classifyError(e: unknown): ErrorInfo {
  let x;
  try {
    x = extract(e instanceof Error || typeof e === 'object' ? e : String(e));
  } catch {
    x = extract(String(e));
  }
  const name = nameOf(e);
  const hay = [name ?? '', ...x.names, x.text].join('\n');
  let kind: string;
  if (
    name === 'AbortError' ||
    (/\bAbortError\b|\bThe operation was aborted\b/.test(hay.slice(0, 2000)) && !x.codes.length)
  )
    kind = 'aborted';
  else if (x.codes.length > 0) kind = 'aadsts';
  else if (ownKind(e)) kind = ownKind(e) as string;
  else if (UNAVAILABLE.test(hay)) kind = 'credential-unavailable';
  else if (TIMEOUT.test(hay)) kind = 'timeout';
  else if (NETWORK.test(hay)) kind = 'network';
  else if (PROCESS.test(hay)) kind = 'process';
  else if (CONFIG.test(hay)) kind = 'config';
  else if (PARSE.test(hay)) kind = 'parse';
  else if (x.context.httpStatus !== undefined || x.context.oauthError) kind = 'http';
  else kind = 'unknown';

  const info: ErrorInfo = { kind, message: redactText(x.message || (name ?? 'Unknown error')), errorCodes: x.codes };
  if (x.context.oauthError) info.oauthError = x.context.oauthError;
  if (x.context.httpStatus !== undefined) info.httpStatus = x.context.httpStatus;
  if (x.context.traceId) info.traceId = x.context.traceId;
  if (x.context.correlationId) info.correlationId = x.context.correlationId;
  if (x.context.timestamp) info.timestamp = x.context.timestamp;
  // Set by the engine on errors from a request that got no usable answer (see http/failure.ts).
  const networkFailure =
    typeof e === 'object' && e !== null ? (e as { networkFailure?: unknown }).networkFailure : undefined;
  if (typeof networkFailure === 'string') info.networkFailure = networkFailure;
  return info;
}
