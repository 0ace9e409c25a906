/**
 * The managed-identity token broker: a real @azure/identity app and a real Python azure-identity app take their
 * ManagedIdentityCredential (App Service source) path against it; requests without the header or from a non-loopback
 * peer are refused; every request is traced and no record holds a token.
 */
import { strict as assert } from 'node:assert';
import { DEMO, startSandbox, type Sandbox } from '../../../src/sandbox/index';
import {
  SecretValue,
  credentialTokenSource,
  decide,
  isLoopbackAddress,
  runTraced,
  startBroker,
  type Broker,
  type BrokerRequestRecord,
} from '../../../src/core/index';
import { main } from '../../../src/cli/main';
import { captureIo } from '../cli-io';
import { JS_APP, PY_APP, PYTHON, appResult, baseEnv } from './apps';

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, { headers });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('apptrace: managed-identity token broker (App Service protocol on loopback)', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  let broker: Broker;
  const seen: BrokerRequestRecord[] = [];
  before(async () => {
    sb = await startSandbox();
    broker = await startBroker({
      source: credentialTokenSource(
        {
          credential: 'ClientSecretCredential',
          tenantId: sb.tenantId,
          clientId: DEMO.confidentialClientId,
          clientSecret: new SecretValue(DEMO.confidentialSecret),
        },
        { env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
      ),
      onRequest: (r) => seen.push(r),
    });
  });
  after(async () => {
    await broker.close();
    await sb.close();
  });

  it('serves the real @azure/identity app: DefaultAzureCredential picks ManagedIdentityCredential, the request is traced', async () => {
    const before = seen.length;
    const out: Buffer[] = [];
    const r = await runTraced({
      command: process.execPath,
      args: [JS_APP],
      env: { ...baseEnv(sb), ...broker.environment() },
      stdin: 'ignore',
      stdout: (b) => out.push(b),
    });
    const app = appResult<{ ok: boolean; winner?: string }>(Buffer.concat(out).toString());
    assert.equal(app.winner, 'ManagedIdentityCredential', JSON.stringify(app));
    assert.equal(r.trace.runs[0]!.winner, 'ManagedIdentityCredential');
    const mine = seen.slice(before);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.deepEqual(
      {
        answer: mine[0]!.answer,
        status: mine[0]!.status,
        apiVersion: mine[0]!.apiVersion,
        resource: mine[0]!.resource,
        scope: mine[0]!.scope,
        path: mine[0]!.path,
      },
      {
        answer: 'token',
        status: 200,
        apiVersion: '2019-08-01',
        resource: 'https://management.azure.com',
        scope: 'https://management.azure.com/.default',
        path: '/msi/token',
      },
    );
    assert.match(mine[0]!.fingerprint!, /^[0-9a-f]{12}$/);
    assert.equal(mine[0]!.remoteAddress.replace('::ffff:', ''), '127.0.0.1');
  });

  it('serves the real Python azure-identity app (App Service source), from the broker’s cache', async () => {
    const before = seen.length;
    const out: Buffer[] = [];
    const r = await runTraced({
      command: PYTHON,
      args: [PY_APP],
      env: { ...baseEnv(sb), ...broker.environment() },
      stdin: 'ignore',
      stdout: (b) => out.push(b),
    });
    assert.equal(appResult<{ winner?: string }>(Buffer.concat(out).toString()).winner, 'ManagedIdentityCredential');
    assert.equal(r.trace.runs[0]!.winner, 'ManagedIdentityCredential');
    const mine = seen.slice(before);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.answer, 'cached-token', 'same resource as the JS app: the broker answers from its cache');
    assert.equal(mine[0]!.resource, 'https://management.azure.com');
  });

  it('refuses a request without the header or with another session’s, and a wrong api-version; no record holds a token', async () => {
    const url = `${broker.endpoint}?resource=${encodeURIComponent('https://vault.azure.net')}&api-version=2019-08-01`;
    const none = await get(url);
    assert.equal(none.status, 401);
    assert.equal(none.body.access_token, undefined);
    const wrong = await get(url, { 'X-IDENTITY-HEADER': 'f'.repeat(64) });
    assert.equal(wrong.status, 401);
    const oldApi = await get(url.replace('2019-08-01', '2017-09-01'), { 'X-IDENTITY-HEADER': broker.header.reveal() });
    assert.equal(oldApi.status, 400);
    assert.match(String(oldApi.body.message), /api-version must be 2019-08-01/);
    const ok = await get(`${url}&client_id=${DEMO.uamiTwoClientId}`, { 'X-IDENTITY-HEADER': broker.header.reveal() });
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.body.access_token, 'string');
    assert.match(String(ok.body.expires_on), /^\d{10}$/);
    const last = seen[seen.length - 1]!;
    assert.equal(last.clientId, DEMO.uamiTwoClientId, 'the identity the app asked for is traced');
    assert.deepEqual(
      seen.slice(-4, -1).map((s) => [s.status, s.answer, s.reason]),
      [
        [401, 'refused', 'no X-IDENTITY-HEADER'],
        [401, 'refused', 'X-IDENTITY-HEADER does not match this session'],
        [400, 'refused', 'api-version must be 2019-08-01 (got 2017-09-01)'],
      ],
    );
    const records = JSON.stringify(seen);
    assert.ok(!records.includes(String(ok.body.access_token)), 'a token reached a record');
    assert.ok(!records.includes(broker.header.reveal()), 'the session header reached a record');
  });

  it('refuses non-loopback peers before anything else', () => {
    for (const remoteAddress of ['192.0.2.10', '::ffff:10.0.0.1', '2001:db8::1', undefined]) {
      const d = decide({
        method: 'GET',
        url: '/msi/token?resource=x&api-version=2019-08-01',
        headers: { 'x-identity-header': 's3cr3t' },
        remoteAddress,
        secret: 's3cr3t',
      });
      assert.equal(d.kind, 'refuse');
      assert.equal(d.kind === 'refuse' && d.status, 403);
    }
    assert.ok(
      isLoopbackAddress('127.0.0.1') &&
        isLoopbackAddress('::1') &&
        isLoopbackAddress('::ffff:127.0.0.1') &&
        isLoopbackAddress('127.8.9.10'),
    );
    assert.equal(
      decide({
        method: 'GET',
        url: '/msi/token?resource=x&api-version=2019-08-01',
        headers: { 'x-identity-header': 's3cr3t' },
        remoteAddress: '127.0.0.1',
        secret: 's3cr3t',
      }).kind,
      'token',
    );
  });

  it('a failing token source becomes a 400 (not retried) with its message, redacted', async () => {
    const failing = await startBroker({
      source: async () => {
        throw new Error('AADSTS7000215: Invalid client secret provided. client_secret=hunter2-hunter2');
      },
    });
    try {
      const r = await get(`${failing.endpoint}?resource=https%3A%2F%2Fmanagement.azure.com&api-version=2019-08-01`, {
        'X-IDENTITY-HEADER': failing.header.reveal(),
      });
      assert.equal(r.status, 400);
      assert.match(String(r.body.message), /^the broker's token source failed: AADSTS7000215/);
      assert.ok(!String(r.body.message).includes('hunter2-hunter2'));
      assert.equal(failing.requests[0]!.answer, 'error');
      assert.match(failing.requests[0]!.reason!, /AADSTS7000215/);
      assert.ok(!JSON.stringify(failing.requests).includes('hunter2-hunter2'));
    } finally {
      await failing.close();
    }
  });
});

describe('azauth broker', function () {
  this.timeout(120_000);
  it('--sandbox -- node app.mjs: the app’s ManagedIdentityCredential gets a sandbox token through the broker, each request traced on stderr', async () => {
    const sb = await startSandbox();
    try {
      const io = captureIo({ env: baseEnv(sb) });
      const code = await main(['broker', '--sandbox', '--', process.execPath, JS_APP], io);
      assert.equal(code, 0, io.err());
      assert.equal(appResult<{ winner?: string }>(io.out()).winner, 'ManagedIdentityCredential');
      assert.match(
        io.err(),
        /● managed-identity broker on http:\/\/127\.0\.0\.1:\d+\/msi\/token \(App Service, api-version 2019-08-01\); tokens from the sandbox/,
      );
      assert.match(
        io.err(),
        /\[broker\] \S+ (::ffff:)?127\.0\.0\.1 GET https:\/\/management\.azure\.com api-version=2019-08-01 → 200 token [0-9a-f]{12} \(expires /,
      );
      assert.doesNotMatch(io.err() + io.out(), /eyJ[\w-]+\.eyJ/, 'no token printed');
    } finally {
      await sb.close();
    }
  });

  it('needs a command or --env-file (usage error, exit 2)', async () => {
    assert.equal(await main(['broker', '--credential', 'az'], captureIo()), 2);
    assert.equal(await main(['broker', '--credential', 'nope', '--', 'true'], captureIo()), 2);
  });
});
