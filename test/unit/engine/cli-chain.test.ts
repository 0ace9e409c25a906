import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { FIXTURE_BIN, fakeJwt } from './helpers';

const TOKEN = fakeJwt({ tid: 'tid-cli', upn: 'cli@contoso.example', scp: 'x' });

async function azauth(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env,
    color: false,
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

const base = { PATH: FIXTURE_BIN, FAKE_TOKEN: TOKEN };
// 127.0.0.1:9 (discard) refuses connections: IMDS is unavailable at once, nothing leaves loopback.
const noImds = ['--imds-endpoint', 'http://127.0.0.1:9'];

describe('azauth chain', () => {
  it('--json prints the contract object and exits 0 when a credential wins', async () => {
    const r = await azauth(['chain', '--json', ...noImds], base);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j).slice(0, 8), [
      'mode',
      'profile',
      'scope',
      'selection',
      'winner',
      'steps',
      'token',
      'error',
    ]);
    assert.equal(j.mode, 'sequential');
    assert.equal(j.profile, 'go');
    assert.equal(j.winner, 'AzureCLICredential');
    assert.deepEqual(
      j.steps.map((s: { credential: string; outcome: string }) => [s.credential, s.outcome]),
      [
        ['EnvironmentCredential', 'unavailable'],
        ['WorkloadIdentityCredential', 'unavailable'],
        ['ManagedIdentityCredential', 'unavailable'],
        ['AzureCLICredential', 'success'],
        ['AzureDeveloperCLICredential', 'skipped'],
      ],
    );
    for (const s of j.steps)
      for (const k of ['credential', 'outcome', 'message', 'durationMs', 'errorCodes', 'events']) assert.ok(k in s, k);
    assert.equal(j.token.upn, 'cli@contoso.example');
    assert.equal(j.error, null);
    assert.ok(!r.out.includes(TOKEN));
  });

  it('human output: aligned lines with a timing column, then the failure explained; exit 1', async () => {
    const r = await azauth(['chain', '--profile', 'js', ...noImds], {
      ...base,
      FAKE_AZ_MODE: 'aadsts',
      FAKE_AZD_MODE: 'not-logged-in',
      FAKE_PWSH_MODE: 'not-logged-in',
    });
    assert.equal(r.code, 1);
    // The step says what @azure/identity says (az's trailing "az login" reads as not logged in); the AADSTS code
    // behind it stays on the step and in the explanation.
    assert.match(r.out, /AzureCLICredential\s+unavailable\s+\d+ ms\s+Please run 'az login'/);
    assert.match(r.out, /No credential in the chain is available here/);
    assert.match(r.out, /The failure that mattered:/);
    assert.match(r.out, /when an AADSTS code appears before it, that code is the real cause/);
    const lines = r.out.split('\n').filter((l) => /^\s+[✓–✗·] /.test(l));
    assert.equal(lines.length, 8);
    const col = lines.map((l) => l.search(/(unavailable|success|failed|skipped)/));
    assert.equal(new Set(col).size, 1, 'outcome column aligned');
  });

  it('diagnose mode names the would-be winner and why earlier ones did not win', async () => {
    const r = await azauth(['chain', '--mode', 'diagnose', '--json', ...noImds], {
      ...base,
      FAKE_AZ_MODE: 'not-logged-in',
    });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.winner, 'AzureDeveloperCLICredential');
    assert.match(j.steps[3].note, /did not win: unavailable/);
    assert.match(j.steps[4].note, /would pick this credential/);
  });

  it('exit 2: bad flags, unreadable --ca, and an AZURE_TOKEN_CREDENTIALS value the SDK rejects', async () => {
    assert.equal((await azauth(['chain', '--mode', 'fast'], base)).code, 2);
    assert.equal((await azauth(['chain', '--profile', 'rust'], base)).code, 2);
    const future = await azauth(['chain', '--profile', 'js@9.9'], base);
    assert.equal(future.code, 2);
    assert.match(
      future.err,
      /--profile: js@9\.9 is newer than the newest modelled release \(4\.14\.1\); the nearest modelled release is js@4\.14\.1/,
    );
    const junk = await azauth(['chain', '--profile', 'python@x'], base);
    assert.equal(junk.code, 2);
    assert.match(junk.err, /"x" is not a release number.*python@1\.25\.3/);
    assert.equal((await azauth(['chain', '--timeout', '-5'], base)).code, 2);
    assert.equal((await azauth(['chain', '--ca', '/nonexistent/ca.pem'], base)).code, 2);
    assert.equal((await azauth(['chain', '--imds-endpoint', 'file:///etc/passwd'], base)).code, 2);
    const http = await azauth(['chain', '--authority-host', 'http://127.0.0.1:9'], base);
    assert.equal(http.code, 2, 'a non-https authority host given as a flag is bad usage, as for azauth token');
    assert.match(http.err, /--authority-host/);
    const bad = await azauth(['chain', '--json'], { ...base, AZURE_TOKEN_CREDENTIALS: 'Dev' });
    assert.equal(bad.code, 2);
    const j = JSON.parse(bad.out);
    assert.match(j.error.message, /^invalid AZURE_TOKEN_CREDENTIALS value "Dev"/);
    assert.match(j.selection.reason, /case and spaces matter/);
    const js = await azauth(['chain', '--json', '--profile', 'js', ...noImds], {
      ...base,
      AZURE_TOKEN_CREDENTIALS: ' Dev ',
    });
    assert.equal(JSON.parse(js.out).selection.source, 'AZURE_TOKEN_CREDENTIALS');
    assert.equal(JSON.parse(js.out).steps[0].credential, 'VisualStudioCodeCredential');
  });

  it("--require: the release's require option stops DefaultAzureCredential before any credential (exit 2)", async () => {
    const r = await azauth(['chain', '--json', '--profile', 'go@1.12.0', '--require', 'AZURE_TOKEN_CREDENTIALS'], base);
    assert.equal(r.code, 2);
    assert.equal(
      JSON.parse(r.out).error.message,
      'AZURE_TOKEN_CREDENTIALS must be set when RequireAzureTokenCredentials is true',
    );
    const js = await azauth(
      ['chain', '--json', '--profile', 'js', '--require', 'AZURE_TENANT_ID,AZURE_CLIENT_ID'],
      base,
    );
    assert.match(
      JSON.parse(js.out).error.message,
      /^Required environment variables 'AZURE_TENANT_ID, AZURE_CLIENT_ID'/,
    );
    assert.equal((await azauth(['chain', '--require', 'not a name'], base)).code, 2);
  });

  it('--profile js@4.5.0 runs that release: its chain (no VisualStudioCode), AZURE_TOKEN_CREDENTIALS ignored, release in the JSON and the header', async () => {
    const r = await azauth(['chain', '--json', '--profile', 'js@4.5.0', ...noImds], {
      ...base,
      AZURE_TOKEN_CREDENTIALS: 'dev',
    });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.release, 'js@4.5.0');
    assert.equal(j.profile, 'js');
    assert.equal(j.selection.source, 'default');
    assert.match(j.selection.reason, /ignored by js@4\.5\.0/);
    assert.deepEqual(
      j.steps.map((s: { credential: string }) => s.credential),
      [
        'EnvironmentCredential',
        'WorkloadIdentityCredential',
        'ManagedIdentityCredential',
        'AzureCLICredential',
        'AzurePowerShellCredential',
        'AzureDeveloperCLICredential',
      ],
    );
    const human = await azauth(['chain', '--profile', 'js@4.10', ...noImds], base);
    assert.match(human.out, /@azure\/identity 4\.10\.2\)/);
  });

  it('--verbose writes redacted trace lines to stderr, never the secret', async () => {
    const r = await azauth(['chain', '--verbose', ...noImds], {
      ...base,
      AZURE_CLIENT_SECRET: 'cli-test-secret-value-42',
      AZURE_CLIENT_ID: 'c',
      AZURE_USERNAME: 'u',
    });
    assert.match(r.err, /\[AzureCLICredential\] exec /);
    assert.ok(!r.err.includes('cli-test-secret-value-42'));
    assert.ok(!r.out.includes('cli-test-secret-value-42'));
  });
});

describe('azauth chain --detect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'azauth-cli-detect-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the release the project locks, and says which file and line decided', async () => {
    writeFileSync(join(dir, 'yarn.lock'), '"@azure/identity@^4.0.0":\n  version "4.5.0"\n');
    const r = await azauth(['chain', '--detect', dir, '--json', ...noImds], base);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.release, 'js@4.5.0');
    assert.deepEqual(
      [j.detected.profile, j.detected.file, j.detected.line, j.detected.text],
      ['js@4.5.0', 'yarn.lock', 2, 'version "4.5.0"'],
    );
    const human = await azauth(['chain', '--detect', dir, ...noImds], base);
    assert.match(human.out, /^Detected js@4\.5\.0 — yarn\.lock:2: version "4\.5\.0"/);
  });

  it('bad usage: --detect with --profile, a stray argument, a folder with no SDK', async () => {
    assert.equal((await azauth(['chain', '--detect', dir, '--profile', 'js'], base)).code, 2);
    assert.equal((await azauth(['chain', 'somewhere'], base)).code, 2);
    const empty = mkdtempSync(join(tmpdir(), 'azauth-cli-empty-'));
    const r = await azauth(['chain', '--detect', empty], base);
    rmSync(empty, { recursive: true, force: true });
    assert.equal(r.code, 2);
    assert.match(r.err, /no Azure Identity package found/);
  });
});
