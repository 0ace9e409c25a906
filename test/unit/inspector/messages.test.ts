import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isAadstsDocsUrl, parseUiState, parseWebviewMessage } from '../../../src/extension/inspector/messages';

describe('inspector inbound message validation', () => {
  it('accepts exactly the protocol messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseWebviewMessage({ type: 'select', id: 'tok-mwx1-3' }), {
      ok: true,
      message: { type: 'select', id: 'tok-mwx1-3' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'reveal', id: 'tok-1' }), {
      ok: true,
      message: { type: 'reveal', id: 'tok-1' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'copy', id: 'tok-1' }), {
      ok: true,
      message: { type: 'copy', id: 'tok-1' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'refresh', id: 'tok-1' }), {
      ok: true,
      message: { type: 'refresh', id: 'tok-1' },
    });
    assert.deepEqual(
      parseWebviewMessage({ type: 'openDocs', url: 'https://login.microsoftonline.com/error?code=700016' }),
      {
        ok: true,
        message: { type: 'openDocs', url: 'https://login.microsoftonline.com/error?code=700016' },
      },
    );
    const state = { selectedFingerprint: '0123456789ab', open: { claims: false, timeline: true } };
    assert.deepEqual(parseWebviewMessage({ type: 'uiState', state }), {
      ok: true,
      message: { type: 'uiState', state },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state }), { ok: true, message: { type: 'ready', state } });
  });

  it('rejects malformed and hostile messages', () => {
    const bad: unknown[] = [
      undefined,
      null,
      42,
      'ready',
      [],
      [{ type: 'ready' }],
      {},
      { type: 7 },
      { type: 'unknown' },
      { type: 'constructor' },
      { type: '__proto__' },
      { type: 'select' },
      { type: 'select', id: 5 },
      { type: 'select', id: '' },
      { type: 'select', id: 'x'.repeat(129) },
      { type: 'select', id: '<script>' },
      { type: 'select', id: 'a b' },
      { type: 'select', id: 'tok-1', extra: true },
      { type: 'reveal', id: ['tok-1'] },
      { type: 'refresh', id: 'tok-1', command: 'workbench.action.terminal.new' },
      { type: 'refresh' },
      { type: 'copy', id: { toString: () => 'tok-1' } },
      { type: 'ready', extra: 1 },
      { type: 'uiState', state: { selectedFingerprint: 'NOT-HEX' } },
      { type: 'uiState', state: { token: 'eyJ...' } },
      { type: 'uiState', state: { open: { claims: 'yes' } } },
      { type: 'uiState', state: { open: { evil: true } } },
      { type: 'uiState' },
      Object.assign(Object.create({ inherited: 1 }), { type: 'ready' }),
      new Date(),
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m).ok, false, `should reject ${JSON.stringify(m)}`);
  });

  it('opens only the Entra error lookup link for a numeric code', () => {
    assert.ok(isAadstsDocsUrl('https://login.microsoftonline.com/error?code=50076'));
    for (const u of [
      'http://login.microsoftonline.com/error?code=50076',
      'https://login.microsoftonline.com.evil.example/error?code=50076',
      'https://evil.example/?https://login.microsoftonline.com/error?code=1',
      'https://login.microsoftonline.com/error?code=50076&redirect=https://evil.example',
      'https://login.microsoftonline.com/error?code=',
      'https://login.microsoftonline.com/error?code=1\n',
      'https://login.microsoftonline.com/error?code=abc',
      'https://user@login.microsoftonline.com/error?code=1',
      'javascript:alert(1)',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
      `https://login.microsoftonline.com/error?code=${'1'.repeat(300)}`,
    ]) {
      assert.equal(isAadstsDocsUrl(u), false, u);
      assert.equal(parseWebviewMessage({ type: 'openDocs', url: u }).ok, false, u);
    }
  });

  it('a bad saved state does not block the handshake: ready is answered, the state is ignored', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state: { selectedFingerprint: 42 } }), {
      ok: true,
      message: { type: 'ready' },
    });
    assert.equal(parseUiState('x'), undefined);
    assert.deepEqual(parseUiState({}), {});
  });

  it('never throws and never accepts an unknown type, for arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true }),
        (v) => {
          const r = parseWebviewMessage(v);
          if (r.ok)
            assert.ok(['ready', 'select', 'reveal', 'copy', 'refresh', 'openDocs', 'uiState'].includes(r.message.type));
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            type: fc.constantFrom('select', 'reveal', 'copy', 'refresh', 'openDocs', 'uiState', 'ready'),
            id: fc.string(),
            url: fc.webUrl(),
            state: fc.anything(),
          },
          { requiredKeys: ['type'] },
        ),
        (v) => {
          const r = parseWebviewMessage(v);
          if (r.ok && r.message.type === 'openDocs') assert.ok(isAadstsDocsUrl(r.message.url));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
