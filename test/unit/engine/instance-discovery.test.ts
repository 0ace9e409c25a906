/**
 * The JS profile's instance discovery (src/core/credentials/msal/instance-discovery.ts): an authority host msal-node
 * does not know is asked about first, and Entra's invalid_instance (the sandbox answers as Entra does) ends as
 * endpoints_resolution_error — EnvironmentCredential stops the chain, WorkloadIdentityCredential is unavailable and
 * ManagedIdentityCredential's token exchange (which disables discovery) still gets its token, as @azure/identity does.
 * Everything stays on loopback: the "unknown" host is a TCP forward to the sandbox on another port.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../src/core/engine';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { tempDir } from './helpers';

describe('JS instance discovery: an authority host Entra does not know', () => {
  let sb: Sandbox;
  let forward: net.Server;
  let unknownHost: string;
  let wiFile: string;
  before(async () => {
    sb = await startSandbox();
    const port = Number(new URL(sb.authorityHost).port);
    forward = net.createServer((s) => {
      const up = net.connect(port, '127.0.0.1');
      s.pipe(up).pipe(s);
      s.on('error', () => up.destroy());
      up.on('error', () => s.destroy());
    });
    await new Promise<void>((r) => forward.listen(0, '127.0.0.1', r));
    unknownHost = `https://127.0.0.1:${(forward.address() as net.AddressInfo).port}`;
    const wiApp = sb.contract.apps.find((a) => a.federatedCredentials?.length)!;
    const fic = wiApp.federatedCredentials![0]!;
    wiFile = path.join(tempDir('discovery'), 'wi.jwt');
    writeFileSync(wiFile, await sb.issueFederatedToken({ subject: fic.subject, audience: fic.audiences }));
  });
  after(async () => {
    forward.close();
    await sb.close();
  });

  const secretEnv = () => {
    const app = sb.contract.apps.find((a) => a.clientSecret)!;
    return { AZURE_TENANT_ID: app.tenantId, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: app.clientSecret! };
  };
  const run = (profile: string, env: Record<string, string>, host: string, credentials: string[]) =>
    createEngine().runChain(
      { profile, mode: 'sequential', credentials },
      { env: { PATH: '/nonexistent', ...env }, options: { authorityHost: host, ca: sb.caPem } },
    );

  it('EnvironmentCredential stops the JS chain with endpoints_resolution_error; Go (no discovery) gets its token', async () => {
    const js = await run('js@4.13.1', secretEnv(), unknownHost, ['EnvironmentCredential', 'AzureCLICredential']);
    assert.equal(js.steps[0]!.outcome, 'failed');
    assert.match(
      js.error!.message,
      /^EnvironmentCredential authentication failed\. endpoints_resolution_error: See https:\/\/aka\.ms\/msal\.js\.errors#endpoints_resolution_error for details/,
    );
    const events = JSON.stringify(js.steps[0]!.events);
    assert.match(events, /\/common\/discovery\/instance\?api-version=1\.1&authorization_endpoint=/);
    assert.match(events, /invalid_instance/, 'what the engine saw is in the trace');
    assert.equal(
      (await run('go', secretEnv(), unknownHost, ['EnvironmentCredential'])).winner,
      'EnvironmentCredential',
    );
  });

  it('the sandbox itself passes discovery (it answers for its own host), so a JS chain gets its token there', async () => {
    const r = await run('js@4.13.1', secretEnv(), sb.authorityHost, ['EnvironmentCredential']);
    assert.equal(r.winner, 'EnvironmentCredential');
  });

  it('WorkloadIdentityCredential is unavailable; the token exchange (discovery disabled) wins with msal-node 2/3, not 5', async () => {
    const wiApp = sb.contract.apps.find((a) => a.federatedCredentials?.length)!;
    const env = {
      AZURE_TENANT_ID: wiApp.tenantId,
      AZURE_CLIENT_ID: wiApp.clientId,
      AZURE_FEDERATED_TOKEN_FILE: wiFile,
    };
    for (const profile of ['js@3.4.2', 'js@4.11.2', 'js@4.13.1']) {
      const r = await run(profile, env, unknownHost, ['WorkloadIdentityCredential', 'ManagedIdentityCredential']);
      assert.equal(r.steps[0]!.outcome, 'unavailable', profile);
      assert.match(r.steps[0]!.message, /^endpoints_resolution_error: /);
      if (profile === 'js@4.13.1') {
        assert.equal(r.winner, null);
        assert.equal(
          r.steps[1]!.message,
          'ManagedIdentityCredential: Authentication failed. Message endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details',
        );
      } else {
        assert.equal(r.steps[0]!.message, 'endpoints_resolution_error: Endpoints cannot be resolved', profile);
        assert.equal(r.winner, 'ManagedIdentityCredential', profile);
      }
    }
  });
});
