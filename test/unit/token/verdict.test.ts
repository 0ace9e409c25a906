/**
 * The three verdicts: verified / invalid / unverified, and the CLI exit codes that follow from them.
 * A forged (unsigned) token must never pass, whatever its header says; a token whose signature was never checked
 * must never be called valid.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGraphAudience, validateToken } from '../../../src/core/token/validate';
import { main } from '../../../src/cli/main';
import { captureIo } from '../cli-io';
import { armV1Payload, b64, makeSigner, NOW, type Signer } from './helpers';

const ARM = 'https://management.azure.com/.default';
const GRAPH_ID = '00000003-0000-0000-c000-000000000000';
const nowS = () => Math.floor(Date.now() / 1000);
/** Real time for the CLI, which reads the clock. */
const live = (o: Record<string, unknown> = {}) =>
  armV1Payload({ iat: nowS() - 60, nbf: nowS() - 60, exp: nowS() + 3600, ...o });
const unsigned = (payload: unknown, header: Record<string, unknown>) => `${b64(header)}.${b64(payload)}.`;

describe('token verdicts', () => {
  let signer: Signer;
  let dir: string;
  let jwksFile: string;
  before(async () => {
    signer = await makeSigner('verdict-key');
    dir = mkdtempSync(join(tmpdir(), 'azauth-verdict-'));
    jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(signer.jwks));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('validateToken', () => {
    it('a forged alg:none token with an ARM audience and a Graph-style nonce is invalid, not excused as a Graph token', async () => {
      const forged = unsigned(armV1Payload(), { alg: 'none', typ: 'JWT', nonce: 'abc' });
      const v = await validateToken(forged, { now: NOW, jwks: signer.jwks, expectedScope: ARM });
      assert.equal(v.verdict, 'invalid');
      assert.equal(v.valid, false);
      const sig = v.verdicts.find((x) => x.check === 'signature')!;
      assert.equal(sig.verdict, 'fail');
      assert.match(sig.reason, /unsigned/);
    });

    it('an unsigned token is invalid even when its audience is Graph and it carries a nonce (alg:none is checked first)', async () => {
      const forged = unsigned(armV1Payload({ aud: 'https://graph.microsoft.com' }), { alg: 'none', nonce: 'abc' });
      assert.equal((await validateToken(forged, { now: NOW, jwks: signer.jwks })).verdict, 'invalid');
      const emptySig = unsigned(armV1Payload({ aud: GRAPH_ID }), { alg: 'RS256', kid: 'verdict-key', nonce: 'abc' });
      assert.equal((await validateToken(emptySig, { now: NOW })).verdict, 'invalid');
      const upper = unsigned(armV1Payload(), { alg: 'NONE' });
      assert.equal((await validateToken(upper, { now: NOW })).verdict, 'invalid');
    });

    it('no keys: unverified (not valid), even when every other check passes', async () => {
      const t = await signer.sign(armV1Payload());
      const v = await validateToken(t, { now: NOW, expectedScope: ARM });
      assert.equal(v.verdict, 'unverified');
      assert.equal(v.unverifiedBecause, 'no-keys');
      assert.equal(v.valid, false);
      assert.match(v.summary, /signature was not checked/);
    });

    it("a failed key fetch: unverified with the fetcher's classified error", async () => {
      const t = await signer.sign(armV1Payload());
      const v = await validateToken(t, {
        now: NOW,
        fetchJwks: async () => {
          throw Object.assign(new Error('GET https://x/keys: no complete answer within 10 s'), { kind: 'timeout' });
        },
      });
      assert.equal(v.verdict, 'unverified');
      assert.equal(v.unverifiedBecause, 'key-fetch-failed');
      assert.deepEqual(v.keyFetchError, {
        kind: 'timeout',
        message: 'GET https://x/keys: no complete answer within 10 s',
      });
    });

    it('signature checked and every check passed: verified', async () => {
      const t = await signer.sign(armV1Payload());
      const v = await validateToken(t, { now: NOW, jwks: signer.jwks, expectedScope: ARM });
      assert.equal(v.verdict, 'verified');
      assert.equal(v.valid, true);
    });

    it('a good signature does not outweigh a failed check: invalid', async () => {
      const t = await signer.sign(armV1Payload({ exp: Math.floor(NOW / 1000) - 10 }));
      assert.equal((await validateToken(t, { now: NOW, jwks: signer.jwks })).verdict, 'invalid');
      const wrongAud = await signer.sign(armV1Payload());
      assert.equal(
        (
          await validateToken(wrongAud, {
            now: NOW,
            jwks: signer.jwks,
            expectedScope: 'https://vault.azure.net/.default',
          })
        ).verdict,
        'invalid',
      );
    });

    it('the Graph exception holds only for a Graph audience: a nonce on an ARM token is checked like any other', async () => {
      // Signed by the right key with a nonce: the nonce changes nothing, the signature verifies.
      const armWithNonce = await signer.sign(armV1Payload(), { nonce: 'n0nce' });
      assert.equal(
        (await validateToken(armWithNonce, { now: NOW, jwks: signer.jwks, expectedScope: ARM })).verdict,
        'verified',
      );
      // Signed by another key with a nonce: the signature fails; no "only Graph can verify" excuse.
      const other = await makeSigner('verdict-key');
      const forged = await other.sign(armV1Payload(), { nonce: 'n0nce' });
      const v = await validateToken(forged, { now: NOW, jwks: signer.jwks, expectedScope: ARM });
      assert.equal(v.verdict, 'invalid');
      assert.match(v.verdicts.find((x) => x.check === 'signature')!.reason, /not Microsoft Graph/);
      // A real Graph-shaped token (Graph audience + nonce): unverified, because only Graph can check it.
      for (const aud of [
        GRAPH_ID,
        'https://graph.microsoft.com',
        'https://graph.microsoft.com/',
        'https://graph.microsoft.us',
        'https://dod-graph.microsoft.us',
        'https://microsoftgraph.chinacloudapi.cn',
      ]) {
        const g = await other.sign(armV1Payload({ aud }), { nonce: 'n0nce' });
        const gv = await validateToken(g, { now: NOW, jwks: signer.jwks });
        assert.equal(gv.verdict, 'unverified', aud);
        assert.equal(gv.unverifiedBecause, 'graph-token', aud);
      }
    });

    it('isGraphAudience: Graph in every cloud, nothing else', () => {
      assert.equal(isGraphAudience(['https://management.azure.com/', 'https://graph.microsoft.com']), true);
      assert.equal(isGraphAudience('00000003-0000-0000-C000-000000000000'), true);
      for (const a of [
        'https://management.azure.com/',
        'https://graph.windows.net',
        'https://graph.microsoft.com.evil.example',
        'api://graph',
        undefined,
        42,
      ])
        assert.equal(isGraphAudience(a), false, String(a));
    });

    it('undecodable input: invalid with the decode error', async () => {
      const v = await validateToken('abc.def', { now: NOW });
      assert.equal(v.verdict, 'invalid');
      assert.equal(v.error?.kind, 'not-three-parts');
    });
  });

  describe('azauth decode exit codes', () => {
    it('the forged alg:none ARM token with a nonce exits 1 (invalid) with --jwks and --scope; JSON says invalid', async () => {
      const forged = unsigned(live(), { alg: 'none', typ: 'JWT', nonce: 'abc' });
      const c = captureIo();
      assert.equal(await main(['decode', forged, '--json', '--jwks', jwksFile, '--scope', ARM], c), 1);
      const j = JSON.parse(c.out());
      assert.equal(j.validation.verdict, 'invalid');
      assert.equal(j.validation.valid, false);
      const h = captureIo();
      assert.equal(await main(['decode', forged, '--jwks', jwksFile, '--scope', ARM], h), 1);
      assert.match(h.out(), /^Verdict {2}✖ invalid/m);
    });

    it('a check asked for without keys exits 3 (unverified), not 0', async () => {
      const t = await signer.sign(live());
      const c = captureIo();
      assert.equal(await main(['decode', t, '--json', '--scope', ARM], c), 3);
      assert.equal(JSON.parse(c.out()).validation.verdict, 'unverified');
      const h = captureIo();
      assert.equal(await main(['decode', t, '--scope', ARM], h), 3);
      assert.match(h.out(), /^Verdict {2}\? unverified/m);
    });

    it('verified exits 0; plain decoding (no check asked for) of a sound token exits 0 and says unverified', async () => {
      const t = await signer.sign(live());
      const c = captureIo();
      assert.equal(await main(['decode', t, '--json', '--jwks', jwksFile, '--scope', ARM], c), 0);
      assert.equal(JSON.parse(c.out()).validation.verdict, 'verified');
      const plain = captureIo();
      assert.equal(await main(['decode', t, '--json'], plain), 0);
      assert.equal(JSON.parse(plain.out()).validation.verdict, 'unverified');
    });

    it('plain decoding of an unsigned token exits 1: invalid needs no request', async () => {
      assert.equal(await main(['decode', unsigned(live(), { alg: 'none' })], captureIo()), 1);
    });

    it('help documents the verdicts and the exit codes', async () => {
      const c = captureIo();
      assert.equal(await main(['decode', '--help'], c), 0);
      assert.match(c.out(), /verified/);
      assert.match(c.out(), /^ {2}3 {2}unverified/m);
      assert.match(c.out(), /^ {2}1 {2}invalid/m);
    });
  });
});
