/**
 * Activation and manifest: runs first (file order), before any command loads the engine.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, OUTPUT_CHANNEL_NAME, Views } from '../../src/extension/constants';
import { RESTRICTED_SETTINGS } from '../../src/extension/settings';
import { testApi } from '../../src/extension/testApi';
import { testRecorder } from '../../src/extension/testRecord';
import { api, extensionPath } from './helpers';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, unknown> };
    viewsWelcome: { view: string; contents: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
}

function manifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.json'), 'utf8')) as Manifest;
}

suite('activation and manifest', () => {
  test('activates without loading the engine (no msal-node, no catalogs)', async () => {
    const a = await api();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(a.engineLoaded(), false, 'activation loaded dist/engine.js');
    const loaded = Object.keys(require.cache).filter((k) => /[\\/]dist[\\/]engine\.js$|msal-node/.test(k));
    assert.deepEqual(loaded, [], `engine modules in require.cache after activation: ${loaded.join(', ')}`);
    assert.ok(
      a.logLines().some((l) => l.includes('[activate]') && l.includes('engine not loaded')),
      'activation line in the log',
    );
    // What VS Code's extension host spent in activate(), for `npm run bench` (a figure, not an assertion on speed).
    assert.ok(Number.isFinite(a.activationMs()) && a.activationMs() > 0);
    const results = path.join(extensionPath(), 'test-results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(
      path.join(results, 'activation.json'),
      JSON.stringify({ activateMs: a.activationMs(), vscode: vscode.version, at: new Date().toISOString() }) + '\n',
    );
  });

  test('the test API exists only in ExtensionMode.Test: Production and Development get nothing, and it is not even built', async () => {
    let built = 0;
    const build = () => ({ store: ++built });
    assert.equal(testApi(vscode.ExtensionMode.Production, build), undefined);
    assert.equal(testApi(vscode.ExtensionMode.Development, build), undefined);
    assert.equal(built, 0, 'the API object is not created outside test mode');
    assert.deepEqual(testApi(vscode.ExtensionMode.Test, build), { store: 1 });
    // This host runs the extension for its tests (extensionTestsPath), so here activate() did return it.
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(typeof (await ext?.activate()), 'object');
    assert.equal(typeof ext?.exports, 'object');
  });

  test('the test record keeps the last command error, device code and sign-in page only in ExtensionMode.Test', () => {
    const entry = {
      lastCommandError: 'Azure Auth: no token',
      lastBrowserUrl: 'https://127.0.0.1/authorize',
      lastEnvironmentWarning: 'ignored AZURE_CLIENT_SECRET',
      lastDeviceCode: {
        userCode: 'ABCD-EFGH',
        verificationUri: 'https://127.0.0.1/devicelogin',
        message: 'm',
        expiresOn: '2026-12-06T04:00:00Z',
      },
    };
    for (const mode of [vscode.ExtensionMode.Production, vscode.ExtensionMode.Development]) {
      const { record, recorded } = testRecorder(mode);
      record(entry);
      assert.deepEqual(recorded, {}, `mode ${mode} kept what only the tests read`);
    }
    const { record, recorded } = testRecorder(vscode.ExtensionMode.Test);
    record(entry);
    assert.deepEqual(recorded, entry);
  });

  test('every contributed command is registered, and every registered command is contributed', async () => {
    await api();
    const contributed = new Set(manifest().contributes.commands.map((c) => c.command));
    // VS Code adds <viewId>.focus / .open / … for each view: those are not ours to contribute.
    const viewCommand = (c: string) => Object.values(Views).some((v) => v !== Views.container && c.startsWith(`${v}.`));
    const registered = new Set(
      (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('azureAuthDebugger.') && !viewCommand(c)),
    );
    assert.deepEqual([...registered].sort(), [...contributed].sort());
    assert.deepEqual(
      Object.values(Commands).sort(),
      [...contributed].sort(),
      'typed ids (constants.ts) match package.json',
    );
  });

  test('commands are in the "Azure Auth" category with localized titles', () => {
    const nls = JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.nls.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.equal(nls.category, 'Azure Auth');
    for (const c of manifest().contributes.commands) {
      assert.equal(c.category, '%category%', c.command);
      const key = c.title.replace(/^%|%$/g, '');
      assert.ok(nls[key], `title for ${c.command}`);
    }
    assert.equal(nls['command.acquireToken'], 'Acquire Token…');
  });

  test('endpoint-redirecting settings are restricted in untrusted workspaces, and exist', () => {
    const m = manifest();
    assert.equal(m.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(
      [...m.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
      [...RESTRICTED_SETTINGS].sort(),
    );
    for (const k of RESTRICTED_SETTINGS) assert.ok(k in m.contributes.configuration.properties, k);
  });

  test('settings have their documented defaults', () => {
    const c = vscode.workspace.getConfiguration('azureAuthDebugger');
    assert.equal(c.get('chain.mode'), 'sequential');
    assert.equal(c.get('chain.profile'), 'go');
    assert.equal(c.get('defaultScope'), 'https://management.azure.com/.default');
    assert.equal(c.get('statusBar.enabled'), true);
    assert.equal(c.get('trace.httpBodies'), 'redacted');
  });

  test('welcome content links to commands that exist', () => {
    const ids = new Set(manifest().contributes.commands.map((c) => c.command));
    const nls = JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.nls.json'), 'utf8')) as Record<
      string,
      string
    >;
    for (const w of manifest().contributes.viewsWelcome) {
      const text = nls[w.contents.replace(/^%|%$/g, '')] ?? w.contents;
      const links = [...text.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(links.length > 0, `links in ${w.view}`);
      for (const l of links) assert.ok(ids.has(l ?? ''), `${l} in ${w.view}`);
    }
  });

  test("the sandbox's running state shows in the Credential Chain view: its own welcome (with Stop), and a tree item with Stop and Copy", () => {
    const m = manifest();
    const nls = JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.nls.json'), 'utf8')) as Record<
      string,
      string
    >;
    const running = m.contributes.viewsWelcome.find(
      (w) => w.view === Views.chain && (w as { when?: string }).when === 'azureAuthDebugger.sandboxRunning',
    );
    assert.ok(running, 'a welcome for the running sandbox');
    assert.match(
      nls[running.contents.replace(/^%|%$/g, '')] ?? '',
      /sandbox tenant is running[\s\S]*\(command:azureAuthDebugger\.stopSandbox\)/,
    );
    const items = m.contributes.menus['view/item/context'].filter((x) => /viewItem == sandbox/.test(x.when ?? ''));
    assert.deepEqual(items.map((x) => x.command).sort(), [Commands.copyItemText, Commands.stopSandbox].sort());
  });

  test('the trees are empty (welcome shown) and the status bar hidden before anything ran', async () => {
    const a = await api();
    assert.deepEqual(a.chainTreeItems(), []);
    assert.deepEqual(a.tokenTreeItems(), []);
    assert.equal(a.statusBarText(), '');
    assert.ok(OUTPUT_CHANNEL_NAME);
  });
});
