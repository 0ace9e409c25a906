import { captureIo as captureIoShared } from '../cli-io';
/** `azauth token --credential github|pipelines` against the sandbox's mounted runner endpoints (inside `unshare -n`). */
import { strict as assert } from 'node:assert';
import { main } from '../../../src/cli/main';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { sandboxGitHubEnv, sandboxPipelinesEnv } from '../../../src/sandbox/ci-oidc';

const CI_APP = '5e1f0c1a-7d3b-4c2e-9f60-00000000c1c2';

const io = (env: NodeJS.ProcessEnv = {}) => captureIoShared({ env });

describe('azauth token with the federated CI credentials (sandbox-mounted runner endpoints)', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
    await sb.update((cfg) => {
      cfg.apps.push({
        clientId: CI_APP,
        displayName: 'CI deployer (CLI test)',
        kind: 'confidential',
        federatedCredentials: [
          {
            issuer: '{authorityHost}/external/github',
            subject: 'repo:contoso/webapp:ref:refs/heads/main',
            audiences: ['api://AzureADTokenExchange'],
          },
          {
            issuer: '{authorityHost}/external/azure-pipelines',
            subject: 'sc://contoso/webapp/sandbox-federated',
            audiences: ['api://AzureADTokenExchange'],
          },
        ],
      });
    });
  });
  after(() => sb?.close());

  const args = (cred: string) => [
    'token',
    '--credential',
    cred,
    '--authority-host',
    sb.authorityHost,
    '--ca',
    sb.caFile,
    '--json',
  ];

  it('github: exit 0, a token for the app, the prediction agrees, and no request token in the output', async () => {
    const c = io({
      PATH: '',
      ...sandboxGitHubEnv(sb.authorityHost),
      AZURE_CLIENT_ID: CI_APP,
      AZURE_TENANT_ID: sb.tenantId,
    });
    const code = await main(args('github'), c);
    const j = JSON.parse(c.out());
    assert.equal(code, 0, j.message);
    assert.equal(j.outcome, 'success');
    assert.equal(j.token.appId, CI_APP);
    assert.deepEqual([j.prediction.verdict, j.prediction.agrees], ['should-work', true]);
    assert.ok(!c.out().includes('sandbox-actions-id-token-request-token'));
  });

  it('pipelines: exit 0 with the AzureCLI@2 variables; exit 1 with the subject mismatch explained when the app has no matching record', async () => {
    const env = {
      PATH: '',
      ...sandboxPipelinesEnv(sb.authorityHost),
      AZURESUBSCRIPTION_CLIENT_ID: CI_APP,
      AZURESUBSCRIPTION_TENANT_ID: sb.tenantId,
    };
    let c = io(env);
    assert.equal(await main(args('pipelines'), c), 0, c.out());
    c = io({ ...env, AZURESUBSCRIPTION_CLIENT_ID: 'c0ffee00-0000-4000-8000-000000000001' });
    assert.equal(await main(args('AzurePipelinesCredential'), c), 1);
    const j = JSON.parse(c.out());
    assert.equal(j.outcome, 'failed');
    assert.deepEqual(j.errorCodes, [700211], 'no federated identity record for the Azure DevOps issuer');
    assert.match(j.message, /sc:\/\/contoso\/webapp\/sandbox-federated/);
    assert.equal(j.prediction.agrees, false, 'predicted to work from the environment; Entra disagreed');
  });
});
