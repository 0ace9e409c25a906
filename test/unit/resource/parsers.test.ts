/**
 * The WWW-Authenticate and error-body parsers: the forms Azure services send, and property tests that throw malformed
 * and hostile input at them (no throw, bounded output, caps respected).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bearerChallenge,
  decodeClaimsChallenge,
  describeClaimsChallenge,
  parseWwwAuthenticate,
  MAX_CHALLENGE_CHARS,
} from '../../../src/core/resource/challenge';
import { parseErrorBody, MAX_ERROR_BODY_CHARS } from '../../../src/core/resource/body';
import { explainResourceResponse } from '../../../src/core/resource/explain';
import { serviceForUrl, serviceInfo, presetUrl, findPreset } from '../../../src/core/resource/services';
import { lookupResourceError, resourceErrorCatalog } from '../../../src/core/resource/catalog';

const CAE = Buffer.from(
  '{"access_token":{"nbf":{"essential":true,"value":"1752041837"},"xms_rp_ipaddr":{"value":"203.0.113.7"}}}',
).toString('base64');

describe('resource: WWW-Authenticate', () => {
  it('Graph: two challenges (Bearer and PoP), a CAE claims challenge decoded into what the API wants', () => {
    const h = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error_description="Continuous access evaluation resulted in challenge", error="insufficient_claims", claims="${CAE}", PoP realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", nonce="abc"`;
    const p = parseWwwAuthenticate(h);
    assert.deepEqual(
      p.challenges.map((c) => c.scheme),
      ['Bearer', 'PoP'],
    );
    assert.equal(p.challenges[1]!.params.nonce, 'abc');
    const b = bearerChallenge(p)!;
    assert.equal(b.tenant, 'common');
    assert.equal(b.error, 'insufficient_claims');
    assert.equal(b.clientId, '00000003-0000-0000-c000-000000000000');
    const wants = describeClaimsChallenge(b.claimsJson);
    assert.deepEqual(
      wants.map((w) => [w.claim, w.essential]),
      [
        ['access_token.nbf', true],
        ['access_token.xms_rp_ipaddr', false],
      ],
    );
    assert.match(wants[0]!.meaning, /issued after 2025-07-09T06:17:17/);
    assert.match(wants[1]!.meaning, /203\.0\.113\.7/);
  });

  it('Storage: unquoted, space-separated parameters; resource_id is the resource', () => {
    const b = bearerChallenge(
      parseWwwAuthenticate(
        'Bearer authorization_uri=https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/authorize resource_id=https://storage.azure.com',
      ),
    )!;
    assert.equal(b.tenant, '72f988bf-86f1-41af-91ab-2d7cd011db47');
    assert.equal(b.resource, 'https://storage.azure.com');
  });

  it('Key Vault: authorization (not authorization_uri) and resource', () => {
    const b = bearerChallenge(
      parseWwwAuthenticate(
        'Bearer authorization="https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555", resource="https://vault.azure.net"',
      ),
    )!;
    assert.equal(b.authorizationUri, 'https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555');
    assert.equal(b.tenant, '11111111-2222-4333-8444-555555555555');
    assert.equal(b.resource, 'https://vault.azure.net');
  });

  it('quoted-pair escapes, token68, an unterminated quote reported', () => {
    assert.equal(
      parseWwwAuthenticate('Bearer error_description="a \\"quoted\\" word"').challenges[0]!.params.error_description,
      'a "quoted" word',
    );
    assert.equal(parseWwwAuthenticate('Negotiate abc+/def==').challenges[0]!.token68, 'abc+/def==');
    const p = parseWwwAuthenticate('Bearer error="never closed');
    assert.equal(p.challenges[0]!.params.error, 'never closed');
    assert.ok(p.problems.some((x) => /not terminated/.test(x)));
  });

  it('claims that are not base64 JSON are reported, not thrown', () => {
    assert.ok('problem' in decodeClaimsChallenge('!!!'));
    assert.ok('problem' in decodeClaimsChallenge(Buffer.from('[1,2]').toString('base64')));
    assert.ok('problem' in decodeClaimsChallenge('A'.repeat(20_000)));
    assert.deepEqual(decodeClaimsChallenge('{"access_token":{}}'), { json: { access_token: {} } });
  });

  const hostileChar = fc.constantFrom(
    '"',
    '\\',
    ',',
    '=',
    ' ',
    '\t',
    '\r\n',
    'Bearer ',
    'claims=',
    'a',
    '\u0000',
    '\u202e',
    '\u{1F600}',
  );
  const hostile = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.array(hostileChar, { maxLength: 400 }).map((a) => a.join('')),
    fc
      .tuple(
        fc.constantFrom('Bearer', 'PoP', 'Basic', ''),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 }), fc.boolean()), { maxLength: 50 }),
      )
      .map(([s, ps]) => `${s} ${ps.map(([k, v, q]) => (q ? `${k}="${v}"` : `${k}=${v}`)).join(', ')}`),
  );

  it('property: any header parses without throwing, with at most 16 challenges and 32 parameters each (10 000 runs)', () => {
    fc.assert(
      fc.property(hostile, (h) => {
        const p = parseWwwAuthenticate(h);
        assert.ok(p.challenges.length <= 16);
        for (const c of p.challenges) assert.ok(Object.keys(c.params).length <= 32);
        const b = bearerChallenge(p);
        if (b?.claimsJson !== undefined) describeClaimsChallenge(b.claimsJson);
      }),
      { numRuns: 10_000 },
    );
  });

  it('property: base64 claims of arbitrary JSON decode or are reported, and their description stays bounded (10 000 runs)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const b = bearerChallenge(
          parseWwwAuthenticate(
            `Bearer error="insufficient_claims", claims="${Buffer.from(JSON.stringify(v) ?? '').toString('base64')}"`,
          ),
        )!;
        assert.ok(b.claimsJson !== undefined || typeof b.claimsProblem === 'string');
        assert.ok(describeClaimsChallenge(b.claimsJson).length <= 64);
      }),
      { numRuns: 10_000 },
    );
  });

  it('a header far over the cap is cut at the cap and reported; a million-quote header finishes', () => {
    const p = parseWwwAuthenticate(`Bearer a="${'\\"'.repeat(500_000)}`);
    assert.ok(p.problems.some((x) => x.includes(String(MAX_CHALLENGE_CHARS))));
    const many = parseWwwAuthenticate('x, '.repeat(100_000));
    assert.equal(many.challenges.length, 16);
  });
});

describe('resource: error bodies', () => {
  it('Key Vault JSON with innererror, Storage XML with AuthenticationErrorDetail, Service Bus XML Detail prefix', () => {
    assert.deepEqual(
      parseErrorBody('{"error":{"code":"Forbidden","message":"m","innererror":{"code":"ForbiddenByRbac"}}}'),
      { format: 'json', code: 'Forbidden', message: 'm', innerCode: 'ForbiddenByRbac' },
    );
    const s = parseErrorBody(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidAuthenticationInfo</Code><Message>Server failed &amp; more</Message><AuthenticationErrorDetail>Audience validation failed. Audience did not match.</AuthenticationErrorDetail></Error>',
    );
    assert.deepEqual(
      [s.code, s.message, s.detail],
      ['InvalidAuthenticationInfo', 'Server failed & more', 'Audience validation failed. Audience did not match.'],
    );
    const sb = parseErrorBody(
      '<Error><Code>401</Code><Detail>ExpiredToken: The token is expired. TrackingId:x</Detail></Error>',
    );
    assert.deepEqual([sb.code, sb.innerCode], ['401', 'ExpiredToken']);
    assert.equal(parseErrorBody('', { 'x-ms-error-code': 'AuthorizationFailure' }).code, 'AuthorizationFailure');
    assert.deepEqual(parseErrorBody('{"error":"invalid_token","error_description":"d"}'), {
      format: 'json',
      code: 'invalid_token',
      message: 'd',
    });
  });

  it('property: any body (JSON, XML-ish, text) parses without throwing and with bounded fields (10 000 runs)', () => {
    const xmlish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '<Error>',
            '<Code>',
            '</Code>',
            '<Message>',
            '</Message>',
            '<Detail>',
            '</Detail>',
            '&amp;',
            '&#x110000;',
            '&#0;',
            ':',
            '<',
          ),
          fc.string({ maxLength: 30 }),
        ),
        { maxLength: 200 },
      )
      .map((a) => a.join(''));
    const jsonish = fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify({ error: v }));
    fc.assert(
      fc.property(
        fc.oneof(xmlish, jsonish, fc.string({ maxLength: 500 })),
        fc.dictionary(fc.constantFrom('x-ms-error-code', 'date'), fc.string({ maxLength: 50 })),
        (body, headers) => {
          const r = parseErrorBody(body, headers);
          for (const f of [r.code, r.message, r.detail, r.innerCode]) assert.ok(f === undefined || f.length <= 4000);
          explainResourceResponse({
            response: { status: 403, headers, bodyText: body },
            service: serviceInfo('storage'),
            now: Date.now(),
            claims: { oid: 'x', aud: 'y' },
          });
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('a body over the cap is read only up to the cap', () => {
    const r = parseErrorBody(`<Error><Code>X</Code>${' '.repeat(MAX_ERROR_BODY_CHARS)}<Message>late</Message></Error>`);
    assert.equal(r.code, 'X');
    assert.equal(r.message, undefined);
  });
});

describe('resource: services, presets and catalog', () => {
  it('hosts map to services and their audiences', () => {
    assert.equal(serviceForUrl('https://management.azure.com/subscriptions').service, 'arm');
    assert.equal(serviceForUrl('https://myvault.vault.azure.net/secrets').resource, 'https://vault.azure.net');
    assert.ok(
      serviceForUrl('https://acct.blob.core.windows.net/').audiences.includes('https://acct.blob.core.windows.net'),
    );
    assert.equal(serviceForUrl('https://vault.azure.net.evil.example/').service, 'unknown');
    assert.equal(serviceForUrl('http://127.0.0.1:1234/').service, 'unknown');
  });

  it('preset parameters cannot change the host; an endpoint replaces scheme and host', () => {
    const kv = findPreset('keyvault-secrets')!;
    assert.equal(presetUrl(kv, { vault: 'myvault' }), 'https://myvault.vault.azure.net/secrets?api-version=7.4');
    assert.throws(() => presetUrl(kv, { vault: 'evil.example/x?' }), /plain name/);
    assert.throws(() => presetUrl(kv, {}), /needs --vault/);
    assert.equal(
      presetUrl(kv, { vault: 'v1' }, 'https://127.0.0.1:9/resources/vault'),
      'https://127.0.0.1:9/resources/vault/v1/secrets?api-version=7.4',
    );
    assert.equal(
      presetUrl(findPreset('storage-containers')!, { account: 'acct' }, 'https://127.0.0.1:9/resources/storage'),
      'https://127.0.0.1:9/resources/storage/acct/?comp=list',
    );
  });

  it('every catalog entry is complete, in its own file, and unknown codes are not matched', () => {
    for (const e of resourceErrorCatalog()) {
      assert.ok(
        e.title && e.meaning && e.fixes.length >= 1 && /^https:\/\/learn\.microsoft\.com\//.test(e.docsUrl),
        `${e.service} ${e.code}`,
      );
      assert.ok(e.status.every((s) => [401, 403, 404].includes(s)));
    }
    for (const code of [
      'AuthorizationFailed',
      'InvalidAuthenticationToken',
      'InvalidAuthenticationTokenTenant',
      'ExpiredAuthenticationToken',
      'InvalidAuthenticationTokenAudience',
      'LinkedAuthorizationFailed',
    ])
      assert.ok(lookupResourceError('arm', code), code);
    for (const [code, inner] of [
      ['Forbidden', 'ForbiddenByRbac'],
      ['Forbidden', 'ForbiddenByPolicy'],
      ['Forbidden', 'AccessDenied'],
    ])
      assert.equal(lookupResourceError('keyvault', code, inner)?.innerCode, inner);
    for (const code of ['AuthenticationFailed', 'AuthorizationPermissionMismatch', 'AuthorizationFailure'])
      assert.ok(lookupResourceError('storage', code), code);
    assert.ok(lookupResourceError('graph', 'Authorization_RequestDenied'));
    assert.equal(lookupResourceError('arm', 'SomethingNew'), undefined);
  });

  it('an unknown code is reported as unknown with the lookup link, never guessed', () => {
    const x = explainResourceResponse({
      response: { status: 403, headers: {}, bodyText: '{"error":{"code":"BrandNewDenial","message":"no"}}' },
      service: serviceInfo('arm'),
      now: Date.now(),
    });
    assert.equal(x.classification, 'unknown');
    assert.equal(x.entry, undefined);
    assert.equal(x.unknownCode?.code, 'BrandNewDenial');
    assert.ok(x.fixes.some((f) => f.includes(x.unknownCode!.lookupUrl)));
  });
});
