import assert from 'node:assert/strict';
import { captureSink, withSandbox } from './helpers';
import { runDiscovery, discoverTenant } from '../../../src/core/discovery';
import { createStepTracer } from '../../../src/core/trace/tracer';
import { isAuthenticationFailed } from '../../../src/core/credentials/types';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/core/http/types';
import type { Sandbox } from '../../../src/sandbox/index';

/** An HttpClient that answers from a table (for hostile documents the sandbox does not serve). */
function fakeHttp(
  answers: Record<string, { status?: number; body: string; type?: string }>,
): HttpClient & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    async send(req: HttpRequest): Promise<HttpResponse> {
      seen.push(req.url);
      const a = answers[req.url];
      if (!a)
        return {
          status: 404,
          headers: { 'content-type': 'text/plain' },
          bodyText: 'not found',
          durationMs: 1,
          attempts: 1,
        };
      let json: unknown;
      try {
        json = JSON.parse(a.body);
      } catch {
        json = undefined;
      }
      return {
        status: a.status ?? 200,
        headers: { 'content-type': a.type ?? 'application/json' },
        bodyText: a.body,
        json,
        durationMs: 1,
        attempts: 1,
      };
    },
  };
}

const HOST = 'https://login.example.test';
const T = '11111111-2222-4333-8444-555555555555';
const OIDC = `${HOST}/${T}/v2.0/.well-known/openid-configuration`;
const doc = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    issuer: `${HOST}/${T}/v2.0`,
    token_endpoint: `${HOST}/${T}/oauth2/v2.0/token`,
    authorization_endpoint: `${HOST}/${T}/oauth2/v2.0/authorize`,
    jwks_uri: `${HOST}/${T}/discovery/v2.0/keys`,
    ...over,
  });

async function discover(http: HttpClient, tenantId = T) {
  return discoverTenant({ tenantId, authorityHost: HOST }, { http, trace: createStepTracer('discovery'), env: {} });
}

describe('OIDC discovery', () => {
  describe('against the sandbox', () => {
    let sb: Sandbox;
    before(async () => {
      sb = await withSandbox();
    });
    after(async () => sb?.close());

    it('fetches the openid-configuration and the JWKS of a tenant (by id and by domain)', async () => {
      const { sink, captured } = captureSink();
      const run = await runDiscovery(
        { tenantId: sb.tenantId },
        { sink, env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
      );
      assert.equal(run.result.outcome, 'success', run.result.message);
      const d = run.discovery!;
      assert.equal(d.issuer, `${sb.authorityHost}/${sb.tenantId}/v2.0`);
      assert.equal(d.tokenEndpoint, `${sb.authorityHost}/${sb.tenantId}/oauth2/v2.0/token`);
      assert.ok(d.keys.length >= 1 && d.keys.every((k) => k.kid && k.kty === 'RSA'));
      assert.deepEqual(d.warnings, []);
      assert.ok(d.authorityMetadata && JSON.parse(d.authorityMetadata).token_endpoint === d.tokenEndpoint);
      const urls = captured.events.filter((e) => e.kind === 'http').map((e) => (e as { url: string }).url);
      assert.deepEqual(urls, [`${sb.authorityHost}/${sb.tenantId}/v2.0/.well-known/openid-configuration`, d.jwksUri]);
      const byName = await runDiscovery(
        { tenantId: 'sandbox.onmicrosoft.com' },
        { env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
      );
      assert.equal(byName.result.outcome, 'success', byName.result.message);
      assert.equal(byName.discovery?.issuerTenantId, sb.tenantId);
    });

    it('an unknown tenant fails with AADSTS90002', async () => {
      const run = await runDiscovery(
        { tenantId: 'no-such-tenant.onmicrosoft.com' },
        { env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
      );
      assert.equal(run.result.outcome, 'failed');
      assert.ok(run.result.errorCodes.includes(90002), JSON.stringify(run.result));
      assert.match(run.result.message, /was not found/);
    });

    it('an HTML page instead of the document is a parse failure with an excerpt', async () => {
      await sb.update((c) => {
        c.faults = [{ endpoint: 'openid-configuration', status: 200, body: 'html' }];
      });
      try {
        const run = await runDiscovery(
          { tenantId: sb.tenantId },
          { env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
        );
        assert.equal(run.result.outcome, 'failed');
        assert.equal(run.result.error?.kind, 'parse');
        assert.match(run.result.message, /is not JSON/);
      } finally {
        await sb.update((c) => {
          c.faults = [];
        });
      }
    });

    it('a connection reset is a network failure; a refused port too; never a throw', async () => {
      await sb.update((c) => {
        c.faults = [{ endpoint: 'openid-configuration', reset: true }];
      });
      try {
        const run = await runDiscovery(
          { tenantId: sb.tenantId },
          { env: {}, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
        );
        assert.equal(run.result.outcome, 'failed');
        assert.equal(run.result.error?.kind, 'network');
      } finally {
        await sb.update((c) => {
          c.faults = [];
        });
      }
      const refused = await runDiscovery(
        { tenantId: sb.tenantId },
        { env: {}, options: { authorityHost: 'https://127.0.0.1:1', ca: sb.caPem } },
      );
      assert.equal(refused.result.outcome, 'failed');
      assert.equal(refused.result.error?.kind, 'network');
    });
  });

  describe('hostile and malformed documents', () => {
    it('endpoints on another host are reported and the JWKS there is not fetched', async () => {
      const http = fakeHttp({
        [OIDC]: { body: doc({ jwks_uri: 'https://evil.example/keys', token_endpoint: 'https://evil.example/token' }) },
      });
      const d = await discover(http);
      assert.ok(d.warnings.some((w) => /token_endpoint points to https:\/\/evil\.example/.test(w)));
      assert.ok(d.warnings.some((w) => /JWKS was not fetched/.test(w)));
      assert.equal(d.authorityMetadata, undefined, 'not usable as msal metadata');
      assert.deepEqual(http.seen, [OIDC]);
    });

    it('missing fields, non-objects, arrays, and huge key lists', async () => {
      await assert.rejects(
        discover(fakeHttp({ [OIDC]: { body: JSON.stringify({ issuer: 'x' }) } })),
        /has no "token_endpoint"/,
      );
      await assert.rejects(discover(fakeHttp({ [OIDC]: { body: '[1,2,3]' } })), /not a JSON object/);
      await assert.rejects(discover(fakeHttp({ [OIDC]: { body: '"just a string"' } })), /not a JSON object/);
      await assert.rejects(
        discover(fakeHttp({ [OIDC]: { body: doc({ token_endpoint: 42 }) } })),
        /has no "token_endpoint"/,
      );
      const jwks = `${HOST}/${T}/discovery/v2.0/keys`;
      await assert.rejects(
        discover(fakeHttp({ [OIDC]: { body: doc() }, [jwks]: { body: JSON.stringify({ keys: 'nope' }) } })),
        /no "keys" array/,
      );
      const many = Array.from({ length: 5000 }, (_, i) => ({ kid: `k${i}`, kty: 'RSA', x5c: ['AAAA'] }));
      const d = await discover(
        fakeHttp({
          [OIDC]: { body: doc() },
          [jwks]: { body: JSON.stringify({ keys: [...many, null, 7, 'x', { kty: 'RSA' }] }) },
        }),
      );
      assert.equal(d.keys.length, 100);
      assert.ok(d.warnings.some((w) => /only the first 100/.test(w)));
      const empty = await discover(
        fakeHttp({ [OIDC]: { body: doc() }, [jwks]: { body: JSON.stringify({ keys: [] }) } }),
      );
      assert.ok(empty.warnings.some((w) => /no keys/.test(w)));
    });

    it('an Entra error body is classified; a bad tenant id is refused before any request', async () => {
      const http = fakeHttp({
        [OIDC]: {
          status: 400,
          body: JSON.stringify({
            error: 'invalid_tenant',
            error_description: 'AADSTS90002: Tenant not found.',
            error_codes: [90002],
            trace_id: 't',
            correlation_id: 'c',
          }),
        },
      });
      await assert.rejects(
        discover(http),
        (e) => isAuthenticationFailed(e) && e.info.errorCodes[0] === 90002 && e.info.oauthError === 'invalid_tenant',
      );
      const none = fakeHttp({});
      for (const bad of ['', '../x', 'a b', 'x?y', 'a'.repeat(300), '\u0000']) {
        await assert.rejects(discover(none, bad), (e) => isAuthenticationFailed(e) && e.info.kind === 'config');
      }
      assert.equal(none.seen.length, 0);
    });

    it('a non-https authority host is refused', async () => {
      await assert.rejects(
        discoverTenant(
          { tenantId: T, authorityHost: 'http://login.example.test' },
          { http: fakeHttp({}), trace: createStepTracer('d'), env: {} },
        ),
        /https/,
      );
    });
  });
});
