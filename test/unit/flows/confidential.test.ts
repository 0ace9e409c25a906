import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, assertCleanRun, makeCertificate, runFlow, withSandbox } from './helpers';
import { SecretValue } from '../../../src/core/secret';
import type { Sandbox } from '../../../src/sandbox/index';

describe('flows: client secret, certificate, assertion against the sandbox', () => {
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await withSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-flows-'));
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => sb.clearRequests());

  const secretReq = (secret: string, extra: Record<string, unknown> = {}) => ({
    credential: 'ClientSecretCredential',
    tenantId: sb.tenantId,
    clientId: DEMO.confidentialClientId,
    clientSecret: new SecretValue(secret),
    ...extra,
  });

  describe('ClientSecretCredential', () => {
    it('acquires an app-only token; the secret never reaches a sink; only the sandbox is contacted', async () => {
      const { run, captured, all } = await runFlow(sb, secretReq(DEMO.confidentialSecret));
      assert.equal(run.result.outcome, 'success', run.result.message);
      assert.equal(run.result.token?.identityType, 'application');
      assert.equal(run.result.token?.appId, DEMO.confidentialClientId);
      assert.ok(run.accessToken && run.accessToken.length > 20);
      assert.ok(!all.includes(run.accessToken.reveal()), 'the access token appeared in trace output');
      const http = captured.events.filter((e) => e.kind === 'http');
      assert.equal(http.length, 1, 'one token request, no discovery traffic');
      assert.equal(sb.requests.length, 1, 'the sandbox saw exactly the traced request');
      assert.equal(sb.requests[0]!.endpoint, 'token');
      assert.match((http[0] as { url: string }).url, /\/oauth2\/v2\.0\/token/);
      assert.equal(
        sb.requests.filter((r) => r.endpoint === 'instance-discovery' || r.endpoint === 'openid-configuration').length,
        0,
      );
      assertCleanRun(sb, captured, all, [DEMO.confidentialSecret]);
    });

    it('a wrong secret fails with AADSTS7000215, the trace ids and the troubleshooting link', async () => {
      const wrong = 'definitely-not-the-secret-value';
      const { run, captured, all } = await runFlow(sb, secretReq(wrong));
      assert.equal(run.result.outcome, 'failed');
      assert.deepEqual(run.result.errorCodes, [7000215]);
      assert.equal(run.result.error?.kind, 'aadsts');
      assert.equal(run.result.error?.oauthError, 'invalid_client');
      assert.equal(run.result.error?.httpStatus, 401);
      assert.ok(run.result.error?.traceId && run.result.error?.correlationId);
      assert.match(run.result.message, /^ClientSecretCredential authentication failed\. AADSTS7000215/);
      assert.match(run.result.message, /troubleshoot#client-secret/);
      assertCleanRun(sb, captured, all, [wrong]);
    });

    it('an expired secret fails with AADSTS7000222', async () => {
      const { run } = await runFlow(sb, secretReq(DEMO.expiredSecret));
      assert.equal(run.result.outcome, 'failed');
      assert.deepEqual(run.result.errorCodes, [7000222]);
    });

    it('an unknown tenant fails with AADSTS90002; an unknown app with AADSTS700016', async () => {
      const t = await runFlow(
        sb,
        secretReq(DEMO.confidentialSecret, { tenantId: 'deadbeef-0000-4000-8000-000000000000' }),
      );
      assert.equal(t.run.result.outcome, 'failed');
      assert.ok(t.run.result.errorCodes.includes(90002), JSON.stringify(t.run.result.errorCodes));
      const a = await runFlow(
        sb,
        secretReq(DEMO.confidentialSecret, { clientId: 'deadbeef-1111-4000-8000-000000000000' }),
      );
      assert.equal(a.run.result.outcome, 'failed');
      assert.ok(a.run.result.errorCodes.includes(700016), JSON.stringify(a.run.result.errorCodes));
    });

    it('the js profile words the failure as @azure/identity and links its guide', async () => {
      const { run } = await runFlow(sb, secretReq('wrong-secret-js', { profile: 'js' }));
      assert.match(run.result.message, /^ClientSecretCredential: authentication failed\./);
      assert.match(run.result.message, /aka\.ms\/azsdk\/js\/identity/);
    });

    it('missing tenant / client id / secret is a config failure before any request', async () => {
      const { run } = await runFlow(sb, {
        credential: 'secret',
        clientId: DEMO.confidentialClientId,
        clientSecret: new SecretValue('x-secret-1'),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.equal(run.result.error?.kind, 'config');
      assert.match(run.result.message, /tenantId is required/);
      const noSecret = await runFlow(sb, {
        credential: 'secret',
        tenantId: sb.tenantId,
        clientId: DEMO.confidentialClientId,
      });
      assert.match(noSecret.run.result.message, /clientSecret is required/);
      assert.equal(sb.requests.length, 0);
    });

    it('a hostile tenant id is refused before any request', async () => {
      const { run } = await runFlow(sb, secretReq(DEMO.confidentialSecret, { tenantId: '../../evil?x=1' }));
      assert.equal(run.result.outcome, 'failed');
      assert.match(run.result.message, /tenant/i);
      assert.equal(sb.requests.length, 0);
    });

    it('an HTML error page from the token endpoint is a precise parse failure, not a crash', async () => {
      await sb.update((c) => {
        c.faults = [{ endpoint: 'token', status: 502, body: 'html' }];
      });
      try {
        const { run } = await runFlow(sb, secretReq(DEMO.confidentialSecret));
        assert.equal(run.result.outcome, 'failed');
        assert.equal(run.result.error?.kind, 'parse');
        assert.match(run.result.message, /HTTP 502 .*instead of JSON/);
      } finally {
        await sb.update((c) => {
          c.faults = [];
        });
      }
    });

    it('truncated JSON, an empty body and a connection reset from the token endpoint are classified', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ endpoint: 'token', status: 200, body: 'malformed' }, 'parse'],
        [{ endpoint: 'token', status: 500, body: 'empty' }, 'parse'],
        [{ endpoint: 'token', reset: true }, 'network'],
      ];
      for (const [fault, kind] of cases) {
        await sb.update((c) => {
          c.faults = [fault as never];
        });
        try {
          const { run } = await runFlow(sb, secretReq(DEMO.confidentialSecret));
          assert.equal(run.result.outcome, 'failed', JSON.stringify(fault));
          assert.equal(run.result.error?.kind, kind, `${JSON.stringify(fault)}: ${run.result.message}`);
        } finally {
          await sb.update((c) => {
            c.faults = [];
          });
        }
      }
    });

    it('a hung token endpoint ends at the time limit', async () => {
      await sb.update((c) => {
        c.faults = [{ endpoint: 'token', hang: true }];
      });
      try {
        const { run } = await runFlow(sb, secretReq(DEMO.confidentialSecret, { timeoutMs: 700 }));
        assert.equal(run.result.outcome, 'failed');
        assert.equal(run.result.error?.kind, 'timeout');
      } finally {
        await sb.update((c) => {
          c.faults = [];
        });
      }
    });

    it('an aborted signal cancels the step', async () => {
      const ac = new AbortController();
      ac.abort();
      const { run } = await runFlow(sb, secretReq(DEMO.confidentialSecret), { signal: ac.signal });
      assert.equal(run.result.outcome, 'failed');
      assert.equal(run.result.error?.kind, 'aborted');
    });

    it('discoverAuthority: the openid-configuration is fetched in the same traced step and its endpoints feed msal-node', async () => {
      const { run, captured } = await runFlow(
        sb,
        secretReq(DEMO.confidentialSecret, { discoverAuthority: true, tenantId: 'sandbox.onmicrosoft.com' }),
      );
      assert.equal(run.result.outcome, 'success', run.result.message);
      const urls = captured.events.filter((e) => e.kind === 'http').map((e) => (e as { url: string }).url);
      assert.match(urls[0]!, /\/sandbox\.onmicrosoft\.com\/v2\.0\/\.well-known\/openid-configuration$/);
      assert.match(urls.at(-1)!, /\/oauth2\/v2\.0\/token/);
      assert.ok(captured.events.some((e) => e.kind === 'note' && /using the discovered endpoints/.test(e.message)));
    });

    it('a custom authority never makes msal-node call login.microsoftonline.com, even for tenant names', async () => {
      const { run, captured } = await runFlow(
        sb,
        secretReq(DEMO.confidentialSecret, { tenantId: 'sandbox.onmicrosoft.com' }),
      );
      assert.equal(run.result.outcome, 'success', run.result.message);
      for (const e of captured.events) if (e.kind === 'http') assert.ok(e.url.startsWith(sb.authorityHost), e.url);
    });
  });

  describe('ClientCertificateCredential', () => {
    const certReq = (file: string, extra: Record<string, unknown> = {}) => ({
      credential: 'ClientCertificateCredential',
      tenantId: sb.tenantId,
      clientId: DEMO.confidentialClientId,
      certificatePath: file,
      ...extra,
    });

    it('PEM (go profile: x5t SHA-1) and PEM with send-certificate-chain (js profile: x5t#S256)', async () => {
      const pemFile = sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId)!.certificateFile!;
      const go = await runFlow(sb, certReq(pemFile));
      assert.equal(go.run.result.outcome, 'success', go.run.result.message);
      const note = go.captured.events.find((e) => e.kind === 'note' && /certificate .*SHA-1/.test(e.message));
      assert.ok(note, 'the certificate is described in the trace');
      assert.match(JSON.stringify(note), /thumbprintSha256/);
      const js = await runFlow(sb, certReq(pemFile, { profile: 'js', sendCertificateChain: true }));
      assert.equal(js.run.result.outcome, 'success', js.run.result.message);
      for (const r of [go, js]) assertCleanRun(sb, r.captured, r.all, ['PRIVATE KEY-----\nMII']);
      assert.ok(!go.all.includes('BEGIN PRIVATE KEY'));
    });

    it('PKCS#12 with its password works in the go profile; the js profile refuses PKCS#12 as @azure/identity does', async () => {
      const app = sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId)!;
      const pw = new SecretValue(app.certificatePassword!);
      const ok = await runFlow(sb, certReq(app.certificatePfxFile!, { certificatePassword: pw }));
      assert.equal(ok.run.result.outcome, 'success', ok.run.result.message);
      assertCleanRun(sb, ok.captured, ok.all, [app.certificatePassword]);
      const js = await runFlow(sb, certReq(app.certificatePfxFile!, { certificatePassword: pw, profile: 'js' }));
      assert.equal(js.run.result.outcome, 'failed');
      assert.match(js.run.result.message, /does not contain a PEM-encoded certificate/);
    });

    it('a wrong PKCS#12 password, a missing password, a malformed file and a missing file give precise messages', async () => {
      const app = sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId)!;
      const wrong = await runFlow(
        sb,
        certReq(app.certificatePfxFile!, { certificatePassword: new SecretValue('not-the-password') }),
      );
      assert.equal(wrong.run.result.error?.kind, 'config');
      assert.match(wrong.run.result.message, /password is wrong/);
      assertCleanRun(sb, wrong.captured, wrong.all, ['not-the-password']);
      const none = await runFlow(sb, certReq(app.certificatePfxFile!));
      assert.match(none.run.result.message, /password-protected and no password was given|password is wrong/);
      const junk = path.join(dir, 'junk.pem');
      writeFileSync(junk, 'hello, I am not a certificate');
      const j = await runFlow(sb, certReq(junk));
      assert.match(j.run.result.message, /neither a PEM file nor a valid PKCS#12/);
      const missing = await runFlow(sb, certReq(path.join(dir, 'nope.pem')));
      assert.match(missing.run.result.message, /failed to read certificate file .*no such file/);
      assert.equal(sb.requests.length, 0, 'no request is sent with a broken certificate');
    });

    it('a certificate nobody registered fails with AADSTS700027', async () => {
      const c = makeCertificate();
      const f = path.join(dir, 'unregistered.pem');
      writeFileSync(f, c.pem);
      const { run, all, captured } = await runFlow(sb, certReq(f));
      assert.equal(run.result.outcome, 'failed');
      assert.ok(run.result.errorCodes.includes(700027), JSON.stringify(run.result));
      assert.match(run.result.message, /troubleshoot#client-cert/);
      assertCleanRun(sb, captured, all, [c.keyPem.split('\n')[1]]);
    });
  });

  describe('ClientAssertionCredential', () => {
    it('a federated token that matches the federated credential is exchanged; its iss/sub/aud are in the trace', async () => {
      const assertion = await sb.issueFederatedToken({
        subject: DEMO.workloadSubject,
        audience: 'api://AzureADTokenExchange',
      });
      const { run, captured, all } = await runFlow(sb, {
        credential: 'assertion',
        tenantId: sb.tenantId,
        clientId: DEMO.workloadClientId,
        assertion: new SecretValue(assertion),
      });
      assert.equal(run.result.outcome, 'success', run.result.message);
      const note = captured.events.find((e) => e.kind === 'note' && e.message.includes(`sub=${DEMO.workloadSubject}`));
      assert.ok(note);
      assertCleanRun(sb, captured, all, [assertion, assertion.split('.')[1]]);
    });

    it('a wrong subject fails with AADSTS70021 explained against the presented issuer, subject and audience', async () => {
      const assertion = await sb.issueFederatedToken({
        subject: 'system:serviceaccount:default:other-sa',
        audience: 'api://AzureADTokenExchange',
      });
      const { run, captured, all } = await runFlow(sb, {
        credential: 'assertion',
        tenantId: sb.tenantId,
        clientId: DEMO.workloadClientId,
        assertion: new SecretValue(assertion),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.ok(run.result.errorCodes.includes(70021), JSON.stringify(run.result.errorCodes));
      assert.match(run.result.message, /subject "system:serviceaccount:default:other-sa"/);
      assert.match(run.result.message, /api:\/\/AzureADTokenExchange/);
      assertCleanRun(sb, captured, all, [assertion]);
    });

    it('an expired assertion fails with AADSTS700024 and shows its validity window', async () => {
      const assertion = await sb.issueFederatedToken({
        subject: DEMO.workloadSubject,
        audience: 'api://AzureADTokenExchange',
        issuedAtOffsetSec: -7200,
        lifetimeSec: 600,
      });
      const { run, captured } = await runFlow(sb, {
        credential: 'assertion',
        tenantId: sb.tenantId,
        clientId: DEMO.workloadClientId,
        assertion: new SecretValue(assertion),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.ok(run.result.errorCodes.includes(700024), JSON.stringify(run.result.errorCodes));
      assert.match(run.result.message, /valid from .* to .*local clock/);
      assert.ok(captured.events.some((e) => e.kind === 'note' && e.level === 'warn' && /expired at/.test(e.message)));
    });

    it('an assertion that is not a JWT is sent, rejected, and flagged in the trace', async () => {
      const { run, captured } = await runFlow(sb, {
        credential: 'assertion',
        tenantId: sb.tenantId,
        clientId: DEMO.workloadClientId,
        assertion: new SecretValue('not-a-jwt-at-all'),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.ok(captured.events.some((e) => e.kind === 'note' && /not a readable JWT/.test(e.message)));
    });
  });
});
