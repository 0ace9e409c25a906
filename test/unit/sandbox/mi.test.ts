import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { request, verifyWithJwks } from './helpers';

const ARM = 'https://management.azure.com/';
const enc = encodeURIComponent;

describe('sandbox: managed-identity sources', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  afterEach(async () => {
    await sb.update((c) => {
      const d = c.managedIdentity;
      d.imds = { enabled: true, systemAssigned: true, userAssigned: [DEMO.uamiOneClientId, DEMO.uamiTwoClientId] };
      c.faults = [];
    });
  });
  after(async () => {
    await sb.close();
  });

  const imds = (query: string, headers: Record<string, string> = { Metadata: 'true' }) =>
    request(`${sb.urls.imdsToken}?${query}`, { headers });

  describe('IMDS', () => {
    it('selects user-assigned identities by client_id, object_id and msi_res_id', async () => {
      const uami = sb.contract.managedIdentity.userAssigned[0]!;
      for (const sel of [
        `client_id=${uami.clientId}`,
        `object_id=${uami.objectId}`,
        `msi_res_id=${enc(uami.resourceId)}`,
      ]) {
        const r = await imds(`api-version=2018-02-01&resource=${enc(ARM)}&${sel}`);
        assert.equal(r.status, 200, r.body);
        assert.equal(r.json().client_id, uami.clientId);
        const { payload } = await verifyWithJwks(sb, r.json().access_token as string);
        assert.equal(payload.oid, uami.objectId);
        assert.equal(payload.xms_mirid, uami.resourceId);
        assert.equal(payload.idtyp, 'app');
      }
    });

    it('answers "Identity not found" for an identity not assigned here and when there is none', async () => {
      const r = await imds(
        `api-version=2018-02-01&resource=${enc(ARM)}&client_id=12345678-1234-4234-8234-123456789012`,
      );
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), { error: 'invalid_request', error_description: 'Identity not found' });
      await sb.update((c) => {
        c.managedIdentity.imds.systemAssigned = false;
        c.managedIdentity.imds.userAssigned = [];
      });
      const none = await imds(`api-version=2018-02-01&resource=${enc(ARM)}`);
      assert.equal(none.status, 400);
      assert.deepEqual(none.json(), { error: 'invalid_request', error_description: 'Identity not found' });
    });

    it('answers the "multiple user assigned identities" error without a selector and no system-assigned identity', async () => {
      await sb.update((c) => {
        c.managedIdentity.imds.systemAssigned = false;
      });
      const r = await imds(`api-version=2018-02-01&resource=${enc(ARM)}`);
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), {
        error: 'invalid_request',
        error_description:
          'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
      });
      await sb.update((c) => {
        c.managedIdentity.imds.userAssigned = [DEMO.uamiTwoClientId];
      });
      const single = await imds(`api-version=2018-02-01&resource=${enc(ARM)}`);
      assert.equal(
        single.json().client_id,
        DEMO.uamiTwoClientId,
        'a single user-assigned identity is picked without a selector',
      );
    });

    it('passes Entra errors through (AADSTS500011) and checks its own parameters', async () => {
      const r = await imds(`api-version=2018-02-01&resource=${enc('https://unknown.example.com/')}`);
      assert.equal(r.status, 400);
      const b = r.json();
      assert.equal(b.error, 'invalid_resource');
      assert.deepEqual(b.error_codes, [500011]);
      assert.match(String(b.error_description), /^AADSTS500011: /);
      assert.equal((await imds(`resource=${enc(ARM)}`)).status, 400);
      assert.equal(
        (await imds(`api-version=2018-02-01`)).json().error_description,
        "Required query variable 'resource' is missing",
      );
      assert.equal((await imds(`api-version=2018-02-01&resource=${enc(ARM)}`, { Metadata: 'false' })).status, 400);
      assert.equal(
        (await imds(`api-version=2018-02-01&resource=${enc(ARM)}`, { Metadata: 'true', 'X-Forwarded-For': '10.0.0.1' }))
          .status,
        400,
      );
      assert.equal(
        (
          await request(`${sb.urls.imdsToken}?api-version=2018-02-01&resource=x`, {
            method: 'POST',
            headers: { Metadata: 'true' },
          })
        ).status,
        405,
      );
    });

    it('a disabled source refuses connections; enabling it again serves on the same port', async () => {
      await sb.update((c) => {
        c.managedIdentity.imds.enabled = false;
      });
      await assert.rejects(imds(`api-version=2018-02-01&resource=${enc(ARM)}`), /ECONNREFUSED/);
      assert.equal(sb.contract.managedIdentity.enabled.imds, false);
      await sb.update((c) => {
        c.managedIdentity.imds.enabled = true;
      });
      assert.equal((await imds(`api-version=2018-02-01&resource=${enc(ARM)}`)).status, 200);
    });
  });

  describe('App Service', () => {
    const call = (query: string, header?: string) =>
      request(`${sb.urls.appService.endpoint}?${query}`, {
        headers: header === undefined ? {} : { 'X-IDENTITY-HEADER': header },
      });
    it('needs X-IDENTITY-HEADER and api-version 2019-08-01; answers the 2019-08-01 shape', async () => {
      assert.equal((await call(`api-version=2019-08-01&resource=${enc(ARM)}`)).status, 401);
      assert.equal((await call(`api-version=2019-08-01&resource=${enc(ARM)}`, 'wrong')).status, 401);
      assert.equal((await call(`api-version=2017-09-01&resource=${enc(ARM)}`, sb.urls.appService.header)).status, 400);
      const r = await call(`api-version=2019-08-01&resource=${enc(ARM)}`, sb.urls.appService.header);
      assert.equal(r.status, 200, r.body);
      const b = r.json();
      assert.deepEqual(Object.keys(b), ['access_token', 'expires_on', 'resource', 'token_type', 'client_id']);
      assert.match(String(b.expires_on), /^\d+$/);
      assert.equal(typeof b.expires_on, 'string');
      assert.equal(b.client_id, DEMO.systemAssignedClientId);
    });
    it('selects a user-assigned identity by client_id, object_id or mi_res_id and refuses unknown ones', async () => {
      const u = sb.contract.managedIdentity.userAssigned[0]!;
      for (const sel of [`client_id=${u.clientId}`, `object_id=${u.objectId}`, `mi_res_id=${enc(u.resourceId)}`]) {
        const r = await call(`api-version=2019-08-01&resource=${enc(ARM)}&${sel}`, sb.urls.appService.header);
        assert.equal(r.json().client_id, u.clientId);
      }
      const bad = await call(
        `api-version=2019-08-01&resource=${enc(ARM)}&client_id=${DEMO.uamiTwoClientId}`,
        sb.urls.appService.header,
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.json().message, 'Unable to load the proper Managed Identity.');
      assert.equal(bad.json().statusCode, 400);
    });
  });

  describe('Cloud Shell', () => {
    it("takes a POSTed form with Metadata: true and hands out the signed-in user's token", async () => {
      const post = (body: string, headers: Record<string, string> = { Metadata: 'true' }) =>
        request(sb.urls.cloudShell, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        });
      assert.equal((await post(`resource=${enc(ARM)}`, {})).status, 400);
      const r = await post(`resource=${enc(ARM)}`);
      assert.equal(r.status, 200, r.body);
      const b = r.json();
      for (const k of ['access_token', 'expires_in', 'expires_on', 'not_before', 'resource', 'token_type'])
        assert.ok(k in b, k);
      const { payload } = await verifyWithJwks(sb, b.access_token as string);
      assert.equal(payload.upn, 'alice@sandbox.onmicrosoft.com');
      assert.equal(payload.idtyp, 'user');
      assert.equal((await post(`resource=${enc(ARM)}&client_id=${DEMO.uamiOneClientId}`)).status, 400);
      assert.equal((await request(`${sb.urls.cloudShell}?resource=x`, { headers: { Metadata: 'true' } })).status, 405);
    });
  });

  describe('Azure Arc', () => {
    it('challenges with 401 + WWW-Authenticate Basic realm=<key file>, then accepts Authorization: Basic <key>', async () => {
      const url = `${sb.urls.arc}?api-version=2020-06-01&resource=${enc(ARM)}`;
      const first = await request(url, { headers: { Metadata: 'true' } });
      assert.equal(first.status, 401);
      const www = String(first.headers['www-authenticate']);
      const m = /^Basic realm=(.+)$/.exec(www);
      assert.ok(m, www);
      const file = m[1]!;
      assert.ok(file.endsWith('.key'));
      assert.equal(path.dirname(file), sb.contract.managedIdentity.arc.keyDirectory);
      const key = readFileSync(file, 'utf8');
      const wrong = await request(url, { headers: { Metadata: 'true', Authorization: 'Basic nope' } });
      assert.equal(wrong.status, 401);
      const ok = await request(url, { headers: { Metadata: 'true', Authorization: `Basic ${key}` } });
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.json().client_id, DEMO.systemAssignedClientId);
      assert.equal(typeof ok.json().expires_in, 'string');
      assert.ok(!existsSync(file), 'the key file is used once');
      const reuse = await request(url, { headers: { Metadata: 'true', Authorization: `Basic ${key}` } });
      assert.equal(reuse.status, 401);
      assert.match(String(reuse.headers['www-authenticate']), /^Basic realm=/);
      assert.equal((await request(url)).status, 400, 'Metadata header required');
    });
  });

  describe('Service Fabric', () => {
    it('needs the secret header and api-version 2019-07-01-preview; expires_on is a number', async () => {
      const url = `${sb.urls.serviceFabric.endpoint}?api-version=2019-07-01-preview&resource=${enc(ARM)}`;
      const none = await request(url);
      assert.equal(none.status, 401);
      assert.equal((none.json().error as { code: string }).code, 'SecretHeaderNotFound');
      assert.equal((await request(url, { headers: { secret: 'wrong' } })).status, 401);
      assert.equal(
        (
          await request(url.replace('2019-07-01-preview', '2018-02-01'), {
            headers: { secret: sb.urls.serviceFabric.header },
          })
        ).status,
        400,
      );
      const r = await request(url, { headers: { secret: sb.urls.serviceFabric.header } });
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(Object.keys(r.json()), ['token_type', 'access_token', 'expires_on', 'resource']);
      assert.equal(typeof r.json().expires_on, 'number');
    });
  });

  describe('Azure ML', () => {
    it('needs the secret header and api-version 2017-09-01; selects by clientid', async () => {
      const url = `${sb.urls.azureMl.endpoint}?api-version=2017-09-01&resource=${enc(ARM)}&clientid=${DEMO.uamiOneClientId}`;
      assert.equal((await request(url)).status, 401);
      const r = await request(url, { headers: { secret: sb.urls.azureMl.secret } });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.json().client_id, DEMO.uamiOneClientId);
      assert.match(String(r.json().expires_on), /^\d+$/);
      const bad = await request(url.replace(DEMO.uamiOneClientId, DEMO.uamiTwoClientId), {
        headers: { secret: sb.urls.azureMl.secret },
      });
      assert.equal(bad.status, 400);
    });
  });
});
