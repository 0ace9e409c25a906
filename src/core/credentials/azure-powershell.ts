/**
 * AzurePowerShellCredential: `pwsh -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand <script>` where the
 * script imports Az.Accounts (>= 2.2.0) and prints `{Token, ExpiresOn}` from Get-AzAccessToken (with -AsSecureString
 * for 2.17 <= Az.Accounts < 5, converted back inside the script). Resource and tenant are validated before they are
 * placed in the script, so the script never carries user-controlled syntax.
 */
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { classifyPwsh, scopeToResource } from '../process/classify';
import { validateDevToolRequest } from './azure-cli';
import { devToolTimeout, runDevTool, toolToken } from './dev-tool';

export function powerShellScript(resource: string, tenantId: string | undefined): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    '$m = Import-Module Az.Accounts -MinimumVersion 2.2.0 -PassThru -ErrorAction SilentlyContinue',
    "if (-not $m) { Write-Output 'NoAzAccountModule'; exit }",
    `$params = @{ ResourceUrl = '${resource}'; WarningAction = 'Ignore' }`,
    tenantId ? `$params['TenantId'] = '${tenantId}'` : '',
    "if ($m.Version -ge [version]'2.17.0' -and $m.Version -lt [version]'5.0.0') { $params['AsSecureString'] = $true }",
    '$token = Get-AzAccessToken @params',
    '$t = $token.Token',
    "if ($t -is [System.Security.SecureString]) { $t = [System.Net.NetworkCredential]::new('', $t).Password }",
    '[pscustomobject]@{ Token = $t; ExpiresOn = $token.ExpiresOn.ToUnixTimeSeconds() } | ConvertTo-Json -Compress',
  ]
    .filter(Boolean)
    .join('\n');
}

export class AzurePowerShellCredential implements Credential {
  readonly name = 'AzurePowerShellCredential' as const;

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    validateDevToolRequest(this.name, request, ctx, { oneScope: true });
    const resource = scopeToResource(request.scopes[0]!);
    const script = powerShellScript(resource, request.tenantId);
    const encoded = Buffer.from(script, 'utf16le').toString('base64');
    ctx.trace.note('debug', 'PowerShell script (sent with -EncodedCommand)', { script });
    const j = await runDevTool(
      {
        credential: this.name,
        tool: 'pwsh',
        defaultCommand: process.platform === 'win32' ? 'pwsh.exe' : 'pwsh',
        args: ['-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', encoded],
        env: { ...ctx.env },
        timeoutMs: devToolTimeout(ctx),
        classify: classifyPwsh,
        text: {
          notInstalled: {
            go: 'PowerShell (pwsh) not found on path',
            js: 'Failed to acquire token using PowerShell: PowerShell (pwsh) is not installed or not on PATH.',
          },
          notLoggedIn: {
            go: 'Please run "Connect-AzAccount" to set up an account',
            js: "Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential.",
          },
        },
      },
      ctx,
    );
    return toolToken('Azure PowerShell', j, 'Token', ['ExpiresOn'], ctx);
  }
}
