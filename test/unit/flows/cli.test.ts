import { captureIo as captureIoShared } from '../cli-io';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { DEMO, withSandbox } from './helpers';
import type { Sandbox } from '../../../src/sandbox/index';

const captureIo = (env: NodeJS.ProcessEnv = {}) => captureIoShared({ env });

/** Flushes the PassThrough streams so out()/err() see everything written. */
const tick = () => new Promise((r) => setImmediate(r));

/** Runs `azauth ARGV` with ENV and waits until its output has arrived: the exit code and the captured streams. */
async function azauth(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = captureIo(env);
  const code = await main(argv, io);
  await tick();
  return { code, io };
}

describe('azauth token / azauth discover', () => {
  let sb: Sandbox;
  let dir: string;
  before(async () => {
    sb = await withSandbox();
    await sb.update((c) => {
      c.deviceCode = { expiresInSec: 900, intervalSec: 1 };
    });
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-cli-'));
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => sb.clearRequests());

  const common = () => ['--tenant', sb.tenantId, '--authority-host', sb.authorityHost, '--ca', sb.caFile];
  /** `azauth token --credential CREDENTIAL` against the sandbox, for the app CLIENT_ID, with MORE flags. */
  const token = (credential: string, clientId: string, ...more: string[]) => [
    'token',
    '--credential',
    credential,
    ...common(),
    '--client-id',
    clientId,
    ...more,
  ];
  /** The confidential app's secret, handed over in MY_SECRET (the only way the CLI takes it). */
  const SECRET_ENV = { MY_SECRET: DEMO.confidentialSecret };
  const secretFlags = ['--client-secret-env', 'MY_SECRET'];

  it('client secret from an env var: JSON shaped like one chain step, exit 0, no secret or token printed', async () => {
    const { code, io } = await azauth(token('secret', DEMO.confidentialClientId, ...secretFlags, '--json'), SECRET_ENV);
    assert.equal(code, 0, io.err());
    const out = JSON.parse(io.out()) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(out).sort(),
      ['credential', 'durationMs', 'error', 'errorCodes', 'events', 'message', 'outcome', 'token'].sort(),
    );
    assert.equal(out.credential, 'ClientSecretCredential');
    assert.equal(out.outcome, 'success');
    assert.equal((out.token as Record<string, unknown>).appId, DEMO.confidentialClientId);
    assert.ok(!io.out().includes(DEMO.confidentialSecret));
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(io.out()), 'no token without --show-token');
  });

  it('--show-token prints the token only when asked; human output names the outcome and the requests', async () => {
    const { code, io } = await azauth(
      token('ClientSecretCredential', DEMO.confidentialClientId, ...secretFlags, '--show-token'),
      SECRET_ENV,
    );
    assert.equal(code, 0, io.err());
    assert.match(io.out(), /SUCCESS\s+ClientSecretCredential/);
    assert.match(io.out(), /POST https:\/\/127\.0\.0\.1:\d+\/.*\/oauth2\/v2\.0\/token/);
    assert.match(io.out(), /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/m);
    assert.ok(!io.out().includes(DEMO.confidentialSecret));
  });

  it('a wrong secret exits 1 with the AADSTS code; --verbose shows redacted request bodies', async () => {
    const { code, io } = await azauth(token('secret', DEMO.confidentialClientId, ...secretFlags, '--verbose'), {
      MY_SECRET: 'wrong-cli-secret',
    });
    assert.equal(code, 1);
    assert.match(io.out(), /FAILED/);
    assert.match(io.out(), /AADSTS codes: 7000215/);
    assert.match(io.err(), /POST https:\/\/127\.0\.0\.1:\d+\/.* → 401/);
    assert.match(io.err(), /request: \{"client_id"/);
    assert.ok(!(io.out() + io.err()).includes('wrong-cli-secret'));
  });

  it('secrets on argv are refused (exit 2), and so are env var values passed where a name is expected', async () => {
    for (const argv of [
      ['token', '--credential', 'secret', '--client-secret', 'abc'],
      ['token', '--credential', 'secret', '--client-secret=abc'],
      ['token', '--credential', 'ropc', '--password', 'abc'],
      ['token', '--credential', 'refresh-token', '--refresh-token', 'abc'],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 2, argv.join(' '));
      await tick();
      assert.match(io.err(), /never read from the command line/);
    }
    const io = captureIo({});
    assert.equal(await main(['token', '--credential', 'secret', '--client-secret-env', 'sk-live/abc+def'], io), 2);
    await tick();
    assert.match(io.err(), /not an environment variable name/);
    const unset = captureIo({});
    assert.equal(await main(['token', '--credential', 'secret', '--client-secret-env', 'NOPE'], unset), 2);
    await tick();
    assert.match(unset.err(), /NOPE is not set/);
  });

  it('bad usage exits 2: missing --credential, unknown credential, unknown flag, bad profile, bad timeout', async () => {
    for (const argv of [
      ['token'],
      ['token', '--credential', 'nope'],
      ['token', '--credential', 'secret', '--frob'],
      ['token', '--credential', 'env', '--profile', 'rust'],
      ['token', '--credential', 'env', '--timeout', '-1'],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 2, argv.join(' '));
    }
  });

  it('a hostile scope is refused before any request (exit 2)', async () => {
    for (const scope of ['https://x/.default openid', 'a\u0000b', 'x'.repeat(5000)]) {
      const { code, io } = await azauth(
        token('secret', DEMO.confidentialClientId, ...secretFlags, '--scope', scope, '--json'),
        SECRET_ENV,
      );
      assert.equal(code, 2, scope.slice(0, 30));
      assert.match((JSON.parse(io.out()) as { message: string }).message, /invalid scope/);
    }
    assert.equal(sb.requests.length, 0);
  });

  it('a malformed certificate exits 2 with the precise reason', async () => {
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, 'garbage');
    const { code, io } = await azauth(token('certificate', DEMO.confidentialClientId, '--certificate', junk));
    assert.equal(code, 2);
    assert.match(io.out(), /neither a PEM file nor a valid PKCS#12/);
  });

  it('certificate PFX with --certificate-password-env and --send-certificate-chain', async () => {
    const app = sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId)!;
    const { code, io } = await azauth(
      token(
        'certificate',
        DEMO.confidentialClientId,
        '--certificate',
        app.certificatePfxFile!,
        '--certificate-password-env',
        'PFX_PW',
        '--send-certificate-chain',
        '--json',
      ),
      { PFX_PW: app.certificatePassword! },
    );
    assert.equal(code, 0, io.out());
    assert.ok(!io.out().includes(app.certificatePassword!));
  });

  it('--assertion-file (re-read per request) for a federated credential', async () => {
    const f = path.join(dir, 'assertion.jwt');
    const assertion = await sb.issueFederatedToken({
      subject: DEMO.workloadSubject,
      audience: 'api://AzureADTokenExchange',
    });
    writeFileSync(f, assertion);
    const { code, io } = await azauth(token('assertion', DEMO.workloadClientId, '--assertion-file', f, '--json'));
    assert.equal(code, 0, io.out());
    assert.ok(!io.out().includes(assertion));
    const empty = path.join(dir, 'empty.jwt');
    writeFileSync(empty, '');
    assert.equal((await azauth(token('assertion', DEMO.workloadClientId, '--assertion-file', empty))).code, 2);
  });

  it('device code prints the code and the URL to stderr, and finishes after approval', async () => {
    const io = captureIo();
    const watcher = setInterval(() => {
      const m = /enter the code (\S+)/.exec(io.err());
      if (m) {
        clearInterval(watcher);
        sb.approveDeviceCode(m[1]!, 'alice@sandbox.onmicrosoft.com');
      }
    }, 20);
    try {
      const code = await main(
        ['token', '--credential', 'device-code', ...common(), '--scope', 'https://graph.microsoft.com/.default'],
        io,
      );
      await tick();
      assert.equal(code, 0, io.out());
      assert.match(io.err(), /open https:\/\/127\.0\.0\.1:\d+\/devicelogin/);
      assert.match(io.out(), /alice@sandbox\.onmicrosoft\.com/);
    } finally {
      clearInterval(watcher);
    }
  });

  it('interactive with --no-browser prints the sign-in URL (the test signs in from it)', async () => {
    const io = captureIo();
    let signIn: Promise<unknown> | undefined;
    const watcher = setInterval(() => {
      const m = /Sign in at:\n(\S+)/.exec(io.err());
      if (m && !signIn) {
        clearInterval(watcher);
        signIn = sb.signIn(m[1]!, 'alice@sandbox.onmicrosoft.com', DEMO.password);
      }
    }, 20);
    try {
      const code = await main(token('interactive', DEMO.publicClientId, '--no-browser', '--json'), io);
      await signIn;
      await tick();
      assert.equal(code, 0, io.out());
      assert.equal((JSON.parse(io.out()) as { token: { upn: string } }).token.upn, 'alice@sandbox.onmicrosoft.com');
    } finally {
      clearInterval(watcher);
    }
  });

  it('environment credential through the CLI: unavailable exits 1 with the Go wording', async () => {
    const io = captureIo({});
    const code = await main(['token', '--credential', 'environment', '--json'], io);
    await tick();
    assert.equal(code, 1);
    const out = JSON.parse(io.out()) as { outcome: string; message: string };
    assert.equal(out.outcome, 'unavailable');
    assert.match(out.message, /missing environment variable AZURE_TENANT_ID/);
  });

  it('discover: human and JSON output; unknown tenant exits 1; bad usage exits 2', async () => {
    const io = captureIo();
    assert.equal(await main(['discover', ...common()], io), 0);
    await tick();
    assert.match(io.out(), /issuer\s+https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/v2\.0/);
    assert.match(io.out(), /signing keys \(\d+\)/);
    const j = captureIo();
    assert.equal(await main(['discover', ...common(), '--json'], j), 0);
    await tick();
    const parsed = JSON.parse(j.out()) as { result: { outcome: string }; discovery: { keys: unknown[] } };
    assert.equal(parsed.result.outcome, 'success');
    assert.ok(parsed.discovery.keys.length > 0);
    const unknown = captureIo();
    assert.equal(
      await main(
        ['discover', '--tenant', 'nobody.onmicrosoft.com', '--authority-host', sb.authorityHost, '--ca', sb.caFile],
        unknown,
      ),
      1,
    );
    await tick();
    assert.match(unknown.out(), /90002/);
    assert.equal(await main(['discover'], captureIo()), 2);
    assert.equal(await main(['discover', '--tenant', 'x', '--authority-host', 'http://insecure.test'], captureIo()), 2);
    assert.equal(await main(['discover', '--tenant', 'x', '--ca', path.join(dir, 'missing.pem')], captureIo()), 2);
    assert.ok(sb.requests.every((r) => r.listener === 'authority'));
  });
});
