/**
 * The sandbox's defaults: the demo fixtures (ids, secrets, passwords) and the zero-setup configuration, as data.
 *
 * All demo secrets and passwords below are sandbox fixtures, not secrets: they only open this local emulator.
 */
import type { SandboxConfig } from './config';

/** The managed-identity hosting sources, each on a listener of its own. */
export const MI_SOURCES = ['imds', 'appService', 'cloudShell', 'arc', 'serviceFabric', 'azureMl'] as const;

/** Endpoint names a fault can target ('*' for all). */
export const FAULT_ENDPOINTS = [
  '*',
  'openid-configuration',
  'instance-discovery',
  'jwks',
  'token',
  'token-v1',
  'devicecode',
  'authorize',
  'devicelogin',
  'userrealm',
  'arm',
  'external-issuer',
  ...MI_SOURCES,
] as const;

export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const DEFAULT_TENANT_ID = '5b0f1a2c-3d4e-4f60-8a7b-9c0d1e2f3a4b';
export const OTHER_TENANT_ID = '0e9d8c7b-6a59-4483-9271-605f4e3d2c1b';
export const DEMO: Readonly<
  Record<
    | 'confidentialClientId'
    | 'confidentialSecret'
    | 'expiredSecret'
    | 'publicClientId'
    | 'workloadClientId'
    | 'workloadSubject'
    | 'consentClientId'
    | 'apiClientId'
    | 'apiSecret'
    | 'password'
    | 'mfaCode'
    | 'subscriptionId'
    | 'systemAssignedClientId'
    | 'systemAssignedObjectId'
    | 'uamiOneClientId'
    | 'uamiOneObjectId'
    | 'uamiTwoClientId'
    | 'uamiTwoObjectId',
    string
  >
> = {
  confidentialClientId: 'c0ffee00-0000-4000-8000-000000000001',
  confidentialSecret: 'sandbox-secret-value-1',
  expiredSecret: 'sandbox-expired-secret',
  publicClientId: 'c0ffee00-0000-4000-8000-000000000002',
  workloadClientId: 'c0ffee00-0000-4000-8000-000000000003',
  workloadSubject: 'system:serviceaccount:default:workload-sa',
  consentClientId: 'c0ffee00-0000-4000-8000-000000000004',
  apiClientId: 'c0ffee00-0000-4000-8000-000000000005',
  apiSecret: 'sandbox-api-secret',
  password: 'Sandbox-Passw0rd!',
  mfaCode: '123456',
  subscriptionId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  systemAssignedClientId: '5ea1f0e0-1111-4222-8333-444455556666',
  systemAssignedObjectId: '5ea1f0e0-aaaa-4bbb-8ccc-ddddeeeeffff',
  uamiOneClientId: '0a11ce00-1111-4111-8111-111111111111',
  uamiOneObjectId: '0a11ce00-2222-4222-8222-222222222222',
  uamiTwoClientId: '0b0b0000-1111-4111-8111-111111111111',
  uamiTwoObjectId: '0b0b0000-2222-4222-8222-222222222222',
};

const RG = `/subscriptions/${DEMO.subscriptionId}/resourcegroups/sandbox-rg`;

/** The zero-setup world, as data: every field of the configuration with its default value. */
const DEFAULTS: SandboxConfig = {
  tenants: [
    { id: DEFAULT_TENANT_ID, domain: 'sandbox.onmicrosoft.com', displayName: 'Sandbox Tenant' },
    { id: OTHER_TENANT_ID, domain: 'contoso-other.onmicrosoft.com', displayName: 'Other Tenant' },
  ],
  apps: [
    {
      clientId: DEMO.confidentialClientId,
      displayName: 'Sandbox Confidential App',
      kind: 'confidential',
      secrets: [{ value: DEMO.confidentialSecret }, { value: DEMO.expiredSecret, expiresAt: '2020-01-01T00:00:00Z' }],
      certificates: [{ generated: 'default' }],
      redirectUris: ['http://localhost', 'https://localhost/callback'],
      roles: ['Sandbox.Read.All'],
    },
    {
      clientId: DEMO.publicClientId,
      displayName: 'Sandbox Public App',
      kind: 'public',
      redirectUris: ['http://localhost'],
    },
    {
      clientId: AZURE_CLI_CLIENT_ID,
      displayName: 'Microsoft Azure CLI',
      kind: 'public',
      multiTenant: true,
      redirectUris: ['http://localhost', 'https://login.microsoftonline.com/common/oauth2/nativeclient'],
    },
    {
      clientId: DEMO.workloadClientId,
      displayName: 'Sandbox Workload App',
      kind: 'confidential',
      federatedCredentials: [
        {
          name: 'aks',
          issuer: '{authorityHost}/external/default',
          subject: DEMO.workloadSubject,
          audiences: ['api://AzureADTokenExchange'],
        },
      ],
    },
    {
      clientId: DEMO.consentClientId,
      displayName: 'Sandbox App Needing Consent',
      kind: 'public',
      consentRequired: true,
      redirectUris: ['http://localhost'],
    },
    {
      clientId: DEMO.apiClientId,
      displayName: 'Sandbox API',
      kind: 'confidential',
      secrets: [{ value: DEMO.apiSecret }],
    },
  ],
  users: [
    {
      username: 'alice@sandbox.onmicrosoft.com',
      password: DEMO.password,
      displayName: 'Alice Sandbox',
      objectId: 'a11ce000-0000-4000-8000-00000000a11c',
    },
    {
      username: 'mfa-bob@sandbox.onmicrosoft.com',
      password: DEMO.password,
      displayName: 'Bob (MFA)',
      objectId: 'b0b00000-0000-4000-8000-000000000b0b',
      mfa: true,
      mfaCode: DEMO.mfaCode,
    },
    {
      username: 'blocked-carol@sandbox.onmicrosoft.com',
      password: DEMO.password,
      displayName: 'Carol (blocked by Conditional Access)',
      objectId: 'ca401000-0000-4000-8000-00000000ca40',
      conditionalAccessBlock: true,
    },
    {
      username: 'dave@contoso-other.onmicrosoft.com',
      password: DEMO.password,
      displayName: 'Dave (other tenant)',
      objectId: 'da4e0000-0000-4000-8000-00000000da4e',
      tenantId: OTHER_TENANT_ID,
    },
  ],
  resources: [
    {
      appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
      displayName: 'Windows Azure Service Management API',
      identifierUris: ['https://management.azure.com/', 'https://management.core.windows.net/'],
      scopes: ['user_impersonation'],
      accessTokenVersion: 1,
    },
    {
      appId: '00000003-0000-0000-c000-000000000000',
      displayName: 'Microsoft Graph',
      identifierUris: ['https://graph.microsoft.com/', 'https://canary.graph.microsoft.com/'],
      scopes: [
        'User.Read',
        'User.Read.All',
        'Mail.Read',
        'Directory.Read.All',
        'email',
        'openid',
        'profile',
        'offline_access',
      ],
      accessTokenVersion: 1,
    },
    {
      appId: '00000002-0000-0000-c000-000000000000',
      displayName: 'Windows Azure Active Directory',
      identifierUris: ['https://graph.windows.net/'],
      scopes: [],
      accessTokenVersion: 1,
    },
    {
      appId: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
      displayName: 'Azure Key Vault',
      identifierUris: ['https://vault.azure.net/'],
      scopes: ['user_impersonation'],
      accessTokenVersion: 1,
    },
    {
      appId: 'e406a681-f3d4-42a8-90b6-c2b029497af1',
      displayName: 'Azure Storage',
      identifierUris: ['https://storage.azure.com/'],
      scopes: ['user_impersonation'],
      accessTokenVersion: 1,
    },
    {
      appId: '022907d3-0f1b-48f7-badc-1ba6abab6d66',
      displayName: 'Azure SQL Database',
      identifierUris: ['https://database.windows.net/'],
      scopes: ['user_impersonation'],
      accessTokenVersion: 1,
    },
    {
      appId: DEMO.apiClientId,
      displayName: 'Sandbox API',
      identifierUris: ['api://sandbox-api', `api://${DEMO.apiClientId}`],
      scopes: ['access_as_user'],
      accessTokenVersion: 2,
    },
  ],
  managedIdentity: {
    systemAssigned: {
      clientId: DEMO.systemAssignedClientId,
      objectId: DEMO.systemAssignedObjectId,
      resourceId: `${RG}/providers/Microsoft.Compute/virtualMachines/sandbox-vm`,
    },
    userAssigned: [
      {
        name: 'uami-one',
        clientId: DEMO.uamiOneClientId,
        objectId: DEMO.uamiOneObjectId,
        resourceId: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-one`,
      },
      {
        name: 'uami-two',
        clientId: DEMO.uamiTwoClientId,
        objectId: DEMO.uamiTwoObjectId,
        resourceId: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-two`,
      },
    ],
    imds: { enabled: true, systemAssigned: true, userAssigned: [DEMO.uamiOneClientId, DEMO.uamiTwoClientId] },
    appService: {
      enabled: true,
      systemAssigned: true,
      userAssigned: [DEMO.uamiOneClientId],
      identityHeader: 'sandbox-identity-header',
    },
    cloudShell: { enabled: true, username: 'alice@sandbox.onmicrosoft.com' },
    arc: { enabled: true, systemAssigned: true, userAssigned: [] },
    serviceFabric: { enabled: true, systemAssigned: true, userAssigned: [], secret: 'sandbox-service-fabric-secret' },
    azureMl: {
      enabled: true,
      systemAssigned: false,
      userAssigned: [DEMO.uamiOneClientId],
      secret: 'sandbox-azure-ml-secret',
    },
  },
  externalIssuers: ['default', 'github', 'azure-pipelines'],
  subscriptions: [{ id: DEMO.subscriptionId, displayName: 'Sandbox Subscription', tenantId: DEFAULT_TENANT_ID }],
  tokenLifetimeSec: 3599,
  managedIdentityTokenLifetimeSec: 86399,
  refreshTokenLifetimeSec: 90 * 24 * 3600,
  refreshTokenSingleUse: false,
  authCodeLifetimeSec: 600,
  deviceCode: { expiresInSec: 900, intervalSec: 5 },
  clockOffsetSec: 0,
  assertionClockSkewSec: 300,
  maxBodyBytes: 1024 * 1024,
  faults: [],
};

/** A fresh copy of the defaults (callers may change it). */
export function defaultSandboxConfig(): SandboxConfig {
  return structuredClone(DEFAULTS);
}
