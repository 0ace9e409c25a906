/* global window, document */
// The Token Inspector webview bundle in a real Chromium, under the exact HTML shell and CSP the host serves
// (src/extension/inspector/html.ts), without VS Code around it: a stand-in for acquireVsCodeApi records what the
// webview posts, and the test posts snapshots to it as the host would. Checks rendering of hostile claims as text,
// the live countdown, reveal / copy / docs intents, keyboard use, state persistence without secrets and no CSP
// violations. Everything is served through page.route from dist/webview: no network at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { CHROMIUM, ensureResults, launchBrowser, root } from './harness.mjs';

const ORIGIN = 'https://inspector.test';
const skip = !existsSync(CHROMIUM) && 'Chromium missing';
const NOW = Date.now();
const RAW =
  'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlLXNlZ21lbnQtb2YtdGhlLXRlc3QtdG9rZW4';
const HOSTILE = {
  img: '<img src=x onerror="window.__xss=1">',
  script: '<script>window.__xss=2</script>',
  svg: '"><svg/onload=window.__xss=3>',
};

function snapshot(overrides = {}) {
  const claims = [
    {
      name: 'aud',
      value: 'https://management.azure.com',
      truncated: false,
      meaning: 'Audience: who the token is for',
      interpretation: 'Azure Resource Manager',
      known: true,
    },
    { name: 'name', value: HOSTILE.img, truncated: false, meaning: 'Display name', interpretation: '', known: true },
    {
      name: 'given_name',
      value: HOSTILE.script,
      truncated: false,
      meaning: '',
      interpretation: HOSTILE.svg,
      known: false,
    },
    { name: HOSTILE.svg, value: 'hostile claim name', truncated: false, meaning: '', interpretation: '', known: false },
    { name: 'huge', value: `${'A'.repeat(4000)}…`, truncated: true, meaning: '', interpretation: '', known: false },
  ];
  return {
    version: 1,
    generatedAt: NOW,
    tokens: [
      {
        id: 'tok-1',
        fingerprint: '0123456789ab',
        label: 'ARM token',
        credential: 'AzureCLICredential',
        scope: 'https://management.azure.com/.default',
        audience: 'https://management.azure.com',
        origin: 'acquired',
        expiresOnEpochMs: NOW + 3_600_000,
        fromCache: false,
        active: true,
      },
      {
        id: 'tok-2',
        fingerprint: 'ba9876543210',
        label: HOSTILE.img,
        credential: 'EnvironmentCredential',
        scope: 'x',
        origin: 'decoded',
        expiresOnEpochMs: NOW - 60_000,
        fromCache: false,
        active: false,
      },
    ],
    selectedTokenId: 'tok-1',
    detail: {
      id: 'tok-1',
      fingerprint: '0123456789ab',
      label: 'ARM token',
      credential: 'AzureCLICredential',
      scope: 'https://management.azure.com/.default',
      tokenType: 'Bearer',
      origin: 'acquired',
      expiresOnEpochMs: NOW + 3_600_000,
      issuedAtEpochMs: NOW - 300_000,
      rawLength: RAW.length,
      refreshable: true,
      kind: 'jwt',
      header: [{ name: 'alg', value: 'RS256', truncated: false, meaning: '', interpretation: '', known: false }],
      claims,
      validation: [
        { check: 'audience', status: 'pass', reason: 'matches the requested scope' },
        { check: 'signature', status: 'skip', reason: HOSTILE.script },
      ],
      verdict: { verdict: 'unverified', summary: `No check failed, but the signature was not checked. ${HOSTILE.img}` },
      warnings: [HOSTILE.svg],
    },
    failure: {
      id: 'err-1',
      atEpochMs: NOW,
      message: `AADSTS700016: ${HOSTILE.img}`,
      kind: 'aadsts',
      source: 'Acquire Token',
      codes: [
        {
          code: 700016,
          name: 'UnauthorizedClient',
          meaning: [{ kind: 'text', text: HOSTILE.script }],
          causes: [[{ kind: 'text', text: 'Wrong client id' }]],
          fixes: [
            [
              { kind: 'text', text: 'Check AZURE_CLIENT_ID, or run ' },
              { kind: 'code', text: 'az login --tenant <tenant-id>' },
              { kind: 'text', text: '.' },
            ],
          ],
          category: 'client',
          docsUrl: 'https://login.microsoftonline.com/error?code=700016',
        },
      ],
      unknownCodes: [9999999],
      other: [],
      correlationId: '11111111-2222-3333-4444-555555555555',
    },
    run: {
      id: 'run-1',
      mode: 'sequential',
      profile: 'js',
      scope: 'https://management.azure.com/.default',
      startedAtEpochMs: NOW - 2000,
      durationMs: 1810,
      winner: 'AzureCLICredential',
      summary: 'AzureCLICredential succeeded after 3 steps',
      steps: [
        {
          index: 0,
          credential: 'EnvironmentCredential',
          outcome: 'unavailable',
          startMs: 0,
          endMs: 2,
          durationMs: 2,
          message: 'not configured',
          errorCodes: [],
          winner: false,
        },
        {
          index: 1,
          credential: 'ManagedIdentityCredential',
          outcome: 'unavailable',
          startMs: 2,
          endMs: 1002,
          durationMs: 1000,
          message: HOSTILE.img,
          errorCodes: [],
          winner: false,
        },
        {
          index: 2,
          credential: 'AzureCLICredential',
          outcome: 'success',
          startMs: 1002,
          endMs: 1802,
          durationMs: 800,
          message: 'ok',
          errorCodes: [],
          winner: true,
        },
      ],
    },
    focus: 'token',
    ...overrides,
  };
}

let browser;
let page;
let html;

before(async () => {
  if (skip) return;
  const b = spawnSync(process.execPath, ['esbuild.mjs', '--only=webview'], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  // The real shell from the host code (TypeScript, bundled here on the fly).
  const out = await esbuild.build({
    entryPoints: [path.join(root, 'src/extension/inspector/html.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  const nonce = mod.makeNonce();
  html = mod.inspectorHtml({
    cspSource: ORIGIN,
    nonce,
    script: `${ORIGIN}/main.js`,
    style: `${ORIGIN}/main.css`,
    codicons: `${ORIGIN}/codicon.css`,
  });
  // Stand-in for VS Code's webview API: records posts and states; runs before main.js, with the same nonce.
  const stub = `<script nonce="${nonce}">
    window.__posted = []; window.__states = []; window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
    let saved = ${JSON.stringify({ open: { header: true } })};
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))), getState: () => saved, setState: (s) => { saved = s; window.__states.push(JSON.parse(JSON.stringify(s))); } });
  </script>`;
  html = html.replace(`<script nonce="${nonce}" src=`, `${stub}\n<script nonce="${nonce}" src=`);
  browser = await launchBrowser();
  page = browser.page;
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/' || url.pathname === '/index.html')
      return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = path.join(root, 'dist/webview', path.basename(url.pathname));
    if (!existsSync(file)) return route.fulfill({ status: 404, body: '' });
    const types = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };
    return route.fulfill({
      status: 200,
      contentType: types[path.extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
});

after(async () => {
  if (browser) await browser.close();
});

async function send(message) {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

async function posted() {
  return page.evaluate(() => window.__posted);
}

test('sends ready with its saved (non-secret) UI state', { skip }, async () => {
  const ready = (await posted()).find((m) => m.type === 'ready');
  assert.deepEqual(ready, { type: 'ready', state: { open: { header: true } } });
});

test('renders the decoded claims, with hostile values as text and no injected elements', { skip }, async () => {
  await send({ type: 'snapshot', snapshot: snapshot() });
  await page.waitForSelector('#claims tr[data-claim="aud"]');
  assert.equal(await page.textContent('#claims tr[data-claim="aud"] .value'), 'https://management.azure.com');
  assert.equal(await page.textContent('#claims tr[data-claim="aud"] .interpretation'), 'Azure Resource Manager');
  assert.equal(await page.textContent('#claims tr[data-claim="name"] .value'), HOSTILE.img);
  assert.equal(await page.textContent('#claims tr[data-claim="given_name"] .value'), HOSTILE.script);
  assert.equal(await page.textContent('#claims tr[data-claim="given_name"] .interpretation'), HOSTILE.svg);
  assert.equal(await page.locator('#claims tr').filter({ hasText: 'hostile claim name' }).count(), 1);
  assert.ok((await page.textContent('#claims tr[data-claim="huge"]')).includes('(shortened)'));
  // Nothing from the data became markup anywhere in the document.
  // (querySelectorAll does not enter the components' shadow roots, whose own icons are not data.)
  assert.equal(
    await page.evaluate(
      () =>
        document.querySelectorAll('#app img, #app script, #app svg, #app iframe, #app [onerror], #app [onload]').length,
    ),
    0,
  );
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.textContent('#failure-message'), ` AADSTS700016: ${HOSTILE.img}`);
  assert.equal(await page.textContent('#aadsts-explanation article[data-code="700016"] .meaning'), HOSTILE.script);
  // The overall verdict says which of the three it is, in words, with the reason as text.
  assert.equal(await page.getAttribute('#token-verdict', 'data-verdict'), 'unverified');
  assert.equal(
    (await page.textContent('#token-verdict')).trim(),
    `Unverified — No check failed, but the signature was not checked. ${HOSTILE.img}`,
  );
  // "What to do" shows the command as code, without the catalog's backticks.
  assert.equal(
    await page.textContent('#aadsts-explanation article[data-code="700016"] .fixes li'),
    'Check AZURE_CLIENT_ID, or run az login --tenant <tenant-id>.',
  );
  assert.equal(
    await page.textContent('#aadsts-explanation article[data-code="700016"] .fixes li code'),
    'az login --tenant <tenant-id>',
  );
  assert.equal(await page.locator('#token-list [data-token-id="tok-2"] .token-label').textContent(), HOSTILE.img);
  // The saved state ({ open: { header: true } }) was restored: the header section, closed by default, is open.
  assert.equal(
    await page.evaluate(() =>
      document.querySelector('vscode-collapsible[data-section="header"]')?.hasAttribute('open'),
    ),
    true,
  );
  assert.equal(
    await page.evaluate(() =>
      document.querySelector('vscode-collapsible[data-section="claims"]')?.hasAttribute('open'),
    ),
    true,
  );
});

test('the countdown ticks by itself every second, without the host', { skip }, async () => {
  await send({ type: 'snapshot', snapshot: snapshot() });
  const before = await page.textContent('#countdown');
  assert.match(before, /^(59m|1h 00m) \d\ds left$|^\d+m \d\ds left$/);
  // The list says what the Tokens tree and the status bar say (whole minutes); only the countdown shows seconds.
  assert.match(await page.textContent('#token-list [data-token-id="tok-1"] .token-remaining'), /^(59m|1h 00m) left$/);
  assert.match(await page.textContent('#token-list [data-token-id="tok-2"] .token-remaining'), /^expired 1m ago$/);
  const postsBefore = (await posted()).length;
  await page.waitForFunction((t) => document.getElementById('countdown')?.textContent !== t, before, { timeout: 5000 });
  assert.notEqual(await page.textContent('#countdown'), before);
  assert.equal(await page.getAttribute('#countdown', 'data-state'), 'fresh');
  assert.equal((await posted()).length, postsBefore, 'no message to the host for the countdown');
  // An expired token shows as expired.
  const s = snapshot();
  s.detail.expiresOnEpochMs = Date.now() - 90_000;
  await send({ type: 'snapshot', snapshot: s });
  await page.waitForFunction(() => document.getElementById('countdown')?.getAttribute('data-state') === 'expired');
  assert.match(await page.textContent('#countdown'), /^expired 1m 3\ds ago$/);
});

test('the raw token is masked until Reveal; the answer is shown but never saved with setState', { skip }, async () => {
  await send({ type: 'snapshot', snapshot: snapshot() });
  await page.waitForSelector('#raw-token[data-masked="true"]');
  assert.ok(!(await page.textContent('#raw-token')).includes('eyJ'));
  await page.click('#reveal');
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'reveal'));
  assert.deepEqual((await posted()).filter((m) => m.type === 'reveal').at(-1), { type: 'reveal', id: 'tok-1' });
  await send({ type: 'rawToken', id: 'tok-1', fingerprint: '0123456789ab', token: RAW });
  await page.waitForSelector('#raw-token[data-masked="false"]');
  assert.equal(await page.textContent('#raw-token'), RAW);
  // A snapshot re-render keeps it revealed (memory only) …
  await send({ type: 'snapshot', snapshot: snapshot() });
  await page.waitForSelector('#raw-token[data-masked="false"]');
  // … Hide masks it again, and no saved state ever held it.
  await page.click('#reveal');
  await page.waitForSelector('#raw-token[data-masked="true"]');
  const states = JSON.stringify(await page.evaluate(() => window.__states));
  assert.ok(!states.includes(RAW.split('.')[1]), 'setState never received the token');
  const allPosted = JSON.stringify(await posted());
  assert.ok(!allPosted.includes(RAW.split('.')[1]), 'the webview never sent the token back');
  // A rawToken for a token that is not in the snapshot is ignored.
  await send({ type: 'rawToken', id: 'tok-unknown', fingerprint: 'ffffffffffff', token: 'should-not-show' });
  assert.ok(!(await page.textContent('#app')).includes('should-not-show'));
});

test('Copy asks the host; the host answers copied', { skip }, async () => {
  await page.click('#copy');
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'copy'));
  await send({ type: 'copied', id: 'tok-1', fingerprint: '0123456789ab' });
  await page.waitForFunction(() => document.getElementById('raw-status')?.textContent.includes('Copied'));
});

test(
  'keyboard: Enter on a token selects it, Space on Reveal reveals, the docs button posts only the lookup URL',
  { skip },
  async () => {
    await send({ type: 'snapshot', snapshot: snapshot() });
    await page.focus('#token-list [data-token-id="tok-2"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'select' && m.id === 'tok-2'));
    await page.focus('#reveal');
    const reveals = (await posted()).filter((m) => m.type === 'reveal').length;
    await page.keyboard.press(' ');
    await page.waitForFunction((n) => window.__posted.filter((m) => m.type === 'reveal').length > n, reveals);
    await page.focus('#refresh');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'refresh' && m.id === 'tok-1'));
    await page.focus('#docs-700016');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'openDocs'));
    assert.deepEqual((await posted()).filter((m) => m.type === 'openDocs').at(-1), {
      type: 'openDocs',
      url: 'https://login.microsoftonline.com/error?code=700016',
    });
    // Every interactive control has an accessible name.
    const unnamed = await page.evaluate(
      () =>
        [...document.querySelectorAll('button, vscode-button')].filter(
          (b) => !(b.getAttribute('aria-label') || b.textContent.trim()),
        ).length,
    );
    assert.equal(unnamed, 0);
  },
);

test(
  "focus stays on the control the user used after Enter/Space, through the re-render that the host's answer causes",
  { skip },
  async () => {
    await send({ type: 'snapshot', snapshot: snapshot() });
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement;
        const inner = a?.shadowRoot?.activeElement;
        return {
          id: a?.id ?? '',
          token: a?.getAttribute('data-token-id') ?? '',
          cls: a?.className ?? '',
          inner: inner?.className ?? '',
        };
      });
    // Enter on a token: the host answers with a snapshot that selects it; the focus stays on that token.
    await page.focus('#token-list [data-token-id="tok-2"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'select' && m.id === 'tok-2'));
    await send({ type: 'snapshot', snapshot: snapshot({ selectedTokenId: 'tok-2' }) });
    await page.waitForTimeout(300);
    assert.deepEqual(await focused().then((f) => [f.token, /token-item/.test(f.cls)]), ['tok-2', true]);
    // Space on Reveal: the raw token arrives and the panel re-renders; the focus stays on the (new) Reveal/Hide button.
    await send({ type: 'snapshot', snapshot: snapshot() });
    await page.waitForSelector('#reveal');
    await page.focus('#reveal');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'reveal').length > 0);
    await send({ type: 'rawToken', id: 'tok-1', fingerprint: '0123456789ab', token: RAW });
    await page.waitForSelector('#raw-token[data-masked="false"]');
    await page.waitForTimeout(300);
    assert.equal((await focused()).id, 'reveal');
    // Enter on a section header, then any re-render: the focus is back on that header.
    await page.locator('#claims-section .collapsible-header').focus();
    await page.keyboard.press('Enter');
    await send({ type: 'snapshot', snapshot: snapshot() });
    await page.waitForTimeout(300);
    const f = await focused();
    assert.deepEqual([f.id, /collapsible-header/.test(f.inner)], ['claims-section', true]);
    await page.keyboard.press('Enter'); // open the section again for the tests that follow
    await page.waitForFunction(() => window.__states.at(-1)?.open?.claims === true);
  },
);

test('the chain run renders as a waterfall with the winner marked', { skip }, async () => {
  await send({ type: 'snapshot', snapshot: snapshot() });
  await page.waitForSelector('#timeline li[data-step]');
  const steps = await page.$$eval('#timeline li[data-step]', (els) =>
    els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-outcome'), e.getAttribute('data-winner')]),
  );
  assert.deepEqual(steps, [
    ['EnvironmentCredential', 'unavailable', 'false'],
    ['ManagedIdentityCredential', 'unavailable', 'false'],
    ['AzureCLICredential', 'success', 'true'],
  ]);
  // Bars are placed on the axis: the winner starts after the managed identity step ends.
  const boxes = await page.$$eval('#timeline .bar', (els) =>
    els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, w: r.width })),
  );
  assert.ok(boxes[2].x > boxes[1].x + boxes[1].w - 2, 'winner starts after the previous step');
  assert.ok(boxes[1].w > boxes[2].w, 'longer step, longer bar');
  assert.equal(await page.locator('#timeline li[data-winner="true"] .winner-mark').count(), 1);
  await page.screenshot({ path: path.join(ensureResults(), 'inspector-webview.png'), fullPage: true });
});

test('section open state is saved (non-secret), and an empty session says what to do', { skip }, async () => {
  await send({ type: 'snapshot', snapshot: snapshot() });
  // The section header is keyboard operable (Enter) and tells screen readers whether it is expanded.
  const header = page.locator('#claims-section .collapsible-header');
  assert.equal(await header.getAttribute('role'), 'button');
  assert.equal(await header.getAttribute('aria-expanded'), 'true');
  await header.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__states.some((s) => s.open && s.open.claims === false));
  assert.equal(await header.getAttribute('aria-expanded'), 'false');
  const states = await page.evaluate(() => window.__states);
  assert.ok(states.some((s) => s.open && 'claims' in s.open));
  for (const s of states)
    assert.deepEqual(
      Object.keys(s).filter((k) => !['open', 'selectedFingerprint'].includes(k)),
      [],
    );
  await send({
    type: 'snapshot',
    snapshot: snapshot({ tokens: [], detail: null, failure: null, run: null, selectedTokenId: null }),
  });
  await page.waitForSelector('#empty');
});

test('no Content Security Policy violations while rendering', { skip }, async () => {
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual(violations, []);
});
