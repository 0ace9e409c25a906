/**
 * Key fetches (azauth decode --jwks URL / --discover) end within their deadline and say precisely why they failed:
 * a key server that never answers, one that drips a byte at a time, an untrusted certificate (and --ca fixing it),
 * a refused connection, an HTTP error, an oversized or non-JSON answer. Every failure leaves the token unverified
 * (exit 3), never "valid". All servers are on loopback.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { main } from '../../../src/cli/main';
import { fetchJwksUrl, isKeyFetchError, discoverJwksBounded } from '../../../src/core/token/keys';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { captureIo } from '../cli-io';
import { armV1Payload, makeSigner, type Signer } from './helpers';

const nowS = () => Math.floor(Date.now() / 1000);
const live = (o: Record<string, unknown> = {}) =>
  armV1Payload({ iat: nowS() - 60, nbf: nowS() - 60, exp: nowS() + 3600, ...o });

async function listen<T extends Server | NetServer>(
  server: T,
): Promise<{ server: T; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

async function close(h: { server: Server | NetServer; sockets: Set<Socket> }): Promise<void> {
  for (const s of h.sockets) s.destroy();
  await new Promise<void>((r) => h.server.close(() => r()));
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isKeyFetchError(e), `a KeyFetchError, got ${String(e)}`);
    return e.kind;
  }
  assert.fail('the fetch should have failed');
}

describe('key fetches: deadline, --ca and classified errors', () => {
  let signer: Signer;
  let token: string;
  before(async () => {
    signer = await makeSigner('fetch-key');
    token = await signer.sign(live());
  });

  it('a key server that accepts the connection and never answers ends at the deadline: timeout, unverified, exit 3', async () => {
    const h = await listen(createNetServer(() => undefined));
    try {
      const c = captureIo();
      const code = await main(
        ['decode', token, '--json', '--jwks', `http://127.0.0.1:${h.port}/keys`, '--timeout', '400ms'],
        c,
      );
      assert.equal(code, 3);
      const v = JSON.parse(c.out()).validation;
      assert.equal(v.verdict, 'unverified');
      assert.equal(v.unverifiedBecause, 'key-fetch-failed');
      assert.equal(v.keyFetchError.kind, 'timeout');
      assert.match(v.keyFetchError.message, /no complete answer within 400 ms/);
    } finally {
      await close(h);
    }
  });

  it('a key server that drips a byte every 150 ms is cut off by the overall deadline, not kept alive by each byte', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const h = await listen(
      createServer((_req, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[');
        const t = setInterval(() => res.write(' '), 150);
        timers.add(t);
        res.on('close', () => clearInterval(t));
      }),
    );
    try {
      const c = captureIo();
      assert.equal(
        await main(['decode', token, '--json', '--jwks', `http://127.0.0.1:${h.port}/keys`, '--timeout', '1s'], c),
        3,
      );
      assert.equal(JSON.parse(c.out()).validation.keyFetchError.kind, 'timeout');
      // The same deadline covers both requests of --discover: a configuration that drips never reaches the keys.
      assert.equal(
        await kindOf(
          discoverJwksBounded('https://login.example/tenant/v2.0', {
            authorityHost: `http://127.0.0.1:${h.port}`,
            timeoutMs: 600,
          }),
        ),
        'timeout',
      );
    } finally {
      for (const t of timers) clearInterval(t);
      await close(h);
    }
  });

  it('refused, HTTP status, too large and not JSON are told apart', async () => {
    const refused = await listen(createNetServer());
    const deadPort = refused.port;
    await close(refused);
    assert.equal(await kindOf(fetchJwksUrl(`http://127.0.0.1:${deadPort}/keys`, { timeoutMs: 5000 })), 'refused');

    const h = await listen(
      createServer((req, res) => {
        if (req.url === '/404') res.writeHead(404).end('{}');
        else if (req.url === '/big') res.end(`{"keys":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
        else if (req.url === '/html')
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
        else if (req.url === '/nokeys') res.end('{"issuer":"x"}');
        else if (req.url === '/garbage') {
          // Not HTTP at all: the parser rejects it.
          req.socket.end('SSH-2.0-OpenSSH\r\n\r\n');
        } else res.end(JSON.stringify(signer.jwks));
      }),
    );
    try {
      const base = `http://127.0.0.1:${h.port}`;
      assert.equal(await kindOf(fetchJwksUrl(`${base}/404`, { timeoutMs: 5000 })), 'http-status');
      assert.equal(await kindOf(fetchJwksUrl(`${base}/big`, { timeoutMs: 5000 })), 'too-large');
      assert.equal(await kindOf(fetchJwksUrl(`${base}/html`, { timeoutMs: 5000 })), 'not-json');
      assert.equal(await kindOf(fetchJwksUrl(`${base}/nokeys`, { timeoutMs: 5000 })), 'not-jwks');
      assert.equal(await kindOf(fetchJwksUrl(`${base}/garbage`, { timeoutMs: 5000 })), 'malformed-http');
      assert.deepEqual((await fetchJwksUrl(`${base}/keys`, { timeoutMs: 5000 })).keys.length, 1);
      const c = captureIo();
      assert.equal(await main(['decode', token, '--json', '--jwks', `${base}/404`], c), 3);
      assert.match(JSON.parse(c.out()).validation.keyFetchError.message, /answered HTTP 404/);
    } finally {
      await close(h);
    }
  });

  describe('against the sandbox (HTTPS with its own CA)', () => {
    let sb: Sandbox;
    let sbToken: string;
    before(async () => {
      sb = await startSandbox();
      sbToken = await clientCredentials(sb);
    });
    after(async () => {
      await sb?.close();
    });

    it('without --ca the certificate is untrusted: kind tls, with a hint; with --ca the token is verified (exit 0)', async () => {
      let c = captureIo();
      assert.equal(
        await main(
          [
            'decode',
            sbToken,
            '--json',
            '--discover',
            '--authority-host',
            sb.authorityHost,
            '--scope',
            'https://management.azure.com/.default',
          ],
          c,
        ),
        3,
      );
      const e = JSON.parse(c.out()).validation.keyFetchError;
      assert.equal(e.kind, 'tls');
      assert.match(e.message, /--ca FILE/);
      c = captureIo();
      assert.equal(
        await main(
          [
            'decode',
            sbToken,
            '--json',
            '--discover',
            '--authority-host',
            sb.authorityHost,
            '--ca',
            sb.caFile,
            '--scope',
            'https://management.azure.com/.default',
          ],
          c,
        ),
        0,
      );
      assert.equal(JSON.parse(c.out()).validation.verdict, 'verified');
    });
  });

  it('/dev/zero and directories given as --jwks or --ca fail at once as bad input (exit 2), naming the problem', async () => {
    for (const args of [
      ['--jwks', '/dev/zero'],
      ['--ca', '/dev/zero', '--discover'],
      ['--jwks', '/tmp'],
      ['--ca', '/tmp', '--discover'],
    ]) {
      const c = captureIo();
      assert.equal(await main(['decode', token, ...args], c), 2, args.join(' '));
      assert.match(c.err(), /not a regular file/, args.join(' '));
    }
  });

  it('--timeout accepts seconds and units, and refuses nonsense', async () => {
    for (const bad of ['0', '-1', 'soon', '10m', '99999'])
      assert.equal(await main(['decode', token, '--timeout', bad], captureIo()), 2, bad);
  });
});

async function clientCredentials(sb: Sandbox): Promise<string> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope: 'https://management.azure.com/.default',
    }).toString();
    const req = https.request(
      sb.urls.token,
      { method: 'POST', ca: sb.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve((JSON.parse(text) as { access_token: string }).access_token)
            : reject(new Error(text)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
