/**
 * @azure/identity's own code paths by release (src/core/sdk/rules/js.ts), each checked on both sides of the release
 * where it changed: DefaultAzureCredential's constructor before 4.1.0, WorkloadIdentityCredential's missing
 * parameters (4.5.0) and token-file failures (4.4.0), ManagedIdentityCredential's own IMDS code (before 4.4.1),
 * msal-node's network_error wording (msal-node 2/3 before 4.13.1) and AzurePowerShellCredential's output (4.4.1).
 * The parity suite (test/parity) compares the same releases with the real packages.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../src/core/engine';
import { FIXTURE_BIN, fakeJwt, json, miTokenBody, stub, type Stub, tempDir } from './helpers';

const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const TOKEN = fakeJwt({ tid: 't-mi', oid: 'oid-1', sub: 'oid-1', appid: 'app-mi' });

function run(
  profile: string,
  env: Record<string, string>,
  credentials?: string[],
  options: Record<string, unknown> = {},
) {
  return createEngine().runChain(
    { profile, mode: 'sequential', stepTimeoutMs: 15_000, ...(credentials ? { credentials } : {}) },
    { env: { PATH: '/nonexistent', ...env }, options },
  );
}

describe('JS release rules: DefaultAzureCredential construction before 4.1.0', () => {
  it('a malformed tenant id or an http authority host makes the 3.4.2 / 4.0.1 chain itself fail, with the SDK message', async () => {
    for (const profile of ['js@3.4.2', 'js@4.0.1']) {
      const tenant = await run(profile, { AZURE_TENANT_ID: 'bad tenant!', AZURE_CLIENT_ID: CLIENT });
      assert.equal(tenant.steps.length, 0, `${profile}: nothing is tried`);
      assert.match(tenant.error!.message, /^Invalid tenant id provided\. You can locate your tenant id/);
      const http = await run(profile, { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:9' });
      assert.equal(http.steps.length, 0);
      assert.equal(http.error!.message, "The authorityHost address must use the 'https' protocol.");
    }
  });

  it('from 4.1.0 the same members are silent placeholders and the chain goes on', async () => {
    const r = await run('js@4.1.0', { AZURE_TENANT_ID: 'bad tenant!', AZURE_CLIENT_ID: CLIENT }, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
    ]);
    assert.ok(r.steps.length > 0);
    assert.ok(r.steps.every((s) => s.placeholder || s.outcome === 'unavailable'));
  });
});

describe('JS release rules: WorkloadIdentityCredential', () => {
  it('without its variables: one named "unavailable" through 4.4.1, a silent placeholder from 4.5.0', async () => {
    const old = await run('js@4.4.1', {}, ['WorkloadIdentityCredential', 'EnvironmentCredential']);
    const wi = old.steps[0]!;
    assert.equal(wi.outcome, 'unavailable');
    assert.ok(!wi.placeholder);
    assert.match(
      wi.message,
      /^WorkloadIdentityCredential: is unavailable\. tenantId, clientId, and federatedTokenFilePath are required parameters\. \n {6}In DefaultAzureCredential/,
    );
    assert.match(
      old.error!.message,
      /CredentialUnavailableError: WorkloadIdentityCredential: is unavailable\. tenantId, clientId/,
    );
    const now = await run('js@4.5.0', {}, ['WorkloadIdentityCredential', 'EnvironmentCredential']);
    assert.ok(now.steps[0]!.placeholder);
    assert.doesNotMatch(now.error!.message, /WorkloadIdentityCredential/);
  });

  it("a missing token file stops the chain with Node's own error before 4.4.0, and is AuthenticationRequiredError after", async () => {
    const file = path.join(tempDir('wi-rules'), 'missing-token');
    const env = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_FEDERATED_TOKEN_FILE: file };
    const old = await run('js@4.3.0', env, ['WorkloadIdentityCredential', 'EnvironmentCredential']);
    assert.equal(old.steps[0]!.outcome, 'failed');
    assert.equal(old.steps[1]!.outcome, 'skipped');
    assert.match(old.error!.message, /^ENOENT: no such file or directory, open '.*missing-token'$/, 'not prefixed');
    const now = await run('js@4.4.0', env, ['WorkloadIdentityCredential', 'EnvironmentCredential']);
    assert.equal(now.steps[0]!.outcome, 'unavailable');
    assert.equal(now.steps[0]!.error?.sdkErrorName, 'AuthenticationRequiredError');
  });

  it('an empty token file is CredentialUnavailableError before 4.4.0 (ManagedIdentityCredential wraps it)', async () => {
    const file = path.join(tempDir('wi-rules'), 'empty-token');
    writeFileSync(file, '  \n');
    const env = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_FEDERATED_TOKEN_FILE: file };
    const r = await run('js@3.4.2', env, ['WorkloadIdentityCredential', 'ManagedIdentityCredential']);
    assert.deepEqual(
      r.steps.map((s) => [s.outcome, s.error?.sdkErrorName]),
      [
        ['unavailable', undefined],
        ['unavailable', undefined],
      ],
    );
    assert.match(
      r.error!.message,
      /\nCredentialUnavailableError: WorkloadIdentityCredential: is unavailable\. No content on the file/,
    );
    assert.match(
      r.error!.message,
      /\nCredentialUnavailableError: ManagedIdentityCredential: Authentication failed\. Message WorkloadIdentityCredential: is unavailable\. No content/,
    );
  });
});

describe('JS release rules: ManagedIdentityCredential by release', () => {
  const stubs: Stub[] = [];
  afterEach(async () => {
    await Promise.all(stubs.splice(0).map((s) => s.close()));
  });
  /** IMDS that passes the probe (no Metadata header) and answers the token request as told. */
  const imds = async (answer: (res: Parameters<Parameters<typeof stub>[0]>[1]) => void) => {
    const s = await stub((req, res) => {
      if (req.headers.metadata !== 'true')
        return json(res, 400, { error: 'invalid_request', error_description: 'no header' });
      answer(res);
    });
    stubs.push(s);
    return s;
  };
  const mi = (profile: string, url: string) => run(profile, {}, ['ManagedIdentityCredential'], { imdsEndpoint: url });

  it("before 4.4.1: the SDK's own IMDS wording; a status it does not expect stops the chain", async () => {
    const s400 = await imds((res) =>
      json(res, 400, { error: 'invalid_request', error_description: 'Identity not found' }),
    );
    const r400 = (await mi('js@4.4.0', s400.url)).steps[0]!;
    assert.equal(r400.outcome, 'unavailable');
    assert.equal(
      r400.message,
      "ManagedIdentityCredential: The managed identity endpoint is indicating there's no available identity. Message: invalid_request Status code: 400\nMore details:\nIdentity not found",
    );
    // 410 (the legacy code does not retry it, so the test is quick): AuthenticationError, which stops the chain.
    const s500 = await imds((res) => json(res, 410, { error: 'gone', error_description: 'upgrading' }));
    const r500 = await mi('js@3.4.2', s500.url);
    assert.equal(r500.steps[0]!.outcome, 'failed');
    assert.match(r500.error!.message, /^ManagedIdentityCredential authentication failed\. Status code: 410\n/);
    const html = await imds((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>proxy</body></html>');
    });
    const rh = (await mi('js@4.0.1', html.url)).steps[0]!;
    assert.equal(rh.outcome, 'unavailable');
    assert.match(rh.message, /^ManagedIdentityCredential: Authentication failed\. Message Unexpected token/);
  });

  it('before 4.4.1 a failed probe is "No MSI credential available"; from 4.4.1 msal-node\'s words', async () => {
    const closed = await stub(() => {});
    const url = closed.url;
    await closed.close();
    assert.equal(
      (await mi('js@4.4.0', url)).steps[0]!.message,
      'ManagedIdentityCredential: Authentication failed. Message ManagedIdentityCredential - No MSI credential available',
    );
    assert.match(
      (await mi('js@4.4.1', url)).steps[0]!.message,
      /Attempted to use the IMDS endpoint, but it is not available\./,
    );
  });

  it("msal-node's network_error wording follows the release's msal-node major (2 and 3: 'Network request failed')", async () => {
    const html = await imds((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    });
    const words = async (profile: string) => (await mi(profile, html.url)).steps[0]!.message;
    for (const p of ['js@4.5.0', 'js@4.10.2', 'js@4.11.2'])
      assert.equal(
        await words(p),
        'ManagedIdentityCredential: Network unreachable. Message: network_error: Network request failed',
        p,
      );
    assert.equal(
      await words('js@4.13.1'),
      'ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details',
    );
    const ok = await imds((res) => json(res, 200, miTokenBody(TOKEN)));
    assert.equal(
      (await mi('js@3.4.2', ok.url)).winner,
      'ManagedIdentityCredential',
      'a token is a token in every release',
    );
  });
});

describe('JS release rules: AzurePowerShellCredential output', () => {
  it("output without a token: 'Unable to parse the output' through 4.4.0, 'No access token found' from 4.4.1", async () => {
    const env = { PATH: `${FIXTURE_BIN}:/usr/bin:/bin`, FAKE_PWSH_MODE: 'no-module' };
    const old = await run('js@4.4.0', env, ['AzurePowerShellCredential']);
    assert.match(
      old.steps[0]!.message,
      /^Error: Unable to parse the output of PowerShell\. Received output: NoAzAccountModule/,
    );
    const now = await run('js@4.4.1', env, ['AzurePowerShellCredential']);
    assert.match(
      now.steps[0]!.message,
      /^Error: No access token found in the output\. Received output: NoAzAccountModule/,
    );
  });
});
