/**
 * The chain runner attaches each step's prediction and settles it against the outcome; the fingerprint's note joins
 * the chain's trace once the members have started (it is read off the verdict path). Against the sandbox over loopback (run inside `unshare -n`).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { createEngine } from '../../../src/core/engine';
import type { TraceEvent } from '../../../src/core/trace/events';

describe('chain runner × fingerprint predictions', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let home: string;
  before(async () => {
    sb = await startSandbox();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'azauth-home-'));
  });
  after(async () => {
    await sb?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const options = () => ({
    authorityHost: sb.authorityHost,
    ca: sb.caPem,
    imdsEndpoint: 'http://127.0.0.1:1',
    imdsProbeTimeoutMs: 200,
  });

  it('diagnose mode: the fingerprint note comes after the verdict, and every step carries a settled prediction', async () => {
    const events: TraceEvent[] = [];
    const env = {
      PATH: '',
      HOME: home,
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: 'c0ffee00-0000-4000-8000-000000000001',
      AZURE_CLIENT_SECRET: 'sandbox-secret-value-1',
    };
    const run = await createEngine().runChain(
      { mode: 'diagnose', profile: 'go' },
      { env, options: options(), sink: { emit: (e) => events.push(e) } },
    );
    const chainEvents = events.filter((e) => e.step === 'chain');
    assert.equal(chainEvents[0]?.kind, 'step-start');
    const isFingerprint = (e: TraceEvent) => e.kind === 'note' && /^Hosting environment: /.test(e.message);
    const at = events.findIndex((e) => e.step === 'chain' && isFingerprint(e));
    assert.equal(chainEvents.filter(isFingerprint).length, 1, 'one fingerprint note');
    assert.ok((events[at] as { data?: { fingerprint?: unknown } }).data?.fingerprint);
    const decided = events.findIndex((e) => e.kind === 'outcome' && e.step === 'EnvironmentCredential');
    assert.ok(decided >= 0 && decided < at, 'diagnose reads the fingerprint once the verdict is decided');
    assert.equal(chainEvents.at(-1)?.kind, 'outcome', 'and it is read before the chain ends');
    for (const s of run.steps) assert.ok(s.prediction, `${s.credential} has a prediction`);
    assert.ok(
      run.hosting && run.hosting.summary.length > 0 && run.hosting.environments.length > 0,
      'the run says where it happened',
    );
    assert.equal(JSON.parse(JSON.stringify(run)).hosting.primary, run.hosting.primary, 'plain JSON');
    const envStep = run.steps.find((s) => s.credential === 'EnvironmentCredential')!;
    assert.equal(envStep.outcome, 'success');
    assert.deepEqual([envStep.prediction!.verdict, envStep.prediction!.agrees], ['should-work', true]);
    const cli = run.steps.find((s) => s.credential === 'AzureCLICredential')!;
    assert.equal(cli.prediction!.verdict, 'unavailable');
    assert.equal(cli.prediction!.agrees, true);
    const mi = run.steps.find((s) => s.credential === 'ManagedIdentityCredential')!;
    assert.equal(mi.prediction!.verdict, 'unknown', 'an overridden IMDS endpoint is not predicted from the host');
  });

  it('a wrong secret: predicted to work, failed — the disagreement is flagged and explained', async () => {
    const env = {
      PATH: '',
      HOME: home,
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: 'c0ffee00-0000-4000-8000-000000000001',
      AZURE_CLIENT_SECRET: 'wrong-secret',
    };
    const run = await createEngine().runChain({ mode: 'sequential' }, { env, options: options() });
    const s = run.steps[0]!;
    assert.equal(s.outcome, 'failed');
    assert.equal(s.prediction?.agrees, false);
    assert.match(
      s.prediction!.reason,
      /DISAGREES: expected to work, but it ended failed .*Likely cause: Entra rejected the service principal's credential/,
    );
    const skipped = run.steps.filter((x) => x.outcome === 'skipped');
    assert.ok(skipped.length > 0);
    for (const k of skipped) assert.equal(k.prediction?.agrees, undefined, 'steps never tried are not judged');
  });

  it('an explicit run (GitHub Actions outside a job) carries its prediction', async () => {
    const r = await createEngine().runCredential(
      'GitHubActionsCredential',
      {},
      { env: { PATH: '' }, options: options() },
    );
    assert.equal(r.result.outcome, 'unavailable');
    assert.deepEqual([r.result.prediction?.verdict, r.result.prediction?.agrees], ['unavailable', true]);
  });

  // A scenario table in the spirit of the engine's: every step's prediction agrees with what happened, except where the
  // local facts cannot know (a wrong secret) — and there the disagreement is explained.
  const rows: { name: string; env: () => Record<string, string>; disagree?: string[] }[] = [
    { name: 'nothing configured', env: () => ({ PATH: '' }) },
    {
      name: 'workload identity with its token file',
      env: () => ({
        PATH: '',
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: DEMO.workloadClientId,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      }),
    },
    {
      name: 'workload identity without its token file',
      env: () => ({
        PATH: '',
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: DEMO.workloadClientId,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile + '-missing',
      }),
    },
    {
      name: 'App Service managed identity',
      env: () => ({
        PATH: '',
        IDENTITY_ENDPOINT: sb.contract.managedIdentity.appService.endpoint,
        IDENTITY_HEADER: sb.contract.managedIdentity.appService.header,
      }),
    },
    {
      name: 'Cloud Shell managed identity',
      env: () => ({ PATH: '', MSI_ENDPOINT: sb.contract.managedIdentity.cloudShell }),
    },
    { name: 'partial environment', env: () => ({ PATH: '', AZURE_CLIENT_SECRET: 'x', AZURE_CLIENT_ID: 'c' }) },
    { name: 'AZURE_TOKEN_CREDENTIALS=prod', env: () => ({ PATH: '', AZURE_TOKEN_CREDENTIALS: 'prod' }) },
    {
      name: 'wrong secret',
      env: () => ({
        PATH: '',
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: DEMO.confidentialClientId,
        AZURE_CLIENT_SECRET: 'nope',
      }),
      disagree: ['EnvironmentCredential'],
    },
  ];
  let tokenFile = '';
  before(async () => {
    tokenFile = path.join(home, 'azure-identity-token');
    fs.writeFileSync(
      tokenFile,
      await sb.issueFederatedToken({ subject: DEMO.workloadSubject, audience: 'api://AzureADTokenExchange' }),
    );
  });
  for (const row of rows) {
    it(`scenario "${row.name}": predictions agree, or the disagreement is explained`, async () => {
      const run = await createEngine().runChain(
        { mode: 'diagnose' },
        { env: { HOME: home, ...row.env() }, options: options() },
      );
      for (const s of run.steps) {
        assert.ok(s.prediction, s.credential);
        const expected = !(row.disagree ?? []).includes(s.credential);
        assert.equal(s.prediction.agrees, expected, `${s.credential}: ${s.outcome} — ${s.prediction.reason}`);
        if (!expected) assert.match(s.prediction.reason, /DISAGREES: .*Likely cause: /);
      }
    });
  }
});
