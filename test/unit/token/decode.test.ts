import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeToken, MAX_TOKEN_CHARS, type DecodeResult } from '../../../src/core/token/decode';
import { armV1Payload, b64, jwt } from './helpers';

function asJwt(r: DecodeResult) {
  assert.ok(r.ok, `expected success, got ${JSON.stringify(r)}`);
  assert.equal(r.kind, 'jwt');
  return r as Extract<DecodeResult, { kind: 'jwt' }>;
}
function asError(r: DecodeResult) {
  assert.equal(r.ok, false, `expected an error, got ${JSON.stringify(r).slice(0, 200)}`);
  return (r as Extract<DecodeResult, { ok: false }>).error;
}

describe('decodeToken', () => {
  const token = jwt(armV1Payload());

  it('decodes header, payload and signature of a realistic v1 token', () => {
    const d = asJwt(decodeToken(token));
    assert.equal(d.header.alg, 'RS256');
    assert.equal(d.payload.aud, 'https://management.azure.com/');
    assert.equal(d.signature, 'c2lnbmF0dXJl');
    assert.equal(d.raw, token);
    assert.deepEqual(d.warnings, []);
  });

  for (const [label, wrapped] of [
    ['Bearer prefix', `Bearer ${token}`],
    ['lower-case bearer and tabs', `bearer\t${token}  `],
    ['double quotes', `"${token}"`],
    ['single quotes and Bearer inside', `'Bearer ${token}'`],
    ['Authorization header line', `Authorization: Bearer ${token}`],
    ['curl -H argument', `-H "Authorization: Bearer ${token}"`],
    ['JSON field copy with trailing comma', `"${token}",`],
    ['line-wrapped', token.replace(/(.{40})/g, '$1\n')],
    ['zero-width space inside', token.slice(0, 10) + '\u200b' + token.slice(10)],
    ['access_token= prefix', `access_token=${token}`],
  ] as const) {
    it(`tolerates ${label}`, () => {
      assert.equal(asJwt(decodeToken(wrapped)).raw, token);
    });
  }

  it('tolerates base64 padding and standard base64 characters', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64');
    const payload = Buffer.from(JSON.stringify({ name: 'ü?>>' })).toString('base64');
    const d = asJwt(decodeToken(`${header}.${payload}.abc=`));
    assert.equal(d.payload.name, 'ü?>>');
    assert.ok(!d.raw.includes('='));
  });

  it('decodes UTF-8 claim values', () => {
    assert.equal(asJwt(decodeToken(jwt({ name: 'Zoë Ñúñez 日本' }))).payload.name, 'Zoë Ñúñez 日本');
  });

  it('says which segment is wrong and how', () => {
    assert.equal(asError(decodeToken('')).kind, 'empty');
    assert.equal(asError(decodeToken('  "Bearer "  ')).kind, 'empty');
    assert.equal(asError(decodeToken('a.b')).kind, 'not-three-parts');
    assert.equal(asError(decodeToken('a.b.c.d')).kind, 'not-three-parts');
    let e = asError(decodeToken(`${b64({ alg: 'RS256' })}.pay$load.sig`));
    assert.deepEqual([e.kind, e.segment], ['bad-base64url', 'payload']);
    assert.match(e.message, /"\$"/);
    e = asError(decodeToken(`.${b64({})}.sig`));
    assert.deepEqual([e.kind, e.segment], ['bad-base64url', 'header']);
    e = asError(decodeToken(`${b64('not json')}.${b64({})}.sig`));
    assert.deepEqual([e.kind, e.segment], ['not-json', 'header']);
    e = asError(decodeToken(`${b64({})}.${Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')}.sig`));
    assert.deepEqual([e.kind, e.segment], ['not-utf8', 'payload']);
    e = asError(decodeToken(`${b64([1, 2])}.${b64({})}.sig`));
    assert.deepEqual([e.kind, e.segment], ['not-an-object', 'header']);
    e = asError(decodeToken(`${b64({})}.${b64('null')}.sig`));
    assert.deepEqual([e.kind, e.segment], ['not-an-object', 'payload']);
    e = asError(decodeToken(`${b64({})}.${b64({})}.si!g`));
    assert.deepEqual([e.kind, e.segment], ['bad-base64url', 'signature']);
  });

  it('rejects a length that cannot be base64url', () => {
    const e = asError(decodeToken(`${b64({ a: 1 })}.AAAAA.sig`));
    assert.deepEqual([e.kind, e.segment], ['bad-base64url', 'payload']);
  });

  it('recognises encrypted tokens (JWE) and reads their header', () => {
    const r = decodeToken(`${b64({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: 'enc1' })}.ZW5j.aXY.Y2lwaGVy.dGFn`);
    assert.ok(r.ok && r.kind === 'jwe');
    assert.match(r.reason, /encrypted/);
    assert.match(r.reason, /A256GCM/);
    assert.equal(r.header?.kid, 'enc1');
  });

  it('recognises opaque tokens by design: MSA, Entra refresh tokens, others', () => {
    const msa = decodeToken('EwA4A+l3BAAUWm1xSeJRIJK6txKjBez4GzapzqMAAWnC' + 'x'.repeat(300));
    assert.ok(msa.ok && msa.kind === 'opaque');
    assert.match(msa.reason, /Microsoft account/);
    const rt = decodeToken('0.AXoAv4j5cvGGr0GRqy180BHbR2Vv8xa1jc1NrwE-x.AgABAAEAAAApTwJmzXqdR4BN2miheQMYAgDs_wUA9P9');
    assert.ok(rt.ok && rt.kind === 'opaque');
    assert.match(rt.reason, /refresh token/);
    const v1rt = decodeToken('AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4rTfgV29ghDOHRc2B-C');
    assert.ok(v1rt.ok && v1rt.kind === 'opaque');
    assert.equal(asError(decodeToken('hello')).kind, 'not-three-parts');
  });

  it('explains Graph tokens (nonce in the header) and unsigned tokens', () => {
    const g = asJwt(
      decodeToken(jwt({ aud: '00000003-0000-0000-c000-000000000000' }, { alg: 'RS256', kid: 'k', nonce: 'AbC' })),
    );
    assert.equal(g.warnings.length, 1);
    assert.match(g.warnings[0], /only Graph/);
    const none = asJwt(decodeToken(`${b64({ alg: 'none' })}.${b64({ a: 1 })}.`));
    assert.match(none.warnings.join(' '), /unsigned/);
  });

  it('refuses huge input without trying to decode it', () => {
    const huge = 'a'.repeat(MAX_TOKEN_CHARS + 10) + '.b.c';
    assert.equal(asError(decodeToken(huge)).kind, 'too-large');
    assert.equal(asError(decodeToken(' '.repeat(3 * MAX_TOKEN_CHARS))).kind, 'too-large');
  });

  it('handles hostile JSON: __proto__ keys stay plain data', () => {
    const d = asJwt(decodeToken(`${b64({ alg: 'RS256' })}.${b64('{"__proto__":{"polluted":1},"a":1}')}.sig`));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(d.payload.a, 1);
  });

  it('never throws and always returns a typed result (property-based)', () => {
    const kinds = new Set([
      'empty',
      'not-three-parts',
      'bad-base64url',
      'not-json',
      'not-utf8',
      'not-an-object',
      'too-large',
    ]);
    const check = (s: string) => {
      const r = decodeToken(s);
      if (r.ok) assert.ok(['jwt', 'jwe', 'opaque'].includes(r.kind));
      else {
        assert.ok(kinds.has(r.error.kind), r.error.kind);
        assert.equal(typeof r.error.message, 'string');
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 3000 });
    const seg = fc.oneof(
      fc.base64String({ maxLength: 80 }),
      fc.string({ maxLength: 40 }),
      fc.json().map((j) => b64(j)),
      fc.constant(''),
    );
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 6 }), (parts) => check(parts.join('.'))),
      { numRuns: 3000 },
    );
    // Any JSON object payload round-trips.
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })), (obj) => {
        const r = decodeToken(jwt(obj));
        assert.ok(r.ok && r.kind === 'jwt');
        assert.deepEqual(r.payload, JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns: 1500 },
    );
  });
});
