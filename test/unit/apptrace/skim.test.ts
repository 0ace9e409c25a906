/**
 * What a debug session still reads past its read-in-full share (src/extension/apptrace/skim.ts): each SDK's chain
 * runs, in output cut anywhere among the program's own lines, come out as when everything is read; the program's own
 * lines are only counted; a line the reader had begun is not resumed.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppTraceReader, type AppTrace } from '../../../src/core/index';
import { OutputSkim } from '../../../src/extension/apptrace/skim';

const TRANSCRIPTS = path.resolve(__dirname, '../../fixtures/apptrace/transcripts');
const JS_RECORDS = [
  'azure:identity:info EnvironmentCredential => Found the following environment variables: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET',
  'azure:identity:info EnvironmentCredential => getToken() => SUCCESS. Scopes: https://management.azure.com/.default.',
  'azure:identity:info ChainedTokenCredential => getToken() => Result for EnvironmentCredential: SUCCESS. Scopes: https://management.azure.com/.default.',
].join('\n');

function transcript(name: string): string {
  return readFileSync(path.join(TRANSCRIPTS, name), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#! '))
    .join('\n');
}

/** The program's own output: lines that name nothing an SDK's record names. */
function ownLines(n: number, tag: string): string {
  return Array.from({ length: n }, (_, i) => `${tag} line ${i}: the program's own output, nothing else\n`).join('');
}

/** Cuts text into pieces of 1 to 4,000 characters (a fixed sequence, so every run cuts the same). */
function cut(text: string): string[] {
  const pieces: string[] = [];
  let seed = 12345;
  for (let at = 0; at < text.length;) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const n = 1 + (seed % 4000);
    pieces.push(text.slice(at, at + n));
    at += n;
  }
  return pieces;
}

function outcomes(t: AppTrace): unknown {
  return t.runs.map((r) => ({ winner: r.winner, steps: r.steps.map((s) => [s.credential, s.outcome]) }));
}

describe('apptrace: what is read past the cap', () => {
  const cases: [string, string][] = [
    ['@azure/identity', JS_RECORDS],
    ...[
      'dotnet-cli-wins',
      'dotnet-env-failed',
      'go-chain-unavailable',
      'go-env-wins',
      'java-cli-wins',
      'java-env-failed',
    ].map((n): [string, string] => [n, transcript(`${n}.txt`)]),
  ];
  for (const [name, records] of cases)
    it(`${name}: the chain runs among 1 MB of the program's own lines, cut anywhere, are those read in full`, () => {
      const full = new AppTraceReader({ now: () => 1000 });
      full.write('stderr', `${records}\n`);
      const skimmed = new AppTraceReader({ now: () => 1000 });
      const skim = new OutputSkim();
      let read = 0;
      const output = `${ownLines(10000, 'before')}${records}\n${ownLines(10000, 'after')}`;
      for (const piece of cut(output))
        for (const part of skim.take('stderr', piece)) {
          read += part.length;
          skimmed.write('stderr', part);
        }
      const expected = outcomes(full.end());
      assert.ok((expected as unknown[]).length > 0, 'the transcript has a run');
      assert.deepEqual(outcomes(skimmed.end()), expected);
      assert.ok(read < records.length + 20000, `${read} of ${output.length} characters read`);
    });

  it("the program's own lines give nothing to read; a line with an AADSTS code is read whole", () => {
    const skim = new OutputSkim();
    assert.deepEqual(
      cut(ownLines(5000, 'own')).flatMap((p) => skim.take('stdout', p)),
      [],
    );
    assert.deepEqual(
      ['error: AADS', 'TS7000215: Invalid client secret provided.\nnext'].flatMap((p) => skim.take('stdout', p)),
      ['error: AADSTS7000215: Invalid client secret provided.\n'],
    );
  });

  it('a line the reader had begun is not resumed; a line of 10 MB is read up to its first 64 KB', () => {
    const skim = new OutputSkim();
    skim.startMidLine('stderr');
    assert.deepEqual(skim.take('stderr', 'rest of an azure: line\nazure:identity:info next\n'), [
      'azure:identity:info next\n',
    ]);
    const parts = ['azure:identity:info ', 'x'.repeat(10 * 1024 * 1024), '\n'].flatMap((p) => skim.take('stderr', p));
    assert.equal(parts.length, 1);
    assert.equal(parts[0]!.length, 64 * 1024 + 1);
  });
});
