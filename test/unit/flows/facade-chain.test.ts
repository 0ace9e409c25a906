/** The facade also runs the other chain members standalone (through the registry). */
import assert from 'node:assert/strict';
import { runFlow, withSandbox, assertCleanRun } from './helpers';
import type { Sandbox } from '../../../src/sandbox/index';

describe('acquireToken with chain credentials (standalone)', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await withSandbox();
  });
  after(async () => sb?.close());

  it('AzureCLICredential without az on PATH is unavailable, not a crash', async () => {
    const { run } = await runFlow(sb, { credential: 'az' }, { env: { PATH: '' } });
    assert.equal(run.result.credential, 'AzureCLICredential');
    assert.equal(run.result.outcome, 'unavailable', run.result.message);
  });

  it('ManagedIdentityCredential against the sandbox IMDS gets a managed-identity token', async () => {
    const imds = sb.contract.managedIdentity.imds;
    const { run, captured, all } = await runFlow(
      sb,
      { credential: 'managed-identity' },
      { env: {}, options: { imdsEndpoint: imds, ca: sb.caPem } },
    );
    assert.equal(run.result.outcome, 'success', run.result.message);
    assert.equal(run.result.token?.identityType, 'managed-identity');
    assert.ok(run.accessToken && !all.includes(run.accessToken.reveal()));
    for (const e of captured.events) if (e.kind === 'http') assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\//);
    assertCleanRun(sb, { events: [], text: [] }, all, []);
  });

  it('an unknown credential name is a usage failure, not an exception', async () => {
    const { run } = await runFlow(sb, { credential: 'NoSuchCredential' });
    assert.equal(run.result.outcome, 'failed');
    assert.equal(run.result.error?.kind, 'usage');
  });
});
