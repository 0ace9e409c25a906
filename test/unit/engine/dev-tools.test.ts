import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../src/core/engine';
import { MemorySink, JsonLinesSink, TextSink, fanOut } from '../../../src/core/trace/sinks';
import type { ChainProfile } from '../../../src/core/model';
import { classifyAz, parseToolExpiry } from '../../../src/core/process/classify';
import { powerShellScript } from '../../../src/core/credentials/azure-powershell';
import { FIXTURE_BIN, fakeJwt, tempDir } from './helpers';

const TOKEN = fakeJwt({ tid: 'tid-dev', upn: 'dev@contoso.example', scp: 'user_impersonation', oid: 'o1' });

async function one(
  name: string,
  env: Record<string, string>,
  opts: {
    profile?: ChainProfile;
    scope?: string;
    tenantId?: string;
    inChain?: boolean;
    processTimeoutMs?: number;
  } = {},
) {
  const mem = new MemorySink();
  const lines: string[] = [];
  const json: string[] = [];
  const sink = fanOut(mem, new TextSink((l) => lines.push(l)), new JsonLinesSink((l) => json.push(l)));
  const engine = createEngine();
  const fullEnv = { PATH: FIXTURE_BIN, FAKE_TOKEN: TOKEN, ...env };
  const options = { processTimeoutMs: opts.processTimeoutMs ?? 5000 };
  if (opts.inChain === false) {
    const r = await engine.runCredential(
      name,
      { scope: opts.scope, tenantId: opts.tenantId, profile: opts.profile },
      { env: fullEnv, options, sink },
    );
    return { step: r.result, out: lines.join('\n') + json.join('\n') + JSON.stringify(mem.events) };
  }
  const r = await engine.runChain(
    { credentials: [name], profile: opts.profile ?? 'go', scope: opts.scope, tenantId: opts.tenantId },
    { env: fullEnv, options, sink },
  );
  return {
    step: r.steps[0]!,
    out: lines.join('\n') + json.join('\n') + JSON.stringify(mem.events) + JSON.stringify(r),
    r,
  };
}

describe('engine: developer-tool credentials (fake executables on PATH)', () => {
  let argsFile: string;
  beforeEach(() => {
    argsFile = path.join(tempDir('args-'), 'args.txt');
  });
  const args = () => readFileSync(argsFile, 'utf8').trim().split('\n');

  it('az logged in: exact invocation, token parsed, token never in any sink', async () => {
    const { step, out } = await one(
      'AzureCLICredential',
      { FAKE_ARGS_FILE: argsFile },
      { tenantId: 'contoso.example' },
    );
    assert.equal(step.outcome, 'success');
    assert.deepEqual(args(), [
      'account',
      'get-access-token',
      '--output',
      'json',
      '--resource',
      'https://management.azure.com',
      '--tenant',
      'contoso.example',
    ]);
    assert.equal(step.token?.upn, 'dev@contoso.example');
    assert.equal(step.token?.expiresOn, '2099-01-01T00:00:00.000Z');
    assert.ok(!out.includes(TOKEN));
    assert.ok(!out.includes(TOKEN.split('.')[1]!));
  });

  it('az not logged in / MFA / AADSTS-then-"az login" are unavailable in the chain with the right cause', async () => {
    const nl = await one('AzureCLICredential', { FAKE_AZ_MODE: 'not-logged-in' });
    assert.equal(nl.step.outcome, 'unavailable');
    assert.match(nl.step.message, /az login/);
    const js = await one('AzureCLICredential', { FAKE_AZ_MODE: 'not-logged-in' }, { profile: 'js' });
    assert.equal(
      js.step.message,
      "Please run 'az login' from a command prompt to authenticate before using this credential.",
    );
    const mfa = await one('AzureCLICredential', { FAKE_AZ_MODE: 'mfa' });
    assert.equal(mfa.step.outcome, 'unavailable');
    assert.match(mfa.step.message, /multi-factor.*AADSTS50076/);
    assert.deepEqual(mfa.step.errorCodes, [50076]);
    const trap = await one('AzureCLICredential', { FAKE_AZ_MODE: 'aadsts' });
    assert.match(trap.step.message, /^AADSTS500011: The resource principal/);
    assert.match(trap.step.message, /real cause is this AADSTS error/);
    assert.deepEqual(trap.step.errorCodes, [500011]);
    const pe = trap.step.events.find((e) => e.kind === 'process');
    assert.equal(pe?.kind === 'process' ? pe.classification : '', 'aadsts');
  });

  it('outside the chain a non-"not installed" az failure is an error, not unavailable', async () => {
    const r = await one('AzureCLICredential', { FAKE_AZ_MODE: 'aadsts' }, { inChain: false });
    assert.equal(r.step.outcome, 'failed');
    assert.equal(r.step.error?.kind, 'aadsts');
    const ni = await one('AzureCLICredential', { PATH: '/nonexistent' }, { inChain: false });
    assert.equal(ni.step.outcome, 'unavailable');
  });

  it('az not installed: names the PATH searched, no spawn', async () => {
    const { step } = await one('AzureCLICredential', { PATH: '/nonexistent:/also-missing' });
    assert.equal(step.outcome, 'unavailable');
    assert.match(step.message, /Azure CLI not found on path.*\/nonexistent:\/also-missing/);
    const cfg = step.events.find((e) => e.kind === 'config' && e.executables);
    assert.deepEqual(cfg?.kind === 'config' ? cfg.executables?.[0]?.searchedPath : null, [
      '/nonexistent',
      '/also-missing',
    ]);
  });

  it('garbage, HTML and hung az: precise classified messages, never a hang', async () => {
    const g = await one('AzureCLICredential', { FAKE_AZ_MODE: 'garbage' });
    assert.equal(g.step.outcome, 'unavailable');
    assert.match(g.step.message, /az printed output that is not JSON/);
    const h = await one('AzureCLICredential', { FAKE_AZ_MODE: 'html' });
    assert.match(h.step.message, /HTML page/);
    const hung = await one('AzureCLICredential', { FAKE_AZ_MODE: 'hang' }, { processTimeoutMs: 300 });
    assert.equal(hung.step.outcome, 'unavailable');
    assert.match(hung.step.message, /did not finish within 300 ms/);
    const slow = await one('AzureCLICredential', { FAKE_AZ_MODE: 'slow', FAKE_DELAY: '0.2' });
    assert.equal(slow.step.outcome, 'success');
  });

  it('hostile scope and tenant are refused before anything is spawned', async () => {
    const s = await one(
      'AzureCLICredential',
      { FAKE_ARGS_FILE: argsFile },
      { scope: 'https://x/.default; rm -rf / #' },
    );
    assert.equal(s.step.outcome, 'unavailable');
    assert.equal(s.step.message, 'Invalid scope was specified by the user or calling client');
    assert.equal(existsSync(argsFile), false);
    assert.ok(!s.step.events.some((e) => e.kind === 'process'));
    const t = await one('AzureCLICredential', { FAKE_ARGS_FILE: argsFile }, { tenantId: 'x"; whoami' });
    assert.equal(t.step.outcome, 'unavailable');
    assert.match(t.step.message, /Invalid tenant id/);
    const tjs = await one(
      'AzureCLICredential',
      { FAKE_ARGS_FILE: argsFile },
      { tenantId: 'x"; whoami', profile: 'js' },
    );
    assert.equal(tjs.step.outcome, 'failed', '@azure/identity checks the tenant outside its try/catch');
    assert.equal(existsSync(argsFile), false);
  });

  it('azd: exact invocation per profile, logged in / not logged in / MFA / not installed', async () => {
    const ok = await one('AzureDeveloperCLICredential', { FAKE_ARGS_FILE: argsFile }, { tenantId: 't1' });
    assert.equal(ok.step.outcome, 'success');
    assert.deepEqual(args(), [
      'auth',
      'token',
      '-o',
      'json',
      '--no-prompt',
      '--scope',
      'https://management.azure.com/.default',
      '--tenant-id',
      't1',
    ]);
    await one('AzureDeveloperCLICredential', { FAKE_ARGS_FILE: argsFile }, { profile: 'js' });
    assert.deepEqual(args().slice(0, 5), ['auth', 'token', '--output', 'json', '--no-prompt']);
    const nl = await one('AzureDeveloperCLICredential', { FAKE_AZD_MODE: 'not-logged-in' }, { profile: 'js' });
    assert.equal(
      nl.step.message,
      "Please run 'azd auth login' from a command prompt to authenticate before using this credential. For more information, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.",
    );
    const mfa = await one('AzureDeveloperCLICredential', { FAKE_AZD_MODE: 'mfa' });
    assert.equal(mfa.step.outcome, 'unavailable');
    assert.match(mfa.step.message, /multi-factor/);
    const ni = await one('AzureDeveloperCLICredential', { PATH: '/nonexistent' });
    assert.match(ni.step.message, /Azure Developer CLI not found on path/);
    const g = await one('AzureDeveloperCLICredential', { FAKE_AZD_MODE: 'garbage' });
    assert.match(g.step.message, /azd printed output that is not JSON/);
  });

  it('pwsh: -NoProfile -NonInteractive -EncodedCommand with a validated script; module missing / not connected', async () => {
    const ok = await one('AzurePowerShellCredential', { FAKE_ARGS_FILE: argsFile });
    assert.equal(ok.step.outcome, 'success');
    const a = args();
    assert.deepEqual(a.slice(0, 5), ['-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand']);
    const script = Buffer.from(a[5]!, 'base64').toString('utf16le');
    assert.equal(script, powerShellScript('https://management.azure.com', undefined));
    assert.match(script, /Get-AzAccessToken @params/);
    const nm = await one('AzurePowerShellCredential', { FAKE_PWSH_MODE: 'no-module' });
    assert.match(nm.step.message, /Az.Account' module >= 2.2.0 is not installed/);
    const nl = await one('AzurePowerShellCredential', { FAKE_PWSH_MODE: 'not-logged-in' }, { profile: 'js' });
    assert.match(nl.step.message, /Connect-AzAccount/);
  });

  it('the cache never hides a changed az login: its state files are part of the identity', async () => {
    const dir = tempDir('azcfg-cache-');
    const engine = createEngine();
    const env = { PATH: FIXTURE_BIN, FAKE_TOKEN: TOKEN, AZURE_CONFIG_DIR: dir };
    const run = () => engine.runChain({ credentials: ['AzureCLICredential'] }, { env });
    assert.equal((await run()).token?.fromCache, false);
    assert.equal((await run()).token?.fromCache, true);
    writeFileSync(path.join(dir, 'azureProfile.json'), '{"subscriptions":[]}');
    assert.equal((await run()).token?.fromCache, false, 'az login / logout changed the profile: ask az again');
    assert.equal((await run()).token?.fromCache, true);
  });

  it('parses every expiry form the tools print', () => {
    assert.equal(parseToolExpiry(4070908800), 4070908800000);
    assert.equal(parseToolExpiry('4070908800'), 4070908800000);
    assert.equal(parseToolExpiry('2099-01-01T00:00:00Z'), Date.UTC(2099, 0, 1));
    assert.equal(parseToolExpiry('2099-01-01 00:00:00.000000'), new Date(2099, 0, 1).getTime());
    assert.equal(
      parseToolExpiry(638_000_000_000_000_000),
      Math.round((638_000_000_000_000_000 - 621_355_968_000_000_000) / 10_000),
    );
    assert.equal(parseToolExpiry('tomorrow'), undefined);
    assert.equal(parseToolExpiry(''), undefined);
  });

  it('classifies az stderr like the SDKs, keeping AADSTS causes', () => {
    const base = { exitCode: 1, signal: null, stdout: '', durationMs: 1, timedOut: false, resolvedPath: '/usr/bin/az' };
    assert.equal(classifyAz({ ...base, stderr: "ERROR: Please run 'az login' to setup account." }), 'not-logged-in');
    assert.equal(
      classifyAz({
        ...base,
        stderr:
          'ERROR: AADSTS7000215: Invalid client secret provided.\nInteractive authentication is needed. Please run:\naz login',
      }),
      'aadsts',
    );
    assert.equal(classifyAz({ ...base, stderr: '/bin/sh: 1: az: not found' }), 'not-installed');
    assert.equal(classifyAz({ ...base, exitCode: 127, stderr: '' }), 'not-installed');
    assert.equal(classifyAz({ ...base, stderr: 'Traceback (most recent call last): boom' }), 'other');
  });
});

describe('engine: the real Azure CLI (Debian azure-cli) in its not-logged-in state', function () {
  this.timeout(60_000);
  const az = '/usr/bin/az';
  before(function () {
    if (!existsSync(az)) this.skip();
  });

  it('AzureCLICredential reports "not logged in" from the real az, as unavailable in the chain', async () => {
    const dir = tempDir('azcfg-');
    writeFileSync(
      path.join(dir, 'versionCheck.json'),
      JSON.stringify({ versions: { 'azure-cli': { local: '2.45.0' }, core: { local: '2.45.0' } } }),
    );
    const env = { PATH: '/usr/bin:/bin', HOME: dir, AZURE_CONFIG_DIR: dir, AZURE_CORE_COLLECT_TELEMETRY: 'false' };
    const r = await createEngine().runChain(
      { credentials: ['AzureCLICredential', 'AzureDeveloperCLICredential'] },
      { env, options: { processTimeoutMs: 30_000 } },
    );
    const [cli, azd] = r.steps;
    assert.equal(cli!.outcome, 'unavailable');
    assert.match(cli!.message, /Please run 'az login' to setup account/);
    const pe = cli!.events.find((e) => e.kind === 'process');
    assert.equal(pe?.kind === 'process' ? pe.resolvedPath : '', az);
    assert.equal(pe?.kind === 'process' ? pe.classification : '', 'not-logged-in');
    assert.equal(azd!.outcome, 'unavailable');
    assert.equal(r.winner, null);
    assert.match(
      r.error!.message,
      /^DefaultAzureCredential: failed to acquire a token\.\nAttempted credentials:\n\tAzureCLICredential: /,
    );
  });
});
