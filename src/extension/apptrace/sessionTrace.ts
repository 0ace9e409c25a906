/**
 * One traced program (a debug session or a terminal command): its output goes into the core's AppTraceReader, and
 * the chain runs its SDK logged appear in the run store as they happen — a live run replaced in place until the
 * program ends — labelled "observed in your app: <SDK> <release>". Reading is bounded: past MAX_READ_BYTES only the
 * lines that may be an SDK's log are read (./skim.ts), the rest is counted. The program's output itself is never
 * touched (the reader sees a copy).
 */
import type { AppTrace, AppTraceReader, ObservedSource, Stream } from '../../core/index';
import { loadEngine } from '../engine';
import type { Logger } from '../log';
import type { RunStore } from '../runStore';
import type { AadstsOffer } from './aadstsOffer';
import { OutputSkim } from './skim';

/**
 * Output read in full per program; past it only lines that may be an SDK's log are read and the rest is counted, not
 * parsed (a program printing 100 MB keeps the host responsive, and a token it asks after them is still seen).
 */
export const MAX_READ_BYTES = 32 * 1024 * 1024;
/** How often a live run is refreshed in the views while output arrives. */
const PUBLISH_MS = 400;
/** Only the newest runs of one program are kept live (the store keeps 20 runs in all). */
const LIVE_RUNS = 10;

export interface SessionTraceDeps {
  store: RunStore;
  log: Logger;
  offer: AadstsOffer;
}

export class SessionTrace {
  private readonly reader: AppTraceReader;
  private readonly runIds: string[] = [];
  private bytes = 0;
  private unread = 0;
  /** Set once MAX_READ_BYTES are read: what of the rest is read. */
  private skim: OutputSkim | undefined;
  /** The last text read from the stream did not end a line. */
  private readonly midLine: Partial<Record<Stream, boolean>> = {};
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly deps: SessionTraceDeps,
    /** The program as the user knows it: 'debug session "Launch app"'. */
    readonly where: string,
    private readonly source: { via: ObservedSource['via']; app: string },
    env?: Readonly<Record<string, string | undefined>>,
  ) {
    this.reader = new (loadEngine().AppTraceReader)({ env });
  }

  /** Bytes of output read so far, and bytes only counted (past MAX_READ_BYTES). */
  counts(): { read: number; unread: number } {
    return { read: this.bytes, unread: this.unread };
  }

  /** Output of one stream, as it arrives (partial lines are kept until their end comes). */
  write(stream: Stream, text: string): void {
    if (this.ended) return;
    const size = Buffer.byteLength(text);
    if (!this.skim && this.bytes + size > MAX_READ_BYTES) this.skim = this.startSkim();
    if (!this.skim) {
      this.read(stream, text, size);
      return;
    }
    let taken = 0;
    for (const part of this.skim.take(stream, text)) taken += this.read(stream, part, Buffer.byteLength(part));
    this.unread += size - taken;
  }

  private read(stream: Stream, text: string, size: number): number {
    this.bytes += size;
    this.midLine[stream] = !text.endsWith('\n');
    this.reader.write(stream, text);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (!this.ended) this.publish(this.reader.peek());
    }, PUBLISH_MS);
    return size;
  }

  /** Past the cap: a line the reader has begun ends where it is, and from there on the output is skimmed. */
  private startSkim(): OutputSkim {
    this.deps.log.warn(
      'apptrace',
      `${this.where}: more than ${MAX_READ_BYTES} bytes of output; from here on only lines that may be an Azure SDK's log are read, the rest is counted`,
    );
    const skim = new OutputSkim();
    for (const stream of ['stdout', 'stderr'] as const)
      if (this.midLine[stream]) {
        this.reader.write(stream, '\n');
        skim.startMidLine(stream);
      }
    return skim;
  }

  /** The program ended: the final runs replace the live ones, and each is summarised in the log. */
  end(): AppTrace {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const trace = this.reader.end();
    if (!this.ended) {
      this.ended = true;
      this.publish(trace);
      this.summarise(trace);
    }
    return trace;
  }

  private publish(trace: AppTrace): void {
    const { observedChainResult } = loadEngine();
    const from = Math.max(0, trace.runs.length - LIVE_RUNS);
    for (let i = from; i < trace.runs.length; i++) {
      const result = observedChainResult(trace.runs[i]!, { ...this.source, notUnderstood: trace.notUnderstood.count });
      const id = this.runIds[i];
      if (id && this.deps.store.replaceRun(id, result)) continue;
      this.runIds[i] = this.deps.store.addRun(result);
    }
    if (trace.aadstsCodes.length) this.deps.offer.saw(trace.aadstsCodes, this.where);
  }

  private summarise(trace: AppTrace): void {
    const { log } = this.deps;
    if (!trace.sdk && !trace.runs.length) {
      log.debug('apptrace', `${this.where} ended: no Azure SDK log in its output`);
      return;
    }
    for (const r of trace.runs)
      log.info(
        'apptrace',
        `${this.where}, ${r.label}: ${r.winner ? `${r.winner} won` : r.complete ? 'no credential succeeded' : 'the chain had not finished'} (${r.steps.map((s) => `${s.credential} ${s.outcome}`).join(', ')})`,
      );
    if (trace.notUnderstood.count)
      log.info(
        'apptrace',
        `${this.where}: ${trace.notUnderstood.count} SDK log record(s) not understood (a newer release?), e.g. ${trace.notUnderstood.samples[0] ?? ''}`,
      );
    if (this.unread) log.info('apptrace', `${this.where}: ${this.unread} bytes of output not read (over the cap)`);
  }
}
