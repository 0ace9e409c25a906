/**
 * The chain reads its hosting fingerprint off the verdict path (src/core/chain/hosting.ts): in sequential mode once the
 * members are all waiting, in diagnose mode at the verdict, or at once when a member asks for its prediction; never
 * twice.
 */
import assert from 'node:assert/strict';
import { deferredFingerprint } from '../../../src/core/chain/hosting';
import { Tracer } from '../../../src/core/trace/tracer';
import type { TraceEvent } from '../../../src/core/trace/events';

function chainTrace() {
  const events: TraceEvent[] = [];
  const trace = new Tracer({ sink: { emit: (e) => events.push(e) } }).forStep('chain');
  const notes = () => events.filter((e) => e.kind === 'note' && /^Hosting environment: /.test(e.message));
  return { trace, notes };
}

const env = { PATH: '', HOME: '/nonexistent' };

describe('chain: the hosting fingerprint, off the verdict path', () => {
  it('is not read while the members start (synchronously); it is read once the event loop has polled', async () => {
    const { trace, notes } = chainTrace();
    deferredFingerprint(env, 'js', {}, trace, 'idle');
    await Promise.resolve();
    assert.equal(notes().length, 0, 'not in the synchronous start nor in the promise callbacks after it');
    await new Promise((r) => setImmediate(r));
    assert.equal(notes().length, 1);
  });

  it("diagnose's 'on-read': nothing is read until the chain (at its verdict) or a member asks", async () => {
    const { trace, notes } = chainTrace();
    const fp = deferredFingerprint(env, 'js', {}, trace, 'on-read');
    await new Promise((r) => setImmediate(r));
    assert.equal(notes().length, 0);
    assert.ok(fp.read());
    assert.equal(notes().length, 1);
  });

  it('a member asking for its prediction reads it at once, and the idle read does not read it again', async () => {
    const { trace, notes } = chainTrace();
    const fp = deferredFingerprint(env, 'js', {}, trace, 'idle');
    const p = fp.prediction('ManagedIdentityCredential');
    assert.ok(p && typeof p.verdict === 'string' && p.reason.length > 0, 'a prediction for a member of the chain');
    assert.equal(notes().length, 1);
    assert.equal(fp.prediction('NotACredential'), undefined);
    await new Promise((r) => setImmediate(r));
    assert.equal(notes().length, 1, 'read once');
    assert.equal(fp.read(), fp.read(), 'the same fingerprint every time');
  });
});
