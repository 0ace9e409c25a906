/** The shapes of the sandbox's state (device codes, authorization codes, refresh tokens, sign-in transactions) and of
 * its public API (startSandbox's options and the Sandbox it returns). */
import type { SandboxConfig, SandboxConfigInput } from './config';
import type { SandboxContract, SandboxUrls } from './contract';
import type { ListenerName, RecordedRequest } from './http';
import type { FederatedTokenOptions } from './issuers';
import type { SandboxResources } from './resources/state';
import type { SignInOptions, SignInResult } from './signin';

export interface StartOptions {
  config?: SandboxConfigInput;
  /** Port of the HTTPS authority host (default: any free port). */
  port?: number;
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** More HTTPS ports serving the same authority (e.g. 443 for MSAL Python's user-realm call). */
  extraHttpsPorts?: number[];
  /** Fixed ports for the managed-identity listeners (default: any free port). */
  managedIdentityPorts?: Partial<Record<Exclude<ListenerName, 'authority'>, number>>;
}

export interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  tenantSegment: string;
  tenantId?: string;
  scope: string;
  v1Resource?: string;
  expiresAt: number;
  interval: number;
  state: 'pending' | 'approved' | 'declined';
  username?: string;
  mfaDone?: boolean;
  lastPoll?: number;
}

export interface AuthCodeEntry {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  username: string;
  tenantId: string;
  mfaDone: boolean;
  expiresAt: number;
  used: boolean;
}

export interface RefreshTokenEntry {
  token: string;
  clientId: string;
  username: string;
  tenantId: string;
  scope: string;
  mfaDone: boolean;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  used: boolean;
}

export interface AuthorizeTxn {
  id: string;
  tenantSegment: string;
  tenantId?: string;
  params: Record<string, string>;
  createdAt: number;
  username?: string;
  passwordOk?: boolean;
  mfaDone?: boolean;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  readonly authorityHost: string;
  /** PEM file of the CA that signed the sandbox's TLS certificate (removed on close). */
  readonly caFile: string;
  readonly caPem: string;
  /** The first tenant's id. */
  readonly tenantId: string;
  /** Exactly what `azauth sandbox --json` prints. */
  readonly contract: SandboxContract;
  readonly urls: SandboxUrls;
  /** The current effective configuration (a copy; change it with update()). */
  readonly config: SandboxConfig;
  /** Recorded wire traffic (secrets redacted), oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** Changes the configuration; throws when the result is invalid. */
  update(mutator: (cfg: SandboxConfig) => void): Promise<SandboxConfig>;
  approveDeviceCode(userCode: string, username: string): void;
  declineDeviceCode(userCode: string): void;
  /** Marks every refresh token (of one user, or all) revoked: redeeming answers AADSTS50173. */
  revokeRefreshTokens(username?: string): number;
  /** A JWT from a sandbox-hosted external OIDC issuer (workload identity federation). */
  issueFederatedToken(options: FederatedTokenOptions): Promise<string>;
  /** Drives the authorize page like a browser: GET the page, POST the form, deliver the redirect. */
  signIn(authorizeUrl: string, username: string, password: string, options?: SignInOptions): Promise<SignInResult>;
  /** Loopback stand-ins for ARM, Graph, Key Vault, Storage and Service Bus (see resources/routes.ts). */
  readonly resources: SandboxResources;
  close(): Promise<void>;
}
