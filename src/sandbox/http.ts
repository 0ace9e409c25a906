/**
 * HTTP plumbing shared by every sandbox listener: bounded body reading, tolerant parsing, routing (404 / 405),
 * recording of the exchange (redacted), fault injection, and listeners that close without leaking sockets.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FaultConfig, FaultEndpoint } from './config';
import { redactHeaders, redactJsonText, redactParams } from './redact';

export type ListenerName = 'authority' | 'imds' | 'appService' | 'cloudShell' | 'arc' | 'serviceFabric' | 'azureMl';

export interface RecordedRequest {
  id: number;
  time: string;
  listener: ListenerName;
  /** Which endpoint answered (the fault-endpoint names), or "unknown" for 404s. */
  endpoint: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed form body (application/x-www-form-urlencoded), redacted. */
  form?: Record<string, string>;
  /** Raw body text for other content types (redacted when JSON, cut at 64 KiB). */
  body?: string;
  /** HTTP status sent; 0 when the fault hung or reset the connection. */
  status: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  /** Fault applied, if any. */
  fault?: string;
}

export interface Ctx {
  listener: ListenerName;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  path: string;
  query: Record<string, string>;
  /** Names that appeared more than once in the query string. */
  duplicateQuery: string[];
  headers: IncomingHttpHeaders;
  bodyText: string;
  form: Record<string, string>;
  duplicateForm: string[];
  /** Route parameters (e.g. tenant). */
  params: Record<string, string>;
  endpoint: string;
  record: RecordedRequest;
  sent: boolean;
  /** The sandbox clock (ms), for the Date header. */
  nowMs: () => number;
}

export interface Route {
  endpoint: FaultEndpoint | string;
  methods: string[];
  pattern: RegExp;
  /** Names of the pattern's capture groups, in order. */
  keys?: string[];
  handler: (ctx: Ctx) => Promise<void> | void;
}

export class BodyTooLarge extends Error {}

export function header(ctx: Ctx, name: string): string | undefined {
  const v = ctx.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function parseParams(text: string): { values: Record<string, string>; duplicates: string[] } {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const duplicates: string[] = [];
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in values) {
      if (!duplicates.includes(k)) duplicates.push(k);
      continue;
    }
    values[k] = v;
  }
  return { values, duplicates };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
  });
}

const MAX_RECORDED_BODY = 64 * 1024;

export function send(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (ctx.sent || ctx.res.headersSent || ctx.res.destroyed) return;
  ctx.sent = true;
  let text: string;
  const h: Record<string, string> = { ...headers };
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    text = body.toString();
    h['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (body === undefined || body === null) {
    text = '';
  } else {
    text = JSON.stringify(body);
    h['content-type'] ??= 'application/json; charset=utf-8';
  }
  h['cache-control'] ??= 'no-store, no-cache';
  // The Date header follows the sandbox clock, so clients can see (and the debugger can explain) clock skew.
  h.date ??= new Date(ctx.nowMs()).toUTCString();
  h['x-content-type-options'] ??= 'nosniff';
  h['content-length'] = String(Buffer.byteLength(text));
  ctx.record.status = status;
  ctx.record.responseHeaders = h;
  ctx.record.responseBody = redactJsonText(text.length > MAX_RECORDED_BODY ? text.slice(0, MAX_RECORDED_BODY) : text);
  try {
    ctx.res.writeHead(status, h);
    ctx.res.end(ctx.method === 'HEAD' ? undefined : text);
  } catch {
    // The client went away; nothing to do.
  }
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(ctx, status, body, headers);
}

export function sendHtml(ctx: Ctx, status: number, html: string, headers: Record<string, string> = {}): void {
  send(ctx, status, html, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'",
    ...headers,
  });
}

export function redirect(ctx: Ctx, location: string): void {
  send(ctx, 302, '', { location, 'content-type': 'text/html; charset=utf-8' });
}

export interface DispatcherHooks {
  listener: ListenerName;
  routes: () => Route[];
  maxBodyBytes: () => number;
  /** Returns the fault to apply to this request (already counted), if any. */
  takeFault: (endpoint: string) => FaultConfig | undefined;
  /** Body of a fault answer with a status but no body (the endpoint's usual error shape). */
  faultBody: (ctx: Ctx, fault: FaultConfig) => unknown;
  record: (r: RecordedRequest) => void;
  nextId: () => number;
  nowMs: () => number;
  /** Sleeps, but wakes early when the sandbox closes. */
  sleep: (ms: number) => Promise<void>;
  onError: (ctx: Ctx, e: unknown) => void;
}

function notFound(ctx: Ctx): void {
  sendJson(ctx, 404, { error: 'not_found', error_description: `The sandbox has no endpoint at ${ctx.path}.` });
}

export function createDispatcher(h: DispatcherHooks): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void dispatch(h, req, res).catch(() => {
      try {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":"server_error"}');
        } else res.destroy();
      } catch {
        // ignore
      }
    });
  };
}

/** The request context and its record (already listed in the request log). */
function newContext(h: DispatcherHooks, req: IncomingMessage, res: ServerResponse): Ctx {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (!(req.url ?? '/').startsWith('/')) throw new Error('absolute-form');
  } catch {
    url = new URL('http://sandbox.invalid/');
  }
  const q = parseParams(url.search);
  const record: RecordedRequest = {
    id: h.nextId(),
    time: new Date().toISOString(),
    listener: h.listener,
    endpoint: 'unknown',
    method,
    path: url.pathname,
    query: redactParams(q.values),
    headers: redactHeaders(req.headers),
    status: 0,
  };
  const ctx: Ctx = {
    listener: h.listener,
    req,
    res,
    method,
    url,
    path: url.pathname,
    query: q.values,
    duplicateQuery: q.duplicates,
    headers: req.headers,
    bodyText: '',
    form: Object.create(null) as Record<string, string>,
    duplicateForm: [],
    params: {},
    endpoint: 'unknown',
    record,
    sent: false,
    nowMs: h.nowMs,
  };
  h.record(record);
  return ctx;
}

/** The first route whose pattern and method match (its captures become ctx.params); whether any path matched. */
function matchRoute(h: DispatcherHooks, ctx: Ctx): { route?: Route; pathMatched: boolean } {
  const { url, method } = ctx;
  let route: Route | undefined;
  let pathMatched = false;
  for (const r of h.routes()) {
    const m = r.pattern.exec(url.pathname);
    if (!m) continue;
    pathMatched = true;
    if (!r.methods.includes(method) && !(method === 'HEAD' && r.methods.includes('GET'))) continue;
    route = r;
    (r.keys ?? []).forEach((k, i) => {
      try {
        ctx.params[k] = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        ctx.params[k] = m[i + 1] ?? '';
      }
    });
    break;
  }

  return { route, pathMatched };
}

/** Reads the body into ctx (form fields, or the redacted text for the record); false when answered already. */
async function readRequestBody(h: DispatcherHooks, ctx: Ctx, route: Route | undefined): Promise<boolean> {
  const { req, res, record } = ctx;
  let body: Buffer;
  try {
    body = await readBody(req, h.maxBodyBytes());
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      record.endpoint = route?.endpoint ?? 'unknown';
      sendJson(
        ctx,
        413,
        { error: 'invalid_request', error_description: `Request body larger than ${h.maxBodyBytes()} bytes.` },
        { connection: 'close' },
      );
      // Stop reading: the client may still be sending.
      setImmediate(() => req.destroy());
      return false;
    }
    res.destroy();
    return false;
  }
  ctx.bodyText = body.toString('utf8');
  const ctype = String(req.headers['content-type'] ?? '').toLowerCase();
  if (ctype.startsWith('application/x-www-form-urlencoded')) {
    const f = parseParams(ctx.bodyText);
    ctx.form = f.values;
    ctx.duplicateForm = f.duplicates;
    record.form = redactParams(f.values);
  } else if (body.length) {
    const t = ctx.bodyText.length > MAX_RECORDED_BODY ? ctx.bodyText.slice(0, MAX_RECORDED_BODY) : ctx.bodyText;
    record.body = redactJsonText(t);
  }

  return true;
}

/** 405 with the methods the path allows, or 404. */
function noRoute(h: DispatcherHooks, ctx: Ctx, pathMatched: boolean): void {
  const { url, method } = ctx;
  if (pathMatched) {
    const allowed = [
      ...new Set(
        h
          .routes()
          .filter((r) => r.pattern.test(url.pathname))
          .flatMap((r) => r.methods),
      ),
    ];
    sendJson(
      ctx,
      405,
      {
        error: 'method_not_allowed',
        error_description: `${method} is not allowed on ${url.pathname}. Allowed: ${allowed.join(', ')}.`,
      },
      { allow: allowed.join(', ') },
    );
  } else notFound(ctx);
}

/** Applies a fault; true when it answered (or hung, or reset) in place of the endpoint. */
async function applyFault(h: DispatcherHooks, ctx: Ctx, fault: FaultConfig): Promise<boolean> {
  const { req, record } = ctx;
  record.fault = describeFault(fault);
  if (fault.delayMs) await h.sleep(fault.delayMs);
  if (fault.hang) return true; // the socket stays open until the client gives up or the sandbox closes
  if (fault.reset) {
    try {
      req.socket.resetAndDestroy();
    } catch {
      req.socket.destroy();
    }
    return true;
  }
  if (fault.status !== undefined || fault.body !== undefined) {
    const status = fault.status ?? 200;
    const headers: Record<string, string> = {};
    if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
    if (fault.body === 'malformed')
      send(ctx, status, '{"access_token":"eyJ0eXAiOiJKV1Qi', {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
      });
    else if (fault.body === 'html')
      sendHtml(
        ctx,
        status,
        `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The proxy could not reach the service.</p></body></html>`,
        headers,
      );
    else if (fault.body === 'empty') send(ctx, status, '', headers);
    else if (fault.body !== undefined)
      send(ctx, status, fault.body, {
        ...headers,
        'content-type': fault.body.trimStart().startsWith('{')
          ? 'application/json; charset=utf-8'
          : 'text/plain; charset=utf-8',
      });
    else sendJson(ctx, status, h.faultBody(ctx, fault), headers);
    return true;
  }
  // Delay only (or Retry-After only): continue normally.
  return false;
}

async function dispatch(h: DispatcherHooks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = newContext(h, req, res);
  if (!(req.url ?? '/').startsWith('/')) {
    await drain(req, h.maxBodyBytes());
    sendJson(ctx, 400, { error: 'invalid_request', error_description: 'Malformed request target.' });
    return;
  }
  const { route, pathMatched } = matchRoute(h, ctx);
  if (!(await readRequestBody(h, ctx, route))) return;
  if (!route) return noRoute(h, ctx, pathMatched);
  ctx.endpoint = route.endpoint;
  ctx.record.endpoint = route.endpoint;
  const fault = h.takeFault(route.endpoint);
  if (fault && (await applyFault(h, ctx, fault))) return;
  try {
    await route.handler(ctx);
  } catch (e) {
    h.onError(ctx, e);
  }
  if (!ctx.sent && !res.headersSent && !res.destroyed) {
    // A handler that forgot to answer must not leave the client hanging.
    sendJson(ctx, 500, { error: 'server_error', error_description: 'The sandbox did not answer.' });
  }
}

function describeFault(f: FaultConfig): string {
  const parts: string[] = [];
  if (f.delayMs) parts.push(`delay ${f.delayMs}ms`);
  if (f.hang) parts.push('hang');
  if (f.reset) parts.push('reset');
  if (f.status !== undefined) parts.push(`status ${f.status}`);
  if (f.body !== undefined) parts.push(`body ${['malformed', 'html', 'empty'].includes(f.body) ? f.body : 'custom'}`);
  if (f.retryAfterSec !== undefined) parts.push(`retry-after ${f.retryAfterSec}`);
  return parts.join(', ') || 'none';
}

async function drain(req: IncomingMessage, limit: number): Promise<void> {
  try {
    await readBody(req, limit);
  } catch {
    // ignore
  }
}

/** Tracks a server's sockets so close() can end keep-alive and hung connections at once. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('clientError', (_err, socket: Socket) => {
    try {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    } catch {
      socket.destroy();
    }
  });
  server.on('tlsClientError', (_err: unknown, socket: Socket) => socket.destroy());
  return sockets;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      for (const s of sockets) s.destroy();
      resolve();
      return;
    }
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
    sockets.clear();
  });
}
