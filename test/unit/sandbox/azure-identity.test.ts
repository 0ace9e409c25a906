/**
 * @azure/identity itself (in a child process, so NODE_EXTRA_CA_CERTS is read at start) against the sandbox:
 * secret, certificate, workload identity and managed identity (App Service, IMDS).
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { verifyWithJwks } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');

function runIdentity(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const PRELUDE = `import * as id from '@azure/identity';
const scope = process.env.T_SCOPE;
async function go(cred) {
  try { const t = await cred.getToken(scope); console.log(JSON.stringify({ ok: true, token: t.token, expiresOnTimestamp: t.expiresOnTimestamp })); }
  catch (e) { console.log(JSON.stringify({ ok: false, name: e.name, message: String(e.message).slice(0, 2000) })); }
}
`;

describe('sandbox: @azure/identity accepts it', function () {
  this.timeout(90_000);
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await startSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-identity-'));
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = () => ({
    NODE_EXTRA_CA_CERTS: sb.caFile,
    T_SCOPE: 'https://management.azure.com/.default',
    AZURE_AUTHORITY_HOST: sb.authorityHost,
  });
  const parse = (stdout: string) =>
    JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; token?: string; name?: string; message?: string };

  it('ClientSecretCredential: a token, and AADSTS7000215 for a wrong secret', async () => {
    const ok = await runIdentity(
      `${PRELUDE}await go(new id.ClientSecretCredential(process.env.T_TENANT, process.env.T_CLIENT, process.env.T_SECRET, { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }));`,
      {
        ...base(),
        T_TENANT: sb.tenantId,
        T_CLIENT: DEMO.confidentialClientId,
        T_SECRET: DEMO.confidentialSecret,
      },
    );
    const r = parse(ok.stdout);
    assert.equal(r.ok, true, ok.stdout + ok.stderr);
    const { payload } = await verifyWithJwks(sb, r.token!);
    assert.equal(payload.appid, DEMO.confidentialClientId);
    const bad = await runIdentity(
      `${PRELUDE}await go(new id.ClientSecretCredential(process.env.T_TENANT, process.env.T_CLIENT, 'wrong', { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }));`,
      {
        ...base(),
        T_TENANT: sb.tenantId,
        T_CLIENT: DEMO.confidentialClientId,
      },
    );
    const b = parse(bad.stdout);
    assert.equal(b.ok, false);
    assert.match(b.message!, /AADSTS7000215/);
  });

  it('ClientCertificateCredential with the generated PEM', async () => {
    const out = await runIdentity(
      `${PRELUDE}await go(new id.ClientCertificateCredential(process.env.T_TENANT, process.env.T_CLIENT, { certificatePath: process.env.T_CERT }, { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }));`,
      {
        ...base(),
        T_TENANT: sb.tenantId,
        T_CLIENT: DEMO.confidentialClientId,
        T_CERT: sb.contract.apps[0]!.certificateFile!,
      },
    );
    const r = parse(out.stdout);
    assert.equal(r.ok, true, out.stdout + out.stderr);
  });

  it('WorkloadIdentityCredential with a token file from the hosted issuer', async () => {
    const file = path.join(dir, 'token');
    writeFileSync(
      file,
      await sb.issueFederatedToken({ subject: DEMO.workloadSubject, audience: 'api://AzureADTokenExchange' }),
    );
    const out = await runIdentity(
      `${PRELUDE}await go(new id.WorkloadIdentityCredential({ authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }));`,
      {
        ...base(),
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: DEMO.workloadClientId,
        AZURE_FEDERATED_TOKEN_FILE: file,
      },
    );
    const r = parse(out.stdout);
    assert.equal(r.ok, true, out.stdout + out.stderr);
  });

  it('ManagedIdentityCredential via App Service and via IMDS (pod-identity host override)', async () => {
    const appService = await runIdentity(`${PRELUDE}await go(new id.ManagedIdentityCredential());`, {
      ...base(),
      IDENTITY_ENDPOINT: sb.urls.appService.endpoint,
      IDENTITY_HEADER: sb.urls.appService.header,
    });
    const a = parse(appService.stdout);
    assert.equal(a.ok, true, appService.stdout + appService.stderr);
    const { payload } = await verifyWithJwks(sb, a.token!);
    assert.equal(payload.xms_mirid, sb.contract.managedIdentity.systemAssigned.resourceId);
    const imds = await runIdentity(
      `${PRELUDE}await go(new id.ManagedIdentityCredential({ clientId: process.env.T_UAMI }));`,
      {
        ...base(),
        AZURE_POD_IDENTITY_AUTHORITY_HOST: sb.urls.imds,
        T_UAMI: DEMO.uamiTwoClientId,
      },
    );
    const i = parse(imds.stdout);
    assert.equal(i.ok, true, imds.stdout + imds.stderr);
    const p2 = (await verifyWithJwks(sb, i.token!)).payload;
    assert.equal(p2.appid, DEMO.uamiTwoClientId);
  });
});
