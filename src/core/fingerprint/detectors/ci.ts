/**
 * CI jobs and cloud dev environments, known by the variables their runners set: GitHub Actions, Azure Pipelines,
 * Codespaces, dev containers. Each is a row: when it is present, when it is certain, and which variables to show.
 */
import { envEvidence, isSet, type Env } from '../evidence';
import type { HostingEnvironment } from '../types';
import type { DetectContext } from './context';

interface EnvSignature {
  environment: HostingEnvironment;
  present(env: Env): boolean;
  /** High confidence when true, else medium. */
  certain(env: Env): boolean;
  shown: string[];
}

const isTrue = (v: string | undefined) => /^true$/i.test(v ?? '');

const SIGNATURES: EnvSignature[] = [
  {
    environment: 'github-actions',
    present: (env) => env.GITHUB_ACTIONS === 'true' || isSet(env, 'ACTIONS_ID_TOKEN_REQUEST_URL'),
    certain: (env) => env.GITHUB_ACTIONS === 'true',
    shown: [
      'GITHUB_ACTIONS',
      'GITHUB_REPOSITORY',
      'GITHUB_WORKFLOW',
      'RUNNER_ENVIRONMENT',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    ],
  },
  {
    environment: 'azure-pipelines',
    present: (env) => isTrue(env.TF_BUILD) || isSet(env, 'SYSTEM_OIDCREQUESTURI'),
    certain: (env) => isTrue(env.TF_BUILD),
    shown: [
      'TF_BUILD',
      'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI',
      'SYSTEM_TEAMPROJECT',
      'AGENT_NAME',
      'SYSTEM_OIDCREQUESTURI',
      'SYSTEM_ACCESSTOKEN',
    ],
  },
  {
    environment: 'codespaces',
    present: (env) => env.CODESPACES === 'true' || isSet(env, 'CODESPACE_NAME'),
    certain: (env) => env.CODESPACES === 'true',
    shown: ['CODESPACES', 'CODESPACE_NAME'],
  },
  {
    environment: 'dev-container',
    present: (env) =>
      env.REMOTE_CONTAINERS === 'true' || isSet(env, 'REMOTE_CONTAINERS_IPC') || isSet(env, 'DEVCONTAINER'),
    certain: () => true,
    shown: ['REMOTE_CONTAINERS', 'REMOTE_CONTAINERS_IPC', 'DEVCONTAINER'],
  },
];

export function ciAndDevEnvironments({ env, found }: DetectContext): void {
  for (const s of SIGNATURES)
    if (s.present(env)) found.add(s.environment, s.certain(env) ? 'high' : 'medium', envEvidence(env, s.shown));
}
