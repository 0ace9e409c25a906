import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO, assertCleanRun, makeCtx, runFlow, withSandbox } from './helpers';
import { EnvironmentCredential, selectFromEnvironment } from '../../../src/core/credentials/environment';
import { isAuthenticationFailed, isCredentialUnavailable } from '../../../src/core/credentials/types';
import { OTHER_TENANT_ID, type Sandbox } from '../../../src/sandbox/index';

describe('EnvironmentCredential against the sandbox', () => {
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await withSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-env-'));
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => sb.clearRequests());

  const base = () => ({
    AZURE_TENANT_ID: sb.tenantId,
    AZURE_CLIENT_ID: DEMO.confidentialClientId,
    AZURE_AUTHORITY_HOST: sb.authorityHost,
  });
  const app = () => sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId)!;

  it('client secret: success; the config event lists the variables with the secret masked', async () => {
    const env = { ...base(), AZURE_CLIENT_SECRET: DEMO.confidentialSecret };
    const { run, captured, all } = await runFlow(
      sb,
      { credential: 'EnvironmentCredential' },
      { env, options: { ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'success', run.result.message);
    const cfg = captured.events.find(
      (e) => e.kind === 'config' && e.variables?.some((v) => v.name === 'AZURE_CLIENT_SECRET'),
    );
    assert.ok(cfg && cfg.kind === 'config');
    const secretVar = cfg.variables!.find((v) => v.name === 'AZURE_CLIENT_SECRET')!;
    assert.equal(secretVar.set, true);
    assert.match(secretVar.value ?? '', /REDACTED/);
    assert.equal(cfg.variables!.find((v) => v.name === 'AZURE_USERNAME')!.set, false);
    assert.equal(cfg.variables!.find((v) => v.name === 'AZURE_TENANT_ID')!.value, sb.tenantId);
    assertCleanRun(sb, captured, all, [DEMO.confidentialSecret]);
  });

  it('a wrong secret is a hard failure (it would block the rest of the chain), named EnvironmentCredential', async () => {
    const env = { ...base(), AZURE_CLIENT_SECRET: 'wrong-env-secret-value' };
    const { run, captured, all } = await runFlow(sb, { credential: 'env' }, { env, options: { ca: sb.caPem } });
    assert.equal(run.result.outcome, 'failed');
    assert.deepEqual(run.result.errorCodes, [7000215]);
    assert.match(run.result.message, /^EnvironmentCredential authentication failed/);
    assertCleanRun(sb, captured, all, ['wrong-env-secret-value']);
  });

  it('certificate PEM, certificate PFX with password (go) and send-chain', async () => {
    const pem = await runFlow(
      sb,
      { credential: 'EnvironmentCredential' },
      {
        env: {
          ...base(),
          AZURE_CLIENT_CERTIFICATE_PATH: app().certificateFile!,
          AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: 'TRUE',
        },
        options: { ca: sb.caPem },
      },
    );
    assert.equal(pem.run.result.outcome, 'success', pem.run.result.message);
    assert.ok(
      pem.captured.events.some((e) => e.kind === 'note' && /"sendCertificateChain":true/.test(JSON.stringify(e.data))),
    );
    const pfxEnv = {
      ...base(),
      AZURE_CLIENT_CERTIFICATE_PATH: app().certificatePfxFile!,
      AZURE_CLIENT_CERTIFICATE_PASSWORD: app().certificatePassword!,
    };
    const pfx = await runFlow(sb, { credential: 'EnvironmentCredential' }, { env: pfxEnv, options: { ca: sb.caPem } });
    assert.equal(pfx.run.result.outcome, 'success', pfx.run.result.message);
    assertCleanRun(sb, pfx.captured, pfx.all, [app().certificatePassword]);
  });

  it('username + password (ROPC) with the public client', async () => {
    const env = {
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: DEMO.publicClientId,
      AZURE_USERNAME: 'alice@sandbox.onmicrosoft.com',
      AZURE_PASSWORD: DEMO.password,
      AZURE_AUTHORITY_HOST: sb.authorityHost,
    };
    const { run, captured, all } = await runFlow(
      sb,
      { credential: 'EnvironmentCredential' },
      { env, options: { ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'success', run.result.message);
    assert.equal(run.result.token?.identityType, 'user');
    assert.equal(run.result.token?.upn, 'alice@sandbox.onmicrosoft.com');
    assert.ok(captured.events.some((e) => e.kind === 'note' && /deprecated/.test(e.message)));
    assertCleanRun(sb, captured, all, [DEMO.password]);
  });

  it('partial and empty environments are unavailable with the Go wording, or the JS wording', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /^EnvironmentCredential: missing environment variable AZURE_TENANT_ID$/],
      [{ AZURE_TENANT_ID: 't' }, /missing environment variable AZURE_CLIENT_ID/],
      [
        { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' },
        /incomplete environment variable configuration\. Only AZURE_TENANT_ID and AZURE_CLIENT_ID are set/,
      ],
      [{ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_USERNAME: 'u' }, /no value for AZURE_PASSWORD/],
      [
        { AZURE_TENANT_ID: '', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's-123' },
        /missing environment variable AZURE_TENANT_ID/,
      ],
    ];
    for (const [env, re] of cases) {
      const { run } = await runFlow(sb, { credential: 'EnvironmentCredential' }, { env, options: { ca: sb.caPem } });
      assert.equal(run.result.outcome, 'unavailable', JSON.stringify(env));
      assert.match(run.result.message, re);
      const js = await runFlow(
        sb,
        { credential: 'EnvironmentCredential', profile: 'js' },
        { env, options: { ca: sb.caPem } },
      );
      assert.equal(js.run.result.outcome, 'unavailable');
      assert.match(
        js.run.result.message,
        /^EnvironmentCredential is unavailable\. No underlying credential could be used\./,
      );
    }
    assert.equal(sb.requests.length, 0);
  });

  it('python and dotnet profiles use their own unavailable wording', () => {
    const r = selectFromEnvironment({ AZURE_TENANT_ID: 't' }, 'python');
    assert.ok(
      'unavailable' in r &&
        /^EnvironmentCredential authentication unavailable\. Environment variables are not fully configured\.\nVisit https:\/\/aka\.ms\/azsdk\/python/.test(
          r.unavailable,
        ),
    );
    const n = selectFromEnvironment({}, 'dotnet');
    assert.ok(
      'unavailable' in n && /aka\.ms\/azsdk\/net\/identity\/environmentcredential\/troubleshoot$/.test(n.unavailable),
    );
  });

  it('selectFromEnvironment: secret wins over certificate, certificate over username', () => {
    const all = {
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
      AZURE_CLIENT_CERTIFICATE_PATH: '/p',
      AZURE_USERNAME: 'u',
      AZURE_PASSWORD: 'p',
    };
    assert.deepEqual(selectFromEnvironment(all, 'go'), { kind: 'secret' });
    assert.deepEqual(selectFromEnvironment({ ...all, AZURE_CLIENT_SECRET: '' }, 'go'), { kind: 'certificate' });
    assert.deepEqual(
      selectFromEnvironment({ ...all, AZURE_CLIENT_SECRET: '', AZURE_CLIENT_CERTIFICATE_PATH: '' }, 'go'),
      { kind: 'username-password' },
    );
  });

  it('AZURE_AUTHORITY_HOST over http is refused with the SDK wording (failed standalone, unavailable inside the Go chain)', async () => {
    const env = { ...base(), AZURE_CLIENT_SECRET: 'x-secret-1', AZURE_AUTHORITY_HOST: 'http://127.0.0.1:1' };
    const go = await runFlow(sb, { credential: 'EnvironmentCredential' }, { env, options: { ca: sb.caPem } });
    assert.equal(go.run.result.outcome, 'failed');
    assert.match(go.run.result.message, /cannot use an authority host without https/);
    const js = await runFlow(
      sb,
      { credential: 'EnvironmentCredential', profile: 'js' },
      { env, options: { ca: sb.caPem } },
    );
    assert.match(js.run.result.message, /The authorityHost address must use the 'https' protocol\./);
    const { ctx } = makeCtx(sb, { env, inChain: true, options: { ca: sb.caPem } });
    await assert.rejects(
      new EnvironmentCredential().getToken({ scopes: ['https://management.azure.com/.default'] }, ctx),
      (e) => isCredentialUnavailable(e),
    );
    assert.equal(sb.requests.length, 0);
  });

  it('an unreadable certificate: Go inside the chain reports unavailable (constructor error), standalone it fails', async () => {
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    const env = { ...base(), AZURE_CLIENT_CERTIFICATE_PATH: junk };
    const chain = makeCtx(sb, { env, inChain: true, options: { ca: sb.caPem } });
    await assert.rejects(
      new EnvironmentCredential().getToken({ scopes: ['https://management.azure.com/.default'] }, chain.ctx),
      (e) => isCredentialUnavailable(e) && /no private key/.test((e as Error).message),
    );
    const alone = makeCtx(sb, { env, inChain: false, options: { ca: sb.caPem } });
    await assert.rejects(
      new EnvironmentCredential().getToken({ scopes: ['https://management.azure.com/.default'] }, alone.ctx),
      (e) => isAuthenticationFailed(e),
    );
  });

  it('AZURE_ADDITIONALLY_ALLOWED_TENANTS: another tenant is refused unless listed (multi-tenant guard wording)', async () => {
    const env = { ...base(), AZURE_CLIENT_SECRET: DEMO.confidentialSecret };
    const refused = await runFlow(
      sb,
      { credential: 'EnvironmentCredential', tenantId: 'c0ffee00-9999-4000-8000-000000000000' },
      { env, options: { ca: sb.caPem } },
    );
    assert.equal(refused.run.result.outcome, 'failed');
    assert.match(
      refused.run.result.message,
      /the current credential is not configured to acquire tokens for tenant c0ffee00-9999-4000-8000-000000000000/,
    );
    const js = await runFlow(
      sb,
      { credential: 'EnvironmentCredential', tenantId: 'c0ffee00-9999-4000-8000-000000000000', profile: 'js' },
      { env, options: { ca: sb.caPem } },
    );
    // @azure/identity's EnvironmentCredential wraps every inner error, the guard's "unavailable" included, as
    // AuthenticationError (checked against the real 4.13 by the parity suite).
    assert.equal(js.run.result.outcome, 'failed');
    assert.match(
      js.run.result.message,
      /^EnvironmentCredential authentication failed\. The current credential is not configured to acquire tokens for tenant/,
    );
    assert.equal(sb.requests.length, 0, 'a refused tenant sends nothing');
    const allowed = await runFlow(
      sb,
      { credential: 'EnvironmentCredential', tenantId: OTHER_TENANT_ID },
      { env: { ...env, AZURE_ADDITIONALLY_ALLOWED_TENANTS: `foo;${OTHER_TENANT_ID}` }, options: { ca: sb.caPem } },
    );
    assert.ok(
      sb.requests.some((r) => r.path.startsWith(`/${OTHER_TENANT_ID}/`)),
      'the allowed tenant was asked',
    );
    assert.notEqual(allowed.run.result.error?.kind, 'config');
  });
});
