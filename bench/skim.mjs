// What a debug session costs past its 32 MB read in full (src/extension/apptrace/skim.ts): the skim over 64 MB of a
// program's own output in 64 KB pieces (as a debug adapter hands them over), with an SDK's chain run every 8 MB, once
// with no line naming Azure and once with one every 1,000 lines. Ratios in the same run: the skim alone to the skim
// before the readers' marks (five substrings per piece, a piece holding one kept whole; reproduced below as it was)
// and to one indexOf pass over the same pieces (the floor of any substring search); the skim with the reader reading
// what it keeps, to the same with the skim before, and to reading everything (the core's AppTraceReader).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const engine = require('../dist/engine.js');

/** The skim as the extension bundles it (esbuild from source, tree-shaken the same way). */
function loadSkim() {
  const out = buildSync({
    entryPoints: [path.join(root, 'src/extension/apptrace/skim.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    minify: true,
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  return module.exports.OutputSkim;
}

/** The skim before the readers' marks (commit 62800d2), as the baseline of the change. */
class MarkerSkim {
  static MARKERS = ['zure', 'AZURE', 'redential', 'dentity', 'AADSTS'];
  pending = {};
  take(stream, text) {
    const p = this.pending[stream] ?? { head: '' };
    const may = (t) => MarkerSkim.MARKERS.some((m) => t.includes(m));
    const first = text.indexOf('\n');
    if (first === -1) {
      if (p.head.length < 65536) p.head += text.slice(0, 65536 - p.head.length);
      this.pending[stream] = p;
      return [];
    }
    const out = [];
    const line = p.head + text.slice(0, Math.min(first, Math.max(0, 65536 - p.head.length)));
    if (may(line)) out.push(`${line}\n`);
    const last = text.lastIndexOf('\n');
    if (last > first) {
      const block = text.slice(first + 1, last + 1);
      if (may(block)) out.push(block);
    }
    this.pending[stream] = { head: text.slice(last + 1, last + 1 + 65536) };
    return out;
  }
}

/** 64 MB of a program's own output in 64 KB pieces, an SDK's chain run (with its HTTP records) every 8 MB. */
function flood(mentions) {
  const shapes = [
    (i) => `worker ${i}: processed batch ${i * 7}, nothing to report`,
    (i) => `    at handler (/srv/app/worker.js:${i % 400}:7)`,
    (i) => `  "item": ${i}, "state": "done",`,
    (i) => `GET http://127.0.0.1:8080/health ${i} 200 0.4ms`,
  ];
  const transcript = readFileSync(path.join(root, 'test/fixtures/apptrace/transcripts/js-env-wins.txt'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#! '))
    .join('\n');
  const parts = [];
  let size = 0;
  let chunk = '';
  for (let i = 0; size < 64 * 1024 * 1024; i++) {
    chunk += `${shapes[i % shapes.length](i)}\n`;
    if (mentions && i % 1000 === 999)
      chunk += `uploaded report ${i} to https://reports.blob.core.windows.net (Azure)\n`;
    if (chunk.length >= 1024 * 1024) {
      if (parts.length % 8 === 7) chunk += transcript;
      parts.push(chunk);
      size += chunk.length;
      chunk = '';
    }
  }
  const text = parts.join('');
  const pieces = [];
  for (let at = 0; at < text.length; at += 64 * 1024) pieces.push(text.slice(at, at + 64 * 1024));
  return { pieces, size: text.length };
}

const OutputSkim = loadSkim();
let sink = 0;

/** The skim (or none) handing its parts to the reader (or to nothing); what was handed and what the reader made of it. */
function pass(pieces, Skim, read) {
  const s = Skim ? new Skim() : undefined;
  const r = read ? new engine.AppTraceReader({ now: () => 0 }) : undefined;
  let handed = 0;
  for (const p of pieces)
    for (const part of s ? s.take('stderr', p) : [p]) {
      handed += part.length;
      r?.write('stderr', part);
    }
  const t = r?.end();
  const http = t?.runs.flatMap((x) => x.steps.flatMap((st) => st.events)).filter((e) => e.kind === 'http').length;
  sink += handed;
  return { handed, runs: t?.runs.length, http };
}

function measure(mentions) {
  const { pieces, size } = flood(mentions);
  const sides = {
    skim: () => pass(pieces, OutputSkim, false),
    before: () => pass(pieces, MarkerSkim, false),
    skimAndRead: () => pass(pieces, OutputSkim, true),
    beforeAndRead: () => pass(pieces, MarkerSkim, true),
    readAll: () => pass(pieces, undefined, true),
    indexOf: () => {
      for (const p of pieces) sink += p.indexOf('AADSTS');
    },
  };
  const times = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  for (let round = 0; round < 5; round++)
    for (const [k, f] of Object.entries(sides)) {
      const t0 = process.hrtime.bigint();
      f();
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const r = {
    megabytes: size / 1024 / 1024,
    ms,
    skimMbPerSecond: (size / 1024 / 1024 / ms.skim) * 1000,
    skimToBefore: ms.skim / ms.before,
    skimToIndexOf: ms.skim / ms.indexOf,
    skimAndReadToBeforeAndRead: ms.skimAndRead / ms.beforeAndRead,
    skimAndReadToReadAll: ms.skimAndRead / ms.readAll,
    kept: { skim: pass(pieces, OutputSkim, true), before: pass(pieces, MarkerSkim, true), all: pass(pieces, 0, true) },
  };
  console.log(
    `  ${mentions ? 'a line naming Azure every 1,000' : 'no line naming Azure'}: skim ${r.skimMbPerSecond.toFixed(0)} MB/s, ` +
      `×${r.skimToBefore.toFixed(2)} the skim before, ×${r.skimToIndexOf.toFixed(2)} one indexOf pass; with the reading: ` +
      `×${r.skimAndReadToBeforeAndRead.toFixed(3)} the skim before, ×${r.skimAndReadToReadAll.toFixed(3)} reading everything`,
  );
  for (const [k, v] of Object.entries(r.kept))
    console.log(`    ${k}: ${v.handed} characters read, ${v.runs} runs, ${v.http} HTTP exchanges`);
  return r;
}

const result = { plain: measure(false), mentions: measure(true), sink: sink !== 0 };
process.stdout.write('BENCH-RESULT ' + JSON.stringify(result) + '\n');
