/**
 * Fetching signing keys (a JWKS URL, or OIDC discovery) within one overall deadline, through the engine's HTTP
 * client (extra CA, proxies, bounded body), with failures classified: a key server that never answers, or answers
 * one byte at a time, ends at the deadline with kind 'timeout', and an untrusted certificate says so.
 */
import { createHttpClient, isHttpRequestError } from '../http/client';
import { classifyRequestFailure, FAILURE_LABEL, type NetworkFailureClass } from '../http/failure';
import type { HttpClient } from '../http/types';
import { discoverJwks, parseJwks, type JSONWebKeySet } from './validate';

export type KeyFetchErrorKind = NetworkFailureClass | 'http-status' | 'not-json' | 'not-jwks';

export class KeyFetchError extends Error {
  readonly kind: KeyFetchErrorKind;
  readonly url: string;
  readonly status?: number;
  constructor(
    kind: KeyFetchErrorKind,
    url: string,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KeyFetchError';
    this.kind = kind;
    this.url = url;
    if (options.status !== undefined) this.status = options.status;
  }
}

export function isKeyFetchError(e: unknown): e is KeyFetchError {
  return e instanceof Error && e.name === 'KeyFetchError' && typeof (e as { kind?: unknown }).kind === 'string';
}

export const DEFAULT_KEY_FETCH_TIMEOUT_MS = 10_000;
/** A JWKS or OpenID configuration is a few KB; Entra's are under 20 KB. */
export const MAX_KEY_DOCUMENT_BYTES = 1024 * 1024;

export interface KeyFetchOptions {
  /** Overall deadline for everything the fetch does (discovery's two requests together). Default 10 s. */
  timeoutMs?: number;
  /** Extra CA certificate(s), PEM, trusted in addition to Node's roots. */
  ca?: string;
  signal?: AbortSignal;
  /** Environment for HTTPS_PROXY / NO_PROXY (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Largest document accepted. Default 1 MiB. */
  maxBytes?: number;
  /** A client to use instead of a fresh one (tests, traced runs). */
  http?: HttpClient;
  now?: () => number;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A GET-JSON function whose calls share one deadline, counted from its creation. */
export function boundedJsonGetter(options: KeyFetchOptions = {}): (url: string) => Promise<unknown> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEY_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_KEY_DOCUMENT_BYTES;
  const http =
    options.http ?? createHttpClient({ ca: options.ca, env: options.env, maxBodyBytes: maxBytes, bodies: 'none' });
  const deadline = now() + timeoutMs;
  const timedOut = (url: string) =>
    new KeyFetchError('timeout', url, `GET ${url}: no complete answer within ${seconds(timeoutMs)} (the time limit)`);
  return async (url: string) => {
    const left = deadline - now();
    if (left <= 0) throw timedOut(url);
    let res;
    try {
      res = await http.send({
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
        timeoutMs: left,
        signal: options.signal,
      });
    } catch (e) {
      if (!isHttpRequestError(e)) throw e;
      const kind = classifyRequestFailure(e);
      if (kind === 'timeout') throw timedOut(url);
      if (kind === 'too-large')
        throw new KeyFetchError(
          kind,
          url,
          `GET ${url}: the answer is larger than ${maxBytes} bytes (a key set is a few KB)`,
          { cause: e },
        );
      const detail = e.message.toLowerCase().startsWith(FAILURE_LABEL[kind].toLowerCase())
        ? e.message
        : `${FAILURE_LABEL[kind]}: ${e.message}`;
      throw new KeyFetchError(kind, url, `GET ${url}: ${detail}`, { cause: e });
    }
    if (res.status < 200 || res.status > 299)
      throw new KeyFetchError('http-status', url, `GET ${url} answered HTTP ${res.status}`, { status: res.status });
    try {
      return JSON.parse(res.bodyText) as unknown;
    } catch {
      throw new KeyFetchError(
        'not-json',
        url,
        `GET ${url}: the answer is not JSON (${res.headers['content-type'] ?? 'no content-type'})`,
      );
    }
  };
}

/** GET a JWKS document from a URL within the deadline. */
export async function fetchJwksUrl(url: string, options: KeyFetchOptions = {}): Promise<JSONWebKeySet> {
  const doc = await boundedJsonGetter(options)(url);
  try {
    return parseJwks(doc);
  } catch (e) {
    throw new KeyFetchError('not-jwks', url, `GET ${url}: ${(e as Error).message}`);
  }
}

/** OIDC discovery (issuer → openid-configuration → jwks_uri → keys), both requests within one deadline. */
export async function discoverJwksBounded(
  issuer: string,
  options: KeyFetchOptions & { authorityHost?: string } = {},
): Promise<JSONWebKeySet> {
  const get = boundedJsonGetter(options);
  try {
    return await discoverJwks(issuer, get, options.authorityHost ? { authorityHost: options.authorityHost } : {});
  } catch (e) {
    if (isKeyFetchError(e)) throw e;
    throw new KeyFetchError('not-jwks', issuer, `discovery for ${issuer}: ${(e as Error).message}`, { cause: e });
  }
}
