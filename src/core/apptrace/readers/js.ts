/**
 * @azure/identity's own log (AZURE_LOG_LEVEL=info|verbose), as @azure/logger prints it to stderr:
 * `azure:<namespace>:<level> <message>`, continuation lines unprefixed. Identity messages read `<Source> => <text>`.
 * Shapes learned from the real @azure/identity 4.13.0 against the sandbox (test/unit/apptrace has the transcripts).
 */
import type { Observation, RecordMarks, SdkReader } from '../types';
import { credentialFromMessage, releaseFromUserAgent } from './common';

const PREFIX_RE = /^azure:([a-z][\w-]*(?: [\w-]+)?):(info|verbose|warning|error) /;
const CHAINS = new Set(['ChainedTokenCredential', 'DefaultAzureCredential']);
/** Record marks (types.ts): the `azure:` that opens PREFIX_RE, without its common first letter. */
export const JS_RECORD_MARKS: RecordMarks = ['zure:'];

export function createJsReader(): SdkReader {
  return {
    sdk: 'js',
    starts: (line) => PREFIX_RE.test(line),
    continues(record) {
      const first = record.lines[0]!;
      // A pretty-printed JSON object (Request: {, Headers: {) runs to its closing brace.
      if (/\{$/.test(first)) return !record.lines.slice(1).includes('}');
      // Error messages span lines ("More details:", the aggregate's one line per credential).
      return /=> (?:getToken\(\) => )?(?:ERROR|Skipp)|MSAL Node V2 error|:(?:error|warning) /.test(first);
    },
    read(record) {
      const first = record.lines[0]!;
      const m = PREFIX_RE.exec(first)!;
      const ns = m[1]!;
      const level = m[2]!;
      const text = [first.slice(m[0].length), ...record.lines.slice(1)].join('\n');
      if (ns === 'identity') return readIdentity(text, level);
      if (ns === 'core-rest-pipeline') return readPipeline(text);
      // Other Azure SDK namespaces (core-client, core-rest-pipeline retryPolicy, storage…): theirs, not the chain's.
      return [];
    },
  };
}

function readPipeline(text: string): Observation[] | null {
  if (text.startsWith('Request: {')) {
    const out: Observation[] = [];
    const json = text.slice('Request: '.length);
    const url = /"url": "([^"]*)"/.exec(json)?.[1];
    const method = /"method": "([A-Z]+)"/.exec(json)?.[1] ?? 'GET';
    const release = releaseFromUserAgent(json, 'js');
    if (release) out.push({ kind: 'release', release });
    if (url) out.push({ kind: 'http-request', method, url });
    return out;
  }
  const status = /^Response status code: (\d{3})/.exec(text);
  if (status) return [{ kind: 'http-response', status: Number(status[1]) }];
  if (/^(Headers: \{|No request body|Request body|Response body)/.test(text)) return [];
  return null;
}

function readIdentity(text: string, level: string): Observation[] | null {
  const arrow = /^(.+?) => ([\s\S]*)$/.exec(text);
  if (!arrow) return null;
  // "ManagedIdentityCredential - IMDS", "ManagedIdentityCredential - Token Exchange": parts of the outer credential.
  const source = arrow[1]!.replace(/ - .*$/, '').trim();
  const msg = arrow[2]!;
  let m: RegExpExecArray | null;

  if ((m = /^getToken\(\) => Result for (\w+): SUCCESS\.(?: Scopes: (.*?)\.?)?$/m.exec(msg)))
    return [{ kind: 'winner', credential: m[1]!, scope: m[2] }];
  if ((m = /^getToken\(\) => SUCCESS\.(?: Scopes: (.*?)\.?)?$/m.exec(msg)))
    return [{ kind: 'success', credential: source, scope: m[1] }];
  if ((m = /^getToken\(\) => ERROR\. Scopes: (.*?)\. Error message: ([\s\S]*)$/.exec(msg))) {
    const message = m[2]!.replace(/\.$/, '').trim();
    if (CHAINS.has(source)) return [chainFailed(message, m[1])];
    return [{ kind: 'failure', credential: source, message, scope: m[1] }];
  }
  if (
    (m =
      /^(?:getToken\(\) => )?Skipp(?:ed|ing) create(?:Default)?(\w+?Credential)(?: because of an error creating the credential:|, reason:) ?([\s\S]*)$/.exec(
        msg,
      ))
  ) {
    const message = m[2]!.replace(/^(?:CredentialUnavailableError|Error): /, '').trim();
    return [{ kind: 'failure', credential: m[1]!, outcome: 'unavailable', message }];
  }
  if ((m = /^Found the following environment variables: ?(.*)$/.exec(msg)))
    return [{ kind: 'config', credential: source, settings: { environmentVariables: m[1]!.trim() || '(none)' } }];
  if ((m = /^Invoking (\w+) with tenant ID: ([^,\s]+), clientId: ([^\s,]+)/.exec(msg)))
    return [{ kind: 'config', credential: source, settings: { via: m[1]!, tenantId: m[2]!, clientId: m[3]! } }];
  if ((m = /^Using (\w+) managed identity\.?$/.exec(msg)))
    return [{ kind: 'config', credential: source, settings: { source: m[1]! } }];
  if ((m = /^(\w+) with (clientId|resourceId|objectId): (\S+)$/.exec(msg)))
    return [{ kind: 'config', credential: source, settings: { [m[2]!]: m[3]! } }];
  if ((m = /^getToken\(\) => Using the (.+?) managed identity\.?$/.exec(msg)))
    return [{ kind: 'config', credential: source, settings: { source: m[1]! } }];
  if ((m = /^getToken\(\) => MSAL Identity source: (\w+)/.exec(msg)))
    return [{ kind: 'config', credential: source, settings: { source: m[1]! } }];
  if ((m = /^getToken\(\) => Using the scopes? (\S+)/.exec(msg)))
    return [{ kind: 'attempt', credential: source, detail: `scope ${m[1]}` }];
  if (
    /^getToken\(\) => (Attempting to acquire|Using the MSAL provider|Calling into MSAL|Using the IMDS endpoint)|^Invoking getToken\(\)/.test(
      msg,
    )
  )
    return [{ kind: 'attempt', credential: source }];
  if ((m = /^MSAL Node V2 (error|warning)[^:]*: ([\s\S]*)$/.exec(msg))) {
    const note = m[2]!.replace(/^\[[^\]]*\] : \[[^\]]*\] : /, '').trim();
    return m[1] === 'error' ? [{ kind: 'note', credential: source, level: 'warn', message: `MSAL: ${note}` }] : [];
  }
  if (/^MSAL Node V2 /.test(msg)) return [];
  if (
    /^(getToken\(\) => (Creating new|Existing) ConfidentialClientApplication|AZURE_CLIENT_SEND_CERTIFICATE_CHAIN|Invoking \w+ with)/.test(
      msg,
    )
  )
    return [];
  if (source === 'ManagedIdentityCredential' && /^ManagedIdentityCredential - /.test(msg)) {
    const note = msg.replace(/^ManagedIdentityCredential - [^:]+: /, '');
    return [{ kind: 'note', credential: source, level: level === 'verbose' ? 'debug' : 'info', message: note }];
  }
  return null;
}

/** ChainedTokenCredential's ERROR: the aggregate (every credential unavailable) or the one error that stopped it. */
function chainFailed(message: string, scope: string | undefined): Observation {
  void scope;
  if (/^ChainedTokenCredential authentication failed\./.test(message)) {
    const attempted: { credential: string; message: string; outcome?: 'unavailable' | 'failed' }[] = [];
    for (const line of message.split('\n').slice(1)) {
      const e = /^(\w*Error): (.*)$/.exec(line.trim());
      if (!e) {
        const last = attempted[attempted.length - 1];
        if (last && line.trim()) last.message += `\n${line.trim()}`;
        continue;
      }
      // ChainedTokenCredential goes on after CredentialUnavailableError and AuthenticationRequiredError alike.
      const outcome =
        e[1] === 'CredentialUnavailableError' || e[1] === 'AuthenticationRequiredError' ? 'unavailable' : 'failed';
      attempted.push({ credential: credentialFromMessage(e[2]!) ?? '', message: e[2]!, outcome });
    }
    return { kind: 'chain-failed', message, attempted };
  }
  return { kind: 'chain-failed', message, lastFailed: true };
}
