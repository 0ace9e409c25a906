/**
 * The developer tools the chain's CLI credentials need (az, azd, pwsh) and whether each has a login to offer: found on
 * PATH, and their profile / context files present. Read from files only; no tool is started.
 */
import { isSet, type Env } from './evidence';
import { pathEntries, resolveExecutable } from './executables';
import type { LocalFs } from './localfs';
import type { FingerprintInput, ToolFacts } from './types';

function homeDir(env: Env, platform: NodeJS.Platform): string | null {
  const h = platform === 'win32' ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  return h && h.trim() !== '' ? h.replace(/[\\/]+$/, '') : null;
}

/** az's login as its azureProfile.json tells it: subscriptions listed, none, no file, or a file that cannot be read. */
function readAzLogin(fsx: LocalFs, azConfigDir: string | null, sep: string): ToolFacts['azLogin'] {
  // Without HOME (or AZURE_CONFIG_DIR) there is no telling where az keeps its login.
  if (!azConfigDir) return 'unknown';
  const profilePath = `${azConfigDir}${sep}azureProfile.json`;
  if (!fsx.info(profilePath).exists) return 'no-profile';
  const text = fsx.readText(profilePath, 4 * 1024 * 1024);
  if (text === null) return 'unreadable';
  try {
    const j = JSON.parse(text.replace(/^\uFEFF/, '')) as { subscriptions?: unknown };
    return Array.isArray(j.subscriptions) && j.subscriptions.length > 0 ? 'logged-in' : 'no-subscriptions';
  } catch {
    return 'unreadable';
  }
}

export function readTools(env: Env, fsx: LocalFs, executables: FingerprintInput['executables']): ToolFacts {
  const platform = fsx.platform;
  const sep = platform === 'win32' ? '\\' : '/';
  const home = homeDir(env, platform);
  const az = resolveExecutable('az', env, fsx, executables?.az);
  const azd = resolveExecutable('azd', env, fsx, executables?.azd);
  const pwsh =
    resolveExecutable('pwsh', env, fsx, executables?.pwsh) ??
    (platform === 'win32' ? resolveExecutable('powershell', env, fsx) : null);
  const azConfigDir = isSet(env, 'AZURE_CONFIG_DIR') ? env.AZURE_CONFIG_DIR! : home ? `${home}${sep}.azure` : null;
  const azLogin = readAzLogin(fsx, azConfigDir, sep);
  const azdConfigDir = isSet(env, 'AZD_CONFIG_DIR') ? env.AZD_CONFIG_DIR! : home ? `${home}${sep}.azd` : null;
  const azdConfigExists = azdConfigDir
    ? fsx.info(`${azdConfigDir}${sep}auth`).isDirectory || fsx.info(`${azdConfigDir}${sep}config.json`).isFile
    : false;
  const pwshContextExists = home
    ? fsx.info(`${home}${sep}.Azure${sep}AzureRmContext.json`).isFile ||
      fsx.info(`${home}${sep}.azure${sep}AzureRmContext.json`).isFile
    : false;
  const vscodeAuthRecordExists = home
    ? fsx.info(`${home}${sep}.azure${sep}ms-azuretools.vscode-azureresourcegroups${sep}authRecord.json`).isFile ||
      fsx.info(`${home}${sep}.Azure${sep}ms-azuretools.vscode-azureresourcegroups${sep}authRecord.json`).isFile
    : false;
  return {
    az,
    azd,
    pwsh,
    searchedPath: pathEntries(env, platform),
    azLogin,
    azConfigDir,
    azdConfigDir,
    azdConfigExists,
    pwshContextExists,
    vscodeAuthRecordExists,
  };
}
