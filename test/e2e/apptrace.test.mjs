// End to end in code-server and Chromium, as a person would: with "Trace Azure authentication" on and a launch
// configuration asking for a managed-identity broker from the sandbox, "Debug: Start Debugging" runs a Node app that
// uses the real @azure/identity under the built-in JavaScript debugger; the chain run its SDK logged shows in the
// Token Inspector's waterfall, labelled "observed in your app: @azure/identity <release>", with ManagedIdentityCredential
// (answered by the broker) as the winner. Screenshot: test-results/inspector-observed.png (docs/images keeps a copy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureResults, haveToolchain, launchBrowser, root, runPaletteCommand, startCodeServer } from './harness.mjs';

const skip =
  (!haveToolchain() && 'code-server/Chromium missing') ||
  (!existsSync(path.join(root, 'dist/webview/main.js')) && 'dist/webview is not built (node esbuild.mjs)');

const release = JSON.parse(readFileSync(path.join(root, 'node_modules/@azure/identity/package.json'), 'utf8')).version;

test(
  'a debug session traced: the app’s own chain run in the Token Inspector, observed in the app, its broker the winner',
  { skip, timeout: 240000 },
  async () => {
    const launch = {
      version: '0.2.0',
      configurations: [
        {
          type: 'node',
          request: 'launch',
          name: 'Traced app',
          program: path.join(root, 'test/fixtures/apptrace/app.mjs'),
          azureAuthBroker: 'sandbox',
        },
      ],
    };
    const server = await startCodeServer({
      workspaceSettings: { 'azureAuthDebugger.appTrace.enabled': true },
      files: { '.vscode/launch.json': JSON.stringify(launch, null, 2) },
    });
    const browser = await launchBrowser();
    const { page } = browser;
    const results = ensureResults();
    try {
      await page.goto(server.workbenchUrl([['extensionDevelopmentPath', server.remoteUri(root)]]));
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.txt' })
        .waitFor({ timeout: 60000 });
      await page.locator('.activitybar [aria-label^="Azure Auth"]').first().waitFor({ timeout: 60000 });

      await runPaletteCommand(page, 'Azure Auth: Show Token Inspector');
      await runPaletteCommand(page, 'Debug: Select and Start Debugging');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Traced app' }).first().waitFor();
      await page.keyboard.press('Enter');
      const view = page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
      // Live while the app runs; complete (no "chain end not logged (yet)") once its SDK logged the winner. If the
      // debugger stops on entry (js-debug can, for an ES module it loads first), continue as a person would.
      const label = `observed in your app: @azure/identity ${release} · Traced app`;
      const observed = view.locator('#timeline-observed');
      for (let i = 0; ; i++) {
        const text = (await observed.textContent({ timeout: 2000 }).catch(() => '')) ?? '';
        if (text.trim() === label) break;
        assert.ok(i < 60, `the observed run did not show complete in the inspector (last: ${JSON.stringify(text)})`);
        if (await page.locator('.debug-call-stack .state', { hasText: /paused/i }).count())
          await page.keyboard.press('F5');
        await page.waitForTimeout(1000);
      }
      const winner = view.locator('#timeline li[data-winner="true"]');
      await winner.waitFor({ timeout: 30000 });
      assert.equal(await winner.getAttribute('data-step'), 'ManagedIdentityCredential');
      assert.equal(await winner.getAttribute('data-outcome'), 'success');
      await runPaletteCommand(page, 'Notifications: Clear All Notifications');
      await view.locator('#timeline-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(results, 'inspector-observed.png') });
    } catch (e) {
      await page.screenshot({ path: path.join(results, 'inspector-observed-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      await server.stop();
    }
  },
);
