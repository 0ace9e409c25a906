// Load cost of the activation bundle (dist/extension.js) as a ratio to an empty bundle of the same kind, each
// loaded in a fresh Node process. The `vscode` module is not available outside VS Code, so the runner resolves it
// to an empty object for the LOAD only (activate() is measured inside the real VS Code by the integration suite,
// which writes test-results/activation.json).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './latency.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'azauth-act-'));
const empty = path.join(dir, 'empty.js');
writeFileSync(empty, '"use strict";var e={};module.exports={activate(){},deactivate(){}};');
const loader = path.join(dir, 'load.js');
writeFileSync(
  loader,
  `const Module=require('module');const orig=Module._load;Module._load=function(r,...a){if(r==='vscode')return {};return orig.call(this,r,...a)};
const t0=process.hrtime.bigint();require(process.argv[2]);const t1=process.hrtime.bigint();process.stdout.write(String(Number(t1-t0)/1e6));`,
);
const time = (file) => Number(spawnSync(process.execPath, [loader, file], { encoding: 'utf8' }).stdout);
const ext = [];
const base = [];
for (let i = 0; i < 15; i++) {
  base.push(time(empty));
  ext.push(time(path.join(root, 'dist/extension.js')));
}
rmSync(dir, { recursive: true, force: true });
const out = { extensionMs: median(ext), emptyMs: median(base), ratio: median(ext) / median(base) };
const reported = path.join(root, 'test-results/activation.json');
if (existsSync(reported)) out.vscodeReported = JSON.parse(readFileSync(reported, 'utf8')).activateMs;
console.log(`  dist/extension.js ${out.extensionMs.toFixed(2)} ms vs empty ${out.emptyMs.toFixed(2)} ms (×${out.ratio.toFixed(2)})`);
process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\n');
