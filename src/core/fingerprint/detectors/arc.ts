/**
 * Azure Arc-enabled servers: the Connected Machine agent's himds binary and key-file directory, or the IDENTITY_ENDPOINT
 * + IMDS_ENDPOINT pair it sets. The agent's presence also decides the managed-identity source (see detect.ts).
 */
import { envEvidence, isSet, type Env } from '../evidence';
import type { LocalFs } from '../localfs';
import type { Evidence } from '../types';
import type { ArcAgentFacts, DetectContext } from './context';

export const ARC_HIMDS_LINUX = '/opt/azcmagent/bin/himds';
export const ARC_TOKENS_LINUX = '/var/opt/azcmagent/tokens';

export function readArcAgent(env: Env, fsx: LocalFs, platform: NodeJS.Platform): ArcAgentFacts {
  if (platform === 'win32') {
    const himdsPath = `${env.ProgramFiles ?? env.PROGRAMFILES ?? 'C:\\Program Files'}\\AzureConnectedMachineAgent\\himds.exe`;
    const tokens = `${env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'}\\AzureConnectedMachineAgent\\Tokens`;
    return {
      himdsPath,
      installed: fsx.info(himdsPath).exists,
      tokensName: 'AzureConnectedMachineAgent\\Tokens',
      tokensDir: fsx.info(tokens).isDirectory,
    };
  }
  return {
    himdsPath: ARC_HIMDS_LINUX,
    installed: fsx.info(ARC_HIMDS_LINUX).exists,
    tokensName: ARC_TOKENS_LINUX,
    tokensDir: fsx.info(ARC_TOKENS_LINUX).isDirectory,
  };
}

export function azureArc({ env, arcAgent: agent, found }: DetectContext): void {
  const arcEnv = isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IMDS_ENDPOINT');
  if (!(agent.installed || arcEnv)) return;
  const ev: Evidence[] = [];
  if (agent.installed)
    ev.push({ kind: 'file', name: agent.himdsPath, detail: 'Azure Connected Machine agent (himds) installed' });
  if (agent.tokensDir) ev.push({ kind: 'file', name: agent.tokensName, detail: 'key-file directory exists' });
  ev.push(...envEvidence(env, arcEnv ? ['IDENTITY_ENDPOINT', 'IMDS_ENDPOINT'] : []));
  found.add('azure-arc', agent.installed && (arcEnv || agent.tokensDir) ? 'high' : 'medium', ev);
}
