/**
 * What the extension's debug-session tracing relies on in the core and in its own vscode-free helpers: a live view of
 * the trace while the program runs (peek leaves the reader open), the observed run in the engine's ChainResult shape
 * (an explicit `observed` source), and how the logging switches join a launch configuration's env.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppTraceReader, observedChainResult } from '../../../src/core/index';
import { mergeLaunchEnv } from '../../../src/extension/apptrace/launchEnv';

const TRANSCRIPTS = path.resolve(__dirname, '../../fixtures/apptrace/transcripts');

function lines(name: string): string[] {
  return readFileSync(path.join(TRANSCRIPTS, name), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#! '));
}

describe('apptrace: live view and observed runs', () => {
  it('peek shows the runs so far without closing anything; the end result is the same as reading without peeks', () => {
    // Every transcript: go-env-wins.txt has two runs, and its release is logged after the first run began.
    for (const name of readdirSync(TRANSCRIPTS)) {
      const all = lines(name);
      const peeked = new AppTraceReader({ now: () => 1000 });
      const plain = new AppTraceReader({ now: () => 1000 });
      const seen: number[] = [];
      all.forEach((l, i) => {
        peeked.line('stderr', l, 1000 + i);
        plain.line('stderr', l, 1000 + i);
        seen.push(peeked.peek().runs.length);
      });
      assert.ok(
        seen.some((n) => n > 0),
        `${name}: the run shows before the program ends`,
      );
      const end = peeked.end();
      assert.deepEqual(end, plain.end(), name);
      // A run closed before the SDK named its release still carries the trace's final label.
      for (const run of end.runs) assert.deepEqual([run.label, run.release], [end.label, end.release], name);
      assert.deepEqual(peeked.peek(), end, `${name}: a peek after the end is the end`);
    }
  });

  it('an observed run is a ChainResult with an explicit observed source (label, SDK, release, how it was read)', () => {
    const r = new AppTraceReader();
    lines('go-chain-unavailable.txt').forEach((l, i) => r.line('stderr', l, 1000 + i));
    const trace = r.end();
    const run = trace.runs[0]!;
    const result = observedChainResult(run, { via: 'debug-session', app: 'Launch app', notUnderstood: 2 });
    assert.deepEqual(result.observed, {
      label: 'observed in your app: azidentity (Go) 1.10.1',
      sdk: 'go',
      release: '1.10.1',
      via: 'debug-session',
      app: 'Launch app',
      complete: run.complete,
      notUnderstood: 2,
    });
    assert.equal(result.release, 'go@1.10.1');
    assert.equal(result.selection.source, 'observed');
    assert.deepEqual(result.steps, run.steps);
    assert.equal(result.token, null);
  });
});

describe('apptrace: the logging switches in a launch configuration', () => {
  const add = { AZURE_LOG_LEVEL: 'info', AZURE_SDK_GO_LOGGING: 'all', PYTHONPATH: '/hook' };

  it('adds what is missing and keeps every value the user set, in env or in the inherited environment', () => {
    const { env, added } = mergeLaunchEnv({ AZURE_LOG_LEVEL: 'verbose', OTHER: 'x' }, add, {
      AZURE_SDK_GO_LOGGING: 'off',
    });
    assert.deepEqual(env, { AZURE_LOG_LEVEL: 'verbose', OTHER: 'x', PYTHONPATH: '/hook' });
    assert.deepEqual(added, ['PYTHONPATH']);
  });

  it('a variable the user unset on purpose (null) stays unset', () => {
    const { env } = mergeLaunchEnv({ AZURE_LOG_LEVEL: null }, { AZURE_LOG_LEVEL: 'info' }, {});
    assert.deepEqual(env, { AZURE_LOG_LEVEL: null });
  });

  it('PYTHONPATH: the hook goes first, before the entries of env or of the inherited environment', () => {
    const d = path.delimiter;
    assert.equal(
      mergeLaunchEnv({ PYTHONPATH: '/mine' }, add, { PYTHONPATH: '/host' }, '/hook').env.PYTHONPATH,
      `/hook${d}/mine`,
    );
    assert.equal(mergeLaunchEnv({}, add, { PYTHONPATH: '/host' }, '/hook').env.PYTHONPATH, `/hook${d}/host`);
    assert.equal(mergeLaunchEnv({}, add, {}, '/hook').env.PYTHONPATH, '/hook');
  });
});
