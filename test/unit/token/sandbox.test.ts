/**
 * Tokens issued by the sandbox decode, validate (signature against its JWKS included) and explain fully.
 * Run inside a loopback-only network namespace (scripts/test.mjs does; see docs/HELPERS.md).
 */
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { decodeToken } from '../../../src/core/token/decode';
import { explainClaims } from '../../../src/core/token/claims';
import { tokenExpiry } from '../../../src/core/token/expiry';
import { discoverJwks, validateToken } from '../../../src/core/token/validate';
import { summarizeToken } from '../../../src/core/token/summary';

function call(
  sb: Sandbox,
  url: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: form ? 'POST' : 'GET',
        ca: sb.caPem,
        headers: { ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const getJson = (sb: Sandbox) => async (url: string) => {
  const r = await call(sb, url);
  assert.equal(r.status, 200, `GET ${url}: ${r.status}`);
  return JSON.parse(r.body) as unknown;
};

describe('sandbox-issued tokens', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.close();
  });

  async function clientCredentialsToken(scope: string): Promise<string> {
    const r = await call(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope,
    });
    assert.equal(r.status, 200, r.body);
    return (JSON.parse(r.body) as { access_token: string }).access_token;
  }

  it('a client-credentials token for ARM decodes, explains every claim and validates with the discovered JWKS', async () => {
    const token = await clientCredentialsToken('https://management.azure.com/.default');
    const d = decodeToken(token);
    assert.ok(d.ok && d.kind === 'jwt', JSON.stringify(d).slice(0, 200));
    const now = Date.now();
    const claims = explainClaims(d.payload, d.header, { now });
    const unknown = claims.filter((c) => !c.known).map((c) => c.name);
    assert.deepEqual(unknown, [], `claims the catalog does not know: ${unknown.join(', ')}`);
    assert.ok(claims.every((c) => c.meaning.length > 0));
    assert.equal(tokenExpiry(d.payload, { now }).state, 'fresh');

    const issuer = String(d.payload.iss);
    const seen: string[] = [];
    const v = await validateToken(token, {
      now,
      expectedScope: 'https://management.azure.com/.default',
      expectedTenant: sb.tenantId,
      fetchJwks: async (iss) => {
        seen.push(iss);
        return discoverJwks(iss, getJson(sb), { authorityHost: sb.authorityHost });
      },
    });
    assert.deepEqual(seen, [issuer]);
    const by = Object.fromEntries(v.verdicts.map((x) => [x.check, x]));
    assert.equal(by.signature.verdict, 'pass', by.signature.reason);
    assert.equal(by.audience.verdict, 'pass', by.audience.reason);
    assert.equal(by.time.verdict, 'pass', by.time.reason);
    // The sandbox issues with Entra's issuer forms (keys discovered from the sandbox host, not the issuer's).
    assert.equal(by.issuer.verdict, 'pass', by.issuer.reason);
    assert.ok(by.issuer.reason.includes(sb.tenantId));
    assert.equal(v.valid, true);

    const s = summarizeToken(token, {
      credential: 'ClientSecretCredential',
      scope: 'https://management.azure.com/.default',
      fromCache: false,
      expiresOnEpochMs: now + 3600_000,
    });
    assert.equal(s.tenantId, sb.tenantId);
    assert.equal(s.identityType, 'application');
  });

  it('the signature fails against another tenant-less key set, and a tampered token fails', async () => {
    const token = await clientCredentialsToken('https://vault.azure.net/.default');
    const jwks = await getJson(sb)(sb.urls.jwks);
    const [h, p, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['Everything'] })).toString('base64url')}.${sig}`;
    const v = await validateToken(forged, { now: Date.now(), jwks: jwks as never });
    assert.equal(v.verdicts.find((x) => x.check === 'signature')?.verdict, 'fail');
    const ok = await validateToken(token, {
      now: Date.now(),
      jwks: jwks as never,
      expectedResource: 'https://vault.azure.net',
    });
    assert.deepEqual(
      ok.verdicts.filter((x) => x.check !== 'issuer').map((x) => x.verdict),
      ['pass', 'pass', 'pass', 'skipped'],
    );
  });

  it('a managed identity token from the sandbox IMDS explains its identity', async () => {
    const r = await call(
      sb,
      `${sb.urls.imdsToken}?api-version=2018-02-01&resource=${encodeURIComponent('https://management.azure.com/')}&client_id=${DEMO.uamiOneClientId}`,
      undefined,
      { Metadata: 'true' },
    );
    assert.equal(r.status, 200, r.body);
    const token = (JSON.parse(r.body) as { access_token: string }).access_token;
    const d = decodeToken(token);
    assert.ok(d.ok && d.kind === 'jwt');
    const claims = explainClaims(d, { now: Date.now() });
    const unknown = claims.filter((c) => !c.known).map((c) => c.name);
    assert.deepEqual(unknown, [], `claims the catalog does not know: ${unknown.join(', ')}`);
    const mirid = claims.find((c) => c.name === 'xms_mirid');
    assert.ok(mirid, 'the sandbox puts the managed identity resource id in xms_mirid');
    assert.match(mirid.interpretation, /managed identity/);
    const v = await validateToken(token, {
      now: Date.now(),
      fetchJwks: (iss) => discoverJwks(iss, getJson(sb), { authorityHost: sb.authorityHost }),
    });
    assert.equal(v.verdicts.find((x) => x.check === 'signature')?.verdict, 'pass');
  });
});
