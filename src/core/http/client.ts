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
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { HttpClient, HttpRequest, HttpResponse } from './types';
import type { StepTracer } from '../trace/tracer';
import { limitJsonDepth } from '../json/depth';
import { HttpRequestError, abortError, netError } from './errors';
import { proxyAuthHeader, selectProxy, type ProxyDecision } from './proxy';
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

// ------------------------------------------------------------------------------------------------ client

interface AttemptResult {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  peerCertificateSha1?: string;
}

class TracedHttpClient implements HttpClient {
  constructor(private readonly o: HttpClientOptions) {}

  private get now() {
    return this.o.now ?? Date.now;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (e) {
      throw new HttpRequestError('bad-url', `invalid URL: ${req.url}`, { url: req.url, cause: e });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new HttpRequestError('bad-url', `unsupported URL scheme ${url.protocol}`, { url: req.url });
    const policy = req.retry;
    const started = this.now();
    const decision = selectProxy(url, { proxy: this.o.proxy, env: this.o.env });
    let attempt = 0;
    let retryReason: string | undefined;
    let retryDelay: number | undefined;
    for (;;) {
      attempt++;
      if (req.signal?.aborted) throw abortError(req, attempt);
      const elapsed = this.now() - started;
      let timeoutMs = req.timeoutMs ?? this.o.defaultTimeoutMs ?? 30_000;
      if (policy?.maxTotalMs !== undefined) timeoutMs = Math.max(1, Math.min(timeoutMs, policy.maxTotalMs - elapsed));
      const t0 = this.now();
      let result: AttemptResult | undefined;
      let failure: HttpRequestError | undefined;
      try {
        result = await this.attempt(url, req, timeoutMs, decision.proxy);
      } catch (e) {
        failure = e as HttpRequestError;
      }
      const durationMs = this.now() - t0;
      this.traceAttempt(req, url, attempt, durationMs, decision, result, failure, retryReason, retryDelay);
      if (failure?.kind === 'aborted') throw failure;

      // Decide whether to retry.
      let reason: string | undefined;
      let delay: number | undefined;
      if (policy && attempt <= policy.maxRetries) {
        if (result && policy.statusCodes.includes(result.status)) {
          reason = `HTTP ${result.status}`;
          const ra = retryAfterMs(result.headers, this.now());
          delay = ra !== undefined ? ra : backoffMs(policy, attempt, Math.random, result.status);
          if (ra !== undefined) reason += ` (Retry-After ${ra} ms)`;
        } else if (failure?.code && policy.retryNetworkErrors && policy.noRetryCodes?.includes(failure.code)) {
          this.o.trace?.note(
            'info',
            `not retrying ${req.method} ${url.origin}${url.pathname} after ${failure.code}${policy.noRetryReason ? `: ${policy.noRetryReason}` : ''}`,
          );
        } else if (
          failure &&
          policy.retryNetworkErrors &&
          (failure.kind === 'timeout' || (failure.code && NETWORK_RETRY_CODES.has(failure.code)))
        ) {
          reason = failure.kind === 'timeout' ? `no response within ${timeoutMs} ms` : `network error ${failure.code}`;
          delay = backoffMs(policy, attempt);
        }
      }
      if (reason !== undefined && delay !== undefined && policy) {
        const spent = this.now() - started;
        if (policy.maxTotalMs !== undefined && spent + delay >= policy.maxTotalMs) {
          this.o.trace?.note(
            'debug',
            `not retrying ${req.method} ${url.origin}${url.pathname} after ${reason}: the next try (in ${delay} ms) would exceed the ${policy.maxTotalMs} ms budget`,
          );
        } else {
          await sleep(delay, req.signal).catch(() => {
            throw abortError(req, attempt);
          });
          retryReason = reason;
          retryDelay = delay;
          continue;
        }
      }
      if (failure) throw Object.assign(failure, { attempts: attempt });
      const r = result!;
      const response: HttpResponse = {
        status: r.status,
        headers: r.headers,
        bodyText: r.bodyText,
        json: parseJson(r),
        durationMs: this.now() - started,
        attempts: attempt,
      };
      if (r.peerCertificateSha1) response.peerCertificateSha1 = r.peerCertificateSha1;
      return response;
    }
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

  private attempt(url: URL, req: HttpRequest, timeoutMs: number, proxy: string | null): Promise<AttemptResult> {
    const maxBody = this.o.maxBodyBytes ?? 4 * 1024 * 1024;
    const isHttps = url.protocol === 'https:';
    const bodyText = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : req.body.toString();
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
    if (bodyText !== undefined) {
      if (!lower.has('content-type'))
        headers['content-type'] = typeof req.body === 'string' ? 'text/plain' : 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(bodyText));
    }
    const ca = this.o.ca ? [...tls.rootCertificates, this.o.ca] : undefined;
    const rejectUnauthorized = req.tlsVerify !== 'skip';
    const port = Number(url.port || (isHttps ? 443 : 80));

    return new Promise<AttemptResult>((resolve, reject) => {
      let settled = false;
      const sockets: net.Socket[] = [];
      const state: { timer?: NodeJS.Timeout } = {};
      const finish = (err: HttpRequestError | undefined, value?: AttemptResult) => {
        if (settled) return;
        settled = true;
        if (state.timer) clearTimeout(state.timer);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) {
          for (const s of sockets) s.destroy();
          reject(err);
        } else resolve(value!);
      };
      const onAbort = () => finish(new HttpRequestError('aborted', 'the request was cancelled', { url: req.url }));
      // A connection limit apart from the response limit (Python's IMDS probe: 0.3 s to connect, then it waits).
      const onSocket = (s: net.Socket) => {
        sockets.push(s);
        const limit = req.connectTimeoutMs;
        if (limit === undefined || !s.connecting) return;
        const t = setTimeout(() => {
          const message = `no connection within ${limit} ms`;
          finish(new HttpRequestError('timeout', message, { url: req.url, code: 'ETIMEDOUT' }));
        }, limit);
        s.once('connect', () => clearTimeout(t)).once('close', () => clearTimeout(t));
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      state.timer = setTimeout(
        () =>
          finish(
            new HttpRequestError('timeout', `no response within ${timeoutMs} ms`, { url: req.url, code: 'ETIMEDOUT' }),
          ),
        timeoutMs,
      );

      const onResponse = (res: http.IncomingMessage) => {
        const sock = res.socket as tls.TLSSocket | null;
        let peerCertificateSha1: string | undefined;
        try {
          const fp =
            typeof sock?.getPeerCertificate === 'function' ? sock.getPeerCertificate()?.fingerprint : undefined;
          if (fp) peerCertificateSha1 = fp.replace(/:/g, '').toUpperCase();
        } catch {
          /* not TLS */
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBody) {
            res.destroy();
            finish(new HttpRequestError('too-large', `response body larger than ${maxBody} bytes`, { url: req.url }));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e: NodeJS.ErrnoException) => finish(netError(e, req.url)));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          finish(undefined, {
            status: res.statusCode ?? 0,
            headers: h,
            bodyText: Buffer.concat(chunks).toString('utf8'),
            peerCertificateSha1,
          });
        });
      };

      const start = (socketFactory?: () => net.Socket) => {
        if (settled) return;
        const common: http.RequestOptions & tls.ConnectionOptions = {
          method: req.method,
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port,
          path: `${url.pathname}${url.search}`,
          headers,
        };
        let r: http.ClientRequest;
        if (socketFactory) {
          r = (isHttps ? https : http).request({ ...common, createConnection: socketFactory as never });
        } else if (isHttps) {
          r = https.request({
            ...common,
            ca,
            rejectUnauthorized,
            agent: false,
            servername: net.isIP(url.hostname) ? undefined : url.hostname,
          });
        } else {
          r = http.request({ ...common, agent: false });
        }
        r.on('socket', onSocket);
        r.on('response', onResponse);
        r.on('error', (e: NodeJS.ErrnoException) => finish(netError(e, req.url)));
        if (bodyText !== undefined) r.write(bodyText);
        r.end();
      };

      if (!proxy) return start();
      let p: URL;
      try {
        p = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
      } catch {
        finish(new HttpRequestError('proxy', `invalid proxy URL ${proxy}`, { url: req.url }));
        return;
      }
      const proxyPort = Number(p.port || (p.protocol === 'https:' ? 443 : 80));
      if (!isHttps) {
        // Plain HTTP through a proxy: absolute-form request line to the proxy.
        const r = (p.protocol === 'https:' ? https : http).request({
          method: req.method,
          host: p.hostname,
          port: proxyPort,
          path: url.toString(),
          headers: { ...headers, host: url.host, ...proxyAuthHeader(p) },
          agent: false,
          ca,
        });
        r.on('socket', onSocket);
        r.on('response', onResponse);
        r.on('error', (e: NodeJS.ErrnoException) => finish(netError(e, req.url, proxy)));
        if (bodyText !== undefined) r.write(bodyText);
        r.end();
        return;
      }
      // HTTPS through a proxy: CONNECT tunnel, then TLS to the target inside it.
      const c = (p.protocol === 'https:' ? https : http).request({
        method: 'CONNECT',
        host: p.hostname,
        port: proxyPort,
        path: `${url.hostname}:${port}`,
        headers: { host: `${url.hostname}:${port}`, ...proxyAuthHeader(p) },
        agent: false,
        ca,
      });
      c.on('socket', (s) => sockets.push(s));
      c.on('connect', (res, socket) => {
        sockets.push(socket);
        if (res.statusCode !== 200) {
          finish(
            new HttpRequestError('proxy', `proxy ${p.host} refused CONNECT to ${url.host}: HTTP ${res.statusCode}`, {
              url: req.url,
            }),
          );
          return;
        }
        start(() => {
          const t = tls.connect({
            socket,
            servername: net.isIP(url.hostname) ? undefined : url.hostname,
            ca,
            rejectUnauthorized,
          });
          sockets.push(t);
          return t;
        });
      });
      c.on('response', (res) =>
        finish(
          new HttpRequestError('proxy', `proxy ${p.host} answered CONNECT with HTTP ${res.statusCode}`, {
            url: req.url,
          }),
        ),
      );
      c.on('error', (e: NodeJS.ErrnoException) => finish(netError(e, req.url, proxy)));
      c.end();
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
