/**
 * End to end over loopback: runner-style OIDC endpoints (src/sandbox/ci-oidc.ts) signing with the sandbox's hosted
 * issuers, the federated CI credentials, msal-node, and the sandbox's Entra token endpoint with its federated-credential
 * check. Run inside `unshare -n` (only loopback exists).
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { createCiOidc, type CiOidc } from '../../../src/sandbox/ci-oidc';
import { GitHubActionsCredential } from '../../../src/core/credentials/github-actions';
import { AzurePipelinesCredential } from '../../../src/core/credentials/azure-pipelines';
import type { Credential, StepContext } from '../../../src/core/credentials/types';
import { isAuthenticationFailed, isCredentialUnavailable } from '../../../src/core/credentials/types';
import { createStepTracer } from '../../../src/core/trace/tracer';
import { createHttpClient } from '../../../src/core/http/client';
import type { TraceEvent } from '../../../src/core/trace/events';
import { createEngine } from '../../../src/core/engine';

const CI_APP = '5e1f0c1a-7d3b-4c2e-9f60-00000000c1c1';
const SCOPE = 'https://management.azure.com/.default';

describe('federated CI credentials end to end against the sandbox', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let ci: CiOidc;
  let server: http.Server;
  let ciBase: string;

  before(async () => {
    sb = await startSandbox();
    await sb.update((cfg) => {
      if (!cfg.externalIssuers.includes('azure-pipelines')) cfg.externalIssuers.push('azure-pipelines');
      cfg.apps.push({
        clientId: CI_APP,
        displayName: 'CI deployer',
        kind: 'confidential',
        federatedCredentials: [
          {
            name: 'gh-main',
            issuer: '{authorityHost}/external/github',
            subject: 'repo:contoso/webapp:ref:refs/heads/main',
            audiences: ['api://AzureADTokenExchange'],
          },
          {
            name: 'ado',
            issuer: '{authorityHost}/external/azure-pipelines',
            subject: 'sc://contoso/webapp/sandbox-federated',
            audiences: ['api://AzureADTokenExchange'],
          },
        ],
      });
    });
    // The runner: a bare loopback server whose tokens are signed by the sandbox's hosted issuers.
    ci = createCiOidc({
      signer: {
        issuer: (kind) => `${sb.authorityHost}/external/${kind === 'github' ? 'github' : 'azure-pipelines'}`,
        sign: (kind, claims, lifetimeSec) => {
          const { sub, aud, ...rest } = claims;
          return sb.issueFederatedToken({
            issuer: kind === 'github' ? 'github' : 'azure-pipelines',
            subject: String(sub),
            audience: aud as string,
            lifetimeSec,
            claims: rest,
          });
        },
      },
    });
    server = http.createServer((req, res) => void ci.handle(req, res, ciBase));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ciBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await sb?.close();
  });
  afterEach(() => {
    ci.github.subject = undefined;
    ci.github.environment = undefined;
    ci.faults.github = undefined;
    ci.faults.pipelines = undefined;
  });

  function ctxFor(
    step: string,
    env: Record<string, string | undefined>,
  ): StepContext & { events: () => readonly TraceEvent[] } {
    const trace = createStepTracer(step, { env });
    const httpClient = createHttpClient({ trace, ca: sb.caPem, env, proxy: '' });
    return {
      env,
      signal: new AbortController().signal,
      trace,
      http: httpClient,
      proc: { run: () => Promise.reject(new Error('no processes in this test')) },
      options: { authorityHost: sb.authorityHost, ca: sb.caPem },
      inChain: false,
      profile: 'go',
      now: Date.now,
      events: () => trace.events,
    };
  }

  async function attempt(cred: Credential, env: Record<string, string | undefined>) {
    const ctx = ctxFor(cred.name, env);
    try {
      const r = await cred.getToken({ scopes: [SCOPE] }, ctx);
      return { ok: true as const, r, ctx };
    } catch (e) {
      return { ok: false as const, e, ctx };
    }
  }

  const ghEnv = () => ({ ...ci.githubEnv(ciBase), AZURE_CLIENT_ID: CI_APP, AZURE_TENANT_ID: sb.tenantId });
  const apEnv = () => ({
    ...ci.pipelinesEnv(ciBase),
    AZURESUBSCRIPTION_CLIENT_ID: CI_APP,
    AZURESUBSCRIPTION_TENANT_ID: sb.tenantId,
  });

  it('GitHub Actions: runner OIDC token → client assertion → access token, both exchanges traced, no secret in the trace', async () => {
    const a = await attempt(new GitHubActionsCredential(), ghEnv());
    assert.ok(a.ok, a.ok ? '' : String((a as { e: Error }).e?.message));
    assert.ok(a.r.token.length > 100);
    const http = a.ctx.events().filter((e) => e.kind === 'http') as Extract<TraceEvent, { kind: 'http' }>[];
    assert.ok(
      http.some(
        (e) =>
          e.url.includes('/ci/github/idtoken') &&
          e.url.includes('audience=api%3A%2F%2FAzureADTokenExchange') &&
          e.status === 200,
      ),
    );
    assert.ok(http.some((e) => /\/oauth2\/v2\.0\/token/.test(e.url) && e.status === 200));
    const text = JSON.stringify(a.ctx.events());
    assert.ok(!text.includes(ci.github.requestToken), 'request token redacted');
    assert.ok(!text.includes(a.r.token.reveal()), 'access token not in the trace');
    // The assertion's claims (not the assertion) are in the trace, for explaining AADSTS70021 later.
    assert.ok(
      a.ctx
        .events()
        .some(
          (e) =>
            e.kind === 'note' &&
            /\/external\/github$/.test(String(e.data?.iss)) &&
            e.data?.sub === 'repo:contoso/webapp:ref:refs/heads/main',
        ),
    );
  });

  it('GitHub Actions: subject mismatch (job in an environment) → AADSTS70021 explained against the token claims', async () => {
    ci.github.environment = 'production';
    const a = await attempt(new GitHubActionsCredential(), ghEnv());
    assert.equal(a.ok, false);
    const e = (a as { e: unknown }).e;
    assert.ok(isAuthenticationFailed(e));
    assert.ok(e.info.errorCodes.includes(70021));
    assert.match(e.message, /subject "repo:contoso\/webapp:environment:production"/);
    assert.match(e.message, /runs in an environment/);
  });

  it('GitHub Actions: no id-token permission → unavailable with the workflow fix', async () => {
    const env = { ...ghEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: undefined };
    const a = await attempt(new GitHubActionsCredential(), env);
    assert.ok(!a.ok && isCredentialUnavailable(a.e));
    assert.match((a as { e: Error }).e.message, /permissions: id-token: write/);
  });

  it('GitHub Actions: wrong request token → 401 classified; HTML body → parse error', async () => {
    let a = await attempt(new GitHubActionsCredential(), { ...ghEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'stale' });
    assert.ok(!a.ok && isAuthenticationFailed(a.e));
    assert.match((a as { e: Error }).e.message, /answered HTTP 401/);
    ci.faults.github = { status: 200, body: '<html><body>Proxy login</body></html>' };
    a = await attempt(new GitHubActionsCredential(), ghEnv());
    assert.ok(!a.ok && isAuthenticationFailed(a.e));
    assert.match((a as { e: Error }).e.message, /HTML page/);
  });

  it('GitHub Actions: hostile runner answers (huge body, wrong types, JSON array, empty value) end with precise parse errors', async () => {
    const cases: [string, string, RegExp][] = [
      [JSON.stringify({ value: 'x'.repeat(1024 * 1024 + 10) }), 'application/json', /a few KB/],
      [JSON.stringify({ value: 123 }), 'application/json', /without a "value" string/],
      [JSON.stringify([{ value: 'a.b.c' }]), 'application/json', /not JSON/],
      [JSON.stringify({ value: '   ' }), 'application/json', /without a "value" string/],
      ['{"value": "a.b', 'application/json', /not JSON/],
    ];
    for (const [body, contentType, re] of cases) {
      ci.faults.github = { status: 200, body, contentType };
      const a = await attempt(new GitHubActionsCredential(), ghEnv());
      assert.ok(!a.ok && isAuthenticationFailed(a.e), body.slice(0, 40));
      assert.match((a as { e: Error }).e.message, re, body.slice(0, 40));
    }
  });

  it('GitHub Actions: a runner token that is not a JWT is refused by Entra and the message says so', async () => {
    ci.faults.github = { status: 200, body: JSON.stringify({ value: 'not-a-jwt' }), contentType: 'application/json' };
    const a = await attempt(new GitHubActionsCredential(), ghEnv());
    assert.ok(!a.ok && isAuthenticationFailed(a.e));
    assert.ok(a.e.info.errorCodes.length > 0 || /assertion|JWT|malformed/i.test(a.e.message), a.e.message);
  });

  it('GitHub Actions: an unreachable runner endpoint ends with a network error, not a hang', async () => {
    const a = await attempt(new GitHubActionsCredential({ oidcTimeoutMs: 2000 }), {
      ...ghEnv(),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/idtoken?x=1',
    });
    assert.ok(!a.ok && isAuthenticationFailed(a.e));
    assert.match((a as { e: Error }).e.message, /could not be reached|request failed/);
  });

  it('Azure Pipelines: agent OIDC token for the service connection → access token', async () => {
    const a = await attempt(new AzurePipelinesCredential(), apEnv());
    assert.ok(a.ok, a.ok ? '' : String((a as { e: Error }).e?.message));
    const http = a.ctx.events().filter((e) => e.kind === 'http') as Extract<TraceEvent, { kind: 'http' }>[];
    assert.ok(
      http.some(
        (e) =>
          e.method === 'POST' && /oidctoken\?api-version=7\.1&serviceConnectionId=/.test(e.url) && e.status === 200,
      ),
    );
    assert.ok(!JSON.stringify(a.ctx.events()).includes(ci.pipelines.systemAccessToken));
  });

  it('Azure Pipelines: SYSTEM_ACCESSTOKEN not mapped → unavailable naming the mapping; wrong token → 401 with e2e id', async () => {
    let a = await attempt(new AzurePipelinesCredential(), { ...apEnv(), SYSTEM_ACCESSTOKEN: undefined });
    assert.ok(!a.ok && isCredentialUnavailable(a.e));
    assert.match((a as { e: Error }).e.message, /SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)/);
    a = await attempt(new AzurePipelinesCredential(), { ...apEnv(), SYSTEM_ACCESSTOKEN: 'wrong' });
    assert.ok(!a.ok && isAuthenticationFailed(a.e));
    assert.match((a as { e: Error }).e.message, /HTTP 401 \(x-vss-e2eid [0-9a-f-]+/);
  });

  it('Azure Pipelines: unknown service connection → 404 explained; issuer not registered → AADSTS700211 explained', async () => {
    let a = await attempt(new AzurePipelinesCredential({ serviceConnectionId: 'nope' }), apEnv());
    assert.ok(!a.ok);
    assert.match((a as { e: Error }).e.message, /not authorized to use it/);
    ci.pipelines.serviceConnections['11111111-2222-3333-4444-555555555555'] = 'renamed-connection';
    a = await attempt(
      new AzurePipelinesCredential({ serviceConnectionId: '11111111-2222-3333-4444-555555555555' }),
      apEnv(),
    );
    assert.ok(!a.ok && isAuthenticationFailed(a.e));
    assert.ok(a.e.info.errorCodes.includes(70021));
    assert.match(a.e.message, /sc:\/\/<organization>\/<project>\/<service connection name>/);
    assert.match(a.e.message, /subject "sc:\/\/contoso\/webapp\/renamed-connection"/);
  });

  it('through the engine: registered credentials run with their prediction settled (should-work, agrees)', async () => {
    const engine = createEngine();
    const options = { authorityHost: sb.authorityHost, ca: sb.caPem };
    const gh = await engine.runCredential('GitHubActionsCredential', {}, { env: ghEnv(), options });
    assert.equal(gh.result.outcome, 'success', gh.result.message);
    assert.deepEqual([gh.result.prediction?.verdict, gh.result.prediction?.agrees], ['should-work', true]);
    assert.ok(gh.accessToken && !JSON.stringify(gh).includes(gh.accessToken.reveal()));
    const ap = await engine.runCredential('AzurePipelinesCredential', {}, { env: apEnv(), options });
    assert.equal(ap.result.outcome, 'success', ap.result.message);
    assert.equal(ap.result.prediction?.agrees, true);
  });
});
