/**
 * Java azure-identity with AZURE_LOG_LEVEL and no SLF4J binding: azure-core's DefaultLogger prints
 * `yyyy-MM-dd HH:mm:ss.SSS [thread] [LEVEL] classpath - message` to stdout, stack traces on the following lines
 * (Azure/azure-sdk-for-java, sdk/core/azure-core/src/main/java/com/azure/core/implementation/logging/DefaultLogger.java).
 * Chain messages (sdk/identity/azure-identity/src/main/java/com/azure/identity/ChainedTokenCredential.java):
 * `Azure Identity => Attempted credential {} returns a token`, `Azure Identity => Attempted credential {} is unavailable.`;
 * a credential that fails stops the chain with `ChainedTokenCredential authentication failed. ---> <Cred> authentication
 * failed. Error Details: <message>`. Per-credential results (implementation/util/LoggingUtil.java): `Azure Identity => getToken() result for scopes
 * [{}]: SUCCESS`, `Azure Identity => ERROR in getToken() call for scopes [{}]: {}`, logged by the credential's own class.
 */
import type { Observation, RecordMarks, SdkReader } from '../types';
import { releaseFromUserAgent } from './common';

const PREFIX_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[[^\]]*\] \[(TRACE|DEBUG|INFO|WARN|ERROR)\] ([\w.$]+) - /;
/** The chain's exception as the program prints it (its stack trace follows): the SDK's text, not a log line. */
const CHAIN_EXCEPTION_RE =
  /^(?:Exception in thread "[^"]*" )?com\.azure\.core\.exception\.ClientAuthenticationException: (\w+) authentication failed\. ---> (\w+) authentication failed\. Error Details: (.*)$/;

/** Record marks (types.ts): PREFIX_RE's level and a com.azure class path (the others read as nothing), the chain's exception. */
export const JAVA_RECORD_MARKS: RecordMarks = ['] com.azure.', 'ClientAuthenticationException: '];

export function createJavaReader(): SdkReader {
  return {
    sdk: 'java',
    starts: (line) => PREFIX_RE.test(line) || CHAIN_EXCEPTION_RE.test(line),
    continues: (_record, line) => /^\s+at |^Caused by: |^\s+\.\.\. \d+ more/.test(line) || !/^\S/.test(line),
    read(record) {
      const first = record.lines[0]!;
      const ex = CHAIN_EXCEPTION_RE.exec(first);
      if (ex) return [{ kind: 'chain-failed', message: ex[3]!.trim(), failed: ex[2]! }];
      const m = PREFIX_RE.exec(first)!;
      const cls = m[2]!;
      let text = [first.slice(m[0].length), ...record.lines.slice(1)].join('\n');
      // Newer azure-core loggers print structured messages: {"az.sdk.message":"…", …}.
      if (text.startsWith('{"az.sdk.message":')) {
        try {
          text = String((JSON.parse(text.split('\n')[0]!) as Record<string, unknown>)['az.sdk.message'] ?? text);
        } catch {
          /* not JSON after all: read as text */
        }
      }
      if (!cls.startsWith('com.azure.')) return [];
      const release = releaseFromUserAgent(text, 'java');
      const out: Observation[] = release ? [{ kind: 'release', release }] : [];
      if (!cls.startsWith('com.azure.identity')) return out;
      const found = readIdentity(text, cls.replace(/^.*\./, ''));
      return found === null ? (out.length ? out : null) : [...out, ...found];
    },
  };
}

function readIdentity(text: string, cls: string): Observation[] | null {
  let m: RegExpExecArray | null;
  if ((m = /^Azure Identity => Attempted credential (\w+) returns a token/.exec(text)))
    return [{ kind: 'winner', credential: m[1]! }];
  if ((m = /^Azure Identity => Attempted credential (\w+) is unavailable\./.exec(text)))
    return [{ kind: 'failure', credential: m[1]!, outcome: 'unavailable', message: 'unavailable' }];
  if ((m = /^Azure Identity => getToken\(\) result for scopes \[(.*?)\]: SUCCESS/.exec(text)))
    return [{ kind: 'success', credential: cls, scope: m[1]! }];
  if ((m = /^Azure Identity => ERROR in getToken\(\) call for scopes \[(.*?)\]: ([\s\S]*)$/.exec(text))) {
    // LoggingUtil.logTokenError builds this line with String.format and SLF4J-style {} placeholders, so some
    // releases print the placeholders themselves instead of the scopes and the message.
    const message = m[2]!.split(/\n\s+at /)[0]!.trim();
    const scope = m[1] === '{}' ? undefined : m[1];
    return [
      {
        kind: 'failure',
        credential: cls,
        message: message === '{}' ? 'failed (this SDK release logs no detail for it)' : message,
        scope,
      },
    ];
  }
  if ((m = /^Azure Identity => Found the following environment variables: ?(.*)$/.exec(text)))
    return [
      {
        kind: 'config',
        credential: 'EnvironmentCredential',
        settings: { environmentVariables: m[1]!.trim() || '(none)' },
      },
    ];
  if ((m = /(\w+) authentication failed\. ---> (\w+) authentication failed\. Error Details: ([\s\S]*)$/.exec(text))) {
    return [{ kind: 'chain-failed', message: m[3]!.split(/\n\s+at /)[0]!.trim(), failed: m[2]! }];
  }
  if (/^Azure Identity => /.test(text)) return null;
  return [];
}
