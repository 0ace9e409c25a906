/**
 * What a session still reads of a program's output once it has read its share in full (MAX_READ_BYTES): the whole
 * lines that may be an Azure SDK's log record or carry an AADSTS code, found by a plain substring search, so that a
 * token the app asks after 100 MB of its own output is still seen; everything else is only counted. The text handed
 * on is whole lines (ending in '\n'), so the reader's own line splitting stays in step.
 */

import type { Stream } from '../../core/index';

/**
 * Every SDK's record names Azure (azure:identity, azure.identity, Azure-Identity, com.azure, AZURE_…), a credential
 * or an identity; an SDK's HTTP record that names none of them (Go's "Request: ==> OUTGOING REQUEST") is not read.
 */
const MARKERS = ['zure', 'AZURE', 'redential', 'dentity', 'AADSTS'];
/** The head of a line kept while its end has not arrived (the reader keeps no more of a line either). */
const MAX_LINE_CHARS = 64 * 1024;

export function mayBeSdkText(text: string): boolean {
  return MARKERS.some((m) => text.includes(m));
}

interface Pending {
  /** The start of the stream's current line (at most MAX_LINE_CHARS). */
  head: string;
  /** The line began before skimming did (the reader has its start): its rest is dropped. */
  skip: boolean;
}

export class OutputSkim {
  private readonly pending: Partial<Record<Stream, Pending>> = {};

  /** The reader holds the start of the stream's current line: the skim drops the rest of that line. */
  startMidLine(stream: Stream): void {
    this.pending[stream] = { head: '', skip: true };
  }

  /** The parts of one piece of output to read, each whole lines; most pieces give none. */
  take(stream: Stream, text: string): string[] {
    const p = this.pending[stream] ?? { head: '', skip: false };
    const first = text.indexOf('\n');
    if (first === -1) {
      if (!p.skip && p.head.length < MAX_LINE_CHARS) p.head += text.slice(0, MAX_LINE_CHARS - p.head.length);
      this.pending[stream] = p;
      return [];
    }
    const out: string[] = [];
    if (!p.skip) {
      const line = p.head + text.slice(0, Math.min(first, Math.max(0, MAX_LINE_CHARS - p.head.length)));
      if (mayBeSdkText(line)) out.push(`${line}\n`);
    }
    const last = text.lastIndexOf('\n');
    if (last > first) {
      // The whole lines in between go together: a record's continuation lines come with its first line.
      const block = text.slice(first + 1, last + 1);
      if (mayBeSdkText(block)) out.push(block);
    }
    this.pending[stream] = { head: text.slice(last + 1, last + 1 + MAX_LINE_CHARS), skip: false };
    return out;
  }
}
