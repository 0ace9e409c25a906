/**
 * AzureDeveloperCLICredential: `azd auth token --output json --no-prompt --scope S… [--tenant-id T] [--claims B64]`
 * (Go spells `-o json`), execFile with the 10 s limit; azd's JSON or text stderr classified.
 */
import { CredentialUnavailableError } from './types';
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { classifyAzd } from '../process/classify';
import { devToolEnv, validateDevToolRequest } from './azure-cli';
import { devToolTimeout, runDevTool, toolToken } from './dev-tool';

export class AzureDeveloperCLICredential implements Credential {
  readonly name = 'AzureDeveloperCLICredential' as const;

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    if (request.scopes.length === 0) {
      throw new CredentialUnavailableError('at least one scope must be specified');
    }
    validateDevToolRequest(this.name, request, ctx, { oneScope: false });
    const args = ['auth', 'token', ...(ctx.profile === 'go' ? ['-o', 'json'] : ['--output', 'json']), '--no-prompt'];
    for (const s of request.scopes) args.push('--scope', s);
    if (request.tenantId) args.push('--tenant-id', request.tenantId);
    if (request.claims) args.push('--claims', Buffer.from(request.claims).toString('base64'));
    const timeoutMs = devToolTimeout(ctx);
    const tool = devToolEnv(ctx, 'AZD_CONFIG_DIR', '.azd');
    ctx.trace.config({
      variables: [
        tool.variable,
        {
          name: 'AZD_DEBUG',
          set: Boolean(ctx.env.AZD_DEBUG),
          value: ctx.env.AZD_DEBUG,
          note: ctx.env.AZD_DEBUG ? 'azd waits for a debugger prompt unless --no-prompt (passed)' : undefined,
        },
      ],
      settings: { timeoutMs },
    });
    const j = await runDevTool(
      {
        credential: this.name,
        tool: 'azd',
        args,
        env: tool.env,
        timeoutMs,
        classify: classifyAzd,
        text: {
          notInstalled: {
            go: 'Azure Developer CLI not found on path',
            js: "Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.",
          },
          notLoggedIn: {
            go: 'please run "azd auth login" from a command prompt to authenticate before using this credential',
            js: "Please run 'azd auth login' from a command prompt to authenticate before using this credential.",
          },
        },
      },
      ctx,
    );
    return toolToken('Azure Developer CLI', j, 'token', ['expiresOn'], ctx);
  }
}
