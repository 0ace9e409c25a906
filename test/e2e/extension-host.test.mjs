// node:test wrapper: runs the integration suite (test/suite, built into out/suite) inside the VS Code extension host
// of code-server, and fails when any in-host test fails. Prints the in-host mocha report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fixtureVsix, haveToolchain, root, runExtensionTests } from './harness.mjs';

const suite = path.join(root, 'out/suite/index.js');
// The debug types of the debug-session tests that code-server has no debugger for: 'debugpy' (a stand-in for the
// Python Debugger extension) and 'go' (a stand-in for the Go extension, with Debian's delve).
const adapters = ['debugpy-adapter', 'delve-adapter'].map((name) => path.join(root, 'test/e2e/fixtures', name));

test(
  'integration suite inside the VS Code extension host (code-server)',
  { skip: !haveToolchain() && 'code-server/Chromium missing', timeout: 600000 },
  async () => {
    assert.ok(
      existsSync(suite),
      'out/suite/index.js is missing: run `node esbuild.mjs` (the dev build includes the suite)',
    );
    assert.ok(existsSync(path.join(root, 'dist/extension.js')), 'dist/extension.js is missing: run `node esbuild.mjs`');
    const packed = adapters.map(fixtureVsix);
    const { code, log } = await runExtensionTests({
      vsix: packed.map((p) => p.file),
      onLog: (l) => process.stdout.write(`  │ ${l.replace(/\n/g, '\n  │ ')}\n`),
    }).finally(() => packed.forEach((p) => p.remove()));
    const summary = /extension-host: (\d+) passed, (\d+) failed/.exec(log);
    assert.ok(summary, `no summary line from the extension host:\n${log.slice(-4000)}`);
    assert.equal(Number(summary[2]), 0, 'in-host failures (see above)');
    assert.ok(Number(summary[1]) > 0, 'no in-host tests ran');
    assert.equal(code, 0, 'extension host reported a non-zero exit code');
  },
);
