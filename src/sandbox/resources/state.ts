/**
 * What the sandbox's resource stand-ins know: who holds which role where (ARM role assignments, Key Vault RBAC or
 * access policies, Storage and Service Bus data roles) and which sessions Continuous Access Evaluation revoked.
 * Tests and demos change it through `sandbox.resources`; it starts with resources that grant nobody anything, so
 * every 401 / 403 class can be shown and then fixed.
 */
import { signJwt, type Claims } from '../tokens';
import type { SandboxImpl } from '../sandbox';

export interface ArmRoleAssignment {
  principalId: string;
  /** Reader (every …/read action), Contributor or Owner (every action). */
  role: 'Reader' | 'Contributor' | 'Owner';
  /** /subscriptions/<id>[/resourceGroups/<name>…]; an assignment applies to its scope and everything below. */
  scope: string;
}

export interface SandboxVault {
  name: string;
  tenantId: string;
  permissionModel: 'rbac' | 'access-policy';
  secrets: string[];
  /** RBAC: data roles by principal (Key Vault Secrets User, Key Vault Secrets Officer, Key Vault Reader, Key Vault Administrator). */
  roleAssignments: { principalId: string; role: string }[];
  /** Access policies: secret permissions by object id. */
  accessPolicies: { objectId: string; secrets: string[] }[];
}

export interface SandboxStorageAccount {
  name: string;
  tenantId: string;
  containers: string[];
  /** Storage Blob Data Reader / Contributor / Owner by principal. */
  roleAssignments: { principalId: string; role: string }[];
  /** Answer every request with the firewall's AuthorizationFailure. */
  firewallBlocksAll?: boolean;
}

export interface SandboxNamespace {
  name: string;
  tenantId: string;
  entities: string[];
  /** Rights (Listen / Send / Manage) by principal, as the Data Receiver / Sender / Owner roles grant them. */
  rights: { principalId: string; rights: ('Listen' | 'Send' | 'Manage')[] }[];
}

export interface SandboxResourceState {
  armRoleAssignments: ArmRoleAssignment[];
  vaults: SandboxVault[];
  storageAccounts: SandboxStorageAccount[];
  namespaces: SandboxNamespace[];
  /** Continuous Access Evaluation: tokens of this object id issued before this time (seconds) get a claims challenge. */
  revokedSessions: Record<string, number>;
}

export interface SandboxResources {
  /** The live state (change it in place). */
  readonly state: SandboxResourceState;
  /** Base URL of the stand-ins: https://127.0.0.1:PORT/resources (append arm, graph, vault/<name>, storage/<account>, servicebus/<namespace>). */
  readonly baseUrl: string;
  /** Signs a token with the sandbox's Entra key (tests: expired, other-tenant, not-yet-valid tokens). */
  signToken(claims: Claims): Promise<string>;
  /** Revokes a principal's sessions now: its older tokens draw a CAE claims challenge from ARM and Graph. */
  revokeSessions(objectId: string): void;
}

export function defaultResourceState(tenantId: string): SandboxResourceState {
  return {
    armRoleAssignments: [],
    vaults: [
      {
        name: 'sandbox-vault',
        tenantId,
        permissionModel: 'rbac',
        secrets: ['db-password', 'api-key'],
        roleAssignments: [],
        accessPolicies: [],
      },
      {
        name: 'policy-vault',
        tenantId,
        permissionModel: 'access-policy',
        secrets: ['legacy-secret'],
        roleAssignments: [],
        accessPolicies: [],
      },
    ],
    storageAccounts: [{ name: 'sandboxstore', tenantId, containers: ['data', 'logs'], roleAssignments: [] }],
    namespaces: [{ name: 'sandbox-bus', tenantId, entities: ['orders'], rights: [] }],
    revokedSessions: {},
  };
}

const states = new WeakMap<SandboxImpl, SandboxResourceState>();

export function resourceState(sb: SandboxImpl): SandboxResourceState {
  let s = states.get(sb);
  if (!s) {
    s = defaultResourceState(sb.defaultTenantId());
    states.set(sb, s);
  }
  return s;
}

export function sandboxResources(sb: SandboxImpl): SandboxResources {
  return {
    get state() {
      return resourceState(sb);
    },
    get baseUrl() {
      return `${sb.authorityHost}/resources`;
    },
    signToken: (claims) => signJwt(sb.pki.signing, claims),
    revokeSessions: (oid) => {
      resourceState(sb).revokedSessions[oid.toLowerCase()] = sb.nowSec();
    },
  };
}
