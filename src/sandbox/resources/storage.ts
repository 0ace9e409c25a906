/** Blob Storage stand-in: listing containers, with Storage's XML errors, x-ms-version rule and data roles. */
import { randomUUID } from 'node:crypto';
import { header, send, type Ctx, type Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { answerFor, check, type FailureTable } from './check';
import { resourceState } from './state';

/** x-ms-error-code and AuthenticationErrorDetail for each failed check. */
const STORAGE_401: FailureTable<[code: string, detail: string | undefined]> = {
  missing: ['NoAuthenticationInformation', undefined],
  signature: ['InvalidAuthenticationInfo', 'Signature validation failed. Signature verification failed.'],
  audience: ['InvalidAuthenticationInfo', 'Audience validation failed. Audience did not match.'],
  tenant: ['InvalidAuthenticationInfo', 'Issuer validation failed. Issuer did not match.'],
  expired: ['InvalidAuthenticationInfo', 'Lifetime validation failed. The token is expired.'],
  'not-yet-valid': ['InvalidAuthenticationInfo', 'Lifetime validation failed. The token is expired.'],
};

function storageXml(
  ctx: Ctx,
  status: number,
  code: string,
  message: string,
  detail: string | undefined,
  headers: Record<string, string>,
  nowMs: number,
): void {
  const requestId = randomUUID();
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${esc(message)}\nRequestId:${requestId}\nTime:${new Date(nowMs).toISOString().replace('Z', '0000Z')}</Message>${detail ? `<AuthenticationErrorDetail>${esc(detail)}</AuthenticationErrorDetail>` : ''}</Error>`;
  send(ctx, status, body, {
    'content-type': 'application/xml',
    'x-ms-error-code': code,
    'x-ms-request-id': requestId,
    server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
    ...headers,
  });
}

export function storageRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'resources',
      methods: ['GET'],
      pattern: /^\/resources\/storage\/([a-z0-9]{3,24})\/?$/,
      keys: ['account'],
      handler: async (ctx) => {
        const account = resourceState(sb).storageAccounts.find((a) => a.name === ctx.params.account);
        if (!account)
          return storageXml(
            ctx,
            404,
            'ResourceNotFound',
            'The specified resource does not exist.',
            undefined,
            {},
            sb.nowMs(),
          );
        const challenge = {
          'www-authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/${account.tenantId}/oauth2/authorize resource_id=https://storage.azure.com`,
        };
        const xml = (status: number, code: string, message: string, detail?: string, h: Record<string, string> = {}) =>
          storageXml(ctx, status, code, message, detail, h, sb.nowMs());
        if (account.firewallBlocksAll)
          return xml(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.');
        const r = await check(sb, ctx, 'storage', account.tenantId);
        const failed =
          'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.';
        const denied = answerFor(STORAGE_401, r);
        if (denied) return xml(401, denied[0], failed, denied[1], challenge);
        const version = header(ctx, 'x-ms-version') ?? '';
        if (!version || version < '2017-11-09') {
          return xml(
            403,
            'AuthenticationFailed',
            'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
            'Authentication scheme Bearer is not supported in this version.',
          );
        }
        const oid = String(r.claims?.oid ?? '').toLowerCase();
        if (
          !account.roleAssignments.some(
            (a) => a.principalId.toLowerCase() === oid && /^Storage Blob Data (Reader|Contributor|Owner)$/.test(a.role),
          )
        ) {
          return xml(
            403,
            'AuthorizationPermissionMismatch',
            'This request is not authorized to perform this operation using this permission.',
          );
        }
        const containers = account.containers
          .map((c) => `<Container><Name>${c}</Name><Properties><Etag>"0x8D0"</Etag></Properties></Container>`)
          .join('');
        send(
          ctx,
          200,
          `\uFEFF<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="${sb.authorityHost}/resources/storage/${account.name}/"><Containers>${containers}</Containers><NextMarker /></EnumerationResults>`,
          { 'content-type': 'application/xml' },
        );
      },
    },
  ];
}
