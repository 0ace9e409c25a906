import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, PublicClientApplication, type Configuration } from '@azure/msal-node';
import { startSandbox, DEMO, AZURE_CLI_CLIENT_ID, type Sandbox } from '../../../src/sandbox/index';
import { msalAuthOptions, postForm, sandboxNetworkModule, verifyWithJwks } from './helpers';

const ALICE = 'alice@sandbox.onmicrosoft.com';
const BOB = 'mfa-bob@sandbox.onmicrosoft.com';

describe('sandbox: msal-node accepts the sandbox in every flow', () => {
  let sb: Sandbox;
  let log: string[];
  const config = async (clientId: string, extra: Partial<Configuration['auth']> = {}): Promise<Configuration> => ({
    auth: { clientId, ...(await msalAuthOptions(sb)), ...extra },
    system: { networkClient: sandboxNetworkModule(sb, log) },
  });

  before(async () => {
    sb = await startSandbox({ config: { deviceCode: { intervalSec: 1, expiresInSec: 900 } } });
  });
  beforeEach(() => {
    log = [];
  });
  afterEach(() => {
    assert.ok(
      log.every((l) => l.includes(sb.authorityHost)),
      `msal only talked to the sandbox:\n${log.join('\n')}`,
    );
  });
  after(async () => {
    await sb.close();
  });

  it('ConfidentialClientApplication with a certificate (SHA-256 thumbprint, PS256, x5t#S256)', async () => {
    const pem = readFileSync(sb.contract.apps[0]!.certificateFile!, 'utf8');
    const { createHash, X509Certificate } = await import('node:crypto');
    const cert = new X509Certificate(pem);
    const sha256 = createHash('sha256').update(cert.raw).digest('hex');
    const cca = new ConfidentialClientApplication(
      await config(DEMO.confidentialClientId, { clientCertificate: { thumbprintSha256: sha256, privateKey: pem } }),
    );
    const res = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.appidacr, '2');
    assert.equal(payload.aud, 'https://graph.microsoft.com');
  });

  it('ConfidentialClientApplication with a certificate (SHA-1 thumbprint, RS256, x5t)', async () => {
    const pem = readFileSync(sb.contract.apps[0]!.certificateFile!, 'utf8');
    const cca = new ConfidentialClientApplication(
      await config(DEMO.confidentialClientId, {
        clientCertificate: { thumbprint: sb.contract.apps[0]!.certificateThumbprint!, privateKey: pem },
      }),
    );
    const res = await cca.acquireTokenByClientCredential({ scopes: ['https://management.azure.com/.default'] });
    assert.ok(res?.accessToken);
    const rec = sb.requests.filter((r) => r.endpoint === 'token').pop()!;
    assert.equal(rec.form?.client_assertion, '[REDACTED]');
    assert.equal(rec.form?.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('ConfidentialClientApplication with a federated assertion from the sandbox-hosted issuer (workload identity)', async () => {
    const assertion = await sb.issueFederatedToken({
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
    });
    const cca = new ConfidentialClientApplication(await config(DEMO.workloadClientId, { clientAssertion: assertion }));
    const res = await cca.acquireTokenByClientCredential({ scopes: ['https://management.azure.com/.default'] });
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.appid, DEMO.workloadClientId);
    assert.equal(payload.appidacr, '2');
  });

  it('PublicClientApplication device code, approved by the sandbox', async () => {
    const pca = new PublicClientApplication(await config(DEMO.publicClientId));
    let seen: { userCode: string; verificationUri: string; message: string } | undefined;
    const res = await pca.acquireTokenByDeviceCode({
      scopes: ['https://management.azure.com/user_impersonation'],
      deviceCodeCallback: (r) => {
        seen = r;
        sb.approveDeviceCode(r.userCode, ALICE);
      },
    });
    assert.ok(seen);
    assert.match(seen.userCode, /^[A-Z0-9]{9}$/);
    assert.equal(seen.verificationUri, `${sb.authorityHost}/devicelogin`);
    assert.match(seen.message, new RegExp(`enter the code ${seen.userCode}`));
    assert.equal(res!.account?.username, ALICE);
    assert.equal(res!.tenantId, sb.tenantId);
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.idtyp, 'user');
    assert.equal(payload.upn, ALICE);
    assert.equal(payload.scp, 'user_impersonation');
    assert.ok(res!.idToken);
    const polls = sb.requests.filter((r) => r.endpoint === 'token' && r.form?.grant_type === 'device_code');
    assert.ok(polls.length >= 1);
    assert.ok(polls.every((p) => p.form?.device_code === '[REDACTED]'));
  });

  it('PublicClientApplication username/password (ROPC), then silent from the cache', async () => {
    const pca = new PublicClientApplication(await config(AZURE_CLI_CLIENT_ID));
    const res = await pca.acquireTokenByUsernamePassword({
      scopes: ['https://management.core.windows.net//.default'],
      username: ALICE,
      password: DEMO.password,
    });
    assert.equal(res!.account?.username, ALICE);
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.aud, 'https://management.core.windows.net/');
    assert.equal(payload.appid, AZURE_CLI_CLIENT_ID);
    assert.equal(payload.appidacr, '0');
    const silent = await pca.acquireTokenSilent({
      account: res!.account!,
      scopes: ['https://management.core.windows.net//.default'],
    });
    assert.equal(silent.fromCache, true);
    // forceRefresh redeems the cached refresh token at the sandbox.
    const refreshed = await pca.acquireTokenSilent({
      account: res!.account!,
      scopes: ['https://management.core.windows.net//.default'],
      forceRefresh: true,
    });
    assert.equal(refreshed.fromCache, false);
    assert.ok(
      sb.requests.some(
        (r) => r.form?.grant_type === 'refresh_token' && r.form.refresh_token === '[REDACTED]' && r.status === 200,
      ),
    );
  });

  it('acquireTokenByRefreshToken with a refresh token issued by the sandbox', async () => {
    const r = await postForm(sb, sb.urls.token, {
      grant_type: 'password',
      client_id: DEMO.publicClientId,
      username: ALICE,
      password: DEMO.password,
      scope: 'https://graph.microsoft.com/User.Read offline_access openid profile',
    });
    assert.equal(r.status, 200, r.body);
    const rt = r.json().refresh_token as string;
    const pca = new PublicClientApplication(await config(DEMO.publicClientId));
    const res = await pca.acquireTokenByRefreshToken({
      refreshToken: rt,
      scopes: ['https://management.azure.com/user_impersonation'],
    });
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.aud, 'https://management.azure.com');
    assert.equal(payload.upn, ALICE);
  });

  it('acquireTokenInteractive (auth code + PKCE, form_post) with openBrowser driving signIn', async () => {
    const pca = new PublicClientApplication(await config(DEMO.publicClientId));
    let authorizeUrl = '';
    const res = await pca.acquireTokenInteractive({
      scopes: ['https://graph.microsoft.com/User.Read'],
      openBrowser: async (url) => {
        authorizeUrl = url;
        const r = await sb.signIn(url, ALICE, DEMO.password);
        assert.equal(r.mode, 'form_post');
        assert.equal(r.callbackStatus, 200);
      },
      successTemplate: 'signed in',
    });
    const u = new URL(authorizeUrl);
    assert.equal(u.searchParams.get('response_mode'), 'form_post');
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(res!.account?.username, ALICE);
    const nonce = u.searchParams.get('nonce');
    assert.equal((res!.idTokenClaims as { nonce?: string }).nonce, nonce ?? undefined);
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.scp, 'User.Read');
    const redeem = sb.requests.find((r) => r.form?.grant_type === 'authorization_code')!;
    assert.equal(redeem.form?.code, '[REDACTED]');
    assert.equal(redeem.form?.code_verifier, '[REDACTED]');
    assert.equal(redeem.status, 200);
  });

  it('acquireTokenInteractive for an MFA user: the sign-in page asks for the code and amr says mfa', async () => {
    const pca = new PublicClientApplication(await config(DEMO.publicClientId));
    const res = await pca.acquireTokenInteractive({
      scopes: ['https://management.azure.com/user_impersonation'],
      openBrowser: async (url) => {
        await sb.signIn(url, BOB, DEMO.password);
      },
    });
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.deepEqual(payload.amr, ['pwd', 'mfa']);
  });

  it('ConfidentialClientApplication on-behalf-of with a user token for the sandbox API', async () => {
    const user = await postForm(sb, sb.urls.token, {
      grant_type: 'password',
      client_id: DEMO.publicClientId,
      username: ALICE,
      password: DEMO.password,
      scope: 'api://sandbox-api/access_as_user',
    });
    assert.equal(user.status, 200, user.body);
    const userToken = user.json().access_token as string;
    const { payload: up } = await verifyWithJwks(sb, userToken);
    assert.equal(up.aud, DEMO.apiClientId);
    assert.equal(up.ver, '2.0');
    assert.equal(up.azp, DEMO.publicClientId);
    const cca = new ConfidentialClientApplication(await config(DEMO.apiClientId, { clientSecret: DEMO.apiSecret }));
    const res = await cca.acquireTokenOnBehalfOf({
      oboAssertion: userToken,
      scopes: ['https://graph.microsoft.com/User.Read'],
    });
    const { payload } = await verifyWithJwks(sb, res!.accessToken);
    assert.equal(payload.appid, DEMO.apiClientId);
    assert.equal(payload.oid, up.oid);
    assert.equal(payload.idtyp, 'user');
  });
});
