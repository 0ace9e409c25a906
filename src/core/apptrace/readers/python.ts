/**
 * Python azure-identity's log: the `azure.identity` and `azure.core` loggers, in the format of `azauth run`'s import
 * hook (`<asctime> <logger> <LEVEL> <message>`) or of logging.basicConfig's default (`<LEVEL>:<logger>:<message>`).
 * Tracebacks (exc_info at DEBUG) are continuation lines; their last exception line tells "unavailable" from "failed".
 * Shapes learned from Debian's python3-azure (azure-identity 1.13.0b2, azure-core 1.26.3) against the sandbox.
 */
import type { LogRecord, Observation, RecordMarks, SdkReader } from '../types';
import { releaseFromUserAgent } from './common';

const HOOK_RE =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ((?:azure|azauth)\.[\w.]+) (DEBUG|INFO|WARNING|ERROR|CRITICAL) /;
const BASIC_RE = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):((?:azure|azauth)\.[\w.]+):/;

/** The logger the import hook uses for its one line naming the installed releases. */
export const PYTHON_HOOK_LOGGER = 'azauth.apptrace';

/** Record marks (types.ts): the loggers read below (HOOK_RE or BASIC_RE), without their common first letter. */
export const PYTHON_RECORD_MARKS: RecordMarks = [
  'zure.identity',
  'zure.core.pipeline.policies.http_logging_policy',
  PYTHON_HOOK_LOGGER.slice(1),
];

function parseFirst(line: string): { logger: string; level: string; rest: string } | undefined {
  let m = HOOK_RE.exec(line);
  if (m) return { logger: m[2]!, level: m[3]!, rest: line.slice(m[0].length) };
  m = BASIC_RE.exec(line);
  if (m) return { logger: m[2]!, level: m[1]!, rest: line.slice(m[0].length) };
  return undefined;
}

const EXC_LINE_RE = /^([A-Za-z_][\w.]*(?:Error|Exception)): /;

export function createPythonReader(): SdkReader {
  let lastSucceeded: string | undefined;
  return {
    sdk: 'python',
    starts: (line) => HOOK_RE.test(line) || BASIC_RE.test(line),
    continues: () => true,
    read(record) {
      const head = parseFirst(record.lines[0]!)!;
      const body = [head.rest, ...record.lines.slice(1)];
      const { message, exception } = splitTraceback(body);
      const logger = head.logger;
      let m: RegExpExecArray | null;

      if (logger === PYTHON_HOOK_LOGGER) {
        const rel = /azure-identity (\S+)/.exec(message);
        return rel ? [{ kind: 'release', release: rel[1]! }] : [];
      }
      if (logger.startsWith('azure.core.pipeline.policies.http_logging_policy')) return readHttp(body.join('\n'));
      if (!logger.startsWith('azure.identity')) return [];

      if ((m = /^(\w+)\.get_token failed: (\w+) raised unexpected error "([\s\S]*)"$/.exec(message))) {
        return [{ kind: 'failure', credential: m[2]!, outcome: 'failed', message: m[3]! }];
      }
      if ((m = /^(\w+)\.get_token succeeded/.exec(message))) {
        lastSucceeded = m[1]!;
        return [{ kind: 'success', credential: m[1]! }];
      }
      if ((m = /^(\w+)\.get_token failed: ([\s\S]*)$/.exec(message))) {
        const outcome = exception
          ? /CredentialUnavailableError$/.test(exception)
            ? 'unavailable'
            : 'failed'
          : undefined;
        return [{ kind: 'failure', credential: m[1]!, outcome, message: m[2]!.trim() }];
      }
      if ((m = /^(\w+) acquired a token from (\w+)/.exec(message))) return [{ kind: 'winner', credential: m[2]! }];
      if ((m = /^(\w+) failed to retrieve a token from the included credentials\.([\s\S]*)$/.exec(message))) {
        return [{ kind: 'chain-failed', message, attempted: attemptedList(m[2]!) }];
      }
      if ((m = /^Environment is configured for (\w+)/.exec(message)))
        return [{ kind: 'config', credential: 'EnvironmentCredential', settings: { via: m[1]! } }];
      if (/^(No environment configuration found|Incomplete environment configuration)/.test(message)) {
        return [
          {
            kind: 'note',
            credential: 'EnvironmentCredential',
            level: head.level === 'WARNING' ? 'warn' : 'info',
            message,
          },
        ];
      }
      if ((m = /^(\w+) will use (.+?)\.?$/.exec(message)))
        return [{ kind: 'config', credential: m[1]!, settings: { source: m[2]! } }];
      if ((m = /^\[Authenticated account\] Client ID: ([^.\s]+)\. Tenant ID: ([^.\s]+)\./.exec(message))) {
        return [
          { kind: 'config', credential: lastSucceeded ?? 'chain', settings: { clientId: m[1]!, tenantId: m[2]! } },
        ];
      }
      if ((m = /^Shared token cache is unavailable: '([\s\S]*)'$/.exec(message)))
        return [{ kind: 'failure', credential: 'SharedTokenCacheCredential', outcome: 'unavailable', message: m[1]! }];
      if (
        /^(msal-extensions|Fail to log the account information)/.test(message) ||
        logger.startsWith('azure.identity._persistent_cache')
      )
        return [];
      return null;
    },
  };
}

/** The message is everything before the traceback; the exception is the class on the traceback's last exception line. */
function splitTraceback(lines: string[]): { message: string; exception?: string } {
  const tb = lines.findIndex((l) => l.startsWith('Traceback (most recent call last):'));
  if (tb === -1) return { message: lines.join('\n').trim() };
  let exception: string | undefined;
  for (const l of lines.slice(tb)) {
    const e = EXC_LINE_RE.exec(l);
    if (e) exception = e[1];
  }
  return { message: lines.slice(0, tb).join('\n').trim(), exception };
}

/** "Attempted credentials:\n\tName: message\n…\nTo mitigate…" → one entry per credential (outcome left to the log lines). */
function attemptedList(tail: string): { credential: string; message: string }[] {
  const out: { credential: string; message: string }[] = [];
  for (const line of tail.split('\n')) {
    const e = /^\t(\w+): (.*)$/.exec(line);
    if (e) out.push({ credential: e[1]!, message: e[2]! });
    else if (/^To mitigate this issue/.test(line)) break;
    else if (out.length && line.trim()) out[out.length - 1]!.message += `\n${line}`;
  }
  return out;
}

function readHttp(text: string): Observation[] {
  const out: Observation[] = [];
  const release = releaseFromUserAgent(text, 'python');
  if (release) out.push({ kind: 'release', release });
  const url = /^Request URL: '([^']*)'/.exec(text);
  if (url)
    out.push({ kind: 'http-request', method: /Request method: '([A-Z]+)'/.exec(text)?.[1] ?? 'GET', url: url[1]! });
  const status = /^Response status: (\d{3})/.exec(text);
  if (status) out.push({ kind: 'http-response', status: Number(status[1]) });
  return out;
}

export type { LogRecord };
