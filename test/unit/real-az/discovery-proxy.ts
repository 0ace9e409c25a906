/**
 * A loopback HTTPS proxy that lets the real Azure CLI finish MSAL Python's instance discovery against the sandbox.
 *
 * MSAL Python (1.21, inside az 2.45) validates every authority whose host is not a Microsoft one by calling
 * `https://login.microsoftonline.com/common/discovery/instance?authorization_endpoint=https://<host>/<tenant>/…`
 * — hard-coded, and az offers no switch to turn it off. Inside the test's network namespace that name does not
 * even resolve. So az runs with HTTPS_PROXY pointing here (NO_PROXY keeps every loopback address direct):
 *   - CONNECT login.microsoftonline.com:443 is accepted and TLS is terminated with a certificate for that name,
 *     issued by a CA made for this proxy (added to az's REQUESTS_CA_BUNDLE, trusted nowhere else);
 *   - inside, only GET /common/discovery/instance is answered, by forwarding it to the sandbox. MSAL Python also
 *     asks it about login.microsoftonline.com itself (get_accounts() of a service principal looks up the "aliases"
 *     of its authority host there) and then needs a group that contains its own host; such a question is re-asked
 *     as one about the sandbox's own host on 443, so the answer names the sandbox's aliases;
 *   - every other request, host or method is refused (403) and recorded, so a test can assert that az asked the
 *     public cloud nothing but instance discovery — and no packet leaves loopback either way.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import forge from 'node-forge';

export const PUBLIC_AUTHORITY = 'login.microsoftonline.com';

export interface ProxyRecord {
  /** 'connect' for a CONNECT line, 'request' for a request inside an accepted tunnel, 'plain' for a plain-HTTP proxy request. */
  kind: 'connect' | 'request' | 'plain';
  /** host:port for CONNECT, the Host header otherwise. */
  target: string;
  method?: string;
  /** Path and query (requests only). */
  path?: string;
  verdict: 'tunnelled' | 'forwarded' | 'refused';
  /** Status the sandbox answered a forwarded request with. */
  status?: number;
}

export interface DiscoveryProxy {
  /** http://127.0.0.1:PORT — the value for HTTPS_PROXY / HTTP_PROXY. */
  readonly url: string;
  /** PEM of the CA that issued the proxy's login.microsoftonline.com certificate. */
  readonly caPem: string;
  readonly records: readonly ProxyRecord[];
  /** Records that were refused: anything az asked the outside world besides instance discovery. */
  refused(): ProxyRecord[];
  close(): Promise<void>;
}

interface Pki {
  caPem: string;
  keyPem: string;
  certPem: string;
}

let pki: Pki | undefined;

function keyPair(): { pub: forge.pki.rsa.PublicKey; priv: forge.pki.rsa.PrivateKey; privPem: string } {
  const k = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    pub: forge.pki.publicKeyFromPem(k.publicKey) as forge.pki.rsa.PublicKey,
    priv: forge.pki.privateKeyFromPem(k.privateKey) as forge.pki.rsa.PrivateKey,
    privPem: k.privateKey,
  };
}

function certificate(o: {
  cn: string;
  pub: forge.pki.rsa.PublicKey;
  signer: forge.pki.rsa.PrivateKey;
  issuer?: forge.pki.Certificate;
  ca: boolean;
}): forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = o.pub;
  c.serialNumber = `01${randomBytes(15).toString('hex')}`;
  c.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  c.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: o.cn },
    { name: 'organizationName', value: 'Azure Auth Debugger real-az test proxy' },
  ];
  c.setSubject(subject);
  c.setIssuer(o.issuer ? o.issuer.subject.attributes : subject);
  const ext: object[] = o.ca
    ? [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ]
    : [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: PUBLIC_AUTHORITY }] },
      ];
  ext.push({ name: 'subjectKeyIdentifier' });
  if (o.issuer)
    ext.push({ name: 'authorityKeyIdentifier', keyIdentifier: o.issuer.generateSubjectKeyIdentifier().getBytes() });
  c.setExtensions(ext);
  c.sign(o.signer, forge.md.sha256.create());
  return c;
}

/** One CA + leaf per process (key generation is the slow part). */
function proxyPki(): Pki {
  if (pki) return pki;
  const caKeys = keyPair();
  const ca = certificate({ cn: 'real-az test proxy CA', pub: caKeys.pub, signer: caKeys.priv, ca: true });
  const leafKeys = keyPair();
  const leaf = certificate({ cn: PUBLIC_AUTHORITY, pub: leafKeys.pub, signer: caKeys.priv, issuer: ca, ca: false });
  pki = { caPem: forge.pki.certificateToPem(ca), keyPem: leafKeys.privPem, certPem: forge.pki.certificateToPem(leaf) };
  return pki;
}

const DISCOVERY_PATH = /^\/common\/discovery\/instance(?:\?|$)/;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The discovery path to ask the sandbox: an authorization_endpoint outside loopback becomes the sandbox's own (443). */
export function sandboxQuestion(pathAndQuery: string): string {
  const u = new URL(pathAndQuery, 'https://proxy.invalid');
  const ae = u.searchParams.get('authorization_endpoint');
  let host: string | undefined;
  try {
    host = ae ? new URL(ae).hostname.toLowerCase() : undefined;
  } catch {
    host = undefined; // malformed: forwarded as it is, the sandbox answers invalid_instance
  }
  if (host && !LOOPBACK_HOSTS.has(host))
    u.searchParams.set('authorization_endpoint', 'https://127.0.0.1/common/oauth2/authorize');
  return `${u.pathname}${u.search}`;
}

function refuse(res: ServerResponse, why: string): void {
  const body = JSON.stringify({ error: 'blocked_by_test_proxy', error_description: why });
  res.writeHead(403, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

export async function startDiscoveryProxy(o: { authorityHost: string; sandboxCaPem: string }): Promise<DiscoveryProxy> {
  const { caPem, keyPem, certPem } = proxyPki();
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  // Requests that arrive inside an accepted tunnel (already decrypted).
  const inner = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const rec: ProxyRecord = {
      kind: 'request',
      target: String(req.headers.host ?? ''),
      method: req.method,
      path: req.url,
      verdict: 'refused',
    };
    records.push(rec);
    req.resume();
    if (req.method !== 'GET' || !DISCOVERY_PATH.test(req.url ?? '')) {
      refuse(res, `the real-az test proxy answers only GET /common/discovery/instance (got ${req.method} ${req.url})`);
      return;
    }
    rec.verdict = 'forwarded';
    const up = https.get(
      `${o.authorityHost}${sandboxQuestion(req.url ?? '')}`,
      { ca: o.sandboxCaPem, headers: { accept: 'application/json' } },
      (ur) => {
        rec.status = ur.statusCode;
        const headers: Record<string, string> = {
          'content-type': String(ur.headers['content-type'] ?? 'application/json'),
        };
        res.writeHead(ur.statusCode ?? 502, headers);
        ur.pipe(res);
      },
    );
    up.on('error', (e) => {
      rec.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`sandbox unreachable: ${e.message}`);
    });
  });

  const outer = http.createServer((req, res) => {
    // A plain-HTTP proxy request (http:// URL): nothing az needs goes this way.
    records.push({
      kind: 'plain',
      target: String(req.headers.host ?? req.url ?? ''),
      method: req.method,
      path: req.url,
      verdict: 'refused',
    });
    req.resume();
    refuse(res, 'the real-az test proxy does not forward plain HTTP');
  });
  outer.on('connection', track);
  outer.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = String(req.url ?? '');
    if (target.toLowerCase() !== `${PUBLIC_AUTHORITY}:443`) {
      records.push({ kind: 'connect', target, verdict: 'refused' });
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    records.push({ kind: 'connect', target, verdict: 'tunnelled' });
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const tls = new TLSSocket(socket, { isServer: true, key: keyPem, cert: certPem + caPem });
    tls.on('error', () => socket.destroy());
    track(tls);
    inner.emit('connection', tls);
  });

  await new Promise<void>((resolve, reject) => {
    outer.once('error', reject);
    outer.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = outer.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    caPem,
    records,
    refused: () => records.filter((r) => r.verdict === 'refused'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        outer.close(() => resolve());
      }),
  };
}
