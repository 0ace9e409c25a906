/**
 * "Trace Azure authentication" for debug sessions: adds the SDK logging switches to the launch configurations of the
 * debug types that run SDK code (merged into the user's `env`, their values kept), and, when asked for, a
 * managed-identity broker for the session. Marks the configuration so the tracker knows which sessions to read.
 */
import type * as vscode from 'vscode';
import type { SdkId } from '../../core/index';
import { loadEngine } from '../engine';
import type { Logger } from '../log';
import { readSettings } from '../settings';
import { DEBUG_TYPE_SDKS, launchEnvOf, mergeLaunchEnv } from './launchEnv';
import type { PythonHook } from './pythonHook';
import type { SessionBrokers } from './sessionBroker';

/** The configuration attribute that marks a traced launch (read by the tracker factory). */
export const TRACE_MARK = '__azureAuthTrace';

export interface TraceMark {
  sdks: string[];
  added: string[];
}

export class AppTraceDebugProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly log: Logger,
    private readonly brokers: SessionBrokers,
    private readonly hook: PythonHook,
  ) {}

  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const sdks = DEBUG_TYPE_SDKS[config.type];
    // js-debug resolves the child session it attaches to the program too: that one is the same launch, left alone.
    if (!sdks || '__pendingTargetId' in config) return config;
    if (readSettings().appTraceEnabled) this.addLogging(config, sdks);
    const broker = await this.brokers.attach(config);
    if (broker === null) return undefined; // the user dismissed the token-source pick: no launch
    if (broker) config.env = { ...launchEnvOf(config), ...broker };
    return config;
  }

  private addLogging(config: vscode.DebugConfiguration, sdks: readonly SdkId[]): void {
    const hookDir = sdks.includes('python') ? this.hook.path() : undefined;
    const userEnv = launchEnvOf(config);
    const add = loadEngine().loggingEnvironment({}, { sdks, pythonHookDir: hookDir });
    const { env, added } = mergeLaunchEnv(userEnv, add, process.env, hookDir);
    config.env = env;
    // js-debug reads only the console API by default and drops the program's stderr, where the SDK's logger writes.
    // (Its default is filled in before this runs, so a value cannot tell the user's choice from the default.)
    if ((config.type === 'node' || config.type === 'pwa-node') && config.outputCapture !== 'std') {
      config.outputCapture = 'std';
      added.push('outputCapture: std');
    }
    // debugpy sends the program's output to the session only when it redirects it, which by default it does for the
    // Debug Console alone; the Python Debugger runs programs in the integrated terminal by default. Redirected, the
    // output still shows in the terminal (debugpy copies it there). A redirectOutput the user set is theirs.
    if ((config.type === 'python' || config.type === 'debugpy') && config.redirectOutput === undefined) {
      config.redirectOutput = true;
      added.push('redirectOutput: true');
    }
    const mark: TraceMark = { sdks: [...sdks], added };
    config[TRACE_MARK] = mark;
    this.log.info(
      'apptrace',
      `debug session "${String(config.name)}": ${added.length ? `added ${added.join(', ')}` : 'the logging switches were already set'}; its output is read for the credential chain`,
    );
  }
}
