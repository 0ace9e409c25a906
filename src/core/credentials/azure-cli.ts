/**
 * AzureCLICredential: `az account get-access-token --output json --resource <scope without /.default>
 * [--tenant T] [--subscription S]`, run with execFile (never a shell) after validating every argument, with the
 * SDKs' 10 s time limit, and stderr classified as the SDKs do — except that an AADSTS error followed by
 * "Please run: az login" stays an AADSTS error (the SDKs call it "not logged in" and lose the cause).
 */
import type { CredentialName } from '../model';
import {
  AuthenticationFailedError,
  CredentialUnavailableError,
  type AccessTokenResult,
  type Credential,
  type StepContext,
  type TokenRequest,
} from './types';
import {
  INVALID_SCOPE_MESSAGE,
  INVALID_TENANT_MESSAGE,
  aadstsCodes,
  aadstsLine,
  classifyAz,
  isValidDevToolScope,
  isValidSubscription,
  isValidTenantId,
  scopeToResource,
  stderrExcerpt,
  type DevToolClass,
} from '../process/classify';
import type { ProcessResult } from '../process/types';
import { devToolTimeout, runDevTool, toolToken } from './dev-tool';
import type { TracedVariable } from './variables';
import { pathUnderRoot } from '../target/process';
import { redactText } from '../trace/redact';

export const DEV_TOOL_TIMEOUT_MS = 10_000;

/** Validates scope (exactly one) and tenant before anything is spawned; throws as the SDKs do. */
export function validateDevToolRequest(
  name: CredentialName,
  request: TokenRequest,
  ctx: StepContext,
  opts: { oneScope: boolean },
): void {
  if (opts.oneScope && request.scopes.length !== 1) {
    throw new CredentialUnavailableError(
      `${name}: GetToken() requires exactly one scope (got ${request.scopes.length})`,
    );
  }
  for (const s of request.scopes) {
    if (!isValidDevToolScope(s)) {
      ctx.trace.note(
        'warn',
        `scope rejected before spawning anything: only letters, digits and - _ . : / are allowed`,
        { scope: s },
      );
      throw new CredentialUnavailableError(INVALID_SCOPE_MESSAGE);
    }
  }
  if (request.tenantId !== undefined && !isValidTenantId(request.tenantId)) {
    ctx.trace.note('warn', 'tenant rejected before spawning anything: only letters, digits, - and . are allowed', {
      tenant: request.tenantId,
    });
    // @azure/identity checks the tenant outside its try/catch: a plain error, which stops its chain (inferred from source).
    if (ctx.profile === 'js')
      throw new AuthenticationFailedError({ kind: 'config', message: INVALID_TENANT_MESSAGE, errorCodes: [] });
    throw new CredentialUnavailableError(INVALID_TENANT_MESSAGE);
  }
  if (request.claims && ctx.profile === 'js' && name !== 'AzureDeveloperCLICredential') {
    const cmd =
      name === 'AzureCLICredential'
        ? `az login --claims-challenge ${Buffer.from(request.claims).toString('base64')} --scope ${request.scopes[0]}${request.tenantId ? ` --tenant ${request.tenantId}` : ''}`
        : `Connect-AzAccount -ClaimsChallenge ${Buffer.from(request.claims).toString('base64')}`;
    throw new CredentialUnavailableError(
      `This credential doesn't support claims challenges. To authenticate with the required claims, please run the following command: ${cmd}`,
    );
  }
}

/** The working directory the SDKs use on Unix (`/bin`), when it exists. */
export function devToolCwd(): string | undefined {
  return process.platform === 'win32' ? (process.env.SystemRoot ?? process.env.SYSTEMROOT) : '/bin';
}

/**
 * The environment az or azd runs with: the step's own. For another process (azauth --pid) the tool's configuration
 * folder — `variable`, else ~/`folder` of that process's HOME — is the one in that process's filesystem.
 */
export function devToolEnv(
  ctx: StepContext,
  variable: 'AZURE_CONFIG_DIR' | 'AZD_CONFIG_DIR',
  folder: '.azure' | '.azd',
  about?: string,
): { env: Record<string, string | undefined>; variable: TracedVariable } {
  const env = { ...ctx.env };
  const traced = { name: variable, set: Boolean(ctx.env[variable]), value: ctx.env[variable], note: about };
  const root = ctx.options.target?.root;
  const dir = ctx.env[variable] || (ctx.env.HOME ? `${ctx.env.HOME}/${folder}` : undefined);
  if (!root || !dir) return { env, variable: traced };
  env[variable] = pathUnderRoot(root, dir);
  traced.note = `process ${ctx.options.target!.pid}'s ${dir}, read as ${env[variable]}`;
  return { env, variable: traced };
}

export interface FailureText {
  notInstalled: Record<'go' | 'js', string>;
  notLoggedIn: Record<'go' | 'js', string>;
}

/**
 * Turns a classified failure into the error the chain sees. Inside DefaultAzureCredential every developer-tool
 * failure is "unavailable" (Go: unavailableIfInDAC; JS: always CredentialUnavailableError). Standalone, only
 * "not installed" (and JS "not logged in") stay unavailable.
 */
export function devToolFailure(
  _name: CredentialName,
  tool: string,
  cls: DevToolClass,
  r: ProcessResult,
  ctx: StepContext,
  text: FailureText,
  timeoutMs: number,
): Error {
  const flavour: 'go' | 'js' = ctx.profile === 'go' ? 'go' : 'js';
  const stderr = stderrExcerpt(r.stderr);
  let message: string;
  switch (cls) {
    case 'not-installed':
      message = text.notInstalled[flavour];
      if (!r.resolvedPath) message += ` (searched PATH: ${ctx.env.PATH ?? '(PATH not set)'})`;
      break;
    case 'not-logged-in':
      message = flavour === 'go' && stderr ? stderr : text.notLoggedIn[flavour];
      break;
    case 'timeout':
      message = `${tool} did not finish within ${timeoutMs} ms and was stopped (with every process it started)${ctx.profile === 'js' ? '; @azure/identity itself sets no limit unless processTimeoutInMs is given' : ''}`;
      break;
    case 'aborted':
      message = `${tool} was cancelled`;
      break;
    case 'mfa-required':
    case 'aadsts': {
      const line = aadstsLine(r.stderr) ?? stderr;
      const sdkWould =
        /az login/.test(r.stderr) && tool === 'az'
          ? ` — az then says "Please run: az login", which @azure/identity reports as not logged in; the real cause is this AADSTS error`
          : '';
      message = `${cls === 'mfa-required' ? 'multi-factor authentication or another interactive step is required: ' : ''}${line}${sdkWould}`;
      break;
    }
    case 'no-module':
      message = `The 'Az.Account' module >= 2.2.0 is not installed. Install the Azure Az PowerShell module with: "Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force".`;
      break;
    default:
      message = stderr || `${tool} exited with code ${r.exitCode ?? `signal ${r.signal}`} and no error text`;
  }
  const codes = aadstsCodes(r.stderr);
  if (ctx.profile === 'js' || ctx.profile === 'python') {
    // The SDK's own words (its chain shows them); the engine's reading of the failure goes to the trace.
    const sdk =
      ctx.profile === 'js'
        ? jsDevToolMessage(tool, cls, r, text, ctx.release?.rules.pwshOutput)
        : pyDevToolMessage(tool, cls, r);
    if (sdk !== undefined && sdk !== message) {
      ctx.trace.note('info', `${tool}: ${message}`);
      message = sdk;
    }
  }
  if (ctx.profile === 'python' && pyAzFailureStops(tool, cls, r))
    return new AuthenticationFailedError({ kind: codes.length ? 'aadsts' : 'process', message, errorCodes: codes });
  if (ctx.inChain || cls === 'not-installed' || (flavour === 'js' && cls === 'not-logged-in') || cls === 'no-module') {
    return new CredentialUnavailableError(message, { errorCodes: codes });
  }
  return new AuthenticationFailedError({
    kind: cls === 'timeout' ? 'timeout' : cls === 'aborted' ? 'aborted' : codes.length ? 'aadsts' : 'process',
    message,
    errorCodes: codes,
  });
}

const JS_PWSH_TROUBLESHOOT =
  'To troubleshoot, visit https://aka.ms/azsdk/js/identity/powershellcredential/troubleshoot.';

/**
 * What @azure/identity 4.x says for a failed developer tool (azureCliCredential, azurePowerShellCredential,
 * azureDeveloperCliCredential): az's stderr decides — "az login" (but not "az login --scope") is "not logged in",
 * anything else that left no JSON is az's raw stderr; PowerShell failures are `${error}. To troubleshoot, …`.
 * undefined: keep the engine's wording (no SDK text known for this case).
 */
function jsDevToolMessage(
  tool: string,
  cls: DevToolClass,
  r: ProcessResult,
  text: FailureText,
  pwshOutput: 'json' | 'token-search' = 'token-search',
): string | undefined {
  if (cls === 'not-installed') {
    return tool === 'pwsh'
      ? `Error: Unable to execute PowerShell. Ensure that it is installed in your system. ${JS_PWSH_TROUBLESHOOT}`
      : text.notInstalled.js;
  }
  if (tool === 'az') {
    if (cls === 'timeout' || cls === 'aborted') return undefined;
    if (/az login/.test(r.stderr) && !/az login --scope/.test(r.stderr)) return text.notLoggedIn.js;
    return r.stderr || undefined;
  }
  if (tool === 'azd' && cls === 'not-logged-in') {
    return `${text.notLoggedIn.js} For more information, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.`;
  }
  if (tool === 'pwsh' && cls === 'no-module') {
    // Before 4.4.1 the whole output is parsed as JSON (src/core/sdk/rules/js.ts, pwshOutput).
    const said =
      pwshOutput === 'json' ? 'Unable to parse the output of PowerShell.' : 'No access token found in the output.';
    return `Error: ${said} Received output: ${r.stdout}. ${JS_PWSH_TROUBLESHOOT}`;
  }
  return undefined;
}

/**
 * What Python's azure-identity says for a failed developer tool (read in 1.13.0b2: azure/identity/_credentials/
 * azure_cli.py CLI_NOT_FOUND, NOT_LOGGED_IN and its 10 s limit; azure_powershell.py raise_for_error).
 * undefined: keep the engine's wording.
 */
function pyDevToolMessage(tool: string, cls: DevToolClass, r: ProcessResult): string | undefined {
  if (tool === 'az') {
    if (cls === 'not-installed') return 'Azure CLI not found on path';
    if (cls === 'timeout') return 'Failed to invoke the Azure CLI';
    if (/az login|az account set/.test(r.stderr)) return "Please run 'az login' to set up an account";
    if (pyAzFailureStops(tool, cls, r))
      return r.stderr
        ? redactText(r.stderr.replace(/"accessToken": "(.*?)("|$)/g, '****'))
        : 'Failed to invoke Azure CLI';
  }
  if (tool === 'pwsh') {
    if (cls === 'not-installed') return 'PowerShell is not installed';
    if (cls === 'no-module') return 'Az.Account module >= 2.2.0 is not installed';
    if (/Run Connect-AzAccount to login/.test(r.stderr)) return 'Please run "Connect-AzAccount" to set up account';
  }
  return undefined;
}

/**
 * Python's AzureCliCredential when az's output is not a token (azure_cli.py parse_token returns None on KeyError or
 * ValueError): ClientAuthenticationError, which stops the chain, with the output as az printed it (sanitize_output
 * masks an accessToken; the one redaction module scrubs the rest).
 */
export function pyAzUnexpectedOutput(r: ProcessResult, ctx: StepContext, reading: string): AuthenticationFailedError {
  ctx.trace.note('info', reading);
  const sanitized = redactText(r.stdout.replace(/"accessToken": "(.*?)("|$)/g, '****'));
  return new AuthenticationFailedError({
    kind: 'parse',
    message: `Unexpected output from Azure CLI: '${sanitized}'. \nTo mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/azclicredential/troubleshoot.`,
    errorCodes: [],
    sdkErrorName: 'ClientAuthenticationError',
  });
}

/**
 * Python's _run_command (azure_cli.py): az exiting with an error that is not "not found" (127) and does not mention
 * "az login" or "az account set" raises ClientAuthenticationError with az's stderr, which stops the chain.
 */
function pyAzFailureStops(tool: string, cls: DevToolClass, r: ProcessResult): boolean {
  if (tool !== 'az' || cls === 'not-installed' || cls === 'timeout' || cls === 'aborted') return false;
  if (r.exitCode === 0 || r.exitCode === 127 || r.exitCode === null) return false;
  return !/az login|az account set/.test(r.stderr) && !r.stderr.startsWith("'az' is not recognized");
}

/** Parses a tool's JSON stdout; non-JSON output becomes a precise "unexpected output" error. */
export function parseToolJson(tool: string, r: ProcessResult, ctx: StepContext): Record<string, unknown> {
  const out = r.stdout.trim();
  let j: unknown;
  try {
    j = JSON.parse(out);
  } catch (e) {
    const looksHtml = /^\s*<(!doctype|html)/i.test(out);
    let msg = `${tool} printed output that is not JSON${looksHtml ? ' (an HTML page — a proxy or login page?)' : ''}: ${out ? JSON.stringify(out.slice(0, 120)) : '(empty)'}`;
    if (ctx.profile === 'js' && tool === 'az') {
      // @azure/identity: JSON.parse of az's raw stdout; when az also wrote to stderr, that text instead.
      ctx.trace.note('info', msg);
      msg =
        r.stderr ||
        (() => {
          try {
            JSON.parse(r.stdout);
            return (e as Error).message;
          } catch (raw) {
            return (raw as Error).message;
          }
        })();
    }
    if (ctx.profile === 'python' && tool === 'az') throw pyAzUnexpectedOutput(r, ctx, msg);
    throw ctx.inChain
      ? new CredentialUnavailableError(msg)
      : new AuthenticationFailedError({ kind: 'parse', message: msg, errorCodes: [] });
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) {
    const msg = `${tool} printed JSON that is not an object`;
    throw ctx.inChain
      ? new CredentialUnavailableError(msg)
      : new AuthenticationFailedError({ kind: 'parse', message: msg, errorCodes: [] });
  }
  return j as Record<string, unknown>;
}

export function badField(tool: string, field: string, got: unknown, ctx: StepContext): Error {
  const msg = `Unexpected response from ${tool} when getting token. Expected "${field}" to be ${field.toLowerCase().includes('expire') ? 'a timestamp' : 'a non-empty string'}. Got: ${JSON.stringify(typeof got === 'string' ? got.slice(0, 60) : (got ?? null))}`;
  return ctx.inChain
    ? new CredentialUnavailableError(msg)
    : new AuthenticationFailedError({ kind: 'parse', message: msg, errorCodes: [] });
}

export class AzureCLICredential implements Credential {
  readonly name = 'AzureCLICredential' as const;

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    validateDevToolRequest(this.name, request, ctx, { oneScope: true });
    const subscription = ctx.options.subscription;
    if (subscription !== undefined && !isValidSubscription(subscription)) {
      throw new CredentialUnavailableError(
        `Subscription '${subscription}' contains invalid characters. If this is the name of a subscription, use its ID instead. You can locate your subscription by following the instructions listed here: https://learn.microsoft.com/azure/azure-portal/get-subscription-tenant-id`,
      );
    }
    const scope = request.scopes[0]!;
    const args = ['account', 'get-access-token', '--output', 'json', '--resource', scopeToResource(scope)];
    if (request.tenantId) args.push('--tenant', request.tenantId);
    if (subscription) args.push('--subscription', subscription);
    const timeoutMs = devToolTimeout(ctx);
    const tool = devToolEnv(ctx, 'AZURE_CONFIG_DIR', '.azure', 'where az keeps its login (default ~/.azure)');
    ctx.trace.config({
      variables: [tool.variable],
      settings: { timeoutMs, tenant: request.tenantId ?? null, subscription: subscription ?? null },
    });
    const j = await runDevTool(
      {
        credential: this.name,
        tool: 'az',
        args,
        env: tool.env,
        timeoutMs,
        classify: classifyAz,
        text: {
          notInstalled: {
            go: 'Azure CLI not found on path',
            js: "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
          },
          notLoggedIn: {
            go: "Please run 'az login' to set up an account",
            js: "Please run 'az login' from a command prompt to authenticate before using this credential.",
          },
        },
      },
      ctx,
    );
    // Newer az prints expires_on (POSIX seconds); 2.45 only expiresOn (local time without offset).
    const result = toolToken(
      'Azure CLI',
      j,
      'accessToken',
      ['expires_on', 'expiresOn'],
      ctx,
      typeof j.tokenType === 'string' ? j.tokenType : 'Bearer',
    );
    ctx.trace.note(
      'info',
      `az answered for tenant ${String(j.tenant ?? '?')}${j.subscription ? `, subscription ${String(j.subscription)}` : ''}`,
      {
        expiresOn: j.expiresOn ?? null,
        expires_on: j.expires_on ?? null,
        note:
          j.expires_on === undefined
            ? 'expiresOn is local time without an offset (az < 2.54); read as local time like the SDKs'
            : undefined,
      },
    );
    return result;
  }
}
