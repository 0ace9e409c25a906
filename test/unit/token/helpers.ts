/** Token factories for the token tests: unsigned JWTs from parts, and real RS256 tokens signed with jose. */
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK } from 'jose';

export const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
export const jwt = (
  payload: unknown,
  header: unknown = { alg: 'RS256', typ: 'JWT', kid: 'k1' },
  sig = 'c2lnbmF0dXJl',
) => `${b64(header)}.${b64(payload)}.${sig}`;

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const nowS = Math.floor(NOW / 1000);

export interface Signer {
  jwks: JSONWebKeySet;
  publicJwk: JWK;
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function makeSigner(kid = 'key-1', extra: Partial<JWK> = {}): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', ...extra };
  return {
    jwks: { keys: [publicJwk] },
    publicJwk,
    sign: (payload, header = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, ...header }).sign(privateKey),
  };
}

/** A v1 access token for ARM as the Azure CLI gets it (claims shaped like real ones, values made up). */
export function armV1Payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: 'https://management.azure.com/',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: nowS - 600,
    nbf: nowS - 600,
    exp: nowS + 3600,
    acr: '1',
    aio: 'AVQAq/8ZAAAA',
    amr: ['pwd', 'mfa'],
    appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    appidacr: '0',
    family_name: 'Lovelace',
    given_name: 'Ada',
    idtyp: 'user',
    ipaddr: '203.0.113.7',
    name: 'Ada Lovelace',
    oid: 'aaaaaaaa-0000-0000-0000-000000000001',
    puid: '10032000ABCDEF',
    rh: '1.AXoA...',
    scp: 'user_impersonation',
    sub: 'pairwise-subject-value',
    tid: TENANT,
    unique_name: 'ada@contoso.example',
    upn: 'ada@contoso.example',
    uti: 'abcDEF123',
    ver: '1.0',
    wids: ['62e90394-69f5-4237-9190-012177145e10', 'b79fbf4d-3ef9-4689-8143-76b194e85509'],
    xms_cc: ['cp1'],
    xms_tcdt: 1600000000,
    ...overrides,
  };
}

/** A v2 app-only token from a user-assigned managed identity for a custom API. */
export function miV2Payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: 'bbbbbbbb-0000-0000-0000-000000000002',
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    iat: nowS - 60,
    nbf: nowS - 60,
    exp: nowS + 86_000,
    azp: 'cccccccc-0000-0000-0000-000000000003',
    azpacr: '2',
    idtyp: 'app',
    oid: 'dddddddd-0000-0000-0000-000000000004',
    sub: 'dddddddd-0000-0000-0000-000000000004',
    roles: ['Orders.Read.All'],
    tid: TENANT,
    ver: '2.0',
    xms_mirid:
      '/subscriptions/00000000-aaaa-bbbb-cccc-000000000000/resourcegroups/rg-app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders',
    ...overrides,
  };
}
