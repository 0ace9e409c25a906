// node:test reporter for scripts/test.mjs: one JSON record of what passed, failed and was skipped (skip or todo, by
// file and name, with the reason given), written to the reporter's destination when the run ends. The spec reporter
// still prints to the terminal beside it.
import path from 'node:path';

export default async function* report(source) {
  const record = { passed: 0, failed: 0, skipped: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    if (data.skip !== undefined || data.todo !== undefined) {
      const why = data.skip ?? data.todo;
      record.skipped.push({
        test: `${path.basename(data.file ?? '')} ${data.name}`.trim(),
        reason: typeof why === 'string' ? why : undefined,
      });
    } else if (event.type === 'test:pass') record.passed += 1;
    else record.failed += 1;
  }
  yield JSON.stringify(record);
}
