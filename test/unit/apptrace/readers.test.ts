/**
 * The readers on transcripts: Go, .NET and Java in the formats their sources print (each fixture cites them), and
 * bad input — huge lines, binary, 100 MB, interleaved streams, lines of a newer release, secrets in verbose logs.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AppTraceReader,
  LineSplitter,
  MAX_RUN_EVENTS,
  RUNS_KEPT,
  type AppTrace,
  type ObservedRun,
  type Stream,
} from '../../../src/core/index';

const TRANSCRIPTS = path.resolve(__dirname, '../../fixtures/apptrace/transcripts');

/** Feeds a transcript (citation lines "#! …" removed) as one stream, line by line. */
function readTranscript(name: string, stream: Stream = 'stderr'): AppTrace {
  const r = new AppTraceReader();
  let t = 1_000;
  for (const line of readFileSync(path.join(TRANSCRIPTS, name), 'utf8').split('\n')) {
    if (line.startsWith('#! ') || line === '') continue;
    r.line(stream, line, (t += 10));
  }
  return r.end();
}

const outcomes = (run: ObservedRun | undefined) =>
  Object.fromEntries((run?.steps ?? []).map((s) => [s.credential, s.outcome]));

describe('apptrace readers: Go, .NET and Java transcripts', () => {
  it('Go: every credential unavailable (the chain lists them), the IMDS request error, the release from the User-Agent', () => {
    const t = readTranscript('go-chain-unavailable.txt');
    assert.equal(t.sdk, 'go');
    assert.equal(t.label, 'observed in your app: azidentity (Go) 1.10.1');
    assert.equal(t.runs.length, 1);
    const run = t.runs[0]!;
    assert.equal(run.winner, null);
    assert.equal(run.complete, true);
    assert.deepEqual(outcomes(run), {
      EnvironmentCredential: 'unavailable',
      WorkloadIdentityCredential: 'unavailable',
      ManagedIdentityCredential: 'unavailable',
      AzureCLICredential: 'unavailable',
      AzureDeveloperCLICredential: 'unavailable',
    });
    assert.match(
      run.steps.find((s) => s.credential === 'EnvironmentCredential')!.message,
      /missing environment variable AZURE_TENANT_ID/,
    );
    const http = run.steps.flatMap((s) => s.events).filter((e) => e.kind === 'http');
    assert.equal(http.length, 1);
    assert.equal(http[0]!.kind === 'http' && http[0]!.error, 'request error (no response)');
    // The IMDS probe is managed identity's, though no credential had a line of its own when it was made.
    assert.equal(http[0]!.step, 'ManagedIdentityCredential');
    assert.equal(t.notUnderstood.count, 0);
    assert.equal(t.stats.passthroughLines, 1, 'the program’s own line is not the SDK’s');
  });

  it('Go: EnvironmentCredential wins (its client-secret token, then the chain), a second getToken is a second run', () => {
    const t = readTranscript('go-env-wins.txt');
    assert.equal(t.runs.length, 2);
    assert.equal(t.runs[0]!.winner, 'EnvironmentCredential');
    assert.deepEqual(outcomes(t.runs[0]), { EnvironmentCredential: 'success' });
    assert.equal(t.runs[0]!.scope, 'https://management.azure.com/.default');
    const http = t.runs[0]!.steps[0]!.events.filter((e) => e.kind === 'http');
    assert.equal(http.length, 1);
    assert.ok(http[0]!.kind === 'http' && http[0]!.status === 200 && http[0]!.durationMs === 150);
    assert.equal(t.runs[1]!.winner, 'EnvironmentCredential');
    assert.equal(t.notUnderstood.count, 0);
  });

  it('Go, current releases: the construction lines (credentials not built, what EnvironmentCredential wraps) are understood', () => {
    const t = readTranscript('go-current-env-wins.txt');
    assert.equal(t.notUnderstood.count, 0, JSON.stringify(t.notUnderstood.samples));
    assert.equal(t.label, 'observed in your app: azidentity (Go) 1.10.1');
    assert.equal(t.runs.length, 1);
    const run = t.runs[0]!;
    assert.equal(run.winner, 'EnvironmentCredential');
    assert.equal(run.complete, true);
    // Built but never reached: ManagedIdentityCredential (its IMDS source noted). Not built: no step of its own.
    assert.deepEqual(outcomes(run), { EnvironmentCredential: 'success', ManagedIdentityCredential: 'skipped' });
    const mi = run.steps.find((s) => s.credential === 'ManagedIdentityCredential')!;
    assert.match(mi.message, /not tried/);
    assert.ok(!mi.events.some((e) => e.kind === 'http'), 'the token request is not under a credential never reached');
    assert.ok(
      mi.events.some((e) => e.kind === 'config' && e.settings?.source === 'IMDS'),
      JSON.stringify(mi.events),
    );
    const env = run.steps.find((s) => s.credential === 'EnvironmentCredential')!;
    assert.ok(
      env.events.some((e) => e.kind === 'config' && e.settings?.authenticatesWith === 'ClientSecretCredential'),
      JSON.stringify(env.events),
    );
    const notes = run.steps.flatMap((s) => s.events).filter((e) => e.kind === 'note');
    assert.ok(
      notes.some((e) => e.kind === 'note' && /WorkloadIdentityCredential: no token file specified/.test(e.message)),
      JSON.stringify(run.steps),
    );
    const http = env.events.filter((e) => e.kind === 'http');
    assert.ok(http[0]!.kind === 'http' && http[0]!.status === 200 && http[0]!.durationMs === 120, JSON.stringify(http));
  });

  it('Go, earlier releases: "Managed Identity Credential will use IMDS managed identity" is the same config line', () => {
    // managed_identity_client.go before the name lost its spaces: log.Writef(EventAuthentication, "Managed Identity
    // Credential will use %s managed identity", env).
    const r = new AppTraceReader();
    r.line(
      'stderr',
      '[Dec  6 08:00:00.000150] Authentication: Managed Identity Credential will use IMDS managed identity',
      1,
    );
    const t = r.end();
    assert.equal(t.notUnderstood.count, 0, JSON.stringify(t.notUnderstood.samples));
    const mi = t.runs[0]?.steps.find((s) => s.credential === 'ManagedIdentityCredential');
    assert.ok(
      mi?.events.some((e) => e.kind === 'config' && e.settings?.source === 'IMDS'),
      JSON.stringify(t.runs),
    );
  });

  it('Go, a refused secret: azidentity logs no outcome when that ends the chain, so the refusal is the credential’s failure', () => {
    // The same run as go-current-env-wins.txt, answered 401, after which current releases log nothing more.
    const r = new AppTraceReader();
    let t = 1_000;
    for (const line of readFileSync(path.join(TRANSCRIPTS, 'go-current-env-wins.txt'), 'utf8').split('\n')) {
      if (line.startsWith('#! ') || line === '' || /acquired a token|authenticated with/.test(line)) continue;
      r.line('stderr', line.replace('RESPONSE Status: 200 OK', 'RESPONSE Status: 401 Unauthorized'), (t += 10));
    }
    const run = r.end().runs[0]!;
    assert.deepEqual([run.winner, run.complete], [null, false]);
    assert.deepEqual(outcomes(run), { EnvironmentCredential: 'failed', ManagedIdentityCredential: 'skipped' });
    const env = run.steps.find((s) => s.credential === 'EnvironmentCredential')!;
    assert.match(env.message, /^failed, as its last request says \(HTTP 401\): the SDK logged no outcome after it$/);
    assert.equal(env.error?.kind, 'authentication');
    // A request still open, or answered 200, decides nothing: only a refusal that ends the log does.
    assert.equal(outcomes(readTranscript('go-current-env-wins.txt').runs[0]).EnvironmentCredential, 'success');
  });

  it('.NET: a wrong secret stops DefaultAzureCredential at EnvironmentCredential (AADSTS7000215, the 401 and its time)', () => {
    const t = readTranscript('dotnet-env-failed.txt', 'stdout');
    assert.equal(t.label, 'observed in your app: Azure.Identity (.NET) 1.13.2');
    const run = t.runs[0]!;
    assert.equal(run.winner, null);
    assert.equal(outcomes(run).EnvironmentCredential, 'failed');
    assert.deepEqual(run.errorCodes, [7000215]);
    assert.ok(run.error, 'the chain failed');
    const http = run.steps[0]!.events.filter((e) => e.kind === 'http');
    assert.ok(http[0]!.kind === 'http' && http[0]!.status === 401 && http[0]!.durationMs === 200, JSON.stringify(http));
    assert.deepEqual(t.aadstsCodes, [7000215]);
    assert.equal(t.notUnderstood.count, 0);
  });

  it('.NET: environment and managed identity unavailable, Azure CLI selected', () => {
    const t = readTranscript('dotnet-cli-wins.txt', 'stdout');
    const run = t.runs[0]!;
    assert.equal(run.winner, 'AzureCLICredential');
    assert.deepEqual(outcomes(run), {
      EnvironmentCredential: 'unavailable',
      ManagedIdentityCredential: 'unavailable',
      AzureCLICredential: 'success',
    });
    assert.ok(run.steps[1]!.events.some((e) => e.kind === 'note' && /IMDS endpoint is not available/.test(e.message)));
    assert.equal(t.label, 'observed in your app: Azure.Identity (.NET)');
    assert.equal(t.notUnderstood.count, 0);
  });

  it('Java: four credentials unavailable, Azure CLI returns the token', () => {
    const t = readTranscript('java-cli-wins.txt', 'stdout');
    const run = t.runs[0]!;
    assert.equal(t.sdk, 'java');
    assert.equal(run.winner, 'AzureCLICredential');
    assert.deepEqual(outcomes(run), {
      EnvironmentCredential: 'unavailable',
      WorkloadIdentityCredential: 'unavailable',
      ManagedIdentityCredential: 'unavailable',
      SharedTokenCacheCredential: 'unavailable',
      AzureCLICredential: 'success',
    });
    assert.equal(t.stats.passthroughLines, 1);
  });

  it('Java: the chain’s exception names the credential that stopped it (the SDK’s own error line has only placeholders)', () => {
    const t = readTranscript('java-env-failed.txt', 'stdout');
    const run = t.runs[0]!;
    assert.equal(run.winner, null);
    assert.equal(outcomes(run).EnvironmentCredential, 'failed');
    assert.match(run.error!.message, /AADSTS7000215/);
    assert.deepEqual(run.errorCodes, [7000215]);
  });
});

/** go-current-env-wins.txt with its token lines repeated `n` times, each getToken for a scope of its own. */
function manyGoRuns(n: number): string[] {
  const lines = readFileSync(path.join(TRANSCRIPTS, 'go-current-env-wins.txt'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#! ') && l !== '' && !l.startsWith('the program'));
  const start = lines.findIndex((l) => l.includes('OUTGOING REQUEST'));
  const built = lines.slice(0, start);
  const token = lines.slice(start);
  const out = [...built];
  for (let i = 0; i < n; i++)
    out.push(...token.map((l) => l.replace('management.azure.com/.default', `x/${i}/.default`)));
  return out;
}

describe('apptrace readers: where each HTTP exchange shows', () => {
  const exchanges = (run: ObservedRun) =>
    Object.fromEntries(run.steps.map((s) => [s.credential, s.events.filter((e) => e.kind === 'http').length]));

  it('@azure/identity, the chain failing: workload identity keeps its own exchanges, though only managed identity logged the error they share', () => {
    const run = readTranscript('js-chain-failed.txt').runs[0]!;
    assert.equal(exchanges(run).WorkloadIdentityCredential, 2, JSON.stringify(exchanges(run)));
    assert.equal(exchanges(run).ManagedIdentityCredential, 2, JSON.stringify(exchanges(run)));
    assert.equal(outcomes(run).WorkloadIdentityCredential, 'unavailable', 'it was tried: it is in the chain’s list');
  });

  it('a log that ends on IMDS answering 400 (no identity on the VM) infers nothing: the SDKs go on from it', () => {
    const r = new AppTraceReader();
    let t = 1_000;
    for (const line of readFileSync(path.join(TRANSCRIPTS, 'go-chain-unavailable.txt'), 'utf8').split('\n')) {
      if (line.startsWith('#! ') || line === '') continue;
      if (line.includes('Authentication:')) break;
      r.line('stderr', line.replace('-- REQUEST ERROR', '-- RESPONSE RECEIVED'), (t += 10));
    }
    r.line('stderr', '   --------------------------------------------------------------------------------', (t += 10));
    r.line('stderr', '   RESPONSE Status: 400 Bad Request', (t += 10));
    const run = r.end().runs[0]!;
    const http = run.steps.flatMap((s) => s.events).find((e) => e.kind === 'http');
    assert.equal(http?.kind === 'http' && http.status, 400, 'the 400 was read');
    assert.notEqual(outcomes(run).ManagedIdentityCredential, 'failed', JSON.stringify(run.steps));
  });

  it(`one run keeps ${MAX_RUN_EVENTS} events; the app's own Azure calls past them are counted, not kept`, () => {
    const r = new AppTraceReader();
    let t = 1_000;
    const go = (cls: string, msg: string) => r.line('stderr', `[Dec  6 08:00:00.000000] ${cls}: ${msg}`, (t += 1));
    go('Authentication', 'EnvironmentCredential will authenticate with ClientSecretCredential');
    for (let i = 0; i < MAX_RUN_EVENTS + 150; i++) {
      go('Request', '==> OUTGOING REQUEST (Try=1)');
      r.line('stderr', `   GET https://account.blob.core.windows.net/c/blob-${i}`, (t += 1));
    }
    const run = r.end().runs[0]!;
    const kept = run.steps.flatMap((s) => s.events).length;
    assert.ok(kept <= MAX_RUN_EVENTS + run.steps.length, `${kept} events kept`);
    assert.ok((run.eventsNotKept ?? 0) >= 150, String(run.eventsNotKept));
  });
});

describe('apptrace readers: a program that asks for tokens all day', () => {
  it(`keeps the first ${RUNS_KEPT.first} runs and the newest, ${RUNS_KEPT.all} in all, and counts the rest`, () => {
    const r = new AppTraceReader();
    manyGoRuns(RUNS_KEPT.all + 100).forEach((l, i) => r.line('stderr', l, 1_000 + i));
    const t = r.end();
    assert.equal(t.runs.length, RUNS_KEPT.all);
    assert.equal(t.runsNotKept, 100);
    const scope = (i: number) => t.runs[i]!.scope;
    assert.equal(scope(0), 'https://x/0/.default');
    assert.equal(scope(RUNS_KEPT.first - 1), `https://x/${RUNS_KEPT.first - 1}/.default`);
    assert.equal(scope(RUNS_KEPT.first), `https://x/${RUNS_KEPT.first + 100}/.default`);
    assert.equal(scope(RUNS_KEPT.all - 1), `https://x/${RUNS_KEPT.all + 99}/.default`);
    assert.ok(t.runs.every((run) => run.winner === 'EnvironmentCredential'));
    assert.equal(new AppTraceReader().end().runsNotKept, 0);
  });
});

describe('apptrace readers: bad input', function () {
  this.timeout(60_000);

  it('a 10 MB line is cut at the cap (counted), and the SDK line after it is still read', () => {
    const seen: number[] = [];
    const r = new AppTraceReader({ maxLineBytes: 64 * 1024 });
    const big = Buffer.alloc(10 * 1024 * 1024, 0x78);
    for (let i = 0; i < big.length; i += 1 << 20) r.write('stdout', big.subarray(i, i + (1 << 20)));
    r.write(
      'stdout',
      '\nazure:identity:info ChainedTokenCredential => getToken() => Result for EnvironmentCredential: SUCCESS. Scopes: s.\n',
    );
    const t = r.end();
    assert.equal(t.stats.truncatedLines, 1);
    assert.equal(t.runs[0]!.winner, 'EnvironmentCredential');
    const s = new LineSplitter((l) => seen.push(l.text.length), { maxLineBytes: 4096 });
    s.push(big);
    s.end();
    assert.deepEqual(seen, [4096]);
    assert.equal(s.stats.truncatedLines, 1);
  });

  it('binary output is counted, not decoded or parsed', () => {
    const r = new AppTraceReader();
    const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    r.write('stdout', bin);
    r.write('stdout', '\n');
    const t = r.end();
    assert.ok(t.stats.binaryLines >= 1);
    assert.equal(t.notUnderstood.count, 0);
    assert.equal(t.runs.length, 0);
  });

  it('100 MB of output goes by in bounded memory', () => {
    const r = new AppTraceReader();
    const line = Buffer.from(`${'program output '.repeat(6)}\n`);
    const chunk = Buffer.concat(Array.from({ length: Math.floor((1 << 20) / line.length) }, () => line));
    if (global.gc) global.gc();
    const before = process.memoryUsage().heapUsed;
    let total = 0;
    while (total < 100 * 1024 * 1024) {
      r.write('stdout', chunk);
      total += chunk.length;
    }
    const t = r.end();
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(t.stats.bytes, total);
    assert.ok(t.stats.lines > 1_000_000);
    assert.ok(grown < 64 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MB`);
  });

  it('interleaved stdout and stderr: a record on one stream is not cut by lines of the other', () => {
    const r = new AppTraceReader();
    r.line(
      'stderr',
      'azure:identity:info ChainedTokenCredential => getToken() => ERROR. Scopes: s. Error message: ChainedTokenCredential authentication failed.',
    );
    r.line('stdout', 'app: still working');
    r.line(
      'stderr',
      'CredentialUnavailableError: EnvironmentCredential is unavailable. No underlying credential could be used.',
    );
    r.line('stdout', 'app: done');
    r.line(
      'stderr',
      "CredentialUnavailableError: Please run 'az login' from a command prompt to authenticate before using this credential.",
    );
    const t = r.end();
    assert.deepEqual(outcomes(t.runs[0]), { EnvironmentCredential: 'unavailable', AzureCLICredential: 'unavailable' });
    assert.equal(t.stats.passthroughLines, 2);
  });

  it('lines of a newer release in an unknown shape are counted and shown as not understood', () => {
    const r = new AppTraceReader();
    r.line(
      'stderr',
      'azure:identity:info DefaultAzureCredential => getToken() => Tried the quantum credential, it was unsure.',
    );
    r.line(
      'stderr',
      '2026-12-05 10:00:00,000 azure.identity._credentials.future INFO Something no release printed before',
    );
    r.line(
      'stderr',
      'azure:identity:info ChainedTokenCredential => getToken() => Result for EnvironmentCredential: SUCCESS. Scopes: s.',
    );
    const t = r.end();
    assert.equal(t.notUnderstood.count, 2);
    assert.match(t.notUnderstood.samples[0]!, /quantum credential/);
    assert.equal(t.runs[0]!.winner, 'EnvironmentCredential');
  });

  it('secrets and tokens an SDK prints at verbose level never reach the trace', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eXoifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const r = new AppTraceReader({ env: { AZURE_CLIENT_SECRET: 'my-very-secret-value' } });
    r.line(
      'stderr',
      `azure:identity:info EnvironmentCredential => getToken() => ERROR. Scopes: s. Error message: bad request client_secret=my-very-secret-value assertion=${jwt}.`,
    );
    r.line(
      'stderr',
      `2026-12-05 10:00:00,000 azure.identity._internal.decorators DEBUG ManagedIdentityCredential.get_token failed: got Bearer ${jwt} and refresh_token: 0.AAAAsecretrefresh`,
    );
    r.line('stderr', 'azure.identity._exceptions.CredentialUnavailableError: nope');
    const text = JSON.stringify(r.end());
    for (const secret of ['my-very-secret-value', jwt, '0.AAAAsecretrefresh'])
      assert.ok(!text.includes(secret), `${secret} reached the trace`);
  });
});
