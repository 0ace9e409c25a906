/**
 * The developer-tool credentials (Azure CLI, azd, PowerShell, VS Code, Visual Studio, the shared token cache): whether
 * the tool is on the PATH this process sees and has a login on disk. What the tool says when it runs may differ.
 */
import type { Prediction } from '../../model';
import { isSet, type Env } from '../evidence';
import type { Fingerprint } from '../types';
import { p } from './verdict';

function pathNote(fp: Fingerprint): string {
  const n = fp.tools.searchedPath.length;
  return n === 0 ? 'PATH is empty' : `${n} PATH entr${n === 1 ? 'y' : 'ies'} searched`;
}

export function predictAzureCli(fp: Fingerprint): Prediction {
  const t = fp.tools;
  if (!t.az)
    return p(
      'unavailable',
      `az is not on the PATH this process sees (${pathNote(fp)}); an editor started from the desktop often has a shorter PATH than your terminal`,
    );
  switch (t.azLogin) {
    case 'no-profile':
      return p(
        'unavailable',
        `az is installed (${t.az}) but has never been logged in here (no azureProfile.json in ${t.azConfigDir ?? '~/.azure'}): run az login`,
      );
    case 'no-subscriptions':
      return p(
        'unavailable',
        `az is installed (${t.az}) but logged out (azureProfile.json lists no accounts): run az login`,
      );
    case 'unreadable':
      return p('unknown', `az is installed (${t.az}); its azureProfile.json could not be read`);
    case 'unknown':
      return p(
        'unknown',
        `az is installed (${t.az}); HOME and AZURE_CONFIG_DIR are not set, so where it keeps its login is unknown`,
      );
    default:
      return p(
        'should-work',
        `az is installed (${t.az}) and logged in (azureProfile.json lists accounts); an expired login or MFA requirement shows only when it runs`,
      );
  }
}

export function predictAzd(fp: Fingerprint, env: Env): Prediction {
  const t = fp.tools;
  if (!t.azd) return p('unavailable', `azd is not on the PATH this process sees (${pathNote(fp)})`);
  const dbg = isSet(env, 'AZD_DEBUG') ? " AZD_DEBUG is set: older SDKs hang waiting for azd's debugger prompt." : '';
  if (!t.azdConfigDir)
    return p(
      'unknown',
      `azd is installed (${t.azd}); HOME and AZD_CONFIG_DIR are not set, so its login state is unknown.${dbg}`,
    );
  if (!t.azdConfigExists)
    return p(
      'unavailable',
      `azd is installed (${t.azd}) but has not been logged in here (no ${t.azdConfigDir ?? '~/.azd'}/auth): run azd auth login.${dbg}`,
    );
  return p('should-work', `azd is installed (${t.azd}) and has login state in ${t.azdConfigDir}.${dbg}`);
}

export function predictPowerShell(fp: Fingerprint): Prediction {
  const t = fp.tools;
  if (!t.pwsh) return p('unavailable', `PowerShell (pwsh) is not on the PATH this process sees (${pathNote(fp)})`);
  if (!t.pwshContextExists)
    return p(
      'unavailable',
      `PowerShell is installed (${t.pwsh}) but no Azure context is saved (no ~/.Azure/AzureRmContext.json): run Connect-AzAccount`,
    );
  return p(
    'should-work',
    `PowerShell is installed (${t.pwsh}) with a saved Azure context (needs the Az.Accounts module ≥ 2.2.0)`,
  );
}

export function predictVsCode(fp: Fingerprint): Prediction {
  return fp.tools.vscodeAuthRecordExists
    ? p(
        'unknown',
        'the Azure Resources auth record exists; the credential also needs the @azure/identity-vscode plugin and the broker',
      )
    : p(
        'unavailable',
        'no Azure Resources auth record (~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json): sign in with the Azure Resources extension',
      );
}

export function predictVisualStudio(fp: Fingerprint): Prediction {
  return fp.platform === 'win32'
    ? p('unknown', "Visual Studio's token provider is not inspected")
    : p('unavailable', 'Visual Studio credential works only on Windows');
}

export function predictSharedTokenCache(fp: Fingerprint): Prediction {
  return fp.platform === 'win32'
    ? p('unknown', 'the shared MSAL token cache is not inspected')
    : p('unavailable', 'the shared token cache credential is in the chain only on Windows');
}
