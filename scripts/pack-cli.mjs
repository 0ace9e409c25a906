#!/usr/bin/env node
// `npm run pack:cli`: dist/azauth-<version>.tgz, an npm package whose only file of code is the bundled CLI
// (dist/azauth/azauth.js: msal-node, jose, node-forge and the sandbox inside, no runtime dependencies), so it installs
// offline from the file (`npm install -g ./azauth-<version>.tgz`, or `npx --package ./azauth-<version>.tgz azauth`).
// The extension's .vsix is untouched.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const stage = 'dist/azauth';

const build = spawnSync(process.execPath, ['esbuild.mjs', '--only=azauth'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
chmodSync(`${stage}/azauth.js`, 0o755);

writeFileSync(
  `${stage}/package.json`,
  JSON.stringify(
    {
      name: 'azauth',
      version: pkg.version,
      description:
        'azauth: why DefaultAzureCredential fails, where it runs — the Azure Auth Debugger CLI (no runtime dependencies)',
      license: pkg.license,
      keywords: ['azure', 'entra', 'DefaultAzureCredential', 'managed identity', 'workload identity', 'AADSTS', 'jwt'],
      bin: { azauth: 'azauth.js' },
      files: ['azauth.js', 'README.md', 'LICENSE'],
      engines: { node: '>=20' },
    },
    null,
    2,
  ) + '\n',
);
copyFileSync('LICENSE', `${stage}/LICENSE`);
writeFileSync(
  `${stage}/README.md`,
  `# azauth ${pkg.version}

The Azure Auth Debugger on the command line: which hosting environment this is and what each credential of
DefaultAzureCredential will do here (\`azauth where\`), the chain run with a redacted trace (\`azauth chain\`), one
credential (\`azauth token\`), token decoding and validation, AADSTS explanations, and a local sandbox tenant.
\`--pid PID\` looks at another process's identity (its environment and files) from beside it.

    npm install -g ./azauth-${pkg.version}.tgz      # or: npx --package ./azauth-${pkg.version}.tgz azauth where
    azauth --help

One bundled file, no dependencies; Node.js 20 or later. For machines without Node, build the single executable
(\`npm run build:sea\` in the repository).
`,
);

// --offline and no update check: packing a folder needs no registry, so nothing is asked of one.
const r = spawnSync('npm', ['pack', '--offline', '--pack-destination', '..', '--loglevel=warn'], {
  cwd: stage,
  encoding: 'utf8',
  env: { ...process.env, npm_config_update_notifier: 'false' },
});
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
const tgz = `dist/${r.stdout.trim().split('\n').pop()}`;
console.log(`[pack:cli] ${tgz}`);
