import { captureIo as captureIoShared } from '../cli-io';
import { strict as assert } from 'node:assert';
import { main } from '../../../src/cli/main';
import { FakeMachine } from './fixture';

const io = (env: NodeJS.ProcessEnv = {}) => captureIoShared({ env });

describe('azauth where', () => {
  let m: FakeMachine;
  beforeEach(() => {
    m = new FakeMachine();
  });
  afterEach(() => m.remove());

  it('--json prints environments, flat evidence and predictions for a fixture App Service', async () => {
    const c = io({
      WEBSITE_SITE_NAME: 'shop',
      WEBSITE_INSTANCE_ID: 'i',
      PATH: '/usr/bin',
      IDENTITY_HEADER: 'do-not-print',
    });
    assert.equal(await main(['where', '--json', '--root', m.root], c), 0);
    const j = JSON.parse(c.out());
    assert.equal(j.primary, 'app-service');
    assert.ok(Array.isArray(j.environments));
    assert.ok(
      j.evidence.some(
        (e: { environment: string; name: string }) => e.environment === 'app-service' && e.name === 'WEBSITE_SITE_NAME',
      ),
    );
    assert.equal(j.predictions.ManagedIdentityCredential.verdict, 'unavailable');
    assert.match(j.predictions.ManagedIdentityCredential.reason, /App Service without IDENTITY_HEADER/);
    assert.ok(!c.out().includes('do-not-print'));
  });

  it('human output names the environment, its evidence and one line per credential', async () => {
    m.azureVm();
    const c = io({ PATH: '' });
    assert.equal(await main(['where', '--root', m.root, '--profile', 'js'], c), 0);
    const out = c.out();
    assert.match(out, /Where am I running\?\s+Azure virtual machine \(high confidence\)/);
    assert.match(out, /chassis_asset_tag: 7783-7084-3265-9085-8269-3286-77/);
    assert.match(out, /✓ ManagedIdentityCredential\s+should-work/);
    assert.match(out, /AzurePowerShellCredential/);
  });

  it('rejects a bad profile and an empty root with exit 2', async () => {
    let c = io({});
    assert.equal(await main(['where', '--profile', 'rust'], c), 2);
    assert.match(c.err(), /--profile must be one of/);
    c = io({});
    assert.equal(await main(['where', '--root', ''], c), 2);
    c = io({});
    assert.equal(await main(['where', '--bogus'], c), 2);
  });
});
