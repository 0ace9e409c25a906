/**
 * Every file the user names goes through one bounded reader: regular files only, capped, with a classified error.
 * /dev/zero given to each file option fails at once (before this, several options read it until V8 ran out of memory).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUserFile, readUserFileSync, readUserText, isUserFileError } from '../../../src/core/fs/read';
import { runCredential } from '../../../src/core/index';
import { main } from '../../../src/cli/main';
import { captureIo } from '../cli-io';
import { armV1Payload, jwt } from '../token/helpers';

const TOKEN = jwt(armV1Payload());

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isUserFileError(e), String(e));
    return e.kind;
  }
  assert.fail('the read should have failed');
}

describe('bounded reading of user-named files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'azauth-files-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('readUserFile: regular files up to the cap; devices, directories, FIFOs, missing and oversized files are classified', async () => {
    const small = join(dir, 'small.txt');
    writeFileSync(small, 'hello');
    assert.equal(await readUserText(small, { maxBytes: 5, what: 'test file' }), 'hello');
    assert.equal(readUserFileSync(small, { maxBytes: 5, what: 'test file' }).toString(), 'hello');
    const big = join(dir, 'big.txt');
    writeFileSync(big, Buffer.alloc(200 * 1024, 0x61));
    assert.equal(
      (await readUserFile(big, { maxBytes: 200 * 1024, what: 'test file' })).length,
      200 * 1024,
      'a file exactly at the cap is read whole (several chunks)',
    );
    assert.equal(await kindOf(readUserFile(big, { maxBytes: 1000, what: 'test file' })), 'too-large');
    assert.equal(await kindOf(readUserFile('/dev/zero', { maxBytes: 1000, what: 'test file' })), 'not-a-regular-file');
    assert.equal(await kindOf(readUserFile(dir, { maxBytes: 1000, what: 'test file' })), 'not-a-regular-file');
    assert.equal(await kindOf(readUserFile(join(dir, 'missing'), { maxBytes: 1000, what: 'test file' })), 'not-found');
    assert.throws(
      () => readUserFileSync('/dev/zero', { maxBytes: 10, what: 'test file' }),
      (e: unknown) => isUserFileError(e) && e.kind === 'not-a-regular-file',
    );
    // A FIFO with no writer: opening it must not wait for one.
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    assert.equal(await kindOf(readUserFile(fifo, { maxBytes: 1000, what: 'test file' })), 'not-a-regular-file');
    await assert.rejects(
      readUserFile('/dev/zero', { maxBytes: 10, what: '--ca file' }),
      /^UserFileError: --ca file \/dev\/zero: is a character device, not a regular file$/,
    );
  });

  const cases: [string, string[]][] = [
    ['decode --jwks', ['decode', TOKEN, '--jwks', '/dev/zero']],
    ['decode --ca', ['decode', TOKEN, '--discover', '--ca', '/dev/zero']],
    ['token --ca', ['token', '--credential', 'ClientSecretCredential', '--ca', '/dev/zero']],
    [
      'token --assertion-file',
      [
        'token',
        '--credential',
        'ClientAssertionCredential',
        '--tenant',
        '11111111-2222-3333-4444-555555555555',
        '--client-id',
        'aaaaaaaa-0000-0000-0000-000000000001',
        '--assertion-file',
        '/dev/zero',
      ],
    ],
    ['chain --ca', ['chain', '--ca', '/dev/zero']],
    ['discover --ca', ['discover', '--tenant', 'contoso.onmicrosoft.com', '--ca', '/dev/zero']],
    ['sandbox --config', ['sandbox', '--config', '/dev/zero']],
    ['call --ca', ['call', 'GET', 'https://127.0.0.1:9/subscriptions', '--ca', '/dev/zero']],
  ];
  for (const [name, argv] of cases) {
    it(`${name} /dev/zero: exit 2 at once, "not a regular file"`, async () => {
      const c = captureIo();
      assert.equal(await main(argv, c), 2, c.err() + c.out());
      assert.match(c.err() + c.out(), /\/dev\/zero: is a character device, not a regular file/);
    });
  }

  it('token --certificate /dev/zero: the certificate reader refuses it (bad input, exit 2)', async () => {
    const c = captureIo();
    const code = await main(
      [
        'token',
        '--credential',
        'ClientCertificateCredential',
        '--tenant',
        '11111111-2222-3333-4444-555555555555',
        '--client-id',
        'aaaaaaaa-0000-0000-0000-000000000001',
        '--certificate',
        '/dev/zero',
        '--authority-host',
        'https://127.0.0.1:9',
        '--json',
      ],
      c,
    );
    assert.equal(code, 2, c.out() + c.err());
    assert.match(c.out() + c.err(), /certificate file .*\/dev\/zero.*not a regular file/);
  });

  it('AZURE_FEDERATED_TOKEN_FILE=/dev/zero: workload identity fails with "not a regular file", reads nothing', async () => {
    const run = await runCredential(
      'WorkloadIdentityCredential',
      {},
      {
        env: {
          AZURE_FEDERATED_TOKEN_FILE: '/dev/zero',
          AZURE_CLIENT_ID: 'aaaaaaaa-0000-0000-0000-000000000001',
          AZURE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
          AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9',
        },
      },
    );
    const text = JSON.stringify(run);
    assert.match(text, /federated token file .*\/dev\/zero.*not a regular file/);
  });
});
