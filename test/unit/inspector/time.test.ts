import assert from 'node:assert/strict';
import { formatDuration, formatMs, remaining, utc } from '../../../webview-ui/src/time';

describe('inspector countdown arithmetic', () => {
  const soon = 5 * 60_000;
  it('formats durations in whole seconds', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(9_999), '9s');
    assert.equal(formatDuration(52 * 60_000 + 7_000), '52m 07s');
    assert.equal(formatDuration(3_725_000), '1h 02m 05s');
    assert.equal(formatDuration(2 * 86_400_000 + 3_600_000), '2d 01h 00m');
    assert.equal(formatDuration(-5_000), '0s');
  });
  it('says fresh, expiring, expired and not yet valid', () => {
    const now = 1_000_000_000_000;
    assert.deepEqual(remaining(now + 3_600_000, now, soon), { state: 'fresh', text: '1h 00m 00s left', ms: 3_600_000 });
    assert.equal(remaining(now + 60_000, now, soon).state, 'expiring');
    assert.deepEqual(remaining(now - 62_000, now, soon), { state: 'expired', text: 'expired 1m 02s ago', ms: -62_000 });
    assert.equal(remaining(now + 60_000, now, soon, now + 10_000).state, 'not-yet-valid');
    assert.equal(remaining(Number.NaN, now, soon).state, 'expired');
    assert.equal(remaining(0, now, soon).text, 'no expiry time');
  });
  it('changes from one second to the next (what the live countdown shows)', () => {
    const exp = 1_000_000_000_000 + 600_000;
    assert.notEqual(remaining(exp, 1_000_000_000_000, soon).text, remaining(exp, 1_000_000_001_000, soon).text);
  });
  it('formats times and durations', () => {
    assert.equal(utc(Date.UTC(2026, 10, 25, 9, 12, 3)), '2026-11-25 09:12:03 UTC');
    assert.equal(utc(Number.NaN), '');
    assert.equal(formatMs(842), '842 ms');
    assert.equal(formatMs(1240), '1.24 s');
    assert.equal(formatMs(-1), '');
  });
});
