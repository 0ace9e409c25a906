import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatEvent, TextSink } from '../../../src/core/trace/sinks';
import type { TraceEvent } from '../../../src/core/trace/events';
import { benign, hostileEvent, RAW_UNSAFE } from './hostile';

describe('the text trace sink is terminal-safe', () => {
  it('an IMDS body, an Entra error_description and a process stderr show their escapes and stay on their line', () => {
    const http: TraceEvent = {
      kind: 'http',
      at: 0,
      step: 'ManagedIdentityCredential',
      method: 'GET',
      url: 'http://169.254.169.254/metadata/identity/oauth2/token',
      status: 400,
      durationMs: 3,
      responseBody: 'bad request\r\n\u001b]0;owned\u0007\u001b[2J[ManagedIdentityCredential] SUCCESS (1 ms): forged',
    };
    const entra: TraceEvent = {
      kind: 'outcome',
      at: 0,
      step: 'ClientSecretCredential',
      outcome: 'failed',
      durationMs: 5,
      message: 'AADSTS7000215: Invalid client secret.\n[chain] SUCCESS \u202egnp.exe\u200b',
    };
    const proc: TraceEvent = {
      kind: 'process',
      at: 0,
      step: 'AzureCLICredential',
      command: 'az',
      args: [],
      exitCode: 1,
      durationMs: 9,
      stderr: 'ERROR:\u001b[31m boom\b\b\b',
    };
    const lines = [...formatEvent(http), ...formatEvent(entra), ...formatEvent(proc)];
    assert.equal(lines.length, 5, 'request summary, response, outcome, exec, stderr');
    for (const l of lines) assert.ok(!RAW_UNSAFE.test(l) && !l.includes('\n'), JSON.stringify(l));
    assert.match(lines[1]!, /\\x1b\]0;owned\\x07\\x1b\[2J/);
    assert.match(lines[2]!, /Invalid client secret\.\\n\[chain\] SUCCESS \\u202egnp\.exe\\u200b/);
    assert.match(lines[4]!, /\\x1b\[31m boom\\x08/);
  });

  it('property: for any event, no raw control/bidi/zero-width character is written and no value adds a line', () => {
    fc.assert(
      fc.property(hostileEvent(), fc.boolean(), (e, timestamps) => {
        const written: string[] = [];
        new TextSink((l) => written.push(l), { timestamps, bodies: true }).emit(e);
        for (const l of written) assert.ok(!RAW_UNSAFE.test(l) && !l.includes('\n'), JSON.stringify(l));
        assert.equal(
          written.length,
          formatEvent(benign(e), { timestamps, bodies: true }).length,
          'as many lines as the same event with plain values',
        );
      }),
      { numRuns: 400 },
    );
  });
});
