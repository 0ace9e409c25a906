/**
 * The sandbox's one configuration document: tenants, apps, users, resources, managed identities, lifetimes, clock
 * offset and faults. `defaultSandboxConfig()` is the zero-setup world; `validateSandboxConfig()` checks a JSON
 * document, fills in defaults and names every bad field by its path (`apps[1].certificates[0].pem: …`).
 *
 * All demo secrets and passwords below are sandbox fixtures, not secrets: they only open this local emulator.
 */
import { tryParseCertificate } from './pki';

export type AppKind = 'confidential' | 'public';

export interface TenantConfig {
  id: string;
  /** Verified domain, e.g. `sandbox.onmicrosoft.com`; usable in place of the id in URLs. */
  domain: string;
  displayName: string;
}

export interface SecretConfig {
  value: string;
  /** ISO date; after it the secret answers AADSTS7000222. */
  expiresAt?: string;
}

export interface CertificateConfig {
  /** A PEM certificate (public part) registered on the app. */
  pem?: string;
  /** A certificate the sandbox generates at start: `default` (written to certificateFile) or `unregistered`. */
  generated?: 'default';
}

export interface FederatedCredentialConfig {
  name?: string;
  /** Issuer URL; `{authorityHost}` is replaced by the sandbox's https://127.0.0.1:PORT. */
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface AppConfig {
  clientId: string;
  displayName: string;
  kind: AppKind;
  /** Home tenant (default: the first tenant). */
  tenantId?: string;
  /** Available in every tenant (like the Azure CLI's first-party client). */
  multiTenant?: boolean;
  secrets?: SecretConfig[];
  certificates?: CertificateConfig[];
  federatedCredentials?: FederatedCredentialConfig[];
  redirectUris?: string[];
  /** When true, users must consent (interactive page or device page) before delegated tokens; otherwise AADSTS65001. */
  consentRequired?: boolean;
  /** App roles granted to this app on every resource (the `roles` claim of app-only tokens). */
  roles?: string[];
}

export interface UserConfig {
  username: string;
  password: string;
  displayName: string;
  objectId: string;
  tenantId?: string;
  /** MFA required: password-only flows answer AADSTS50076; the sign-in page asks for `mfaCode`. */
  mfa?: boolean;
  mfaCode?: string;
  /** A Conditional Access policy blocks this user: AADSTS53003. */
  conditionalAccessBlock?: boolean;
}

export interface ResourceConfig {
  appId: string;
  displayName: string;
  /** Identifier URIs (e.g. https://management.azure.com/). Trailing slashes do not matter when matching. */
  identifierUris: string[];
  /** Delegated permission names; empty list = any name is accepted. */
  scopes: string[];
  /** Access token version the resource accepts (1 for Microsoft first-party APIs). */
  accessTokenVersion: 1 | 2;
}

export interface ManagedIdentityRef {
  clientId: string;
  objectId: string;
  resourceId: string;
}

export interface UserAssignedIdentity extends ManagedIdentityRef {
  name?: string;
}

export interface MiSourceConfig {
  enabled: boolean;
  /** This hosting source has the system-assigned identity. */
  systemAssigned: boolean;
  /** Client ids of the user-assigned identities assigned to this source. */
  userAssigned: string[];
}

export interface ManagedIdentityConfig {
  systemAssigned: ManagedIdentityRef;
  userAssigned: UserAssignedIdentity[];
  imds: MiSourceConfig;
  appService: MiSourceConfig & { identityHeader: string };
  /** Cloud Shell hands out the signed-in user's tokens. */
  cloudShell: { enabled: boolean; username: string };
  arc: MiSourceConfig & { keyDirectory?: string };
  serviceFabric: MiSourceConfig & { secret: string };
  azureMl: MiSourceConfig & { secret: string };
}

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
  'imds',
  'appService',
  'cloudShell',
  'arc',
  'serviceFabric',
  'azureMl',
] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

export interface FaultConfig {
  endpoint: FaultEndpoint;
  /** Wait before answering (or before the other fault effects). */
  delayMs?: number;
  /** Never answer (the socket stays open until the client gives up or the sandbox closes). */
  hang?: boolean;
  /** Reset the connection (TCP RST) instead of answering. */
  reset?: boolean;
  /** Answer with this HTTP status (with the endpoint's usual error body unless `body` says otherwise). */
  status?: number;
  /** `malformed` (truncated JSON), `html` (an HTML error page, as proxies send), `empty`, or a literal body. */
  body?: string;
  retryAfterSec?: number;
  /** Apply to the first N matching requests only (default: every request). */
  count?: number;
}

export interface SubscriptionConfig {
  id: string;
  displayName: string;
  tenantId: string;
}

export interface SandboxConfig {
  tenants: TenantConfig[];
  apps: AppConfig[];
  users: UserConfig[];
  resources: ResourceConfig[];
  managedIdentity: ManagedIdentityConfig;
  /** Names of the sandbox-hosted external OIDC issuers ({authorityHost}/external/{name}). */
  externalIssuers: string[];
  subscriptions: SubscriptionConfig[];
  /** Lifetime of access and ID tokens from Entra endpoints. */
  tokenLifetimeSec: number;
  /** Lifetime of managed-identity tokens (Azure: about 24 h). */
  managedIdentityTokenLifetimeSec: number;
  refreshTokenLifetimeSec: number;
  /** When true a refresh token works once (the new one replaces it). Entra itself allows reuse. */
  refreshTokenSingleUse: boolean;
  authCodeLifetimeSec: number;
  deviceCode: { expiresInSec: number; intervalSec: number };
  /** The sandbox's clock runs this many seconds ahead (negative: behind) of the machine's. */
  clockOffsetSec: number;
  /** Tolerance for client assertion nbf/exp. */
  assertionClockSkewSec: number;
  /** Largest request body accepted (413 beyond). */
  maxBodyBytes: number;
  faults: FaultConfig[];
}

export type SandboxConfigInput = Partial<Omit<SandboxConfig, 'managedIdentity' | 'deviceCode'>> & {
  managedIdentity?: Partial<ManagedIdentityConfig>;
  deviceCode?: Partial<SandboxConfig['deviceCode']>;
};

// ------------------------------------------------------------------------------------------------ fixtures

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

export function defaultSandboxConfig(): SandboxConfig {
  return {
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
}

// ------------------------------------------------------------------------------------------------ validation

export interface ConfigError {
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; config: SandboxConfig } | { ok: false; errors: ConfigError[] };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

class Checker {
  readonly errors: ConfigError[] = [];
  fail(path: string, message: string): void {
    if (this.errors.length < 200) this.errors.push({ path, message });
  }
  isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
  object(v: unknown, path: string): Record<string, unknown> | undefined {
    if (!this.isObject(v)) {
      this.fail(path, 'must be an object');
      return undefined;
    }
    return v;
  }
  array(v: unknown, path: string): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.fail(path, 'must be an array');
      return undefined;
    }
    return v;
  }
  string(
    o: Record<string, unknown>,
    key: string,
    path: string,
    opts: { optional?: boolean; pattern?: RegExp; patternName?: string; nonEmpty?: boolean } = {},
  ): string | undefined {
    const v = o[key];
    const p = join(path, key);
    if (v === undefined && opts.optional) return undefined;
    if (typeof v !== 'string') {
      this.fail(p, v === undefined ? 'is required (a string)' : 'must be a string');
      return undefined;
    }
    if ((opts.nonEmpty ?? true) && v.length === 0) {
      this.fail(p, 'must not be empty');
      return undefined;
    }
    if (v.length > 100_000) {
      this.fail(p, 'is too long');
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.fail(p, `must be ${opts.patternName ?? `a string matching ${opts.pattern}`}`);
      return undefined;
    }
    return v;
  }
  bool(o: Record<string, unknown>, key: string, path: string, optional = true): boolean | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'boolean') {
      this.fail(join(path, key), 'must be true or false');
      return undefined;
    }
    return v;
  }
  int(
    o: Record<string, unknown>,
    key: string,
    path: string,
    min: number,
    max: number,
    optional = true,
  ): number | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(join(path, key), `must be an integer from ${min} to ${max}`);
      return undefined;
    }
    return v;
  }
  strings(
    o: Record<string, unknown>,
    key: string,
    path: string,
    optional = true,
    pattern?: RegExp,
    patternName?: string,
  ): string[] | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    const a = this.array(v, join(path, key));
    if (!a) return undefined;
    const out: string[] = [];
    a.forEach((s, i) => {
      if (typeof s !== 'string' || s.length === 0) this.fail(`${join(path, key)}[${i}]`, 'must be a non-empty string');
      else if (pattern && !pattern.test(s)) this.fail(`${join(path, key)}[${i}]`, `must be ${patternName ?? 'valid'}`);
      else out.push(s);
    });
    return out;
  }
  unknownKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        this.fail(path ? `${path}.${k}` : k, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
}

function isAbsoluteUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return Boolean(u.protocol && u.host);
  } catch {
    return false;
  }
}

/**
 * Checks a configuration document (already parsed JSON). Top-level fields replace the defaults' fields; inside
 * `managedIdentity` and `deviceCode` each given field replaces the default one.
 */
export function validateSandboxConfig(json: unknown): ValidationResult {
  const c = new Checker();
  const base = defaultSandboxConfig();
  if (!c.isObject(json))
    return { ok: false, errors: [{ path: '', message: 'the configuration must be a JSON object' }] };
  const topKeys = Object.keys(base) as (keyof SandboxConfig)[];
  c.unknownKeys(json, topKeys, '');
  const cfg: SandboxConfig = { ...base };

  if (json.tenants !== undefined) {
    const a = c.array(json.tenants, 'tenants');
    if (a) {
      if (a.length === 0) c.fail('tenants', 'needs at least one tenant');
      cfg.tenants = [];
      a.forEach((t, i) => {
        const p = `tenants[${i}]`;
        const o = c.object(t, p);
        if (!o) return;
        c.unknownKeys(o, ['id', 'domain', 'displayName'], p);
        const id = c.string(o, 'id', p, { pattern: GUID, patternName: 'a GUID' });
        const domain = c.string(o, 'domain', p, {
          pattern: DOMAIN,
          patternName: 'a domain name such as contoso.onmicrosoft.com',
        });
        const displayName = c.string(o, 'displayName', p, { optional: true }) ?? domain ?? '';
        if (id && domain) cfg.tenants.push({ id: id.toLowerCase(), domain: domain.toLowerCase(), displayName });
      });
    }
  }
  const tenantIds = new Set(cfg.tenants.map((t) => t.id));
  const checkTenantRef = (o: Record<string, unknown>, key: string, p: string): string | undefined => {
    const v = c.string(o, key, p, { optional: true, pattern: GUID, patternName: 'a GUID' });
    if (v && !tenantIds.has(v.toLowerCase())) c.fail(`${p}.${key}`, `names no tenant in tenants[] ("${v}")`);
    return v?.toLowerCase();
  };

  if (json.apps !== undefined) {
    const a = c.array(json.apps, 'apps');
    if (a) {
      cfg.apps = [];
      const seen = new Set<string>();
      a.forEach((app, i) => {
        const p = `apps[${i}]`;
        const o = c.object(app, p);
        if (!o) return;
        c.unknownKeys(
          o,
          [
            'clientId',
            'displayName',
            'kind',
            'tenantId',
            'multiTenant',
            'secrets',
            'certificates',
            'federatedCredentials',
            'redirectUris',
            'consentRequired',
            'roles',
          ],
          p,
        );
        const clientId = c.string(o, 'clientId', p, { pattern: GUID, patternName: 'a GUID' })?.toLowerCase();
        if (clientId && seen.has(clientId)) c.fail(`${p}.clientId`, `duplicates another app's clientId (${clientId})`);
        if (clientId) seen.add(clientId);
        const kind = o.kind === undefined ? 'confidential' : o.kind;
        if (kind !== 'confidential' && kind !== 'public') c.fail(`${p}.kind`, 'must be "confidential" or "public"');
        const out: AppConfig = {
          clientId: clientId ?? '',
          displayName: c.string(o, 'displayName', p, { optional: true }) ?? `App ${i}`,
          kind: kind === 'public' ? 'public' : 'confidential',
          tenantId: checkTenantRef(o, 'tenantId', p),
          multiTenant: c.bool(o, 'multiTenant', p),
          consentRequired: c.bool(o, 'consentRequired', p),
          roles: c.strings(o, 'roles', p),
          redirectUris: c.strings(o, 'redirectUris', p, true),
          secrets: [],
          certificates: [],
          federatedCredentials: [],
        };
        out.redirectUris?.forEach((u, j) => {
          if (!isAbsoluteUrl(u)) c.fail(`${p}.redirectUris[${j}]`, 'must be an absolute URL');
        });
        if (o.secrets !== undefined) {
          c.array(o.secrets, `${p}.secrets`)?.forEach((s, j) => {
            const sp = `${p}.secrets[${j}]`;
            const so = c.object(s, sp);
            if (!so) return;
            c.unknownKeys(so, ['value', 'expiresAt'], sp);
            const value = c.string(so, 'value', sp);
            const expiresAt = c.string(so, 'expiresAt', sp, { optional: true });
            if (expiresAt !== undefined && Number.isNaN(Date.parse(expiresAt)))
              c.fail(`${sp}.expiresAt`, 'must be an ISO date such as 2030-01-01T00:00:00Z');
            if (value) out.secrets!.push(expiresAt ? { value, expiresAt } : { value });
          });
        }
        if (o.certificates !== undefined) {
          c.array(o.certificates, `${p}.certificates`)?.forEach((s, j) => {
            const sp = `${p}.certificates[${j}]`;
            const so = c.object(s, sp);
            if (!so) return;
            c.unknownKeys(so, ['pem', 'generated'], sp);
            if (so.generated !== undefined) {
              if (so.generated !== 'default')
                c.fail(`${sp}.generated`, 'must be "default" (the certificate the sandbox generates)');
              else out.certificates!.push({ generated: 'default' });
              return;
            }
            const pem = c.string(so, 'pem', sp);
            if (pem === undefined) return;
            if (!tryParseCertificate(pem)) c.fail(`${sp}.pem`, 'not a PEM certificate');
            else out.certificates!.push({ pem });
          });
        }
        if (o.federatedCredentials !== undefined) {
          c.array(o.federatedCredentials, `${p}.federatedCredentials`)?.forEach((s, j) => {
            const sp = `${p}.federatedCredentials[${j}]`;
            const so = c.object(s, sp);
            if (!so) return;
            c.unknownKeys(so, ['name', 'issuer', 'subject', 'audiences'], sp);
            const issuer = c.string(so, 'issuer', sp);
            if (issuer && !isAbsoluteUrl(issuer.replace('{authorityHost}', 'https://127.0.0.1')))
              c.fail(`${sp}.issuer`, 'must be an absolute URL (or start with {authorityHost})');
            const subject = c.string(so, 'subject', sp);
            const audiences = c.strings(so, 'audiences', sp, false);
            if (audiences && audiences.length === 0)
              c.fail(`${sp}.audiences`, 'needs at least one audience (usually api://AzureADTokenExchange)');
            const name = c.string(so, 'name', sp, { optional: true });
            if (issuer && subject && audiences)
              out.federatedCredentials!.push({ ...(name ? { name } : {}), issuer, subject, audiences });
          });
        }
        if (out.kind === 'public' && (out.secrets!.length || out.certificates!.length))
          c.fail(`${p}.kind`, 'a public client cannot have secrets or certificates');
        cfg.apps.push(out);
      });
    }
  }

  if (json.users !== undefined) {
    const a = c.array(json.users, 'users');
    if (a) {
      cfg.users = [];
      const seen = new Set<string>();
      a.forEach((u, i) => {
        const p = `users[${i}]`;
        const o = c.object(u, p);
        if (!o) return;
        c.unknownKeys(
          o,
          ['username', 'password', 'displayName', 'objectId', 'tenantId', 'mfa', 'mfaCode', 'conditionalAccessBlock'],
          p,
        );
        const username = c
          .string(o, 'username', p, {
            pattern: /^[^@\s]+@[^@\s]+$/,
            patternName: 'a user principal name such as alice@contoso.onmicrosoft.com',
          })
          ?.toLowerCase();
        if (username && seen.has(username)) c.fail(`${p}.username`, `duplicates another user (${username})`);
        if (username) seen.add(username);
        const password = c.string(o, 'password', p);
        const objectId = c.string(o, 'objectId', p, { pattern: GUID, patternName: 'a GUID' });
        const out: UserConfig = {
          username: username ?? '',
          password: password ?? '',
          displayName: c.string(o, 'displayName', p, { optional: true }) ?? username ?? '',
          objectId: objectId?.toLowerCase() ?? '',
          tenantId: checkTenantRef(o, 'tenantId', p),
          mfa: c.bool(o, 'mfa', p),
          mfaCode: c.string(o, 'mfaCode', p, { optional: true }),
          conditionalAccessBlock: c.bool(o, 'conditionalAccessBlock', p),
        };
        cfg.users.push(out);
      });
    }
  }

  if (json.resources !== undefined) {
    const a = c.array(json.resources, 'resources');
    if (a) {
      cfg.resources = [];
      a.forEach((r, i) => {
        const p = `resources[${i}]`;
        const o = c.object(r, p);
        if (!o) return;
        c.unknownKeys(o, ['appId', 'displayName', 'identifierUris', 'scopes', 'accessTokenVersion'], p);
        const appId = c.string(o, 'appId', p, { pattern: GUID, patternName: 'a GUID' });
        const uris = c.strings(o, 'identifierUris', p, false) ?? [];
        const scopes = c.strings(o, 'scopes', p) ?? [];
        const v = o.accessTokenVersion ?? 1;
        if (v !== 1 && v !== 2) c.fail(`${p}.accessTokenVersion`, 'must be 1 or 2');
        cfg.resources.push({
          appId: appId?.toLowerCase() ?? '',
          displayName: c.string(o, 'displayName', p, { optional: true }) ?? uris[0] ?? '',
          identifierUris: uris,
          scopes,
          accessTokenVersion: v === 2 ? 2 : 1,
        });
      });
    }
  }

  if (json.managedIdentity !== undefined) {
    const o = c.object(json.managedIdentity, 'managedIdentity');
    if (o) {
      const mi = { ...base.managedIdentity };
      c.unknownKeys(o, Object.keys(base.managedIdentity), 'managedIdentity');
      const ref = (v: unknown, p: string): ManagedIdentityRef | undefined => {
        const ro = c.object(v, p);
        if (!ro) return undefined;
        c.unknownKeys(ro, ['clientId', 'objectId', 'resourceId', 'name'], p);
        const clientId = c.string(ro, 'clientId', p, { pattern: GUID, patternName: 'a GUID' });
        const objectId = c.string(ro, 'objectId', p, { pattern: GUID, patternName: 'a GUID' });
        const resourceId = c.string(ro, 'resourceId', p, {
          pattern: /^\/subscriptions\//i,
          patternName: 'an Azure resource id (/subscriptions/…)',
        });
        const name = c.string(ro, 'name', p, { optional: true });
        return clientId && objectId && resourceId
          ? {
              clientId: clientId.toLowerCase(),
              objectId: objectId.toLowerCase(),
              resourceId,
              ...(name ? { name } : {}),
            }
          : undefined;
      };
      if (o.systemAssigned !== undefined)
        mi.systemAssigned = ref(o.systemAssigned, 'managedIdentity.systemAssigned') ?? mi.systemAssigned;
      if (o.userAssigned !== undefined) {
        mi.userAssigned = [];
        c.array(o.userAssigned, 'managedIdentity.userAssigned')?.forEach((u, i) => {
          const r = ref(u, `managedIdentity.userAssigned[${i}]`);
          if (r) mi.userAssigned.push(r);
        });
      }
      const uamiIds = new Set(mi.userAssigned.map((u) => u.clientId));
      const source = <K extends 'imds' | 'appService' | 'arc' | 'serviceFabric' | 'azureMl'>(
        key: K,
        extra: string[],
      ): void => {
        if (o[key] === undefined) return;
        const p = `managedIdentity.${key}`;
        const so = c.object(o[key], p);
        if (!so) return;
        c.unknownKeys(so, ['enabled', 'systemAssigned', 'userAssigned', ...extra], p);
        const cur = { ...mi[key] } as MiSourceConfig & Record<string, unknown>;
        cur.enabled = c.bool(so, 'enabled', p) ?? cur.enabled;
        cur.systemAssigned = c.bool(so, 'systemAssigned', p) ?? cur.systemAssigned;
        const ua = c.strings(
          so,
          'userAssigned',
          p,
          true,
          GUID,
          'a GUID (client id of an identity in managedIdentity.userAssigned)',
        );
        if (ua) {
          ua.forEach((id, i) => {
            if (!uamiIds.has(id.toLowerCase()))
              c.fail(`${p}.userAssigned[${i}]`, `names no identity in managedIdentity.userAssigned ("${id}")`);
          });
          cur.userAssigned = ua.map((s) => s.toLowerCase());
        }
        for (const k of extra) {
          const v = c.string(so, k, p, { optional: true });
          if (v !== undefined) cur[k] = v;
        }
        (mi as Record<string, unknown>)[key] = cur;
      };
      source('imds', []);
      source('appService', ['identityHeader']);
      source('arc', ['keyDirectory']);
      source('serviceFabric', ['secret']);
      source('azureMl', ['secret']);
      if (o.cloudShell !== undefined) {
        const so = c.object(o.cloudShell, 'managedIdentity.cloudShell');
        if (so) {
          c.unknownKeys(so, ['enabled', 'username'], 'managedIdentity.cloudShell');
          mi.cloudShell = {
            enabled: c.bool(so, 'enabled', 'managedIdentity.cloudShell') ?? mi.cloudShell.enabled,
            username:
              c.string(so, 'username', 'managedIdentity.cloudShell', { optional: true })?.toLowerCase() ??
              mi.cloudShell.username,
          };
        }
      }
      cfg.managedIdentity = mi;
    }
  }

  if (json.externalIssuers !== undefined) {
    const names = c.strings(
      json,
      'externalIssuers',
      '',
      false,
      /^[a-z0-9][a-z0-9-]{0,62}$/i,
      'a short name (letters, digits, dashes)',
    );
    if (names) cfg.externalIssuers = names;
  }

  if (json.subscriptions !== undefined) {
    const a = c.array(json.subscriptions, 'subscriptions');
    if (a) {
      cfg.subscriptions = [];
      a.forEach((s, i) => {
        const p = `subscriptions[${i}]`;
        const o = c.object(s, p);
        if (!o) return;
        c.unknownKeys(o, ['id', 'displayName', 'tenantId'], p);
        const id = c.string(o, 'id', p, { pattern: GUID, patternName: 'a GUID' });
        const tenantId = checkTenantRef(o, 'tenantId', p) ?? cfg.tenants[0]?.id;
        if (id && tenantId)
          cfg.subscriptions.push({
            id: id.toLowerCase(),
            displayName: c.string(o, 'displayName', p, { optional: true }) ?? id,
            tenantId,
          });
      });
    }
  }

  const num = (key: keyof SandboxConfig, min: number, max: number) => {
    const v = c.int(json, key, '', min, max);
    if (v !== undefined) (cfg as unknown as Record<string, unknown>)[key] = v;
  };
  num('tokenLifetimeSec', 60, 86400 * 2);
  num('managedIdentityTokenLifetimeSec', 60, 86400 * 2);
  num('refreshTokenLifetimeSec', 1, 86400 * 365);
  num('authCodeLifetimeSec', 1, 3600);
  num('clockOffsetSec', -86400 * 365, 86400 * 365);
  num('assertionClockSkewSec', 0, 3600);
  num('maxBodyBytes', 1024, 64 * 1024 * 1024);
  const single = c.bool(json, 'refreshTokenSingleUse', '');
  if (single !== undefined) cfg.refreshTokenSingleUse = single;
  if (json.deviceCode !== undefined) {
    const o = c.object(json.deviceCode, 'deviceCode');
    if (o) {
      c.unknownKeys(o, ['expiresInSec', 'intervalSec'], 'deviceCode');
      cfg.deviceCode = {
        expiresInSec: c.int(o, 'expiresInSec', 'deviceCode', 1, 86400) ?? base.deviceCode.expiresInSec,
        intervalSec: c.int(o, 'intervalSec', 'deviceCode', 0, 60) ?? base.deviceCode.intervalSec,
      };
    }
  }

  if (json.faults !== undefined) {
    const a = c.array(json.faults, 'faults');
    if (a) {
      cfg.faults = [];
      a.forEach((f, i) => {
        const p = `faults[${i}]`;
        const o = c.object(f, p);
        if (!o) return;
        c.unknownKeys(o, ['endpoint', 'delayMs', 'hang', 'reset', 'status', 'body', 'retryAfterSec', 'count'], p);
        const endpoint = o.endpoint;
        if (typeof endpoint !== 'string' || !(FAULT_ENDPOINTS as readonly string[]).includes(endpoint)) {
          c.fail(`${p}.endpoint`, `must be one of: ${FAULT_ENDPOINTS.join(', ')}`);
          return;
        }
        const out: FaultConfig = { endpoint: endpoint as FaultEndpoint };
        const delayMs = c.int(o, 'delayMs', p, 0, 600_000);
        if (delayMs !== undefined) out.delayMs = delayMs;
        const hang = c.bool(o, 'hang', p);
        if (hang !== undefined) out.hang = hang;
        const reset = c.bool(o, 'reset', p);
        if (reset !== undefined) out.reset = reset;
        const status = c.int(o, 'status', p, 100, 599);
        if (status !== undefined) out.status = status;
        const body = c.string(o, 'body', p, { optional: true, nonEmpty: false });
        if (body !== undefined) out.body = body;
        const ra = c.int(o, 'retryAfterSec', p, 0, 86400);
        if (ra !== undefined) out.retryAfterSec = ra;
        const count = c.int(o, 'count', p, 1, 1_000_000);
        if (count !== undefined) out.count = count;
        cfg.faults.push(out);
      });
    }
  }

  // Cross references.
  cfg.apps.forEach((a, i) => {
    if (
      a.kind === 'confidential' &&
      json.apps !== undefined &&
      !a.secrets?.length &&
      !a.certificates?.length &&
      !a.federatedCredentials?.length
    ) {
      c.fail(`apps[${i}]`, 'a confidential app needs at least one secret, certificate or federated credential');
    }
  });
  if (
    cfg.managedIdentity.cloudShell.enabled &&
    !cfg.users.some((u) => u.username === cfg.managedIdentity.cloudShell.username)
  ) {
    c.fail(
      'managedIdentity.cloudShell.username',
      `names no user in users[] ("${cfg.managedIdentity.cloudShell.username}")`,
    );
  }
  if (json.tenants !== undefined) {
    // Default users / subscriptions may point at tenants that no longer exist: re-home them to the first tenant.
    if (json.users === undefined)
      cfg.users = cfg.users.map((u) => (u.tenantId && !tenantIds.has(u.tenantId) ? { ...u, tenantId: undefined } : u));
    if (json.subscriptions === undefined)
      cfg.subscriptions = cfg.subscriptions.map((s) =>
        tenantIds.has(s.tenantId) ? s : { ...s, tenantId: cfg.tenants[0]?.id ?? s.tenantId },
      );
  }

  return c.errors.length ? { ok: false, errors: c.errors } : { ok: true, config: cfg };
}
