import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';

export function captureIo(env: NodeJS.ProcessEnv = {}, stdinText = ''): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdout, stderr, stdin, env, color: false, signal: new AbortController().signal, out: () => o, err: () => e };
}

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
