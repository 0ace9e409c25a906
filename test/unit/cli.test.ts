import { captureIo as captureIoShared } from './cli-io';
import { strict as assert } from 'node:assert';
import { main } from '../../src/cli/main';

export const captureIo = (env: NodeJS.ProcessEnv = {}, stdinText = '') => captureIoShared({ env, stdin: stdinText });

describe('azauth entry', () => {
  it('prints help and exits 2 without a command', async () => {
    const io = captureIo();
    assert.equal(await main([], io), 2);
    assert.match(io.out(), /Usage: azauth <command>/);
    assert.match(io.out(), /sandbox/);
  });
  it('rejects an unknown command with exit 2 and names it', async () => {
    const io = captureIo();
    assert.equal(await main(['frobnicate'], io), 2);
    assert.match(io.err(), /unknown command "frobnicate"/);
  });
});
