/**
 * From token to authorized call, end to end: real tokens from the sandbox's Entra endpoints (and a few signed with
 * its key to reach expired / other-tenant states), sent by callResource to the sandbox's resource stand-ins; each
 * 401 / 403 class is asserted by classification, cross-check findings and the suggested fix.
 * Run inside a loopback-only network namespace.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { startSandbox, DEMO, OTHER_TENANT_ID, AZURE_CLI_CLIENT_ID, type Sandbox } from '../../../src/sandbox/index';
import {
  callResource,
  checkResourceUrl,
  isResourceCallError,
  type ResourceCallRequest,
} from '../../../src/core/resource/call';
import { findPreset, presetUrl } from '../../../src/core/resource/services';
import { MemorySink } from '../../../src/core/trace/sinks';
import { createStepTracer } from '../../../src/core/trace/tracer';
import { postForm } from '../sandbox/helpers';

async function appToken(sb: Sandbox, scope: string): Promise<string> {
  const r = await postForm(sb, sb.urls.token, {
    grant_type: 'client_credentials',
    client_id: DEMO.confidentialClientId,
    client_secret: DEMO.confidentialSecret,
    scope,
  });
  assert.equal(r.status, 200, r.body);
  return String(r.json().access_token);
}

async function userToken(sb: Sandbox, scope: string): Promise<string> {
  const r = await postForm(sb, sb.urls.token, {
    grant_type: 'password',
    client_id: AZURE_CLI_CLIENT_ID,
    username: 'alice@sandbox.onmicrosoft.com',
    password: DEMO.password,
    scope,
  });
  assert.equal(r.status, 200, r.body);
  return String(r.json().access_token);
}

function oidOf(token: string): string {
  return String(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).oid);
}

describe('resource: try a token against the sandbox resources', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let base: string;
  const now = () => Math.floor(Date.now() / 1000);
  const call = (
    preset: string,
    token: string,
    params: Record<string, string> = {},
    extra: Partial<ResourceCallRequest> = {},
  ) => {
    const p = findPreset(preset)!;
    const svc = p.service === 'keyvault' ? 'vault' : p.service;
    return callResource(
      {
        method: 'GET',
        url: presetUrl(p, params, `${base}/${svc}`),
        token,
        service: p.service,
        headers: p.headers,
        ...extra,
      },
      { ca: sb.caPem, deadlineMs: 10_000 },
    );
  };
  before(async () => {
    sb = await startSandbox();
    base = sb.resources.baseUrl;
  });
  after(async () => {
    await sb?.close();
  });

  describe('Azure Resource Manager', () => {
    it('a valid app token lists subscriptions (authorized, audience and tenant findings ok)', async () => {
      const r = await call('arm-subscriptions', await appToken(sb, 'https://management.azure.com/.default'));
      assert.equal(r.response.status, 200);
      assert.equal(r.explanation.outcome, 'authorized');
      assert.equal(r.explanation.findings.find((f) => f.check === 'audience')?.verdict, 'ok');
    });

    it('AuthorizationFailed: permission class, the principal in the error is the token oid, and the az role assignment line built from the error', async () => {
      const token = await appToken(sb, 'https://management.azure.com/.default');
      const oid = oidOf(token);
      const r = await call('arm-resource-groups', token, { subscription: DEMO.subscriptionId });
      assert.equal(r.response.status, 403);
      assert.equal(r.explanation.entry?.code, 'AuthorizationFailed');
      assert.equal(r.explanation.classification, 'permission');
      assert.equal(r.explanation.findings.find((f) => f.check === 'principal')?.verdict, 'ok');
      assert.match(
        r.explanation.findings.find((f) => f.check === 'permissions')!.message,
        /Microsoft\.Resources\/subscriptions\/resourceGroups\/read/,
      );
      assert.equal(
        r.explanation.fixes[0],
        `\`az role assignment create --assignee ${oid} --role "Reader" --scope "/subscriptions/${DEMO.subscriptionId}"\``,
      );
      // Applying the fix makes the call succeed.
      sb.resources.state.armRoleAssignments.push({
        principalId: oid,
        role: 'Reader',
        scope: `/subscriptions/${DEMO.subscriptionId}`,
      });
      const again = await call('arm-resource-groups', token, { subscription: DEMO.subscriptionId });
      assert.equal(again.response.status, 200);
      sb.resources.state.armRoleAssignments.length = 0;
    });

    it('InvalidAuthenticationTokenAudience: a Key Vault token sent to ARM', async () => {
      const r = await call('arm-subscriptions', await appToken(sb, 'https://vault.azure.net/.default'));
      assert.equal(r.response.status, 401);
      assert.equal(r.explanation.classification, 'audience');
      assert.equal(r.explanation.findings.find((f) => f.check === 'audience')?.verdict, 'problem');
      assert.match(r.explanation.fixes[0]!, /Request a token for https:\/\/management\.azure\.com/);
    });

    it('InvalidAuthenticationTokenTenant: the tenant in the error vs the token tid, and az login --tenant', async () => {
      const token = await sb.resources.signToken({
        aud: 'https://management.azure.com/',
        iss: `https://sts.windows.net/${OTHER_TENANT_ID}/`,
        tid: OTHER_TENANT_ID,
        oid: 'da4e0000-0000-4000-8000-00000000da4e',
        iat: now(),
        nbf: now(),
        exp: now() + 3600,
      });
      const r = await call('arm-resource-groups', token, { subscription: DEMO.subscriptionId });
      assert.equal(r.response.status, 401);
      assert.equal(r.explanation.classification, 'tenant');
      assert.equal(r.explanation.challenge?.tenant, sb.tenantId);
      const t = r.explanation.findings.find((f) => f.check === 'tenant')!;
      assert.equal(t.verdict, 'problem');
      assert.ok(t.message.includes(OTHER_TENANT_ID) && t.message.includes(sb.tenantId));
      assert.ok(
        r.explanation.fixes.includes(
          `Request the token from tenant ${sb.tenantId}: \`az login --tenant ${sb.tenantId}\` (or tenantId on the credential).`,
        ),
      );
    });

    it('ExpiredAuthenticationToken: exp vs the server clock, with the skew line', async () => {
      const token = await sb.resources.signToken({
        aud: 'https://management.azure.com',
        tid: sb.tenantId,
        oid: 'a',
        iat: now() - 7200,
        nbf: now() - 7200,
        exp: now() - 3600,
      });
      const r = await call('arm-subscriptions', token);
      assert.equal(r.explanation.classification, 'expired');
      const t = r.explanation.findings.find((f) => f.check === 'time')!;
      assert.equal(t.verdict, 'problem');
      assert.match(
        t.message,
        /expired at .*(59m|1h 00m) before the server's time\. Clock skew against the server: \d+s\./,
      );
      assert.match(r.explanation.fixes[0]!, /Request a new token/);
    });

    it('a token signed by another key: InvalidAuthenticationToken (signature class)', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT({ aud: 'https://management.azure.com', tid: sb.tenantId, oid: 'x' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
      const r = await call('arm-subscriptions', token, {}, {});
      assert.equal(r.response.status, 401);
      assert.equal(r.explanation.classification, 'signature');
    });

    it('CAE: a revoked session draws a claims challenge; the claims the API wants and the re-acquire fix', async () => {
      const token = await appToken(sb, 'https://management.azure.com/.default');
      sb.resources.revokeSessions(oidOf(token));
      const r = await call('arm-subscriptions', token);
      assert.equal(r.response.status, 401);
      assert.equal(r.explanation.classification, 'claims-challenge');
      assert.equal(r.explanation.challenge?.wants?.[0]?.claim, 'access_token.nbf');
      assert.equal(r.explanation.challenge?.wants?.[0]?.essential, true);
      assert.match(r.explanation.fixes[0]!, /az login --claims-challenge "ey/);
      sb.resources.state.revokedSessions = {};
    });
  });

  describe('Microsoft Graph', () => {
    it('/me with a delegated token works; /organization with an app token lacking a permission is Authorization_RequestDenied', async () => {
      const me = await call('graph-me', await userToken(sb, 'https://graph.microsoft.com/User.Read'));
      assert.equal(me.response.status, 200);
      const org = await call('graph-organization', await appToken(sb, 'https://graph.microsoft.com/.default'));
      assert.equal(org.response.status, 403);
      assert.equal(org.explanation.entry?.code, 'Authorization_RequestDenied');
      assert.equal(org.explanation.classification, 'permission');
      assert.match(
        org.explanation.findings.find((f) => f.check === 'permissions')!.message,
        /roles: Sandbox\.Read\.All.*application permission/,
      );
    });

    it('InvalidAuthenticationToken for an ARM token (audience) and a CAE challenge (insufficient_claims)', async () => {
      const wrong = await call('graph-me', await appToken(sb, 'https://management.azure.com/.default'));
      assert.equal(wrong.explanation.classification, 'audience');
      const token = await userToken(sb, 'https://graph.microsoft.com/User.Read');
      sb.resources.revokeSessions(oidOf(token));
      const cae = await call('graph-me', token);
      assert.equal(cae.explanation.challenge?.error, 'insufficient_claims');
      assert.equal(cae.explanation.classification, 'claims-challenge');
      assert.equal(cae.explanation.entry?.class, 'claims-challenge');
      sb.resources.state.revokedSessions = {};
    });
  });

  describe('Key Vault', () => {
    it('RBAC vault: Forbidden / ForbiddenByRbac and the Key Vault Secrets User assignment on the vault scope', async () => {
      const token = await appToken(sb, 'https://vault.azure.net/.default');
      const oid = oidOf(token);
      const r = await call('keyvault-secrets', token, { vault: 'sandbox-vault' });
      assert.equal(r.response.status, 403);
      assert.equal(r.explanation.body.innerCode, 'ForbiddenByRbac');
      assert.equal(r.explanation.classification, 'permission');
      assert.equal(r.explanation.findings.find((f) => f.check === 'principal')?.verdict, 'ok');
      assert.match(
        r.explanation.fixes[0]!,
        new RegExp(
          `^\\\`az role assignment create --assignee ${oid} --role "Key Vault Secrets User" --scope "/subscriptions/.*/vaults/sandbox-vault"\``,
        ),
      );
    });

    it('access-policy vault: Forbidden / AccessDenied and az keyvault set-policy', async () => {
      const token = await appToken(sb, 'https://vault.azure.net/.default');
      const r = await call('keyvault-secrets', token, { vault: 'policy-vault' });
      assert.equal(r.explanation.classification, 'access-policy');
      assert.equal(
        r.explanation.fixes[0],
        `\`az keyvault set-policy --name policy-vault --object-id ${oidOf(token)} --secret-permissions list\``,
      );
      sb.resources.state.vaults[1]!.accessPolicies.push({ objectId: oidOf(token), secrets: ['list'] });
      assert.equal((await call('keyvault-secrets', token, { vault: 'policy-vault' })).response.status, 200);
    });

    it('Unauthorized AKV10022 (audience) and AKV10032 (tenant, from the challenge)', async () => {
      const aud = await call('keyvault-secrets', await appToken(sb, 'https://storage.azure.com/.default'), {
        vault: 'sandbox-vault',
      });
      assert.equal(aud.explanation.classification, 'audience');
      assert.match(aud.explanation.fixes[0]!, /https:\/\/vault\.azure\.net/);
      const other = await sb.resources.signToken({
        aud: 'https://vault.azure.net',
        iss: `https://sts.windows.net/${OTHER_TENANT_ID}/`,
        tid: OTHER_TENANT_ID,
        oid: 'o',
        iat: now(),
        exp: now() + 600,
      });
      const ten = await call('keyvault-secrets', other, { vault: 'sandbox-vault' });
      assert.equal(ten.explanation.classification, 'tenant');
      assert.equal(ten.explanation.findings.find((f) => f.check === 'tenant')?.verdict, 'problem');
    });
  });

  describe('Storage', () => {
    it('AuthorizationPermissionMismatch with the data-role fix; missing x-ms-version (scheme); audience; firewall', async () => {
      const token = await appToken(sb, 'https://storage.azure.com/.default');
      const r = await call('storage-containers', token, { account: 'sandboxstore' });
      assert.equal(r.response.status, 403);
      assert.equal(r.explanation.classification, 'permission');
      assert.match(r.explanation.fixes[0]!, new RegExp(`--assignee ${oidOf(token)} --role "Storage Blob Data Reader"`));
      const noVersion = await call('storage-containers', token, { account: 'sandboxstore' }, { headers: {} });
      assert.equal(noVersion.explanation.classification, 'scheme');
      const aud = await call('storage-containers', await appToken(sb, 'https://vault.azure.net/.default'), {
        account: 'sandboxstore',
      });
      assert.equal(aud.response.status, 401);
      assert.equal(aud.explanation.challenge?.resource, 'https://storage.azure.com');
      assert.equal(aud.explanation.classification, 'audience');
      sb.resources.state.storageAccounts[0]!.firewallBlocksAll = true;
      const fw = await call('storage-containers', token, { account: 'sandboxstore' });
      assert.equal(fw.explanation.classification, 'network');
      sb.resources.state.storageAccounts[0]!.firewallBlocksAll = false;
    });
  });

  describe('Service Bus', () => {
    it("'Manage' claim(s) are required: permission class and the Data Owner role; ExpiredToken", async () => {
      const token = await sb.resources.signToken({
        aud: 'https://servicebus.azure.net',
        tid: sb.tenantId,
        oid: 'b0b00000-0000-4000-8000-000000000b0b',
        iat: now(),
        exp: now() + 600,
      });
      const r = await call('servicebus-queue', token, { namespace: 'sandbox-bus', entity: 'orders' });
      assert.equal(r.response.status, 401);
      assert.equal(r.explanation.classification, 'permission');
      assert.match(r.explanation.fixes[0]!, /--role "Azure Service Bus Data Owner"/);
      const expired = await sb.resources.signToken({
        aud: 'https://servicebus.azure.net',
        tid: sb.tenantId,
        oid: 'b',
        iat: now() - 9000,
        exp: now() - 5000,
      });
      const e = await call('servicebus-queue', expired, { namespace: 'sandbox-bus', entity: 'orders' });
      assert.equal(e.explanation.classification, 'expired');
    });
  });

  describe('the request goes only where the user said', () => {
    it('a redirect to another host is not followed with the token; a same-origin redirect is', async () => {
      const seen: string[] = [];
      const other = http.createServer((req, res) => {
        seen.push(String(req.headers.authorization ?? 'none'));
        res.end('{}');
      });
      const first = http.createServer((req, res) => {
        if (req.url === '/same') {
          res.writeHead(302, { location: '/final' });
          return res.end();
        }
        if (req.url === '/final') return res.end('{"ok":true}');
        res.writeHead(302, { location: `http://localhost:${(other.address() as AddressInfo).port}/steal` });
        res.end();
      });
      await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
      await new Promise<void>((r) => first.listen(0, '127.0.0.1', r));
      try {
        const token = await appToken(sb, 'https://management.azure.com/.default');
        const port = (first.address() as AddressInfo).port;
        const r = await callResource({ method: 'GET', url: `http://127.0.0.1:${port}/start`, token });
        assert.equal(r.response.status, 302);
        assert.equal(r.redirects[0]?.followed, false);
        assert.match(r.redirects[0]!.reason, /another origin/);
        assert.deepEqual(seen, []);
        const same = await callResource({ method: 'GET', url: `http://127.0.0.1:${port}/same`, token });
        assert.equal(same.response.status, 200);
        assert.deepEqual(
          same.redirects.map((x) => x.followed),
          [true],
        );
      } finally {
        first.close();
        other.close();
      }
    });

    it('plain http only for loopback; the token never appears in the result or the trace', async () => {
      assert.throws(
        () => checkResourceUrl('http://management.azure.com/subscriptions'),
        (e: unknown) => isResourceCallError(e) && e.kind === 'insecure-url',
      );
      assert.doesNotThrow(() => checkResourceUrl('http://[::1]:8080/x'));
      assert.throws(() => checkResourceUrl('https://user:pw@example.com/'), /user name or password/);
      const token = await appToken(sb, 'https://management.azure.com/.default');
      const sink = new MemorySink();
      const trace = createStepTracer('call', { sink });
      const p = findPreset('arm-resource-groups')!;
      const r = await callResource(
        {
          method: 'GET',
          url: presetUrl(p, { subscription: DEMO.subscriptionId }, `${base}/arm`),
          token,
          service: 'arm',
        },
        { ca: sb.caPem, trace },
      );
      const all = JSON.stringify(r) + JSON.stringify(sink.events);
      assert.ok(sink.events.some((e) => e.kind === 'http'));
      assert.ok(!all.includes(token));
      assert.ok(!all.includes(token.split('.')[2]!));
      assert.equal(r.request.headers.authorization, 'Bearer [REDACTED]');
    });

    it('the overall deadline ends a silent server with a timeout; an oversized body is refused', async () => {
      const silent = http.createServer(() => undefined);
      const big = http.createServer((_req, res) => res.end('x'.repeat(300_000)));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
      try {
        const token = await appToken(sb, 'https://management.azure.com/.default');
        await assert.rejects(
          callResource(
            { method: 'GET', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, token },
            { deadlineMs: 300 },
          ),
          (e: unknown) => isResourceCallError(e) && e.kind === 'timeout' && /within 300 ms/.test(e.message),
        );
        await assert.rejects(
          callResource(
            { method: 'GET', url: `http://127.0.0.1:${(big.address() as AddressInfo).port}/`, token },
            { maxBodyBytes: 100_000 },
          ),
          (e: unknown) => isResourceCallError(e) && e.kind === 'too-large',
        );
      } finally {
        silent.closeAllConnections();
        silent.close();
        big.close();
      }
    });
  });
});
