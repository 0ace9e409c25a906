import assert from 'node:assert/strict';
import { createEngine } from '../../../src/core/engine';
import { registerCredential } from '../../../src/core/credentials/registry';
import { selectCredentials, PROFILES } from '../../../src/core/chain/profiles';
import { CredentialUnavailableError, type Credential } from '../../../src/core/credentials/types';
import { SecretValue } from '../../../src/core/secret';
import { MemorySink, TextSink, fanOut } from '../../../src/core/trace/sinks';
import type { CredentialName } from '../../../src/core/model';
import { FIXTURE_BIN, fakeJwt } from './helpers';

const SECRET = 'leaky-secret-value-0123456789';

function register(name: string, getToken: Credential['getToken']): string {
  registerCredential(name as CredentialName, () => ({ name: name as CredentialName, getToken }));
  return name;
}

const unavailable = register('TestUnavailable', async () => {
  throw new CredentialUnavailableError('not here');
});
const leaky = register('TestLeaky', async () => {
  throw new Error(`upstream said: client_secret=${SECRET} and ${SECRET}`);
});
const throwsString = register('TestThrowsString', async () => {
  throw 'a plain string';
});
const garbage = register(
  'TestGarbage',
  async () => ({ token: 'not a SecretValue', expiresOnEpochMs: NaN, tokenType: 'Bearer' }) as never,
);
const deaf = register('TestDeaf', () => new Promise(() => undefined));
const good = register('TestGood', async () => ({
  token: new SecretValue('good-token-value-xyz'),
  expiresOnEpochMs: Date.now() + 3_600_000,
  tokenType: 'Bearer',
}));
let calls = 0;
const counted = register('TestCounted', async () => {
  calls++;
  await new Promise((r) => setTimeout(r, 50));
  return {
    token: new SecretValue(`counted-token-${calls}`),
    expiresOnEpochMs: Date.now() + 3_600_000,
    tokenType: 'Bearer',
  };
});

describe('engine: chain runner', () => {
  it('sequential: unavailable → next, failure → stop, the rest skipped with the reason', async () => {
    const r = await createEngine().runChain(
      { credentials: [unavailable, leaky, good] },
      { env: { AZURE_CLIENT_SECRET: SECRET } },
    );
    assert.deepEqual(
      r.steps.map((s) => s.outcome),
      ['unavailable', 'failed', 'skipped'],
    );
    assert.equal(r.winner, null);
    assert.match(r.steps[2]!.note!, /stopped at TestLeaky/);
    assert.match(r.steps[1]!.note!, /stops here/);
    assert.ok(r.error);
  });

  it('messages and errors from exceptions are redacted before they reach the result or a sink', async () => {
    const mem = new MemorySink();
    const lines: string[] = [];
    const r = await createEngine().runChain(
      { credentials: [leaky] },
      { env: { AZURE_CLIENT_SECRET: SECRET }, sink: fanOut(mem, new TextSink((l) => lines.push(l))) },
    );
    for (const out of [JSON.stringify(r), JSON.stringify(mem.events), lines.join('\n')])
      assert.ok(!out.includes(SECRET), out.slice(0, 300));
    assert.match(r.steps[0]!.message, /REDACTED/);
  });

  it('odd throws and bad return values end as classified failures, never crashes', async () => {
    const r = await createEngine().runChain({ credentials: [throwsString] }, { env: {} });
    assert.equal(r.steps[0]!.outcome, 'failed');
    assert.match(r.steps[0]!.message, /a plain string/);
    const g = await createEngine().runChain({ credentials: [garbage] }, { env: {} });
    assert.equal(g.steps[0]!.outcome, 'failed');
    assert.match(g.steps[0]!.message, /no usable token/);
  });

  it('a credential that ignores its signal still ends at the step time limit', async () => {
    const r = await createEngine().runChain({ credentials: [deaf, good], stepTimeoutMs: 100 }, { env: {} });
    assert.equal(r.steps[0]!.outcome, 'failed');
    assert.equal(r.steps[0]!.error?.kind, 'timeout');
    assert.equal(r.steps[1]!.outcome, 'skipped');
  });

  it('diagnose: every step runs; the winner is the first success before any failure', async () => {
    const r = await createEngine().runChain({ mode: 'diagnose', credentials: [unavailable, good, leaky] }, { env: {} });
    assert.deepEqual(
      r.steps.map((s) => s.outcome),
      ['unavailable', 'success', 'failed'],
    );
    assert.equal(r.winner, good);
    assert.match(r.steps[2]!.note!, /would not try this: TestGood succeeds first/);
    const stop = await createEngine().runChain(
      { mode: 'diagnose', credentials: [unavailable, leaky, good] },
      { env: {} },
    );
    assert.equal(stop.winner, null);
    assert.match(stop.steps[2]!.note!, /would not reach this: TestLeaky fails first/);
    assert.equal(stop.steps[2]!.outcome, 'success', 'it ran anyway and its own outcome is reported');
  });

  it('diagnose: the verdict is known when the deciding step settles, before slower later steps finish', async () => {
    const r = await createEngine().runChain(
      { mode: 'diagnose', credentials: [unavailable, good, deaf], stepTimeoutMs: 400 },
      { env: {} },
    );
    assert.equal(r.winner, good);
    assert.equal(r.steps[2]!.error?.kind, 'timeout', 'the later step ran to its time limit');
    assert.ok(
      r.verdictMs! < r.durationMs,
      `verdict ${r.verdictMs} ms should come before the full report ${r.durationMs} ms`,
    );
    const seq = await createEngine().runChain({ credentials: [unavailable, good] }, { env: {} });
    assert.equal(seq.verdictMs, seq.durationMs, 'in sequential mode the verdict is the whole run');
  });

  it('the access token is available to the caller but never enumerable or serialised', async () => {
    const r = await createEngine().runChain({ credentials: [good] }, { env: {} });
    assert.equal(r.accessToken?.reveal(), 'good-token-value-xyz');
    assert.ok(!JSON.stringify(r).includes('good-token-value-xyz'));
    assert.ok(!Object.keys(r).includes('accessToken'));
  });

  it('concurrent identical requests share one call; the cache answers the next one', async () => {
    const engine = createEngine();
    calls = 0;
    const [a, b] = await Promise.all([
      engine.runChain({ credentials: [counted] }, { env: {} }),
      engine.runChain({ credentials: [counted] }, { env: {} }),
    ]);
    assert.equal(calls, 1);
    assert.equal(a.token?.fingerprint, b.token?.fingerprint);
    const c = await engine.runChain({ credentials: [counted] }, { env: {} });
    assert.equal(calls, 1);
    assert.equal(c.token?.fromCache, true);
    await engine.runChain({ credentials: [counted], scope: 'https://graph.microsoft.com/.default' }, { env: {} });
    assert.equal(calls, 2, 'another scope is another cache entry');
  });

  it('aggregate error when everything is unavailable, in each SDK format', async () => {
    const go = await createEngine().runChain({ credentials: [unavailable], profile: 'go' }, { env: {} });
    assert.equal(
      go.error?.message,
      'DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tTestUnavailable: not here',
    );
    const js = await createEngine().runChain({ credentials: [unavailable], profile: 'js' }, { env: {} });
    assert.equal(
      js.error?.message,
      'ChainedTokenCredential authentication failed.\nCredentialUnavailableError: not here',
    );
    const py = await createEngine().runChain({ credentials: [unavailable], profile: 'python' }, { env: {} });
    assert.match(
      py.error!.message,
      /^DefaultAzureCredential failed to retrieve a token from the included credentials\.\nAttempted credentials:/,
    );
  });
  it("Python's chain ends a failure with its one combined error: every member asked, the failing one last", async () => {
    const py = await createEngine().runChain(
      { credentials: [unavailable, throwsString, good], profile: 'python' },
      { env: {} },
    );
    assert.equal(py.steps[1]!.outcome, 'failed');
    assert.equal(
      py.error?.message,
      'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n' +
        `\tTestUnavailable: not here\n\tTestThrowsString: ${py.steps[1]!.message}\n` +
        'To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.',
    );
    const go = await createEngine().runChain(
      { credentials: [unavailable, throwsString, good], profile: 'go' },
      { env: {} },
    );
    assert.match(go.error!.message, /^TestThrowsString: /, "other SDKs raise the failing member's own error");
  });
});

describe('engine: diagnose mode starts child processes after the in-process steps', () => {
  const env = { PATH: FIXTURE_BIN, FAKE_TOKEN: fakeJwt({ tid: 't', upn: 'u@example.com' }) };
  const order = (mem: MemorySink) =>
    mem.events.filter((e) => e.kind === 'step-start' || e.kind === 'outcome').map((e) => `${e.kind}:${e.step}`);
  const before = (seq: string[], a: string, b: string) => {
    assert.ok(seq.includes(a) && seq.includes(b), seq.join(' '));
    assert.ok(seq.indexOf(a) < seq.indexOf(b), `${a} before ${b}: ${seq.join(' ')}`);
  };

  it('az starts once an earlier in-process step has decided the verdict', async () => {
    const mem = new MemorySink();
    const r = await createEngine().runChain(
      { mode: 'diagnose', credentials: [counted, 'AzureCLICredential'] },
      { env, sink: mem, options: { diagnoseProcessDelayMs: 60_000 } },
    );
    assert.equal(r.winner, counted);
    before(order(mem), `outcome:${counted}`, 'step-start:AzureCLICredential');
    assert.equal(r.steps[1]!.outcome, 'success', 'the full report still runs az');
  });

  it('az starts when the earlier steps are all unavailable, or after the delay while one is still unresolved', async () => {
    const mem = new MemorySink();
    await createEngine().runChain(
      { mode: 'diagnose', credentials: [unavailable, 'AzureCLICredential'] },
      { env, sink: mem, options: { diagnoseProcessDelayMs: 60_000 } },
    );
    before(order(mem), `outcome:${unavailable}`, 'step-start:AzureCLICredential');
    const mem2 = new MemorySink();
    const r = await createEngine().runChain(
      { mode: 'diagnose', credentials: [deaf, 'AzureCLICredential'], stepTimeoutMs: 3000 },
      { env, sink: mem2, options: { diagnoseProcessDelayMs: 1 } },
    );
    before(order(mem2), 'step-start:AzureCLICredential', `outcome:${deaf}`);
    assert.equal(r.steps[0]!.error?.kind, 'timeout');
  });
});

describe('engine: AZURE_TOKEN_CREDENTIALS per SDK', () => {
  const sel = (profile: 'go' | 'js' | 'python' | 'dotnet', value: string | undefined) =>
    selectCredentials(profile, value === undefined ? {} : { AZURE_TOKEN_CREDENTIALS: value });

  it('unset: the full chain of the profile; empty: the full chain except in Go, which reads it with os.LookupEnv', () => {
    for (const p of ['go', 'js', 'python', 'dotnet'] as const) {
      assert.deepEqual(sel(p, undefined).selection.credentials, PROFILES[p].order);
      if (p !== 'go') assert.deepEqual(sel(p, '').selection.credentials, PROFILES[p].order);
    }
    assert.equal(sel('go', '').error?.kind, 'config');
    assert.match(sel('go', '').selection.reason, /set but empty/);
  });

  it('Go: dev/prod exact and case-sensitive; names case-insensitive but never trimmed', () => {
    assert.deepEqual(sel('go', 'dev').selection.credentials, ['AzureCLICredential', 'AzureDeveloperCLICredential']);
    assert.deepEqual(sel('go', 'prod').selection.credentials, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
    assert.equal(sel('go', 'DEV').error?.kind, 'config');
    assert.match(sel('go', 'DEV').selection.reason, /case and spaces matter/);
    assert.equal(sel('go', ' dev').error?.kind, 'config');
    assert.deepEqual(sel('go', 'AZURECLICREDENTIAL').selection.credentials, ['AzureCLICredential']);
    assert.equal(sel('go', 'AzureCLICredential ').error?.kind, 'config');
    assert.match(sel('go', 'AzureCLICredential ').selection.reason, /does not trim/);
    assert.equal(sel('go', 'AzurePowerShellCredential').error?.kind, 'config');
    assert.match(sel('go', 'AzurePowerShellCredential').selection.reason, /not part of the .*Go/);
  });

  it('JS / Python / .NET: trimmed and case-insensitive; their own dev lists and names', () => {
    assert.deepEqual(sel('js', ' DEV ').selection.credentials, [
      'VisualStudioCodeCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
      'BrokerCredential',
    ]);
    assert.deepEqual(sel('js', 'AzureCliCredential').selection.credentials, ['AzureCLICredential']);
    assert.equal(sel('js', 'ManagedIdentityCredential').imdsProbe, false);
    assert.equal(sel('go', 'ManagedIdentityCredential').imdsProbe, false);
    assert.match(
      sel('js', 'nope').error!.message,
      /^Invalid value for AZURE_TOKEN_CREDENTIALS = nope\. Valid values are 'prod' or 'dev'/,
    );
    assert.deepEqual(sel('python', 'interactivebrowsercredential').selection.credentials, [
      'InteractiveBrowserCredential',
    ]);
    assert.equal(sel('js', 'InteractiveBrowserCredential').error?.kind, 'config');
    assert.deepEqual(sel('dotnet', 'visualstudiocredential').selection.credentials, ['VisualStudioCredential']);
    assert.deepEqual(sel('dotnet', 'Prod').selection.credentials, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
  });

  it('an explicit credential list wins over the variable', () => {
    const r = selectCredentials('go', { AZURE_TOKEN_CREDENTIALS: 'dev' }, ['managedidentitycredential']);
    assert.equal(r.selection.source, 'option');
    assert.deepEqual(r.selection.credentials, ['ManagedIdentityCredential']);
  });
});
