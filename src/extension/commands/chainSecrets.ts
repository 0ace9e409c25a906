/**
 * "Azure Auth: Set Chain Environment Secret…": the one place a secret for the credential chain's environment is
 * entered. It asks which secret-named variable (AZURE_CLIENT_SECRET, AZURE_PASSWORD, AZURE_CLIENT_CERTIFICATE_PASSWORD)
 * and its value in a password box (empty removes the stored value), and keeps the value in SecretStorage — never in settings.json, which is plain text
 * and where such values are ignored. The host merges it into the environment the chain sees at run time;
 * "Clear Tokens and Secrets" deletes it.
 */
import * as vscode from 'vscode';
import { CancelledError, type CommandOptions } from '../commandRunner';
import type { Host } from '../host';
import { CHAIN_SECRET_VARIABLES, chainSecretKey, type ChainSecretVariable } from '../settings';
import { SECRET_KEYS_KEY } from './acquire';

export interface ChainSecretArgs extends CommandOptions {
  /** The variable (skips the quick pick). */
  name?: string;
  /** The value (skips the password box; tests). */
  value?: string;
}

const DETAIL: Record<ChainSecretVariable, string> = {
  AZURE_CLIENT_SECRET: 'Client secret of the app in AZURE_CLIENT_ID (EnvironmentCredential, service principal with a secret)',
  AZURE_PASSWORD: 'Password of the user in AZURE_USERNAME (EnvironmentCredential, username and password)',
  AZURE_CLIENT_CERTIFICATE_PASSWORD: 'Password of the certificate in AZURE_CLIENT_CERTIFICATE_PATH (EnvironmentCredential)',
};

function isChainSecretVariable(name: string | undefined): name is ChainSecretVariable {
  return (CHAIN_SECRET_VARIABLES as readonly string[]).includes(name ?? '');
}

/** The chain-environment secrets stored in SecretStorage, by name (never the values). */
export async function storedChainSecrets(secrets: vscode.SecretStorage): Promise<ChainSecretVariable[]> {
  const out: ChainSecretVariable[] = [];
  for (const name of CHAIN_SECRET_VARIABLES) if ((await secrets.get(chainSecretKey(name))) !== undefined) out.push(name);
  return out;
}

export async function setChainSecret(host: Host, args: ChainSecretArgs = {}): Promise<ChainSecretVariable> {
  let name = args.name;
  if (name !== undefined && !isChainSecretVariable(name)) throw new Error(`${name} is not one of the secret variables the chain reads (${CHAIN_SECRET_VARIABLES.join(', ')})`);
  if (name === undefined) {
    const stored = new Set(await storedChainSecrets(host.context.secrets));
    const pick = await vscode.window.showQuickPick(
      CHAIN_SECRET_VARIABLES.map((n) => ({ label: n, description: stored.has(n) ? 'set (from SecretStorage)' : undefined, detail: DETAIL[n], name: n })),
      { title: 'Set Chain Environment Secret (1/2): variable', placeHolder: 'Which secret should the credential chain see?', matchOnDetail: true, ignoreFocusOut: true },
    );
    if (!pick) throw new CancelledError();
    name = pick.name;
  }
  const variable: ChainSecretVariable = name as ChainSecretVariable;
  const value =
    args.value ??
    (await vscode.window.showInputBox({
      title: `Set Chain Environment Secret (2/2): ${variable}`,
      prompt: `The value of ${variable} for the credential chain. Kept in VS Code's SecretStorage, never in settings. Leave empty to remove the stored value; "Clear Tokens and Secrets" removes it too.`,
      password: true,
      ignoreFocusOut: true,
    }));
  if (value === undefined) throw new CancelledError();
  const key = chainSecretKey(variable);
  const state = host.context.globalState;
  const keys = new Set(state.get<string[]>(SECRET_KEYS_KEY, []));
  if (!value) {
    await host.context.secrets.delete(key);
    keys.delete(key);
    await state.update(SECRET_KEYS_KEY, [...keys]);
    host.log.info('secrets', `${variable} removed from SecretStorage; the chain no longer sees it`);
    if (!args.quiet) void vscode.window.showInformationMessage(`Azure Auth: ${variable} removed from SecretStorage.`);
    return variable;
  }
  await host.context.secrets.store(key, value);
  keys.add(key);
  await state.update(SECRET_KEYS_KEY, [...keys]);
  host.log.info('secrets', `${variable} stored in SecretStorage for the credential chain (value not logged); the next run uses it`);
  if (!args.quiet) void vscode.window.showInformationMessage(`Azure Auth: ${variable} is stored in SecretStorage. The credential chain uses it from the next run.`);
  return variable;
}
