/**
 * "Azure Auth: Set Chain Environment Secret…": the one place a secret for the credential chain's environment is
 * entered. Any variable the engine calls secret (the core's isSecretName: AZURE_CLIENT_SECRET, IDENTITY_HEADER,
 * MSI_SECRET, …) can be stored; the quick pick lists the ones the engine reads, and "Other variable…" takes any other
 * secret-named one. The value is asked in a password box (empty removes it) and kept in SecretStorage, never in
 * settings.json, which is plain text and where such values are ignored. The host merges the stored values into the
 * environment the chain sees at run time; "Clear Tokens and Secrets" deletes them.
 */
import * as vscode from 'vscode';
import { CancelledError, type CommandOptions } from '../commandRunner';
import { isSecretName, loadEngine } from '../engine';
import type { Host } from '../host';
import { chainSecretKey } from '../settings';
import { SECRET_KEYS_KEY } from './acquire';

export interface ChainSecretArgs extends CommandOptions {
  /** The variable (skips the quick pick). */
  name?: string;
  /** The value (skips the password box; tests). */
  value?: string;
}

/** Names (never values) of the chain secrets stored, kept in globalState so a run knows what to read back. */
const NAMES_KEY = 'azureAuthDebugger.chainSecretNames';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** What each secret variable the engine reads is for (shown under it in the quick pick). */
const DETAIL: Record<string, string> = {
  AZURE_CLIENT_SECRET:
    'Client secret of the app in AZURE_CLIENT_ID (EnvironmentCredential, service principal with a secret)',
  AZURE_PASSWORD: 'Password of the user in AZURE_USERNAME (EnvironmentCredential, username and password)',
  AZURE_CLIENT_CERTIFICATE_PASSWORD:
    'Password of the certificate in AZURE_CLIENT_CERTIFICATE_PATH (EnvironmentCredential)',
  IDENTITY_HEADER: 'App Service or Service Fabric managed identity: the header sent to IDENTITY_ENDPOINT',
  MSI_SECRET: 'Azure Machine Learning managed identity: the secret sent to MSI_ENDPOINT',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'GitHub Actions OIDC: the token for ACTIONS_ID_TOKEN_REQUEST_URL',
  SYSTEM_ACCESSTOKEN: 'Azure Pipelines: the job access token (AzurePipelinesCredential)',
};

/** The secret variables the engine reads from the environment, as its redaction module lists them. */
export function knownChainSecrets(): string[] {
  return [...loadEngine().SECRET_ENV_VARS];
}

/** A name "Set Chain Environment Secret…" accepts: a variable name the core's isSecretName calls secret. */
export function isChainSecretName(name: string): boolean {
  return VARIABLE_NAME.test(name) && isSecretName(name);
}

/** The chain-environment secrets stored in SecretStorage, by name (never the values). */
export async function storedChainSecrets(context: vscode.ExtensionContext): Promise<string[]> {
  const names = new Set([...context.globalState.get<string[]>(NAMES_KEY, []), ...knownChainSecrets()]);
  const out: string[] = [];
  for (const name of [...names].sort())
    if (isChainSecretName(name) && (await context.secrets.get(chainSecretKey(name))) !== undefined) out.push(name);
  return out;
}

/** Forgets every stored chain secret (values and names); returns how many there were. */
export async function clearChainSecrets(context: vscode.ExtensionContext): Promise<number> {
  const stored = await storedChainSecrets(context);
  for (const name of stored) await context.secrets.delete(chainSecretKey(name));
  await context.globalState.update(NAMES_KEY, []);
  return stored.length;
}

async function pickName(context: vscode.ExtensionContext): Promise<string> {
  const stored = new Set(await storedChainSecrets(context));
  const names = [...new Set([...knownChainSecrets(), ...stored])];
  type Item = vscode.QuickPickItem & { name?: string };
  const items: Item[] = names.map((n) => ({
    label: n,
    description: stored.has(n) ? 'set (from SecretStorage)' : undefined,
    detail: DETAIL[n],
    name: n,
  }));
  items.push({
    label: '$(edit) Other variable…',
    detail: 'Any other variable whose name marks a secret (…_SECRET, …_PASSWORD, …_KEY, …)',
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Set Chain Environment Secret (1/2): variable',
    placeHolder: 'Which secret should the credential chain see?',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!pick) throw new CancelledError();
  if (pick.name) return pick.name;
  const typed = await vscode.window.showInputBox({
    title: 'Set Chain Environment Secret: variable name',
    prompt: 'The name of a secret environment variable, e.g. MY_API_KEY',
    ignoreFocusOut: true,
    validateInput: (v) =>
      isChainSecretName(v.trim())
        ? undefined
        : 'A variable name that marks a secret (other variables belong in the chain.environment setting)',
  });
  if (typed === undefined) throw new CancelledError();
  return typed.trim();
}

export async function setChainSecret(host: Host, args: ChainSecretArgs = {}): Promise<string> {
  const context = host.context;
  const name = args.name ?? (await pickName(context));
  if (!isChainSecretName(name)) {
    throw new Error(
      `${name} is not a secret-named variable: put it in the setting azureAuthDebugger.chain.environment (secret names such as ${knownChainSecrets().slice(0, 5).join(', ')}, … go here)`,
    );
  }
  const value =
    args.value ??
    (await vscode.window.showInputBox({
      title: `Set Chain Environment Secret (2/2): ${name}`,
      prompt: `The value of ${name} for the credential chain. Kept in VS Code's SecretStorage, never in settings. Leave empty to remove the stored value; "Clear Tokens and Secrets" removes it too.`,
      password: true,
      ignoreFocusOut: true,
    }));
  if (value === undefined) throw new CancelledError();
  const key = chainSecretKey(name);
  const state = context.globalState;
  const keys = new Set(state.get<string[]>(SECRET_KEYS_KEY, []));
  const names = new Set(state.get<string[]>(NAMES_KEY, []));
  if (!value) {
    await context.secrets.delete(key);
    keys.delete(key);
    names.delete(name);
    await state.update(SECRET_KEYS_KEY, [...keys]);
    await state.update(NAMES_KEY, [...names]);
    host.log.info('secrets', `${name} removed from SecretStorage; the chain no longer sees it`);
    if (!args.quiet) void vscode.window.showInformationMessage(`Azure Auth: ${name} removed from SecretStorage.`);
    return name;
  }
  await context.secrets.store(key, value);
  keys.add(key);
  names.add(name);
  await state.update(SECRET_KEYS_KEY, [...keys]);
  await state.update(NAMES_KEY, [...names]);
  host.log.info(
    'secrets',
    `${name} stored in SecretStorage for the credential chain (value not logged); the next run uses it`,
  );
  if (!args.quiet)
    void vscode.window.showInformationMessage(
      `Azure Auth: ${name} is stored in SecretStorage. The credential chain uses it from the next run.`,
    );
  return name;
}
