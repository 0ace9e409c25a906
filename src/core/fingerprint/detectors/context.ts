/**
 * What a detector reads and where it writes. Each detector looks for one kind of host and adds what it finds to the
 * collector; detect.ts runs them in a fixed order because some build on earlier findings (AKS on the VM and Kubernetes
 * ones, Container Apps removes the Kubernetes ones, the developer-machine fallback needs all).
 */
import type { Collector, Env } from '../evidence';
import type { LocalFs } from '../localfs';
import type { Smbios } from '../smbios';

/** Container marker files and the kernel: the container, WSL and Docker Desktop checks share them. */
export interface ContainerFacts {
  dockerenv: boolean;
  containerenv: boolean;
  /** The runtime named in /proc/1/cgroup, if any. */
  cgroupRuntime: string | null;
  procVersion: string | null;
  inContainer: boolean;
}

/** The Azure Connected Machine agent: its himds binary and key-file directory (Arc detection and the MI source). */
export interface ArcAgentFacts {
  himdsPath: string;
  installed: boolean;
  tokensName: string;
  tokensDir: boolean;
}

export interface DetectContext {
  env: Env;
  platform: NodeJS.Platform;
  fsx: LocalFs;
  found: Collector;
  smbios: Smbios | null;
  container: ContainerFacts;
  arcAgent: ArcAgentFacts;
}

export type Detector = (ctx: DetectContext) => void;
