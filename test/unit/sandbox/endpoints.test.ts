import { strict as assert } from 'node:assert';
import { createRemoteJWKSet, jwtVerify, decodeJwt } from 'jose';
import { startSandbox, DEMO, AZURE_CLI_CLIENT_ID, OTHER_TENANT_ID, type Sandbox } from '../../../src/sandbox/index';
import { get, postForm, request, verifyWithJwks } from './helpers';

const ALICE = 'alice@sandbox.onmicrosoft.com';

describe('sandbox: more endpoints and token shapes', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb.close();
  });

  it('v1 token endpoint: resource=, numbers as strings, expires_on, unsigned v1 ID token', async () => {
    const r = await postForm(sb, sb.urls.tokenV1, {
      grant_type: 'password',
      client_id: AZURE_CLI_CLIENT_ID,
      username: ALICE,
      password: DEMO.password,
      resource: 'https://management.core.windows.net/',
    });
    assert.equal(r.status, 200, r.body);
    const b = r.json();
    assert.deepEqual(Object.keys(b), [
      'token_type',
      'scope',
      'expires_in',
      'ext_expires_in',
      'expires_on',
      'not_before',
      'resource',
      'access_token',
      'refresh_token',
      'id_token',
    ]);
    for (const k of ['expires_in', 'ext_expires_in', 'expires_on', 'not_before']) assert.match(String(b[k]), /^\d+$/);
    assert.equal(typeof b.expires_in, 'string');
    assert.equal(b.resource, 'https://management.core.windows.net/');
    const { payload } = await verifyWithJwks(sb, b.access_token as string);
    assert.equal(payload.aud, 'https://management.core.windows.net/');
    assert.equal(payload.ver, '1.0');
    const [h] = String(b.id_token).split('.');
    assert.equal(JSON.parse(Buffer.from(h!, 'base64url').toString()).alg, 'none');
    assert.equal(decodeJwt(String(b.id_token)).iss, `https://sts.windows.net/${sb.tenantId}/`);
    const refreshed = await postForm(sb, sb.urls.tokenV1, {
      grant_type: 'refresh_token',
      client_id: AZURE_CLI_CLIENT_ID,
      refresh_token: String(b.refresh_token),
    });
    assert.equal(refreshed.status, 200, refreshed.body);
    assert.equal(refreshed.json().resource, 'https://management.core.windows.net/');
    assert.equal(
      (await verifyWithJwks(sb, String(refreshed.json().access_token))).payload.aud,
      'https://management.core.windows.net/',
    );
    const cc = await postForm(sb, sb.urls.tokenV1, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      resource: 'https://vault.azure.net',
    });
    assert.deepEqual(Object.keys(cc.json()), [
      'token_type',
      'expires_in',
      'ext_expires_in',
      'expires_on',
      'not_before',
      'resource',
      'access_token',
    ]);
  });

  it('v2 user tokens: access-token and ID-token claims', async () => {
    const r = await postForm(sb, sb.urls.token, {
      grant_type: 'password',
      client_id: DEMO.publicClientId,
      username: ALICE,
      password: DEMO.password,
      scope: 'api://sandbox-api/access_as_user openid profile offline_access',
      client_info: '1',
    });
    const b = r.json();
    assert.deepEqual(Object.keys(b), [
      'token_type',
      'scope',
      'expires_in',
      'ext_expires_in',
      'access_token',
      'refresh_token',
      'id_token',
      'client_info',
    ]);
    assert.equal(b.scope, 'api://sandbox-api/access_as_user');
    const at = (await verifyWithJwks(sb, b.access_token as string)).payload;
    for (const c of [
      'aud',
      'iss',
      'iat',
      'nbf',
      'exp',
      'aio',
      'azp',
      'azpacr',
      'idtyp',
      'name',
      'oid',
      'preferred_username',
      'rh',
      'scp',
      'sub',
      'tid',
      'uti',
      'ver',
    ])
      assert.ok(c in at, `access token has ${c}`);
    assert.equal(at.iss, `${sb.authorityHost}/${sb.tenantId}/v2.0`);
    assert.equal(at.aud, DEMO.apiClientId);
    assert.equal(at.azpacr, '0');
    assert.equal(at.scp, 'access_as_user');
    const idt = (await verifyWithJwks(sb, b.id_token as string)).payload;
    for (const c of [
      'aud',
      'iss',
      'iat',
      'nbf',
      'exp',
      'aio',
      'name',
      'oid',
      'preferred_username',
      'rh',
      'sub',
      'tid',
      'uti',
      'ver',
    ])
      assert.ok(c in idt, `ID token has ${c}`);
    assert.equal(idt.aud, DEMO.publicClientId);
    assert.equal(idt.preferred_username, ALICE);
    assert.equal(idt.ver, '2.0');
    assert.deepEqual(JSON.parse(Buffer.from(String(b.client_info), 'base64url').toString()), {
      uid: idt.oid,
      utid: sb.tenantId,
    });
    assert.throws(() => decodeJwt(String(b.refresh_token)), 'refresh tokens are opaque, not JWTs');
    // The recording redacts the refresh token in the response too.
    const rec = sb.requests.filter((x) => x.endpoint === 'token').at(-1)!;
    assert.equal(JSON.parse(rec.responseBody!).refresh_token, '[REDACTED]');
    assert.equal(rec.form?.password, '[REDACTED]');
  });

  it('organizations / common: a user signs in to their home tenant', async () => {
    const r = await postForm(sb, `${sb.authorityHost}/organizations/oauth2/v2.0/token`, {
      grant_type: 'password',
      client_id: AZURE_CLI_CLIENT_ID,
      username: 'dave@contoso-other.onmicrosoft.com',
      password: DEMO.password,
      scope: 'https://management.azure.com/.default offline_access openid',
    });
    assert.equal(r.status, 200, r.body);
    const { payload } = await verifyWithJwks(sb, r.json().access_token as string);
    assert.equal(payload.tid, OTHER_TENANT_ID);
    const cc = await postForm(sb, `${sb.authorityHost}/common/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope: 'https://management.azure.com/.default',
    });
    assert.deepEqual(cc.json().error_codes, [50059]);
  });

  it('device code v1 endpoint answers verification_url and string numbers', async () => {
    const r = await postForm(sb, `${sb.authorityHost}/${sb.tenantId}/oauth2/devicecode`, {
      client_id: AZURE_CLI_CLIENT_ID,
      resource: 'https://management.core.windows.net/',
    });
    assert.equal(r.status, 200, r.body);
    const b = r.json();
    assert.deepEqual(Object.keys(b), [
      'user_code',
      'device_code',
      'verification_url',
      'expires_in',
      'interval',
      'message',
    ]);
    assert.equal(typeof b.expires_in, 'string');
  });

  it('the device verification page approves a code for a person (HTML form)', async () => {
    const dc = (
      await postForm(sb, sb.urls.deviceCode, {
        client_id: DEMO.publicClientId,
        scope: 'https://management.azure.com/user_impersonation',
      })
    ).json();
    const page = await get(sb, sb.urls.deviceLogin);
    assert.equal(page.status, 200);
    assert.match(page.body, /name="user_code"/);
    const wrong = await postForm(sb, sb.urls.deviceLogin, {
      user_code: String(dc.user_code),
      username: ALICE,
      password: 'nope',
      action: 'approve',
    });
    assert.match(wrong.body, /AADSTS50126/);
    const ok = await postForm(sb, sb.urls.deviceLogin, {
      user_code: String(dc.user_code).toLowerCase(),
      username: ALICE,
      password: DEMO.password,
      action: 'approve',
    });
    assert.match(ok.body, /You have signed in/);
    const tok = await postForm(sb, sb.urls.token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: DEMO.publicClientId,
      device_code: String(dc.device_code),
    });
    assert.equal(tok.status, 200, tok.body);
    const again = await postForm(sb, sb.urls.token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: DEMO.publicClientId,
      device_code: String(dc.device_code),
    });
    assert.equal(again.status, 400, 'a device code is redeemed once');
  });

  it('authorize: fragment mode, consent page, form_post to a callback', async () => {
    const q = (extra: Record<string, string>) =>
      `${sb.urls.authorize}?${new URLSearchParams({ client_id: DEMO.consentClientId, response_type: 'code', redirect_uri: 'http://localhost:7777', scope: 'https://management.azure.com/user_impersonation openid', state: 's', ...extra })}`;
    const declined = await sb.signIn(q({ response_mode: 'fragment' }), ALICE, DEMO.password, {
      consent: false,
      deliver: false,
    });
    assert.equal(declined.mode, 'fragment');
    assert.equal(declined.params.error, 'access_denied');
    assert.match(declined.params.error_description!, /AADSTS65004/);
    const ok = await sb.signIn(q({ response_mode: 'fragment' }), ALICE, DEMO.password, { deliver: false });
    assert.ok(ok.params.code);
    // Consent is remembered: now the password flow works for this app and user.
    const ropc = await postForm(sb, sb.urls.token, {
      grant_type: 'password',
      client_id: DEMO.consentClientId,
      username: ALICE,
      password: DEMO.password,
      scope: 'https://management.azure.com/user_impersonation',
    });
    assert.equal(ropc.status, 200, ropc.body);
    // form_post: the page auto-submits a form; signIn POSTs it to the redirect URI like a browser.
    const http = await import('node:http');
    let received = '';
    const server = http.createServer((req, res) => {
      let d = '';
      req.on('data', (c) => (d += c));
      req.on('end', () => {
        received = `${req.method} ${d}`;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const fp = await sb.signIn(
        q({ response_mode: 'form_post', redirect_uri: `http://localhost:${port}` }).replace(
          DEMO.consentClientId,
          DEMO.publicClientId,
        ),
        ALICE,
        DEMO.password,
      );
      assert.equal(fp.mode, 'form_post');
      assert.equal(fp.callbackStatus, 200);
      assert.match(received, /^POST code=[^&]+&/);
      assert.match(received, /&state=s(&|$)/);
      assert.match(received, /session_state=/);
    } finally {
      server.close();
    }
    const bad = await sb.signIn(q({}), ALICE, 'wrong-password', { deliver: false });
    assert.match(bad.pageError ?? '', /AADSTS50126/);
  });

  it('token-exchange grant with a federated subject token', async () => {
    const subject = await sb.issueFederatedToken({
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
    });
    const r = await postForm(sb, sb.urls.token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: DEMO.workloadClientId,
      subject_token: subject,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      scope: 'https://management.azure.com/.default',
    });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json().token_type, 'Bearer');
  });

  it('external issuers publish discovery and JWKS that verify their tokens', async () => {
    const iss = sb.contract.externalIssuers[0]!.issuer;
    const d = (await get(sb, `${iss}/.well-known/openid-configuration`)).json();
    assert.equal(d.issuer, iss);
    const jwks = (await get(sb, String(d.jwks_uri))).json() as { keys: { kid: string }[] };
    const token = await sb.issueFederatedToken({
      subject: 'sub-1',
      audience: 'api://AzureADTokenExchange',
      claims: { extra: 1 },
    });
    const { importJWK } = await import('jose');
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    const { payload } = await jwtVerify(token, await importJWK(jwk as never, 'RS256'), {
      issuer: iss,
      audience: 'api://AzureADTokenExchange',
    });
    assert.equal(payload.sub, 'sub-1');
    assert.equal(payload.extra, 1);
    assert.equal((await get(sb, `${sb.authorityHost}/external/nope/.well-known/openid-configuration`)).status, 404);
    void createRemoteJWKSet;
  });

  it('user realm answers Managed for sandbox domains', async () => {
    const r = (await get(sb, `${sb.urls.userRealm}/${encodeURIComponent(ALICE)}?api-version=1.0`)).json();
    assert.equal(r.account_type, 'Managed');
    assert.equal(r.domain_name, 'sandbox.onmicrosoft.com');
    assert.equal(
      (await get(sb, `${sb.urls.userRealm}/x@unknown.example?api-version=1.0`)).json().account_type,
      'Unknown',
    );
  });

  it('ARM stand-in: subscriptions and tenants with a bearer token for ARM', async () => {
    assert.equal((await get(sb, `${sb.authorityHost}/subscriptions?api-version=2022-12-01`)).status, 401);
    const graph = (
      await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.confidentialClientId,
        client_secret: DEMO.confidentialSecret,
        scope: 'https://graph.microsoft.com/.default',
      })
    ).json().access_token;
    const wrongAud = await get(sb, `${sb.authorityHost}/subscriptions?api-version=2022-12-01`, {
      authorization: `Bearer ${graph}`,
    });
    assert.equal(wrongAud.status, 401);
    assert.equal((wrongAud.json().error as { code: string }).code, 'InvalidAuthenticationTokenAudience');
    const at = (
      await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.confidentialClientId,
        client_secret: DEMO.confidentialSecret,
        scope: 'https://management.core.windows.net//.default',
      })
    ).json().access_token;
    const subs = (
      await get(sb, `${sb.authorityHost}/subscriptions?api-version=2022-12-01`, { authorization: `Bearer ${at}` })
    ).json() as { value: { subscriptionId: string; tenantId: string; state: string }[] };
    assert.equal(subs.value[0]!.subscriptionId, DEMO.subscriptionId);
    assert.equal(subs.value[0]!.state, 'Enabled');
    const tenants = (
      await get(sb, `${sb.authorityHost}/tenants?api-version=2022-12-01`, { authorization: `Bearer ${at}` })
    ).json() as { value: { tenantId: string }[] };
    assert.equal(tenants.value[0]!.tenantId, sb.tenantId);
    const one = await get(sb, `${sb.authorityHost}/subscriptions/${DEMO.subscriptionId}?api-version=2022-12-01`, {
      authorization: `Bearer ${at}`,
    });
    assert.equal(one.status, 200);
  });

  it('answers on extra HTTPS ports and keeps the spelling the client used (localhost)', async () => {
    const extra = await startSandbox({ extraHttpsPorts: [0] });
    try {
      const r = await request(
        `https://localhost:${new URL(extra.authorityHost).port}/${extra.tenantId}/v2.0/.well-known/openid-configuration`,
        { ca: extra.caPem },
      );
      assert.equal(r.json().issuer, `https://localhost:${new URL(extra.authorityHost).port}/${extra.tenantId}/v2.0`);
    } finally {
      await extra.close();
    }
  });
});
