/**
 * One request with a token to a resource, through the engine's traced HTTP client, and its answer explained.
 *
 * - The request goes only where the user said: https, or plain http to a loopback address (local emulators, the
 *   sandbox); a redirect is followed only to the same origin (at most 3 hops), never to another host with the token.
 * - One overall deadline covers every hop; the body is capped; nothing is retried (a 401 must be seen, not hidden).
 * - The token is registered with the run's redactor, so it is removed from the trace, the shown headers and the body.
 */
import net from 'node:net';
import { createHttpClient, isHttpRequestError } from '../http/client';
import type { HttpRequest, HttpResponse } from '../http/types';
import type { StepTracer } from '../trace/tracer';
import { Redactor, REDACTED } from '../trace/redact';
import { decodeToken } from '../token/decode';
import type { TokenVerdict, Validation } from '../token/validate';
import { explainResourceResponse, type ResourceExplanation } from './explain';
import { serviceForUrl, serviceInfo, type ResourceService, type ServiceInfo } from './services';

export type ResourceMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const RESOURCE_METHODS: readonly ResourceMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export type ResourceCallErrorKind =
  'bad-url' | 'insecure-url' | 'bad-token' | 'bad-header' | 'timeout' | 'aborted' | 'too-large' | 'network';

/** A call that produced no answer to explain; `kind` says why in a word, the message in a sentence. */
export class ResourceCallError extends Error {
  readonly kind: ResourceCallErrorKind;
  constructor(kind: ResourceCallErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResourceCallError';
    this.kind = kind;
  }
}

export function isResourceCallError(e: unknown): e is ResourceCallError {
  return e instanceof Error && e.name === 'ResourceCallError' && typeof (e as { kind?: unknown }).kind === 'string';
}

export interface ResourceCallRequest {
  method: ResourceMethod;
  url: string;
  /** The access token (a `Bearer ` prefix or quotes around it are removed). */
  token: string;
  headers?: Record<string, string>;
  body?: string;
  /** Which API this is, when the host does not say (loopback emulators, the sandbox). */
  service?: Exclude<ResourceService, 'unknown'>;
  /** The resource the API expects (default: the service's public-cloud resource). */
  resource?: string;
}

export interface ResourceCallOptions {
  trace?: StepTracer;
  /** Extra CA (PEM): the sandbox's. */
  ca?: string;
  proxy?: string;
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Whole call, every hop included (default 30 s). */
  deadlineMs?: number;
  /** Largest response body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Local verdict on the token (verified | invalid | unverified), or the validation it comes from. */
  tokenVerdict?: TokenVerdict;
  validation?: Validation;
  now?: () => number;
}

export interface RedirectNote {
  status: number;
  location: string;
  followed: boolean;
  reason: string;
}

export interface ResourceCallResult {
  request: { method: ResourceMethod; url: string; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; bodyText: string; durationMs: number };
  redirects: RedirectNote[];
  explanation: ResourceExplanation;
  /** The token's claims were readable (a JWT); false for opaque tokens. */
  tokenDecoded: boolean;
}

const MAX_REDIRECTS = 3;

/** Loopback: 127.0.0.0/8, ::1, localhost (plain http is accepted only there). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Checks a URL the user gave: absolute, http(s), https unless loopback, no credentials in it. */
export function checkResourceUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ResourceCallError('bad-url', `not an absolute URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new ResourceCallError('bad-url', `unsupported scheme ${u.protocol} (use https://)`);
  if (u.username || u.password)
    throw new ResourceCallError(
      'bad-url',
      'the URL carries a user name or password; remove it (the token is the only credential sent)',
    );
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new ResourceCallError(
      'insecure-url',
      `plain http is accepted only for loopback addresses (local emulators); use https://${u.host}${u.pathname}${u.search} — a token must not travel unencrypted`,
    );
  }
  return u;
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host.toLowerCase() === b.host.toLowerCase();
}

export async function callResource(
  req: ResourceCallRequest,
  options: ResourceCallOptions = {},
): Promise<ResourceCallResult> {
  const now = options.now ?? Date.now;
  const { url: first, decoded, raw, headers } = checkRequest(req);
  const redactor = new Redactor();
  redactor.addSecret(raw);
  options.trace?.addSecret?.(raw);
  const { res, url, redirects } = await sendFollowingRedirects(req, first, headers, redactor, options, now);
  const service: ServiceInfo = req.service ? serviceInfo(req.service, req.resource) : serviceForUrl(url);
  const verdict = options.tokenVerdict ?? options.validation?.verdict;
  const claims = decoded.ok && decoded.kind === 'jwt' ? decoded.payload : undefined;
  const explanation = explainResourceResponse({
    response: res,
    service,
    ...(claims ? { claims } : {}),
    ...(verdict ? { tokenVerdict: verdict } : {}),
    now: now(),
    url: url.toString(),
  });
  const shownHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    shownHeaders[k] = k.toLowerCase() === 'authorization' ? `Bearer ${REDACTED}` : redactor.text(v);
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) responseHeaders[k] = redactor.text(v);
  return {
    request: { method: req.method, url: redactor.text(url.toString()), headers: shownHeaders },
    response: {
      status: res.status,
      headers: responseHeaders,
      bodyText: redactor.text(res.bodyText),
      durationMs: res.durationMs,
    },
    redirects,
    explanation,
    tokenDecoded: claims !== undefined,
  };
}

/** Checks the method, URL, token and headers before anything is sent; the headers come back with the token in them. */
function checkRequest(req: ResourceCallRequest): {
  url: URL;
  decoded: ReturnType<typeof decodeToken>;
  raw: string;
  headers: Record<string, string>;
} {
  if (!(RESOURCE_METHODS as readonly string[]).includes(req.method))
    throw new ResourceCallError(
      'bad-url',
      `unsupported method ${String(req.method).slice(0, 20)} (use ${RESOURCE_METHODS.join(', ')})`,
    );
  const url = checkResourceUrl(req.url);
  const decoded = decodeToken(req.token ?? '');
  const raw = decoded.ok ? decoded.raw : '';
  if (!raw)
    throw new ResourceCallError(
      'bad-token',
      decoded.ok ? 'no token was given' : `the token cannot be sent: ${decoded.error.message}`,
    );
  if (!/^[\x21-\x7e]+$/.test(raw))
    throw new ResourceCallError('bad-token', 'the token contains characters that cannot go into an HTTP header');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(k) || /[\r\n\0]/.test(v))
      throw new ResourceCallError('bad-header', `header ${JSON.stringify(k.slice(0, 60))} is not a valid HTTP header`);
    if (k.toLowerCase() === 'authorization')
      throw new ResourceCallError(
        'bad-header',
        'the Authorization header is set from the token; do not pass it as a header',
      );
    headers[k] = v;
  }
  headers.authorization = `Bearer ${raw}`;
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'accept'))
    headers.accept = 'application/json, application/xml;q=0.9, */*;q=0.8';
  return { url, decoded, raw, headers };
}

/** Sends the request under one deadline for every hop, following same-origin redirects (at most MAX_REDIRECTS). */
async function sendFollowingRedirects(
  req: ResourceCallRequest,
  first: URL,
  headers: Record<string, string>,
  redactor: Redactor,
  options: ResourceCallOptions,
  now: () => number,
): Promise<{ res: HttpResponse; url: URL; redirects: RedirectNote[] }> {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const started = now();
  const timer = AbortSignal.timeout(deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timer]) : timer;
  const client = createHttpClient({
    trace: options.trace,
    ca: options.ca,
    proxy: options.proxy,
    env: options.env,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    now,
  });
  const redirects: RedirectNote[] = [];
  let url = first;
  for (let hop = 0; ; hop++) {
    const remaining = deadlineMs - (now() - started);
    const httpReq: HttpRequest = {
      method: req.method as HttpRequest['method'],
      url: url.toString(),
      headers,
      timeoutMs: Math.max(1, remaining),
      signal,
    };
    if (req.body !== undefined) httpReq.body = req.body;
    let res: HttpResponse;
    try {
      res = await client.send(httpReq);
    } catch (e) {
      if (timer.aborted && !options.signal?.aborted)
        throw new ResourceCallError('timeout', `no answer from ${url.host} within ${deadlineMs} ms`, { cause: e });
      throw sendFailure(e, url, deadlineMs, redactor);
    }
    const next = nextHop(res, url, hop, redactor);
    if (next.note) redirects.push(next.note);
    if (!next.url) return { res, url, redirects };
    url = next.url;
  }
}

/** A failed send as a ResourceCallError with the client's kind and a redacted message (other errors unchanged). */
function sendFailure(e: unknown, url: URL, deadlineMs: number, redactor: Redactor): unknown {
  if (!isHttpRequestError(e)) return e;
  const kind =
    e.kind === 'aborted'
      ? 'aborted'
      : e.kind === 'timeout'
        ? 'timeout'
        : e.kind === 'too-large'
          ? 'too-large'
          : e.kind === 'bad-url'
            ? 'bad-url'
            : 'network';
  return new ResourceCallError(
    kind,
    kind === 'timeout' ? `no answer from ${url.host} within ${deadlineMs} ms` : redactor.text(e.message),
    { cause: e },
  );
}

/** Where a redirect leads (only the same origin, at most MAX_REDIRECTS hops), and the note that says so. */
function nextHop(res: HttpResponse, url: URL, hop: number, redactor: Redactor): { url?: URL; note?: RedirectNote } {
  const location = res.status >= 300 && res.status < 400 ? res.headers['location'] : undefined;
  if (!location) return {};
  let next: URL | undefined;
  try {
    next = new URL(location, url);
  } catch {
    next = undefined;
  }
  const note = (followed: boolean, reason: string): RedirectNote => ({
    status: res.status,
    location: redactor.text(location.slice(0, 500)),
    followed,
    reason,
  });
  if (!next) return { note: note(false, 'the Location header is not a URL') };
  if (!sameOrigin(url, next))
    return {
      note: note(false, `it points to another origin (${next.protocol}//${next.host}); the token is never sent there`),
    };
  if (hop + 1 > MAX_REDIRECTS) return { note: note(false, `more than ${MAX_REDIRECTS} redirects`) };
  return { url: next, note: note(true, 'same origin') };
}
