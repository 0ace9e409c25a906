/**
 * AADSTS codes seen in an app's output (debug console, terminal), offered for explanation without a storm: every new
 * code gets one log line with its Entra lookup address, and at most one quiet notification appears per interval —
 * naming the first new code and how many more the log lists. A code already offered in this window is not offered again.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Logger } from '../log';

/** One notification per minute at most; the rest go to the log. */
export const OFFER_INTERVAL_MS = 60_000;
/** Codes remembered per window (a program printing thousands of distinct codes does not grow this without bound). */
const MAX_REMEMBERED = 500;

export interface AadstsOfferStats {
  /** Notifications shown so far. */
  notifications: number;
  /** Codes written to the log, in order. */
  logged: number[];
}

export class AadstsOffer {
  private readonly seen = new Set<number>();
  private lastShown = -Infinity;
  readonly stats: AadstsOfferStats = { notifications: 0, logged: [] };

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = OFFER_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Codes seen in the output of `where` (e.g. 'debug session "Launch app"'); new ones are logged and maybe offered. */
  saw(codes: readonly number[], where: string): void {
    const fresh = codes.filter((c) => Number.isInteger(c) && !this.seen.has(c));
    if (!fresh.length) return;
    for (const c of fresh) {
      if (this.seen.size >= MAX_REMEMBERED) break;
      this.seen.add(c);
      this.stats.logged.push(c);
      this.log.info(
        'aadsts',
        `AADSTS${c} in the output of ${where}: run "Azure Auth: Explain Error" on it, or see https://login.microsoftonline.com/error?code=${c}`,
      );
    }
    const t = this.now();
    if (t - this.lastShown < this.intervalMs) return;
    this.lastShown = t;
    this.stats.notifications++;
    const first = fresh[0]!;
    const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more in the log)` : '';
    void vscode.window
      .showInformationMessage(
        `Azure Auth: AADSTS${first} appeared in the output of ${where}${more}.`,
        'Explain',
        'Show Log',
      )
      .then((choice) => {
        if (choice === 'Explain')
          void vscode.commands.executeCommand(Commands.explainError, { text: `AADSTS${first}` });
        else if (choice === 'Show Log') this.log.show();
      });
  }
}
