/**
 * The test infrastructure the real-az suite relies on: the discovery proxy refuses everything but instance discovery
 * (whatever it is sent), and the harness never prints a secret argument. No az needed.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { describeArgs } from './az-harness';
import { PUBLIC_AUTHORITY, sandboxQuestion, startDiscoveryProxy, type DiscoveryProxy } from './discovery-proxy';

let sb: Sandbox;
let proxy: DiscoveryProxy;

function connectLine(target: string): Promise<{ status: number; socket: Socket }> {
  const u = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: Number(u.port), method: 'CONNECT', path: target });
    req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, socket: res.socket });
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET through a tunnel to login.microsoftonline.com, trusting only the proxy's CA. */
async function viaTunnel(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const { status, socket } = await connectLine(`${PUBLIC_AUTHORITY}:443`);
  assert.equal(status, 200);
  const tls: TLSSocket = tlsConnect({ socket, servername: PUBLIC_AUTHORITY, ca: proxy.caPem });
  return new Promise((resolve, reject) => {
    // No agent: the request runs on the TLS socket we built (createConnection), so no DNS lookup happens.
    const req = http.request(
      { host: PUBLIC_AUTHORITY, path, method, headers: { connection: 'close' }, createConnection: () => tls },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('real-az test infrastructure: discovery proxy and harness', function () {
  this.timeout(20_000);

  before(async () => {
    sb = await startSandbox();
    proxy = await startDiscoveryProxy({ authorityHost: sb.authorityHost, sandboxCaPem: sb.caPem });
  });
  after(async () => {
    await proxy?.close();
    await sb?.close();
  });

  it('answers instance discovery for the sandbox through a tunnel, with the sandbox’s own answer', async () => {
    const ae = encodeURIComponent(`${sb.authorityHost}/${sb.tenantId}/oauth2/v2.0/authorize`);
    const r = await viaTunnel(`/common/discovery/instance?api-version=1.0&authorization_endpoint=${ae}`);
    assert.equal(r.status, 200);
    const j = JSON.parse(r.body) as { tenant_discovery_endpoint: string; metadata: { aliases: string[] }[] };
    assert.equal(
      j.tenant_discovery_endpoint,
      `${sb.authorityHost}/${sb.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(proxy.records.at(-1)?.verdict, 'forwarded');
  });

  it('refuses CONNECT to any other host or port, and plain HTTP proxying', async () => {
    for (const target of [
      'management.azure.com:443',
      `${PUBLIC_AUTHORITY}:80`,
      'azure.microsoft.com:443',
      '169.254.169.254:80',
      'garbage',
      '',
    ]) {
      const { status, socket } = await connectLine(target);
      socket.destroy();
      assert.equal(status, 403, target);
    }
    const u = new URL(proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: u.hostname, port: Number(u.port), path: 'http://example.com/' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    assert.equal(status, 403);
    assert.ok(proxy.refused().some((r) => r.kind === 'plain'));
  });

  it('inside the tunnel refuses every path but GET /common/discovery/instance', async () => {
    for (const [path, method] of [
      [`/${sb.tenantId}/oauth2/v2.0/token`, 'POST'],
      ['/common/discovery/instance', 'POST'],
      ['/common/discovery/instancex', 'GET'],
      ['/common/userrealm/a@b.c', 'GET'],
      ['/', 'GET'],
    ] as const) {
      const r = await viaTunnel(path, method);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal((JSON.parse(r.body) as { error: string }).error, 'blocked_by_test_proxy');
    }
  });

  it('a malformed or huge authorization_endpoint reaches the sandbox unchanged and gets invalid_instance, not a crash', async () => {
    const bad = await viaTunnel('/common/discovery/instance?authorization_endpoint=%%%not-a-url');
    assert.equal(bad.status, 400);
    const huge = await viaTunnel(
      `/common/discovery/instance?authorization_endpoint=${encodeURIComponent(`https://127.0.0.1:1/${'x'.repeat(6000)}`)}`,
    );
    assert.ok(huge.status >= 400 && huge.status < 500, `status ${huge.status}`);
    // The proxy still answers afterwards.
    const again = await viaTunnel(
      `/common/discovery/instance?authorization_endpoint=${encodeURIComponent(`${sb.authorityHost}/common/oauth2/v2.0/authorize`)}`,
    );
    assert.equal(again.status, 200);
  });

  it('sandboxQuestion re-asks about the sandbox’s own host only when the endpoint is outside loopback', () => {
    const pub = sandboxQuestion(
      '/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/authorize',
    );
    assert.equal(
      new URL(pub, 'https://x').searchParams.get('authorization_endpoint'),
      'https://127.0.0.1/common/oauth2/authorize',
    );
    assert.equal(new URL(pub, 'https://x').searchParams.get('api-version'), '1.1');
    const own =
      '/common/discovery/instance?authorization_endpoint=https%3A%2F%2F127.0.0.1%3A4443%2Ft%2Foauth2%2Fv2.0%2Fauthorize';
    assert.equal(
      new URL(sandboxQuestion(own), 'https://x').searchParams.get('authorization_endpoint'),
      'https://127.0.0.1:4443/t/oauth2/v2.0/authorize',
    );
    assert.equal(
      new URL(sandboxQuestion('/common/discovery/instance?authorization_endpoint=::::'), 'https://x').searchParams.get(
        'authorization_endpoint',
      ),
      '::::',
    );
    assert.equal(sandboxQuestion('/common/discovery/instance'), '/common/discovery/instance');
  });

  it('describeArgs masks the value after -p, --password and --federated-token', () => {
    const s = describeArgs(['login', '--service-principal', '-u', 'app', '-p', 'hunter2', '--tenant', 't']);
    assert.equal(s, 'login --service-principal -u app -p *** --tenant t');
    assert.doesNotMatch(describeArgs(['login', '--password', 'p w', '--federated-token', 'eyJx']), /p w|eyJx/);
    assert.equal(describeArgs(['-p']), '-p');
  });
});
