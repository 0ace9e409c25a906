import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createCiOidc, type CiOidc } from '../../../src/sandbox/ci-oidc';

describe('sandbox CI OIDC endpoints (runner-style)', () => {
  let ci: CiOidc;
  let server: http.Server;
  let base: string;

  before(async () => {
    ci = createCiOidc();
    server = http.createServer((req, res) => {
      void ci.handle(req, res, base).then((handled) => {
        if (!handled) {
          res.writeHead(418);
          res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => {
    ci.faults.github = undefined;
    ci.faults.pipelines = undefined;
  });

  async function req(method: string, url: string, headers: Record<string, string> = {}, body?: string) {
    const res = await fetch(url.startsWith('http') ? url : base + url, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      /* not json */
    }
    return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
  }

  it('GitHub: issues a signed token for the requested audience, verifiable with the issuer JWKS', async () => {
    const env = ci.githubEnv(base);
    const r = await req('GET', `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange`, {
      authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
    });
    assert.equal(r.status, 200);
    assert.equal(typeof r.json.value, 'string');
    const disco = await req('GET', `/ci/github/.well-known/openid-configuration`);
    assert.equal(disco.json.issuer, ci.githubIssuer(base));
    const jwks = await req('GET', new URL(String(disco.json.jwks_uri)).pathname);
    const { payload } = await jwtVerify(String(r.json.value), createLocalJWKSet(jwks.json as never), {
      issuer: ci.githubIssuer(base),
      audience: 'api://AzureADTokenExchange',
    });
    assert.equal(payload.sub, 'repo:contoso/webapp:ref:refs/heads/main');
    assert.equal(payload.repository, 'contoso/webapp');
    assert.ok((payload.exp as number) - (payload.iat as number) <= 300);
  });

  it('GitHub: subject follows environment / pull_request / explicit override', async () => {
    const env = ci.githubEnv(base);
    const get = async () => {
      const r = await req('GET', `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=x`, {
        authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
      });
      return JSON.parse(Buffer.from(String(r.json.value).split('.')[1]!, 'base64url').toString()).sub as string;
    };
    ci.github.environment = 'production';
    assert.equal(await get(), 'repo:contoso/webapp:environment:production');
    ci.github.environment = undefined;
    ci.github.pullRequest = true;
    assert.equal(await get(), 'repo:contoso/webapp:pull_request');
    ci.github.pullRequest = false;
    ci.github.subject = 'custom';
    assert.equal(await get(), 'custom');
    ci.github.subject = undefined;
  });

  it('GitHub: refuses a missing or wrong request token and wrong methods; bad audiences', async () => {
    const url = ci.githubEnv(base).ACTIONS_ID_TOKEN_REQUEST_URL;
    assert.equal((await req('GET', url)).status, 401);
    assert.equal((await req('GET', url, { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await req('GET', url, { authorization: 'Basic abc' })).status, 401);
    assert.equal((await req('POST', url, { authorization: `Bearer ${ci.github.requestToken}` }, '{}')).status, 405);
    assert.equal(
      (await req('GET', `${url}&audience=${'a'.repeat(600)}`, { authorization: `Bearer ${ci.github.requestToken}` }))
        .status,
      400,
    );
    assert.equal(
      (await req('GET', `${url}&audience=`, { authorization: `Bearer ${ci.github.requestToken}` })).status,
      400,
    );
  });

  it('Azure Pipelines: POST with System.AccessToken and a known service connection', async () => {
    const env = ci.pipelinesEnv(base);
    const url = `${env.SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=${env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID}`;
    const r = await req('POST', url, {
      authorization: `Bearer ${env.SYSTEM_ACCESSTOKEN}`,
      'content-type': 'application/json',
    });
    assert.equal(r.status, 200);
    assert.ok(r.headers.get('x-vss-e2eid'));
    const jwks = await req('GET', `/ci/pipelines/${ci.pipelines.organizationId}/.well-known/jwks`);
    const { payload } = await jwtVerify(String(r.json.oidcToken), createLocalJWKSet(jwks.json as never), {
      issuer: ci.pipelinesIssuer(base),
      audience: 'api://AzureADTokenExchange',
    });
    assert.equal(payload.sub, 'sc://contoso/webapp/sandbox-federated');
  });

  it('Azure Pipelines: 401 without the access token, 404 for an unknown connection, 400 without one, 405 for GET, 413 for huge bodies', async () => {
    const env = ci.pipelinesEnv(base);
    const auth = { authorization: `Bearer ${env.SYSTEM_ACCESSTOKEN}` };
    assert.equal((await req('POST', `${env.SYSTEM_OIDCREQUESTURI}?serviceConnectionId=x`)).status, 401);
    const nf = await req(
      'POST',
      `${env.SYSTEM_OIDCREQUESTURI}?serviceConnectionId=${encodeURIComponent('<script>')}`,
      auth,
    );
    assert.equal(nf.status, 404);
    assert.equal((await req('POST', `${env.SYSTEM_OIDCREQUESTURI}?api-version=7.1`, auth)).status, 400);
    assert.equal((await req('GET', `${env.SYSTEM_OIDCREQUESTURI}?serviceConnectionId=x`, auth)).status, 405);
    assert.equal(
      (await req('POST', `${env.SYSTEM_OIDCREQUESTURI}?serviceConnectionId=__proto__`, auth)).status,
      404,
      'prototype keys are not service connections',
    );
    const huge = await req('POST', `${env.SYSTEM_OIDCREQUESTURI}?serviceConnectionId=x`, auth, 'x'.repeat(200 * 1024));
    assert.equal(huge.status, 413);
  });

  it('faults: an HTML page instead of JSON, as a proxy would send', async () => {
    ci.faults.github = { status: 200, body: '<html>proxy</html>' };
    const env = ci.githubEnv(base);
    const r = await req('GET', env.ACTIONS_ID_TOKEN_REQUEST_URL, {
      authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
    });
    assert.equal(r.status, 200);
    assert.match(r.text, /<html>/);
  });

  it('hostile paths: unknown /ci paths 404, other paths are not claimed, a huge URL is refused', async () => {
    assert.equal(
      (await req('GET', '/ci/../../etc/passwd')).status,
      418,
      'normalised by the client to /etc/passwd: not ours',
    );
    assert.equal((await req('GET', '/ci/nothing')).status, 404);
    assert.equal((await req('GET', '/other')).status, 418);
    assert.equal((await req('GET', '/ci/' + 'a'.repeat(9000))).status, 414);
    assert.equal(await ci.respond({ method: 'GET', url: '/x', headers: {}, bodyBytes: 0 }, base), null);
  });

  it('records requests without tokens', () => {
    assert.ok(ci.requests.length > 0);
    assert.ok(!JSON.stringify(ci.requests).includes(ci.github.requestToken));
  });
});
