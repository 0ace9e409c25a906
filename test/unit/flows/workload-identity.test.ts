import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, assertCleanRun, makeCtx, runFlow, withSandbox } from './helpers';
import { WorkloadIdentityCredential } from '../../../src/core/credentials/workload-identity';
import { isAuthenticationFailed } from '../../../src/core/credentials/types';
import type { Sandbox } from '../../../src/sandbox/index';

describe('WorkloadIdentityCredential against the sandbox', () => {
  let sb: Sandbox;
  let dir: string;
  let n = 0;
  before(async () => {
    sb = await withSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-wi-'));
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => sb.clearRequests());

  async function tokenFile(
    subject: string = DEMO.workloadSubject,
    extra: Record<string, unknown> = {},
  ): Promise<{ file: string; token: string }> {
    const token = await sb.issueFederatedToken({ subject, audience: 'api://AzureADTokenExchange', ...extra });
    const file = path.join(dir, `token-${n++}`);
    writeFileSync(file, `${token}\n`);
    return { file, token };
  }
  const webhookEnv = (file: string | undefined) => ({
    AZURE_CLIENT_ID: DEMO.workloadClientId,
    AZURE_TENANT_ID: sb.tenantId,
    AZURE_FEDERATED_TOKEN_FILE: file,
    AZURE_AUTHORITY_HOST: sb.authorityHost,
  });

  it('exchanges the projected token (client_credentials + client_assertion); iss/sub/aud are in the trace; the token never is', async () => {
    const { file, token } = await tokenFile();
    const { run, captured, all } = await runFlow(
      sb,
      { credential: 'workload-identity' },
      { env: webhookEnv(file), options: { ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'success', run.result.message);
    assert.equal(run.result.token?.appId, DEMO.workloadClientId);
    const tokenReq = sb.requests.find((r) => r.endpoint === 'token')!;
    assert.equal(tokenReq.form?.grant_type, 'client_credentials');
    assert.equal(tokenReq.form?.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.ok(
      captured.events.some(
        (e) =>
          e.kind === 'note' &&
          e.message.includes(`sub=${DEMO.workloadSubject}`) &&
          e.message.includes('api://AzureADTokenExchange'),
      ),
    );
    assert.ok(captured.events.some((e) => e.kind === 'config' && e.files?.some((f) => f.path === file && f.exists)));
    assertCleanRun(sb, captured, all, [token, token.split('.')[1], token.split('.')[2]]);
  });

  it('without AZURE_FEDERATED_TOKEN_FILE (or client / tenant) it is unavailable, in each SDK’s words', async () => {
    const none = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential' },
      { env: webhookEnv(undefined), options: { ca: sb.caPem } },
    );
    assert.equal(none.run.result.outcome, 'unavailable');
    assert.equal(
      none.run.result.message,
      'WorkloadIdentityCredential: no token file specified. Check pod configuration or set TokenFilePath in the options',
    );
    const js = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential', profile: 'js' },
      { env: webhookEnv(undefined), options: { ca: sb.caPem } },
    );
    assert.match(
      js.run.result.message,
      /^WorkloadIdentityCredential: is unavailable\. federatedTokenFilePath is a required parameter\..*"AZURE_FEDERATED_TOKEN_FILE"\.\n {8}See the troubleshooting guide/,
    );
    const noClient = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential' },
      { env: {}, options: { ca: sb.caPem } },
    );
    assert.equal(
      noClient.run.result.message,
      'WorkloadIdentityCredential: no client ID specified. Check pod configuration or set ClientID in the options',
    );
    const { file } = await tokenFile();
    const noTenant = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential' },
      { env: { ...webhookEnv(file), AZURE_TENANT_ID: undefined }, options: { ca: sb.caPem } },
    );
    assert.match(noTenant.run.result.message, /no tenant ID specified/);
    assert.equal(sb.requests.length, 0);
  });

  it('an empty token file is unavailable: "No content on the file"', async () => {
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '  \n');
    const { run } = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential' },
      { env: webhookEnv(empty), options: { ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'unavailable');
    assert.equal(run.result.message, `WorkloadIdentityCredential: No content on the file ${empty}.`);
    const js = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential', profile: 'js' },
      { env: webhookEnv(empty), options: { ca: sb.caPem } },
    );
    assert.equal(js.run.result.message, `WorkloadIdentityCredential: is unavailable. No content on the file ${empty}.`);
    assert.equal(sb.requests.length, 0);
  });

  it('a missing token file fails with the path and the reason', async () => {
    const { run } = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential' },
      { env: webhookEnv(path.join(dir, 'absent')), options: { ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'failed');
    assert.match(run.result.message, /failed to read the federated token file ".*absent": no such file/);
  });

  it('a wrong subject fails with AADSTS70021, explained against the token’s issuer, subject and audience', async () => {
    const { file, token } = await tokenFile('system:serviceaccount:prod:wrong-sa');
    const { run, captured, all } = await runFlow(
      sb,
      { credential: 'WorkloadIdentityCredential' },
      { env: webhookEnv(file), options: { ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'failed');
    assert.ok(run.result.errorCodes.includes(70021));
    assert.match(run.result.message, /^WorkloadIdentityCredential authentication failed\./);
    assert.match(run.result.message, /subject "system:serviceaccount:prod:wrong-sa"/);
    assert.match(run.result.message, /issuer "https:\/\/127\.0\.0\.1:\d+\/external\//);
    assert.match(run.result.message, /troubleshoot#workload/);
    assertCleanRun(sb, captured, all, [token]);
  });

  it('re-reads the token file only after the cache window (10 min Go, 5 min JS)', async () => {
    assert.equal(WorkloadIdentityCredential.cacheWindowMs('go'), 600_000);
    assert.equal(WorkloadIdentityCredential.cacheWindowMs('js'), 300_000);
    const { file } = await tokenFile();
    let clock = Date.now();
    const cred = new WorkloadIdentityCredential();
    const ctxFor = () => makeCtx(sb, { env: webhookEnv(file), now: () => clock, options: { ca: sb.caPem } }).ctx;
    const first = await cred.getToken({ scopes: ['https://management.azure.com/.default'] }, ctxFor());
    assert.ok(first.token.length > 0);
    // Rotate the file to junk: within the window the cached content is still used (a fresh token from msal's cache or a new exchange with the cached assertion).
    writeFileSync(file, '');
    clock += 4 * 60_000;
    const second = await cred.getToken(
      { scopes: ['https://management.azure.com/.default'], forceRefresh: true },
      ctxFor(),
    );
    assert.ok(second.token.length > 0);
    clock += 7 * 60_000;
    await assert.rejects(
      cred.getToken({ scopes: ['https://management.azure.com/.default'], forceRefresh: true }, ctxFor()),
      /No content on the file/,
    );
  });

  it('a huge token file is refused without reading it into a request', async () => {
    const big = path.join(dir, 'big');
    writeFileSync(big, 'a'.repeat(300 * 1024));
    const { ctx } = makeCtx(sb, { env: webhookEnv(big), options: { ca: sb.caPem } });
    await assert.rejects(
      new WorkloadIdentityCredential().getToken({ scopes: ['https://management.azure.com/.default'] }, ctx),
      (e) => isAuthenticationFailed(e) && /too large/.test((e as Error).message),
    );
    assert.equal(sb.requests.length, 0);
  });
});
