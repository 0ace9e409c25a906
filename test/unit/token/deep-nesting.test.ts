/**
 * Crafted tokens nested thousands of levels deep: decoding, explaining, validating and printing them must neither
 * overflow the stack (no RangeError, no stack trace) nor print output that grows faster than the token.
 */
import assert from 'node:assert/strict';
import { decodeToken, MAX_CLAIM_DEPTH } from '../../../src/core/token/decode';
import { explainClaims } from '../../../src/core/token/claims';
import { summarizeToken } from '../../../src/core/token/summary';
import { validateToken } from '../../../src/core/token/validate';
import { limitJsonDepth, depthMarker } from '../../../src/core/json/depth';
import { main } from '../../../src/cli/main';
import { captureIo } from '../cli-io';
import { b64 } from './helpers';

const nowS = Math.floor(Date.now() / 1000);

/** A token whose payload carries one claim nested `depth` objects deep. */
function deepToken(depth: number): string {
  let inner = '1';
  for (let i = 0; i < depth; i++) inner = `{"a":${inner}}`;
  const payload = `{"aud":"https://management.azure.com/","iss":"https://sts.windows.net/11111111-2222-3333-4444-555555555555/","exp":${nowS + 3600},"nbf":${nowS - 60},"deep":${inner}}`;
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`;
}

function depthOf(v: unknown): number {
  let depth = 0;
  let level: unknown[] = [v];
  while (level.length) {
    const next: unknown[] = [];
    for (const x of level) if (typeof x === 'object' && x !== null) next.push(...Object.values(x));
    if (next.length) depth++;
    level = next;
  }
  return depth;
}

describe('deeply nested tokens', () => {
  it('limitJsonDepth copies without recursion, keeps shallow values and __proto__ keys as data', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    const r = limitJsonDepth(v, 8);
    assert.equal(r.truncated, true);
    assert.ok(depthOf(r.value) <= 8);
    const shallow = JSON.parse('{"a":[1,{"b":null}],"__proto__":{"x":1}}') as Record<string, unknown>;
    const copy = limitJsonDepth(shallow, 8);
    assert.equal(copy.truncated, false);
    assert.equal(JSON.stringify(copy.value), JSON.stringify(shallow));
    assert.equal(Object.getPrototypeOf(copy.value), Object.prototype);
    assert.equal(limitJsonDepth(v, 2).value instanceof Array, true);
    assert.deepEqual(limitJsonDepth([[[1]]], 2).value, [[depthMarker(2)]]);
  });

  it('decodeToken: a 5,000-deep claim is cut at the claim depth limit with a warning; explain, summary and validation run', async () => {
    const raw = deepToken(5000);
    const d = decodeToken(raw);
    assert.ok(d.ok && d.kind === 'jwt');
    assert.ok(depthOf(d.payload) <= MAX_CLAIM_DEPTH, `depth ${depthOf(d.payload)}`);
    assert.ok(d.warnings.some((w) => /more than 16 levels deep/.test(w)));
    const claims = explainClaims(d.payload, d.header, { now: Date.now() });
    assert.ok(claims.some((c) => c.name === 'deep'));
    assert.equal(
      summarizeToken(raw, {
        credential: 'AzureCliCredential',
        scope: 'https://management.azure.com/.default',
        fromCache: false,
        expiresOnEpochMs: Date.now() + 3_600_000,
      }).audience,
      'https://management.azure.com/',
    );
    assert.equal((await validateToken(d, { now: Date.now() })).verdict, 'unverified');
  });

  it('azauth decode of a 5,000-deep token: no crash, no stack trace, human and --json', async () => {
    const t = deepToken(5000);
    for (const args of [[], ['--json']]) {
      const c = captureIo();
      const code = await main(['decode', t, ...args], c);
      assert.equal(code, 0, c.err());
      assert.equal(c.err(), '');
      assert.doesNotMatch(c.out(), /RangeError|Maximum call stack| {4}at /);
    }
  });

  it('--json output stays linear in the token size: a 32 KB token nested 4,000 deep prints kilobytes, not megabytes', async () => {
    const t = deepToken(4000);
    assert.ok(t.length > 30_000 && t.length < 34_000, String(t.length));
    const c = captureIo();
    assert.equal(await main(['decode', t, '--json'], c), 0);
    assert.ok(c.out().length < 4 * t.length, `${c.out().length} bytes of JSON for a ${t.length}-character token`);
    // Twice as deep, no more output: the size follows the kept depth, not the crafted one.
    const c2 = captureIo();
    assert.equal(await main(['decode', deepToken(8000), '--json'], c2), 0);
    assert.ok(Math.abs(c2.out().length - c.out().length) < 200);
  });
});
