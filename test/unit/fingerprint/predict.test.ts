import { strict as assert } from 'node:assert';
import {
  comparePrediction,
  fingerprint,
  predictCredentials,
  settlePrediction,
  tokenCredentialsSelection,
  type Fingerprint,
  type Predictions,
} from '../../../src/core/fingerprint';
import type { ChainProfile } from '../../../src/core/model';
import { FakeMachine, jwt, NOW } from './fixture';

type Env = Record<string, string | undefined>;
let m: FakeMachine;
beforeEach(() => {
  m = new FakeMachine();
});
afterEach(() => m.remove());

function run(env: Env, profile: ChainProfile = 'go'): { fp: Fingerprint; p: Predictions } {
  const full = { PATH: '/usr/bin:/bin', HOME: '/home/dev', ...env };
  const fp = fingerprint({ env: full, root: m.root, platform: 'linux', now: () => NOW });
  return { fp, p: predictCredentials(fp, full, profile) };
}

const TOKEN_FILE = '/var/run/secrets/azure/tokens/azure-identity-token';
const WI = {
  AZURE_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
  AZURE_TENANT_ID: '22222222-2222-2222-2222-222222222222',
  AZURE_FEDERATED_TOKEN_FILE: TOKEN_FILE,
  AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
  KUBERNETES_SERVICE_HOST: 'aks-1.hcp.westeurope.azmk8s.io',
};

describe('predictions: instant verdicts per credential', () => {
  it('developer laptop: IMDS will time out after 1 s, with the AZURE_TOKEN_CREDENTIALS=dev fix', () => {
    m.laptop();
    const { p } = run({});
    assert.equal(p.ManagedIdentityCredential!.verdict, 'unavailable');
    assert.match(
      p.ManagedIdentityCredential!.reason,
      /not an Azure VM and no managed-identity variables: the IMDS probe will time out after 1 s — set AZURE_TOKEN_CREDENTIALS=dev to skip it/,
    );
    assert.equal(p.EnvironmentCredential!.verdict, 'unavailable');
    assert.equal(p.WorkloadIdentityCredential!.verdict, 'unavailable');
    assert.equal(p.AzureCLICredential!.verdict, 'unavailable');
    assert.match(p.AzureCLICredential!.reason, /not on the PATH/);
  });

  it('the probe limit in the reason follows the engine option', () => {
    const full = { PATH: '' };
    const fp = fingerprint({ env: full, root: m.root, platform: 'linux' });
    assert.match(
      predictCredentials(fp, full, 'go', { imdsProbeTimeoutMs: 250 }).ManagedIdentityCredential!.reason,
      /after 250 ms/,
    );
  });

  it('az installed and logged in → should-work; installed, never logged in → unavailable', () => {
    m.exe('/usr/bin/az');
    assert.match(run({}).p.AzureCLICredential!.reason, /never been logged in/);
    m.file('/home/dev/.azure/azureProfile.json', '{"subscriptions":[{"id":"s"}]}');
    assert.equal(run({}).p.AzureCLICredential!.verdict, 'should-work');
  });

  it('without HOME the login state of az and azd is unknown, not "never logged in"', () => {
    m.exe('/usr/bin/az').exe('/usr/bin/azd');
    const env = { PATH: '/usr/bin' };
    const fp = fingerprint({ env, root: m.root, platform: 'linux' });
    const p = predictCredentials(fp, env, 'go');
    assert.equal(fp.tools.azLogin, 'unknown');
    assert.deepEqual([p.AzureCLICredential!.verdict, p.AzureDeveloperCLICredential!.verdict], ['unknown', 'unknown']);
  });

  it('azd and pwsh from PATH and their login state', () => {
    m.exe('/usr/bin/azd').exe('/usr/bin/pwsh');
    let { p } = run({}, 'js');
    assert.equal(p.AzureDeveloperCLICredential!.verdict, 'unavailable');
    assert.match(p.AzureDeveloperCLICredential!.reason, /azd auth login/);
    assert.match(p.AzurePowerShellCredential!.reason, /Connect-AzAccount/);
    m.dir('/home/dev/.azd/auth').file('/home/dev/.Azure/AzureRmContext.json', '{}');
    ({ p } = run({ AZD_DEBUG: '1' }, 'js'));
    assert.equal(p.AzureDeveloperCLICredential!.verdict, 'should-work');
    assert.match(p.AzureDeveloperCLICredential!.reason, /AZD_DEBUG/);
    assert.equal(p.AzurePowerShellCredential!.verdict, 'should-work');
  });

  it('AKS pod with workload identity and a valid projected token → should-work, naming iss and sub', () => {
    m.azureVm()
      .serviceAccount()
      .file(
        TOKEN_FILE,
        jwt({
          iss: 'https://oidc.example/aks',
          sub: 'system:serviceaccount:ns:sa',
          aud: ['api://AzureADTokenExchange'],
          exp: NOW / 1000 + 3600,
        }),
      );
    const { p } = run(WI);
    assert.equal(p.WorkloadIdentityCredential!.verdict, 'should-work');
    assert.match(
      p.WorkloadIdentityCredential!.reason,
      /iss https:\/\/oidc\.example\/aks, sub system:serviceaccount:ns:sa/,
    );
    assert.equal(p.EnvironmentCredential!.verdict, 'unavailable');
    assert.match(p.EnvironmentCredential!.reason, /as expected/);
  });

  it('pod has the webhook variables but the token file is missing: the projected volume is not mounted', () => {
    m.serviceAccount();
    const { p } = run(WI);
    assert.equal(p.WorkloadIdentityCredential!.verdict, 'misconfigured');
    assert.match(
      p.WorkloadIdentityCredential!.reason,
      /pod has the webhook's variables but the token file .* is missing: the projected service-account token volume is not mounted/,
    );
  });

  it('pod without the webhook variables: explains the label and annotation', () => {
    m.serviceAccount();
    const { p } = run({ KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    assert.match(p.WorkloadIdentityCredential!.reason, /azure\.workload\.identity\/use/);
  });

  it('expired projected token and wrong audience are misconfigurations with the AADSTS they cause', () => {
    m.serviceAccount().file(
      TOKEN_FILE,
      jwt({ iss: 'i', sub: 's', aud: 'api://AzureADTokenExchange', exp: NOW / 1000 - 60 }),
    );
    assert.match(run(WI).p.WorkloadIdentityCredential!.reason, /expired .*AADSTS700024/);
    m.file(TOKEN_FILE, jwt({ iss: 'i', sub: 's', aud: 'https://kubernetes.default.svc', exp: NOW / 1000 + 60 }));
    const r = run(WI).p.WorkloadIdentityCredential!;
    assert.equal(r.verdict, 'misconfigured');
    assert.match(r.reason, /audience is https:\/\/kubernetes\.default\.svc.*AADSTS700211/);
  });

  it('the JS profile routes ManagedIdentityCredential through the token exchange when the WI variables are set', () => {
    m.serviceAccount();
    const { p } = run(WI, 'js');
    assert.equal(p.ManagedIdentityCredential!.verdict, 'misconfigured');
    assert.match(p.ManagedIdentityCredential!.reason, /token exchange/);
    assert.equal(
      run(WI, 'go').p.ManagedIdentityCredential!.verdict,
      'should-work',
      'Go: an AKS pod reaches IMDS on its node',
    );
  });

  it('App Service without IDENTITY_HEADER: managed identity is not enabled for this app', () => {
    const { p } = run({ WEBSITE_SITE_NAME: 'shop', WEBSITE_INSTANCE_ID: 'i' });
    assert.equal(p.ManagedIdentityCredential!.verdict, 'unavailable');
    assert.match(
      p.ManagedIdentityCredential!.reason,
      /App Service without IDENTITY_HEADER: managed identity is not enabled for this app/,
    );
    const enabled = run({
      WEBSITE_SITE_NAME: 'shop',
      WEBSITE_INSTANCE_ID: 'i',
      IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi',
      IDENTITY_HEADER: 'h',
      AZURE_CLIENT_ID: 'c',
    }).p.ManagedIdentityCredential!;
    assert.equal(enabled.verdict, 'should-work');
    assert.match(enabled.reason, /user-assigned/);
  });

  it('Cloud Shell with AZURE_CLIENT_ID asks for an unsupported user-assigned identity', () => {
    const base = {
      AZUREPS_HOST_ENVIRONMENT: 'cloud-shell/1.0',
      ACC_CLOUD: 'PROD',
      MSI_ENDPOINT: 'http://localhost:50342/oauth2/token',
    };
    assert.equal(run(base).p.ManagedIdentityCredential!.verdict, 'should-work');
    assert.equal(run({ ...base, AZURE_CLIENT_ID: 'c' }).p.ManagedIdentityCredential!.verdict, 'misconfigured');
  });

  it('Azure VM → IMDS should work; Docker Desktop → 403 fast; Codespaces → no identity', () => {
    m.azureVm();
    assert.equal(run({}).p.ManagedIdentityCredential!.verdict, 'should-work');
    m.remove();
    m = new FakeMachine();
    m.file('/.dockerenv').file('/proc/version', 'Linux version 6.6.32-linuxkit');
    assert.match(run({}).p.ManagedIdentityCredential!.reason, /403/);
    assert.match(run({ CODESPACES: 'true' }).p.ManagedIdentityCredential!.reason, /Codespace/);
  });

  it('Arc and Service Fabric sources', () => {
    m.exe('/opt/azcmagent/bin/himds').dir('/var/opt/azcmagent/tokens');
    assert.match(run({}).p.ManagedIdentityCredential!.reason, /Azure Arc .*himds group/);
    const sf = { IDENTITY_ENDPOINT: 'https://x', IDENTITY_HEADER: 'h', IDENTITY_SERVER_THUMBPRINT: 't' };
    assert.equal(run(sf).p.ManagedIdentityCredential!.verdict, 'should-work');
    assert.equal(run({ ...sf, AZURE_CLIENT_ID: 'c' }).p.ManagedIdentityCredential!.verdict, 'misconfigured');
  });

  it('EnvironmentCredential partial configurations', () => {
    let p = run({ AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_ID: 'c' }).p.EnvironmentCredential!;
    assert.equal(p.verdict, 'misconfigured');
    assert.match(p.reason, /AZURE_CLIENT_SECRET is set but AZURE_TENANT_ID is missing/);
    p = run({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' }).p.EnvironmentCredential!;
    assert.match(p.reason, /incomplete configuration: only AZURE_TENANT_ID and AZURE_CLIENT_ID/);
    p = run({ AZURE_TENANT_ID: 'bad/tenant', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }).p.EnvironmentCredential!;
    assert.equal(p.verdict, 'misconfigured');
    p = run({
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
      AZURE_AUTHORITY_HOST: 'http://login.example',
    }).p.EnvironmentCredential!;
    assert.match(p.reason, /not https/);
    assert.equal(
      run({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }).p.EnvironmentCredential!.verdict,
      'should-work',
    );
    assert.equal(
      run({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_USERNAME: 'u' }).p.EnvironmentCredential!.verdict,
      'misconfigured',
    );
  });

  it('EnvironmentCredential certificate file checks (missing, no key, not PEM for JS)', () => {
    const env = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: '/certs/sp.pem' };
    assert.match(run(env).p.EnvironmentCredential!.reason, /does not exist/);
    m.file('/certs/sp.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    assert.match(run(env).p.EnvironmentCredential!.reason, /no PRIVATE KEY/);
    m.file('/certs/sp.pem', Buffer.from([0x30, 0x82, 0x01, 0x00]));
    assert.match(run(env, 'js').p.EnvironmentCredential!.reason, /PEM only|reads only PEM/);
    assert.equal(run(env, 'go').p.EnvironmentCredential!.verdict, 'should-work', 'Go reads PKCS#12 too');
    m.file(
      '/certs/sp.pem',
      '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
    );
    assert.equal(run(env, 'js').p.EnvironmentCredential!.verdict, 'should-work');
  });

  it("AZURE_TOKEN_CREDENTIALS with each SDK's matching rules", () => {
    assert.match(
      run({ AZURE_TOKEN_CREDENTIALS: 'dev' }).p.ManagedIdentityCredential!.reason,
      /not in the chain: AZURE_TOKEN_CREDENTIALS=dev/,
    );
    assert.equal(
      run({ AZURE_TOKEN_CREDENTIALS: 'Dev' }, 'go').p.ManagedIdentityCredential!.verdict,
      'misconfigured',
      'Go: dev/prod are case-sensitive',
    );
    assert.equal(
      run({ AZURE_TOKEN_CREDENTIALS: ' Dev ' }, 'js').p.ManagedIdentityCredential!.verdict,
      'unavailable',
      'JS trims and lower-cases',
    );
    const one = run({ AZURE_TOKEN_CREDENTIALS: 'azureclicredential' }, 'go').p;
    assert.match(one.EnvironmentCredential!.reason, /selects AzureCLICredential/);
    assert.deepEqual(tokenCredentialsSelection({ AZURE_TOKEN_CREDENTIALS: 'prod' }, 'js')?.members, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
    assert.equal(tokenCredentialsSelection({ AZURE_TOKEN_CREDENTIALS: 'nonsense' }, 'python')?.members, 'invalid');
  });

  it('hostile variable values never put control characters or unbounded text into a reason', () => {
    const evil = '\u001b]0;pwned\u0007\u001b[2J' + 'x'.repeat(100_000);
    const { p } = run({
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: evil,
      AZURE_CLIENT_SECRET: 's',
      AZURE_AUTHORITY_HOST: 'http://' + evil,
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: evil,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
      AZURE_TENANT_ID_X: evil,
      AZURE_TOKEN_CREDENTIALS: evil,
    });
    for (const [name, pr] of Object.entries(p)) {
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f\u007f]/.test(pr.reason), name);
      assert.ok(pr.reason.length <= 1001, name);
    }
  });

  it('profiles predict their own chain members', () => {
    assert.deepEqual(Object.keys(run({}, 'go').p), [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'AzureCLICredential',
      'AzureDeveloperCLICredential',
      'GitHubActionsCredential',
      'AzurePipelinesCredential',
    ]);
    assert.ok('VisualStudioCredential' in run({}, 'dotnet').p);
    // The chain's own membership (newest modelled release): Python ends with the broker, SharedTokenCache on Windows only.
    assert.ok('BrokerCredential' in run({}, 'python').p);
    assert.equal('SharedTokenCacheCredential' in run({}, 'python').p, process.platform === 'win32');
  });

  it('GitHub Actions: id-token permission missing, client/tenant missing, ready', () => {
    const gh = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'contoso/app', RUNNER_ENVIRONMENT: 'github-hosted' };
    assert.match(run(gh).p.GitHubActionsCredential!.reason, /permissions: id-token: write/);
    const withUrl = {
      ...gh,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/idtoken?a=1',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
    };
    assert.match(run(withUrl).p.GitHubActionsCredential!.reason, /AZURE_CLIENT_ID and AZURE_TENANT_ID are not set/);
    const ok = run({ ...withUrl, AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 't' }).p;
    assert.equal(ok.GitHubActionsCredential!.verdict, 'should-work');
    assert.match(ok.GitHubActionsCredential!.reason, /repo:contoso\/app/);
    assert.match(ok.ManagedIdentityCredential!.reason, /GitHub-hosted runners/);
    assert.equal(run({}).p.GitHubActionsCredential!.verdict, 'unavailable');
  });

  it('Azure Pipelines: SYSTEM_ACCESSTOKEN not mapped, service connection missing, ready', () => {
    const ap = { TF_BUILD: 'True', SYSTEM_OIDCREQUESTURI: 'https://dev.azure.com/o/p/_apis/x' };
    const r = run(ap).p.AzurePipelinesCredential!;
    assert.equal(r.verdict, 'misconfigured');
    assert.match(r.reason, /SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)/);
    assert.match(run({ TF_BUILD: 'True' }).p.AzurePipelinesCredential!.reason, /SYSTEM_OIDCREQUESTURI/);
    const ok = run({
      ...ap,
      SYSTEM_ACCESSTOKEN: 'x',
      AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 'sc',
      AZURESUBSCRIPTION_CLIENT_ID: 'c',
      AZURESUBSCRIPTION_TENANT_ID: 't',
    }).p;
    assert.equal(ok.AzurePipelinesCredential!.verdict, 'should-work');
  });
});

describe('comparePrediction: prediction vs observed outcome', () => {
  it('agreement table', () => {
    const cases: [string, string, boolean][] = [
      ['should-work', 'success', true],
      ['should-work', 'unavailable', false],
      ['should-work', 'failed', false],
      ['unavailable', 'unavailable', true],
      ['unavailable', 'skipped', true],
      ['unavailable', 'success', false],
      ['unavailable', 'failed', false],
      ['misconfigured', 'failed', true],
      ['misconfigured', 'unavailable', true],
      ['misconfigured', 'success', false],
      ['unknown', 'success', true],
      ['unknown', 'failed', true],
    ];
    for (const [verdict, outcome, agrees] of cases) {
      const c = comparePrediction({ verdict: verdict as never, reason: 'r' }, outcome as never);
      assert.equal(c.agrees, agrees, `${verdict} vs ${outcome}`);
      assert.ok(c.explanation.length > 0);
    }
  });

  it('explains a disagreement with a credential-specific likely cause', () => {
    const c = comparePrediction({ verdict: 'should-work', reason: 'Azure VM' }, 'unavailable', {
      credential: 'ManagedIdentityCredential',
      message: 'Identity not found',
    });
    assert.equal(c.agrees, false);
    assert.match(c.explanation, /Identity not found/);
    assert.match(c.explanation, /no identity .* is assigned/);
    const s = settlePrediction({ verdict: 'should-work', reason: 'Azure VM' }, 'unavailable', {
      credential: 'ManagedIdentityCredential',
    });
    assert.equal(s.agrees, false);
    assert.match(s.reason, /^Azure VM — DISAGREES: /);
    assert.equal(settlePrediction({ verdict: 'unavailable', reason: 'x' }, 'unavailable').reason, 'x');
  });
});
