/**
 * Trace sinks. Events arrive already redacted (the Tracer redacts before delivering), so sinks print or keep them
 * as they are. Memory (tests, run store), human text lines (output channel, CLI --verbose), JSON lines (export, CI).
 * Human text carries outside text (URLs, bodies, stderr, environment values, messages): each line goes through the
 * terminal-safe helper, so no control, bidi or zero-width character reaches a terminal and no value adds a line.
 */
import { terminalSafe } from '../text/terminal';
import type { TraceEvent, TraceSink } from './events';

export class MemorySink implements TraceSink {
  readonly events: TraceEvent[] = [];
  emit(event: TraceEvent): void {
    this.events.push(event);
  }
}

/** Calls `write` with one human-readable line per event (no trailing newline). */
export class TextSink implements TraceSink {
  constructor(
    private readonly write: (line: string) => void,
    private readonly options: { timestamps?: boolean; bodies?: boolean } = {},
  ) {}
  emit(event: TraceEvent): void {
    for (const line of formatEvent(event, this.options)) this.write(line);
  }
}

/** Calls `write` with one JSON document per event (JSON Lines). */
export class JsonLinesSink implements TraceSink {
  constructor(private readonly write: (line: string) => void) {}
  emit(event: TraceEvent): void {
    this.write(JSON.stringify(event));
  }
}

/** Sends each event to every sink. */
export function fanOut(...sinks: (TraceSink | undefined)[]): TraceSink {
  const list = sinks.filter((s): s is TraceSink => Boolean(s));
  return {
    emit(event) {
      for (const s of list) s.emit(event);
    },
  };
}

const MAX_EXCERPT = 400;

function excerpt(s: string | undefined, max = MAX_EXCERPT): string {
  if (!s) return '';
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}… (${one.length} chars)` : one;
}

function body(b: unknown): string {
  if (b === undefined) return '';
  return excerpt(typeof b === 'string' ? b : JSON.stringify(b));
}

/** Human text for one event: the first line is a summary, following lines (indented) give detail; terminal-safe. */
export function formatEvent(e: TraceEvent, options: { timestamps?: boolean; bodies?: boolean } = {}): string[] {
  return formatLines(e, options).map(terminalSafe);
}

function formatLines(e: TraceEvent, options: { timestamps?: boolean; bodies?: boolean } = {}): string[] {
  const ts = options.timestamps ? `${new Date(e.at).toISOString()} ` : '';
  const tag = `${ts}[${e.step}]`;
  const lines: string[] = [];
  switch (e.kind) {
    case 'step-start':
      lines.push(`${tag} start${e.description ? `: ${e.description}` : ''}`);
      break;
    case 'config': {
      for (const v of e.variables ?? [])
        lines.push(
          `${tag} env ${v.name} ${v.set ? `= ${v.value ?? '(set)'}` : '(not set)'}${v.note ? ` — ${v.note}` : ''}`,
        );
      for (const f of e.files ?? [])
        lines.push(
          `${tag} file ${f.path} ${f.exists ? `exists${f.size !== undefined ? ` (${f.size} bytes)` : ''}` : 'missing'}${f.note ? ` — ${f.note}` : ''}`,
        );
      for (const x of e.executables ?? [])
        lines.push(
          `${tag} exe ${x.name} → ${x.resolved ?? 'not found'}${x.searchedPath && !x.resolved ? ` (PATH: ${x.searchedPath.join(':') || '(empty)'})` : ''}`,
        );
      for (const p of e.endpoints ?? []) lines.push(`${tag} endpoint ${p.name}: ${p.url}`);
      if (e.settings && Object.keys(e.settings).length)
        lines.push(
          `${tag} settings ${Object.entries(e.settings)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' ')}`,
        );
      break;
    }
    case 'http': {
      const attempt =
        e.attempt && e.attempt > 1
          ? ` (attempt ${e.attempt}${e.retryReason ? `, retry after ${e.retryDelayMs ?? 0} ms: ${e.retryReason}` : ''})`
          : '';
      const result = e.status !== undefined ? String(e.status) : `error: ${e.error ?? 'no response'}`;
      lines.push(
        `${tag} ${e.method} ${e.url} → ${result} ${e.durationMs} ms${attempt}${e.proxy ? ` via proxy ${e.proxy}` : ''}`,
      );
      if (options.bodies !== false) {
        if (e.requestBody !== undefined) lines.push(`${tag}   request: ${body(e.requestBody)}`);
        if (e.responseBody !== undefined) lines.push(`${tag}   response: ${body(e.responseBody)}`);
      }
      break;
    }
    case 'process':
      lines.push(
        `${tag} exec ${e.resolvedPath ?? e.command} ${e.args.join(' ')} → ${e.timedOut ? 'timed out' : e.exitCode !== null ? `exit ${e.exitCode}` : `signal ${e.signal ?? '?'}`} ${e.durationMs} ms${e.classification ? ` [${e.classification}]` : ''}`,
      );
      if (e.stderr) lines.push(`${tag}   stderr: ${excerpt(e.stderr)}`);
      if (e.stdout && options.bodies !== false) lines.push(`${tag}   stdout: ${excerpt(e.stdout)}`);
      break;
    case 'outcome':
      lines.push(
        `${tag} ${e.outcome.toUpperCase()} (${e.durationMs} ms): ${e.message}${e.errorCodes?.length ? ` [AADSTS${e.errorCodes.join(', AADSTS')}]` : ''}`,
      );
      break;
    case 'note':
      lines.push(`${tag} ${e.level === 'info' ? '' : `${e.level}: `}${e.message}`);
      break;
  }
  return lines;
}
