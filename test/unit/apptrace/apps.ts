/**
 * The real SDKs as a user's app runs them, against the sandbox: @azure/identity (the test tier's release) and
 * Debian's Python azure-identity, each in a scratch HOME with an az that is installed but not logged in.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO, type Sandbox } from '../../../src/sandbox/index';
import { tempDir } from '../engine/helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { appEnv } = require('../../fixtures/apptrace/app-env.cjs') as { appEnv: (home: string, sb: Sandbox) => Env };

export const FIXTURES = path.resolve(__dirname, '../../fixtures/apptrace');
export const JS_APP = path.join(FIXTURES, 'app.mjs');
export const PY_APP = path.join(FIXTURES, 'app.py');
/** Debian's python3 (python3-azure lives there); a pyenv python3 first on PATH would not have it. */
export const PYTHON = '/usr/bin/python3';

export type Env = Record<string, string>;

/** What every scenario shares: trust for the sandbox, its authority, an az with an empty config, no pwsh/azd. */
export function baseEnv(sb: Sandbox): Env {
  return appEnv(tempDir('azauth-apptrace-home-'), sb);
}

export interface Scenario {
  name: string;
  env: (sb: Sandbox, dir: string) => Promise<Env> | Env;
}

async function federatedTokenFile(sb: Sandbox, dir: string, subject: string): Promise<string> {
  const file = path.join(dir, `token-${subject.replace(/\W/g, '_')}`);
  writeFileSync(file, await sb.issueFederatedToken({ subject, audience: 'api://AzureADTokenExchange' }));
  return file;
}

/** Scenarios both languages run (each language's app reports what it saw; the trace must agree). */
export const COMMON_SCENARIOS: Scenario[] = [
  {
    name: 'environment: client secret, right',
    env: (sb) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
    }),
  },
  {
    name: 'environment: client secret, wrong (AADSTS7000215)',
    env: (sb) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: 'not-the-secret-at-all',
    }),
  },
  {
    name: 'environment: expired client secret',
    env: (sb) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: DEMO.expiredSecret,
    }),
  },
  {
    name: 'environment: client certificate',
    env: (sb) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_CERTIFICATE_PATH: sb.contract.apps[0]!.certificateFile!,
    }),
  },
  {
    name: 'managed identity: App Service',
    env: (sb) => ({ IDENTITY_ENDPOINT: sb.urls.appService.endpoint, IDENTITY_HEADER: sb.urls.appService.header }),
  },
  {
    name: 'managed identity: App Service, wrong header',
    env: (sb) => ({ IDENTITY_ENDPOINT: sb.urls.appService.endpoint, IDENTITY_HEADER: 'wrong-header-value' }),
  },
  {
    name: 'managed identity: IMDS (pod identity host)',
    env: (sb) => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: sb.urls.imds }),
  },
  {
    name: 'workload identity',
    env: async (sb, dir) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.workloadClientId,
      AZURE_FEDERATED_TOKEN_FILE: await federatedTokenFile(sb, dir, DEMO.workloadSubject),
    }),
  },
  {
    name: 'workload identity: subject without a federated credential',
    env: async (sb, dir) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.workloadClientId,
      AZURE_FEDERATED_TOKEN_FILE: await federatedTokenFile(sb, dir, 'system:serviceaccount:other:nobody'),
    }),
  },
  { name: 'nothing configured, az installed but not logged in: the chain fails entirely', env: () => ({}) },
  {
    name: 'two tokens from one credential (environment secret)',
    env: (sb) => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.confidentialClientId,
      AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
      APP_TOKENS: '2',
    }),
  },
];

/** The one APP-RESULT line the app printed. */
export function appResult<T>(stdout: string): T {
  const line = stdout.split('\n').find((l) => l.startsWith('APP-RESULT '));
  if (!line) throw new Error(`the app printed no APP-RESULT line:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('APP-RESULT '.length)) as T;
}
