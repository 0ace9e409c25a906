/**
 * Azure.Identity for .NET through AzureEventSourceListener.CreateConsoleLogger(): each event is printed as
 * `[<EventLevel>] <EventSource name>: <formatted message>` (Azure/azure-sdk-for-net,
 * sdk/core/Azure.Core/src/Diagnostics/AzureEventSourceListener.cs). Messages of the "Azure-Identity" source
 * (sdk/identity/Azure.Identity/src/AzureIdentityEventSource.cs): `{0} invoked. Scopes: {1} ParentRequestId: {2}`,
 * `{0} succeeded. Scopes: {1} ParentRequestId: {2} ExpiresOn: {3}`, `{0} was unable to retrieve an access token.
 * Scopes: {1} ParentRequestId: {2} Exception: {3}` (exception as `<Type> (0x<HResult>): <message>`), `DefaultAzureCredential
 * credential selected: {0}`, the IMDS probe events; of "Azure-Core" (AzureCoreEventSource.cs): `Request [{0}] {1} {2}\r\n{3}client
 * assembly: {4}`, `Response [{0}] {1} {2} ({4:00.0}s)\r\n{3}`, `Error response [{0}] …`, `Request [{0}] exception {1}`.
 */
import type { Observation, RecordMarks, SdkReader } from '../types';
import { releaseFromUserAgent } from './common';

const PREFIX_RE = /^\[(LogAlways|Critical|Error|Warning|Informational|Verbose)\] (Azure-[\w.-]+): /;
const CHAINS = new Set(['DefaultAzureCredential', 'ChainedTokenCredential']);

/** Record marks (types.ts): the level's end and the event source of PREFIX_RE. */
export const DOTNET_RECORD_MARKS: RecordMarks = ['] Azure-'];

export function createDotnetReader(): SdkReader {
  return {
    sdk: 'dotnet',
    starts: (line) => PREFIX_RE.test(line),
    // Header lines (Name:value), the client assembly line, inner exceptions (" ---> ") continue an event.
    continues: (_record, line) => /^(\s| ---> |client assembly: |[\w-]+:\S)/.test(line),
    read(record) {
      const first = record.lines[0]!;
      const m = PREFIX_RE.exec(first)!;
      const source = m[2]!;
      const text = [first.slice(m[0].length), ...record.lines.slice(1)].join('\n');
      if (source === 'Azure-Core') return readCore(text);
      if (source === 'Azure-Identity') return readIdentity(text);
      return [];
    },
  };
}

function readCore(text: string): Observation[] | null {
  const out: Observation[] = [];
  const release = releaseFromUserAgent(text, 'dotnet');
  if (release) out.push({ kind: 'release', release });
  let m: RegExpExecArray | null;
  if ((m = /^Request \[[^\]]*\] exception ([\s\S]*)$/.exec(text)))
    return [...out, { kind: 'http-response', error: m[1]!.split('\n')[0]!.trim() }];
  if ((m = /^Request \[[^\]]*\] ([A-Z]+) (\S+)/.exec(text)))
    return [...out, { kind: 'http-request', method: m[1]!, url: m[2]! }];
  if ((m = /^(?:Error response|Response) \[[^\]]*\] (\d{3}) [^(\n]*\(([\d.]+)s\)/.exec(text))) {
    return [...out, { kind: 'http-response', status: Number(m[1]), durationMs: Number(m[2]) * 1000 }];
  }
  if (/^(?:Error response|Response|Request) \[[^\]]*\] (content|retry number|took)/.test(text)) return out;
  return out.length ? out : null;
}

function readIdentity(text: string): Observation[] | null {
  let m: RegExpExecArray | null;
  const cred = (method: string) => method.replace(/\.GetToken(Async)?$/, '');
  if ((m = /^DefaultAzureCredential credential selected: ([\w.]+)/.exec(text)))
    return [{ kind: 'winner', credential: m[1]! }];
  if ((m = /^([\w.]+) invoked\. Scopes: \[ (.*?) \]/.exec(text))) {
    const c = cred(m[1]!);
    return CHAINS.has(c) ? [] : [{ kind: 'attempt', credential: c, detail: `scope ${m[2]}` }];
  }
  if ((m = /^([\w.]+) succeeded\. Scopes: \[ (.*?) \]/.exec(text))) {
    const c = cred(m[1]!);
    return CHAINS.has(c) ? [] : [{ kind: 'success', credential: c, scope: m[2]! }];
  }
  if (
    (m =
      /^([\w.]+) was unable to retrieve an access token\. Scopes: \[ (.*?) \] ParentRequestId: \S* ?Exception: ([\w.]+) \(0x[0-9a-f]+\): ([\s\S]*)$/.exec(
        text,
      ))
  ) {
    const c = cred(m[1]!);
    const message = m[4]!.trim();
    if (CHAINS.has(c)) return [{ kind: 'chain-failed', message }];
    return [
      {
        kind: 'failure',
        credential: c,
        outcome: /CredentialUnavailableException$/.test(m[3]!) ? 'unavailable' : 'failed',
        message,
        scope: m[2]!,
      },
    ];
  }
  if (
    (m =
      /^(Probing IMDS endpoint for availability|IMDS endpoint is available|IMDS endpoint is not available)\. ([\s\S]*)$/.exec(
        text,
      ))
  ) {
    return [{ kind: 'note', credential: 'ManagedIdentityCredential', level: 'info', message: `${m[1]}. ${m[2]}` }];
  }
  if (/^Executing interactive authentication/.test(text)) return [];
  // MSAL's own messages and the process runner's go through the same source without a fixed shape.
  if (/^(\(False\)|\(True\)|MSAL |False MSAL|True MSAL)/.test(text)) return [];
  return null;
}
