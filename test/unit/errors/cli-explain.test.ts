import { captureIo as captureIoShared } from '../cli-io';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';

const io = (stdinText = '', color = false) => captureIoShared({ stdin: stdinText, color });

const TRACE = '12345678-1234-1234-1234-123456789012';

describe('azauth explain', () => {
  it('a bare code: meaning, causes, numbered fixes and the link', async () => {
    const c = io();
    assert.equal(await main(['explain', '7000215'], c), 0);
    assert.match(c.out(), /^AADSTS7000215 {2}InvalidClientSecretProvided/m);
    assert.match(c.out(), /Likely causes/);
    assert.match(c.out(), /^ {4}1\. /m);
    assert.match(c.out(), /https:\/\/login\.microsoftonline\.com\/error\?code=7000215/);
  });

  it('--json contract: codes, unknownCodes, context { traceId, correlationId, timestamp }', async () => {
    const c = io();
    assert.equal(
      await main(
        [
          'explain',
          '--json',
          `AADSTS70002: Error validating credentials. AADSTS50012: bad secret. AADSTS99999991 Trace ID: ${TRACE} Timestamp: 2025-06-17 10:30:00Z`,
        ],
        c,
      ),
      0,
    );
    const j = JSON.parse(c.out());
    assert.deepEqual(
      j.codes.map((x: { code: number }) => x.code),
      [70002, 50012],
    );
    assert.deepEqual(Object.keys(j.codes[0]), ['code', 'name', 'meaning', 'causes', 'fixes', 'category', 'docsUrl']);
    assert.deepEqual(j.unknownCodes, [99999991]);
    assert.deepEqual(j.context, { traceId: TRACE, correlationId: null, timestamp: '2025-06-17 10:30:00Z' });
  });

  it('reads CLI stderr from standard input and points past the az login tail', async () => {
    const stderr = `ERROR: AADSTS700016: Application with identifier 'abc' was not found in the directory 'Contoso'.\nTrace ID: ${TRACE}\nPlease run 'az login' to setup account.\n`;
    const c = io(stderr);
    assert.equal(await main(['explain', '-'], c), 0);
    assert.match(c.out(), /AADSTS700016/);
    assert.match(c.out(), /is not the cause/);
    assert.match(c.out(), /Trace ID {8}12345678/);
  });

  it('non-AADSTS failures are explained too', async () => {
    const c = io();
    assert.equal(await main(['explain', 'connect', 'ECONNREFUSED', '127.0.0.1:443'], c), 0);
    assert.match(c.out(), /Connection refused/);
  });

  it('nothing recognised: says so, exit 0; empty input: exit 2', async () => {
    let c = io();
    assert.equal(await main(['explain', 'hello world'], c), 0);
    assert.match(c.out(), /No AADSTS code or known failure pattern/);
    c = io('   \n');
    assert.equal(await main(['explain', '-', '--json'], c), 2);
    assert.equal(JSON.parse(c.out()).error.kind, 'empty');
    assert.equal(await main(['explain', '--bogus'], io()), 2);
  });

  it('does not echo a token found in the input', async () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"aud":"x"}').toString('base64url')}.c2lnbmF0dXJlc2lnbmF0dXJl`;
    const c = io();
    assert.equal(await main(['explain', '--json', `Authorization: Bearer ${token} failed with AADSTS50012`], c), 0);
    assert.ok(!c.out().includes(token));
  });
});
