/**
 * Builds the hosting-environment fingerprint from local facts only: SMBIOS/DMI files, the Windows registry,
 * environment variables, agent files and mounted tokens. No network, no child process (except reg.exe on Windows
 * when no reader is injected), no secret kept: variables that carry secrets are reported as "set".
 *
 * Each kind of host has its detector in detectors/ (the machine itself, Kubernetes, Azure's hosting services, Arc, CI
 * and dev environments); this file runs them in order and adds what the credentials need: the managed-identity source,
 * the developer tools, and the certificate and federated-token files.
 */
import { LocalFs } from './localfs';
import { Collector, RANK, type Env } from './evidence';
import { readSmbios } from './smbios';
import { readCertificate, readFederatedToken } from './credential-files';
import { selectManagedIdentitySource } from './managed-identity-source';
import { readTools } from './dev-tools';
import type { DetectContext, Detector } from './detectors/context';
import { azureVm, container, developerMachine, dockerDesktop, readContainerFacts, wsl } from './detectors/machine';
import { kubernetes, workloadIdentity } from './detectors/kubernetes';
import {
  appService,
  azureMl,
  cloudShell,
  containerApps,
  containerInstances,
  serviceFabric,
} from './detectors/azure-services';
import { azureArc, readArcAgent } from './detectors/arc';
import { ciAndDevEnvironments } from './detectors/ci';
import type { Confidence, EnvironmentFinding, Fingerprint, FingerprintInput, HostingEnvironment } from './types';

// The names this module has always exported.
export { describeVariable, LABELS } from './evidence';
export { AZURE_CHASSIS_ASSET_TAG, registryWindowsFacts } from './smbios';
export { WORKLOAD_IDENTITY_AUDIENCE } from './credential-files';
export { selectManagedIdentitySource } from './managed-identity-source';
export { SERVICE_ACCOUNT_DIR } from './detectors/kubernetes';
export { ARC_HIMDS_LINUX, ARC_TOKENS_LINUX } from './detectors/arc';

/**
 * In this order: AKS needs the VM and Kubernetes findings before it, Container Apps removes the Kubernetes ones it
 * runs on, and the developer-machine fallback needs every other finding.
 */
const DETECTORS: readonly Detector[] = [
  azureVm,
  container,
  kubernetes,
  workloadIdentity,
  appService,
  containerApps,
  containerInstances,
  cloudShell,
  azureArc,
  azureMl,
  serviceFabric,
  ciAndDevEnvironments,
  wsl,
  dockerDesktop,
  developerMachine,
];

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

/** The first finding that is more than a guess (else the developer machine), and one line that names it. */
function primaryAndSummary(
  environments: EnvironmentFinding[],
  platform: NodeJS.Platform,
): { primary: EnvironmentFinding; summary: string } {
  const primary =
    environments.find((f) => f.confidence !== 'low') ??
    environments.find((f) => f.environment === 'developer-machine') ??
    environments[0]!;
  const osName =
    platform === 'linux' ? 'Linux' : platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform;
  const others = environments.filter((f) => f !== primary && f.environment !== 'developer-machine').map((f) => f.label);
  const summary = `${primary.label} (${primary.confidence} confidence) on ${osName}${others.length ? `; also: ${others.join(', ')}` : ''}`;
  return { primary, summary };
}

/** Reads every local fact and returns the fingerprint. Synchronous and bounded: a few small file reads. */
export function fingerprint(input: FingerprintInput = {}): Fingerprint {
  const started = performance.now();
  const env: Env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const root = input.root ?? '/';
  const now = (input.now ?? Date.now)();
  const fsx = new LocalFs(root, platform);
  const ctx: DetectContext = {
    env,
    platform,
    fsx,
    found: new Collector(),
    smbios: readSmbios(fsx, platform, input.windowsFacts),
    container: readContainerFacts(fsx, platform),
    arcAgent: readArcAgent(env, fsx, platform),
  };
  for (const detect of DETECTORS) detect(ctx);

  const environments = [...ctx.found.findings.values()].sort(
    (a, b) => ORDER.indexOf(a.environment) - ORDER.indexOf(b.environment),
  );
  const { primary, summary } = primaryAndSummary(environments, platform);
  const managedIdentity = selectManagedIdentitySource(env, platform !== 'darwin' && ctx.arcAgent.installed);
  const tools = readTools(env, fsx, input.executables);
  const federatedToken = readFederatedToken(env, fsx, now);
  return {
    environments,
    primary: primary.environment,
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
