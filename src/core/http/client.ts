/**
 * The traced HTTP client on node:http / node:https. Every attempt becomes one `http` trace event (redacted by the
 * tracer) with its duration, the proxy it went through, and — for retries — the reason and the delay waited.
 *
 * - per-attempt time limit (`timeoutMs`), AbortSignal, bounded response size;
 * - retries per RetryPolicy: listed status codes and (optionally) network errors, honouring `Retry-After`
 *   (seconds or HTTP date), `retry-after-ms` and `x-ms-retry-after-ms`, else exponential backoff; the whole exchange
 *   stays within `maxTotalMs`;
 * - proxies: explicit option, else HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case); HTTPS goes through a CONNECT tunnel;
 * - extra CA certificates (the sandbox's) added to Node's roots.
 *
 * This file is the loop around the attempts (retry decisions, the trace, the response); one attempt on the wire is
 * attempt.ts, the proxy choice proxy.ts, the retry timing retry.ts, the error type errors.ts.
 */
import type { HttpClient, HttpRequest, HttpResponse } from './types';
import type { StepTracer } from '../trace/tracer';
import { limitJsonDepth } from '../json/depth';
import { HttpRequestError, abortError } from './errors';
import { selectProxy, type ProxyDecision } from './proxy';
import http from 'node:http';
import https from 'node:https';
import { attemptOnce, type Agents, type AttemptResult } from './attempt';
import { NETWORK_RETRY_CODES, backoffMs, retryAfterMs, sleep } from './retry';

// The pieces callers have always imported from here.
export { HttpRequestError, isHttpRequestError, type HttpErrorKind } from './errors';
export { selectProxy, type ProxyDecision } from './proxy';
export { retryAfterMs, backoffMs } from './retry';

export interface HttpClientOptions {
  trace?: StepTracer;
  /** Extra CA certificate(s), PEM. */
  ca?: string;
  /** Explicit proxy URL; '' or 'none' disables proxies even when the environment sets them. */
  proxy?: string;
  /** Environment for HTTPS_PROXY / HTTP_PROXY / NO_PROXY (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** 'none' keeps bodies out of the trace. */
  bodies?: 'none' | 'redacted';
  /**
   * Reuse connections between this client's requests, as the SDKs' HTTP pipelines do (a chain step's instance
   * discovery and token request share one TLS handshake); whoever sets it calls close() when done with the client.
   */
  keepAlive?: boolean;
  /** Default per-attempt time limit (default 30 s). */
  defaultTimeoutMs?: number;
  /** Largest response body kept (default 4 MiB); larger responses fail with kind 'too-large'. */
  maxBodyBytes?: number;
  now?: () => number;
}

const TRACED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'date',
  'retry-after',
  'retry-after-ms',
  'x-ms-retry-after-ms',
  'www-authenticate',
  'x-ms-request-id',
  'client-request-id',
  'x-ms-ests-server',
  'x-ms-clitelem',
  'location',
  'server',
];

/** The URL, refused before any attempt when it is not http(s). */
function requestUrl(req: HttpRequest): URL {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch (e) {
    throw new HttpRequestError('bad-url', `invalid URL: ${req.url}`, { url: req.url, cause: e });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HttpRequestError('bad-url', `unsupported URL scheme ${url.protocol}`, { url: req.url });
  return url;
}

/** Why the attempt that just ended is worth another, and after how long. */
interface RetryStep {
  reason: string;
  delay: number;
}

class TracedHttpClient implements HttpClient {
  #agents?: Agents;

  constructor(private readonly o: HttpClientOptions) {}

  /** Keep-alive agents, made on the first direct request of a keepAlive client. */
  private get agents(): Agents | undefined {
    if (!this.o.keepAlive) return undefined;
    return (this.#agents ??= {
      http: new http.Agent({ keepAlive: true }),
      https: new https.Agent({ keepAlive: true }),
    });
  }

  close(): void {
    this.#agents?.http.destroy();
    this.#agents?.https.destroy();
    this.#agents = undefined;
  }

  private get now() {
    return this.o.now ?? Date.now;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const url = requestUrl(req);
    const started = this.now();
    const decision = selectProxy(url, { proxy: this.o.proxy, env: this.o.env });
    let attempt = 0;
    let retried: RetryStep | undefined;
    for (;;) {
      attempt++;
      if (req.signal?.aborted) throw abortError(req, attempt);
      const timeoutMs = this.attemptTimeoutMs(req, started);
      const t0 = this.now();
      let result: AttemptResult | undefined;
      let failure: HttpRequestError | undefined;
      try {
        result = await attemptOnce(url, req, decision.proxy, {
          timeoutMs,
          maxBodyBytes: this.o.maxBodyBytes ?? 4 * 1024 * 1024,
          ca: this.o.ca,
          agents: decision.proxy ? undefined : this.agents,
        });
      } catch (e) {
        failure = e as HttpRequestError;
      }
      const durationMs = this.now() - t0;
      this.traceAttempt(req, url, attempt, durationMs, decision, result, failure, retried?.reason, retried?.delay);
      if (failure?.kind === 'aborted') throw failure;
      const next = this.retryStep(req, url, attempt, result, failure, timeoutMs, started);
      if (next) {
        await sleep(next.delay, req.signal).catch(() => {
          throw abortError(req, attempt);
        });
        retried = next;
        continue;
      }
      if (failure) throw Object.assign(failure, { attempts: attempt });
      return this.response(result!, attempt, started);
    }
  }

  /** The request's own limit (else the client's, else 30 s), never past what is left of the retry budget. */
  private attemptTimeoutMs(req: HttpRequest, started: number): number {
    const policy = req.retry;
    const elapsed = this.now() - started;
    const timeoutMs = req.timeoutMs ?? this.o.defaultTimeoutMs ?? 30_000;
    if (policy?.maxTotalMs === undefined) return timeoutMs;
    return Math.max(1, Math.min(timeoutMs, policy.maxTotalMs - elapsed));
  }

  /** The next retry per the request's policy, or undefined (with a trace note when the policy itself says no). */
  private retryStep(
    req: HttpRequest,
    url: URL,
    attempt: number,
    result: AttemptResult | undefined,
    failure: HttpRequestError | undefined,
    timeoutMs: number,
    started: number,
  ): RetryStep | undefined {
    const policy = req.retry;
    if (!policy || attempt > policy.maxRetries) return undefined;
    const target = `${req.method} ${url.origin}${url.pathname}`;
    let step: RetryStep | undefined;
    if (result && policy.statusCodes.includes(result.status)) {
      const ra = retryAfterMs(result.headers, this.now());
      step = {
        reason: `HTTP ${result.status}${ra !== undefined ? ` (Retry-After ${ra} ms)` : ''}`,
        delay: ra !== undefined ? ra : backoffMs(policy, attempt, Math.random, result.status),
      };
    } else if (failure?.code && policy.retryNetworkErrors && policy.noRetryCodes?.includes(failure.code)) {
      const why = policy.noRetryReason ? `: ${policy.noRetryReason}` : '';
      this.o.trace?.note('info', `not retrying ${target} after ${failure.code}${why}`);
    } else if (
      failure &&
      policy.retryNetworkErrors &&
      (failure.kind === 'timeout' || (failure.code && NETWORK_RETRY_CODES.has(failure.code)))
    ) {
      const reason =
        failure.kind === 'timeout' ? `no response within ${timeoutMs} ms` : `network error ${failure.code}`;
      step = { reason, delay: backoffMs(policy, attempt) };
    }
    if (!step) return undefined;
    const spent = this.now() - started;
    if (policy.maxTotalMs !== undefined && spent + step.delay >= policy.maxTotalMs) {
      this.o.trace?.note(
        'debug',
        `not retrying ${target} after ${step.reason}: the next try (in ${step.delay} ms) would exceed the ${policy.maxTotalMs} ms budget`,
      );
      return undefined;
    }
    return step;
  }

  private response(r: AttemptResult, attempts: number, started: number): HttpResponse {
    const response: HttpResponse = {
      status: r.status,
      headers: r.headers,
      bodyText: r.bodyText,
      json: parseJson(r),
      durationMs: this.now() - started,
      attempts,
    };
    if (r.peerCertificateSha1) response.peerCertificateSha1 = r.peerCertificateSha1;
    return response;
  }

  private traceAttempt(
    req: HttpRequest,
    url: URL,
    attempt: number,
    durationMs: number,
    decision: ProxyDecision,
    result: AttemptResult | undefined,
    failure: HttpRequestError | undefined,
    retryReason: string | undefined,
    retryDelayMs: number | undefined,
  ): void {
    const t = this.o.trace;
    if (!t) return;
    const bodies = this.o.bodies !== 'none';
    let responseBody: unknown;
    if (result && bodies && result.bodyText) {
      const j = parseJson(result);
      responseBody =
        j !== undefined
          ? j
          : result.bodyText.length > 2000
            ? `${result.bodyText.slice(0, 2000)}… (${result.bodyText.length} chars)`
            : result.bodyText;
    }
    const responseHeaders: Record<string, string> = {};
    if (result)
      for (const h of TRACED_RESPONSE_HEADERS)
        if (result.headers[h] !== undefined) responseHeaders[h] = result.headers[h]!;
    t.http({
      method: req.method,
      url: url.toString(),
      status: result?.status,
      requestHeaders: req.headers ? { ...req.headers } : undefined,
      responseHeaders: result ? responseHeaders : undefined,
      requestBody: bodies && req.body !== undefined ? req.body : undefined,
      responseBody,
      durationMs,
      error: failure ? failure.message : undefined,
      attempt,
      retryReason,
      retryDelayMs,
      proxy: decision.proxy,
    });
  }
}

function parseJson(r: { headers: Record<string, string>; bodyText: string }): unknown {
  const t = r.bodyText.trimStart();
  if (!t || (t[0] !== '{' && t[0] !== '[')) return undefined;
  try {
    // Depth-limited: a hostile endpoint's deeply nested answer must not overflow the trace sinks' JSON.stringify.
    return limitJsonDepth(JSON.parse(r.bodyText) as unknown).value;
  } catch {
    return undefined;
  }
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return new TracedHttpClient(options);
}
