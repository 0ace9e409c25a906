/**
 * The app's AzureCliCredential against the REAL Azure CLI logged in to the sandbox (a service principal): the trace
 * read from the SDK's own log names the winner the app reports. Runs where the real-az suite runs (npm test: a
 * loopback-only namespace).
 */
import { strict as assert } from 'node:assert';
import { DEMO } from '../../../src/sandbox/index';
import { runTraced, canonicalCredential } from '../../../src/core/index';
import { setupRealAz, type RealAzSetup } from '../real-az/az-harness';
import { JS_APP, PY_APP, PYTHON, appResult } from './apps';

describe('apptrace: the real SDKs with the real az logged in', function () {
  this.timeout(180_000);
  let setup: RealAzSetup;
  before(async () => {
    setup = await setupRealAz();
    const r = await setup.az.loginServicePrincipal({
      clientId: DEMO.confidentialClientId,
      secret: DEMO.confidentialSecret,
      tenantId: setup.sb.tenantId,
    });
    assert.equal(r.exitCode, 0, r.stderr);
  });
  after(async () => {
    await setup?.close();
  });

  for (const [name, command, args] of [
    ['@azure/identity (node app.mjs)', process.execPath, [JS_APP]],
    ['Python azure-identity (python3 app.py)', PYTHON, [PY_APP]],
  ] as const) {
    it(`${name}: nothing else configured, AzureCLICredential wins`, async () => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      // az needs the harness's HTTPS proxy (MSAL Python's instance discovery); the app's plain-HTTP IMDS probe must not
      // go through it, or the proxy's refusal would be a managed-identity failure that stops the chain.
      const { HTTP_PROXY: _plainProxy, ...azEnv } = setup.az.env;
      void _plainProxy;
      const env = { ...azEnv, NODE_EXTRA_CA_CERTS: setup.sb.caFile };
      const r = await runTraced({
        command,
        args: [...args],
        env,
        stdin: 'ignore',
        stdout: (b) => out.push(b),
        stderr: (b) => err.push(b),
      });
      assert.equal(r.exitCode, 0, Buffer.concat(err).toString().slice(-3000));
      const app = appResult<{ ok: boolean; winner?: string }>(Buffer.concat(out).toString());
      assert.equal(app.ok, true, JSON.stringify(app));
      const run = r.trace.runs[r.trace.runs.length - 1]!;
      assert.equal(run.winner, canonicalCredential(app.winner!));
      assert.equal(run.winner, 'AzureCLICredential');
      assert.equal(run.steps.find((s) => s.credential === 'AzureCLICredential')!.outcome, 'success');
      for (const s of run.steps.filter(
        (x) => x.credential === 'EnvironmentCredential' || x.credential === 'ManagedIdentityCredential',
      ))
        assert.equal(s.outcome, 'unavailable', s.credential);
    });
  }
});
