#!/usr/bin/env node
// See the extension without installing it: starts a browser-hosted VS Code (code-server 4.100.3 from
// scripts/install-deps.sh) on loopback with the packaged .vsix installed and the sandbox tenant started by the
// extension itself (the workspace setting azureAuthDebugger.sandbox.startOnActivation), then prints the URL to open.
// Ctrl+C stops everything.
//
//   node scripts/vscode-demo.mjs [--port 8080]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : undefined;

const harness = await import(path.join(root, 'test/e2e/harness.mjs'));
if (!existsSync(harness.CODE_SERVER)) {
  console.log('[vscode] code-server is not installed yet: running scripts/install-deps.sh (needs the npm registry)…');
  const r = spawnSync('bash', ['scripts/install-deps.sh'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const vsix = path.join(root, 'dist/azure-auth-debugger.vsix');
if (!existsSync(vsix)) {
  console.log('[vscode] packaging the extension (npm run package)…');
  const r = spawnSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const server = await harness.startCodeServer({
  vsix,
  port,
  workspaceSettings: { 'azureAuthDebugger.sandbox.startOnActivation': true },
  files: {
    'README-first.md':
      '# Azure Auth Debugger demo\n\nThe sandbox tenant started with the extension (the **Azure Auth Debugger** output channel says where it runs).\n\n' +
      '1. Open the command palette (F1) and run **Azure Auth: Acquire Token…**.\n2. Pick **Default credential chain**, then **Azure Resource Manager**.\n' +
      '3. The Token Inspector opens; the Credential Chain view shows each credential; the output channel shows the trace.\n\n' +
      'Hover over this sample error code: AADSTS7000215\n',
  },
});
console.log(
  `\nAzure Auth Debugger in VS Code (browser-hosted, sandbox tenant running):\n\n    ${server.workbenchUrl()}\n\nOpen it in your browser. Ctrl+C stops it.`,
);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
