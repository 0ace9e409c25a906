import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(__dirname, '../../../webview-ui/src');

/** A guard next to the lint rules: the webview builds DOM only through dom.ts, so these sinks must never appear. */
describe('webview sources', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  it('exist', () => assert.ok(files.includes('main.ts') && files.includes('dom.ts')));
  for (const f of files) {
    it(`${f} uses no HTML-parsing sinks, eval or inline handlers`, () => {
      const code = readFileSync(path.join(dir, f), 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
      for (const sink of [
        /\.innerHTML\b/,
        /\.outerHTML\b/,
        /insertAdjacentHTML/,
        /document\.write/,
        /\beval\(/,
        /new Function\(/,
        /setAttribute\(\s*['"]on/i,
        /\.srcdoc\b/,
        /createContextualFragment/,
        /DOMParser/,
      ]) {
        assert.ok(!sink.test(code), `${f} contains ${sink}`);
      }
    });
  }
  it('no webview module passes anything but UI state to setState', () => {
    const code = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const calls = code.match(/vscode\.setState\([^)]*\)/g) ?? [];
    assert.ok(calls.length > 0);
    for (const c of calls) assert.ok(/setState\((state|\{ \.\.\.ui \})\)/.test(c), c);
    assert.ok(!/revealed[^;]*setState|setState[^;]*revealed/.test(code));
  });
});
