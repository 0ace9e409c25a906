import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createEngine } from '../../../src/core/engine';
import { acquireToken } from '../../../src/core/flows';
import { MemorySink, TextSink, fanOut } from '../../../src/core/trace/sinks';
import type { ChainProfile } from '../../../src/core/model';
import { detectSource } from '../../../src/core/credentials/managed-identity/index';
import { fakeJwt, json, miTokenBody, stub, type Stub, tempDir } from './helpers';

const MI = ['ManagedIdentityCredential'];
const TOKEN = fakeJwt({
  tid: 't-mi',
  oid: 'oid-1',
  sub: 'oid-1',
  appid: 'app-mi',
  xms_mirid: '/subscriptions/x/resourcegroups/y/providers/Microsoft.Compute/virtualMachines/vm',
});

async function chain(
  env: Record<string, string>,
  opts: {
    profile?: ChainProfile | string;
    mode?: 'sequential' | 'diagnose';
    options?: Record<string, unknown>;
    stepTimeoutMs?: number;
  } = {},
) {
  const mem = new MemorySink();
  const lines: string[] = [];
  const r = await createEngine().runChain(
    {
      credentials: MI,
      profile: opts.profile ?? 'go',
      mode: opts.mode ?? 'sequential',
      stepTimeoutMs: opts.stepTimeoutMs ?? 10_000,
    },
    {
      env: { PATH: '/nonexistent', ...env },
      options: { ...opts.options },
      sink: fanOut(mem, new TextSink((l) => lines.push(l))),
    },
  );
  const text = lines.join('\n') + JSON.stringify(mem.events) + JSON.stringify(r);
  return { r, step: r.steps[0]!, text };
}

describe('engine: ManagedIdentityCredential (loopback endpoints)', () => {
  const stubs: Stub[] = [];
  afterEach(async () => {
    await Promise.all(stubs.splice(0).map((s) => s.close()));
  });
  const open = async (h: Parameters<typeof stub>[0]) => {
    const s = await stub(h);
    stubs.push(s);
    return s;
  };

  it('detects sources in msal-node order', () => {
    assert.equal(
      detectSource({ IDENTITY_ENDPOINT: 'x', IDENTITY_HEADER: 'h', IDENTITY_SERVER_THUMBPRINT: 't' }, false).source,
      'ServiceFabric',
    );
    assert.equal(detectSource({ IDENTITY_ENDPOINT: 'x', IDENTITY_HEADER: 'h' }, false).source, 'AppService');
    assert.equal(detectSource({ MSI_ENDPOINT: 'x', MSI_SECRET: 's' }, false).source, 'MachineLearning');
    assert.equal(detectSource({ MSI_ENDPOINT: 'x' }, false).source, 'CloudShell');
    assert.equal(detectSource({ IDENTITY_ENDPOINT: 'x', IMDS_ENDPOINT: 'y' }, false).source, 'AzureArc');
    assert.equal(detectSource({}, true).source, 'AzureArc');
    assert.equal(detectSource({}, false).source, 'Imds');
  });

  it('JS (and .NET) managed identity is the workload-identity token exchange when a client id, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are all set; Go asks IMDS', async () => {
    const s = await open((_req, res) => json(res, 200, miTokenBody(TOKEN)));
    const env = {
      AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      AZURE_TENANT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      AZURE_FEDERATED_TOKEN_FILE: path.join(tempDir('mi-tx'), 'missing-token'),
    };
    const js = await chain(env, { profile: 'js@4.13.0', options: { imdsEndpoint: s.url } });
    assert.equal(js.step.outcome, 'unavailable');
    // ManagedIdentityCredential passes workload identity's AuthenticationRequiredError through unchanged: the real
    // 4.13.1 names the same "ENOENT … open '<file>'" twice in its combined error (test/parity).
    assert.match(js.step.message, /^ENOENT: no such file or directory, open '.*missing-token'$/);
    assert.match(js.text, /managed identity uses token exchange/);
    assert.equal(s.requests.length, 0, 'no managed-identity endpoint is asked');
    const go = await chain(env, { profile: 'go', options: { imdsEndpoint: s.url } });
    assert.equal(go.step.outcome, 'success');
    assert.ok(s.requests.length > 0);
  });

  it('IMDS: probes without Metadata header, then asks with Metadata and the resource', async () => {
    const s = await open((req, res) => {
      if (!req.headers.metadata)
        return json(res, 400, {
          error: 'invalid_request',
          error_description: 'Required metadata header not specified',
        });
      json(res, 200, miTokenBody(TOKEN));
    });
    const { r, step, text } = await chain({}, { options: { imdsEndpoint: s.url } });
    assert.equal(r.winner, 'ManagedIdentityCredential');
    assert.equal(step.outcome, 'success');
    assert.equal(s.requests.length, 2);
    assert.equal(s.requests[0]!.url, '/metadata/identity/oauth2/token');
    assert.equal(s.requests[0]!.headers.metadata, undefined);
    const q = new URL(s.requests[1]!.url, 'http://x').searchParams;
    assert.equal(q.get('api-version'), '2018-02-01');
    assert.equal(q.get('resource'), 'https://management.azure.com');
    assert.equal(s.requests[1]!.headers.metadata, 'true');
    assert.equal(step.token?.identityType, 'managed-identity');
    assert.ok(!text.includes(TOKEN));
  });

  it('IMDS: no probe outside the chain, and for JS when AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential', async () => {
    const s = await open((_req, res) => json(res, 200, miTokenBody(TOKEN)));
    const run = await createEngine().runCredential(
      'ManagedIdentityCredential',
      {},
      { env: {}, options: { imdsEndpoint: s.url } },
    );
    assert.equal(run.result.outcome, 'success');
    assert.equal(s.requests.length, 1);
    assert.ok(run.accessToken);
    const r = await createEngine().runChain(
      { profile: 'js' },
      { env: { AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential' }, options: { imdsEndpoint: s.url } },
    );
    assert.equal(r.winner, 'ManagedIdentityCredential');
    assert.equal(s.requests.length, 2);
    assert.match(r.selection.reason, /skips the IMDS probe/);
  });

  it('IMDS: user-assigned by AZURE_CLIENT_ID, object id and resource id', async () => {
    const s = await open((_req, res) => json(res, 200, miTokenBody(TOKEN)));
    await chain({ AZURE_CLIENT_ID: 'uami-client' }, { options: { imdsEndpoint: s.url } });
    assert.equal(new URL(s.requests[1]!.url, 'http://x').searchParams.get('client_id'), 'uami-client');
    await chain({}, { options: { imdsEndpoint: s.url, managedIdentityObjectId: 'uami-oid' } });
    assert.equal(new URL(s.requests[3]!.url, 'http://x').searchParams.get('object_id'), 'uami-oid');
    await chain({}, { options: { imdsEndpoint: s.url, managedIdentityResourceId: '/subscriptions/s/rg/uami' } });
    assert.equal(new URL(s.requests[5]!.url, 'http://x').searchParams.get('msi_res_id'), '/subscriptions/s/rg/uami');
    const both = await chain(
      {},
      { options: { imdsEndpoint: s.url, managedIdentityObjectId: 'a', managedIdentityClientId: 'b' } },
    );
    assert.equal(both.step.outcome, 'unavailable');
    assert.match(both.step.message, /only one of client id, object id and resource id/);
  });

  it('IMDS: AZURE_POD_IDENTITY_AUTHORITY_HOST is the endpoint (and JS skips the probe)', async () => {
    const s = await open((_req, res) => json(res, 200, miTokenBody(TOKEN)));
    const { step } = await chain({ AZURE_POD_IDENTITY_AUTHORITY_HOST: s.url }, { profile: 'js' });
    assert.equal(step.outcome, 'success');
    assert.equal(s.requests.length, 1);
  });

  it('IMDS: a hung probe is unavailable ("managed identity timed out") within the probe limit', async () => {
    const s = await open(() => {
      /* never answers */
    });
    const { step } = await chain({}, { options: { imdsEndpoint: s.url, imdsProbeTimeoutMs: 150 } });
    assert.equal(step.outcome, 'unavailable');
    assert.match(step.message, /managed identity timed out/);
  });

  it('IMDS: Docker Desktop 403 "unreachable" is unavailable; other probe answers mean available', async () => {
    const s = await open((_req, res) =>
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end(
          'connecting to 169.254.169.254:80: connecting to 169.254.169.254:80: dial tcp 169.254.169.254:80: connectex: A socket operation was attempted to an unreachable network.',
        ),
    );
    const { step } = await chain({}, { options: { imdsEndpoint: s.url } });
    assert.equal(step.outcome, 'unavailable');
    assert.match(step.message, /Docker Desktop/);
    assert.equal(s.requests.length, 1);
  });

  it('IMDS: 400 for a user-assigned identity stops the Go chain but not the JS chain', async () => {
    const s = await open((req, res) =>
      req.headers.metadata
        ? json(res, 400, { error: 'invalid_request', error_description: 'Identity not found' })
        : json(res, 400, { error: 'invalid_request' }),
    );
    const go = await chain({ AZURE_CLIENT_ID: 'not-assigned' }, { options: { imdsEndpoint: s.url } });
    assert.equal(go.step.outcome, 'failed');
    assert.match(go.step.message, /isn't assigned to this resource/);
    assert.match(go.step.message, /AZURE_CLIENT_ID/);
    const js = await chain({ AZURE_CLIENT_ID: 'not-assigned' }, { profile: 'js', options: { imdsEndpoint: s.url } });
    assert.equal(js.step.outcome, 'unavailable');
    const sys = await chain({}, { options: { imdsEndpoint: s.url } });
    assert.equal(sys.step.outcome, 'unavailable');
    assert.match(sys.step.message, /system assigned identity/);
  });

  it('IMDS: retries 404/410/429/5xx honouring Retry-After; diagnose mode reports a 404 at once', async () => {
    const s = await open((req, res, _b, n) => {
      if (!req.headers.metadata) return json(res, 400, {});
      if (n <= 3) return json(res, n === 2 ? 404 : n === 3 ? 503 : 400, { error: 'not_yet' }, { 'retry-after': '0' });
      json(res, 200, miTokenBody(TOKEN));
    });
    const { step } = await chain({}, { options: { imdsEndpoint: s.url } });
    assert.equal(step.outcome, 'success');
    const http = step.events.filter((e) => e.kind === 'http');
    assert.deepEqual(
      http.map((e) => (e.kind === 'http' ? e.status : 0)),
      [400, 404, 503, 200],
    );
    assert.match(JSON.stringify(http[2]), /HTTP 404/);

    const s404 = await open((req, res) =>
      req.headers.metadata ? json(res, 404, { error: 'not_found' }) : json(res, 400, {}),
    );
    const d = await chain({}, { mode: 'diagnose', options: { imdsEndpoint: s404.url } });
    assert.equal(d.step.outcome, 'unavailable');
    assert.match(d.step.message, /identity not available yet.*about 62 s/);
    assert.equal(s404.requests.length, 2);
  });

  it('IMDS: an HTML page (proxy) is a precise unavailable, not a crash', async () => {
    const s = await open((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Corporate proxy login</body></html>'),
    );
    const { step } = await chain({}, { options: { imdsEndpoint: s.url } });
    assert.equal(step.outcome, 'unavailable');
    assert.match(step.message, /HTML page/);
  });

  it('App Service: X-IDENTITY-HEADER, api-version 2019-08-01, mi_res_id; header never traced', async () => {
    const s = await open((req, res) =>
      req.headers['x-identity-header'] === 'app-svc-header-secret'
        ? json(res, 200, miTokenBody(TOKEN, { expires_on: '11/05/2099 15:18:31 +00:00' }))
        : json(res, 401, { error: 'bad header' }),
    );
    const { step, text } = await chain(
      { IDENTITY_ENDPOINT: `${s.url}/msi/token`, IDENTITY_HEADER: 'app-svc-header-secret' },
      { options: { managedIdentityResourceId: '/subscriptions/s/uami' } },
    );
    assert.equal(step.outcome, 'success');
    const q = new URL(s.requests[0]!.url, 'http://x').searchParams;
    assert.equal(q.get('api-version'), '2019-08-01');
    assert.equal(q.get('mi_res_id'), '/subscriptions/s/uami');
    assert.equal(step.token?.expiresOn, '2099-11-05T15:18:31.000Z');
    assert.ok(!text.includes('app-svc-header-secret'));
  });

  it('Cloud Shell: POST form with the resource; user-assigned is refused before any request', async () => {
    const s = await open((req, res, body) =>
      req.method === 'POST' && body === 'resource=https%3A%2F%2Fmanagement.azure.com'
        ? json(res, 200, miTokenBody(TOKEN))
        : json(res, 400, {}),
    );
    const ok = await chain({ MSI_ENDPOINT: `${s.url}/oauth2/token` });
    assert.equal(ok.step.outcome, 'success');
    assert.equal(s.requests[0]!.headers.metadata, 'true');
    const ua = await chain({ MSI_ENDPOINT: `${s.url}/oauth2/token`, AZURE_CLIENT_ID: 'x' });
    assert.equal(ua.step.outcome, 'unavailable');
    assert.match(ua.step.message, /not supported for CloudShell/);
    assert.equal(s.requests.length, 1);
  });

  it('Azure ML: secret header and DEFAULT_IDENTITY_CLIENT_ID as clientid', async () => {
    const s = await open((req, res) =>
      req.headers.secret === 'ml-secret-value' ? json(res, 200, miTokenBody(TOKEN)) : json(res, 401, {}),
    );
    const { step, text } = await chain({
      MSI_ENDPOINT: `${s.url}/msi/token`,
      MSI_SECRET: 'ml-secret-value',
      DEFAULT_IDENTITY_CLIENT_ID: 'ml-default-client',
    });
    assert.equal(step.outcome, 'success');
    const q = new URL(s.requests[0]!.url, 'http://x').searchParams;
    assert.equal(q.get('api-version'), '2017-09-01');
    assert.equal(q.get('clientid'), 'ml-default-client');
    assert.ok(!text.includes('ml-secret-value'));
  });

  it('Service Fabric: secret header and api-version 2019-07-01-preview', async () => {
    const s = await open((req, res) =>
      req.headers.secret === 'sf-secret-value' ? json(res, 200, miTokenBody(TOKEN)) : json(res, 401, {}),
    );
    const { step, text } = await chain({
      IDENTITY_ENDPOINT: `${s.url}/token`,
      IDENTITY_HEADER: 'sf-secret-value',
      IDENTITY_SERVER_THUMBPRINT: 'AB12',
    });
    assert.equal(step.outcome, 'success');
    assert.equal(new URL(s.requests[0]!.url, 'http://x').searchParams.get('api-version'), '2019-07-01-preview');
    assert.ok(!text.includes('sf-secret-value'));
  });

  it('Service Fabric over HTTPS: a self-signed cluster certificate is accepted (as the SDKs do) and its thumbprint compared', async () => {
    const forge = (await import('node-forge')).default;
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 3_600_000);
    cert.setSubject([{ name: 'commonName', value: 'sf-cluster' }]);
    cert.setIssuer([{ name: 'commonName', value: 'sf-cluster' }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
    const thumb = forge.md.sha1.create().update(der).digest().toHex().toUpperCase();
    const https = await import('node:https');
    const server = https.createServer(
      { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) },
      (req, res) => (req.headers.secret === 'sf-secret' ? json(res, 200, miTokenBody(TOKEN)) : json(res, 401, {})),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    try {
      const ok = await chain({
        IDENTITY_ENDPOINT: url,
        IDENTITY_HEADER: 'sf-secret',
        IDENTITY_SERVER_THUMBPRINT: thumb,
      });
      assert.equal(ok.step.outcome, 'success', ok.step.message);
      assert.match(ok.text, /thumbprint [0-9A-F]{40} matches IDENTITY_SERVER_THUMBPRINT/);
      const other = await chain({
        IDENTITY_ENDPOINT: url,
        IDENTITY_HEADER: 'sf-secret',
        IDENTITY_SERVER_THUMBPRINT: 'AB'.repeat(20),
      });
      assert.equal(other.step.outcome, 'success');
      assert.match(other.text, /not IDENTITY_SERVER_THUMBPRINT/);
      // Anything else over HTTPS still needs a trusted certificate.
      const app = await chain({ IDENTITY_ENDPOINT: url, IDENTITY_HEADER: 'sf-secret' });
      assert.equal(app.step.outcome, 'unavailable');
      assert.match(app.step.message, /certificate/i);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  describe('Azure Arc key-file challenge', () => {
    let dir: string;
    before(() => {
      dir = tempDir('arc-');
      mkdirSync(path.join(dir, 'tokens'));
      writeFileSync(path.join(dir, 'tokens', 'good.key'), 'arc-key-secret-contents');
      writeFileSync(path.join(dir, 'tokens', 'big.key'), 'x'.repeat(5000));
      writeFileSync(path.join(dir, 'tokens', 'wrong.txt'), 'nope');
      writeFileSync(path.join(dir, 'elsewhere.key'), 'nope');
    });
    const arc = (realm: string | null, firstStatus = 401) =>
      open((req, res) => {
        if (req.headers.authorization === 'Basic arc-key-secret-contents') return json(res, 200, miTokenBody(TOKEN));
        if (firstStatus !== 401) return json(res, firstStatus, miTokenBody(TOKEN));
        res.writeHead(401, realm === null ? {} : { 'www-authenticate': realm }).end();
      });
    const env = (s: Stub) => ({ IDENTITY_ENDPOINT: `${s.url}/metadata/identity/oauth2/token`, IMDS_ENDPOINT: s.url });

    it('answers the challenge with the key file and never traces its contents', async () => {
      const s = await arc(`Basic realm=${path.join(dir, 'tokens', 'good.key')}`);
      const { step, text } = await chain(env(s), { options: { arcKeyDirectory: path.join(dir, 'tokens') } });
      assert.equal(step.outcome, 'success');
      assert.equal(new URL(s.requests[0]!.url, 'http://x').searchParams.get('api-version'), '2020-06-01');
      assert.ok(!text.includes('arc-key-secret-contents'));
    });

    const refusals: [string, string | null, RegExp, number?][] = [
      ['a file outside the agent directory', 'elsewhere.key', /invalid_file_path/],
      ['a path with ..', 'tokens/../elsewhere.key', /invalid_file_path/],
      ['a file without .key', 'tokens/wrong.txt', /invalid_file_extension/],
      ['a file over 4096 bytes', 'tokens/big.key', /invalid_secret.*5000 bytes/],
      ['a missing file', 'tokens/missing.key', /unable_to_read_secret_file/],
      ['no WWW-Authenticate header', null, /www_authenticate_header_missing/],
      ['a first answer other than 401', 'tokens/good.key', /expected a 401 response, received 200/, 200],
    ];
    for (const [what, rel, re, status] of refusals) {
      it(`refuses ${what}`, async () => {
        const s = await arc(
          rel === null ? null : `Basic realm=${rel.startsWith('tokens/..') ? `${dir}/${rel}` : path.join(dir, rel)}`,
          status,
        );
        const go = await chain(env(s), { options: { arcKeyDirectory: path.join(dir, 'tokens') } });
        assert.equal(go.step.outcome, 'failed');
        assert.match(go.step.message, re);
        const js = await chain(env(s), { profile: 'js', options: { arcKeyDirectory: path.join(dir, 'tokens') } });
        assert.equal(js.step.outcome, 'unavailable', 'JS turns every managed-identity failure into unavailable');
      });
    }
  });

  it('bad expiry and missing access_token end with a precise message', async () => {
    const s = await open((req, res) =>
      req.headers.metadata
        ? json(res, 200, { access_token: TOKEN, expires_on: 'soon', expires_in: 'later' })
        : json(res, 400, {}),
    );
    const { step } = await chain({}, { options: { imdsEndpoint: s.url } });
    assert.equal(step.outcome, 'failed');
    assert.match(step.message, /Failed to parse token expiration from body/);
  });

  it('a hung token endpoint ends at the step time limit, never hangs the chain', async () => {
    const s = await open(() => {
      /* never answers */
    });
    const { step } = await chain(
      { IDENTITY_ENDPOINT: `${s.url}/msi/token`, IDENTITY_HEADER: 'h' },
      { stepTimeoutMs: 300 },
    );
    assert.equal(step.outcome, 'failed');
    assert.equal(step.error?.kind, 'timeout');
    assert.match(step.message, /step time limit of 300 ms/);
  });

  it('retries stay inside a limit given on the request (chain, runCredential, acquireToken): the real error, not a time-limit one', async () => {
    // IMDS keeps answering 500. Go retries from 2 s; with a 1.5 s limit the budget (90 %) leaves no room for a retry,
    // so every path must end with the 500 itself. Before, the budget came from options.stepTimeoutMs only (30 s by
    // default), the retry slept past the limit, and the outcome was "did not finish within the time limit".
    const s = await open((_req, res) => json(res, 500, { error: 'server_error', error_description: 'IMDS is broken' }));
    const options = { imdsEndpoint: s.url };
    const limit = 1500;
    const viaChain = (await chain({}, { options, stepTimeoutMs: limit })).step;
    const viaRun = (
      await createEngine().runCredential(
        'ManagedIdentityCredential',
        { stepTimeoutMs: limit },
        { env: { PATH: '/nonexistent' }, options },
      )
    ).result;
    const viaFlow = (
      await acquireToken(
        { credential: 'managed-identity', timeoutMs: limit },
        { env: { PATH: '/nonexistent' }, options },
      )
    ).result;
    for (const [name, step] of [
      ['chain', viaChain],
      ['runCredential', viaRun],
      ['acquireToken', viaFlow],
    ] as const) {
      assert.notEqual(step.error?.kind, 'timeout', `${name}: ${step.message}`);
      assert.doesNotMatch(step.message, /time limit/, name);
      assert.match(step.message, /500|IMDS is broken/, name);
      assert.ok(step.durationMs < limit, `${name} took ${step.durationMs} ms`);
    }
  });
});
