import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { request } from './helpers';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  const controller = new AbortController();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  const value: CliIo = { stdout, stderr, stdin, env: {}, color: false, signal: controller.signal };
  return { io: value, out: () => o, err: () => e, stop: () => controller.abort() };
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error('condition not reached');
}

describe('azauth sandbox', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-cli-sb-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints exactly one JSON line when ready, serves, and stops on the signal', async () => {
    const t = io();
    const done = main(['sandbox', '--json'], t.io);
    await waitFor(() => t.out().includes('\n'));
    const lines = t.out().split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    const c = JSON.parse(lines[0]!) as {
      authorityHost: string;
      caFile: string;
      tenantId: string;
      apps: unknown[];
      users: unknown[];
      managedIdentity: { imds: string };
    };
    assert.match(c.authorityHost, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(c.caFile));
    const { readFileSync } = await import('node:fs');
    const r = await request(`${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration`, {
      ca: readFileSync(c.caFile, 'utf8'),
    });
    assert.equal(r.status, 200);
    t.stop();
    assert.equal(await done, 0);
    assert.ok(!existsSync(c.caFile), 'files removed on stop');
    await assert.rejects(request(`${c.managedIdentity.imds}/metadata/identity/oauth2/token`), /ECONNREFUSED/);
  });

  it('prints a human summary without --json', async () => {
    const t = io();
    const done = main(['sandbox'], t.io);
    await waitFor(() => t.out().includes('Try: curl'));
    assert.match(t.out(), /Authority host\s+https:\/\/127\.0\.0\.1:\d+/);
    assert.match(t.out(), /NODE_EXTRA_CA_CERTS=/);
    assert.match(t.out(), /alice@sandbox\.onmicrosoft\.com/);
    t.stop();
    assert.equal(await done, 0);
  });

  it('a bad config exits 2 naming the field; unreadable or non-JSON files and bad ports exit 2', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ apps: [{ clientId: 'c0ffee00-0000-4000-8000-000000000001', certificates: [{ pem: 'x' }] }] }),
    );
    let t = io();
    assert.equal(await main(['sandbox', '--config', bad], t.io), 2);
    assert.match(t.err(), /apps\[0\]\.certificates\[0\]\.pem: not a PEM certificate/);
    t = io();
    assert.equal(await main(['sandbox', '--config', path.join(dir, 'missing.json')], t.io), 2);
    assert.match(t.err(), /--config file .*missing.json: no such file/);
    const notJson = path.join(dir, 'x.json');
    writeFileSync(notJson, '{nope');
    t = io();
    assert.equal(await main(['sandbox', '--config', notJson], t.io), 2);
    assert.match(t.err(), /not valid JSON/);
    t = io();
    assert.equal(await main(['sandbox', '--port', 'abc'], t.io), 2);
    assert.match(t.err(), /--port/);
    t = io();
    assert.equal(await main(['sandbox', '--bogus'], t.io), 2);
  });

  it('a port in use exits 2 with a clear message', async () => {
    const { startSandbox } = await import('../../../src/sandbox/index');
    const other = await startSandbox();
    try {
      const t = io();
      assert.equal(await main(['sandbox', '--port', new URL(other.authorityHost).port], t.io), 2);
      assert.match(t.err(), /already in use/);
    } finally {
      await other.close();
    }
  });

  it('a good config file is used', async () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ tokenLifetimeSec: 600, managedIdentity: { imds: { enabled: false } } }));
    const t = io();
    const done = main(['sandbox', '--config', good, '--json'], t.io);
    await waitFor(() => t.out().includes('\n'));
    const c = JSON.parse(t.out()) as { managedIdentity: { enabled: { imds: boolean } } };
    assert.equal(c.managedIdentity.enabled.imds, false);
    t.stop();
    assert.equal(await done, 0);
  });
});
