/**
 * The machine's SMBIOS identity (vendor, product, chassis asset tag): /sys/class/dmi/id on Linux, the registry's BIOS
 * key on Windows (or an injected reader), nothing elsewhere. The asset tag is what tells an Azure VM from any Hyper-V VM.
 */
import { execFileSync } from 'node:child_process';
import { clip } from './evidence';
import type { LocalFs } from './localfs';
import type { Evidence, WindowsFactsReader, WindowsSmbiosFacts } from './types';

/** The chassis asset tag every Azure VM carries in SMBIOS (Hyper-V VMs elsewhere do not). */
export const AZURE_CHASSIS_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';

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

export interface Smbios {
  vendor: string | null;
  product: string | null;
  assetTag: string | null;
  where: string;
  evidence: Evidence[];
}

function windowsSmbios(windowsFacts: WindowsFactsReader | undefined): Smbios | null {
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

export function readSmbios(
  fsx: LocalFs,
  platform: NodeJS.Platform,
  windowsFacts: WindowsFactsReader | undefined,
): Smbios | null {
  if (platform === 'win32') return windowsSmbios(windowsFacts);
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
