// Loaded by the VS Code extension host (test-electron or code-server's ?payload= route): runs every
// out/suite/*.test.js file with mocha and settles with the result, which the host reports as the exit code.
import * as path from 'node:path';
import * as fs from 'node:fs';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000, reporter: 'spec' });
  const dir = __dirname;
  const filter = process.env.AZAUTH_SUITE_GREP;
  if (filter) mocha.grep(filter);
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
    // scripts/test.mjs counts these lines: a pending test is reported by its full title, never silently dropped.
    const skipped: string[] = [];
    runner.on('pending', (t) => skipped.push(t.fullTitle()));
    runner.on('end', () => {
      console.log(
        `extension-host: ${runner.stats?.passes ?? 0} passed, ${runner.stats?.failures ?? 0} failed, ${skipped.length} skipped`,
      );
      for (const t of skipped) console.log(`extension-host skipped: ${t.replace(/\s+/g, ' ')}`);
    });
  });
}
