// Harness for tests in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by Debian's Chromium through
// playwright-core. Follows ../shared/reference/vscode-e2e-recipe.md: code-server with EXTENSIONS_GALLERY='{}', private
// XDG and TMPDIR folders, stopped by process group; extension-host tests through the workbench URL's ?payload=.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER = path.join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS = path.join(root, 'test-results');
const XDG = path.join(root, '.vscode-test/xdg');

export function haveToolchain() {
  return existsSync(CODE_SERVER) && existsSync(CHROMIUM);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function xdgEnv() {
  return {
    XDG_CONFIG_HOME: path.join(XDG, 'config'),
    XDG_DATA_HOME: path.join(XDG, 'data'),
    XDG_CACHE_HOME: path.join(XDG, 'cache'),
  };
}

/**
 * Starts code-server on a free loopback port with a fresh user-data, extensions and workspace folder.
 * Options: vsix (a .vsix or a list of them, installed first), workspaceSettings (written to .vscode/settings.json), userSettings, files
 * ({ relPath: text } put in the workspace), env (extra environment for the server and so the extension host).
 */
export async function startCodeServer(opts = {}) {
  if (!haveToolchain()) throw new Error('code-server or Chromium missing: run scripts/install-deps.sh');
  const run = mkdtempSync(path.join(tmpdir(), 'azcs-'));
  const dirs = {
    run,
    userData: path.join(run, 'user-data'),
    extensions: path.join(run, 'extensions'),
    workspace: path.join(run, 'workspace'),
    tmp: path.join(run, 't'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'git.openRepositoryInParentFolders': 'never',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'workbench.tips.enabled': false,
      ...(opts.userSettings ?? {}),
    }),
  );
  writeFileSync(path.join(dirs.workspace, 'hello.txt'), 'hello\n');
  for (const [rel, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(path.dirname(path.join(dirs.workspace, rel)), { recursive: true });
    writeFileSync(path.join(dirs.workspace, rel), text);
  }
  if (opts.workspaceSettings) {
    mkdirSync(path.join(dirs.workspace, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(dirs.workspace, '.vscode', 'settings.json'),
      JSON.stringify(opts.workspaceSettings, null, 2),
    );
  }
  const env = { ...process.env, ...xdgEnv(), EXTENSIONS_GALLERY: '{}', TMPDIR: dirs.tmp, ...(opts.env ?? {}) };
  delete env.VSCODE_IPC_HOOK_CLI;
  const vsixes = [opts.vsix ?? []].flat();
  if (vsixes.length) {
    const r = spawnSync(
      process.execPath,
      [
        CODE_SERVER,
        ...vsixes.flatMap((v) => ['--install-extension', v]),
        '--force',
        '--extensions-dir',
        dirs.extensions,
        '--user-data-dir',
        dirs.userData,
      ],
      { env, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`installing ${vsixes.join(', ')} failed: ${r.stdout}\n${r.stderr}`);
  }
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      dirs.workspace,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${output}`)), 30000);
    const check = () => {
      if (/HTTP server listening/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    ...dirs,
    output: () => output,
    /** Workbench URL for the workspace (with an optional payload). */
    workbenchUrl(payload) {
      let u = `${url}/?folder=${encodeURIComponent(dirs.workspace)}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    remoteUri(absPath) {
      return `vscode-remote://127.0.0.1:${port}${absPath}`;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, 5000);
        await exited;
        clearTimeout(t);
      }
      if (!process.env.AZAUTH_KEEP_E2E) rmSync(run, { recursive: true, force: true });
    },
  };
}

/** Chromium with a fresh profile (launchPersistentContext, as the recipe requires). */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(tmpdir(), 'azchr-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: { ...process.env, ...xdgEnv() },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the mocha suite inside the extension host (extensionDevelopmentPath + extensionTestsPath through ?payload=).
 * With `vsix`, that package (or those) is installed first (it then runs as an installed extension, in
 * ExtensionMode.Production).
 * Resolves with { code, log } when the runner's promise settles (code 0 = all passed).
 */
export async function runExtensionTests({
  extensionDevelopmentPath = root,
  extensionTestsPath = path.join(root, 'out/suite/index.js'),
  timeoutMs = 300000,
  env,
  workspaceSettings,
  files,
  vsix,
  onLog,
} = {}) {
  const server = await startCodeServer({ env, workspaceSettings, files, vsix });
  const browser = await launchBrowser();
  const lines = [];
  try {
    const done = new Promise((resolve) => {
      void browser.page.exposeFunction('codeAutomationLog', (type, args) => {
        const line = format(...(Array.isArray(args) ? args : [args]));
        lines.push(line);
        onLog?.(line);
      });
      void browser.page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    await new Promise((r) => setTimeout(r, 50));
    await browser.page.goto(
      server.workbenchUrl([
        ['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)],
        ['extensionTestsPath', server.remoteUri(extensionTestsPath)],
      ]),
    );
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(-1), timeoutMs)));
    const code = await Promise.race([done, timeout]);
    clearTimeout(timer);
    if (code === -1) lines.push(`(timed out after ${timeoutMs} ms)\n${server.output()}`);
    return { code, log: lines.join('\n') };
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * A fixture extension (a folder under test/e2e/fixtures) packaged as a .vsix in a scratch folder, for `vsix`: installed,
 * it runs beside the development extension (the web workbench's payload carries only one extensionDevelopmentPath).
 * Returns the file and a function that removes it.
 */
export function fixtureVsix(dir) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'azvsix-'));
  const file = path.join(scratch, `${path.basename(dir)}.vsix`);
  const vsce = path.join(root, 'node_modules/.bin/vsce');
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', file];
  const r = spawnSync(vsce, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packaging ${dir} failed: ${r.stdout}\n${r.stderr}`);
  return { file, remove: () => rmSync(scratch, { recursive: true, force: true }) };
}

/** The packaged extension (dist/azure-auth-debugger.vsix), built with `npm run package` when it is missing. */
export const VSIX = path.join(root, 'dist', 'azure-auth-debugger.vsix');
export function packagedVsix() {
  if (!existsSync(VSIX)) {
    const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  return VSIX;
}

export function ensureResults() {
  mkdirSync(RESULTS, { recursive: true });
  return RESULTS;
}

/**
 * Runs a command from the palette as a person would (F1, type, Enter). Every step has a short limit and the whole
 * sequence is retried: under load the extension's contributions can appear late, and a toast or a closing quick
 * pick can take the focus (and so the palette) away between F1 and typing.
 */
export async function runPaletteCommand(page, command, { pick = command, attempts = 5, onGiveUp } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${command}`, { timeout: 5000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first().waitFor({ timeout: 10000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt >= attempts) {
        await onGiveUp?.();
        throw e;
      }
      await page.waitForTimeout(500 * attempt);
    }
  }
}
