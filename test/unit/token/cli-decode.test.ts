import { captureIo as captureIoShared } from '../cli-io';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { armV1Payload, b64, jwt, makeSigner, nowS, TENANT, type Signer } from './helpers';

const io = (stdinText = '', color = false) => captureIoShared({ stdin: stdinText, color });

/** Real time: the CLI uses the clock, so these tokens are minted around now. */
const live = (o: Record<string, unknown> = {}) =>
  armV1Payload({
    iat: Math.floor(Date.now() / 1000) - 60,
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...o,
  });

describe('azauth decode', () => {
  let signer: Signer;
  let dir: string;
  before(async () => {
    signer = await makeSigner('cli-key');
    dir = mkdtempSync(join(tmpdir(), 'azauth-decode-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('human output: aligned claims with interpretations, expiry, validation; never the token', async () => {
    const t = await signer.sign(live());
    const c = io();
    assert.equal(await main(['decode', `Bearer ${t}`], c), 0);
    const out = c.out();
    assert.match(out, /^Token {2}JWT · access token v1\.0 · fingerprint [0-9a-f]{12}$/m);
    assert.match(out, /^ {2}aud {2,}https:\/\/management\.azure\.com\/$/m);
    assert.match(out, /Azure Resource Manager/);
    assert.match(out, /Microsoft Azure CLI/);
    assert.match(out, /^Expiry {2}fresh/m);
    assert.match(out, /signature skipped/);
    for (const part of t.split('.')) assert.ok(!out.includes(part), 'a token segment was printed');
    assert.ok(!out.includes('\u001b['), 'no colour without io.color');
  });

  it('--json contract: header, payload, claims, expiry, validation, warnings', async () => {
    const t = await signer.sign(live());
    const c = io();
    assert.equal(
      await main(['decode', t, '--json', '--scope', 'https://management.azure.com/.default', '--tenant', TENANT], c),
      3,
      'checks asked for, no keys: unverified',
    );
    const j = JSON.parse(c.out());
    assert.equal(j.validation.verdict, 'unverified');
    for (const k of ['header', 'payload', 'claims', 'expiry', 'validation', 'warnings']) assert.ok(k in j, k);
    assert.equal(j.payload.tid, TENANT);
    assert.deepEqual(Object.keys(j.claims[0]).slice(0, 4), ['name', 'value', 'meaning', 'interpretation']);
    assert.equal(j.expiry.state, 'fresh');
    assert.deepEqual(
      j.validation.verdicts.map((v: { verdict: string }) => v.verdict),
      ['pass', 'pass', 'pass', 'skipped', 'skipped'],
    );
    assert.ok(!c.out().includes(t.split('.')[2]), 'the signature (and so the token) must not be printed');
  });

  it('verifies the signature with --jwks FILE and --jwks URL (loopback)', async () => {
    const t = await signer.sign(live());
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(signer.jwks));
    let c = io();
    assert.equal(await main(['decode', t, '--json', '--jwks', file], c), 0);
    assert.equal(JSON.parse(c.out()).validation.verdicts[3].verdict, 'pass');

    const server: Server = createServer((_req, res) => res.end(JSON.stringify(signer.jwks)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      c = io();
      assert.equal(await main(['decode', t, '--json', '--jwks', `http://127.0.0.1:${port}/keys`], c), 0);
      assert.equal(JSON.parse(c.out()).validation.verdicts[3].verdict, 'pass');
    } finally {
      server.close();
    }
    const other = await makeSigner('cli-key');
    writeFileSync(file, JSON.stringify(other.jwks));
    c = io();
    assert.equal(await main(['decode', t, '--jwks', file], c), 1, 'a failed check exits 1');
    assert.match(c.out(), /signature fail/);
  });

  it('--discover --authority-host: OpenID configuration and keys from the given host (loopback)', async () => {
    const t = await signer.sign(live());
    const paths: string[] = [];
    const server: Server = createServer((req, res) => {
      paths.push(req.url ?? '');
      const port = (server.address() as { port: number }).port;
      res.setHeader('content-type', 'application/json');
      if (req.url === `/${TENANT}/.well-known/openid-configuration`)
        res.end(JSON.stringify({ jwks_uri: `http://127.0.0.1:${port}/${TENANT}/discovery/keys` }));
      else if (req.url === `/${TENANT}/discovery/keys`) res.end(JSON.stringify(signer.jwks));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const c = io();
      assert.equal(
        await main(['decode', t, '--json', '--discover', '--authority-host', `http://127.0.0.1:${port}`], c),
        0,
      );
      assert.equal(JSON.parse(c.out()).validation.verdicts[3].verdict, 'pass');
      assert.deepEqual(paths, [`/${TENANT}/.well-known/openid-configuration`, `/${TENANT}/discovery/keys`]);
    } finally {
      server.close();
    }
  });

  it('reads the token from standard input with "-"', async () => {
    const c = io(`  "${jwt(live())}"\n`);
    assert.equal(await main(['decode', '-', '--json'], c), 0);
    assert.equal(JSON.parse(c.out()).payload.aud, 'https://management.azure.com/');
  });

  it('malformed input: exit 2 and { error: { kind, message } } on stdout with --json', async () => {
    let c = io();
    assert.equal(await main(['decode', 'abc.def', '--json'], c), 2);
    assert.equal(JSON.parse(c.out()).error.kind, 'not-three-parts');
    c = io();
    assert.equal(await main(['decode', `${b64({ alg: 'RS256' })}.%%%.sig`, '--json'], c), 2);
    assert.deepEqual(JSON.parse(c.out()).error, {
      kind: 'bad-base64url',
      message: JSON.parse(c.out()).error.message,
      segment: 'payload',
    });
    c = io();
    assert.equal(await main(['decode', 'abc.def'], c), 2);
    assert.match(c.err(), /three parts/);
    c = io('');
    assert.equal(await main(['decode', '-', '--json'], c), 2);
    assert.equal(JSON.parse(c.out()).error.kind, 'empty');
    assert.equal(await main(['decode', 'a', 'b'], io()), 2);
    assert.equal(await main(['decode', 'x.y.z', '--version', '3'], io()), 2);
    assert.equal(await main(['decode', jwt(live()), '--jwks', join(dir, 'missing.json')], io()), 2);
  });

  it('opaque and encrypted tokens are recognised, not errors', async () => {
    const c = io();
    assert.equal(await main(['decode', 'EwBAA' + 'q'.repeat(120), '--json'], c), 0);
    const j = JSON.parse(c.out());
    assert.equal(j.kind, 'opaque');
    assert.match(j.warnings[0], /Microsoft account/);
  });

  it('an expired token exits 1 and says so; hostile claim values cannot inject terminal escapes', async () => {
    const c = io();
    assert.equal(await main(['decode', jwt(live({ exp: nowS - 10 ** 6, name: 'evil\u001b[2J\u0007name' }))], c), 1);
    assert.match(c.out(), /time {6}fail/);
    assert.ok(!c.out().includes('\u001b[2J'));
  });
});
