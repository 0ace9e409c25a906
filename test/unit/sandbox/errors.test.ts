import { strict as assert } from 'node:assert';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { startSandbox, DEMO, OTHER_TENANT_ID, type Sandbox } from '../../../src/sandbox/index';
import { assertAadError, get, postForm } from './helpers';

const ALICE = 'alice@sandbox.onmicrosoft.com';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('sandbox: every listed AADSTS error with its code, HTTP status and body shape', () => {
  let sb: Sandbox;
  let certPem: string;
  let x5t: string;
  before(async () => {
    sb = await startSandbox({ config: { deviceCode: { intervalSec: 1, expiresInSec: 600 } } });
    certPem = readFileSync(sb.contract.apps[0]!.certificateFile!, 'utf8');
    x5t = createHash('sha1').update(new X509Certificate(certPem).raw).digest('base64url');
  });
  afterEach(async () => {
    await sb.update((c) => {
      c.clockOffsetSec = 0;
      c.faults = [];
    });
  });
  after(async () => {
    await sb.close();
  });

  const cc = (extra: Record<string, string>) =>
    postForm(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      scope: 'https://management.azure.com/.default',
      ...extra,
    });
  const ropc = (username: string, extra: Record<string, string> = {}, url = sb.urls.token) =>
    postForm(sb, url, {
      grant_type: 'password',
      client_id: DEMO.publicClientId,
      username,
      password: DEMO.password,
      scope: 'https://management.azure.com/user_impersonation offline_access openid profile',
      ...extra,
    });

  async function assertion(
    o: { key?: string; x5tHeader?: string; aud?: string; iss?: string; exp?: number; nbf?: number; alg?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const header: Record<string, unknown> = { alg: o.alg ?? 'RS256', typ: 'JWT' };
    if (o.x5tHeader !== '') header.x5t = o.x5tHeader ?? x5t;
    return new SignJWT({
      aud: o.aud ?? sb.urls.token,
      iss: o.iss ?? DEMO.confidentialClientId,
      sub: o.iss ?? DEMO.confidentialClientId,
      jti: randomBytes(8).toString('hex'),
      nbf: o.nbf ?? now,
      exp: o.exp ?? now + 600,
    })
      .setProtectedHeader(header as never)
      .sign(createPrivateKey(o.key ?? certPem));
  }

  it('accepts a certificate assertion (positive control), also with x5t padded as MSAL Python sends it', async () => {
    assert.equal((await cc({ client_assertion_type: JWT_BEARER, client_assertion: await assertion() })).status, 200);
    assert.equal(
      (
        await cc({
          client_assertion_type: JWT_BEARER,
          client_assertion: await assertion({ x5tHeader: Buffer.from(x5t, 'base64url').toString('base64') }),
        })
      ).status,
      200,
    );
  });

  it('700027: certificate not registered, and a signature by the wrong key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const b = assertAadError(
      await cc({
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion({ key: other, x5tHeader: randomBytes(20).toString('base64url') }),
      }),
      401,
      700027,
      'invalid_client',
    );
    assert.match(String(b.error_description), /not registered on application/);
    const s = assertAadError(
      await cc({ client_assertion_type: JWT_BEARER, client_assertion: await assertion({ key: other }) }),
      401,
      700027,
      'invalid_client',
    );
    assert.match(String(s.error_description), /signature validation/);
  });

  it('700024: assertion outside its valid time range (expired, and not yet valid)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const b = assertAadError(
      await cc({
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion({ nbf: now - 7200, exp: now - 3600 }),
      }),
      401,
      700024,
      'invalid_client',
    );
    assert.match(String(b.error_description), /Current time: .*assertion valid from .*expiry time of assertion/);
    assertAadError(
      await cc({
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion({ nbf: now + 3600, exp: now + 7200 }),
      }),
      401,
      700024,
    );
    // The sandbox clock offset is what counts: a fresh assertion fails once the sandbox clock runs 2 h ahead.
    await sb.update((c) => {
      c.clockOffsetSec = 7200;
    });
    assertAadError(await cc({ client_assertion_type: JWT_BEARER, client_assertion: await assertion() }), 401, 700024);
  });

  it('wrong assertion audience is refused', async () => {
    const r = await cc({
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }),
    });
    assert.equal(r.status, 401);
    assert.equal(r.json().error, 'invalid_client');
  });

  it('70021 / 700211: no matching federated identity record', async () => {
    const wrongSubject = await sb.issueFederatedToken({
      subject: 'system:serviceaccount:other:sa',
      audience: 'api://AzureADTokenExchange',
    });
    const b = assertAadError(
      await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.workloadClientId,
        scope: 'https://management.azure.com/.default',
        client_assertion_type: JWT_BEARER,
        client_assertion: wrongSubject,
      }),
      400,
      70021,
      'invalid_request',
    );
    assert.match(
      String(b.error_description),
      /Assertion Issuer: 'https:\/\/127\.0\.0\.1:\d+\/external\/default'\. Assertion Subject: 'system:serviceaccount:other:sa'\. Assertion Audience: 'api:\/\/AzureADTokenExchange'/,
    );
    const wrongAudience = await sb.issueFederatedToken({ subject: DEMO.workloadSubject, audience: 'api://Other' });
    assertAadError(
      await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.workloadClientId,
        scope: 'https://management.azure.com/.default',
        client_assertion_type: JWT_BEARER,
        client_assertion: wrongAudience,
      }),
      400,
      70021,
    );
    const otherIssuer = await sb.issueFederatedToken({
      issuer: 'github',
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
    });
    assertAadError(
      await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.workloadClientId,
        scope: 'https://management.azure.com/.default',
        client_assertion_type: JWT_BEARER,
        client_assertion: otherIssuer,
      }),
      400,
      700211,
    );
    const expired = await sb.issueFederatedToken({
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
      issuedAtOffsetSec: -7200,
      lifetimeSec: 600,
    });
    assertAadError(
      await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.workloadClientId,
        scope: 'https://management.azure.com/.default',
        client_assertion_type: JWT_BEARER,
        client_assertion: expired,
      }),
      401,
      700024,
    );
  });

  it('90002: unknown tenant at the token endpoint; 700016: app not in the tenant', async () => {
    assertAadError(
      await postForm(sb, `${sb.authorityHost}/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: DEMO.confidentialClientId,
        client_secret: DEMO.confidentialSecret,
        scope: 'https://management.azure.com/.default',
      }),
      400,
      90002,
      'invalid_request',
    );
    assertAadError(
      await postForm(sb, `${sb.authorityHost}/${OTHER_TENANT_ID}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: DEMO.confidentialClientId,
        client_secret: DEMO.confidentialSecret,
        scope: 'https://management.azure.com/.default',
      }),
      400,
      700016,
      'unauthorized_client',
    );
  });

  it('50020 user not in tenant, 50034 unknown user, 50126 bad password', async () => {
    assertAadError(await ropc('dave@contoso-other.onmicrosoft.com'), 400, 50020, 'invalid_grant');
    assertAadError(await ropc('nobody@sandbox.onmicrosoft.com'), 400, 50034, 'invalid_grant');
    assertAadError(await ropc(ALICE, { password: 'wrong' }), 400, 50126, 'invalid_grant');
  });

  it('50076 MFA required (with suberror and claims), 53003 Conditional Access block, 65001 consent required', async () => {
    const mfa = assertAadError(await ropc('mfa-bob@sandbox.onmicrosoft.com'), 400, 50076, 'invalid_grant');
    assert.equal(mfa.suberror, 'basic_action');
    assert.equal(typeof mfa.claims, 'string');
    assert.doesNotThrow(() => JSON.parse(String(mfa.claims)));
    assertAadError(await ropc('blocked-carol@sandbox.onmicrosoft.com'), 400, 53003, 'invalid_grant');
    const consent = assertAadError(await ropc(ALICE, { client_id: DEMO.consentClientId }), 400, 65001, 'invalid_grant');
    assert.equal(consent.suberror, 'consent_required');
  });

  it('70011 invalid scope and 1002012 for client credentials without /.default', async () => {
    assertAadError(await ropc(ALICE, { scope: '' }), 400, 70011, 'invalid_scope');
    assertAadError(
      await ropc(ALICE, {
        scope: 'https://management.azure.com/.default https://management.azure.com/user_impersonation',
      }),
      400,
      70011,
    );
    assertAadError(
      await ropc(ALICE, {
        scope: 'https://graph.microsoft.com/User.Read https://management.azure.com/user_impersonation',
      }),
      400,
      70011,
    );
    assertAadError(await ropc(ALICE, { scope: 'https://management.azure.com/NotAPermission' }), 400, 70011);
    assertAadError(
      await cc({ client_secret: DEMO.confidentialSecret, scope: 'https://management.azure.com/user_impersonation' }),
      400,
      1002012,
      'invalid_scope',
    );
  });

  it('device code: 70016 pending, 70000 declined, 70019 expired', async () => {
    const start = async () =>
      (
        await postForm(sb, sb.urls.deviceCode, {
          client_id: DEMO.publicClientId,
          scope: 'https://management.azure.com/user_impersonation offline_access',
        })
      ).json();
    const poll = (deviceCode: string) =>
      postForm(sb, sb.urls.token, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: DEMO.publicClientId,
        device_code: deviceCode,
      });
    const a = await start();
    assert.deepEqual(Object.keys(a), [
      'user_code',
      'device_code',
      'verification_uri',
      'expires_in',
      'interval',
      'message',
    ]);
    assert.equal(typeof a.expires_in, 'number');
    assertAadError(await poll(a.device_code as string), 400, 70016, 'authorization_pending');
    sb.declineDeviceCode(a.user_code as string);
    assertAadError(await poll(a.device_code as string), 400, 70000, 'authorization_declined');
    const b = await start();
    await sb.update((c) => {
      c.clockOffsetSec = 3600;
    });
    assertAadError(await poll(b.device_code as string), 400, 70019, 'expired_token');
  });

  async function authCode(o: { redirect?: string; challenge?: string; username?: string; decline?: boolean } = {}) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = o.challenge ?? createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({
      client_id: DEMO.publicClientId,
      response_type: 'code',
      redirect_uri: 'http://localhost:5555',
      scope: 'https://management.azure.com/user_impersonation offline_access openid',
      state: 'st4te',
      nonce: 'n0nce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      response_mode: 'query',
    });
    const r = await sb.signIn(`${sb.urls.authorize}?${q}`, o.username ?? ALICE, DEMO.password, {
      deliver: false,
      decline: o.decline,
    });
    return { ...r, verifier };
  }
  const redeem = (code: string, verifier: string, redirect = 'http://localhost:5555') =>
    postForm(sb, sb.urls.token, {
      grant_type: 'authorization_code',
      client_id: DEMO.publicClientId,
      code,
      code_verifier: verifier,
      redirect_uri: redirect,
      scope: 'https://management.azure.com/user_impersonation offline_access openid',
    });

  it('auth code: success with state and nonce, then 54005 when redeemed twice', async () => {
    const r = await authCode();
    assert.equal(r.mode, 'query');
    assert.equal(r.params.state, 'st4te');
    assert.ok(r.params.code);
    const ok = await redeem(r.params.code!, r.verifier);
    assert.equal(ok.status, 200, ok.body);
    const idt = JSON.parse(Buffer.from(String(ok.json().id_token).split('.')[1]!, 'base64url').toString());
    assert.equal(idt.nonce, 'n0nce');
    assertAadError(await redeem(r.params.code!, r.verifier), 400, 54005, 'invalid_grant');
  });

  it('PKCE verifier mismatch (501481), redirect URI mismatch at the token endpoint and on the page (50011), expired code (70008)', async () => {
    const a = await authCode();
    assertAadError(await redeem(a.params.code!, 'x'.repeat(43)), 400, 501481, 'invalid_grant');
    const b = await authCode();
    assertAadError(await redeem(b.params.code!, b.verifier, 'http://localhost:5555/other'), 400, 50011);
    const c = await authCode();
    await sb.update((cfg) => {
      cfg.clockOffsetSec = 3600;
    });
    assertAadError(await redeem(c.params.code!, c.verifier), 400, 70008, 'invalid_grant');
    const page = await get(
      sb,
      `${sb.urls.authorize}?client_id=${DEMO.publicClientId}&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example.com/cb')}&scope=openid`,
    );
    assert.equal(page.status, 400);
    assert.match(page.body, /AADSTS50011/);
    assert.match(String(page.headers['content-type']), /text\/html/);
  });

  it('65004 when the user cancels the sign-in; 53003 delivered to the redirect URI for a blocked user', async () => {
    const d = await authCode({ decline: true });
    assert.equal(d.params.error, 'access_denied');
    assert.match(d.params.error_description!, /^AADSTS65004: /);
    assert.equal(d.params.state, 'st4te');
    const blocked = await authCode({ username: 'blocked-carol@sandbox.onmicrosoft.com' });
    assert.match(blocked.params.error_description!, /^AADSTS53003: /);
  });

  it('refresh tokens: 700082 expired, 50173 revoked, 9002313 unknown, 70008 reused when single-use', async () => {
    const rt = async () => (await ropc(ALICE)).json().refresh_token as string;
    const useRt = (t: string) =>
      postForm(sb, sb.urls.token, {
        grant_type: 'refresh_token',
        client_id: DEMO.publicClientId,
        refresh_token: t,
        scope: 'https://management.azure.com/user_impersonation offline_access',
      });
    const first = await rt();
    assert.equal(typeof first, 'string');
    assert.ok(!/^eyJ/.test(first), 'refresh tokens are opaque');
    const again = await useRt(first);
    assert.equal(again.status, 200, again.body);
    assert.notEqual(again.json().refresh_token, first, 'a new refresh token is issued');
    assertAadError(await useRt('not-a-token'), 400, 9002313, 'invalid_grant');
    const revoked = await rt();
    sb.revokeRefreshTokens(ALICE);
    assertAadError(await useRt(revoked), 400, 50173);
    const old = await rt();
    await sb.update((c) => {
      c.clockOffsetSec = c.refreshTokenLifetimeSec + 10;
    });
    assertAadError(await useRt(old), 400, 700082, 'invalid_grant');
    await sb.update((c) => {
      c.clockOffsetSec = 0;
      c.refreshTokenSingleUse = true;
    });
    const single = await rt();
    assert.equal((await useRt(single)).status, 200);
    assertAadError(await useRt(single), 400, 70008, 'invalid_grant');
    await sb.update((c) => {
      c.refreshTokenSingleUse = false;
    });
  });

  it('429 throttling with Retry-After from a fault, for the first N requests only', async () => {
    await sb.update((c) => {
      c.faults = [{ endpoint: 'token', status: 429, retryAfterSec: 7, count: 1 }];
    });
    const r = await cc({ client_secret: DEMO.confidentialSecret });
    assertAadError(r, 429, 50196, 'temporarily_unavailable');
    assert.equal(r.headers['retry-after'], '7');
    assert.equal((await cc({ client_secret: DEMO.confidentialSecret })).status, 200);
  });

  it('the Date header follows the sandbox clock (clock skew is visible to clients)', async () => {
    await sb.update((c) => {
      c.clockOffsetSec = 3 * 3600;
    });
    const r = await get(sb, sb.urls.jwks);
    const skew = Date.parse(String(r.headers.date)) - Date.now();
    assert.ok(skew > 2 * 3600 * 1000 && skew < 4 * 3600 * 1000, `skew ${skew}`);
  });

  it('prompt=none without a session: login_required (AADSTS50058) delivered to the redirect URI', async () => {
    const q = new URLSearchParams({
      client_id: DEMO.publicClientId,
      response_type: 'code',
      redirect_uri: 'http://localhost:5555',
      scope: 'openid',
      state: 'x',
      prompt: 'none',
    });
    const r = await get(sb, `${sb.urls.authorize}?${q}`);
    assert.equal(r.status, 302);
    const loc = new URL(String(r.headers.location));
    assert.equal(loc.searchParams.get('error'), 'login_required');
    assert.match(loc.searchParams.get('error_description')!, /^AADSTS50058: /);
    assert.equal(loc.searchParams.get('state'), 'x');
  });

  it('missing grant_type (900144) and an unsupported grant (70003)', async () => {
    assertAadError(
      await postForm(sb, sb.urls.token, { client_id: DEMO.publicClientId }),
      400,
      900144,
      'invalid_request',
    );
    assertAadError(
      await postForm(sb, sb.urls.token, { grant_type: 'magic', client_id: DEMO.publicClientId }),
      400,
      70003,
      'unsupported_grant_type',
    );
  });

  it('echoes client-request-id as correlation_id', async () => {
    const r = await postForm(
      sb,
      sb.urls.token,
      { grant_type: 'magic', client_id: DEMO.publicClientId },
      { 'client-request-id': 'abcdef01-2345-6789-abcd-ef0123456789' },
    );
    const b = assertAadError(r, 400, 70003);
    assert.equal(b.correlation_id, 'abcdef01-2345-6789-abcd-ef0123456789');
    assert.match(String(b.error_description), /Correlation ID: abcdef01-2345-6789-abcd-ef0123456789/);
  });
});
