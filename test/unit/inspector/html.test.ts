import assert from 'node:assert/strict';
import { contentSecurityPolicy, inspectorHtml, makeNonce } from '../../../src/extension/inspector/html';

const SRC = 'https://abc.vscode-resource.vscode-cdn.net';
const uris = (nonce: string) => ({
  cspSource: SRC,
  nonce,
  script: `${SRC}/ext/dist/webview/main.js`,
  style: `${SRC}/ext/dist/webview/main.css`,
  codicons: `${SRC}/ext/dist/webview/codicon.css`,
});

describe('inspector HTML shell and CSP', () => {
  it('allows nothing by default, scripts only with the nonce, styles and fonts only from the webview origin', () => {
    assert.equal(
      contentSecurityPolicy(SRC, 'N0nce+/=N0nce+/=N0nce'),
      `default-src 'none'; style-src ${SRC}; font-src ${SRC}; img-src ${SRC}; script-src 'nonce-N0nce+/=N0nce+/=N0nce'; base-uri 'none'; form-action 'none'`,
    );
  });

  it('makes a fresh 128-bit base64 nonce every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = makeNonce();
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(n, 'base64').length, 16);
      seen.add(n);
    }
    assert.equal(seen.size, 200);
  });

  it('has exactly one script, carrying the nonce, and no inline handlers or styles', () => {
    const nonce = makeNonce();
    const html = inspectorHtml(uris(nonce));
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0].includes(`nonce="${nonce}"`));
    assert.ok(scripts[0].includes('src="https://'));
    assert.ok(!/\son\w+=/i.test(html), 'no inline event handlers');
    assert.ok(!/style=/i.test(html), 'no inline style attributes');
    assert.ok(!/<style/i.test(html), 'no inline style blocks');
    assert.ok(html.includes('id="vscode-codicon-stylesheet"'), 'vscode-icon finds the codicons by this id');
    assert.ok(html.includes(`content="${contentSecurityPolicy(SRC, nonce)}"`));
    assert.ok(html.includes('<main id="app"'));
  });

  it('escapes URIs as attributes and refuses a nonce or source that could break out', () => {
    const nonce = makeNonce();
    const html = inspectorHtml({ ...uris(nonce), script: 'https://x/a" onload="alert(1)&b=<c>' });
    assert.ok(html.includes('src="https://x/a&quot; onload=&quot;alert(1)&amp;b=&lt;c&gt;"'));
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    assert.throws(() => inspectorHtml({ ...uris('a b c d e f g h i j k') }));
    assert.throws(() => inspectorHtml({ ...uris('short') }));
    assert.throws(() => inspectorHtml({ ...uris(`${nonce}'; script-src *`) }));
    assert.throws(() => inspectorHtml({ ...uris(nonce), cspSource: '"><script>' }));
    assert.ok(
      inspectorHtml({ ...uris(nonce), cspSource: "'self' https://*.vscode-cdn.net" }).includes(
        "style-src 'self' https://*.vscode-cdn.net;",
      ),
    );
    assert.throws(() => inspectorHtml({ ...uris(nonce), cspSource: "https://x; script-src 'unsafe-inline'" }));
  });
});
