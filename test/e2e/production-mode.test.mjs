// The extension as users get it: installed from its .vsix, so VS Code runs it in ExtensionMode.Production. Another
// extension that activates it must get nothing back (the test API, with the run store and its raw tokens, exists
// only in ExtensionMode.Test). A probe development extension runs in the same extension host and reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { haveToolchain, packagedVsix, root, runExtensionTests } from './harness.mjs';

const probe = path.join(root, 'test/e2e/fixtures/production-probe');

test(
  'installed from the .vsix (production mode), activate() and the commands hand nothing to other extensions',
  { skip: !haveToolchain() && 'code-server/Chromium missing', timeout: 300000 },
  async () => {
    const { code, log } = await runExtensionTests({
      vsix: packagedVsix(),
      extensionDevelopmentPath: probe,
      extensionTestsPath: path.join(probe, 'run.cjs'),
      timeoutMs: 120000,
    });
    const line = /production-probe: (\{.*\})/.exec(log);
    assert.ok(line, `no report from the probe:\n${log.slice(-4000)}`);
    const report = JSON.parse(line[1]);
    assert.equal(code, 0, log.slice(-4000));
    assert.ok(
      !report.extensionPath.startsWith(root),
      `the installed copy ran, not the development folder: ${report.extensionPath}`,
    );
    assert.equal(report.isActive, true);
    assert.ok(report.commands >= 15, `its commands are registered (${report.commands})`);
    assert.equal(report.activateReturned, 'undefined', 'activate() returned something in production mode');
    assert.equal(report.exports, 'undefined', 'extension.exports is set in production mode');
    assert.equal(report.startSandboxReturned, 'undefined', 'a command handed its result to another extension');
    assert.equal(report.stopSandboxReturned, 'undefined', 'a command handed its result to another extension');
  },
);
