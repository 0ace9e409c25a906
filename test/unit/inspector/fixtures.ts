/** Test data for the Token Inspector's pure parts: unsigned JWTs and run-store snapshots built by hand. */
import type { RunStoreSnapshot, StoredTokenInfo } from '../../../src/extension/runStore';
import { summarizeToken } from '../../../src/core/index';

export function b64url(o: unknown): string {
  return Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
}

export function makeJwt(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'k1' },
): string {
  return `${b64url(header)}.${b64url(payload)}.${Buffer.from('not-a-real-signature-but-long-enough').toString('base64url')}`;
}

export const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);

export function armPayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: 'https://management.azure.com',
    iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    iat: NOW / 1000 - 300,
    nbf: NOW / 1000 - 300,
    exp: NOW / 1000 + 3600,
    tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    oid: '00000000-0000-0000-0000-0000000000aa',
    appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    scp: 'user_impersonation',
    upn: 'alice@contoso.example',
    ver: '1.0',
    ...extra,
  };
}

export function tokenInfo(raw: string, id = 'tok-1', credential = 'AzureCLICredential'): StoredTokenInfo {
  const summary = summarizeToken(raw, {
    credential,
    scope: 'https://management.azure.com/.default',
    fromCache: false,
    expiresOnEpochMs: NOW + 3600_000,
  });
  return { id, origin: 'acquired', summary, addedAt: NOW, label: 'ARM token', rawLength: raw.length };
}

export function storeWith(tokens: StoredTokenInfo[], extra: Partial<RunStoreSnapshot> = {}): RunStoreSnapshot {
  return {
    runs: [],
    tokens,
    activeTokenId: tokens[0]?.id ?? null,
    selection: tokens[0] ? { kind: 'token', id: tokens[0].id } : null,
    lastError: null,
    sandbox: { running: false },
    now: NOW,
    ...extra,
  };
}
