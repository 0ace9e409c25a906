/**
 * The one LogOutputChannel, with component tags ("[chain]", "[imds]", "[webview]"), plus a trace sink that renders the
 * engine's typed trace events into it. Events arrive already redacted by the engine (one redaction module, in the core);
 * this file only formats them. Every line is terminal-safe (outside text: server bodies, claims, environment): control,
 * bidi and zero-width characters show escaped and a value's newline stays on its line, so a response cannot forge or
 * hide a log line. Users change the level with "Developer: Set Log Level…".
 */
import * as vscode from 'vscode';
import type { TraceEvent, TraceSink } from '../core/index';
// The one deliberate value import from the core outside its index: a dependency-free module, bundled into the activation
// bundle so that every log line is escaped from the first one on without loading the engine (dist/engine.js) early.
import { terminalSafe } from '../core/text/terminal';
import { OUTPUT_CHANNEL_NAME } from './constants';
import { redactIfLoaded } from './engine';
import type { HttpBodies } from './settings';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The last lines written (for the test API and Export Trace), newest last. */
  private readonly recent: string[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  }

  private write(level: Level, component: string, message: string): void {
    const line = terminalSafe(redactIfLoaded(`[${component}] ${message}`));
    this.channel[level](line);
    this.recent.push(`${level} ${line}`);
    if (this.recent.length > 2000) this.recent.splice(0, this.recent.length - 2000);
  }

  trace(component: string, message: string): void {
    this.write('trace', component, message);
  }
  debug(component: string, message: string): void {
    this.write('debug', component, message);
  }
  info(component: string, message: string): void {
    this.write('info', component, message);
  }
  warn(component: string, message: string): void {
    this.write('warn', component, message);
  }
  error(component: string, message: string): void {
    this.write('error', component, message);
  }

  lines(): readonly string[] {
    return this.recent;
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

function tag(step: string): string {
  return step === 'chain' ? 'chain' : step.replace(/Credential$/, '').replace(/^./, (c) => c.toLowerCase()) || 'engine';
}

function ms(n: number | undefined): string {
  return typeof n === 'number' ? `${Math.round(n)} ms` : '? ms';
}

function json(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s.length > 4000 ? `${s.slice(0, 4000)}… (${s.length} chars)` : s;
  } catch {
    return '(unserialisable)';
  }
}

/** A trace sink that writes engine events to the log: step start/outcome at info, HTTP and processes at debug/trace. */
export function logSink(log: Logger, httpBodies: () => HttpBodies): TraceSink {
  return {
    emit(e: TraceEvent): void {
      const t = tag(e.step);
      switch (e.kind) {
        case 'step-start':
          log.info(t, `${e.step}: start${e.description ? ` — ${e.description}` : ''}`);
          break;
        case 'outcome': {
          const codes = e.errorCodes?.length ? ` [AADSTS${e.errorCodes.join(', AADSTS')}]` : '';
          const line = `${e.step}: ${e.outcome} in ${ms(e.durationMs)} — ${e.message}${codes}`;
          if (e.outcome === 'failed') log.warn(t, line);
          else log.info(t, line);
          break;
        }
        case 'config': {
          for (const v of e.variables ?? [])
            log.debug(
              t,
              `env ${v.name} ${v.set ? `set${v.value !== undefined ? ` = ${v.value}` : ''}` : 'not set'}${v.note ? ` (${v.note})` : ''}`,
            );
          for (const f of e.files ?? [])
            log.debug(t, `file ${f.path} ${f.exists ? 'exists' : 'missing'}${f.note ? ` (${f.note})` : ''}`);
          for (const x of e.executables ?? [])
            log.debug(t, `executable ${x.name}: ${x.resolved ?? 'not found on PATH'}`);
          for (const p of e.endpoints ?? []) log.debug(t, `endpoint ${p.name}: ${p.url}`);
          if (e.settings && Object.keys(e.settings).length) log.debug(t, `settings ${json(e.settings)}`);
          break;
        }
        case 'http': {
          const retry =
            e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt}${e.retryReason ? `, ${e.retryReason}` : ''})` : '';
          const proxy = e.proxy ? ` via proxy ${e.proxy}` : '';
          log.debug(
            'http',
            `${e.step}: ${e.method} ${e.url} → ${e.error ?? e.status ?? '?'} in ${ms(e.durationMs)}${retry}${proxy}`,
          );
          if (httpBodies() === 'redacted') {
            if (e.requestBody !== undefined) log.trace('http', `request body ${json(e.requestBody)}`);
            if (e.responseBody !== undefined) log.trace('http', `response body ${json(e.responseBody)}`);
          }
          break;
        }
        case 'process':
          log.debug(
            'process',
            `${e.step}: ${e.command} ${e.args.join(' ')} → exit ${e.exitCode ?? e.signal ?? '?'}${e.timedOut ? ' (timed out)' : ''} in ${ms(e.durationMs)}${e.classification ? ` [${e.classification}]` : ''}`,
          );
          if (e.stderr) log.trace('process', `stderr ${json(e.stderr)}`);
          break;
        case 'note':
          log[e.level === 'error' ? 'error' : e.level === 'warn' ? 'warn' : e.level](t, e.message);
          break;
      }
    },
  };
}
