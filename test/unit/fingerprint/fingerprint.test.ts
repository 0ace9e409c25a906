import { strict as assert } from 'node:assert';
import { fingerprint, hasEnvironment, type Fingerprint, type FingerprintInput } from '../../../src/core/fingerprint';
import { FakeMachine, jwt, NOW } from './fixture';

type Env = Record<string, string | undefined>;

let m: FakeMachine;
beforeEach(() => {
  m = new FakeMachine();
});
afterEach(() => m.remove());

function fp(env: Env, extra: Partial<FingerprintInput> = {}): Fingerprint {
  return fingerprint({
    env: { PATH: '/usr/bin:/bin', HOME: '/home/dev', ...env },
    root: m.root,
    platform: 'linux',
    now: () => NOW,
    ...extra,
  });
}

function finding(f: Fingerprint, e: string) {
  return f.environments.find((x) => x.environment === e);
}

describe('fingerprint: hosting environments from fixtures', () => {
  it('an Azure VM is recognised by the SMBIOS chassis asset tag, with the DMI files as evidence', () => {
    const f = fp({}, { root: m.azureVm().root });
    assert.equal(f.primary, 'azure-vm');
    const vm = finding(f, 'azure-vm')!;
    assert.equal(vm.confidence, 'high');
    assert.ok(vm.evidence.some((e) => e.kind === 'file' && e.name === '/sys/class/dmi/id/chassis_asset_tag'));
    assert.ok(
      vm.evidence.some((e) => e.name === '/sys/class/dmi/id/sys_vendor' && e.detail === 'Microsoft Corporation'),
    );
    assert.equal(finding(f, 'developer-machine'), undefined);
    assert.equal(f.managedIdentity.source, 'Imds');
  });

  it('a Hyper-V VM without the Azure tag is not an Azure VM', () => {
    const f = fp({}, { root: m.hyperV().root });
    assert.equal(finding(f, 'azure-vm'), undefined);
    assert.equal(finding(f, 'hyper-v-vm')?.confidence, 'medium');
    assert.ok(finding(f, 'developer-machine'));
  });

  it('the Microsoft DMI strings plus the waagent directory make a medium-confidence Azure VM', () => {
    m.hyperV().dir('/var/lib/waagent');
    const f = fp({});
    assert.equal(finding(f, 'azure-vm')?.confidence, 'medium');
  });

  it('Windows SMBIOS facts come through the injected reader', () => {
    const f = fingerprint({
      env: {},
      root: m.root,
      platform: 'win32',
      windowsFacts: () => ({
        systemManufacturer: 'Microsoft Corporation',
        systemProductName: 'Virtual Machine',
        chassisAssetTag: '7783-7084-3265-9085-8269-3286-77',
        source: 'test',
      }),
    });
    assert.equal(f.primary, 'azure-vm');
    assert.ok(finding(f, 'azure-vm')!.evidence.some((e) => e.kind === 'fact' && /SMBIOSAssetTag/.test(e.name)));
    const g = fingerprint({ env: {}, root: m.root, platform: 'win32', windowsFacts: () => null });
    assert.equal(g.primary, 'developer-machine');
    assert.equal(finding(g, 'developer-machine')?.confidence, 'high');
  });

  it('a plain developer laptop: no hosting markers, SMBIOS of another vendor', () => {
    const f = fp({}, { root: m.laptop().root });
    assert.equal(f.primary, 'developer-machine');
    assert.equal(f.environments.length, 1);
    assert.ok(finding(f, 'developer-machine')!.evidence.some((e) => /LENOVO/.test(e.detail)));
  });

  it('an AKS pod: service-account mount, an azmk8s.io API server, workload-identity variables', () => {
    m.azureVm()
      .serviceAccount('payments')
      .file(
        '/var/run/secrets/azure/tokens/azure-identity-token',
        jwt({
          iss: 'https://eastus.oic.prod-aks.azure.com/t/u/',
          sub: 'system:serviceaccount:payments:api',
          aud: ['api://AzureADTokenExchange'],
          exp: NOW / 1000 + 3600,
        }),
      );
    const f = fp({
      KUBERNETES_SERVICE_HOST: 'myaks-dns-1a2b3c.hcp.eastus.azmk8s.io',
      AZURE_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
      AZURE_TENANT_ID: '22222222-2222-2222-2222-222222222222',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
    });
    assert.equal(f.primary, 'aks');
    assert.equal(finding(f, 'aks')!.confidence, 'high');
    assert.ok(finding(f, 'kubernetes')!.evidence.some((e) => /namespace payments/.test(e.detail)));
    assert.equal(f.federatedToken.state, 'present');
    assert.equal(f.federatedToken.claims?.sub, 'system:serviceaccount:payments:api');
    assert.equal(f.federatedToken.expired, false);
    assert.ok(hasEnvironment(f, 'azure-vm', 'high'), 'the node is an Azure VM too');
  });

  it('a generic Kubernetes pod (not AKS) from the service-account mount alone is medium confidence', () => {
    m.serviceAccount();
    const f = fp({});
    assert.equal(f.primary, 'kubernetes');
    assert.equal(finding(f, 'kubernetes')!.confidence, 'medium');
    assert.equal(finding(f, 'aks'), undefined);
  });

  it('App Service with managed identity enabled', () => {
    const f = fp({
      WEBSITE_SITE_NAME: 'shop',
      WEBSITE_INSTANCE_ID: 'abc',
      IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token/',
      IDENTITY_HEADER: 'h-secret',
    });
    assert.equal(f.primary, 'app-service');
    assert.equal(finding(f, 'app-service')!.confidence, 'high');
    assert.equal(f.managedIdentity.source, 'AppService');
    const hdr = finding(f, 'app-service')!.evidence.find((e) => e.name === 'IDENTITY_HEADER');
    assert.equal(hdr?.detail, 'set', 'the header value is a secret and is never shown');
    assert.ok(!JSON.stringify(f).includes('h-secret'));
  });

  it('Azure Functions on App Service; the local Functions host is only a low-confidence hint', () => {
    const f = fp({
      WEBSITE_SITE_NAME: 'fn',
      WEBSITE_INSTANCE_ID: 'x',
      FUNCTIONS_WORKER_RUNTIME: 'node',
      FUNCTIONS_EXTENSION_VERSION: '~4',
    });
    assert.equal(f.primary, 'azure-functions');
    const local = fp({ FUNCTIONS_WORKER_RUNTIME: 'node' });
    assert.equal(finding(local, 'azure-functions')?.confidence, 'low');
    assert.equal(local.primary, 'developer-machine');
  });

  it('Container Apps hide their Kubernetes variables (not your AKS pod)', () => {
    m.serviceAccount();
    const f = fp({
      CONTAINER_APP_NAME: 'api',
      CONTAINER_APP_REVISION: 'api--r1',
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      IDENTITY_ENDPOINT: 'http://localhost:42356/msi/token',
      IDENTITY_HEADER: 'x',
    });
    assert.equal(f.primary, 'container-apps');
    assert.equal(finding(f, 'kubernetes'), undefined);
    assert.equal(f.managedIdentity.source, 'AppService');
  });

  it('Container Instances from the SandboxHost hostname', () => {
    m.file('/.dockerenv').file('/etc/hostname', 'SandboxHost-638055734008819914\n');
    const f = fp({});
    assert.equal(f.primary, 'container-instances');
    assert.ok(finding(f, 'container'));
  });

  it('Cloud Shell: AZUREPS_HOST_ENVIRONMENT, ACC_CLOUD and MSI_ENDPOINT', () => {
    const f = fp({
      AZUREPS_HOST_ENVIRONMENT: 'cloud-shell/1.0',
      ACC_CLOUD: 'PROD',
      MSI_ENDPOINT: 'http://localhost:50342/oauth2/token',
    });
    assert.equal(f.primary, 'cloud-shell');
    assert.equal(finding(f, 'cloud-shell')!.confidence, 'high');
    assert.equal(f.managedIdentity.source, 'CloudShell');
  });

  it('Azure Arc from the agent files, and the Arc source is selected without variables', () => {
    m.exe('/opt/azcmagent/bin/himds').dir('/var/opt/azcmagent/tokens');
    const f = fp({});
    assert.equal(f.primary, 'azure-arc');
    assert.equal(finding(f, 'azure-arc')!.confidence, 'high');
    assert.equal(f.managedIdentity.source, 'AzureArc');
    assert.equal(f.managedIdentity.endpoint, 'http://127.0.0.1:40342/metadata/identity/oauth2/token');
  });

  it('Azure ML compute: MSI_ENDPOINT + MSI_SECRET and AZUREML_ variables', () => {
    const f = fp({
      MSI_ENDPOINT: 'http://127.0.0.1:46808/MSI/auth',
      MSI_SECRET: 's',
      AZUREML_RUN_ID: 'run1',
      DEFAULT_IDENTITY_CLIENT_ID: 'c',
    });
    assert.equal(f.primary, 'azure-ml');
    assert.equal(finding(f, 'azure-ml')!.confidence, 'high');
    assert.equal(f.managedIdentity.source, 'MachineLearning');
  });

  it('Service Fabric: IDENTITY_SERVER_THUMBPRINT wins the source precedence', () => {
    const f = fp({
      IDENTITY_ENDPOINT: 'https://10.0.0.4:2377/metadata/identity/oauth2/token',
      IDENTITY_HEADER: 'x',
      IDENTITY_SERVER_THUMBPRINT: 'AB12',
      Fabric_ApplicationName: 'fabric:/app',
    });
    assert.equal(f.primary, 'service-fabric');
    assert.equal(f.managedIdentity.source, 'ServiceFabric');
  });

  it('GitHub Actions on a GitHub-hosted runner (an Azure VM underneath)', () => {
    m.azureVm();
    const f = fp({
      GITHUB_ACTIONS: 'true',
      RUNNER_ENVIRONMENT: 'github-hosted',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret-runner-token',
    });
    assert.equal(f.primary, 'github-actions');
    assert.ok(hasEnvironment(f, 'azure-vm'));
    const ev = finding(f, 'github-actions')!.evidence;
    assert.equal(ev.find((e) => e.name === 'ACTIONS_ID_TOKEN_REQUEST_TOKEN')?.detail, 'set');
    assert.equal(
      ev.find((e) => e.name === 'ACTIONS_ID_TOKEN_REQUEST_URL')?.detail,
      'set (https://pipelines.actions.githubusercontent.com/abc/idtoken)',
    );
    assert.ok(!JSON.stringify(f).includes('secret-runner-token'));
  });

  it('Azure Pipelines: TF_BUILD and SYSTEM_OIDCREQUESTURI', () => {
    const f = fp({
      TF_BUILD: 'True',
      SYSTEM_OIDCREQUESTURI: 'https://dev.azure.com/org/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken',
      AGENT_NAME: 'Hosted Agent',
    });
    assert.equal(f.primary, 'azure-pipelines');
    assert.equal(finding(f, 'azure-pipelines')!.confidence, 'high');
  });

  it('Codespaces and dev containers', () => {
    m.file('/.dockerenv');
    const cs = fp({ CODESPACES: 'true', CODESPACE_NAME: 'x' });
    assert.equal(cs.primary, 'codespaces');
    const dc = fp({ REMOTE_CONTAINERS: 'true' });
    assert.equal(dc.primary, 'dev-container');
    assert.equal(finding(dc, 'developer-machine')?.confidence, 'high');
  });

  it('WSL from WSL_DISTRO_NAME and the Microsoft kernel in /proc/version', () => {
    m.file('/proc/version', 'Linux version 5.15.153.1-microsoft-standard-WSL2 (root@941d701f84f1) (gcc) #1 SMP\n');
    const f = fp({ WSL_DISTRO_NAME: 'Ubuntu' });
    assert.equal(f.primary, 'wsl');
    assert.ok(finding(f, 'wsl')!.evidence.some((e) => e.name === '/proc/version'));
  });

  it('Docker Desktop: a container on the LinuxKit kernel', () => {
    m.file('/.dockerenv').file('/proc/version', 'Linux version 6.6.32-linuxkit (root@buildkitsandbox) #1 SMP\n');
    const f = fp({});
    assert.equal(f.primary, 'docker-desktop');
    assert.ok(finding(f, 'container'));
  });

  it('a container found from /proc/1/cgroup alone', () => {
    m.file('/proc/1/cgroup', '0::/system.slice/docker-0123abcd.scope\n');
    const f = fp({});
    assert.equal(finding(f, 'container')?.confidence, 'medium');
  });
});

describe('fingerprint: files and tools', () => {
  it('resolves az/azd/pwsh on the environment PATH under the root, without spawning', () => {
    m.exe('/opt/tools/az').exe('/usr/local/bin/azd').file('/usr/bin/pwsh', 'not executable', 0o644);
    const f = fp({ PATH: '/opt/tools:/usr/local/bin:/usr/bin:relative/dir' });
    assert.equal(f.tools.az, '/opt/tools/az');
    assert.equal(f.tools.azd, '/usr/local/bin/azd');
    assert.equal(f.tools.pwsh, null, 'a file without the executable bit is not an executable');
    assert.deepEqual(f.tools.searchedPath, ['/opt/tools', '/usr/local/bin', '/usr/bin', 'relative/dir']);
  });

  it('on Windows PATHEXT and Path are honoured', () => {
    m.file('/C/tools/az.cmd', '@echo off');
    const f = fingerprint({
      env: { Path: 'C:\\tools', PATHEXT: '.EXE;.CMD' },
      root: m.root,
      platform: 'win32',
      windowsFacts: () => null,
    });
    assert.equal(f.tools.az, 'C:\\tools\\az.cmd');
  });

  it('reads the az login state from azureProfile.json (with a BOM)', () => {
    m.exe('/usr/bin/az');
    assert.equal(fp({}).tools.azLogin, 'no-profile');
    m.file('/home/dev/.azure/azureProfile.json', '\uFEFF{"installationId":"x","subscriptions":[]}');
    assert.equal(fp({}).tools.azLogin, 'no-subscriptions');
    m.file(
      '/home/dev/.azure/azureProfile.json',
      '\uFEFF{"subscriptions":[{"id":"s","tenantId":"t","user":{"name":"a@b","type":"user"}}]}',
    );
    assert.equal(fp({}).tools.azLogin, 'logged-in');
    m.file('/home/dev/.azure/azureProfile.json', '{not json');
    assert.equal(fp({}).tools.azLogin, 'unreadable');
    m.file('/cfg/azureProfile.json', '{"subscriptions":[{"id":"s"}]}');
    assert.equal(fp({ AZURE_CONFIG_DIR: '/cfg' }).tools.azLogin, 'logged-in');
  });

  it('federated token file: missing, empty, not a JWT, expired, huge', () => {
    const env = { AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' };
    assert.equal(fp(env).federatedToken.state, 'missing');
    m.file(env.AZURE_FEDERATED_TOKEN_FILE, '  \n');
    assert.equal(fp(env).federatedToken.state, 'empty');
    m.file(env.AZURE_FEDERATED_TOKEN_FILE, 'hello world');
    assert.match(fp(env).federatedToken.problem ?? '', /not a JWT/);
    m.file(
      env.AZURE_FEDERATED_TOKEN_FILE,
      jwt({ iss: 'i', sub: 's', aud: 'api://AzureADTokenExchange', exp: NOW / 1000 - 10 }),
    );
    const f = fp(env).federatedToken;
    assert.equal(f.expired, true);
    assert.deepEqual(f.claims?.aud, ['api://AzureADTokenExchange']);
    m.file(env.AZURE_FEDERATED_TOKEN_FILE, Buffer.alloc(300 * 1024, 0x61));
    assert.equal(fp(env).federatedToken.state, 'too-large');
  });

  it('hostile inputs: a huge DMI file, binary junk, control characters and path traversal stay bounded and inert', () => {
    m.file('/sys/class/dmi/id/sys_vendor', 'Microsoft Corporation\u001b[31m' + 'x'.repeat(10 * 1024 * 1024));
    m.file('/sys/class/dmi/id/product_name', Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    const f = fp({
      KUBERNETES_SERVICE_HOST: 'evil\n\u0000'.repeat(1000),
      AZURE_FEDERATED_TOKEN_FILE: '/../../../../etc/passwd',
      HOSTNAME: 'a'.repeat(100000),
    });
    for (const e of f.environments)
      for (const ev of e.evidence) assert.ok(ev.detail.length < 400, `evidence ${ev.name} is bounded`);
    for (const e of f.environments)
      for (const ev of e.evidence)
        // eslint-disable-next-line no-control-regex
        assert.ok(!/[\u0000-\u001f\u007f]/.test(ev.detail), `no control characters in ${ev.name}`);
    // Traversal is clamped to the root: /../../etc/passwd resolves inside the fixture, where it does not exist.
    assert.equal(f.federatedToken.state, 'missing');
  });

  it('a variable holding a secret is never shown, an identifier is', () => {
    const f = fp({ MSI_ENDPOINT: 'http://x/y?secret=1', MSI_SECRET: 'topsecret', AZUREML_RUN_ID: 'r' });
    const ev = finding(f, 'azure-ml')!.evidence;
    assert.equal(ev.find((e) => e.name === 'MSI_SECRET')?.detail, 'set');
    assert.equal(ev.find((e) => e.name === 'MSI_ENDPOINT')?.detail, 'set (http://x/y)');
    assert.ok(!JSON.stringify(f).includes('topsecret'));
  });

  it('never depends on the machine it runs on: an empty root with an empty env is a low-confidence developer machine', () => {
    const f = fingerprint({ env: {}, root: m.root, platform: 'linux' });
    assert.equal(f.primary, 'developer-machine');
    assert.equal(f.tools.az, null);
    assert.equal(f.managedIdentity.source, 'Imds');
  });
});
