/**
 * The sandbox tenant: a local emulator of Microsoft Entra ID and the Azure managed-identity endpoints on loopback,
 * over real HTTP(S). Independent of the engine (it plays the other side of the wire); it shares only the product's
 * redaction module (src/core/trace/redact.ts) for its request recording. See "The sandbox tenant" in README.md.
 */
export { startSandbox, type Sandbox, type StartOptions } from './sandbox';
export {
  defaultSandboxConfig,
  validateSandboxConfig,
  AZURE_CLI_CLIENT_ID,
  DEFAULT_TENANT_ID,
  OTHER_TENANT_ID,
  DEMO,
  FAULT_ENDPOINTS,
  type SandboxConfig,
  type SandboxConfigInput,
  type AppConfig,
  type UserConfig,
  type TenantConfig,
  type ResourceConfig,
  type ManagedIdentityConfig,
  type MiSourceConfig,
  type FaultConfig,
  type FaultEndpoint,
  type ConfigError,
  type ValidationResult,
} from './config';
export type { SandboxContract, SandboxUrls, ContractApp } from './contract';
export type { RecordedRequest, ListenerName } from './http';
export type { FederatedTokenOptions } from './issuers';
export type { SignInOptions, SignInResult } from './signin';
export type { AadErrorBody } from './errors';
export type {
  SandboxResources,
  SandboxResourceState,
  ArmRoleAssignment,
  SandboxVault,
  SandboxStorageAccount,
  SandboxNamespace,
} from './resources/state';
