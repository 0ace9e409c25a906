import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeCertificate } from './helpers';
import {
  AUTHORITY_HOSTS,
  AuthorityConfigError,
  authorityMetadataFromDocument,
  buildAuthorityMetadata,
  buildCloudDiscoveryMetadata,
  isValidTenantId,
  resolveAuthorityHost,
  tenantEndpoints,
} from '../../../src/core/credentials/msal/authority';
import {
  parseClientCertificate,
  CertificateError,
  MAX_CERTIFICATE_BYTES,
} from '../../../src/core/credentials/msal/certificate';
import {
  TracedNetworkModule,
  NonJsonResponseError,
  DisallowedHostError,
} from '../../../src/core/credentials/msal/network';
import { mapMsalError, errorInfoFromBody } from '../../../src/core/credentials/msal/errors';
import { resolveTenant, parseAllowedTenants, validateScopes } from '../../../src/core/credentials/msal/base';
import { createPublicApp } from '../../../src/core/credentials/msal/app';
import { resolveCredentialName, createFlowCredential } from '../../../src/core/flows';
import { isAuthenticationFailed, isCredentialUnavailable } from '../../../src/core/credentials/types';
import { createPrivateKey } from 'node:crypto';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/core/http/types';

function recordingHttp(answer: (req: HttpRequest) => Partial<HttpResponse>): HttpClient & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return {
    seen,
    async send(req) {
      seen.push(req);
      const a = answer(req);
      return { status: 200, headers: {}, bodyText: '', durationMs: 1, attempts: 1, ...a };
    },
  };
}

describe('msal layer units', () => {
  describe('authority host resolution', () => {
    it('option, then AZURE_AUTHORITY_HOST, then the public cloud; cloud names; trailing slashes', () => {
      assert.equal(resolveAuthorityHost(undefined, {}).url, AUTHORITY_HOSTS.public);
      assert.equal(resolveAuthorityHost(undefined, {}).source, 'default');
      assert.equal(
        resolveAuthorityHost(undefined, { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' }).cloud,
        'usgov',
      );
      assert.equal(
        resolveAuthorityHost('china', { AZURE_AUTHORITY_HOST: 'https://x.test' }).url,
        AUTHORITY_HOSTS.china,
      );
      assert.equal(resolveAuthorityHost('AzureUSGovernment', {}).url, AUTHORITY_HOSTS.usgov);
      const custom = resolveAuthorityHost('https://127.0.0.1:8443//', {});
      assert.equal(custom.url, 'https://127.0.0.1:8443');
      assert.equal(custom.hostAndPort, '127.0.0.1:8443');
      assert.equal(custom.cloud, 'custom');
      assert.equal(
        resolveAuthorityHost('https://adfs.contoso.test/prefix/', {}).url,
        'https://adfs.contoso.test/prefix',
      );
    });

    it('refuses http, userinfo, queries, fragments and junk with the SDK wording per profile', () => {
      assert.throws(
        () => resolveAuthorityHost('http://login.microsoftonline.com', {}, 'go'),
        /cannot use an authority host without https/,
      );
      assert.throws(
        () => resolveAuthorityHost('http://x', {}, 'js'),
        /The authorityHost address must use the 'https' protocol\./,
      );
      assert.throws(() => resolveAuthorityHost('http://x', {}, 'python'), /TLS protected \(https\) URL/);
      assert.throws(() => resolveAuthorityHost('http://x', {}, 'dotnet'), /Authority host must use HTTPS scheme\./);
      assert.throws(() => resolveAuthorityHost('https://u:p@x.test', {}), /user information/);
      assert.throws(() => resolveAuthorityHost('https://x.test/?a=1', {}), /query/);
      assert.throws(() => resolveAuthorityHost('not a url', {}), AuthorityConfigError);
      assert.throws(() => resolveAuthorityHost(undefined, { AZURE_AUTHORITY_HOST: 'ftp://x' }), AuthorityConfigError);
    });

    it('metadata names only the configured host (no instance discovery, no public cloud)', () => {
      const host = resolveAuthorityHost('https://127.0.0.1:9999', {});
      const ep = tenantEndpoints(host, 'organizations');
      const meta = JSON.parse(buildAuthorityMetadata(ep));
      assert.equal(meta.token_endpoint, 'https://127.0.0.1:9999/organizations/oauth2/v2.0/token');
      assert.equal(meta.device_authorization_endpoint, 'https://127.0.0.1:9999/organizations/oauth2/v2.0/devicecode');
      const disc = JSON.parse(buildCloudDiscoveryMetadata(host, 'organizations'));
      assert.deepEqual(disc.metadata[0].aliases, ['127.0.0.1:9999']);
      assert.ok(!JSON.stringify([meta, disc]).includes('microsoftonline'));
    });

    it('a fetched document must keep every endpoint on the authority origin', () => {
      const host = resolveAuthorityHost('https://login.example.test', {});
      const good = {
        issuer: 'https://sts.other/x',
        token_endpoint: 'https://login.example.test/t/token',
        authorization_endpoint: 'https://login.example.test/t/auth',
        jwks_uri: 'https://login.example.test/t/keys',
      };
      assert.equal(JSON.parse(authorityMetadataFromDocument(good, host)).issuer, 'https://sts.other/x');
      assert.throws(
        () => authorityMetadataFromDocument({ ...good, token_endpoint: 'https://evil.test/token' }, host),
        /refusing/,
      );
      assert.throws(() => authorityMetadataFromDocument({ ...good, jwks_uri: 5 }, host), /not a string/);
      assert.throws(() => authorityMetadataFromDocument(null, host), /not a JSON object/);
      assert.throws(() => authorityMetadataFromDocument({ issuer: 'x' }, host), /has no token_endpoint/);
    });

    it('msal-node apps built by the factory never reach another host, even when asked to', async () => {
      const http = recordingHttp(() => ({ status: 200, bodyText: '{}', json: {} }));
      const app = createPublicApp({
        clientId: 'c',
        tenantId: 'organizations',
        authorityHost: resolveAuthorityHost('https://127.0.0.1:9', {}),
      });
      app.binding.http = http;
      await assert.rejects(
        app.network.sendGetRequestAsync('https://login.microsoftonline.com/common/discovery/instance'),
        DisallowedHostError,
      );
      await assert.rejects(
        app.network.sendPostRequestAsync('https://127.0.0.1:10/token', { body: 'x=1' }),
        DisallowedHostError,
      );
      assert.equal(http.seen.length, 0);
    });

    it('tenant ids: the SDK character set, bounded', () => {
      for (const ok of ['organizations', 'common', 'contoso.onmicrosoft.com', '72f988bf-86f1-41af-91ab-2d7cd011db47'])
        assert.ok(isValidTenantId(ok), ok);
      for (const bad of ['', 'a/b', 'a b', 'a?b', 'a%2fb', 'é', 'a'.repeat(257)]) assert.ok(!isValidTenantId(bad), bad);
      fc.assert(
        fc.property(
          fc.string(),
          (s) => isValidTenantId(s) === (s.length > 0 && s.length <= 256 && /^[0-9a-zA-Z.-]+$/.test(s)),
        ),
      );
    });
  });

  describe('certificates', () => {
    const c = makeCertificate('unit-cert', 'unit-pass');

    it('PEM key + cert: thumbprints (SHA-1 and SHA-256, hex upper case), subject, validity, PKCS#8 key', () => {
      const p = parseClientCertificate(Buffer.from(c.pem), undefined, 'unit.pem');
      assert.equal(p.format, 'pem');
      assert.match(p.leaf.thumbprintSha1, /^[0-9A-F]{40}$/);
      assert.match(p.leaf.thumbprintSha256, /^[0-9A-F]{64}$/);
      assert.match(p.leaf.subject, /CN=unit-cert/);
      assert.match(p.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(p.expired, false);
    });

    it('the certificate order does not matter: the leaf is the one matching the key; others form the chain', () => {
      const other = makeCertificate('ca-like');
      const p = parseClientCertificate(Buffer.from(other.certPem + c.certPem + c.keyPem), undefined, 'chain.pem');
      assert.match(p.leaf.subject, /unit-cert/);
      assert.equal(p.chain.length, 2);
      assert.ok(
        p.x5cPem.indexOf(c.certPem.trim().split('\n')[1]!) < p.x5cPem.indexOf(other.certPem.trim().split('\n')[1]!),
      );
    });

    it('PKCS#12 with the right password; precise errors for wrong / missing passwords', () => {
      const p = parseClientCertificate(c.pfx, 'unit-pass', 'unit.pfx');
      assert.equal(p.format, 'pkcs12');
      assert.equal(
        p.leaf.thumbprintSha1,
        parseClientCertificate(Buffer.from(c.pem), undefined, 'x').leaf.thumbprintSha1,
      );
      assert.throws(
        () => parseClientCertificate(c.pfx, 'nope', 'unit.pfx'),
        (e) => e instanceof CertificateError && e.reason === 'wrong-password',
      );
      assert.throws(
        () => parseClientCertificate(c.pfx, undefined, 'unit.pfx'),
        (e) => e instanceof CertificateError && /password/.test(e.message),
      );
    });

    it('malformed, hostile and huge input gives a classified CertificateError, never another exception', () => {
      const cases: [Buffer, string][] = [
        [Buffer.alloc(0), 'empty'],
        [Buffer.alloc(MAX_CERTIFICATE_BYTES + 1, 0x41), 'too-large'],
        [Buffer.from(c.certPem), 'no-private-key'],
        [Buffer.from(c.keyPem), 'no-certificate'],
        [Buffer.from(c.keyPem + makeCertificate('someone-else').certPem), 'key-mismatch'],
        [Buffer.from('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' + c.keyPem), 'malformed'],
        [Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' + c.certPem), 'malformed'],
        [Buffer.from(c.keyPem + c.keyPem + c.certPem), 'malformed'],
        [Buffer.from([0x30, 0x82, 0xff, 0xff, 0x00]), 'not-a-certificate'],
      ];
      for (const [data, reason] of cases) {
        assert.throws(
          () => parseClientCertificate(data, undefined, 'f'),
          (e) => e instanceof CertificateError && e.reason === reason,
          reason,
        );
      }
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
          try {
            parseClientCertificate(Buffer.from(bytes), 'pw', 'fuzz');
            return false;
          } catch (e) {
            return e instanceof CertificateError;
          }
        }),
        { numRuns: 200 },
      );
    });

    it('an encrypted PEM key needs its password', () => {
      const enc = createPrivateKey(c.keyPem)
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pem-pass' })
        .toString();
      assert.throws(
        () => parseClientCertificate(Buffer.from(enc + c.certPem), undefined, 'e.pem'),
        (e) => e instanceof CertificateError && e.reason === 'password-required',
      );
      assert.throws(
        () => parseClientCertificate(Buffer.from(enc + c.certPem), 'bad', 'e.pem'),
        (e) => e instanceof CertificateError && e.reason === 'wrong-password',
      );
      assert.equal(parseClientCertificate(Buffer.from(enc + c.certPem), 'pem-pass', 'e.pem').format, 'pem');
    });
  });

  describe('network adapter', () => {
    it('passes headers, form body, timeout and signal; returns lower-case headers and parsed JSON', async () => {
      const http = recordingHttp(() => ({
        status: 200,
        headers: { 'content-type': 'application/json', date: 'Wed, 25 Nov 2026 08:00:00 GMT' },
        bodyText: '{"a":1}',
        json: { a: 1 },
      }));
      const ac = new AbortController();
      const n = new TracedNetworkModule({ http, signal: ac.signal, allowedHosts: ['h.test'] });
      const r = await n.sendPostRequestAsync<{ a: number }>('https://h.test/t/oauth2/v2.0/token', {
        headers: { 'X-A': '1' },
        body: 'grant_type=client_credentials',
      });
      assert.equal(r.body.a, 1);
      assert.equal(http.seen[0]!.body, 'grant_type=client_credentials');
      assert.equal(http.seen[0]!.headers!['X-A'], '1');
      assert.equal(http.seen[0]!.signal, ac.signal);
      assert.equal(n.lastServerDate, 'Wed, 25 Nov 2026 08:00:00 GMT');
      await n.sendGetRequestAsync('https://h.test/x', undefined, 1234);
      assert.equal(http.seen[1]!.timeoutMs, 1234);
    });

    it('remembers Entra error bodies; non-JSON answers become NonJsonResponseError with an excerpt', async () => {
      const n = new TracedNetworkModule({
        http: recordingHttp(() => ({
          status: 400,
          bodyText: '{"error":"invalid_grant"}',
          json: { error: 'invalid_grant' },
        })),
        allowedHosts: ['h.test'],
      });
      await n.sendPostRequestAsync('https://h.test/t', {});
      assert.equal(n.lastError?.body.error, 'invalid_grant');
      const html = new TracedNetworkModule({
        http: recordingHttp(() => ({
          status: 502,
          headers: { 'content-type': 'text/html' },
          bodyText: '<html><body>Bad gateway ' + 'x'.repeat(10_000),
        })),
        allowedHosts: ['h.test'],
      });
      await assert.rejects(
        html.sendPostRequestAsync('https://h.test/t', {}),
        (e) => e instanceof NonJsonResponseError && e.status === 502 && e.message.length < 400,
      );
      const empty = new TracedNetworkModule({
        http: recordingHttp(() => ({ status: 200, bodyText: '' })),
        allowedHosts: ['h.test'],
      });
      await assert.rejects(empty.sendGetRequestAsync('https://h.test/t'), /empty body/);
      const scalar = new TracedNetworkModule({
        http: recordingHttp(() => ({ status: 200, bodyText: '42', json: 42 })),
        allowedHosts: ['h.test'],
      });
      await assert.rejects(scalar.sendGetRequestAsync('https://h.test/t'), NonJsonResponseError);
    });
  });

  describe('error mapping', () => {
    const body = {
      error: 'invalid_client',
      error_description:
        'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-01-01 00:00:00Z',
      error_codes: [7000215],
      trace_id: 'trace-1',
      correlation_id: 'corr-1',
      timestamp: '2026-01-01 00:00:00Z',
    };

    it('prefers the body on the wire: codes, ids, status, first line of the description', () => {
      const info = errorInfoFromBody({ status: 401, body, url: 'u' });
      assert.deepEqual(info, {
        kind: 'aadsts',
        message: 'AADSTS7000215: Invalid client secret provided.',
        errorCodes: [7000215],
        httpStatus: 401,
        oauthError: 'invalid_client',
        traceId: 'trace-1',
        correlationId: 'corr-1',
        timestamp: '2026-01-01 00:00:00Z',
      });
      const e = mapMsalError(Object.assign(new Error('x'), { errorCode: 'invalid_client' }), {
        credential: 'ClientSecretCredential',
        profile: 'go',
        observed: { status: 401, body, url: 'u' },
      });
      assert.ok(isAuthenticationFailed(e));
      assert.match(
        e.message,
        /^ClientSecretCredential authentication failed\. AADSTS7000215: Invalid client secret provided\. To troubleshoot/,
      );
    });

    it('codes only in the description, hostile bodies, msal client errors, aborts, and pass-through', () => {
      assert.deepEqual(
        errorInfoFromBody({ status: 400, body: { error_description: 'AADSTS50076: MFA. AADSTS50079: more' }, url: 'u' })
          .errorCodes,
        [50076, 50079],
      );
      const hostile = errorInfoFromBody({
        status: 400,
        body: { error: 5, error_codes: ['x', 1.5, 123, null], error_description: 'y'.repeat(5000) },
        url: 'u',
      });
      assert.deepEqual(hostile.errorCodes, [123]);
      assert.ok(hostile.message.length <= 600);
      const net = mapMsalError(
        Object.assign(new Error('network_error'), {
          errorCode: 'network_error',
          errorMessage: 'Network request failed: ECONNREFUSED',
        }),
        { credential: 'C', profile: 'js' },
      );
      assert.equal(isAuthenticationFailed(net) && net.info.kind, 'network');
      const ac = new AbortController();
      ac.abort(new Error('user pressed cancel'));
      const ab = mapMsalError(new Error('whatever'), { credential: 'C', profile: 'go', signal: ac.signal });
      assert.equal(isAuthenticationFailed(ab) && ab.info.kind, 'aborted');
      const expired = mapMsalError(Object.assign(new Error('x'), { errorCode: 'device_code_expired' }), {
        credential: 'DeviceCodeCredential',
        profile: 'go',
      });
      assert.equal(isAuthenticationFailed(expired) && expired.info.kind, 'timeout');
    });
  });

  describe('multi-tenant guard, scopes, names', () => {
    it('resolveTenant follows the SDK rules', () => {
      assert.equal(resolveTenant('a', undefined, [], {}, 'go'), 'a');
      assert.equal(resolveTenant('a', 'a', [], {}, 'go'), 'a');
      assert.equal(resolveTenant('a', 'b', ['*'], {}, 'go'), 'b');
      assert.equal(resolveTenant('a', 'B', ['b'], {}, 'go'), 'B');
      assert.equal(resolveTenant('adfs', 'b', [], {}, 'go'), 'adfs');
      assert.equal(resolveTenant('a', 'b', [], { AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: 'true' }, 'js'), 'a');
      assert.throws(
        () => resolveTenant('a', 'b', [], {}, 'go'),
        (e) => isAuthenticationFailed(e) && /AdditionallyAllowedTenants/.test((e as Error).message),
      );
      assert.throws(
        () => resolveTenant('a', 'b', [], {}, 'js'),
        (e) =>
          isCredentialUnavailable(e) &&
          /^The current credential is not configured to acquire tokens for tenant b\. .*AdditionallyAllowedTenants/.test(
            (e as Error).message,
          ),
      );
      assert.throws(
        () => resolveTenant('a', 'b/../c', ['*'], {}, 'go'),
        (e) => isCredentialUnavailable(e),
      );
      assert.deepEqual(parseAllowedTenants(' a ; ;b;'), ['a', 'b']);
    });

    it('validateScopes refuses empty, whitespace-laden, control-character and huge scopes', () => {
      assert.deepEqual(validateScopes([' https://x/.default '], 'C'), ['https://x/.default']);
      for (const bad of [[], [''], ['a b'], ['a\u0000'], ['x'.repeat(3000)]])
        assert.throws(
          () => validateScopes(bad, 'C'),
          (e) => isAuthenticationFailed(e),
          JSON.stringify(bad).slice(0, 40),
        );
    });

    it('credential names: Go and JS spellings, short names, any case; unknown names are refused', () => {
      assert.equal(resolveCredentialName('clientsecretcredential'), 'ClientSecretCredential');
      assert.equal(resolveCredentialName('device-code'), 'DeviceCodeCredential');
      assert.equal(resolveCredentialName('AzureCliCredential'), 'AzureCLICredential');
      assert.equal(resolveCredentialName('OBO'), 'OnBehalfOfCredential');
      assert.equal(resolveCredentialName('az'), 'AzureCLICredential');
      assert.equal(resolveCredentialName('nope'), undefined);
      assert.equal(resolveCredentialName('__proto__'), undefined);
      assert.equal(resolveCredentialName('constructor'), undefined);
      assert.throws(() => createFlowCredential({ credential: 'toString' }, {}), /unknown credential/);
    });
  });
});

import { assertionClaims, assertionHint } from '../../../src/core/credentials/msal/common';
import { refuseSecretFlags } from '../../../src/cli/commands/token';

describe('assertion claims and hints (hostile input)', () => {
  const jwt = (payload: unknown, header: unknown = { alg: 'RS256', kid: 'k' }) =>
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

  it('reads iss/sub/aud/exp/nbf/iat, ignores wrong types, bounds long strings', () => {
    const c = assertionClaims(
      jwt({
        iss: 'https://issuer',
        sub: 'system:serviceaccount:a:b',
        aud: ['api://AzureADTokenExchange', 7],
        exp: 100,
        nbf: 'x',
        iat: 50,
      }),
    )!;
    assert.equal(c.iss, 'https://issuer');
    assert.deepEqual(c.aud, ['api://AzureADTokenExchange']);
    assert.equal(c.nbf, undefined);
    const long = assertionClaims(jwt({ iss: 'i'.repeat(100_000), sub: { nested: true }, aud: null }))!;
    assert.equal(long.iss!.length, 500);
    assert.equal(long.sub, undefined);
    for (const bad of ['', 'abc', 'a.b.c', '....', 'eyJ.eyJ.x', '\u0000'.repeat(10)])
      assert.equal(assertionClaims(bad), undefined, bad);
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        assertionClaims(s);
        return true;
      }),
    );
  });

  it('explains 70021/700211 with the presented claims, 700024 with the window, and nothing for other codes', () => {
    const c = assertionClaims(
      jwt({
        iss: 'https://oidc.prod-aks.azure.com/x/',
        sub: 'system:serviceaccount:ns:sa',
        aud: 'api://AzureADTokenExchange',
        exp: 2_000_000_000,
        nbf: 1_000,
        iat: 1_000,
      }),
    );
    assert.match(
      assertionHint([70021], c, 0)!,
      /issuer "https:\/\/oidc\.prod-aks\.azure\.com\/x\/", subject "system:serviceaccount:ns:sa"/,
    );
    assert.match(assertionHint([700211], c, 0)!, /must match all three exactly/);
    assert.match(assertionHint([700024], c, Date.UTC(2026, 0, 1))!, /local clock says 2026-01-01T00:00:00\.000Z/);
    assert.equal(assertionHint([7000215], c, 0), undefined);
    assert.equal(assertionHint([70021], undefined, 0), undefined);
  });
});

describe('azauth token argv guard', () => {
  it('refuses every secret-carrying flag, with or without =value, and accepts the safe ones', () => {
    for (const f of [
      '--client-secret',
      '--secret',
      '--password',
      '-p',
      '--certificate-password',
      '--refresh-token',
      '--user-assertion',
      '--assertion',
      '--access-token',
    ]) {
      assert.throws(() => refuseSecretFlags([f, 'x']), /never read from the command line/, f);
      assert.throws(() => refuseSecretFlags([`${f}=x`]), /never read from the command line/, f);
    }
    assert.doesNotThrow(() =>
      refuseSecretFlags([
        '--client-secret-env',
        'X',
        '--password-env',
        'Y',
        '--assertion-file',
        'f',
        '--refresh-token-env',
        'R',
      ]),
    );
  });

  it('resolveCredentialName never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = resolveCredentialName(s);
        return r === undefined || typeof r === 'string';
      }),
    );
  });
});
