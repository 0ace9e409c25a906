import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { hasUnsafeText, quoteValue, terminalSafe, terminalSafeBlock } from '../../../src/core/text/terminal';
import { hostileString, RAW_UNSAFE } from './hostile';

describe('terminal-safe text', () => {
  it('shows ESC, CSI, OSC, CR, BEL and backspace escaped instead of acting on them', () => {
    assert.equal(terminalSafe('\u001b[2J\u001b]0;pwned\u0007ok'), '\\x1b[2J\\x1b]0;pwned\\x07ok');
    assert.equal(terminalSafe('real\rforged'), 'real\\rforged');
    assert.equal(terminalSafe('abc\b\b\bxyz'), 'abc\\x08\\x08\\x08xyz');
    assert.equal(terminalSafe('\u009b31m'), '\\x9b31m', 'C1 CSI');
    assert.equal(terminalSafe('a\u007fb'), 'a\\x7fb');
  });

  it('shows bidi overrides, isolates, marks and zero-width characters escaped', () => {
    assert.equal(terminalSafe('user\u202etxt.exe'), 'user\\u202etxt.exe');
    assert.equal(terminalSafe('\u2066a\u2069\u200e\u200f\u061c'), '\\u2066a\\u2069\\u200e\\u200f\\u061c');
    assert.equal(terminalSafe('a\u200bb\u200cc\u200dd\u2060e\ufeff'), 'a\\u200bb\\u200cc\\u200dd\\u2060e\\ufeff');
    assert.equal(terminalSafe('x\u{e0041}\u{e0042}'), 'x\\u{e0041}\\u{e0042}', 'invisible tag characters');
    assert.equal(terminalSafe('a\u2028b'), 'a\\u2028b');
    assert.equal(terminalSafe('\u{e0002}'), '\\u{e0002}', 'unassigned tag characters too');
    // The in-host property test's counterexample (seed -806709132): U+2065, unassigned in the invisible-operator block.
    assert.equal(terminalSafe('\u2065\u001b[2J'), '\\u2065\\x1b[2J', 'the whole U+2060–U+206F block, assigned or not');
    assert.equal(terminalSafeBlock('a\u2064\u206fb'), 'a\\u2064\\u206fb');
  });

  it('keeps a value on one line; a block keeps its layout newlines', () => {
    assert.equal(terminalSafe('line 1\nline 2\r\n\tx'), 'line 1\\nline 2\\r\\n\\tx');
    assert.equal(terminalSafeBlock('line 1\r\nline 2\n\tx\ry\u001b'), 'line 1\nline 2\n\tx\\ry\\x1b');
  });

  it('leaves ordinary text alone: accents, CJK, emoji, backslashes, Windows paths', () => {
    for (const s of ['café — ✓ 東京 🔑', 'C:\\Users\\me\\.azure', 'https://login.microsoftonline.com/common/v2.0', ''])
      assert.equal(terminalSafe(s), s);
  });

  it('lone surrogates are shown escaped', () => {
    assert.equal(terminalSafe('a\ud800b'), 'a\\ud800b');
  });

  it('quoteValue escapes, quotes and truncates an echoed value', () => {
    assert.equal(quoteValue('--x\u001b[2J'), '"--x\\x1b[2J"');
    assert.equal(quoteValue('a'.repeat(100), 10), `"${'a'.repeat(10)}"… (100 characters)`);
  });

  it('property: no raw unsafe character survives, and a value never yields a line break', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(), fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        const one = terminalSafe(s);
        assert.ok(!RAW_UNSAFE.test(one) && !/[\n\r\t]/.test(one), JSON.stringify(one));
        assert.ok(!hasUnsafeText(one));
        const block = terminalSafeBlock(s);
        assert.ok(!RAW_UNSAFE.test(block.replace(/\t/g, ' ')), JSON.stringify(block));
        assert.equal(
          block.split('\n').length,
          s.replace(/\r\n/g, '\n').split('\n').length,
          'a block keeps exactly its own line breaks',
        );
      }),
      { numRuns: 500 },
    );
  });
});
