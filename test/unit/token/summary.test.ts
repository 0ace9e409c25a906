import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { summarizeToken, tokenFingerprint } from '../../../src/core/token/summary';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (payload: object, header: object = { alg: 'RS256', typ: 'JWT', kid: 'k1' }) =>
  `${b64(header)}.${b64(payload)}.c2ln`;

describe('summarizeToken', () => {
  const info = {
    credential: 'AzureCLICredential',
    scope: 'https://management.azure.com/.default',
    fromCache: false,
    expiresOnEpochMs: Date.UTC(2026, 0, 1),
  };

  it('summarises a v1 user token from the Azure CLI', () => {
    const t = jwt({
      aud: 'https://management.azure.com/',
      iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
      tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      oid: 'o1',
      sub: 's1',
      upn: 'ada@contoso.com',
      scp: 'user_impersonation',
      ver: '1.0',
      idtyp: 'user',
    });
    const s = summarizeToken(t, info);
    assert.equal(s.audience, 'https://management.azure.com/');
    assert.equal(s.tenantId, '72f988bf-86f1-41af-91ab-2d7cd011db47');
    assert.equal(s.appId, '04b07795-8ddb-461a-bbee-02f9e1bf7b46');
    assert.equal(s.upn, 'ada@contoso.com');
    assert.equal(s.identityType, 'user');
    assert.equal(s.version, '1.0');
    assert.equal(s.tokenType, 'Bearer');
    assert.equal(s.expiresOn, '2026-01-01T00:00:00.000Z');
    assert.equal(s.fingerprint, createHash('sha256').update(t).digest('hex').slice(0, 12));
    assert.ok(!JSON.stringify(s).includes(t.split('.')[1]), 'the summary must not carry the token');
  });

  it('recognises managed identity and app-only tokens', () => {
    const mi = summarizeToken(
      jwt({
        aud: 'https://vault.azure.net',
        oid: 'x',
        sub: 'x',
        appid: 'a',
        idtyp: 'app',
        xms_mirid: '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
      }),
      info,
    );
    assert.equal(mi.identityType, 'managed-identity');
    const app = summarizeToken(
      jwt({ aud: 'api://x', oid: 'x', sub: 'x', azp: 'a', roles: ['Read'], ver: '2.0' }),
      info,
    );
    assert.equal(app.identityType, 'application');
    assert.equal(app.appId, 'a');
  });

  it('handles opaque tokens, garbage and bad expiry without throwing', () => {
    const s = summarizeToken('EwAoA8l6BAAU' + 'x'.repeat(200), {
      ...info,
      expiresOnEpochMs: Number.NaN,
      tokenType: 'pop',
    });
    assert.equal(s.audience, undefined);
    assert.equal(s.tokenType, 'pop');
    assert.equal(s.expiresOn, '');
    assert.equal(s.fingerprint.length, 12);
    assert.equal(summarizeToken('not a token', info).identityType, undefined);
  });

  it('falls back to the token exp when the source reported no expiry', () => {
    const s = summarizeToken(jwt({ exp: 1_800_000_000 }), { ...info, expiresOnEpochMs: 0 });
    assert.equal(s.expiresOnEpochMs, 1_800_000_000_000);
    assert.equal(s.expiresOn, new Date(1_800_000_000_000).toISOString());
    assert.equal(
      summarizeToken(jwt({ exp: 1_800_000_000 }), info).expiresOnEpochMs,
      info.expiresOnEpochMs,
      'a reported expiry wins',
    );
  });

  it('fingerprints the token the same with or without Bearer', () => {
    const t = jwt({ a: 1 });
    assert.equal(tokenFingerprint(`Bearer ${t}`), tokenFingerprint(t));
    assert.notEqual(tokenFingerprint(t), tokenFingerprint(jwt({ a: 2 })));
  });
});
