/**
 * How a local fact becomes evidence a person reads: clipped to one safe line, secrets reported only as "set", and
 * collected per environment (the strongest confidence wins, each piece of evidence once).
 */
import type { Confidence, EnvironmentFinding, Evidence, HostingEnvironment } from './types';

export type Env = Readonly<Record<string, string | undefined>>;

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

export const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** Variables whose values may be shown (identifiers and endpoints); everything else is reported as "set". */
const SHOWABLE =
  /^(AZURE_CLIENT_ID|AZURE_TENANT_ID|AZURE_AUTHORITY_HOST|AZURE_FEDERATED_TOKEN_FILE|AZURE_TOKEN_CREDENTIALS|AZURE_POD_IDENTITY_AUTHORITY_HOST|IDENTITY_ENDPOINT|IMDS_ENDPOINT|MSI_ENDPOINT|KUBERNETES_SERVICE_HOST|WEBSITE_SITE_NAME|WEBSITE_HOSTNAME|WEBSITE_SKU|FUNCTIONS_WORKER_RUNTIME|FUNCTIONS_EXTENSION_VERSION|CONTAINER_APP_NAME|CONTAINER_APP_JOB_NAME|CONTAINER_APP_REVISION|AZUREPS_HOST_ENVIRONMENT|ACC_CLOUD|GITHUB_ACTIONS|GITHUB_REPOSITORY|GITHUB_REF|GITHUB_WORKFLOW|RUNNER_ENVIRONMENT|RUNNER_OS|TF_BUILD|SYSTEM_TEAMFOUNDATIONCOLLECTIONURI|SYSTEM_TEAMPROJECT|BUILD_REPOSITORY_NAME|AGENT_NAME|CODESPACES|CODESPACE_NAME|REMOTE_CONTAINERS|WSL_DISTRO_NAME|HOSTNAME|DEFAULT_IDENTITY_CLIENT_ID|Fabric_ApplicationName|Fabric_NodeName|Fabric_ServiceName|AZURESUBSCRIPTION_CLIENT_ID|AZURESUBSCRIPTION_TENANT_ID|AZURESUBSCRIPTION_SERVICE_CONNECTION_ID|SYSTEM_OIDCREQUESTURI|ACTIONS_ID_TOKEN_REQUEST_URL|AZUREML_[A-Z_]*)$/;

export function clip(s: string, n = 120): string {
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

export class Collector {
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

/** One piece of evidence per variable that is present (even empty), its value shown only when it is not a secret. */
export function envEvidence(env: Env, names: string[]): Evidence[] {
  const out: Evidence[] = [];
  for (const n of names) {
    const v = env[n];
    if (v !== undefined) out.push({ kind: 'env', name: clip(n, 80), detail: describeVariable(n, v) });
  }
  return out;
}

export function isSet(env: Env, name: string): boolean {
  const v = env[name];
  return v !== undefined && v.trim() !== '';
}
