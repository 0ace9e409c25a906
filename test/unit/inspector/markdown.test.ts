import assert from 'node:assert/strict';
import { aadstsCatalog, explainText, nonAadstsExplanations } from '../../../src/core/index';
import {
  aadstsMarkdown,
  codeSpan,
  inlineMarkdown,
  markdownList,
  mdEscape,
  parseInline,
  plainText,
} from '../../../src/extension/markdown';
import { failureView } from '../../../src/extension/inspector/snapshot';
import type { RichText } from '../../../src/shared/protocol';

/** Back to the catalog's own notation: code pieces in backticks, everything else as it was. */
function unparse(pieces: RichText): string {
  return pieces.map((p) => (p.kind === 'code' ? `\`${p.text}\`` : p.text)).join('');
}

/** Every piece of prose the catalog and the explanations data give the hover, the tree and the inspector. */
function everyText(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const e of aadstsCatalog()) {
    out.push({ where: `AADSTS${e.code} meaning`, text: e.meaning });
    (e.causes ?? []).forEach((t, i) => out.push({ where: `AADSTS${e.code} cause ${i}`, text: t }));
    (e.fixes ?? []).forEach((t, i) => out.push({ where: `AADSTS${e.code} fix ${i}`, text: t }));
  }
  for (const x of nonAadstsExplanations()) {
    out.push({ where: `${x.id} meaning`, text: x.meaning });
    x.fixes.forEach((t, i) => out.push({ where: `${x.id} fix ${i}`, text: t }));
  }
  return out;
}

describe('the one Markdown helper (hovers, tooltips, inspector explanations)', () => {
  it('parses every catalog and explanation text without loss: commands become code pieces, no backtick is left in text', () => {
    const texts = everyText();
    assert.ok(texts.length > 1000, `the catalog and explanations give ${texts.length} texts`);
    let code = 0;
    let links = 0;
    for (const { where, text } of texts) {
      const pieces = parseInline(text);
      assert.equal(unparse(pieces), text, where);
      for (const p of pieces) {
        if (p.kind === 'text')
          assert.ok(!p.text.includes('`'), `${where}: a literal backtick in ${JSON.stringify(p.text)}`);
        if (p.kind === 'code') code += 1;
        if (p.kind === 'link') {
          links += 1;
          assert.match(p.text, /^https?:\/\/\S+[^.,;:!?)]$|^https?:\/\/\S*\([^)]*\)$/, `${where}: ${p.text}`);
        }
      }
      assert.ok(!plainText(pieces).includes('`'), where);
    }
    assert.ok(code > 100 && links > 10, `${code} code pieces, ${links} links`);
  });

  it('renders Markdown where text is escaped, code spans cannot be ended early and links cover only their address', () => {
    assert.equal(
      inlineMarkdown('Run `az login --tenant <tenant-id>` again.'),
      'Run `az login --tenant <tenant-id>` again\\.',
    );
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x`'), '`` `x` ``');
    assert.equal(
      inlineMarkdown('Register at https://aka.ms/mysecurityinfo, then run `az login`.'),
      'Register at [https://aka\\.ms/mysecurityinfo](<https://aka.ms/mysecurityinfo>), then run `az login`\\.',
    );
    assert.equal(
      inlineMarkdown('(see https://aka.ms/azure-cli)'),
      '\\(see [https://aka\\.ms/azure\\-cli](<https://aka.ms/azure-cli>)\\)',
    );
    assert.equal(
      inlineMarkdown('plain http://169.254.169.254/x stays text'),
      'plain http://169\\.254\\.169\\.254/x stays text',
    );
    assert.equal(
      inlineMarkdown('[click](command:workbench.action.terminal.new) <img src=x> *y*\nz'),
      '\\[click\\]\\(command:workbench\\.action\\.terminal\\.new\\) \\<img src=x\\> \\*y\\* z',
    );
    assert.equal(inlineMarkdown('an `unclosed backtick'), 'an \\`unclosed backtick');
    assert.equal(markdownList(['one `a`', 'two']), '- one `a`\n- two\n');
    assert.equal(mdEscape('a&b'), 'a\\&b');
  });

  it('builds the AADSTS hover of every catalog entry with its causes and fixes as list items and the lookup link', () => {
    for (const e of aadstsCatalog()) {
      const md = aadstsMarkdown(e);
      const items = md.split('\n').filter((l) => l.startsWith('- '));
      assert.equal(items.length, (e.causes ?? []).length + (e.fixes ?? []).length, `AADSTS${e.code}`);
      assert.ok(md.endsWith(`(https://login.microsoftonline.com/error?code=${e.code})`), `AADSTS${e.code}`);
      assert.ok(!md.includes('; '.repeat(2)), `AADSTS${e.code}`);
    }
  });

  it('gives the inspector every catalog entry and explanation as pieces: commands as code, nothing to show as a backtick', () => {
    for (const e of aadstsCatalog()) {
      const view = failureView({ id: 'e', at: 0, source: 's', explanation: explainText(`AADSTS${e.code}: x`) });
      const c = view.codes.find((x) => x.code === e.code);
      assert.ok(c, `AADSTS${e.code}`);
      for (const r of [c.meaning, ...c.causes, ...c.fixes])
        for (const p of r) if (p.kind !== 'code') assert.ok(!p.text.includes('`'), `AADSTS${e.code}`);
      assert.deepEqual(c.fixes.map(unparse), e.fixes ?? []);
    }
    for (const x of nonAadstsExplanations()) {
      const view = failureView({
        id: 'e',
        at: 0,
        source: 's',
        explanation: { codes: [], unknownCodes: [], other: [x], context: {}, message: '' },
      });
      assert.deepEqual(view.other[0]?.fixes.map(unparse), x.fixes, x.id);
      assert.equal(unparse(view.other[0]?.meaning ?? []), x.meaning, x.id);
    }
  });
});
