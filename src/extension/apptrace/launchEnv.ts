/**
 * Which SDK logs a debug type can produce, and how the logging switches join a launch configuration's `env`: the
 * user's own values always win, and PYTHONPATH gains the hook folder in front of what it had.
 */
import path from 'node:path';
import type { SdkId } from '../../core/index';

/** The debug types that run SDK code, and the SDKs whose logging each switches on and reads. */
export const DEBUG_TYPE_SDKS: Readonly<Record<string, readonly SdkId[]>> = {
  node: ['js'],
  'pwa-node': ['js'],
  python: ['python'],
  debugpy: ['python'],
  go: ['go'],
  coreclr: ['dotnet'],
  java: ['java'],
};

export const TRACED_DEBUG_TYPES = Object.keys(DEBUG_TYPE_SDKS);

/**
 * `userEnv` plus the switches in `add` that the user did not set (in `env`, or in the environment the debuggee
 * inherits). PYTHONPATH is merged: the hook folder first, then the user's entries.
 */
export function mergeLaunchEnv(
  userEnv: Readonly<Record<string, string | null | undefined>>,
  add: Readonly<Record<string, string>>,
  inherited: Readonly<Record<string, string | undefined>>,
  hookDir?: string,
): { env: Record<string, string | null | undefined>; added: string[] } {
  const env: Record<string, string | null | undefined> = { ...userEnv };
  const added: string[] = [];
  for (const [name, value] of Object.entries(add)) {
    if (name === 'PYTHONPATH' && hookDir) {
      const theirs = name in userEnv ? userEnv[name] : inherited[name];
      env[name] = theirs ? `${hookDir}${path.delimiter}${theirs}` : hookDir;
      added.push(name);
      continue;
    }
    if (name in userEnv || inherited[name] !== undefined) continue;
    env[name] = value;
    added.push(name);
  }
  return { env, added };
}

/** The `env` object of a launch configuration, whatever the user wrote there (non-strings are left to the adapter). */
export function launchEnvOf(config: { readonly [key: string]: unknown }): Record<string, string | null | undefined> {
  const e = config.env;
  return e && typeof e === 'object' && !Array.isArray(e) ? (e as Record<string, string | null | undefined>) : {};
}
