/**
 * What the in-host tests read and the product itself never does: the last command error, the last device code and
 * sign-in page shown, the last warning about secret-named variables in chain.environment. The parts report them
 * through a TestRecorder; only in ExtensionMode.Test does it keep anything (the test API reads it there), in every
 * other mode it drops what it is given, so no object of a user's session holds them.
 */
import * as vscode from 'vscode';
import type { DeviceCodeInfo } from '../core/index';

export interface TestRecord {
  lastCommandError?: string;
  lastDeviceCode?: DeviceCodeInfo;
  lastBrowserUrl?: string;
  lastEnvironmentWarning?: string;
}

export type TestRecorder = (entry: Partial<TestRecord>) => void;

/** The recorder for this mode and what it kept (always empty outside ExtensionMode.Test). */
export function testRecorder(mode: vscode.ExtensionMode): { record: TestRecorder; recorded: Readonly<TestRecord> } {
  const recorded: TestRecord = {};
  const record: TestRecorder =
    mode === vscode.ExtensionMode.Test ? (entry) => void Object.assign(recorded, entry) : () => undefined;
  return { record, recorded };
}
