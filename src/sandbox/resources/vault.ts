/** Key Vault stand-in: listing a vault's secrets under RBAC or access policies, with Key Vault's AKV texts. */
import { sendJson, type Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { answerFor, check, type Claims, type FailureTable } from './check';
import { resourceState, type SandboxVault } from './state';

function vaultDenials(tenantId: string): FailureTable<string> {
  return {
    missing: 'AKV10000: Request is missing a Bearer or PoP token.',
    signature: 'Token signature validation failed.',
    audience: (c) => `AKV10022: Invalid audience. Expected https://vault.azure.net, found: ${String(c.aud)}.`,
    tenant: (c) =>
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${tenantId}/, found ${String(c.iss)}.`,
    expired: 'Token validation failed: the token is expired or not yet valid.',
    'not-yet-valid': 'Token validation failed: the token is expired or not yet valid.',
  };
}

const SECRET_READERS = [
  'Key Vault Secrets User',
  'Key Vault Secrets Officer',
  'Key Vault Reader',
  'Key Vault Administrator',
];

/** The 403 error object when the caller may not list secrets (RBAC role or access policy), else undefined. */
function vaultForbidden(
  sb: SandboxImpl,
  vault: SandboxVault,
  c: Partial<Claims>,
): { code: string; message: string; innererror: { code: string } } | undefined {
  const oid = String(c.oid ?? '').toLowerCase();
  const caller = `appid=${String(c.appid ?? c.azp ?? '')};oid=${oid};iss=${String(c.iss)}`;
  const location = 'westeurope';
  const vaultId = `/subscriptions/${sb.config.subscriptions[0]?.id ?? '00000000-0000-0000-0000-000000000000'}/resourcegroups/sandbox-rg/providers/microsoft.keyvault/vaults/${vault.name}`;
  if (vault.permissionModel === 'rbac') {
    if (vault.roleAssignments.some((a) => a.principalId.toLowerCase() === oid && SECRET_READERS.includes(a.role)))
      return undefined;
    return {
      code: 'Forbidden',
      message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'\r\nResource: '${vaultId}/secrets'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=${location}\r\n`,
      innererror: { code: 'ForbiddenByRbac' },
    };
  }
  if (
    vault.accessPolicies.some(
      (p) => p.objectId.toLowerCase() === oid && p.secrets.map((x) => x.toLowerCase()).includes('list'),
    )
  )
    return undefined;
  return {
    code: 'Forbidden',
    message: `The user, group or application '${caller}' does not have secrets list permission on key vault '${vault.name};location=${location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    innererror: { code: 'AccessDenied' },
  };
}

export function vaultRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/vault\/([a-z0-9-]{3,24})\/secrets\/?$/i,
      keys: ['vault'],
      handler: async (ctx) => {
        const state = resourceState(sb);
        const vault = state.vaults.find((v) => v.name.toLowerCase() === (ctx.params.vault ?? '').toLowerCase());
        if (!vault)
          return sendJson(ctx, 404, {
            error: { code: 'VaultNotFound', message: `The vault ${ctx.params.vault} does not exist.` },
          });
        const challenge = {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${vault.tenantId}", resource="https://vault.azure.net"`,
        };
        const r = await check(sb, ctx, 'keyvault', vault.tenantId);
        const c = r.claims ?? {};
        const unauthorized = (message: string) =>
          sendJson(ctx, 401, { error: { code: 'Unauthorized', message } }, challenge);
        const denied = answerFor(vaultDenials(vault.tenantId), r);
        if (denied) return unauthorized(denied);
        const forbidden = vaultForbidden(sb, vault, c);
        if (forbidden) return sendJson(ctx, 403, { error: forbidden });
        const origin = sb.authorityHost;
        sendJson(ctx, 200, {
          value: vault.secrets.map((s) => ({
            id: `${origin}/resources/vault/${vault.name}/secrets/${s}`,
            attributes: { enabled: true },
          })),
          nextLink: null,
        });
      },
    },
  ];
}
