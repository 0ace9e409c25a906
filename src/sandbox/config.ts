/**
 * The sandbox's one configuration document: tenants, apps, users, resources, managed identities, lifetimes, clock
 * offset and faults. `defaultSandboxConfig()` (config-defaults.ts) is the zero-setup world, as data;
 * `validateSandboxConfig()` checks a JSON document against one schema (config-schema.ts), fills in defaults and names
 * every bad field by its path (`apps[1].certificates[0].pem: …`).
 */
import { defaultSandboxConfig, type FAULT_ENDPOINTS } from './config-defaults';
import { newChecker, sandboxConfigSchema } from './config-schema';
import { Checker, isObject, type ConfigError } from './schema';

export {
  defaultSandboxConfig,
  FAULT_ENDPOINTS,
  AZURE_CLI_CLIENT_ID,
  DEFAULT_TENANT_ID,
  OTHER_TENANT_ID,
  DEMO,
} from './config-defaults';
export type { ConfigError } from './schema';

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

export type ValidationResult = { ok: true; config: SandboxConfig } | { ok: false; errors: ConfigError[] };

/** Checks that concern several sections, and the defaults' references to tenants the document replaced. */
function crossChecks(json: Record<string, unknown>, cfg: SandboxConfig, c: Checker): SandboxConfig {
  if (json.apps !== undefined)
    cfg.apps.forEach((a, i) => {
      if (a.kind === 'confidential' && !a.secrets?.length && !a.certificates?.length && !a.federatedCredentials?.length)
        c.fail(`apps[${i}]`, 'a confidential app needs at least one secret, certificate or federated credential');
    });
  const shell = cfg.managedIdentity.cloudShell;
  if (shell.enabled && !cfg.users.some((u) => u.username === shell.username))
    c.fail('managedIdentity.cloudShell.username', `names no user in users[] ("${shell.username}")`);
  if (json.tenants === undefined) return cfg;
  // Default users / subscriptions may point at tenants that no longer exist: re-home them to the first tenant.
  const tenantIds = new Set(cfg.tenants.map((t) => t.id));
  const users =
    json.users === undefined
      ? cfg.users.map((u) => (u.tenantId && !tenantIds.has(u.tenantId) ? { ...u, tenantId: undefined } : u))
      : cfg.users;
  const subscriptions =
    json.subscriptions === undefined
      ? cfg.subscriptions.map((s) =>
          tenantIds.has(s.tenantId) ? s : { ...s, tenantId: cfg.tenants[0]?.id ?? s.tenantId },
        )
      : cfg.subscriptions;
  return { ...cfg, users, subscriptions };
}

/**
 * Checks a configuration document (already parsed JSON). Top-level fields replace the defaults' fields; inside
 * `managedIdentity` (and each of its hosting sources) and `deviceCode` each given field replaces the default one.
 */
export function validateSandboxConfig(json: unknown): ValidationResult {
  if (!isObject(json)) return { ok: false, errors: [{ path: '', message: 'the configuration must be a JSON object' }] };
  const c = newChecker(new Checker());
  const parsed = sandboxConfigSchema(json, '', c) ?? defaultSandboxConfig();
  // A copy, so that no two configurations (nor the defaults) share an array.
  const cfg = crossChecks(json, structuredClone(parsed), c);
  return c.errors.length ? { ok: false, errors: c.errors } : { ok: true, config: cfg };
}
