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
  // An inert stand-in that absorbs any top-level use (new vscode.ThemeColor(...), enums, …): only the module's own
  // parse/compile/evaluate cost is timed; nothing is activated.
  `const Module=require('module');const orig=Module._load;const inert=new Proxy(function(){},{get:(t,k)=>k===Symbol.toPrimitive?()=>'':inert,apply:()=>inert,construct:()=>inert});
const names=new Set(require('fs').readFileSync(process.argv[2],'utf8').match(/[A-Za-z_$][\\w$]*/g));const api={};for(const n of names)api[n]=inert;
Module._load=function(r,...a){if(r==='vscode')return api;return orig.call(this,r,...a)};
const t0=process.hrtime.bigint();let ok=true;try{require(process.argv[2]);}catch(e){ok=false;process.stderr.write(String(e&&e.stack||e));}const t1=process.hrtime.bigint();process.stdout.write(ok?String(Number(t1-t0)/1e6):'NaN');`,
);
const time = (file) => {
  const r = spawnSync(process.execPath, [loader, file], { encoding: 'utf8' });
  const ms = Number(r.stdout);
  if (!Number.isFinite(ms)) throw new Error(`loading ${file} failed: ${r.stderr.slice(0, 500)}`);
  return ms;
};
const ext = [];
const base = [];
try {
  for (let i = 0; i < 15; i++) {
    base.push(time(empty));
    ext.push(time(path.join(root, 'dist/extension.js')));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const out = { extensionMs: median(ext), emptyMs: median(base), ratio: median(ext) / median(base) };
const reported = path.join(root, 'test-results/activation.json');
if (existsSync(reported)) out.vscodeReported = JSON.parse(readFileSync(reported, 'utf8')).activateMs;
console.log(
  `  dist/extension.js ${out.extensionMs.toFixed(2)} ms vs empty ${out.emptyMs.toFixed(2)} ms (×${out.ratio.toFixed(2)})`,
);
process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\n');
