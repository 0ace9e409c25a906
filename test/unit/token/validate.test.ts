import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  discoverJwks,
  expectedAudiences,
  openIdConfigurationUrl,
  parseJwks,
  validateToken,
  type Validation,
} from '../../../src/core/token/validate';
import { decodeToken } from '../../../src/core/token/decode';
import { armV1Payload, b64, jwt, makeSigner, miV2Payload, NOW, nowS, TENANT, type Signer } from './helpers';

const verdict = (v: Validation, check: string) => {
  const found = v.verdicts.find((x) => x.check === check);
  assert.ok(found, `no ${check} verdict`);
  return found;
};

describe('validateToken', () => {
  let signer: Signer;
  let other: Signer;
  before(async () => {
    signer = await makeSigner('key-1');
    other = await makeSigner('key-1'); // same kid, different key: a rotated or forged key
  });

  it('a self-signed RS256 v1 token validates fully against its JWKS', async () => {
    const t = await signer.sign(armV1Payload());
    const v = await validateToken(t, {
      now: NOW,
      jwks: signer.jwks,
      expectedScope: 'https://management.azure.com/.default',
      expectedTenant: TENANT,
      expectedVersion: '1.0',
    });
    assert.deepEqual(
      v.verdicts.map((x) => [x.check, x.verdict]),
      [
        ['audience', 'pass'],
        ['issuer', 'pass'],
        ['time', 'pass'],
        ['signature', 'pass'],
        ['version', 'pass'],
      ],
    );
    assert.equal(v.valid, true);
  });

  it('a tampered payload fails the signature check', async () => {
    const t = await signer.sign(armV1Payload());
    const [h, , s] = t.split('.');
    const forged = `${h}.${b64(armV1Payload({ scp: 'everything' }))}.${s}`;
    const v = await validateToken(forged, { now: NOW, jwks: signer.jwks });
    assert.equal(verdict(v, 'signature').verdict, 'fail');
    assert.equal(v.valid, false);
  });

  it('a key with the same kid but different material fails; a missing kid names the likely causes', async () => {
    const t = await signer.sign(armV1Payload());
    assert.equal(verdict(await validateToken(t, { now: NOW, jwks: other.jwks }), 'signature').verdict, 'fail');
    const missing = await validateToken(await signer.sign(armV1Payload(), { kid: 'rotated' }), {
      now: NOW,
      jwks: signer.jwks,
    });
    assert.match(verdict(missing, 'signature').reason, /No key with kid rotated/);
  });

  it('finds the key by x5t when the token has no kid (older v1 tokens)', async () => {
    const s = await makeSigner('thumb-1', { x5t: 'thumb-1' } as never);
    const t = await s.sign(armV1Payload(), { kid: undefined, x5t: 'thumb-1' });
    assert.equal(decodeToken(t).ok, true);
    assert.equal(verdict(await validateToken(t, { now: NOW, jwks: s.jwks }), 'signature').verdict, 'pass');
  });

  it('refuses unsigned and HMAC tokens, and skips Graph tokens with a reason', async () => {
    const none = `${b64({ alg: 'none' })}.${b64(armV1Payload())}.`;
    assert.equal(verdict(await validateToken(none, { now: NOW, jwks: signer.jwks }), 'signature').verdict, 'fail');
    const hs = jwt(armV1Payload(), { alg: 'HS256', kid: 'key-1' });
    assert.match(
      verdict(await validateToken(hs, { now: NOW, jwks: signer.jwks }), 'signature').reason,
      /not a public-key algorithm/,
    );
    const graph = await signer.sign(armV1Payload({ aud: '00000003-0000-0000-c000-000000000000' }), { nonce: 'abc' });
    const g = verdict(await validateToken(graph, { now: NOW, jwks: signer.jwks }), 'signature');
    assert.equal(g.verdict, 'skipped');
    assert.match(g.reason, /only Graph can validate/);
  });

  it('fetches keys through the caller when no JWKS is given, and reports fetch failures', async () => {
    const t = await signer.sign(armV1Payload());
    const seen: string[] = [];
    const v = await validateToken(t, { now: NOW, fetchJwks: async (iss) => (seen.push(iss), signer.jwks) });
    assert.deepEqual(seen, [`https://sts.windows.net/${TENANT}/`]);
    assert.equal(verdict(v, 'signature').verdict, 'pass');
    const broken = await validateToken(t, {
      now: NOW,
      fetchJwks: async () => {
        throw new Error('ENOTFOUND');
      },
    });
    assert.deepEqual(
      [verdict(broken, 'signature').verdict, /ENOTFOUND/.test(verdict(broken, 'signature').reason)],
      ['skipped', true],
    );
    assert.equal(broken.verdict, 'unverified', 'a signature that could not be checked is not a pass');
    assert.equal(verdict(await validateToken(t, { now: NOW }), 'signature').verdict, 'skipped');
  });

  describe('audience', () => {
    const aud = async (tokenAud: unknown, opts: { expectedScope?: string; expectedResource?: string }) =>
      verdict(await validateToken(jwt(armV1Payload({ aud: tokenAud })), { now: NOW, ...opts }), 'audience');

    it('matches v1 resource forms with /.default and trailing slashes', async () => {
      assert.equal(
        (await aud('https://management.azure.com/', { expectedScope: 'https://management.azure.com/.default' }))
          .verdict,
        'pass',
      );
      assert.equal(
        (await aud('https://vault.azure.net', { expectedScope: 'https://vault.azure.net/.default' })).verdict,
        'pass',
      );
      assert.equal(
        (await aud('https://vault.azure.net', { expectedResource: 'https://vault.azure.net/' })).verdict,
        'pass',
      );
      assert.equal(
        (await aud('https://storage.azure.com/', { expectedScope: 'https://storage.azure.com/user_impersonation' }))
          .verdict,
        'pass',
      );
    });

    it('treats the classic ARM URI and first-party app ids as the same API, but not across clouds', async () => {
      assert.equal(
        (await aud('https://management.core.windows.net/', { expectedScope: 'https://management.azure.com//.default' }))
          .verdict,
        'pass',
      );
      assert.equal((await aud('00000003-0000-0000-c000-000000000000', { expectedScope: 'User.Read' })).verdict, 'pass');
      assert.equal(
        (await aud('https://graph.microsoft.us', { expectedScope: 'https://graph.microsoft.com/.default' })).verdict,
        'warn',
      );
    });

    it('v2 GUID audiences: exact for api://{guid}, a warning for other custom URIs', async () => {
      const id = 'bbbbbbbb-0000-0000-0000-000000000002';
      assert.equal((await aud(id, { expectedScope: `api://${id}/.default` })).verdict, 'pass');
      assert.equal((await aud(id, { expectedScope: `${id}/.default` })).verdict, 'pass');
      assert.equal((await aud(id, { expectedScope: 'api://orders.contoso.example/read' })).verdict, 'warn');
      assert.equal((await aud('api://orders', { expectedScope: `${id}/.default` })).verdict, 'warn');
    });

    it('fails for another API and without aud, and skips without an expectation', async () => {
      const f = await aud('https://graph.microsoft.com', { expectedScope: 'https://vault.azure.net/.default' });
      assert.equal(f.verdict, 'fail');
      assert.match(f.reason, /request it with the API's own scope/);
      assert.equal((await aud(undefined, { expectedScope: 'x' })).verdict, 'fail');
      assert.equal(
        (
          await aud(['https://a.example', 'https://vault.azure.net'], {
            expectedScope: 'https://vault.azure.net/.default',
          })
        ).verdict,
        'pass',
      );
      assert.equal((await aud('https://vault.azure.net', {})).verdict, 'skipped');
    });

    it('computes expected audiences', () => {
      assert.deepEqual(expectedAudiences('https://management.core.windows.net//.default', true), [
        'https://management.core.windows.net',
      ]);
      assert.deepEqual(expectedAudiences('openid', true), ['https://graph.microsoft.com']);
      assert.deepEqual(expectedAudiences('api://bbbbbbbb-0000-0000-0000-000000000002/Orders.Read', true), [
        'api://bbbbbbbb-0000-0000-0000-000000000002',
        'bbbbbbbb-0000-0000-0000-000000000002',
      ]);
      assert.deepEqual(expectedAudiences('  ', true), []);
    });
  });

  describe('issuer, time and version', () => {
    it('fails another tenant, and a tid that disagrees with iss', async () => {
      const other = '99999999-2222-3333-4444-555555555555';
      const v = await validateToken(jwt(armV1Payload()), { now: NOW, expectedTenant: other });
      assert.equal(verdict(v, 'issuer').verdict, 'fail');
      assert.match(verdict(v, 'issuer').reason, new RegExp(`az login --tenant ${other}`));
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ tid: other })), { now: NOW }), 'issuer').verdict,
        'fail',
      );
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ ver: '2.0' })), { now: NOW }), 'issuer').verdict,
        'fail',
      );
    });

    it('warns for custom issuer hosts and domain-name tenants', async () => {
      const v = await validateToken(jwt(miV2Payload({ iss: `https://127.0.0.1:8443/${TENANT}/v2.0` })), { now: NOW });
      assert.equal(verdict(v, 'issuer').verdict, 'warn');
      assert.match(verdict(v, 'issuer').reason, /not a Microsoft cloud/);
      assert.equal(
        verdict(
          await validateToken(jwt(armV1Payload()), { now: NOW, expectedTenant: 'contoso.onmicrosoft.com' }),
          'issuer',
        ).verdict,
        'warn',
      );
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ iss: 'x' })), { now: NOW }), 'issuer').verdict,
        'fail',
      );
    });

    it('time: expired and not-yet-valid fail, expiring-soon warns', async () => {
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ exp: nowS - 1 })), { now: NOW }), 'time').verdict,
        'fail',
      );
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ nbf: nowS + 600 })), { now: NOW }), 'time').verdict,
        'fail',
      );
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ exp: nowS + 30 })), { now: NOW }), 'time').verdict,
        'warn',
      );
      assert.equal(
        verdict(await validateToken(jwt(armV1Payload({ exp: undefined })), { now: NOW }), 'time').verdict,
        'fail',
      );
    });

    it('version against what the API expects', async () => {
      const v = await validateToken(jwt(armV1Payload()), { now: NOW, expectedVersion: '2.0' });
      assert.equal(verdict(v, 'version').verdict, 'fail');
      assert.match(verdict(v, 'version').reason, /accessTokenAcceptedVersion/);
      assert.equal(
        verdict(await validateToken(jwt(miV2Payload()), { now: NOW, expectedVersion: '2.0' }), 'version').verdict,
        'pass',
      );
    });
  });

  it('returns a typed error for input that is not a JWT', async () => {
    assert.equal((await validateToken('nope', { now: NOW })).error?.kind, 'not-three-parts');
    assert.equal((await validateToken('EwA' + 'x'.repeat(80), { now: NOW })).error?.kind, 'not-a-jwt');
  });

  it('never throws on arbitrary input (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('aud', 'iss', 'tid', 'exp', 'nbf', 'iat', 'ver'), fc.jsonValue({ maxDepth: 1 })),
        fc.string({ maxLength: 60 }),
        async (p, scope) => {
          const v = await validateToken(jwt(p), {
            now: NOW,
            expectedScope: scope,
            expectedTenant: scope,
            jwks: signer.jwks,
          });
          assert.equal(v.verdicts.length, 5);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('OIDC discovery helpers', () => {
  it('issuer → openid-configuration → jwks_uri → keys, through the caller’s GET', async () => {
    const signer = await makeSigner();
    const urls: string[] = [];
    const jwks = await discoverJwks(`https://login.example/${TENANT}/v2.0/`, async (url) => {
      urls.push(url);
      return url.endsWith('openid-configuration') ? { jwks_uri: 'https://login.example/keys' } : signer.jwks;
    });
    assert.deepEqual(urls, [
      `https://login.example/${TENANT}/v2.0/.well-known/openid-configuration`,
      'https://login.example/keys',
    ]);
    assert.equal(jwks.keys.length, 1);
    await assert.rejects(
      discoverJwks('https://x', async () => ({})),
      /no jwks_uri/,
    );
    assert.equal(
      openIdConfigurationUrl(`https://sts.windows.net/${TENANT}/`),
      `https://sts.windows.net/${TENANT}/.well-known/openid-configuration`,
    );
  });

  it('parseJwks rejects what is not a key set', () => {
    assert.throws(() => parseJwks('{'), /not JSON/);
    assert.throws(() => parseJwks({ keys: 'x' }), /no "keys" array/);
    assert.deepEqual(parseJwks('{"keys":[]}'), { keys: [] });
  });
});
