// One build script, one esbuild context per target: the extension (activation bundle), the engine (loaded lazily
// by the extension), the azauth CLI, the extension-host test suite and the Token Inspector webview.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

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

/**
 * `azauth run` starts before the user's program, so its start-up is paid on every traced run: dist/cli.js holds only
 * the dispatcher and `run` (the app-trace readers, redaction, terminal-safe text). Every other command and the AADSTS
 * catalog are in dist/cli-commands.js, loaded the first time one is imported; dist/cli-io.js is the one copy of the
 * output layer both load (its colour markers carry a per-process nonce, so two copies would not understand each
 * other). The single-file CLI (dist/azauth: the npm package and the single executable) stays one bundle.
 */
const LAZY_CLI_MODULES = Object.fromEntries([
  ...readdirSync('src/cli/commands')
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => [path.resolve('src/cli/commands', f), `command:${f.slice(0, -3)}`]),
  [path.resolve('src/core/errors/index.ts'), 'errors'],
]);
const CLI_IO = path.resolve('src/cli/io.ts');

/** Resolves a relative import of a TypeScript source the way the bundler will (file.ts or folder/index.ts). */
function sourceFile(args) {
  const target = path.resolve(args.resolveDir, args.path);
  for (const candidate of [target, `${target}.ts`, path.join(target, 'index.ts')])
    if (candidate.endsWith('.ts') && (candidate === CLI_IO || LAZY_CLI_MODULES[candidate])) return candidate;
  return undefined;
}

/** @param {{ lazy: boolean }} o @returns {import('esbuild').Plugin} */
function cliSplit({ lazy }) {
  return {
    name: 'cli-split',
    setup(build) {
      build.onResolve({ filter: /^\.\/cli-(io|commands)\.js$/ }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const file = sourceFile(args);
        if (file === CLI_IO) return { path: './cli-io.js', external: true };
        if (lazy && file && args.kind === 'dynamic-import')
          return { path: LAZY_CLI_MODULES[file], namespace: 'cli-lazy' };
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'cli-lazy' }, (args) => ({
        contents: `module.exports = require('./cli-commands.js')[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

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
    entryPoints: { cli: 'src/cli/main.ts', 'run-collector': 'src/cli/run-collector.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    define: cliVersion,
    plugins: [cliSplit({ lazy: true })],
  },
  'cli-commands': {
    ...node,
    stdin: {
      contents: `module.exports = {\n${Object.entries(LAZY_CLI_MODULES)
        .map(([file, key]) => `  get ${JSON.stringify(key)}() { return require(${JSON.stringify(file)}); },`)
        .join('\n')}\n};\n`,
      resolveDir: '.',
      sourcefile: 'cli-commands.js',
      loader: 'js',
    },
    outfile: 'dist/cli-commands.js',
    define: cliVersion,
    plugins: [cliSplit({ lazy: false })],
  },
  'cli-io': {
    ...node,
    entryPoints: { 'cli-io': 'src/cli/io.ts' },
    outdir: 'dist',
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

/**
 * The hooks `bin/azauth run` points a program at before any Node process is up (src/core/apptrace/installed-hooks.ts),
 * written beside the CLI bundle in `outdir` from the same texts the engine uses.
 */
async function writeHooks(outdir) {
  const built = await esbuild.build({
    ...node,
    sourcemap: false,
    write: false,
    entryPoints: ['src/core/apptrace/installed-hooks.ts'],
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', built.outputFiles[0].text)(
    mod,
    mod.exports,
    createRequire(import.meta.url),
  );
  mod.exports.installHooks(outdir);
}

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
if (names.includes('cli')) await writeHooks(targets.cli.outdir);
