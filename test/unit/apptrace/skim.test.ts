/**
 * What a debug session still reads past its read-in-full share (src/extension/apptrace/skim.ts): each SDK transcript
 * (test/fixtures/apptrace/transcripts), after or among the program's own lines and cut anywhere, gives the trace it
 * gives alone, HTTP exchanges included; each reader's marks are in every record's first line it reads; the program's
 * own lines are only counted (past one record's stretch after a mark); a line the reader had begun is not resumed.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppTraceReader, type AppTrace } from '../../../src/core/index';
import { createDotnetReader, DOTNET_RECORD_MARKS } from '../../../src/core/apptrace/readers/dotnet';
import { createGoReader, GO_RECORD_MARKS } from '../../../src/core/apptrace/readers/go';
import { createJavaReader, JAVA_RECORD_MARKS } from '../../../src/core/apptrace/readers/java';
import { createJsReader, JS_RECORD_MARKS } from '../../../src/core/apptrace/readers/js';
import { createPythonReader, PYTHON_RECORD_MARKS } from '../../../src/core/apptrace/readers/python';
import { MAX_RECORD_LINES } from '../../../src/core/apptrace/types';
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

/** A transcript as the program printed it: its lines (citations "#! …" removed) with their line ends. */
function printed(name: string): string {
  return readFileSync(path.join(TRANSCRIPTS, name), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#! '))
    .join('\n');
}

/**
 * 2 MB of a program's own output: plain lines, indented ones (a stack trace, pretty-printed JSON), lines that mention
 * Azure or a URL in passing — nothing an SDK's reader reads.
 */
function ownOutput(): string {
  const shapes = [
    (i: number) => `worker ${i}: processed batch, nothing to report`,
    (i: number) => `    at handler (/srv/app/worker.js:${i}:7)`,
    (i: number) => `  "item": ${i},`,
    (i: number) => `GET http://127.0.0.1:8080/health ${i} 200`,
  ];
  let out = '';
  for (let i = 0; out.length < 2 * 1024 * 1024; i++)
    out +=
      i % 1000 === 999 ? `uploaded report ${i} to our Azure storage account\n` : `${shapes[i % shapes.length]!(i)}\n`;
  return out;
}

/** The trace without its counts of what was read (lines, bytes): the runs, the SDK and release, codes, not understood. */
function traceOf(t: AppTrace): unknown {
  const { stats, ...rest } = t;
  void stats;
  return rest;
}

const httpExchanges = (t: AppTrace) =>
  t.runs.flatMap((r) => r.steps.flatMap((s) => s.events)).filter((e) => e.kind === 'http').length;

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
      // The records, and the stretch a record may fill after them.
      assert.ok(read < records.length + MAX_RECORD_LINES * 60, `${read} of ${output.length} characters read`);
    });

  const own = ownOutput();
  /** Two ways output arrives: cut anywhere, or a line per piece (a logger's writes, as a debug adapter forwards them). */
  const cuttings: [string, (text: string) => string[]][] = [
    ['cut anywhere', cut],
    ['a line per piece', (text) => text.split(/(?<=\n)/)],
  ];
  for (const name of readdirSync(TRANSCRIPTS).filter((f) => f.endsWith('.txt')))
    for (const [how, pieces] of cuttings)
      it(`${name} after 2 MB of the program's own output, ${how}: the trace of the transcript alone, HTTP included`, () => {
        const text = printed(name);
        const alone = new AppTraceReader({ now: () => 1000 });
        alone.write('stderr', text);
        const expected = alone.end();
        assert.ok(expected.runs.length > 0, 'the transcript has a run');
        const skimmed = new AppTraceReader({ now: () => 1000 });
        const skim = new OutputSkim();
        let read = 0;
        for (const piece of pieces(own + text))
          for (const part of skim.take('stderr', piece)) {
            read += part.length;
            skimmed.write('stderr', part);
          }
        const got = skimmed.end();
        assert.equal(httpExchanges(got), httpExchanges(expected), 'HTTP exchanges');
        assert.deepEqual(traceOf(got), traceOf(expected));
        assert.equal(read, text.length, "the transcript is read, and none of the program's own output");
      });

  it('every record a reader does not read as nothing opens with a line holding one of its marks (all transcripts)', () => {
    const readers = [
      [createJsReader(), JS_RECORD_MARKS],
      [createPythonReader(), PYTHON_RECORD_MARKS],
      [createGoReader(), GO_RECORD_MARKS],
      [createDotnetReader(), DOTNET_RECORD_MARKS],
      [createJavaReader(), JAVA_RECORD_MARKS],
    ] as const;
    let read = 0;
    for (const name of readdirSync(TRANSCRIPTS).filter((f) => f.endsWith('.txt')))
      for (const line of printed(name).split('\n'))
        for (const [reader, marks] of readers) {
          if (!reader.starts(line) || reader.read({ stream: 'stderr', at: 0, lines: [line] })?.length === 0) continue;
          read++;
          assert.ok(
            marks.some((m) => line.includes(m)),
            `${name}: ${reader.sdk} reads a record without its marks: ${line}`,
          );
        }
    assert.ok(read > 100, `${read} records`);
  });

  it("the program's own lines give nothing to read, from the cap on; a line with an AADSTS code is read whole", () => {
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
