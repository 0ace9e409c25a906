/**
 * The permission a resource's error names, one rule per service and error family (ARM, Key Vault RBAC and access
 * policies, Storage data roles, Service Bus rights, Graph): the finding it adds and the fix it puts first.
 */
import { between, type Reading } from './reading';

/** Role to suggest for an ARM action (a read needs Reader; anything else a role that includes it). */
function armRoleFor(action: string): string {
  return /\/read$/i.test(action) ? 'Reader' : 'Contributor';
}

function keyVaultRoleFor(action: string): string {
  const a = action.toLowerCase();
  const write = /\/(write|delete|setsecret|purge|backup|restore|recover|import|create|update)/.test(a);
  if (a.includes('/keys/')) return write ? 'Key Vault Crypto Officer' : 'Key Vault Crypto User';
  if (a.includes('/certificates/')) return write ? 'Key Vault Certificates Officer' : 'Key Vault Certificate User';
  return write ? 'Key Vault Secrets Officer' : 'Key Vault Secrets User';
}

function storageAccountOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    const m = /^([a-z0-9]{3,24})\.(blob|queue|file|table|dfs)\./.exec(u.hostname);
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** One service's permission error: when it applies, and the finding and fix (first in the list) it adds. */
interface PermissionRule {
  applies: (r: Reading) => boolean;
  explain: (r: Reading) => void;
}

/** The permission the error names, one rule per service and error family; the first that applies explains it. */
const PERMISSION_RULES: PermissionRule[] = [
  { applies: (r) => r.service.service === 'arm' && r.code === 'AuthorizationFailed', explain: armAuthorizationFailed },
  { applies: (r) => r.service.service === 'arm' && r.code === 'LinkedAuthorizationFailed', explain: armLinkedFailed },
  {
    applies: (r) => r.service.service === 'keyvault' && r.out.body.innerCode === 'ForbiddenByRbac',
    explain: keyVaultRbac,
  },
  {
    applies: (r) => r.service.service === 'keyvault' && r.out.body.innerCode === 'AccessDenied',
    explain: keyVaultAccessPolicy,
  },
  {
    applies: (r) => r.service.service === 'storage' && r.code === 'AuthorizationPermissionMismatch',
    explain: storageDataRole,
  },
  {
    applies: (r) => r.service.service === 'servicebus' && r.text.includes('claim(s) are required'),
    explain: serviceBusRight,
  },
  { applies: (r) => r.service.service === 'graph' && r.code === 'Authorization_RequestDenied', explain: graphDenied },
];

export function checkPermissions(r: Reading): void {
  const rule = PERMISSION_RULES.find((x) => x.applies(r));
  if (rule) rule.explain(r);
  else if (r.out.outcome === 'denied' && r.out.status === 403 && r.haveToken)
    r.findings.push({ check: 'permissions', verdict: 'note', message: r.carries });
}

function permissionProblem(r: Reading, message: string, fix?: string): void {
  r.findings.push({ check: 'permissions', verdict: 'problem', message });
  if (fix) r.fixes.unshift(fix);
}

/** The ARM role assignment that grants `action` on `scope`. */
function armRoleFix(assignee: string, action: string | undefined, scope: string): string {
  return `\`az role assignment create --assignee ${assignee} --role "${action ? armRoleFor(action) : '<role>'}" --scope "${scope}"\`${action && !/\/read$/i.test(action) ? ` (or a narrower role that includes ${action})` : ''}`;
}

function armAuthorizationFailed(r: Reading): void {
  const action = between(r.text, "perform action '", "'");
  const scope = between(r.text, "over scope '", "'");
  permissionProblem(
    r,
    `The API needs the action ${action ?? '(not named)'} on ${scope ?? 'the scope'}; no role assignment of the principal grants it. ${r.carries}`,
    armRoleFix(r.assignee, action, scope ?? '<scope>'),
  );
}

function armLinkedFailed(r: Reading): void {
  const action =
    between(r.text, "does not have permission to perform action '", "'") ?? between(r.text, "perform action(s) '", "'");
  const scope = between(r.text, "on the linked scope(s) '", "'");
  permissionProblem(
    r,
    `The linked action ${action ?? '(not named)'} on ${scope ?? 'a linked scope'} is not granted.`,
    armRoleFix(r.assignee, action, scope ?? '<linked scope>'),
  );
}

function keyVaultRbac(r: Reading): void {
  const action = between(r.text, "Action: '", "'");
  const resource = between(r.text, "Resource: '", "'");
  const vaultScope = resource ? resource.replace(/\/(secrets|keys|certificates)(\/.*)?$/i, '') : undefined;
  permissionProblem(
    r,
    `The vault uses Azure RBAC; the caller has no data role with ${action ?? 'this data action'}. ${r.carries}`,
    `\`az role assignment create --assignee ${r.assignee} --role "${action ? keyVaultRoleFor(action) : 'Key Vault Secrets User'}" --scope "${vaultScope ?? '<vault resource id>'}"\``,
  );
}

function keyVaultAccessPolicy(r: Reading): void {
  const perm = between(r.text, 'does not have ', ' permission on key vault');
  const vault = between(r.text, "permission on key vault '", ';') ?? '<vault>';
  const [kind, op] = (perm ?? 'secrets get').split(' ');
  const flag =
    kind === 'keys'
      ? '--key-permissions'
      : kind === 'certificates'
        ? '--certificate-permissions'
        : '--secret-permissions';
  permissionProblem(
    r,
    `The vault uses access policies; no policy gives this caller ${perm ?? 'the permission'}.`,
    `\`az keyvault set-policy --name ${vault} --object-id ${r.assignee} ${flag} ${op ?? 'get'}\``,
  );
}

function storageDataRole(r: Reading): void {
  const account = storageAccountOf(r.input.url) ?? '<account>';
  permissionProblem(
    r,
    `The principal has no Storage data role for this operation (management roles such as Owner do not grant data access). ${r.carries}`,
    `\`az role assignment create --assignee ${r.assignee} --role "Storage Blob Data Reader" --scope "$(az storage account show --name ${account} --query id -o tsv)"\` (Storage Blob Data Contributor to write)`,
  );
}

function serviceBusRight(r: Reading): void {
  const right = between(r.text, "'", "' claim(s)") ?? 'Listen';
  const entity = between(r.text, "Resource: '", "'");
  const role = right === 'Send' ? 'Data Sender' : right === 'Manage' ? 'Data Owner' : 'Data Receiver';
  permissionProblem(
    r,
    `The operation needs the ${right} right${entity ? ` on ${entity}` : ''}. ${r.carries}`,
    `\`az role assignment create --assignee ${r.assignee} --role "Azure Service Bus ${role}" --scope <namespace resource id>\` (Event Hubs: "Azure Event Hubs ${role}")`,
  );
}

function graphDenied(r: Reading): void {
  const kind = r.roles.length
    ? 'This is an app-only token: the app needs an application permission (roles) for this call, with admin consent.'
    : r.scp.length
      ? 'This is a delegated token: the app needs a delegated permission (scp) for this call, and the user needs a directory role that allows it.'
      : '';
  permissionProblem(r, `${r.carries} ${kind}`.trim());
}
