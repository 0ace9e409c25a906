/** The msal-backed chain members inside the chain runner: the SDK consequences that matter most to users. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, captureSink, withSandbox } from './helpers';
import { runChain } from '../../../src/core/engine';
import type { Sandbox } from '../../../src/sandbox/index';

describe('EnvironmentCredential and WorkloadIdentityCredential inside the chain', () => {
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await withSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-chain-'));
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const opts = () => ({
    authorityHost: sb.authorityHost,
    ca: sb.caPem,
    imdsEndpoint: 'http://127.0.0.1:1',
    imdsProbeTimeoutMs: 200,
    stepTimeoutMs: 5000,
  });

  it('a right secret in the environment wins the chain at step one', async () => {
    const env = {
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
      PATH: '',
    };
    const { sink, captured } = captureSink();
    const run = await runChain(
      {
        credentials: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'AzureCLICredential'],
        forceRefresh: true,
      },
      { env, options: opts(), sink },
    );
    assert.equal(
      run.winner,
      'EnvironmentCredential',
      JSON.stringify(run.steps.map((s) => [s.credential, s.outcome, s.message])),
    );
    assert.ok(!captured.text.join('\n').includes(DEMO.confidentialSecret));
  });

  it('a wrong secret stops the sequential chain at EnvironmentCredential (it blocks the dev tools, as in the SDKs)', async () => {
    const env = {
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: 'wrong-chain-secret',
      PATH: '',
    };
    const { sink, captured } = captureSink();
    const run = await runChain(
      {
        credentials: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'AzureCLICredential'],
        forceRefresh: true,
      },
      { env, options: opts(), sink },
    );
    assert.equal(run.winner, null);
    assert.equal(run.steps[0]!.outcome, 'failed');
    assert.deepEqual(run.steps[0]!.errorCodes, [7000215]);
    assert.deepEqual(
      run.steps.map((s) => s.outcome),
      ['failed', 'skipped', 'skipped'],
    );
    assert.ok(!captured.text.join('\n').includes('wrong-chain-secret'));
  });

  it('workload identity wins when the webhook variables and the token file are there', async () => {
    const token = await sb.issueFederatedToken({
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
    });
    const file = path.join(dir, 'token');
    writeFileSync(file, token);
    const env = {
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.workloadClientId,
      AZURE_FEDERATED_TOKEN_FILE: file,
      AZURE_AUTHORITY_HOST: sb.authorityHost,
      PATH: '',
    };
    const { sink, captured } = captureSink();
    const run = await runChain(
      { credentials: ['EnvironmentCredential', 'WorkloadIdentityCredential'], forceRefresh: true },
      { env, options: { ca: sb.caPem, stepTimeoutMs: 5000 }, sink },
    );
    assert.equal(run.steps[0]!.outcome, 'unavailable');
    assert.match(run.steps[0]!.message, /incomplete environment variable configuration/);
    assert.equal(
      run.winner,
      'WorkloadIdentityCredential',
      JSON.stringify(run.steps.map((s) => [s.credential, s.outcome, s.message])),
    );
    assert.ok(!captured.text.join('\n').includes(token));
  });
});
