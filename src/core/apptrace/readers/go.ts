/**
 * azidentity's log with AZURE_SDK_GO_LOGGING=all: sdk/internal/log's console listener writes
 * `[<time.StampMicro>] <Classification>: <message>` to stderr; messages may span lines.
 * Messages read (Azure/azure-sdk-for-go): chained_token_credential.go — `Azure Identity => %s authenticated with %s`,
 * `Azure Identity => ERROR: <chain>: failed to acquire a token.\nAttempted credentials:\n\t<error>…`;
 * confidential_client.go — `%s.GetToken() acquired a token for scope %q`; environment_credential.go —
 * `EnvironmentCredential will authenticate with ClientSecretCredential` (…Certificate…, …UsernamePassword…);
 * default_azure_credential.go — `NewDefaultAzureCredential failed to initialize some credentials:\n\t%s` (older:
 * `Azure Identity => Failed to initialize some credentials on the Default Azure Credential:`); logging.go (older releases) —
 * `Azure Identity => GetToken() result for %T: SUCCESS`, `Azure Identity => ERROR in GetToken() call for %s: %s`,
 * `Azure Identity => Found the following environment variables:`, `Azure Identity => Managed Identity environment: %s`;
 * azcore runtime/policy_logging.go — `==> OUTGOING REQUEST (Try=%d)`, `==> REQUEST/RESPONSE (Try=%d/%v, OpTime=%v) -- RESPONSE RECEIVED|REQUEST ERROR`.
 */
import type { Observation, RecordMarks, SdkReader } from '../types';
import { releaseFromUserAgent } from './common';

const PREFIX_RE = /^\[[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{6}\] ([A-Za-z]+): /;
const METHOD_URL_RE = /^\s*(GET|POST|PUT|PATCH|DELETE|HEAD) (\S+)/m;

/** Record marks (types.ts): the end of PREFIX_RE with the classifications read below (the others read as nothing). */
export const GO_RECORD_MARKS: RecordMarks = ['] Request: ', '] Response: ', '] Authentication: ', '] Credential: '];

export function createGoReader(): SdkReader {
  return {
    sdk: 'go',
    starts: (line) => PREFIX_RE.test(line),
    // Messages continue on indented lines (HTTP dumps, the attempted-credentials list) and the list's header.
    continues: (_record, line) => /^(\s|Attempted credentials:|$)/.test(line),
    read(record) {
      const first = record.lines[0]!;
      const m = PREFIX_RE.exec(first)!;
      const cls = m[1]!;
      const text = [first.slice(m[0].length), ...record.lines.slice(1)].join('\n');
      if (cls === 'Request' || cls === 'Response') return readHttp(text);
      if (cls === 'Retry' || cls === 'RetryPolicy' || cls === 'LongRunningOperation') return [];
      if (cls === 'Authentication' || cls === 'Credential') return readIdentity(text);
      return [];
    },
  };
}

function readHttp(text: string): Observation[] | null {
  const out: Observation[] = [];
  const release = releaseFromUserAgent(text, 'go');
  if (release) out.push({ kind: 'release', release });
  const mu = METHOD_URL_RE.exec(text);
  let m: RegExpExecArray | null;
  if ((m = /^==> OUTGOING REQUEST \(Try=(\d+)\)/.exec(text))) {
    if (mu) out.push({ kind: 'http-request', method: mu[1]!, url: mu[2]!, attempt: Number(m[1]) });
    return out;
  }
  if (
    (m =
      /^==> REQUEST\/RESPONSE \(Try=(\d+)\/([\d.]+)(µs|us|ms|s), OpTime=[^)]*\) -- (RESPONSE RECEIVED|REQUEST ERROR)/.exec(
        text,
      ))
  ) {
    const factor = m[3] === 's' ? 1000 : m[3] === 'ms' ? 1 : 0.001;
    const status = /RESPONSE Status: (\d{3})/.exec(text)?.[1];
    out.push({
      kind: 'http-response',
      url: mu?.[2],
      method: mu?.[1],
      status: status ? Number(status) : undefined,
      durationMs: Number(m[2]) * factor,
      ...(m[4] === 'REQUEST ERROR' ? { error: 'request error (no response)' } : {}),
    });
    return out;
  }
  return out.length ? out : null;
}

function readIdentity(text: string): Observation[] | null {
  const msg = text.replace(/^Azure Identity => /, '');
  let m: RegExpExecArray | null;
  if ((m = /^(\w+) authenticated with (\w+)/.exec(msg))) return [{ kind: 'winner', credential: m[2]! }];
  if ((m = /^ERROR: (\w+): failed to acquire a token\.\nAttempted credentials:([\s\S]*)$/.exec(msg))) {
    const attempted: { credential: string; message: string; outcome?: 'unavailable' | 'failed' }[] = [];
    for (const line of m[2]!.split('\n')) {
      const e = /^\t(\w+): ([\s\S]*)$/.exec(line);
      if (e) attempted.push({ credential: e[1]!, message: e[2]!, outcome: 'unavailable' });
      else if (attempted.length && line.trim()) attempted[attempted.length - 1]!.message += `\n${line.trim()}`;
    }
    return [{ kind: 'chain-failed', message: msg.slice('ERROR: '.length), attempted }];
  }
  if ((m = /^(\w+)\.GetToken\(\) acquired a token for scope "([^"]*)"/.exec(msg)))
    return [{ kind: 'success', credential: m[1]!, scope: m[2]! }];
  if (
    (m = /^GetToken\(\) result for \*?(?:azidentity\.)?(\w+): SUCCESS(?:\n\tCredential Scopes: \[([^\]]*)\])?/.exec(
      msg,
    ))
  ) {
    return [{ kind: 'success', credential: m[1]!, scope: m[2] }];
  }
  if ((m = /^ERROR in GetToken\(\) call for (\w+): ([\s\S]*)$/.exec(msg)))
    return [{ kind: 'failure', credential: m[1]!, message: m[2]!.trim() }];
  if ((m = /^ERROR in (\w+): ([\s\S]*)$/.exec(msg)))
    return [{ kind: 'failure', credential: m[1]!, message: m[2]!.trim() }];
  if ((m = /^Found the following environment variables:\s*([\s\S]*)$/.exec(msg)))
    return [{ kind: 'config', credential: 'EnvironmentCredential', settings: { environmentVariables: m[1]!.trim() } }];
  if ((m = /^Managed Identity environment: (\S+)/.exec(msg)))
    return [{ kind: 'config', credential: 'ManagedIdentityCredential', settings: { source: m[1]! } }];
  // Current releases log at construction which credential EnvironmentCredential wraps, and which of
  // DefaultAzureCredential's credentials could not be built (each reports unavailable if the chain reaches it).
  if ((m = /^(\w+) will authenticate with (\w+)/.exec(msg)))
    return [{ kind: 'config', credential: m[1]!, settings: { authenticatesWith: m[2]! } }];
  if (/^(?:NewDefaultAzureCredential failed to initialize|Failed to initialize some credentials on)/.exec(msg))
    return [{ kind: 'note', level: 'info', message: msg }];
  // "ManagedIdentityCredential will use …" today; releases before spelled it "Managed Identity Credential".
  if ((m = /^(?:\w+|Managed Identity Credential) will use (.+?) managed identity/.exec(msg)))
    return [{ kind: 'config', credential: 'ManagedIdentityCredential', settings: { source: m[1]! } }];
  return null;
}
