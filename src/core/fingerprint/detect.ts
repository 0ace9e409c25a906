/**
 * Builds the hosting-environment fingerprint from local facts only: SMBIOS/DMI files, the Windows registry,
 * environment variables, agent files and mounted tokens. No network, no child process (except reg.exe on Windows
 * when no reader is injected), no secret kept: variables that carry secrets are reported as "set".
 */
import { execFileSync } from 'node:child_process';
import { decodeToken } from '../token/decode';
import { LocalFs } from './localfs';
import { pathEntries, resolveExecutable } from './executables';
import type {
  CertificateFacts,
  Confidence,
  EnvironmentFinding,
  Evidence,
  FederatedTokenFacts,
  Fingerprint,
  FingerprintInput,
  HostingEnvironment,
  ManagedIdentityFacts,
  ToolFacts,
  WindowsFactsReader,
  WindowsSmbiosFacts,
} from './types';

type Env = Readonly<Record<string, string | undefined>>;

/** The chassis asset tag every Azure VM carries in SMBIOS (Hyper-V VMs elsewhere do not). */
export const AZURE_CHASSIS_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ARC_HIMDS_LINUX = '/opt/azcmagent/bin/himds';
export const ARC_TOKENS_LINUX = '/var/opt/azcmagent/tokens';
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

export const LABELS: Record<HostingEnvironment, string> = {
  'azure-vm': 'Azure virtual machine',
  aks: 'Azure Kubernetes Service pod',
  kubernetes: 'Kubernetes pod',
  'app-service': 'Azure App Service',
  'azure-functions': 'Azure Functions',
  'container-apps': 'Azure Container Apps',
  'container-instances': 'Azure Container Instances',
  'cloud-shell': 'Azure Cloud Shell',
  'azure-arc': 'Azure Arc-enabled server',
  'azure-ml': 'Azure Machine Learning compute',
  'service-fabric': 'Azure Service Fabric',
  'github-actions': 'GitHub Actions job',
  'azure-pipelines': 'Azure Pipelines job',
  codespaces: 'GitHub Codespace',
  'dev-container': 'Dev container',
  container: 'Container',
  wsl: 'Windows Subsystem for Linux',
  'docker-desktop': 'Docker Desktop',
  'hyper-v-vm': 'Hyper-V virtual machine (not Azure)',
  'developer-machine': 'Developer machine',
};

/** Most specific first: CI and platform services before the VM or container they run on. */
const ORDER: HostingEnvironment[] = [
  'github-actions',
  'azure-pipelines',
  'cloud-shell',
  'azure-functions',
  'app-service',
  'container-apps',
  'service-fabric',
  'azure-ml',
  'aks',
  'kubernetes',
  'container-instances',
  'azure-arc',
  'codespaces',
  'dev-container',
  'docker-desktop',
  'azure-vm',
  'container',
  'wsl',
  'hyper-v-vm',
  'developer-machine',
];

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** Variables whose values may be shown (identifiers and endpoints); everything else is reported as "set". */
const SHOWABLE =
  /^(AZURE_CLIENT_ID|AZURE_TENANT_ID|AZURE_AUTHORITY_HOST|AZURE_FEDERATED_TOKEN_FILE|AZURE_TOKEN_CREDENTIALS|AZURE_POD_IDENTITY_AUTHORITY_HOST|IDENTITY_ENDPOINT|IMDS_ENDPOINT|MSI_ENDPOINT|KUBERNETES_SERVICE_HOST|WEBSITE_SITE_NAME|WEBSITE_HOSTNAME|WEBSITE_SKU|FUNCTIONS_WORKER_RUNTIME|FUNCTIONS_EXTENSION_VERSION|CONTAINER_APP_NAME|CONTAINER_APP_JOB_NAME|CONTAINER_APP_REVISION|AZUREPS_HOST_ENVIRONMENT|ACC_CLOUD|GITHUB_ACTIONS|GITHUB_REPOSITORY|GITHUB_REF|GITHUB_WORKFLOW|RUNNER_ENVIRONMENT|RUNNER_OS|TF_BUILD|SYSTEM_TEAMFOUNDATIONCOLLECTIONURI|SYSTEM_TEAMPROJECT|BUILD_REPOSITORY_NAME|AGENT_NAME|CODESPACES|CODESPACE_NAME|REMOTE_CONTAINERS|WSL_DISTRO_NAME|HOSTNAME|DEFAULT_IDENTITY_CLIENT_ID|Fabric_ApplicationName|Fabric_NodeName|Fabric_ServiceName|AZURESUBSCRIPTION_CLIENT_ID|AZURESUBSCRIPTION_TENANT_ID|AZURESUBSCRIPTION_SERVICE_CONNECTION_ID|SYSTEM_OIDCREQUESTURI|ACTIONS_ID_TOKEN_REQUEST_URL|AZUREML_[A-Z_]*)$/;

function clip(s: string, n = 120): string {
  // One line, no control characters: evidence is printed to terminals and rendered in the editor.
  const oneLine = s
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
  return oneLine.length > n ? oneLine.slice(0, n) + '…' : oneLine;
}

export function describeVariable(name: string, value: string): string {
  if (value === '') return 'set but empty';
  if (!SHOWABLE.test(name)) return 'set';
  // Query strings of runner endpoints can carry ids; keep scheme + host + path only.
  if (
    /^(ACTIONS_ID_TOKEN_REQUEST_URL|SYSTEM_OIDCREQUESTURI|IDENTITY_ENDPOINT|MSI_ENDPOINT|IMDS_ENDPOINT)$/.test(name)
  ) {
    try {
      const u = new URL(value);
      return `set (${u.protocol}//${u.host}${u.pathname})`;
    } catch {
      return `set (not a URL: ${clip(value, 40)})`;
    }
  }
  return `= ${clip(value)}`;
}

class Collector {
  readonly findings = new Map<HostingEnvironment, EnvironmentFinding>();
  add(environment: HostingEnvironment, confidence: Confidence, evidence: Evidence[]): void {
    const prev = this.findings.get(environment);
    if (!prev) {
      this.findings.set(environment, { environment, label: LABELS[environment], confidence, evidence: [...evidence] });
      return;
    }
    if (RANK[confidence] < RANK[prev.confidence]) prev.confidence = confidence;
    for (const e of evidence)
      if (!prev.evidence.some((x) => x.kind === e.kind && x.name === e.name)) prev.evidence.push(e);
  }
  has(e: HostingEnvironment): boolean {
    return this.findings.has(e);
  }
  remove(e: HostingEnvironment): void {
    this.findings.delete(e);
  }
}

function envEvidence(env: Env, names: string[]): Evidence[] {
  const out: Evidence[] = [];
  for (const n of names) {
    const v = env[n];
    if (v !== undefined) out.push({ kind: 'env', name: clip(n, 80), detail: describeVariable(n, v) });
  }
  return out;
}

function isSet(env: Env, name: string): boolean {
  const v = env[name];
  return v !== undefined && v.trim() !== '';
}

let registryCache: { value: WindowsSmbiosFacts | null } | undefined;

/** Default Windows reader: `reg query` of the BIOS key (no WMI, no PowerShell; 2 s limit), read once per process. */
export const registryWindowsFacts: WindowsFactsReader = () => {
  if (process.platform !== 'win32') return null;
  if (registryCache) return registryCache.value;
  registryCache = { value: readRegistry() };
  return registryCache.value;
};

function readRegistry(): WindowsSmbiosFacts | null {
  const key = 'HKLM\\HARDWARE\\DESCRIPTION\\System\\BIOS';
  try {
    const out = execFileSync('reg', ['query', key], {
      timeout: 2000,
      windowsHide: true,
      encoding: 'utf8',
      maxBuffer: 256 * 1024,
    });
    const pick = (name: string) => new RegExp(`^\\s*${name}\\s+REG_SZ\\s+(.*)$`, 'm').exec(out)?.[1]?.trim();
    return {
      systemManufacturer: pick('SystemManufacturer'),
      systemProductName: pick('SystemProductName'),
      source: key,
    };
  } catch {
    return null;
  }
}

interface Smbios {
  vendor: string | null;
  product: string | null;
  assetTag: string | null;
  where: string;
  evidence: Evidence[];
}

function readSmbios(
  fsx: LocalFs,
  platform: NodeJS.Platform,
  windowsFacts: WindowsFactsReader | undefined,
): Smbios | null {
  if (platform === 'win32') {
    const reader = windowsFacts ?? registryWindowsFacts;
    const f: WindowsSmbiosFacts | null = reader();
    if (!f) return null;
    const evidence: Evidence[] = [];
    if (f.systemManufacturer !== undefined)
      evidence.push({ kind: 'fact', name: `${f.source} SystemManufacturer`, detail: clip(f.systemManufacturer) });
    if (f.systemProductName !== undefined)
      evidence.push({ kind: 'fact', name: `${f.source} SystemProductName`, detail: clip(f.systemProductName) });
    if (f.chassisAssetTag !== undefined)
      evidence.push({ kind: 'fact', name: 'Win32_SystemEnclosure SMBIOSAssetTag', detail: clip(f.chassisAssetTag) });
    return {
      vendor: f.systemManufacturer ?? null,
      product: f.systemProductName ?? null,
      assetTag: f.chassisAssetTag ?? null,
      where: f.source,
      evidence,
    };
  }
  if (platform !== 'linux') return null;
  const dir = '/sys/class/dmi/id';
  const vendor = fsx.readLine(`${dir}/sys_vendor`);
  const product = fsx.readLine(`${dir}/product_name`);
  const assetTag = fsx.readLine(`${dir}/chassis_asset_tag`);
  if (vendor === null && product === null && assetTag === null) return null;
  const evidence: Evidence[] = [];
  if (vendor !== null) evidence.push({ kind: 'file', name: `${dir}/sys_vendor`, detail: clip(vendor) });
  if (product !== null) evidence.push({ kind: 'file', name: `${dir}/product_name`, detail: clip(product) });
  if (assetTag !== null) evidence.push({ kind: 'file', name: `${dir}/chassis_asset_tag`, detail: clip(assetTag) });
  return { vendor, product, assetTag, where: dir, evidence };
}

function readCertificate(env: Env, fsx: LocalFs): CertificateFacts | undefined {
  const p = env.AZURE_CLIENT_CERTIFICATE_PATH;
  if (p === undefined || p.trim() === '') return undefined;
  const info = fsx.info(p);
  if (!info.exists) return { path: p, state: 'missing' };
  if (!info.isFile) return { path: p, state: 'unreadable' };
  // Only the block markers are looked at; the key material is not kept.
  const head = fsx.readText(p, 1024 * 1024);
  if (head === null) return { path: p, state: 'unreadable' };
  const pem = /-----BEGIN [A-Z0-9 ]+-----/.test(head);
  return { path: p, state: 'present', pem, hasPrivateKey: pem && /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(head) };
}

function readFederatedToken(env: Env, fsx: LocalFs, now: number): FederatedTokenFacts {
  const p = env.AZURE_FEDERATED_TOKEN_FILE;
  if (p === undefined || p.trim() === '') return { state: 'not-configured' };
  const info = fsx.info(p);
  if (!info.exists) return { path: p, state: 'missing' };
  if (!info.isFile) return { path: p, state: 'unreadable', problem: 'not a regular file' };
  if (info.size > 256 * 1024)
    return {
      path: p,
      state: 'too-large',
      sizeBytes: info.size,
      problem: `${info.size} bytes; a projected service-account token is a few KB`,
    };
  const text = fsx.readText(p, 256 * 1024);
  if (text === null)
    return { path: p, state: 'unreadable', sizeBytes: info.size, problem: 'could not be read (permissions?)' };
  if (text.trim() === '') return { path: p, state: 'empty', sizeBytes: info.size };
  const facts: FederatedTokenFacts = { path: p, state: 'present', sizeBytes: info.size };
  const d = decodeToken(text);
  if (!d.ok) facts.problem = `not a JWT: ${d.error.message}`;
  else if (d.kind !== 'jwt') facts.problem = `not a signed JWT (${d.kind})`;
  else {
    const pl = d.payload;
    const str = (v: unknown) => (typeof v === 'string' ? clip(v, 300) : undefined);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const aud =
      typeof pl.aud === 'string'
        ? [clip(pl.aud, 300)]
        : Array.isArray(pl.aud)
          ? pl.aud
              .filter((a): a is string => typeof a === 'string')
              .slice(0, 10)
              .map((a) => clip(a, 300))
          : undefined;
    facts.claims = { iss: str(pl.iss), sub: str(pl.sub), aud, exp: num(pl.exp), iat: num(pl.iat) };
    if (facts.claims.exp !== undefined) facts.expired = facts.claims.exp * 1000 <= now;
  }
  return facts;
}

/** Managed-identity source selection, in msal-node's precedence (facts §3.1). */
export function selectManagedIdentitySource(env: Env, arcAgentInstalled: boolean): ManagedIdentityFacts {
  const ep = env.IDENTITY_ENDPOINT;
  if (isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IDENTITY_HEADER') && isSet(env, 'IDENTITY_SERVER_THUMBPRINT'))
    return {
      source: 'ServiceFabric',
      reason: 'IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set',
      endpoint: ep,
    };
  if (isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IDENTITY_HEADER'))
    return { source: 'AppService', reason: 'IDENTITY_ENDPOINT and IDENTITY_HEADER are set', endpoint: ep };
  if (isSet(env, 'MSI_ENDPOINT') && isSet(env, 'MSI_SECRET'))
    return { source: 'MachineLearning', reason: 'MSI_ENDPOINT and MSI_SECRET are set', endpoint: env.MSI_ENDPOINT };
  if (isSet(env, 'MSI_ENDPOINT'))
    return { source: 'CloudShell', reason: 'MSI_ENDPOINT is set without MSI_SECRET', endpoint: env.MSI_ENDPOINT };
  if (isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IMDS_ENDPOINT'))
    return { source: 'AzureArc', reason: 'IDENTITY_ENDPOINT and IMDS_ENDPOINT are set', endpoint: ep };
  if (arcAgentInstalled)
    return {
      source: 'AzureArc',
      reason: 'the Azure Connected Machine agent (himds) is installed',
      endpoint: 'http://127.0.0.1:40342/metadata/identity/oauth2/token',
    };
  const host = env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  return {
    source: 'Imds',
    reason: 'no managed-identity variables are set: the SDKs fall back to IMDS',
    endpoint: host && host.trim() !== '' ? host : 'http://169.254.169.254/metadata/identity/oauth2/token',
  };
}

function homeDir(env: Env, platform: NodeJS.Platform): string | null {
  const h = platform === 'win32' ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  return h && h.trim() !== '' ? h.replace(/[\\/]+$/, '') : null;
}

function readTools(env: Env, fsx: LocalFs, executables: FingerprintInput['executables']): ToolFacts {
  const platform = fsx.platform;
  const sep = platform === 'win32' ? '\\' : '/';
  const home = homeDir(env, platform);
  const az = resolveExecutable('az', env, fsx, executables?.az);
  const azd = resolveExecutable('azd', env, fsx, executables?.azd);
  const pwsh =
    resolveExecutable('pwsh', env, fsx, executables?.pwsh) ??
    (platform === 'win32' ? resolveExecutable('powershell', env, fsx) : null);
  const azConfigDir = isSet(env, 'AZURE_CONFIG_DIR') ? env.AZURE_CONFIG_DIR! : home ? `${home}${sep}.azure` : null;
  // Without HOME (or AZURE_CONFIG_DIR) there is no telling where az keeps its login.
  let azLogin: ToolFacts['azLogin'] = azConfigDir ? 'no-profile' : 'unknown';
  if (azConfigDir) {
    const profilePath = `${azConfigDir}${sep}azureProfile.json`;
    const info = fsx.info(profilePath);
    if (info.exists) {
      const text = fsx.readText(profilePath, 4 * 1024 * 1024);
      if (text === null) azLogin = 'unreadable';
      else {
        try {
          const j = JSON.parse(text.replace(/^\uFEFF/, '')) as { subscriptions?: unknown };
          azLogin = Array.isArray(j.subscriptions) && j.subscriptions.length > 0 ? 'logged-in' : 'no-subscriptions';
        } catch {
          azLogin = 'unreadable';
        }
      }
    }
  }
  const azdConfigDir = isSet(env, 'AZD_CONFIG_DIR') ? env.AZD_CONFIG_DIR! : home ? `${home}${sep}.azd` : null;
  const azdConfigExists = azdConfigDir
    ? fsx.info(`${azdConfigDir}${sep}auth`).isDirectory || fsx.info(`${azdConfigDir}${sep}config.json`).isFile
    : false;
  const pwshContextExists = home
    ? fsx.info(`${home}${sep}.Azure${sep}AzureRmContext.json`).isFile ||
      fsx.info(`${home}${sep}.azure${sep}AzureRmContext.json`).isFile
    : false;
  const vscodeAuthRecordExists = home
    ? fsx.info(`${home}${sep}.azure${sep}ms-azuretools.vscode-azureresourcegroups${sep}authRecord.json`).isFile ||
      fsx.info(`${home}${sep}.Azure${sep}ms-azuretools.vscode-azureresourcegroups${sep}authRecord.json`).isFile
    : false;
  return {
    az,
    azd,
    pwsh,
    searchedPath: pathEntries(env, platform),
    azLogin,
    azConfigDir,
    azdConfigDir,
    azdConfigExists,
    pwshContextExists,
    vscodeAuthRecordExists,
  };
}

/** Reads every local fact and returns the fingerprint. Synchronous and bounded: a few small file reads. */
export function fingerprint(input: FingerprintInput = {}): Fingerprint {
  const started = performance.now();
  const env: Env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const root = input.root ?? '/';
  const now = (input.now ?? Date.now)();
  const fsx = new LocalFs(root, platform);
  const c = new Collector();

  // ---- Azure VM (SMBIOS) ----
  const smbios = readSmbios(fsx, platform, input.windowsFacts);
  const azureTag = smbios?.assetTag === AZURE_CHASSIS_ASSET_TAG;
  const msVm =
    smbios !== null &&
    /microsoft corporation/i.test(smbios.vendor ?? '') &&
    /virtual machine/i.test(smbios.product ?? '');
  if (smbios && azureTag)
    c.add('azure-vm', 'high', [
      ...smbios.evidence,
      { kind: 'fact', name: 'chassis asset tag', detail: 'matches the tag every Azure VM carries' },
    ]);
  else if (msVm) {
    const waagent = platform === 'linux' && fsx.info('/var/lib/waagent').isDirectory;
    if (waagent)
      c.add('azure-vm', 'medium', [
        ...smbios!.evidence,
        { kind: 'file', name: '/var/lib/waagent', detail: 'Azure Linux agent directory exists' },
      ]);
    else
      c.add('hyper-v-vm', 'medium', [
        ...smbios!.evidence,
        {
          kind: 'fact',
          name: 'chassis asset tag',
          detail: 'not the Azure tag: a Hyper-V VM outside Azure (or facts are hidden)',
        },
      ]);
  } else if (platform === 'linux' && fsx.info('/var/lib/waagent').isDirectory) {
    c.add('azure-vm', 'low', [
      { kind: 'file', name: '/var/lib/waagent', detail: 'Azure Linux agent directory exists' },
    ]);
  }

  // ---- Containers ----
  const dockerenv = fsx.exists('/.dockerenv');
  const containerenv = fsx.exists('/run/.containerenv');
  const cgroup = platform === 'linux' ? fsx.readText('/proc/1/cgroup', 16 * 1024) : null;
  const cgroupHit = cgroup !== null && /(docker|containerd|kubepods|libpod|crio)/.test(cgroup);
  const procVersion = platform === 'linux' ? fsx.readLine('/proc/version') : null;
  const inContainer = dockerenv || containerenv || cgroupHit;
  if (inContainer) {
    const ev: Evidence[] = [];
    if (dockerenv)
      ev.push({ kind: 'file', name: '/.dockerenv', detail: 'exists (Docker creates it in every container)' });
    if (containerenv) ev.push({ kind: 'file', name: '/run/.containerenv', detail: 'exists (Podman)' });
    if (cgroupHit)
      ev.push({
        kind: 'file',
        name: '/proc/1/cgroup',
        detail: clip(/(docker|containerd|kubepods|libpod|crio)/.exec(cgroup!)![0]) + ' in the cgroup path',
      });
    c.add('container', dockerenv || containerenv ? 'high' : 'medium', ev);
  }

  // ---- Kubernetes / AKS ----
  const saToken = fsx.info(`${SERVICE_ACCOUNT_DIR}/token`);
  const saNamespace = fsx.readLine(`${SERVICE_ACCOUNT_DIR}/namespace`);
  const k8sHost = env.KUBERNETES_SERVICE_HOST;
  if (saToken.exists || isSet(env, 'KUBERNETES_SERVICE_HOST')) {
    const ev = envEvidence(env, ['KUBERNETES_SERVICE_HOST']);
    if (saToken.exists)
      ev.push({
        kind: 'file',
        name: `${SERVICE_ACCOUNT_DIR}/token`,
        detail: `service-account token mounted${saNamespace ? ` (namespace ${clip(saNamespace, 63)})` : ''}`,
      });
    c.add('kubernetes', saToken.exists && isSet(env, 'KUBERNETES_SERVICE_HOST') ? 'high' : 'medium', ev);
    const aksHost = k8sHost !== undefined && /\.azmk8s\.io\.?$/i.test(k8sHost.trim());
    if (aksHost)
      c.add('aks', 'high', [
        {
          kind: 'env',
          name: 'KUBERNETES_SERVICE_HOST',
          detail: `${describeVariable('KUBERNETES_SERVICE_HOST', k8sHost!)} (an AKS API server name)`,
        },
      ]);
    else if (c.has('azure-vm'))
      c.add('aks', 'medium', [{ kind: 'fact', name: 'node', detail: 'a Kubernetes pod on an Azure VM node' }]);
  }
  const wiVars = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST'];
  const wiSet = wiVars.filter((n) => isSet(env, n));
  if (
    isSet(env, 'AZURE_FEDERATED_TOKEN_FILE') &&
    isSet(env, 'AZURE_AUTHORITY_HOST') &&
    (c.has('kubernetes') || /\/var\/run\/secrets\/azure\/tokens\//.test(env.AZURE_FEDERATED_TOKEN_FILE!))
  ) {
    c.add('aks', c.has('kubernetes') ? 'high' : 'medium', [
      ...envEvidence(env, wiSet),
      { kind: 'fact', name: 'workload identity', detail: 'the azure-workload-identity webhook injected its variables' },
    ]);
  }

  // ---- App Service / Functions ----
  if (isSet(env, 'WEBSITE_SITE_NAME')) {
    const strong =
      isSet(env, 'WEBSITE_INSTANCE_ID') ||
      isSet(env, 'WEBSITE_HOSTNAME') ||
      isSet(env, 'WEBSITE_RESOURCE_GROUP') ||
      isSet(env, 'WEBSITE_OWNER_NAME');
    const ev = envEvidence(env, [
      'WEBSITE_SITE_NAME',
      'WEBSITE_INSTANCE_ID',
      'WEBSITE_HOSTNAME',
      'WEBSITE_RESOURCE_GROUP',
      'WEBSITE_SKU',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'MSI_ENDPOINT',
    ]);
    if (isSet(env, 'FUNCTIONS_WORKER_RUNTIME') || isSet(env, 'FUNCTIONS_EXTENSION_VERSION')) {
      c.add('azure-functions', strong ? 'high' : 'medium', [
        ...ev,
        ...envEvidence(env, ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION']),
      ]);
    } else c.add('app-service', strong ? 'high' : 'medium', ev);
  } else if (
    (isSet(env, 'FUNCTIONS_WORKER_RUNTIME') || isSet(env, 'FUNCTIONS_EXTENSION_VERSION')) &&
    !isSet(env, 'CONTAINER_APP_NAME')
  ) {
    c.add('azure-functions', 'low', [
      ...envEvidence(env, ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'AZURE_FUNCTIONS_ENVIRONMENT']),
      {
        kind: 'fact',
        name: 'WEBSITE_SITE_NAME',
        detail: 'not set: probably the local Functions host (func start), not Azure',
      },
    ]);
  }

  // ---- Container Apps (run on Kubernetes: their KUBERNETES_* variables are not an AKS pod of yours) ----
  if (isSet(env, 'CONTAINER_APP_NAME') || isSet(env, 'CONTAINER_APP_JOB_NAME')) {
    c.add(
      'container-apps',
      'high',
      envEvidence(env, [
        'CONTAINER_APP_NAME',
        'CONTAINER_APP_JOB_NAME',
        'CONTAINER_APP_REVISION',
        'CONTAINER_APP_REPLICA_NAME',
        'CONTAINER_APP_ENV_DNS_SUFFIX',
        'IDENTITY_ENDPOINT',
        'IDENTITY_HEADER',
      ]),
    );
    if (isSet(env, 'FUNCTIONS_WORKER_RUNTIME'))
      c.add('azure-functions', 'medium', envEvidence(env, ['FUNCTIONS_WORKER_RUNTIME']));
    c.remove('kubernetes');
    c.remove('aks');
  }

  // ---- Container Instances: hostnames "SandboxHost-<digits>" ----
  const hostname = env.HOSTNAME ?? (platform === 'linux' ? fsx.readLine('/etc/hostname') : null) ?? '';
  if (/^sandboxhost-?\d+$/i.test(hostname.trim())) {
    c.add('container-instances', 'medium', [
      {
        kind: env.HOSTNAME ? 'env' : 'file',
        name: env.HOSTNAME ? 'HOSTNAME' : '/etc/hostname',
        detail: `${clip(hostname, 60)} (Container Instances names hosts SandboxHost-<n>)`,
      },
    ]);
  }

  // ---- Cloud Shell ----
  const cloudShellHost = /cloud-shell/i.test(env.AZUREPS_HOST_ENVIRONMENT ?? '');
  if (cloudShellHost || isSet(env, 'ACC_CLOUD') || isSet(env, 'ACC_TERM_ID')) {
    const strong = cloudShellHost && isSet(env, 'MSI_ENDPOINT');
    c.add(
      'cloud-shell',
      strong || (cloudShellHost && isSet(env, 'ACC_CLOUD')) ? 'high' : 'medium',
      envEvidence(env, ['AZUREPS_HOST_ENVIRONMENT', 'ACC_CLOUD', 'ACC_TERM_ID', 'MSI_ENDPOINT']),
    );
  }

  // ---- Azure Arc ----
  const himdsWin =
    platform === 'win32'
      ? `${env.ProgramFiles ?? env.PROGRAMFILES ?? 'C:\\Program Files'}\\AzureConnectedMachineAgent\\himds.exe`
      : null;
  const himds = platform === 'win32' ? fsx.info(himdsWin!) : fsx.info(ARC_HIMDS_LINUX);
  const arcTokens =
    platform === 'win32'
      ? fsx.info(`${env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'}\\AzureConnectedMachineAgent\\Tokens`)
      : fsx.info(ARC_TOKENS_LINUX);
  const arcEnv = isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IMDS_ENDPOINT');
  if (himds.exists || arcEnv) {
    const ev: Evidence[] = [];
    if (himds.exists)
      ev.push({
        kind: 'file',
        name: platform === 'win32' ? himdsWin! : ARC_HIMDS_LINUX,
        detail: 'Azure Connected Machine agent (himds) installed',
      });
    if (arcTokens.isDirectory)
      ev.push({
        kind: 'file',
        name: platform === 'win32' ? 'AzureConnectedMachineAgent\\Tokens' : ARC_TOKENS_LINUX,
        detail: 'key-file directory exists',
      });
    ev.push(...envEvidence(env, arcEnv ? ['IDENTITY_ENDPOINT', 'IMDS_ENDPOINT'] : []));
    c.add('azure-arc', himds.exists && (arcEnv || arcTokens.isDirectory) ? 'high' : 'medium', ev);
  }

  // ---- Azure ML ----
  const amlVars = Object.keys(env)
    .filter((k) => k.startsWith('AZUREML_'))
    .sort()
    .slice(0, 5);
  if (amlVars.length > 0 || (isSet(env, 'MSI_ENDPOINT') && isSet(env, 'MSI_SECRET'))) {
    const strong = amlVars.length > 0 && isSet(env, 'MSI_ENDPOINT') && isSet(env, 'MSI_SECRET');
    c.add(
      'azure-ml',
      strong ? 'high' : 'medium',
      envEvidence(env, [...amlVars, 'MSI_ENDPOINT', 'MSI_SECRET', 'DEFAULT_IDENTITY_CLIENT_ID']),
    );
  }

  // ---- Service Fabric ----
  const fabricVars = Object.keys(env)
    .filter((k) => k.startsWith('Fabric_'))
    .sort()
    .slice(0, 4);
  if (isSet(env, 'IDENTITY_SERVER_THUMBPRINT') || fabricVars.length > 0) {
    c.add(
      'service-fabric',
      isSet(env, 'IDENTITY_SERVER_THUMBPRINT') && fabricVars.length > 0 ? 'high' : 'medium',
      envEvidence(env, ['IDENTITY_SERVER_THUMBPRINT', ...fabricVars, 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER']),
    );
  }

  // ---- CI ----
  if (env.GITHUB_ACTIONS === 'true' || isSet(env, 'ACTIONS_ID_TOKEN_REQUEST_URL')) {
    c.add(
      'github-actions',
      env.GITHUB_ACTIONS === 'true' ? 'high' : 'medium',
      envEvidence(env, [
        'GITHUB_ACTIONS',
        'GITHUB_REPOSITORY',
        'GITHUB_WORKFLOW',
        'RUNNER_ENVIRONMENT',
        'ACTIONS_ID_TOKEN_REQUEST_URL',
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      ]),
    );
  }
  if (/^true$/i.test(env.TF_BUILD ?? '') || isSet(env, 'SYSTEM_OIDCREQUESTURI')) {
    c.add(
      'azure-pipelines',
      /^true$/i.test(env.TF_BUILD ?? '') ? 'high' : 'medium',
      envEvidence(env, [
        'TF_BUILD',
        'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI',
        'SYSTEM_TEAMPROJECT',
        'AGENT_NAME',
        'SYSTEM_OIDCREQUESTURI',
        'SYSTEM_ACCESSTOKEN',
      ]),
    );
  }

  // ---- Codespaces / dev containers ----
  if (env.CODESPACES === 'true' || isSet(env, 'CODESPACE_NAME'))
    c.add(
      'codespaces',
      env.CODESPACES === 'true' ? 'high' : 'medium',
      envEvidence(env, ['CODESPACES', 'CODESPACE_NAME']),
    );
  if (env.REMOTE_CONTAINERS === 'true' || isSet(env, 'REMOTE_CONTAINERS_IPC') || isSet(env, 'DEVCONTAINER')) {
    c.add('dev-container', 'high', envEvidence(env, ['REMOTE_CONTAINERS', 'REMOTE_CONTAINERS_IPC', 'DEVCONTAINER']));
  }

  // ---- WSL / Docker Desktop ----
  const pv = procVersion ?? '';
  const wslKernel = /microsoft/i.test(pv);
  if (isSet(env, 'WSL_DISTRO_NAME') || isSet(env, 'WSL_INTEROP') || (wslKernel && !inContainer)) {
    const ev = envEvidence(env, ['WSL_DISTRO_NAME', 'WSL_INTEROP']);
    if (wslKernel)
      ev.push({ kind: 'file', name: '/proc/version', detail: `kernel built by Microsoft: ${clip(pv, 80)}` });
    c.add('wsl', isSet(env, 'WSL_DISTRO_NAME') ? 'high' : 'medium', ev);
  }
  if (inContainer && (/linuxkit/i.test(pv) || wslKernel)) {
    c.add('docker-desktop', /linuxkit/i.test(pv) ? 'medium' : 'low', [
      {
        kind: 'file',
        name: '/proc/version',
        detail: `${/linuxkit/i.test(pv) ? 'LinuxKit kernel (Docker Desktop VM)' : 'WSL 2 kernel under a container'}: ${clip(pv, 80)}`,
      },
    ]);
  }

  // ---- Plain developer machine ----
  const hosting: HostingEnvironment[] = [
    'azure-vm',
    'aks',
    'kubernetes',
    'app-service',
    'azure-functions',
    'container-apps',
    'container-instances',
    'cloud-shell',
    'azure-arc',
    'azure-ml',
    'service-fabric',
    'github-actions',
    'azure-pipelines',
    'codespaces',
  ];
  const hostingFound = hosting.filter(
    (h) => c.has(h) && !(h === 'azure-functions' && c.findings.get(h)!.confidence === 'low'),
  );
  if (hostingFound.length === 0) {
    const ev: Evidence[] = [
      { kind: 'fact', name: 'hosting markers', detail: 'no Azure hosting, Kubernetes or CI markers found' },
    ];
    if (smbios === null)
      ev.push({
        kind: 'fact',
        name: 'SMBIOS',
        detail: platform === 'linux' || platform === 'win32' ? 'not readable' : `not read on ${platform}`,
      });
    else if (!azureTag)
      ev.push({
        kind: 'fact',
        name: 'SMBIOS',
        detail: `vendor "${clip(smbios.vendor ?? '?', 40)}", not the Azure chassis asset tag`,
      });
    const conf: Confidence =
      platform === 'darwin' || platform === 'win32' || c.has('wsl') || c.has('dev-container')
        ? 'high'
        : smbios !== null
          ? 'medium'
          : 'low';
    c.add('developer-machine', conf, ev);
  }

  const environments = [...c.findings.values()].sort(
    (a, b) => ORDER.indexOf(a.environment) - ORDER.indexOf(b.environment),
  );
  const primaryFinding =
    environments.find((f) => f.confidence !== 'low') ??
    environments.find((f) => f.environment === 'developer-machine') ??
    environments[0]!;
  const managedIdentity = selectManagedIdentitySource(env, platform !== 'darwin' && himds.exists);
  const tools = readTools(env, fsx, input.executables);
  const federatedToken = readFederatedToken(env, fsx, now);
  const osName =
    platform === 'linux' ? 'Linux' : platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform;
  const others = environments
    .filter((f) => f !== primaryFinding && f.environment !== 'developer-machine')
    .map((f) => f.label);
  const summary = `${primaryFinding.label} (${primaryFinding.confidence} confidence) on ${osName}${others.length ? `; also: ${others.join(', ')}` : ''}`;
  return {
    environments,
    primary: primaryFinding.environment,
    summary,
    platform,
    root,
    managedIdentity,
    federatedToken,
    certificate: readCertificate(env, fsx),
    tools,
    at: now,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}

export function hasEnvironment(fp: Fingerprint, e: HostingEnvironment, min: Confidence = 'low'): boolean {
  const f = fp.environments.find((x) => x.environment === e);
  return f !== undefined && RANK[f.confidence] <= RANK[min];
}
