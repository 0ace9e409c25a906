/** Test helpers for the sandbox: a tiny HTTP(S) client that trusts the sandbox CA, and an msal-node network module. */
import http from 'node:http';
import https from 'node:https';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Sandbox } from '../../../src/sandbox/index';

export interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
}

export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string } = {},
): Promise<Resp> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = mod.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        ...(u.protocol === 'https:' ? { ca: opts.ca } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(opts.body);
  });
}

export function get(sb: Sandbox, url: string, headers: Record<string, string> = {}): Promise<Resp> {
  return request(url, { headers, ca: sb.caPem });
}

export function postForm(
  sb: Sandbox,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Resp> {
  const body = new URLSearchParams(form).toString();
  return request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    ca: sb.caPem,
  });
}

/** Verifies a token's RS256 signature against the sandbox's published JWKS (fetched over HTTPS with the CA). */
export async function verifyWithJwks(
  sb: Sandbox,
  token: string,
): Promise<{ payload: JWTPayload; header: Record<string, unknown> }> {
  const jwks = (await get(sb, sb.urls.jwks)).json() as { keys: Record<string, unknown>[] };
  const { importJWK } = await import('jose');
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${String(header.kid)} not in JWKS`);
  const key = await importJWK(jwk as never, 'RS256');
  const { payload } = await jwtVerify(token, key, { algorithms: ['RS256'] });
  return { payload, header };
}

export { createRemoteJWKSet };

/** An msal-node INetworkModule over node:https that trusts the sandbox CA (msal's default uses global fetch). */
export function sandboxNetworkModule(sb: Sandbox, log?: string[]): INetworkModule {
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    log?.push(`${method} ${url}`);
    const headers: Record<string, string> = { ...(options?.headers ?? {}) };
    const r = await request(url, { method, headers, body: options?.body, ca: sb.caPem });
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers))
      if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    let body: unknown;
    try {
      body = r.body ? JSON.parse(r.body) : {};
    } catch {
      body = r.body;
    }
    return { headers: h, body: body as T, status: r.status };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}

/** msal-node `auth` options that keep it on the sandbox (no instance discovery against the public cloud). */
export async function msalAuthOptions(
  sb: Sandbox,
  tenant = sb.tenantId,
): Promise<{
  authority: string;
  knownAuthorities: string[];
  cloudDiscoveryMetadata: string;
  authorityMetadata: string;
}> {
  const authority = `${sb.authorityHost}/${tenant}`;
  const disco = await get(
    sb,
    `${sb.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${authority}/oauth2/v2.0/authorize`)}`,
  );
  const meta = await get(sb, `${authority}/v2.0/.well-known/openid-configuration`);
  return {
    authority,
    knownAuthorities: [new URL(sb.authorityHost).host],
    cloudDiscoveryMetadata: disco.body,
    authorityMetadata: meta.body,
  };
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts the Entra error body shape and returns it. */
export function assertAadError(r: Resp, status: number, code: number, error?: string): Record<string, unknown> {
  if (r.status !== status) throw new Error(`expected HTTP ${status}, got ${r.status}: ${r.body.slice(0, 400)}`);
  const b = r.json();
  const keys = ['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id', 'error_uri'];
  for (const k of keys) if (!(k in b)) throw new Error(`error body lacks ${k}: ${r.body}`);
  if (!Array.isArray(b.error_codes) || b.error_codes[0] !== code)
    throw new Error(`expected AADSTS${code}, got ${JSON.stringify(b.error_codes)}: ${String(b.error_description)}`);
  if (error !== undefined && b.error !== error) throw new Error(`expected error "${error}", got "${String(b.error)}"`);
  const d = String(b.error_description);
  if (
    !new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]+\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
      's',
    ).test(d)
  ) {
    throw new Error(`error_description has the wrong structure: ${JSON.stringify(d)}`);
  }
  if (b.error_uri !== `https://login.microsoftonline.com/error?code=${code}`)
    throw new Error(`bad error_uri ${String(b.error_uri)}`);
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/.test(String(b.timestamp)))
    throw new Error(`bad timestamp ${String(b.timestamp)}`);
  if (!GUID.test(String(b.trace_id))) throw new Error('bad trace_id');
  return b;
}
