/**
 * One typed module for the extension's settings. Read settings where they are used (`readSettings()`), and react to
 * changes with `onDidChangeSettings`. Settings that redirect endpoints are listed in package.json under
 * capabilities.untrustedWorkspaces.restrictedConfigurations: VS Code ignores their workspace values in untrusted folders.
 */
import * as vscode from 'vscode';
import { CONFIG_SECTION } from './constants';

export type Cloud = 'public' | 'china' | 'usgov' | 'custom';
export type HttpBodies = 'none' | 'redacted';

export interface Settings {
  /** The SDK of `chain.profile` (flows use its wording). */
  profile: 'go' | 'js' | 'python' | 'dotnet';
  /**
   * `chain.profile` as written: an SDK or one release (`js@4.5.0`). The engine resolves it and answers an unknown
   * release with an error naming the nearest modelled one, so it is passed on as is.
   */
  profileSpec: string;
  mode: 'sequential' | 'diagnose';
  stepTimeoutMs: number;
  processTimeoutMs: number;
  imdsProbeTimeoutMs: number;
  cloud: Cloud;
  authorityHost: string;
  imdsEndpoint: string;
  /**
   * Extra environment variables the chain sees (managed-identity endpoints, AZURE_* values), as written in settings.
   * The host drops the secret-named ones (see `splitSecretVariables`): secrets come from SecretStorage only.
   */
  environment: Record<string, string>;
  defaultScope: string;
  statusBarEnabled: boolean;
  httpBodies: HttpBodies;
  sandboxPort: number;
  /** Start the sandbox tenant when the extension activates (demo and training workspaces). */
  sandboxStartOnActivation: boolean;
  /** "Trace Azure authentication": switch the SDK logs on in debug sessions and terminals, and read them. */
  appTraceEnabled: boolean;
  /** The token source of the per-session managed-identity broker ('off': no broker unless a launch config asks). */
  appTraceBroker: BrokerSourceSetting;
}

export const BROKER_SOURCES = ['sandbox', 'azureCli', 'vscodeAccount', 'servicePrincipal'] as const;
export type BrokerSource = (typeof BROKER_SOURCES)[number];
export type BrokerSourceSetting = 'off' | 'ask' | BrokerSource;

export const SettingKeys = {
  profile: 'chain.profile',
  profileSpec: 'chain.profile',
  mode: 'chain.mode',
  stepTimeoutMs: 'chain.stepTimeoutMs',
  processTimeoutMs: 'chain.processTimeoutMs',
  imdsProbeTimeoutMs: 'chain.imdsProbeTimeoutMs',
  cloud: 'authority.cloud',
  authorityHost: 'authority.host',
  imdsEndpoint: 'managedIdentity.imdsEndpoint',
  environment: 'chain.environment',
  defaultScope: 'defaultScope',
  statusBarEnabled: 'statusBar.enabled',
  httpBodies: 'trace.httpBodies',
  sandboxPort: 'sandbox.port',
  sandboxStartOnActivation: 'sandbox.startOnActivation',
  appTraceEnabled: 'appTrace.enabled',
  appTraceBroker: 'appTrace.broker',
} as const satisfies Record<keyof Settings, string>;

/** The settings that can send credentials or tokens elsewhere: restricted in untrusted workspaces. */
export const RESTRICTED_SETTINGS = [
  SettingKeys.authorityHost,
  SettingKeys.cloud,
  SettingKeys.imdsEndpoint,
  SettingKeys.environment,
  SettingKeys.sandboxStartOnActivation,
  SettingKeys.appTraceBroker,
].map((k) => `${CONFIG_SECTION}.${k}`);

/** The SecretStorage key of a chain environment secret (any variable the core's isSecretName calls secret). */
export function chainSecretKey(name: string): string {
  return `azureAuthDebugger.chainEnvironment:${name}`;
}

/**
 * Splits the `chain.environment` setting into the variables the chain may see and the names whose values are ignored
 * because they are secret (`isSecret` is the core's `isSecretName`: settings.json is plain text, so a secret there
 * is never used, only reported by name).
 */
export function splitSecretVariables(
  env: Record<string, string>,
  isSecret: (name: string) => boolean,
): { kept: Record<string, string>; ignored: string[] } {
  const kept: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (isSecret(k)) ignored.push(k);
    else kept[k] = v;
  }
  return { kept, ignored: ignored.sort() };
}

export const CLOUD_AUTHORITY: Record<Exclude<Cloud, 'custom'>, string> = {
  public: 'https://login.microsoftonline.com',
  china: 'https://login.chinacloudapi.cn',
  usgov: 'https://login.microsoftonline.us',
};

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && (typeof v === 'string' || typeof v === 'number')) out[k] = String(v);
    }
  }
  return out;
}

/** `chain.profile` trimmed and capped (the engine validates the release itself). */
function profileSpec(value: unknown): string {
  const v = typeof value === 'string' ? value.trim().slice(0, 40) : '';
  return v || 'go';
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const spec = profileSpec(c.get(SettingKeys.profile));
  return {
    profile: oneOf(spec.split('@')[0].toLowerCase(), ['go', 'js', 'python', 'dotnet'] as const, 'go'),
    profileSpec: spec,
    mode: oneOf(c.get(SettingKeys.mode), ['sequential', 'diagnose'] as const, 'sequential'),
    stepTimeoutMs: positive(c.get(SettingKeys.stepTimeoutMs), 30000),
    processTimeoutMs: positive(c.get(SettingKeys.processTimeoutMs), 10000),
    imdsProbeTimeoutMs: positive(c.get(SettingKeys.imdsProbeTimeoutMs), 1000),
    cloud: oneOf(c.get(SettingKeys.cloud), ['public', 'china', 'usgov', 'custom'] as const, 'public'),
    authorityHost: String(c.get(SettingKeys.authorityHost) ?? '').trim(),
    imdsEndpoint: String(c.get(SettingKeys.imdsEndpoint) ?? '').trim(),
    environment: stringMap(c.get(SettingKeys.environment)),
    defaultScope: String(c.get(SettingKeys.defaultScope) ?? '').trim() || 'https://management.azure.com/.default',
    statusBarEnabled: c.get(SettingKeys.statusBarEnabled) !== false,
    httpBodies: oneOf(c.get(SettingKeys.httpBodies), ['none', 'redacted'] as const, 'redacted'),
    sandboxPort: Math.max(0, Math.min(65535, Math.floor(Number(c.get(SettingKeys.sandboxPort) ?? 0)) || 0)),
    sandboxStartOnActivation: c.get(SettingKeys.sandboxStartOnActivation) === true,
    appTraceEnabled: c.get(SettingKeys.appTraceEnabled) === true,
    appTraceBroker: oneOf(c.get(SettingKeys.appTraceBroker), ['off', 'ask', ...BROKER_SOURCES] as const, 'off'),
  };
}

/** The authority host the settings select (custom host only when cloud is 'custom'). */
export function authorityHostOf(s: Settings): string {
  if (s.cloud === 'custom' && s.authorityHost) return s.authorityHost.replace(/\/+$/, '');
  if (s.cloud === 'custom') return CLOUD_AUTHORITY.public;
  return CLOUD_AUTHORITY[s.cloud];
}

/** Fires with the changed setting keys (relative to the section) when any of ours change. */
export function onDidChangeSettings(listener: (changed: (keyof Settings)[]) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(CONFIG_SECTION)) return;
    const changed = (Object.keys(SettingKeys) as (keyof Settings)[]).filter((k) =>
      e.affectsConfiguration(`${CONFIG_SECTION}.${SettingKeys[k]}`),
    );
    listener(changed);
  });
}
