/**
 * What the machine itself shows: SMBIOS and the Azure Linux agent (an Azure VM, or Hyper-V elsewhere), container
 * marker files and cgroups, the kernel (WSL, Docker Desktop), and — when nothing hosts us — a developer machine.
 */
import { clip, envEvidence, isSet } from '../evidence';
import type { LocalFs } from '../localfs';
import { AZURE_CHASSIS_ASSET_TAG } from '../smbios';
import type { Confidence, Evidence, HostingEnvironment } from '../types';
import type { ContainerFacts, DetectContext } from './context';

const CONTAINER_RUNTIME = /(docker|containerd|kubepods|libpod|crio)/;

export function readContainerFacts(fsx: LocalFs, platform: NodeJS.Platform): ContainerFacts {
  const dockerenv = fsx.exists('/.dockerenv');
  const containerenv = fsx.exists('/run/.containerenv');
  const cgroup = platform === 'linux' ? fsx.readText('/proc/1/cgroup', 16 * 1024) : null;
  const cgroupRuntime = cgroup !== null ? (CONTAINER_RUNTIME.exec(cgroup)?.[0] ?? null) : null;
  const procVersion = platform === 'linux' ? fsx.readLine('/proc/version') : null;
  return {
    dockerenv,
    containerenv,
    cgroupRuntime,
    procVersion,
    inContainer: dockerenv || containerenv || cgroupRuntime !== null,
  };
}

function waagent(): Evidence {
  return { kind: 'file', name: '/var/lib/waagent', detail: 'Azure Linux agent directory exists' };
}

/** The Azure chassis asset tag is proof; a Microsoft "Virtual Machine" is Azure only with the Azure agent beside it. */
export function azureVm({ smbios, platform, fsx, found }: DetectContext): void {
  const azureTag = smbios?.assetTag === AZURE_CHASSIS_ASSET_TAG;
  const msVm =
    smbios !== null &&
    /microsoft corporation/i.test(smbios.vendor ?? '') &&
    /virtual machine/i.test(smbios.product ?? '');
  if (smbios && azureTag)
    found.add('azure-vm', 'high', [
      ...smbios.evidence,
      { kind: 'fact', name: 'chassis asset tag', detail: 'matches the tag every Azure VM carries' },
    ]);
  else if (msVm) {
    if (platform === 'linux' && fsx.info('/var/lib/waagent').isDirectory)
      found.add('azure-vm', 'medium', [...smbios!.evidence, waagent()]);
    else
      found.add('hyper-v-vm', 'medium', [
        ...smbios!.evidence,
        {
          kind: 'fact',
          name: 'chassis asset tag',
          detail: 'not the Azure tag: a Hyper-V VM outside Azure (or facts are hidden)',
        },
      ]);
  } else if (platform === 'linux' && fsx.info('/var/lib/waagent').isDirectory) {
    found.add('azure-vm', 'low', [waagent()]);
  }
}

export function container({ container: c, found }: DetectContext): void {
  if (!c.inContainer) return;
  const ev: Evidence[] = [];
  if (c.dockerenv)
    ev.push({ kind: 'file', name: '/.dockerenv', detail: 'exists (Docker creates it in every container)' });
  if (c.containerenv) ev.push({ kind: 'file', name: '/run/.containerenv', detail: 'exists (Podman)' });
  if (c.cgroupRuntime !== null)
    ev.push({ kind: 'file', name: '/proc/1/cgroup', detail: clip(c.cgroupRuntime) + ' in the cgroup path' });
  found.add('container', c.dockerenv || c.containerenv ? 'high' : 'medium', ev);
}

export function wsl({ env, container: c, found }: DetectContext): void {
  const pv = c.procVersion ?? '';
  const wslKernel = /microsoft/i.test(pv);
  if (!(isSet(env, 'WSL_DISTRO_NAME') || isSet(env, 'WSL_INTEROP') || (wslKernel && !c.inContainer))) return;
  const ev = envEvidence(env, ['WSL_DISTRO_NAME', 'WSL_INTEROP']);
  if (wslKernel) ev.push({ kind: 'file', name: '/proc/version', detail: `kernel built by Microsoft: ${clip(pv, 80)}` });
  found.add('wsl', isSet(env, 'WSL_DISTRO_NAME') ? 'high' : 'medium', ev);
}

/** A container under Docker Desktop's LinuxKit VM, or under the WSL 2 kernel. */
export function dockerDesktop({ container: c, found }: DetectContext): void {
  const pv = c.procVersion ?? '';
  const wslKernel = /microsoft/i.test(pv);
  if (!(c.inContainer && (/linuxkit/i.test(pv) || wslKernel))) return;
  found.add('docker-desktop', /linuxkit/i.test(pv) ? 'medium' : 'low', [
    {
      kind: 'file',
      name: '/proc/version',
      detail: `${/linuxkit/i.test(pv) ? 'LinuxKit kernel (Docker Desktop VM)' : 'WSL 2 kernel under a container'}: ${clip(pv, 80)}`,
    },
  ]);
}

/** Hosts that make this something other than a developer's own machine (a local Functions host does not). */
const HOSTING: HostingEnvironment[] = [
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

/** The fallback when no hosting was found; runs last. */
export function developerMachine({ smbios, platform, found }: DetectContext): void {
  const hostingFound = HOSTING.filter(
    (h) => found.has(h) && !(h === 'azure-functions' && found.findings.get(h)!.confidence === 'low'),
  );
  if (hostingFound.length > 0) return;
  const ev: Evidence[] = [
    { kind: 'fact', name: 'hosting markers', detail: 'no Azure hosting, Kubernetes or CI markers found' },
  ];
  if (smbios === null)
    ev.push({
      kind: 'fact',
      name: 'SMBIOS',
      detail: platform === 'linux' || platform === 'win32' ? 'not readable' : `not read on ${platform}`,
    });
  else if (smbios.assetTag !== AZURE_CHASSIS_ASSET_TAG)
    ev.push({
      kind: 'fact',
      name: 'SMBIOS',
      detail: `vendor "${clip(smbios.vendor ?? '?', 40)}", not the Azure chassis asset tag`,
    });
  const conf: Confidence =
    platform === 'darwin' || platform === 'win32' || found.has('wsl') || found.has('dev-container')
      ? 'high'
      : smbios !== null
        ? 'medium'
        : 'low';
  found.add('developer-machine', conf, ev);
}
