/**
 * The one error a request that produced no HTTP response ends in. `kind` is what callers branch on (and failure.ts
 * classifies further); the message says, in words a person can act on, what the socket reported.
 */
import type { HttpRequest } from './types';

export type HttpErrorKind = 'network' | 'timeout' | 'aborted' | 'too-large' | 'proxy' | 'bad-url';

/** A request that produced no HTTP response. `kind` says why; `code` carries the socket error code when there is one. */
export class HttpRequestError extends Error {
  readonly kind: HttpErrorKind;
  readonly code?: string;
  readonly attempts: number;
  readonly url: string;
  constructor(
    kind: HttpErrorKind,
    message: string,
    opts: { code?: string; attempts?: number; url: string; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.name = kind === 'aborted' ? 'AbortError' : 'HttpRequestError';
    this.kind = kind;
    this.code = opts.code;
    this.attempts = opts.attempts ?? 1;
    this.url = opts.url;
  }
}

export function isHttpRequestError(e: unknown): e is HttpRequestError {
  return (
    e instanceof Error &&
    (e.name === 'HttpRequestError' || e.name === 'AbortError') &&
    typeof (e as { kind?: unknown }).kind === 'string'
  );
}

/** A socket or parser error in words, naming the proxy when the request went through one. */
export function netError(e: NodeJS.ErrnoException, url: string, proxy?: string): HttpRequestError {
  const code = e.code;
  const via = proxy ? ` (via proxy ${proxy})` : '';
  let msg = e.message;
  if (code === 'ECONNREFUSED') msg = `connection refused${via}`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') msg = `host not found${via}`;
  else if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH')
    msg = `unreachable ${code === 'ENETUNREACH' ? 'network' : 'host'} (${code})${via}`;
  else if (code === 'ECONNRESET') msg = `connection reset by the peer (ECONNRESET)${via}`;
  else if (code?.startsWith('HPE_')) msg = `malformed HTTP response (${code}): ${e.message}${via}`;
  else if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
    msg = `TLS certificate problem (${code}): ${e.message}${via}`;
  else if (code) msg = `${code}: ${e.message}${via}`;
  return new HttpRequestError('network', msg, { url, code, cause: e });
}

export function abortError(req: HttpRequest, attempts: number): HttpRequestError {
  return new HttpRequestError('aborted', 'the request was cancelled', { url: req.url, attempts });
}
