/**
 * One attempt on the wire: the request as node:http / node:https sends it (direct, through a proxy in absolute form, or
 * TLS inside a CONNECT tunnel), under a per-attempt time limit, an optional connect limit and the caller's AbortSignal,
 * with the response body capped. Retrying, tracing and JSON belong to the client (client.ts), not here.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { HttpRequest } from './types';
import { HttpRequestError, netError } from './errors';
import { proxyAuthHeader } from './proxy';

/** What came back from one attempt, before the client parses or traces it. */
export interface AttemptResult {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  peerCertificateSha1?: string;
}

export interface AttemptLimits {
  timeoutMs: number;
  maxBodyBytes: number;
  /** Extra CA certificate(s), PEM, trusted beside Node's roots. */
  ca?: string;
  /** Keep-alive agents whose connections a direct request may reuse (the client's; none: one connection each). */
  agents?: Agents;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/** The request as it goes on the wire, worked out once per attempt. */
interface WireRequest {
  url: URL;
  isHttps: boolean;
  port: number;
  headers: Record<string, string>;
  bodyText?: string;
  /** Node's roots plus the extra CA; undefined keeps Node's default trust. */
  ca?: string[];
  rejectUnauthorized: boolean;
}

/** Body, content headers, port and TLS trust for `req`: a form body defaults to urlencoded, raw text to text/plain. */
function wireRequest(url: URL, req: HttpRequest, extraCa: string | undefined): WireRequest {
  const isHttps = url.protocol === 'https:';
  const bodyText = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : req.body.toString();
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  if (bodyText !== undefined) {
    if (!lower.has('content-type'))
      headers['content-type'] = typeof req.body === 'string' ? 'text/plain' : 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(bodyText));
  }
  return {
    url,
    isHttps,
    port: Number(url.port || (isHttps ? 443 : 80)),
    headers,
    bodyText,
    ca: extraCa ? [...tls.rootCertificates, extraCa] : undefined,
    rejectUnauthorized: req.tlsVerify !== 'skip',
  };
}

/** The server certificate's SHA-1 thumbprint (upper-case hex) when the response came over TLS. */
function peerCertificateSha1(res: http.IncomingMessage): string | undefined {
  const sock = res.socket as tls.TLSSocket | null;
  try {
    const fp = typeof sock?.getPeerCertificate === 'function' ? sock.getPeerCertificate()?.fingerprint : undefined;
    if (fp) return fp.replace(/:/g, '').toUpperCase();
  } catch {
    /* not TLS */
  }
  return undefined;
}

/** Lower-case names, repeated headers joined as one value. */
function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return h;
}

/** One attempt's state: settles once, and on failure destroys every socket it opened (tunnel and TLS included). */
class Attempt {
  private settled = false;
  private readonly sockets: net.Socket[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly w: WireRequest,
    private readonly req: HttpRequest,
    private readonly maxBody: number,
    private readonly agents: Agents | undefined,
    private readonly resolve: (r: AttemptResult) => void,
    private readonly reject: (e: HttpRequestError) => void,
  ) {}

  run(timeoutMs: number, proxy: string | null): void {
    const url = this.req.url;
    this.req.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setTimeout(
      () =>
        this.finish(new HttpRequestError('timeout', `no response within ${timeoutMs} ms`, { url, code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    if (!proxy) return this.start();
    let p: URL;
    try {
      p = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
    } catch {
      this.finish(new HttpRequestError('proxy', `invalid proxy URL ${proxy}`, { url }));
      return;
    }
    if (this.w.isHttps) this.tunnel(p, proxy);
    else this.throughProxy(p, proxy);
  }

  private readonly finish = (err: HttpRequestError | undefined, value?: AttemptResult): void => {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.req.signal?.removeEventListener('abort', this.onAbort);
    if (err) {
      for (const s of this.sockets) s.destroy();
      this.reject(err);
    } else this.resolve(value!);
  };

  private readonly onAbort = (): void =>
    this.finish(new HttpRequestError('aborted', 'the request was cancelled', { url: this.req.url }));

  // A connection limit apart from the response limit (Python's IMDS probe: 0.3 s to connect, then it waits).
  private readonly onSocket = (s: net.Socket): void => {
    this.sockets.push(s);
    const limit = this.req.connectTimeoutMs;
    if (limit === undefined || !s.connecting) return;
    const t = setTimeout(() => {
      const message = `no connection within ${limit} ms`;
      this.finish(new HttpRequestError('timeout', message, { url: this.req.url, code: 'ETIMEDOUT' }));
    }, limit);
    s.once('connect', () => clearTimeout(t)).once('close', () => clearTimeout(t));
  };

  /** Reads the body up to the cap; a larger one ends the attempt as 'too-large'. */
  private readonly onResponse = (res: http.IncomingMessage): void => {
    const peerCertificateSha1Hex = peerCertificateSha1(res);
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.maxBody) {
        res.destroy();
        const message = `response body larger than ${this.maxBody} bytes`;
        this.finish(new HttpRequestError('too-large', message, { url: this.req.url }));
        return;
      }
      chunks.push(c);
    });
    res.on('error', (e: NodeJS.ErrnoException) => this.finish(netError(e, this.req.url)));
    res.on('end', () => {
      this.finish(undefined, {
        status: res.statusCode ?? 0,
        headers: flatHeaders(res.headers),
        bodyText: Buffer.concat(chunks).toString('utf8'),
        peerCertificateSha1: peerCertificateSha1Hex,
      });
    });
  };

  /** Sends the request and its body; `proxy` only names the proxy in a network error's message. */
  private issue(r: http.ClientRequest, proxy?: string): void {
    r.on('socket', this.onSocket);
    r.on('response', this.onResponse);
    r.on('error', (e: NodeJS.ErrnoException) => this.finish(netError(e, this.req.url, proxy)));
    if (this.w.bodyText !== undefined) r.write(this.w.bodyText);
    r.end();
  }

  /** Straight to the target, or over `socketFactory`'s connection (TLS inside a tunnel). */
  private start(socketFactory?: () => net.Socket): void {
    if (this.settled) return;
    const { url, isHttps } = this.w;
    const common: http.RequestOptions & tls.ConnectionOptions = {
      method: this.req.method,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: this.w.port,
      path: `${url.pathname}${url.search}`,
      headers: this.w.headers,
    };
    let r: http.ClientRequest;
    if (socketFactory) {
      r = (isHttps ? https : http).request({ ...common, createConnection: socketFactory as never });
    } else if (isHttps) {
      r = https.request({
        ...common,
        ca: this.w.ca,
        rejectUnauthorized: this.w.rejectUnauthorized,
        agent: this.agents?.https ?? false,
        servername: net.isIP(url.hostname) ? undefined : url.hostname,
      });
    } else {
      r = http.request({ ...common, agent: this.agents?.http ?? false });
    }
    this.issue(r);
  }

  /** Plain HTTP through a proxy: absolute-form request line to the proxy. */
  private throughProxy(p: URL, proxy: string): void {
    const { url } = this.w;
    const r = (p.protocol === 'https:' ? https : http).request({
      method: this.req.method,
      host: p.hostname,
      port: proxyPort(p),
      path: url.toString(),
      headers: { ...this.w.headers, host: url.host, ...proxyAuthHeader(p) },
      agent: false,
      ca: this.w.ca,
    });
    this.issue(r, proxy);
  }

  /** HTTPS through a proxy: CONNECT tunnel, then TLS to the target inside it. */
  private tunnel(p: URL, proxy: string): void {
    const { url, port } = this.w;
    const c = (p.protocol === 'https:' ? https : http).request({
      method: 'CONNECT',
      host: p.hostname,
      port: proxyPort(p),
      path: `${url.hostname}:${port}`,
      headers: { host: `${url.hostname}:${port}`, ...proxyAuthHeader(p) },
      agent: false,
      ca: this.w.ca,
    });
    c.on('socket', (s) => this.sockets.push(s));
    c.on('connect', (res, socket) => {
      this.sockets.push(socket);
      if (res.statusCode !== 200) {
        const message = `proxy ${p.host} refused CONNECT to ${url.host}: HTTP ${res.statusCode}`;
        this.finish(new HttpRequestError('proxy', message, { url: this.req.url }));
        return;
      }
      this.start(() => this.tlsInTunnel(socket));
    });
    c.on('response', (res) =>
      this.finish(
        new HttpRequestError('proxy', `proxy ${p.host} answered CONNECT with HTTP ${res.statusCode}`, {
          url: this.req.url,
        }),
      ),
    );
    c.on('error', (e: NodeJS.ErrnoException) => this.finish(netError(e, this.req.url, proxy)));
    c.end();
  }

  private tlsInTunnel(socket: net.Socket): tls.TLSSocket {
    const { url } = this.w;
    const t = tls.connect({
      socket,
      servername: net.isIP(url.hostname) ? undefined : url.hostname,
      ca: this.w.ca,
      rejectUnauthorized: this.w.rejectUnauthorized,
    });
    this.sockets.push(t);
    return t;
  }
}

function proxyPort(p: URL): number {
  return Number(p.port || (p.protocol === 'https:' ? 443 : 80));
}

/** Sends `req` to `url` once (through `proxy` when set); rejects with an HttpRequestError when no response came. */
export function attemptOnce(
  url: URL,
  req: HttpRequest,
  proxy: string | null,
  limits: AttemptLimits,
): Promise<AttemptResult> {
  const w = wireRequest(url, req, limits.ca);
  return new Promise<AttemptResult>((resolve, reject) =>
    new Attempt(w, req, limits.maxBodyBytes, limits.agents, resolve, reject).run(limits.timeoutMs, proxy),
  );
}
