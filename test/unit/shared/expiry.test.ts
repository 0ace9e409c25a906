import assert from 'node:assert/strict';
import {
  EXPIRING_SOON_MS,
  expiryState,
  formatDuration,
  formatElapsed,
  relativeTime,
  remaining,
} from '../../../src/shared/expiry';
import { utc } from '../../../webview-ui/src/time';

describe('one expiry module (src/shared/expiry.ts)', () => {
  const now = 1_000_000_000_000;
  it('formats durations in whole minutes, or to the second for a live countdown', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(9_999), '9s');
    assert.equal(formatDuration(52 * 60_000 + 7_000), '52m');
    assert.equal(formatDuration(52 * 60_000 + 7_000, { seconds: true }), '52m 07s');
    assert.equal(formatDuration(3_725_000), '1h 02m');
    assert.equal(formatDuration(3_725_000, { seconds: true }), '1h 02m 05s');
    assert.equal(formatDuration(2 * 86_400_000 + 3_600_000), '2d 01h');
    assert.equal(formatDuration(2 * 86_400_000 + 3_600_000, { seconds: true }), '2d 01h 00m');
    assert.equal(formatDuration(-62_000), '1m', 'the sign is the caller’s to say');
    assert.equal(formatDuration(Number.NaN), '');
  });
  it('says fresh, expiring soon, expired, not yet valid and no expiry', () => {
    assert.deepEqual(remaining(now + 3_600_000, now), { state: 'fresh', text: '1h 00m left', ms: 3_600_000 });
    assert.equal(remaining(now + EXPIRING_SOON_MS, now).state, 'expiring-soon');
    assert.equal(remaining(now + EXPIRING_SOON_MS + 1, now).state, 'fresh');
    assert.deepEqual(remaining(now - 62_000, now, { seconds: true }), {
      state: 'expired',
      text: 'expired 1m 02s ago',
      ms: -62_000,
    });
    assert.equal(remaining(now, now).state, 'expired');
    const early = remaining(now + 60_000, now, { notBeforeEpochMs: now + 10_000 });
    assert.deepEqual([early.state, early.text], ['not-yet-valid', 'not valid for another 10s']);
    for (const none of [Number.NaN, 0, -5, undefined]) {
      assert.equal(remaining(none, now).state, 'no-expiry');
      assert.equal(remaining(none, now).text, 'no expiry time');
    }
    assert.equal(expiryState(now + 1, now), 'expiring-soon');
  });
  it('changes from one second to the next only when asked for seconds (the live countdown)', () => {
    const exp = now + 630_500;
    assert.notEqual(remaining(exp, now, { seconds: true }).text, remaining(exp, now + 1000, { seconds: true }).text);
    assert.equal(remaining(exp, now).text, remaining(exp, now + 1000).text);
  });
  it('says relative times and elapsed times', () => {
    assert.equal(relativeTime(now + 3_600_000, now), 'in 1h 00m');
    assert.equal(relativeTime(now - 600_000, now), '10m ago');
    assert.equal(relativeTime(now + 200, now), 'now');
    assert.equal(formatElapsed(842), '842 ms');
    assert.equal(formatElapsed(1240), '1.24 s');
    assert.equal(formatElapsed(12_480), '12.5 s');
    assert.equal(formatElapsed(-1), '');
    assert.equal(formatElapsed(undefined), '');
    assert.equal(utc(Date.UTC(2026, 10, 25, 9, 12, 3)), '2026-11-25 09:12:03 UTC');
    assert.equal(utc(Number.NaN), '');
  });
});
