/**
 * The integrated terminals that traced debug sessions run their programs in (the adapter's runInTerminal request)
 * while the session itself carries the program's output (debugpy with redirectOutput): a command there is already
 * read from the session, so the terminal trace leaves it alone instead of reading the same chain a second time.
 */

/** How long a terminal command waits for runInTerminal answers still on their way before it is read as usual. */
const ANSWER_WAIT_MS = 5000;

export class DebugTerminals {
  /** Shell process id → the session whose program it runs. */
  private readonly shells = new Map<number, string>();
  /** Sessions with a runInTerminal request not answered yet, and how many. */
  private readonly pending = new Map<string, number>();
  private waiters: (() => void)[] = [];

  /** A traced session asked VS Code to run its program in a terminal. */
  requested(sessionId: string): void {
    this.pending.set(sessionId, (this.pending.get(sessionId) ?? 0) + 1);
  }

  /** VS Code answered it: the terminal's shell has this process id (undefined when the request failed). */
  answered(sessionId: string, shellProcessId: number | undefined): void {
    if (typeof shellProcessId === 'number') this.shells.set(shellProcessId, sessionId);
    this.settle(sessionId, (this.pending.get(sessionId) ?? 1) - 1);
  }

  /** The session ended: its terminal (which VS Code may reuse for the next session) is an ordinary one again. */
  ended(sessionId: string): void {
    for (const [pid, id] of this.shells) if (id === sessionId) this.shells.delete(pid);
    this.settle(sessionId, 0);
  }

  /** Whether a command that just started in the terminal with this shell runs a traced session's program. */
  async owns(shellProcessId: Thenable<number | undefined>): Promise<boolean> {
    if (this.pending.size)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ANSWER_WAIT_MS);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    const pid = await shellProcessId;
    return pid !== undefined && this.shells.has(pid);
  }

  /** The shells running a traced session's program now (test API). */
  shellPids(): number[] {
    return [...this.shells.keys()];
  }

  private settle(sessionId: string, left: number): void {
    if (left > 0) this.pending.set(sessionId, left);
    else this.pending.delete(sessionId);
    if (!this.pending.size) this.waiters.splice(0).forEach((w) => w());
  }
}
