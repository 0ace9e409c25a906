/**
 * Opt-in managed-identity broker per debug session: the launch configuration's `azureAuthBroker` attribute (a token
 * source, or true for the setting's) or the appTrace.broker setting starts a broker (src/core/broker) for the
 * session; IDENTITY_ENDPOINT and IDENTITY_HEADER go into the debuggee's environment; every request is traced into
 * the log; the broker stops with the session (or after a minute when the session never started).
 */
import * as vscode from 'vscode';
import type { Broker, BrokerRequestRecord, BrokerTokenSource } from '../../core/index';
import { loadEngine } from '../engine';
import type { Host } from '../host';
import { BROKER_SOURCES, readSettings, type BrokerSource } from '../settings';
import type { VsCodeAccount } from '../vscodeAccount';
import { brokerSourceLabel, tokenSourceFor } from './brokerSources';

/** The launch configuration attribute that asks for a broker. */
export const BROKER_ATTRIBUTE = 'azureAuthBroker';
const BROKER_MARK = '__azureAuthBrokerId';
/** A broker whose session never started (the launch failed) is stopped after this long. */
const ORPHAN_MS = 60_000;

interface Running {
  broker: Broker;
  source: BrokerSource;
  name: string;
  orphanTimer?: NodeJS.Timeout;
}

let counter = 0;

export class SessionBrokers implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly host: Host,
    private readonly account: VsCodeAccount,
  ) {
    this.subs = [
      vscode.debug.onDidStartDebugSession((s) => {
        const r = this.running.get(String(s.configuration[BROKER_MARK]));
        if (r?.orphanTimer) clearTimeout(r.orphanTimer);
        if (r) r.orphanTimer = undefined;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (!s.parentSession) void this.stop(String(s.configuration[BROKER_MARK]));
      }),
    ];
  }

  /** Brokers running now (test API): their endpoint and source. */
  list(): { endpoint: string; source: BrokerSource; requests: number }[] {
    return [...this.running.values()].map((r) => ({
      endpoint: r.broker.endpoint,
      source: r.source,
      requests: r.broker.requests.length,
    }));
  }

  /**
   * Starts a broker when the configuration or the setting asks for one: returns the variables for the debuggee,
   * undefined when no broker is wanted, null when the user dismissed the token-source pick (no launch then).
   */
  async attach(config: vscode.DebugConfiguration): Promise<Record<string, string> | undefined | null> {
    const source = await this.chooseSource(config[BROKER_ATTRIBUTE]);
    if (source === undefined || source === null) return source;
    const core = loadEngine();
    const id = `broker-${++counter}`;
    const name = String(config.name ?? 'debug session');
    const log = this.host.log;
    const tokenSource: BrokerTokenSource = await tokenSourceFor(source, this.host, this.account);
    const broker = await core.startBroker({ source: tokenSource, onRequest: (r) => this.trace(name, r) });
    const orphanTimer = setTimeout(() => void this.stop(id), ORPHAN_MS);
    orphanTimer.unref?.();
    this.running.set(id, { broker, source, name, orphanTimer });
    config[BROKER_MARK] = id;
    log.info(
      'broker',
      `managed-identity broker for debug session "${name}" on ${broker.endpoint} (App Service, api-version ${core.BROKER_API_VERSION}); tokens from ${brokerSourceLabel(source)}; IDENTITY_ENDPOINT and IDENTITY_HEADER set for the debuggee`,
    );
    return broker.environment();
  }

  private async chooseSource(asked: unknown): Promise<BrokerSource | undefined | null> {
    if (asked === false) return undefined;
    const setting = readSettings().appTraceBroker;
    const want = typeof asked === 'string' ? asked : asked === true && setting === 'off' ? 'ask' : setting;
    if (want === 'off') return undefined;
    if ((BROKER_SOURCES as readonly string[]).includes(want)) return want as BrokerSource;
    if (want !== 'ask') this.host.log.warn('broker', `unknown token source ${JSON.stringify(want)}: choose one`);
    const pick = await vscode.window.showQuickPick(
      BROKER_SOURCES.map((s) => ({ label: brokerSourceLabel(s), source: s })),
      { title: 'Managed-identity broker: where should its tokens come from?', ignoreFocusOut: true },
    );
    return pick ? pick.source : null;
  }

  private trace(name: string, r: BrokerRequestRecord): void {
    const who = r.clientId ? ` client_id ${r.clientId}` : r.miResId ? ` mi_res_id ${r.miResId}` : '';
    const detail =
      r.answer === 'refused' || r.answer === 'error' ? ` — ${r.reason ?? ''}` : ` (token ${r.fingerprint ?? '?'})`;
    this.host.log.info(
      'broker',
      `"${name}": ${r.method} ${r.path} resource ${r.resource ?? '-'}${who} api-version ${r.apiVersion ?? '-'} → ${r.status} ${r.answer}${detail} in ${r.durationMs} ms`,
    );
  }

  private async stop(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    if (r.orphanTimer) clearTimeout(r.orphanTimer);
    await r.broker.close();
    this.host.log.info('broker', `broker for "${r.name}" stopped (${r.broker.requests.length} request(s) answered)`);
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    for (const id of [...this.running.keys()]) void this.stop(id);
  }
}
