/**
 * Without any network: a recording HttpClient answers msal-node, so we can see exactly which URLs each flow asks for
 * on the public, China and US Government clouds, and what the client assertion carries (x5t / x5t#S256 / x5c).
 */
import assert from 'node:assert/strict';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { makeCertificate, makeCtx } from './helpers';
import { ClientSecretCredential } from '../../../src/core/credentials/client-secret';
import { ClientCertificateCredential } from '../../../src/core/credentials/client-certificate';
import { UsernamePasswordCredential } from '../../../src/core/credentials/username-password';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/core/http/types';
import type { ChainProfile } from '../../../src/core/model';

function fakeEntra(): HttpClient & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(
    JSON.stringify({ aud: 'https://management.azure.com', tid: 't', appid: 'c', exp: now + 3600, iat: now }),
  ).toString('base64url');
  return {
    seen,
    async send(req: HttpRequest): Promise<HttpResponse> {
      seen.push(req);
      const body = { token_type: 'Bearer', expires_in: 3599, access_token: `${header}.${payload}.sig` };
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        bodyText: JSON.stringify(body),
        json: body,
        durationMs: 1,
        attempts: 1,
      };
    },
  };
}

const T = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('authority pinning and assertion headers (no network)', () => {
  for (const [name, host] of [
    ['public cloud (default)', undefined],
    ['China', 'https://login.chinacloudapi.cn'],
    ['US Government', 'https://login.microsoftonline.us'],
    ['custom', 'https://sts.contoso.test:8443'],
  ] as const) {
    it(`${name}: the only request is the token request to the configured host (no instance discovery, no openid-configuration)`, async () => {
      const http = fakeEntra();
      const { ctx } = makeCtx(undefined, { options: { authorityHost: host } });
      ctx.http = http;
      const tok = await new ClientSecretCredential({
        tenantId: T,
        clientId: 'c',
        clientSecret: 'abcd-secret',
      }).getToken({ scopes: ['https://management.azure.com/.default'] }, ctx);
      assert.ok(tok.token.length > 0);
      assert.deepEqual(
        http.seen.map((r) => r.url.split('?')[0]),
        [`${host ?? 'https://login.microsoftonline.com'}/${T}/oauth2/v2.0/token`],
      );
    });
  }

  it('user flows on the organizations tenant are pinned too (ROPC)', async () => {
    const http = fakeEntra();
    const { ctx } = makeCtx(undefined, { options: { authorityHost: 'https://sts.contoso.test' } });
    ctx.http = http;
    await new UsernamePasswordCredential({
      tenantId: 'organizations',
      clientId: 'c',
      username: 'u@x.test',
      password: 'pw-1234',
    }).getToken({ scopes: ['https://management.azure.com/.default'] }, ctx);
    assert.ok(
      http.seen.every((r) => r.url.startsWith('https://sts.contoso.test/organizations/')),
      http.seen.map((r) => r.url).join(' '),
    );
  });

  const cert = makeCertificate('pinning-cert');
  const assertionOf = (r: HttpRequest) => new URLSearchParams(String(r.body)).get('client_assertion')!;

  for (const [profile, alg, thumb] of [
    ['go', 'RS256', 'x5t'],
    ['js', 'PS256', 'x5t#S256'],
  ] as [ChainProfile, string, string][]) {
    it(`${profile} profile: the certificate assertion is ${alg} with ${thumb}; x5c only with send-certificate-chain; aud is the token endpoint`, async () => {
      for (const chain of [false, true]) {
        const http = fakeEntra();
        const { ctx } = makeCtx(undefined, { profile, options: { authorityHost: 'https://sts.contoso.test' } });
        ctx.http = http;
        await new ClientCertificateCredential({
          tenantId: T,
          clientId: 'c',
          certificate: Buffer.from(cert.pem),
          sendCertificateChain: chain,
        }).getToken({ scopes: ['https://management.azure.com/.default'] }, ctx);
        const a = assertionOf(http.seen[0]!);
        const h = decodeProtectedHeader(a);
        assert.equal(h.alg, alg);
        assert.ok(typeof (h as Record<string, unknown>)[thumb] === 'string');
        assert.equal(Array.isArray(h.x5c), chain, `x5c present: ${chain}`);
        if (chain) assert.equal(h.x5c![0], cert.certPem.replace(/-----[A-Z ]+-----|\s/g, ''));
        const p = decodeJwt(a);
        assert.equal(p.aud, `https://sts.contoso.test/${T}/oauth2/v2.0/token`);
        assert.equal(p.iss, 'c');
        assert.equal(p.sub, 'c');
      }
    });
  }
});
