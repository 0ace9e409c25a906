// One build script, one esbuild context per target: the extension (activation bundle), the engine (loaded lazily
// by the extension), the azauth CLI, the extension-host test suite and the Token Inspector webview.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : undefined;
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
/** `azauth --version` says the package's version, whichever bundle it runs from. */
const cliVersion = { 'process.env.AZAUTH_VERSION': JSON.stringify(version) };

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = {
  extension: {
    ...node,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode', './engine.js', './sandbox.js'],
  },
  engine: {
    ...node,
    entryPoints: { engine: 'src/core/index.ts' },
    outdir: 'dist',
  },
  // The extension's Start Sandbox command loads dist/sandbox.js lazily, as it loads the engine.
  sandbox: {
    ...node,
    entryPoints: { sandbox: 'src/sandbox/index.ts' },
    outdir: 'dist',
  },
  cli: {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    define: cliVersion,
  },
  // The CLI on its own for the npm package and the single executable (scripts/pack-cli.mjs, scripts/build-sea.mjs):
  // every dependency inside, minified, no source map. Built only when named (--only=azauth).
  azauth: {
    ...node,
    minify: true,
    sourcemap: false,
    entryPoints: { azauth: 'src/cli/main.ts' },
    outdir: 'dist/azauth',
    banner: { js: '#!/usr/bin/env node' },
    define: cliVersion,
  },
  suite: {
    ...node,
    minify: false,
    sourcemap: true,
    entryPoints: ['test/suite/*.ts'],
    outdir: 'out/suite',
    // Host modules imported by a suite (e.g. the logger) may name the lazily loaded bundles; suites never load them.
    external: ['vscode', 'mocha', './engine.js', './sandbox.js'],
  },
  webview: {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    legalComments: 'none',
    entryPoints: { main: 'webview-ui/src/main.ts' },
    outdir: 'dist/webview',
  },
};

function copyAssets() {
  mkdirSync('dist/webview', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);
  }
}

const names = Object.keys(targets)
  .filter((n) => (only ? only.includes(n) : n !== 'azauth'))
  .filter((n) => !(production && n === 'suite'));
if (!only) rmSync('dist', { recursive: true, force: true });
copyAssets();
const contexts = await Promise.all(names.map((n) => esbuild.context(targets[n])));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`[esbuild] watching ${names.join(', ')}`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
