#!/usr/bin/env node
// `npm run build:sea`: dist/azauth-linux-<arch>, the CLI as a single executable (Node's single-executable application
// support): this machine's own node binary (stripped of debug symbols when `strip` is there) with the bundled CLI
// injected by postject. Runs where no Node is installed (distroless, .NET, Go, Python images with glibc). Only the
// host's architecture: another one would need that architecture's node binary, which is not downloaded here.
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const stage = 'dist/azauth';
const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
if (process.platform !== 'linux' || !arch) {
  console.error(
    `[build:sea] builds Linux executables on Linux x64/arm64 (this is ${process.platform}/${process.arch})`,
  );
  process.exit(1);
}
const out = `dist/azauth-linux-${arch}`;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[build:sea] ${path.basename(cmd)} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

run(process.execPath, ['esbuild.mjs', '--only=azauth']);
const config = `${stage}/sea-config.json`;
const blob = `${stage}/sea.blob`;
// useCodeCache: V8 compiles the bundle at build time, so a cold start does not parse 2 MB of JavaScript.
writeFileSync(
  config,
  JSON.stringify({ main: `${stage}/azauth.js`, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }),
);
run(process.execPath, ['--experimental-sea-config', config]);

rmSync(out, { force: true });
copyFileSync(process.execPath, out);
if (spawnSync('strip', ['--version'], { stdio: 'ignore' }).status === 0) run('strip', [out]);
run(process.execPath, [
  path.join('node_modules', 'postject', 'dist', 'cli.js'),
  out,
  'NODE_SEA_BLOB',
  blob,
  '--sentinel-fuse',
  'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
]);
rmSync(blob, { force: true });
rmSync(config, { force: true });

const v = spawnSync(path.resolve(out), ['--version'], { encoding: 'utf8', env: {} });
if (v.status !== 0) {
  console.error(`[build:sea] ${out} --version failed: ${v.stderr}`);
  process.exit(1);
}
console.log(`[build:sea] ${out} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MB, azauth ${v.stdout.trim()})`);
