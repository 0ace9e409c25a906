/**
 * One developer-tool run, the same for az, azd and pwsh: a traced execFile (never a shell) with the time limit and the
 * tool's stdout kept out of the trace, a failure classified into the SDK's words, the JSON answer parsed, and the
 * token and expiry fields checked. Each credential keeps only what differs: its arguments, environment and wording.
 */
import type { CredentialName } from '../model';
import type { DevToolClass } from '../process/classify';
import { parseToolExpiry } from '../process/classify';
import type { ProcessResult } from '../process/types';
import { SecretValue } from '../secret';
import type { AccessTokenResult, StepContext } from './types';
import {
  badField,
  DEV_TOOL_TIMEOUT_MS,
  devToolCwd,
  devToolFailure,
  parseToolJson,
  type FailureText,
} from './azure-cli';

export interface DevToolRun {
  credential: CredentialName;
  tool: 'az' | 'azd' | 'pwsh';
  /** What runs unless EngineOptions.executables names the tool (default: the tool's name). */
  defaultCommand?: string;
  args: string[];
  env: Record<string, string | undefined>;
  timeoutMs: number;
  classify: (r: ProcessResult) => DevToolClass;
  /** What the SDKs say when the tool is missing or not signed in. */
  text: FailureText;
}

/** How long a tool may run: the caller's process limit, else the SDKs' 10 s. */
export function devToolTimeout(ctx: StepContext): number {
  return ctx.options.processTimeoutMs ?? DEV_TOOL_TIMEOUT_MS;
}

/** Runs the tool and returns its JSON answer, or throws the failure the chain sees. */
export async function runDevTool(run: DevToolRun, ctx: StepContext): Promise<Record<string, unknown>> {
  const r = await ctx.proc.run({
    command: ctx.options.executables?.[run.tool] ?? run.defaultCommand ?? run.tool,
    args: run.args,
    env: run.env,
    cwd: devToolCwd(),
    timeoutMs: run.timeoutMs,
    signal: ctx.signal,
    hideStdout: true,
    classify: (res) => run.classify(res),
  });
  const cls = run.classify(r);
  if (cls !== 'ok') throw devToolFailure(run.credential, run.tool, cls, r, ctx, run.text, run.timeoutMs);
  return parseToolJson(run.tool, r, ctx);
}

/**
 * The token in `j[tokenField]` and the first readable expiry among `expiryFields` (the last one is named when none
 * is); the token joins the trace's secrets at once.
 */
export function toolToken(
  product: string,
  j: Record<string, unknown>,
  tokenField: string,
  expiryFields: readonly string[],
  ctx: StepContext,
  tokenType = 'Bearer',
): AccessTokenResult {
  const token = j[tokenField];
  if (typeof token !== 'string' || !token) throw badField(product, tokenField, token, ctx);
  ctx.trace.addSecret?.(token);
  let exp: number | undefined;
  for (const f of expiryFields) exp ??= parseToolExpiry(j[f]);
  const named = expiryFields[expiryFields.length - 1]!;
  if (exp === undefined) throw badField(product, named, j[named], ctx);
  return { token: new SecretValue(token), expiresOnEpochMs: exp, tokenType };
}
