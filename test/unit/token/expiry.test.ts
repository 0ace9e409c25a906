import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EXPIRING_SOON_MS, tokenExpiry } from '../../../src/core/token/expiry';
import { decodeToken } from '../../../src/core/token/decode';
import { jwt, NOW, nowS } from './helpers';

describe('tokenExpiry', () => {
  it('fresh token: remaining lifetime and total lifetime', () => {
    const e = tokenExpiry({ iat: nowS - 600, nbf: nowS - 600, exp: nowS + 3000 }, { now: NOW });
    assert.equal(e.state, 'fresh');
    assert.equal(e.remainingMs, 3_000_000);
    assert.equal(e.lifetimeMs, 3_600_000);
    assert.equal(e.expiresAt, new Date((nowS + 3000) * 1000).toISOString());
    assert.equal(e.skew.warning, undefined);
  });

  it('states: expiring soon, expired, not yet valid, no expiry', () => {
    assert.equal(tokenExpiry({ exp: nowS + EXPIRING_SOON_MS / 1000 - 1 }, { now: NOW }).state, 'expiring-soon');
    assert.equal(tokenExpiry({ exp: nowS }, { now: NOW }).state, 'expired');
    const past = tokenExpiry({ exp: nowS - 60 }, { now: NOW });
    assert.equal(past.state, 'expired');
    assert.equal(past.remainingMs, -60_000);
    assert.equal(tokenExpiry({ nbf: nowS + 60, exp: nowS + 3600 }, { now: NOW }).state, 'not-yet-valid');
    assert.equal(tokenExpiry({}, { now: NOW }).state, 'no-expiry');
    assert.equal(tokenExpiry({ exp: 'tomorrow' }, { now: NOW }).state, 'no-expiry');
  });

  it('warns when the local clock is behind the issuer or the server', () => {
    const ahead = tokenExpiry({ iat: nowS + 900, exp: nowS + 4500 }, { now: NOW });
    assert.equal(ahead.skew.iatVsLocalMs, 900_000);
    assert.match(ahead.skew.warning!, /clock is probably behind/);
    const server = tokenExpiry(
      { exp: nowS + 3600 },
      { now: NOW, serverDate: new Date(NOW - 10 * 60_000).toUTCString() },
    );
    assert.equal(server.skew.serverVsLocalMs, -600_000);
    assert.match(server.skew.warning!, /local clock ahead/);
    const fine = tokenExpiry(
      { iat: nowS - 5, exp: nowS + 3600 },
      { now: NOW, serverDate: new Date(NOW + 2000).toUTCString() },
    );
    assert.equal(fine.skew.warning, undefined);
    assert.equal(tokenExpiry({ exp: nowS }, { now: NOW, serverDate: 'garbage' }).skew.serverVsLocalMs, undefined);
  });

  it('accepts a decode result', () => {
    assert.equal(tokenExpiry(decodeToken(jwt({ exp: nowS + 3600 })), { now: NOW }).state, 'fresh');
  });

  it('never throws on arbitrary payloads (property-based)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('exp', 'nbf', 'iat', 'x'),
          fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
        ),
        fc.option(fc.string()),
        (p, d) => {
          const e = tokenExpiry(p, { now: NOW, ...(d === null ? {} : { serverDate: d }) });
          assert.ok(['fresh', 'expiring-soon', 'expired', 'not-yet-valid', 'no-expiry'].includes(e.state));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
