/**
 * Python azure-identity 1.13.0b2 (Debian's python3-azure) as the engine's python@1.13.0b2 profile models it: a
 * member's constructor error makes DefaultAzureCredential() itself raise (py-construction.ts), IMDS answers are read
 * as _process_response reads them (managed-identity/py-wording.ts) and az output that is not a token stops the chain.
 * The parity suite (test/parity) compares the same cases with the real package; these pin the texts without it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../src/core/engine';
import { pyRepr } from '../../../src/core/credentials/py-repr';
import { FIXTURE_BIN, json, stub, type Stub, tempDir } from './helpers';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';

const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const PY = 'python@1.13.0b2';

function run(env: Record<string, string>, credentials?: string[], options: Record<string, unknown> = {}) {
  return createEngine().runChain(
    { profile: PY, mode: 'sequential', stepTimeoutMs: 15_000, ...(credentials ? { credentials } : {}) },
    { env: { PATH: '/nonexistent', ...env }, options },
  );
}

describe('Python 1.13.0b2: DefaultAzureCredential() raises what a member constructor raises', () => {
  it('an http authority host, whatever else is set (normalize_authority), with its ValueError text', async () => {
    for (const host of ['http://127.0.0.1:9', 'localhost:8080']) {
      const r = await run({ AZURE_AUTHORITY_HOST: host });
      assert.equal(r.steps.length, 0, host);
      assert.equal(
        r.error!.message,
        `'${host}' is an invalid authority. The value must be a TLS protected (https) URL.`,
      );
    }
    // No scheme means https; https itself is fine.
    for (const host of ['login.example', 'https://127.0.0.1:9']) {
      const r = await run({ AZURE_AUTHORITY_HOST: host }, ['EnvironmentCredential']);
      assert.equal(r.steps.length, 1, host);
    }
  });

  it('a malformed tenant, an empty secret, a certificate that cannot be opened', async () => {
    const tenant = await run({ AZURE_TENANT_ID: 'not a tenant!', AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: 's' });
    assert.equal(tenant.steps.length, 0);
    assert.match(tenant.error!.message, /^Invalid tenant id provided\. You can locate your tenant id by following/);
    const empty = await run({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: '' });
    assert.equal(empty.error!.message, "secret should be an Azure Active Directory application's client secret");
    const dir = tempDir('py-cert-');
    const missing = path.join(dir, "it's", 'cert.pem');
    const cert = await run({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_CERTIFICATE_PATH: missing,
    });
    assert.equal(cert.steps.length, 0);
    assert.equal(cert.error!.message, `[Errno 2] No such file or directory: "${missing}"`);
    mkdirSync(path.join(dir, 'folder'));
    const folder = path.join(dir, 'folder');
    const isDir = await run({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_CERTIFICATE_PATH: folder,
    });
    assert.equal(isDir.error!.message, `[Errno 21] Is a directory: '${folder}'`);
  });

  it('token exchange without a client id; nothing configured builds the chain', async () => {
    const file = path.join(tempDir('py-wi-'), 'token');
    writeFileSync(file, 'x');
    const env = {
      AZURE_AUTHORITY_HOST: 'https://login.example',
      AZURE_TENANT_ID: TENANT,
      AZURE_FEDERATED_TOKEN_FILE: file,
    };
    const r = await run(env, ['ManagedIdentityCredential']);
    assert.equal(
      r.error!.message,
      'Configure the environment with a client ID or pass a value for "client_id" argument',
    );
    const fine = await run({}, ['EnvironmentCredential']);
    assert.equal(fine.steps.length, 1);
    assert.equal(fine.steps[0]!.outcome, 'unavailable');
  });
});

describe('Python 1.13.0b2: what IMDS and az answer', () => {
  const stubs: Stub[] = [];
  afterEach(async () => {
    for (const s of stubs.splice(0)) await s.close();
  });
  const imds = async (answer: (res: Parameters<Parameters<typeof stub>[0]>[1]) => void) => {
    const s = await stub((req, res) => {
      if (req.headers.metadata !== 'true') return json(res, 400, { error: 'invalid_request', error_description: 'x' });
      answer(res);
    });
    stubs.push(s);
    return s;
  };
  const mi = (url: string) => run({}, ['ManagedIdentityCredential', 'AzureCLICredential'], { imdsEndpoint: url });

  it('an HTML page or truncated JSON stops the chain with azure-core text and the Content line', async () => {
    const html = await imds((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>'));
    const h = await mi(html.url);
    assert.deepEqual(
      h.steps.map((s) => s.outcome),
      ['failed', 'skipped'],
    );
    assert.match(
      h.error!.message,
      /\tManagedIdentityCredential: Unexpected content type "text\/html"\nContent: <html>proxy<\/html>\n/,
    );
    const cut = await imds((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"abc.def.ghi","exp'),
    );
    const t = await mi(cut.url);
    assert.equal(t.steps[0]!.outcome, 'failed');
    assert.match(t.steps[0]!.message, /^Failed to deserialize JSON from response\nContent: \{"access_token":/);
  });

  it('a 400 is unavailable with the user-assigned wording; another status prints the body as Python repr', async () => {
    const s400 = await imds((res) => json(res, 400, { error: 'invalid_request', error_description: 'nope' }));
    const r400 = await mi(s400.url);
    assert.equal(r400.steps[0]!.outcome, 'unavailable');
    assert.equal(
      r400.steps[0]!.message,
      'ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.',
    );
    const s403 = await imds((res) => json(res, 403, { error: 'forbidden', error_description: "it's not yours" }));
    const r403 = await mi(s403.url);
    assert.equal(
      r403.steps[0]!.message,
      `Unexpected response "{'error': 'forbidden', 'error_description': "it's not yours"}"\nContent: {"error":"forbidden","error_description":"it's not yours"}`,
    );
  });

  it('az printing something that is not JSON stops the chain with its output', async () => {
    const r = await run({ PATH: FIXTURE_BIN, FAKE_AZ_MODE: 'garbage' }, [
      'AzureCLICredential',
      'AzurePowerShellCredential',
    ]);
    assert.deepEqual(
      r.steps.map((s) => s.outcome),
      ['failed', 'skipped'],
    );
    assert.equal(
      r.steps[0]!.message,
      "Unexpected output from Azure CLI: 'this is not JSON {\n'. \nTo mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/azclicredential/troubleshoot.",
    );
  });

  it('pyRepr prints JSON values as Python repr does', () => {
    assert.equal(
      pyRepr({ error: 'not_found', a: "it's", n: [1, 2.5, null, true], u: 'é\x85', e: 1.5e-7 }),
      `{'error': 'not_found', 'a': "it's", 'n': [1, 2.5, None, True], 'u': 'é\\x85', 'e': 1.5e-07}`,
    );
    // Deep nesting is walked without recursion.
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.ok(pyRepr(deep).startsWith('[[[['));
  });
});

describe('Python 1.13.0b2: what Entra answers, in Python words (against the sandbox)', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.close();
  });
  const chain = (env: Record<string, string>, credentials: string[], tenantId?: string) =>
    createEngine().runChain(
      { profile: PY, mode: 'sequential', stepTimeoutMs: 20_000, credentials, ...(tenantId ? { tenantId } : {}) },
      { env: { PATH: '/nonexistent', ...env }, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
    );

  it("a service principal's failure is MSAL's 'Authentication failed:' with Entra's whole description", async () => {
    const app = sb.contract.apps[0]!;
    const env = { AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: 'wrong-secret' };
    const step = (await chain(env, ['EnvironmentCredential'])).steps[0]!;
    assert.equal(step.outcome, 'failed');
    assert.match(step.message, /^Authentication failed: AADSTS7000215: Invalid client secret provided\./);
    assert.match(step.message, /\r?\nTrace ID: [0-9a-f-]+\r?\nCorrelation ID: /);
    // 1.13.0b2 reads no AZURE_ADDITIONALLY_ALLOWED_TENANTS: another tenant is refused in its words.
    const other = sb.contract.tenants[1]!.id;
    const ok = { ...env, AZURE_CLIENT_SECRET: app.clientSecret!, AZURE_ADDITIONALLY_ALLOWED_TENANTS: '*' };
    const refused = (await chain(ok, ['EnvironmentCredential'], other)).steps[0]!;
    assert.equal(refused.outcome, 'failed');
    assert.equal(
      refused.message,
      `The current credential is not configured to acquire tokens for tenant ${other}. To enable acquiring tokens for this tenant add it to the additionally_allowed_tenants when creating the credential, or add "*" to additionally_allowed_tenants to allow acquiring tokens for any tenant.`,
    );
  });

  it("token exchange is AadClient's own request: Entra's error with the body as a Content line, open()'s OSError, an empty file sent as it is", async () => {
    const wiApp = sb.contract.apps.find((a) => a.federatedCredentials?.length)!;
    const fic = wiApp.federatedCredentials![0]!;
    const dir = tempDir('py-te-');
    const wrong = path.join(dir, 'wrong.jwt');
    writeFileSync(
      wrong,
      await sb.issueFederatedToken({ subject: 'system:serviceaccount:x:y', audience: fic.audiences }),
    );
    const env = {
      AZURE_AUTHORITY_HOST: sb.authorityHost,
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: wiApp.clientId,
      AZURE_FEDERATED_TOKEN_FILE: wrong,
    };
    const step = (await chain(env, ['ManagedIdentityCredential'])).steps[0]!;
    assert.equal(step.outcome, 'failed');
    assert.match(step.message, /^Azure Active Directory error '\(invalid_request\) AADSTS70021: No matching federated/);
    assert.match(step.message, /'\nContent: \{"error":"invalid_request","error_description":"AADSTS70021/);
    const missing = path.join(dir, 'none', 'token');
    const gone = (await chain({ ...env, AZURE_FEDERATED_TOKEN_FILE: missing }, ['ManagedIdentityCredential']))
      .steps[0]!;
    assert.equal(gone.outcome, 'failed');
    assert.equal(gone.message, `[Errno 2] No such file or directory: '${missing}'`);
    // An empty file is sent as it is (no MSAL in between): Entra's answer stops the chain.
    const empty = path.join(dir, 'empty.jwt');
    writeFileSync(empty, '');
    const none = (await chain({ ...env, AZURE_FEDERATED_TOKEN_FILE: empty }, ['ManagedIdentityCredential'])).steps[0]!;
    assert.equal(none.outcome, 'failed');
    assert.match(none.message, /^Azure Active Directory error '\(invalid_client\) AADSTS50027: /);
    // A good one gets its token.
    const good = path.join(dir, 'good.jwt');
    writeFileSync(good, await sb.issueFederatedToken({ subject: fic.subject, audience: fic.audiences }));
    const ok = await chain({ ...env, AZURE_FEDERATED_TOKEN_FILE: good }, ['ManagedIdentityCredential']);
    assert.equal(ok.winner, 'ManagedIdentityCredential', ok.error?.message);
  });
});
