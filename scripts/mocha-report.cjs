// Mocha reporter for scripts/test.mjs: mocha's own spec output, plus a JSON record of what passed, failed and was
// skipped (by full title) written to $AZAUTH_TEST_REPORT, so the summary counts skips and CI can refuse them.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- mocha loads a reporter with require(), so it is CommonJS */
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class Report extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const record = { passed: 0, failed: 0, skipped: [] };
    runner.on(EVENT_TEST_PASS, () => (record.passed += 1));
    // A failing hook is a failure too (mocha reports it as a failed "hook" test).
    runner.on(EVENT_TEST_FAIL, () => (record.failed += 1));
    runner.on(EVENT_TEST_PENDING, (test) => record.skipped.push(test.fullTitle().replace(/\s+/g, ' ')));
    runner.once(EVENT_RUN_END, () => {
      if (process.env.AZAUTH_TEST_REPORT) writeFileSync(process.env.AZAUTH_TEST_REPORT, JSON.stringify(record));
    });
  }
}

module.exports = Report;
