/**
 * The same integration suite (test/suite, built into out/suite by `node esbuild.mjs`) under @vscode/test-electron,
 * for machines that can download VS Code (desktop CI, a developer's laptop). Not run on this project's CI, which uses
 * code-server through test/e2e/extension-host.test.mjs instead.
 *
 *   node esbuild.mjs && npx tsx test/runTest.ts
 */
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const workspace = mkdtempSync(path.join(tmpdir(), 'azauth-ws-'));
  try {
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'suite', 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error('Integration tests failed:', e);
  process.exit(1);
});
