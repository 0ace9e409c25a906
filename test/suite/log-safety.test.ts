/**
 * The extension's LogOutputChannel is terminal-safe: whatever a server, a token or the environment puts in a trace
 * event, no raw control, bidi or zero-width character reaches the channel and no value adds a line.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Logger, logSink } from '../../src/extension/log';
import { benign, hostileEvent, RAW_UNSAFE } from '../unit/text/hostile';
import type { TraceEvent } from '../../src/core/index';

/** The real logger, noting the line each call wrote (its history is capped, so counting its length would stall). */
class CapturingLogger extends Logger {
  captured: string[] = [];
  private note(): void {
    this.captured.push(this.lines()[this.lines().length - 1]!);
  }
  override trace(c: string, m: string): void {
    super.trace(c, m);
    this.note();
  }
  override debug(c: string, m: string): void {
    super.debug(c, m);
    this.note();
  }
  override info(c: string, m: string): void {
    super.info(c, m);
    this.note();
  }
  override warn(c: string, m: string): void {
    super.warn(c, m);
    this.note();
  }
  override error(c: string, m: string): void {
    super.error(c, m);
    this.note();
  }
}

suite('log channel safety', () => {
  let log: CapturingLogger;
  suiteSetup(() => {
    log = new CapturingLogger();
  });
  suiteTeardown(() => log.dispose());

  function emitted(e: TraceEvent): string[] {
    log.captured = [];
    logSink(log, () => 'redacted').emit(e);
    return log.captured;
  }

  test('an Entra error_description and an IMDS body cannot forge, hide or recolour log lines', () => {
    const lines = [
      ...emitted({
        kind: 'outcome',
        at: 0,
        step: 'ClientSecretCredential',
        outcome: 'failed',
        durationMs: 5,
        message: 'AADSTS7000215: Invalid client secret.\n[chain] DefaultAzureCredential: success \u202e\u200b\u001b[2J',
      }),
      ...emitted({
        kind: 'http',
        at: 0,
        step: 'ManagedIdentityCredential',
        method: 'GET',
        url: 'http://127.0.0.1:1/x',
        status: 400,
        durationMs: 1,
        responseBody: 'nope\r\u001b]0;owned\u0007',
      }),
    ];
    assert.equal(lines.length, 3, 'outcome, request summary, response body');
    for (const l of lines) assert.ok(!RAW_UNSAFE.test(l) && !l.includes('\n') && !l.includes('\r'), JSON.stringify(l));
    assert.match(
      lines[0]!,
      /Invalid client secret\.\\n\[chain\] DefaultAzureCredential: success \\u202e\\u200b\\x1b\[2J/,
    );
    // Bodies are logged as JSON, so the controls arrive as JSON escapes; either way nothing raw.
    assert.match(lines[2]!, /nope\\r\\u001b\]0;owned\\u0007/);
  });

  test('property: any trace event yields only escaped text, as many lines as the same event with plain values', () => {
    fc.assert(
      fc.property(hostileEvent(), (e) => {
        const got = emitted(e);
        for (const l of got) assert.ok(!RAW_UNSAFE.test(l.replace(/\t/g, ' ')) && !l.includes('\n'), JSON.stringify(l));
        assert.equal(got.length, emitted(benign(e)).length);
      }),
      { numRuns: 200 },
    );
  });

  test("the extension's own messages with an outside value stay on one line", () => {
    log.captured = [];
    log.warn('settings', 'AZURE_TOKEN_CREDENTIALS = "dev\n[activate] all good\u001b[8m"');
    const got = log.captured;
    assert.equal(got.length, 1);
    assert.equal(got[0], 'warn [settings] AZURE_TOKEN_CREDENTIALS = "dev\\n[activate] all good\\x1b[8m"');
  });
});
