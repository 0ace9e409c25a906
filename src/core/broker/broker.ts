/**
 * Managed-identity token broker for local debugging: a loopback endpoint speaking the App Service managed-identity
 * protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER, api-version 2019-08-01), so the app's own ManagedIdentityCredential
 * — in any language — takes its production code path on a developer's machine. Tokens come from a source the user
 * chooses (Azure CLI, a service principal, the sandbox, the VS Code account). Every request is traced (resource,
 * identity asked for, api-version, answer, time); a token never is — records carry its fingerprint only.
 *
 * Protocol (App Service, 2019-08-01): GET <IDENTITY_ENDPOINT>?resource=<uri>&api-version=2019-08-01
 * [&client_id=…|&principal_id=…|&object_id=…|&mi_res_id=…] with header X-IDENTITY-HEADER: <IDENTITY_HEADER>;
 * answer {access_token, expires_on (epoch seconds), resource, token_type, client_id}.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tokenFingerprint } from '../token/index';
import { SecretValue } from '../secret';
import { redactText } from '../trace/redact';

export const BROKER_API_VERSION = '2019-08-01';
const PATH = '/msi/token';
/** Cached tokens are handed out until this long before they expire (the SDKs refresh 5 minutes early too). */
const REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_SOURCE_TIMEOUT_MS = 60_000;
const MAX_URL = 8 * 1024;

export interface BrokerTokenRequest {
  /** The resource (audience) asked for, e.g. https://management.azure.com/ — the scope is `${resource}/.default`. */
  resource: string;
  clientId?: string;
  principalId?: string;
  miResId?: string;
}

export interface BrokerToken {
  token: SecretValue;
  expiresOnEpochMs: number;
  /** The identity the token is for, when known (sent back as client_id as App Service does). */
  clientId?: string;
}

export type BrokerTokenSource = (request: BrokerTokenRequest, signal: AbortSignal) => Promise<BrokerToken>;

export interface BrokerRequestRecord {
  at: string;
  remoteAddress: string;
  method: string;
  path: string;
  apiVersion?: string;
  resource?: string;
  scope?: string;
  clientId?: string;
  principalId?: string;
  miResId?: string;
  status: number;
  answer: 'token' | 'cached-token' | 'refused' | 'error';
  /** Why a request was refused or failed (never a token). */
  reason?: string;
  /** First 12 hex chars of the token's SHA-256: which token was handed out, without revealing it. */
  fingerprint?: string;
  expiresOn?: string;
  durationMs: number;
}

export interface BrokerOptions {
  source: BrokerTokenSource;
  /** 0 (default) picks a free port. The broker listens on 127.0.0.1 only. */
  port?: number;
  /** Called once per request, after it was answered. */
  onRequest?: (record: BrokerRequestRecord) => void;
  sourceTimeoutMs?: number;
  now?: () => number;
}

export interface Broker {
  /** IDENTITY_ENDPOINT for the app. */
  readonly endpoint: string;
  /** The per-session secret the app must send back (X-IDENTITY-HEADER). */
  readonly header: SecretValue;
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER, for a child process's environment. */
  environment(): Record<string, string>;
  readonly requests: readonly BrokerRequestRecord[];
  close(): Promise<void>;
}

/** True for the addresses a loopback connection arrives from (IPv4 127/8, ::1, IPv4-mapped 127/8). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::1';
}

export type BrokerDecision =
  | { kind: 'refuse'; status: number; reason: string; record: Partial<BrokerRequestRecord> }
  | { kind: 'token'; request: BrokerTokenRequest; record: Partial<BrokerRequestRecord> };

/** What the broker does with one request, before any token is fetched (pure: the server and tests share it). */
export function decide(input: {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  remoteAddress?: string;
  secret: string;
}): BrokerDecision {
  const record: Partial<BrokerRequestRecord> = {
    remoteAddress: input.remoteAddress ?? '?',
    method: input.method ?? '?',
    path: '',
  };
  if (!isLoopbackAddress(input.remoteAddress))
    return { kind: 'refuse', status: 403, reason: 'not a loopback peer', record };
  const raw = input.url ?? '';
  if (raw.length > MAX_URL) return { kind: 'refuse', status: 414, reason: 'request line too long', record };
  const url = new URL(raw, 'http://127.0.0.1');
  record.path = url.pathname;
  const sent = input.headers['x-identity-header'];
  const given = typeof sent === 'string' ? sent : '';
  const ok = given.length === input.secret.length && timingSafeEqual(Buffer.from(given), Buffer.from(input.secret));
  // The header is checked first: without it nobody learns anything about the endpoint.
  if (!ok)
    return {
      kind: 'refuse',
      status: 401,
      reason: given ? 'X-IDENTITY-HEADER does not match this session' : 'no X-IDENTITY-HEADER',
      record,
    };
  if (url.pathname !== PATH)
    return { kind: 'refuse', status: 404, reason: `unknown path (the endpoint is ${PATH})`, record };
  if (input.method !== 'GET') return { kind: 'refuse', status: 405, reason: 'only GET is supported', record };
  const q = url.searchParams;
  record.apiVersion = q.get('api-version') ?? undefined;
  if (record.apiVersion !== BROKER_API_VERSION)
    return {
      kind: 'refuse',
      status: 400,
      reason: `api-version must be ${BROKER_API_VERSION} (got ${record.apiVersion ?? 'none'})`,
      record,
    };
  const resource = q.get('resource')?.trim();
  if (!resource) return { kind: 'refuse', status: 400, reason: 'no resource parameter', record };
  const request: BrokerTokenRequest = { resource };
  const clientId = q.get('client_id') ?? undefined;
  const principalId = q.get('principal_id') ?? q.get('object_id') ?? undefined;
  const miResId = q.get('mi_res_id') ?? q.get('msi_res_id') ?? undefined;
  if ([clientId, principalId, miResId].filter(Boolean).length > 1)
    return {
      kind: 'refuse',
      status: 400,
      reason: 'more than one of client_id, principal_id/object_id, mi_res_id',
      record,
    };
  if (clientId) request.clientId = clientId;
  if (principalId) request.principalId = principalId;
  if (miResId) request.miResId = miResId;
  Object.assign(record, { resource, scope: scopeOf(resource), clientId, principalId, miResId });
  return { kind: 'token', request, record };
}

/** The v2 scope an App Service resource stands for. */
export function scopeOf(resource: string): string {
  return /\/\.default$/.test(resource) ? resource : `${resource.replace(/\/+$/, '')}/.default`;
}

type TokenFetcher = (request: BrokerTokenRequest) => Promise<{ token: BrokerToken; cached: boolean }>;

/** Tokens from the source, cached per resource and identity until shortly before they expire; one fetch at a time. */
function tokenFetcher(options: BrokerOptions, closed: AbortSignal, now: () => number): TokenFetcher {
  const cache = new Map<string, BrokerToken>();
  const inflight = new Map<string, Promise<BrokerToken>>();
  return (request) => {
    const key = JSON.stringify([
      request.resource.replace(/\/+$/, ''),
      request.clientId ?? '',
      request.principalId ?? '',
      request.miResId ?? '',
    ]);
    const hit = cache.get(key);
    if (hit && hit.expiresOnEpochMs - REFRESH_MARGIN_MS > now()) return Promise.resolve({ token: hit, cached: true });
    let p = inflight.get(key);
    if (!p) {
      const limit = AbortSignal.timeout(options.sourceTimeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS);
      p = options.source(request, AbortSignal.any([closed, limit])).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p.then((token) => {
      cache.set(key, token);
      return { token, cached: false };
    });
  };
}

interface Session {
  secret: string;
  now: () => number;
  fetchToken: TokenFetcher;
  records: BrokerRequestRecord[];
  onRequest?: (record: BrokerRequestRecord) => void;
}

/** One request: decided, answered (a token, or why not) and recorded. */
function serve(req: http.IncomingMessage, res: http.ServerResponse, session: Session): void {
  const { now, records, onRequest } = session;
  const t0 = now();
  const d = decide({
    method: req.method,
    url: req.url,
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    secret: session.secret,
  });
  const finish = (status: number, body: unknown, extra: Partial<BrokerRequestRecord>) => {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
    });
    res.end(payload);
    const record = {
      ...d.record,
      ...extra,
      at: new Date(t0).toISOString(),
      status,
      durationMs: now() - t0,
    } as BrokerRequestRecord;
    records.push(record);
    try {
      onRequest?.(record);
    } catch {
      /* a failing observer never breaks the broker */
    }
  };
  if (d.kind === 'token') return answerToken(d, session.fetchToken, finish);
  if (d.status !== 403)
    return finish(d.status, { statusCode: d.status, message: d.reason }, { answer: 'refused', reason: d.reason });
  // Not for a non-loopback peer: no body, just the door.
  res.writeHead(403, { connection: 'close' }).end();
  const record = {
    ...d.record,
    at: new Date(t0).toISOString(),
    status: 403,
    answer: 'refused',
    reason: d.reason,
    durationMs: now() - t0,
  } as BrokerRequestRecord;
  records.push(record);
  onRequest?.(record);
}

function answerToken(
  d: Extract<BrokerDecision, { kind: 'token' }>,
  fetchToken: TokenFetcher,
  finish: (status: number, body: unknown, extra: Partial<BrokerRequestRecord>) => void,
): void {
  fetchToken(d.request).then(
    ({ token, cached }) => {
      const value = token.token.reveal();
      finish(
        200,
        {
          access_token: value,
          expires_on: String(Math.floor(token.expiresOnEpochMs / 1000)),
          resource: d.request.resource,
          token_type: 'Bearer',
          ...((token.clientId ?? d.request.clientId) ? { client_id: token.clientId ?? d.request.clientId } : {}),
        },
        {
          answer: cached ? 'cached-token' : 'token',
          fingerprint: tokenFingerprint(value),
          expiresOn: new Date(token.expiresOnEpochMs).toISOString(),
        },
      );
    },
    (e: unknown) => {
      const reason = redactText((e as Error)?.message ?? String(e)).slice(0, 2000);
      // 400 as App Service answers a token request Entra refused (5xx would make every SDK retry for a minute).
      finish(
        400,
        { statusCode: 400, message: `the broker's token source failed: ${reason}` },
        { answer: 'error', reason },
      );
    },
  );
}

export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const now = options.now ?? Date.now;
  const secret = randomBytes(32).toString('hex');
  const records: BrokerRequestRecord[] = [];
  const controller = new AbortController();
  const session: Session = {
    secret,
    now,
    fetchToken: tokenFetcher(options, controller.signal, now),
    records,
    onRequest: options.onRequest,
  };
  const server = http.createServer((req, res) => serve(req, res, session));
  server.headersTimeout = 10_000;
  server.requestTimeout = 90_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}${PATH}`;
  const header = new SecretValue(secret);
  return {
    endpoint,
    header,
    environment: () => ({ IDENTITY_ENDPOINT: endpoint, IDENTITY_HEADER: header.reveal() }),
    requests: records,
    close: () =>
      new Promise<void>((resolve) => {
        controller.abort(new Error('broker closed'));
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
