// UI end to end, as a person would: install the packaged .vsix into code-server, start the sandbox tenant from the
// command palette, run "Azure Auth: Acquire Token…" with the default chain and a scope, and check the Token Inspector
// (decoded claims, live countdown), the Credential Chain tree, the status bar and the output channel; then a failing
// configuration (tenant and client id in the workspace settings, a wrong AZURE_CLIENT_SECRET typed into the password box
// of "Set Chain Environment Secret…", kept in SecretStorage and never in settings) shows the AADSTS explanation.
// Screenshots go to test-results/ui-*.png (the README uses copies in media/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  ensureResults,
  haveToolchain,
  launchBrowser,
  packagedVsix,
  runPaletteCommand,
  startCodeServer,
} from './harness.mjs';

const skip = !haveToolchain() && 'code-server/Chromium missing';
let server;
let browser;
let page;
let results;

async function shot(name) {
  await page.screenshot({ path: path.join(results, `ui-${name}.png`) });
}

function palette(command, pick = command) {
  return runPaletteCommand(page, command, { pick, onGiveUp: () => shot(`palette-${command.replace(/\W+/g, '-')}`) });
}

/** Picks an item in the open quick pick by its visible text. */
async function choose(text) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}

function inspector() {
  return page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
}

async function outputText(needle, timeout = 20000) {
  const loc = page.locator('.part.panel .monaco-editor .view-lines', { hasText: needle }).first();
  try {
    await loc.waitFor({ timeout });
  } catch {
    // The recipe's fallback: open the channel the way a user would.
    await palette('Output: Show Output Channels', 'Output: Show Output Channels');
    await choose('Azure Auth Debugger');
    await loc.waitFor({ timeout });
  }
  return (await loc.innerText()).replace(/\u00a0/g, ' ');
}

before(async () => {
  if (skip) return;
  results = ensureResults();
  server = await startCodeServer({
    vsix: packagedVsix(),
    workspaceSettings: { 'azureAuthDebugger.chain.processTimeoutMs': 20000 },
    files: { 'notes/token.txt': 'Paste tokens here.\n' },
    // The chain must see a clean environment: no AZURE_* from the developer's shell.
    env: Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => /^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(k))
        .map((k) => [k, '']),
    ),
  });
  browser = await launchBrowser();
  page = browser.page;
  await page.goto(server.workbenchUrl());
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.txt' }).waitFor({ timeout: 60000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test(
  'Acquire Token… with the default chain against the sandbox: inspector, tree, status bar and log',
  { skip, timeout: 240000 },
  async () => {
    await palette('Azure Auth: Start Sandbox Tenant');
    // Generating the sandbox's keys takes a few seconds; the command says when it is ready.
    await page
      .locator('.notifications-toasts', { hasText: 'sandbox tenant running at' })
      .first()
      .waitFor({ timeout: 90000 })
      .catch(async (e) => {
        await shot('sandbox-failed');
        throw e;
      });

    await palette('Azure Auth: Acquire Token…', 'Acquire Token');
    await choose('Default credential chain');
    await choose('Azure Resource Manager');

    // Token Inspector: decoded claims and a live countdown.
    const frame = inspector();
    await frame.locator('#token-title').waitFor({ timeout: 60000 });
    assert.equal((await frame.locator('#token-title').innerText()).trim(), 'ARM token');
    const claims = await frame.locator('table.claims').last().innerText();
    assert.match(claims, /aud/);
    assert.match(claims, /https:\/\/management\.azure\.com/);
    assert.match(claims, /xms_mirid|oid/);
    const c1 = await frame.locator('#countdown').innerText();
    await page.waitForTimeout(2200);
    const c2 = await frame.locator('#countdown').innerText();
    assert.match(c1, /\d/);
    assert.notEqual(c1, c2, 'the countdown ticks');
    await shot('inspector');

    // Status bar: "ARM token · 59m".
    const status = page.locator('.statusbar-item', { hasText: 'ARM token' }).first();
    await status.waitFor({ timeout: 10000 });
    assert.match((await status.innerText()).trim(), /ARM token · (\d+m|\d+h \d\dm)/);

    // Tree: each credential's outcome.
    await page.locator('.activitybar [aria-label^="Azure Auth Debugger"]').first().click();
    const rows = page.locator('.pane .monaco-list-row');
    await page
      .locator('.pane .monaco-list-row', { hasText: 'ManagedIdentityCredential' })
      .first()
      .waitFor({ timeout: 10000 });
    const tree = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.ok(
      tree.some((t) => /EnvironmentCredential.*unavailable/.test(t)),
      tree.join(' | '),
    );
    assert.ok(
      tree.some((t) => /ManagedIdentityCredential.*success/.test(t)),
      tree.join(' | '),
    );
    assert.ok(
      tree.some((t) => /ARM token.*left/.test(t)),
      'Tokens view lists the token',
    );
    await shot('tree');

    // Output channel: the trace.
    await palette('Azure Auth: Show Log', 'Show Log');
    const out = await outputText('ManagedIdentityCredential: success');
    assert.match(out, /\[info\] \[managedIdentity\] ManagedIdentityCredential: success in \d+ ms/);
    await shot('workbench');
  },
);

test('a failing configuration shows the AADSTS explanation', { skip, timeout: 180000 }, async () => {
  // Tenant and client id in the workspace's chain environment (no secret there: settings are plain text) ...
  const settingsFile = path.join(server.workspace, '.vscode', 'settings.json');
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  writeFileSync(
    settingsFile,
    JSON.stringify({
      'azureAuthDebugger.chain.processTimeoutMs': 20000,
      'azureAuthDebugger.chain.environment': {
        AZURE_TENANT_ID: '5b0f1a2c-3d4e-4f60-8a7b-9c0d1e2f3a4b',
        AZURE_CLIENT_ID: 'c0ffee00-0000-4000-8000-000000000001',
      },
    }),
  );
  await page.waitForTimeout(1500); // the configuration service picks the file change up
  // ... and a wrong client secret typed into the password box of "Set Chain Environment Secret…" (SecretStorage).
  await palette('Azure Auth: Set Chain Environment Secret…', 'Set Chain Environment Secret');
  await choose('AZURE_CLIENT_SECRET');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  assert.equal(await input.getAttribute('type'), 'password', 'the value is asked in a password box');
  await input.fill('not-the-secret');
  await page.keyboard.press('Enter');
  await page
    .locator('.notifications-toasts', { hasText: 'AZURE_CLIENT_SECRET is stored in SecretStorage' })
    .first()
    .waitFor({ timeout: 20000 });
  assert.ok(!readFileSync(settingsFile, 'utf8').includes('not-the-secret'), 'the secret is not in settings.json');

  // EnvironmentCredential fails and stops the chain.
  await palette('Azure Auth: Run Credential Chain', 'Run Credential Chain');
  const row = page.locator('.pane .monaco-list-row', { hasText: 'AADSTS7000215' }).first();
  await row.waitFor({ timeout: 60000 }).catch(async (e) => {
    await shot('failure-missing');
    throw e;
  });
  await page.locator('.pane .monaco-list-row', { hasText: 'from SecretStorage' }).first().waitFor({ timeout: 10000 });
  const frame = inspector();
  const explanation = frame.locator('[data-code="7000215"]').first();
  await explanation.waitFor({ timeout: 30000 });
  assert.match(await explanation.innerText(), /AADSTS7000215/);
  await shot('failure');
});
