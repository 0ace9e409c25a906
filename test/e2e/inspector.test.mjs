// End to end, as a person would, in a real VS Code (code-server) and Chromium: "Azure Auth: Decode Token" from the
// palette with a pasted JWT opens the Token Inspector, which shows the decoded claims (hostile ones as text), a
// countdown that changes by itself, and the raw token only after Reveal; then "Azure Auth: Explain Error" shows the
// AADSTS explanation. Screenshots go to test-results/. Loopback only; the extension loads unpackaged (?payload=).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureResults, haveToolchain, launchBrowser, root, runPaletteCommand, startCodeServer } from './harness.mjs';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const HOSTILE = '<img src=x onerror="document.title=\'xss\'">';
const JWT = [
  b64({ alg: 'RS256', typ: 'JWT', kid: 'e2e' }),
  b64({
    aud: 'https://management.azure.com',
    iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    scp: 'user_impersonation',
    name: HOSTILE,
    ver: '1.0',
  }),
  Buffer.from('e2e-signature-not-verified-here').toString('base64url'),
].join('.');

const skip =
  (!haveToolchain() && 'code-server/Chromium missing') ||
  (!existsSync(path.join(root, 'dist/webview/main.js')) && 'dist/webview is not built (node esbuild.mjs)');

/** Runs a palette command. Under load the development extension's contributions can appear late: retry a few times. */
function runCommand(page, title) {
  return runPaletteCommand(page, title);
}

/** The workbench is up and the extension's contributions are in (its activity-bar container is there). */
async function workbenchReady(page) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.txt' }).waitFor({ timeout: 60000 });
  await page.locator('.activitybar [aria-label^="Azure Auth"]').first().waitFor({ timeout: 60000 });
}

async function answerInputBox(page, text) {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget').waitFor({ state: 'visible' });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

function inspector(page) {
  return page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
}

test(
  'Token Inspector in code-server: decoded claims, live countdown, reveal, AADSTS explanation, chain waterfall, restored after reload',
  { skip, timeout: 240000 },
  async () => {
    // The chain run at the end stays on this machine: only the developer-tool credentials (local processes), and the
    // managed identity endpoint pointed at a closed loopback port in case a profile includes it. az gets an empty
    // configuration folder (nobody logged in, whatever this machine's own az knows), so every outcome is known.
    const azConfig = mkdtempSync(path.join(tmpdir(), 'azauth-e2e-az-'));
    const server = await startCodeServer({
      workspaceSettings: {
        'azureAuthDebugger.chain.environment': {
          AZURE_TOKEN_CREDENTIALS: 'dev',
          AZURE_CONFIG_DIR: azConfig,
          AZD_CONFIG_DIR: azConfig,
        },
        'azureAuthDebugger.managedIdentity.imdsEndpoint': 'http://127.0.0.1:9',
        'azureAuthDebugger.chain.processTimeoutMs': 30000,
      },
    });
    const browser = await launchBrowser();
    const { page } = browser;
    const results = ensureResults();
    try {
      // Decode Token looks at the clipboard first; without the permission, the web workbench shows a clipboard error
      // instead of going on to the input box.
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await page.goto(server.workbenchUrl([['extensionDevelopmentPath', server.remoteUri(root)]]));
      await workbenchReady(page);

      await runCommand(page, 'Azure Auth: Decode Token');
      await answerInputBox(page, `Bearer ${JWT}`);

      const view = inspector(page);
      const aud = view.locator('#claims tr[data-claim="aud"] .value');
      await aud.waitFor({ timeout: 30000 });
      assert.equal(await aud.textContent(), 'https://management.azure.com');
      assert.equal(await view.locator('#claims tr[data-claim="name"] .value').textContent(), HOSTILE);
      assert.equal(
        await view.locator('#claims tr[data-claim="name"] img').count(),
        0,
        'the hostile claim did not become markup',
      );
      assert.notEqual(await page.title(), 'xss');

      // The countdown changes by itself.
      const countdown = view.locator('#countdown');
      const first = await countdown.textContent();
      assert.match(first, /left$/);
      let second = first;
      for (let i = 0; i < 40 && second === first; i++) {
        await page.waitForTimeout(250);
        second = await countdown.textContent();
      }
      assert.notEqual(second, first, 'the countdown did not change');
      await page.screenshot({ path: path.join(results, 'inspector-claims.png') });

      // Masked until Reveal.
      const rawEl = view.locator('#raw-token');
      assert.equal(await rawEl.getAttribute('data-masked'), 'true');
      assert.ok(!(await rawEl.textContent()).includes(JWT.split('.')[1]));
      await view.locator('#reveal').click();
      await view.locator('#raw-token[data-masked="false"]').waitFor({ timeout: 15000 });
      assert.equal(await view.locator('#raw-token').textContent(), JWT);
      await view.locator('#reveal').click();
      await view.locator('#raw-token[data-masked="true"]').waitFor();

      // A failure shows the AADSTS explanation.
      await runCommand(page, 'Azure Auth: Explain Error');
      await answerInputBox(
        page,
        "AADSTS700016: Application with identifier '11111111-2222-3333-4444-555555555555' was not found in the directory 'contoso'.",
      );
      const article = view.locator('#aadsts-explanation article[data-code="700016"]');
      await article.waitFor({ timeout: 30000 });
      assert.ok((await article.locator('.meaning').textContent()).length > 0);
      assert.equal(await view.locator('#docs-700016').count(), 1);
      await page.screenshot({ path: path.join(results, 'inspector-aadsts.png') });

      // A chain run appears as a waterfall with one row per credential and its outcome.
      await runCommand(page, 'Azure Auth: Run Credential Chain');
      const steps = view.locator('#timeline li[data-step]');
      await steps.first().waitFor({ timeout: 60000 });
      const rows = await steps.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-outcome')]),
      );
      // The Go profile's "dev" chain: az is installed but nobody is logged in to the empty folder; azd is not installed.
      assert.deepEqual(rows, [
        ['AzureCLICredential', 'unavailable'],
        ['AzureDeveloperCLICredential', 'unavailable'],
      ]);
      assert.equal(await view.locator('#timeline .bar').count(), rows.length);
      await view.locator('#timeline-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(results, 'inspector-timeline.png') });

      // Reload the window: without the serializer VS Code would drop the tab; with it the panel comes back and renders.
      // The session's tokens are gone after a reload, so the restored panel says what to do.
      await runCommand(page, 'Developer: Reload Window');
      await workbenchReady(page);
      const restored = inspector(page);
      await restored.locator('#empty').waitFor({ timeout: 60000 });
      assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Token Inspector' }).count(), 1);
    } catch (e) {
      await page.screenshot({ path: path.join(results, 'inspector-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      await server.stop();
      rmSync(azConfig, { recursive: true, force: true });
    }
  },
);

test(
  'Token Inspector in code-server against the sandbox: the winner of a chain run and its token',
  { skip, timeout: 240000 },
  async () => {
    const server = await startCodeServer();
    const browser = await launchBrowser();
    const { page } = browser;
    const results = ensureResults();
    try {
      await page.goto(server.workbenchUrl([['extensionDevelopmentPath', server.remoteUri(root)]]));
      await workbenchReady(page);
      await runCommand(page, 'Azure Auth: Start Sandbox Tenant');
      await page
        .locator('.notifications-toasts', { hasText: /sandbox/i })
        .first()
        .waitFor({ timeout: 60000 });
      await runCommand(page, 'Azure Auth: Run Credential Chain');
      const view = inspector(page);
      const winner = view.locator('#timeline li[data-winner="true"]');
      await winner.waitFor({ timeout: 60000 });
      const name = await winner.getAttribute('data-step');
      assert.equal(await winner.getAttribute('data-outcome'), 'success');
      assert.equal(await view.locator('#timeline').getAttribute('data-winner'), name);
      assert.equal(await winner.locator('.winner-mark').count(), 1);
      // The winner's token is in the list and detailed, with a countdown and claims.
      await view.locator('#claims tr[data-claim="aud"]').waitFor({ timeout: 30000 });
      assert.match(await view.locator('#countdown').textContent(), /left$/);
      assert.equal(await view.locator('#token-detail #token-summary dd').first().textContent(), name);
      await runCommand(page, 'Notifications: Clear All Notifications');
      await page.screenshot({ path: path.join(results, 'inspector-token.png') });
      await view.locator('#timeline-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(results, 'inspector-winner.png') });
    } catch (e) {
      await page.screenshot({ path: path.join(results, 'inspector-winner-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      await server.stop();
    }
  },
);
