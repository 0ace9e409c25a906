/**
 * DebugTerminals: which terminal commands run a traced debug session's program (the session reads that output
 * itself, so the terminal trace must not read it again), including a command that starts before VS Code's answer to
 * the adapter's runInTerminal request has come back.
 */
import { strict as assert } from 'node:assert';
import { DebugTerminals } from '../../../src/extension/apptrace/debugTerminals';

describe('apptrace: the debug terminals whose programs a session reads', () => {
  it('a command in the shell VS Code named in its answer belongs to the session; one in another shell does not', async () => {
    const t = new DebugTerminals();
    t.requested('s1');
    t.answered('s1', 4242);
    assert.equal(await t.owns(Promise.resolve(4242)), true);
    assert.equal(await t.owns(Promise.resolve(4243)), false);
    assert.equal(await t.owns(Promise.resolve(undefined)), false);
    assert.deepEqual(t.shellPids(), [4242]);
  });

  it('a command that starts while a request is unanswered waits for the answer', async () => {
    const t = new DebugTerminals();
    t.requested('s1');
    let settled = false;
    const owns = t.owns(Promise.resolve(7)).then((v) => ((settled = true), v));
    await Promise.resolve();
    assert.equal(settled, false, 'decided before the answer came');
    t.answered('s1', 7);
    assert.equal(await owns, true);
  });

  it('a failed request, or a session that ends unanswered, lets waiting commands be read as usual', async () => {
    const t = new DebugTerminals();
    t.requested('s1');
    const first = t.owns(Promise.resolve(7));
    t.answered('s1', undefined);
    assert.equal(await first, false);
    t.requested('s2');
    const second = t.owns(Promise.resolve(8));
    t.ended('s2');
    assert.equal(await second, false);
  });

  it('once the session ends, its terminal (which VS Code may reuse) is an ordinary one again', async () => {
    const t = new DebugTerminals();
    t.requested('s1');
    t.answered('s1', 11);
    t.requested('s2');
    t.answered('s2', 12);
    t.ended('s1');
    assert.equal(await t.owns(Promise.resolve(11)), false);
    assert.equal(await t.owns(Promise.resolve(12)), true);
    assert.deepEqual(t.shellPids(), [12]);
  });
});
