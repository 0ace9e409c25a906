/**
 * What a session still reads of a program's output once it has read its share in full (MAX_READ_BYTES): every SDK log
 * record the readers take something from, whole, found by a plain substring search, so that a token the app asks
 * after 100 MB of its own output is still seen with its HTTP exchanges; everything else is only counted. The text
 * handed on is whole lines (ending in '\n'), so the reader's own line splitting stays in step.
 *
 * A record is kept by its first line: each SDK reader exports the marks one of which is in the first line of every
 * record it reads (the cheap half of its `starts`), and a line holding one is kept with the lines after it, up to as
 * many as the reader puts in one record (MAX_RECORD_LINES, MAX_RECORD_CHARS). So a record's continuation lines that
 * name nothing (Go's method and URL under "==> OUTGOING REQUEST" and its "RESPONSE Status:", the "url" and "method" of
 * @azure/identity's "Request: {", Python's "Request method:", the headers under .NET's "Request [id] POST …" with
 * the User-Agent that names the release, a message's later lines) reach the reader with it, in order and without a
 * gap: the reader builds from them what it builds when it reads everything. Past that stretch, lines without a mark
 * are dropped: the reader takes nothing from them but AADSTS codes (a line with one is marked).
 * No marked record is still open across such a gap (by the end of its stretch a line has ended it or it is full); a
 * record an unmarked line opened just before (Go's Retry, a Java class outside com.azure: they read as nothing) may
 * take in the next kept line, which changes nothing, as a marked line gives the reader nothing outside a marked
 * record but its AADSTS codes. The cost is a search per mark over each piece, and a search per line in a stretch.
 */

import type { Stream } from '../../core/index';
import { DOTNET_RECORD_MARKS } from '../../core/apptrace/readers/dotnet';
import { GO_RECORD_MARKS } from '../../core/apptrace/readers/go';
import { JAVA_RECORD_MARKS } from '../../core/apptrace/readers/java';
import { JS_RECORD_MARKS } from '../../core/apptrace/readers/js';
import { PYTHON_RECORD_MARKS } from '../../core/apptrace/readers/python';
import { MAX_RECORD_CHARS, MAX_RECORD_LINES } from '../../core/apptrace/types';

/** The readers' marks, and AADSTS: the trace lists every code seen on any line (the reader scans each one). */
const MARKS: readonly string[] = [
  ...new Set([
    ...JS_RECORD_MARKS,
    ...PYTHON_RECORD_MARKS,
    ...GO_RECORD_MARKS,
    ...DOTNET_RECORD_MARKS,
    ...JAVA_RECORD_MARKS,
    'AADSTS',
  ]),
];
/** The head of a line kept while its end has not arrived (the reader keeps no more of a line either). */
const MAX_LINE_CHARS = 64 * 1024;

/** Where the first mark in text[from, to) is, or -1. */
function firstMark(text: string, from = 0, to = text.length): number {
  let at = -1;
  for (const m of MARKS) {
    const i = text.indexOf(m, from);
    if (i !== -1 && i + m.length <= to && (at === -1 || i < at)) at = i;
  }
  return at;
}

interface Pending {
  /** The start of the stream's current line (at most MAX_LINE_CHARS). */
  head: string;
  /** The line began before skimming did (the reader has its start): its rest is dropped. */
  skip: boolean;
  /** Lines and characters still kept after the last marked line: the rest of a record it may open. */
  lines: number;
  chars: number;
}

export class OutputSkim {
  private readonly pending: Partial<Record<Stream, Pending>> = {};

  /** The reader holds the start of the stream's current line: the skim drops the rest of that line. */
  startMidLine(stream: Stream): void {
    this.state(stream).skip = true;
  }

  /** The parts of one piece of output to read, each whole lines; most pieces give none. */
  take(stream: Stream, text: string): string[] {
    const p = this.state(stream);
    const first = text.indexOf('\n');
    if (first === -1) {
      if (!p.skip && p.head.length < MAX_LINE_CHARS) p.head += text.slice(0, MAX_LINE_CHARS - p.head.length);
      return [];
    }
    const out: string[] = [];
    if (!p.skip) {
      const line = p.head + text.slice(0, Math.min(first, Math.max(0, MAX_LINE_CHARS - p.head.length)));
      if (keepLine(p, line, firstMark(line) !== -1)) out.push(`${line}\n`);
    }
    const last = text.lastIndexOf('\n');
    if (last > first) keepWhole(p, text, first + 1, last + 1, out);
    p.head = text.slice(last + 1, last + 1 + MAX_LINE_CHARS);
    p.skip = false;
    return out;
  }

  /**
   * Past the cap the program's own lines are only counted, from the first one on: a record the reader had open when
   * the cap came ends there, as a line it had begun does (its later lines are read only if they hold a mark).
   */
  private state(stream: Stream): Pending {
    return (this.pending[stream] ??= { head: '', skip: false, lines: 0, chars: 0 });
  }
}

/** Whether one line is kept: it holds a mark (the record it opens is kept from here), or a kept record goes on. */
function keepLine(p: Pending, line: string, marked: boolean): boolean {
  if (marked) {
    // A line's worth more than a record holds: the reader counts a line without its '\r', and cut in bytes, not
    // characters, so the stretch never ends before the record does.
    p.lines = MAX_RECORD_LINES;
    p.chars = MAX_RECORD_CHARS + MAX_LINE_CHARS;
    return true;
  }
  if (p.lines <= 0 || p.chars <= 0) return false;
  p.lines--;
  p.chars -= line.length;
  return true;
}

/**
 * The whole lines text[from, to) (to is just past a '\n'): the rest of a kept record line by line, then a substring
 * search for the next mark over all that is left, and from the line holding it, line by line again.
 */
function keepWhole(p: Pending, text: string, from: number, to: number, out: string[]): void {
  let at = from;
  while (at < to) {
    let marked = -1;
    if (p.lines <= 0 || p.chars <= 0) {
      const mark = firstMark(text, at, to);
      if (mark === -1) return;
      at = text.lastIndexOf('\n', mark) + 1;
      marked = at;
    }
    const start = at;
    // Most of the lines in a kept stretch are not marked: one search per line, only while the stretch lasts.
    while (at < to) {
      const end = text.indexOf('\n', at);
      const line = text.slice(at, Math.min(end, at + MAX_LINE_CHARS));
      if (!keepLine(p, line, at === marked || firstMark(line) !== -1)) break;
      at = end + 1;
    }
    if (at > start) out.push(text.slice(start, at));
  }
}
