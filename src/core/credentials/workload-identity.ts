/**
 * WorkloadIdentityCredential (AKS workload identity and any projected service-account token): a client assertion whose
 * value is the token file's content, re-read with a cache window (Go 10 min, JS 5 min). Configuration from options or
 * AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST; unavailable / failed exactly as
 * the SDK of the chosen profile says.
 */
import { stat } from 'node:fs/promises';
import { isUserFileError, readUserFile } from '../fs/read';
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { optionVariable } from './variables';
import { AuthenticationFailedError, CredentialUnavailableError, isAuthenticationFailed } from './types';
import { checkJsConstruction, constructorFailed, jsChainConstruction } from './js-construction';
import { isEndpointsResolution } from './msal/instance-discovery';
import { ClientAssertionCredential } from './client-assertion';
import { parseAllowedTenants } from './msal/base';
import { pathUnderRoot } from '../target/process';
import { pyOsError } from './py-wording';

export interface WorkloadIdentityCredentialOptions {
  tenantId?: string;
  clientId?: string;
  tokenFilePath?: string;
  authorityHost?: string;
  additionallyAllowedTenants?: string[];
  authorityMetadata?: string;
  /** Skip msal's instance discovery (@azure/identity's ManagedIdentityCredential token exchange does). */
  disableInstanceDiscovery?: boolean;
}

/** A projected token is a few KB; anything much bigger is not one. */
export const MAX_TOKEN_FILE_BYTES = 256 * 1024;

const JS_TSG = 'https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot';

function unavailableMessage(profile: string, missing: 'clientId' | 'tenantId' | 'tokenFile'): string {
  if (profile === 'go') {
    switch (missing) {
      case 'clientId':
        return 'WorkloadIdentityCredential: no client ID specified. Check pod configuration or set ClientID in the options';
      case 'tenantId':
        return 'WorkloadIdentityCredential: no tenant ID specified. Check pod configuration or set TenantID in the options';
      default:
        return 'WorkloadIdentityCredential: no token file specified. Check pod configuration or set TokenFilePath in the options';
    }
  }
  const [param, envVar] =
    missing === 'clientId'
      ? ['clientId', 'AZURE_CLIENT_ID']
      : missing === 'tenantId'
        ? ['tenantId', 'AZURE_TENANT_ID']
        : ['federatedTokenFilePath', 'AZURE_FEDERATED_TOKEN_FILE'];
  // Verbatim from @azure/identity, line break and indentation included.
  return `WorkloadIdentityCredential: is unavailable. ${param} is a required parameter. In DefaultAzureCredential and ManagedIdentityCredential, this can be provided as an environment variable - "${envVar}".\n        See the troubleshooting guide for more information: ${JS_TSG}`;
}

/**
 * @azure/identity before 4.5.0 (rules.wiMissingParameters 'named'): one message for any missing parameter, thrown by
 * getToken, so DefaultAzureCredential names it. Verbatim from workloadIdentityCredential.js, spaces and breaks included.
 */
const JS_NAMED_MISSING = `WorkloadIdentityCredential: is unavailable. tenantId, clientId, and federatedTokenFilePath are required parameters. \n      In DefaultAzureCredential and ManagedIdentityCredential, these can be provided as environment variables - \n      "AZURE_TENANT_ID",\n      "AZURE_CLIENT_ID",\n      "AZURE_FEDERATED_TOKEN_FILE". See the troubleshooting guide for more information: ${JS_TSG}  `;

/** The release's JS rule, or the newest behaviour where the release (or SDK) has none. */
function jsRule<K extends 'wiMissingParameters' | 'wiTokenFile'>(ctx: StepContext, key: K) {
  return ctx.profile === 'js' ? ctx.release?.rules[key] : undefined;
}

export class WorkloadIdentityCredential implements Credential {
  readonly name = 'WorkloadIdentityCredential' as const;
  #inner: ClientAssertionCredential | undefined;
  #innerKey = '';
  #cache: { content: string; readAt: number; path: string } | undefined;
  #ctx: StepContext | undefined;

  constructor(private readonly options: WorkloadIdentityCredentialOptions = {}) {}

  /** Cache window for the token file's content per profile. */
  static cacheWindowMs(profile: string): number {
    return profile === 'js' ? 5 * 60_000 : 10 * 60_000;
  }

  async #readTokenFile(path: string, ctx: StepContext): Promise<string> {
    const now = ctx.now();
    const c = this.#cache;
    if (c && c.path === path && now - c.readAt < WorkloadIdentityCredential.cacheWindowMs(ctx.profile)) {
      ctx.trace.note(
        'debug',
        `WorkloadIdentityCredential: using the token file content read ${Math.round((now - c.readAt) / 1000)} s ago (re-read every ${WorkloadIdentityCredential.cacheWindowMs(ctx.profile) / 60_000} min).`,
      );
      return c.content;
    }
    let bytes: Buffer;
    try {
      bytes = await readUserFile(pathUnderRoot(ctx.options.target?.root, path), {
        maxBytes: MAX_TOKEN_FILE_BYTES,
        what: 'federated token file',
      });
    } catch (e) {
      if (!isUserFileError(e)) throw e;
      ctx.trace.config({ files: [{ path, exists: e.kind !== 'not-found', note: e.detail }] });
      const detail = e.kind === 'too-large' ? `${e.detail} (too large for a service-account token)` : e.detail;
      // Python's token file reader is a bare open(): its OSError is the chain's text (token_exchange.py).
      const py =
        ctx.profile === 'python' ? pyOsError(e.code ?? (/directory/.test(e.detail) ? 'EISDIR' : ''), path) : '';
      throw new AuthenticationFailedError(
        {
          kind: 'config',
          message: py || `WorkloadIdentityCredential: failed to read the federated token file "${path}": ${detail}.`,
          errorCodes: [],
        },
        { cause: e },
      );
    }
    const real = pathUnderRoot(ctx.options.target?.root, path);
    const mtime = await stat(real).then(
      (st) => `, modified ${new Date(st.mtimeMs).toISOString()}`,
      () => '',
    );
    ctx.trace.config({
      files: [
        {
          path,
          exists: true,
          size: bytes.length,
          note: `federated token file${mtime}${real !== path ? `, read as ${real}` : ''}`,
        },
      ],
    });
    const content = bytes.toString('utf8').trim();
    if (!content) {
      throw new CredentialUnavailableError(
        ctx.profile === 'go'
          ? `WorkloadIdentityCredential: No content on the file ${path}.`
          : `WorkloadIdentityCredential: is unavailable. No content on the file ${path}.`,
      );
    }
    ctx.trace.addSecret?.(content);
    this.#cache = { content, readAt: now, path };
    return content;
  }

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    this.#ctx = ctx;
    const env = ctx.env;
    const clientId = this.options.clientId ?? env.AZURE_CLIENT_ID;
    const tenantId = this.options.tenantId ?? env.AZURE_TENANT_ID;
    const tokenFile = this.options.tokenFilePath ?? env.AZURE_FEDERATED_TOKEN_FILE;
    const authorityHost = this.options.authorityHost ?? ctx.options.authorityHost ?? env.AZURE_AUTHORITY_HOST;
    ctx.trace.config({
      variables: [
        optionVariable(env, 'AZURE_CLIENT_ID', this.options.clientId),
        optionVariable(env, 'AZURE_TENANT_ID', this.options.tenantId),
        optionVariable(env, 'AZURE_FEDERATED_TOKEN_FILE', this.options.tokenFilePath),
        { name: 'AZURE_AUTHORITY_HOST', set: Boolean(env.AZURE_AUTHORITY_HOST), value: env.AZURE_AUTHORITY_HOST },
      ],
    });
    const order: ('clientId' | 'tenantId' | 'tokenFile')[] =
      ctx.profile === 'go' ? ['clientId', 'tokenFile', 'tenantId'] : ['clientId', 'tenantId', 'tokenFile'];
    const values = { clientId, tenantId, tokenFile };
    // In @azure/identity these are constructor checks (tenant id format first, then each parameter, then the msal
    // client's authority host): inside DefaultAzureCredential a throwing constructor leaves a silent placeholder.
    const jsChain = jsChainConstruction(ctx);
    if (jsChain && tenantId) checkJsConstruction(ctx, { tenantId, identityClient: false });
    // Go uses os.LookupEnv (a variable set to "" counts as set); JS uses `||` (empty counts as missing).
    const missing = (v: string | undefined) => (ctx.profile === 'go' ? v === undefined : !v?.trim());
    for (const k of order) {
      if (!missing(values[k])) continue;
      if (jsRule(ctx, 'wiMissingParameters') === 'named') throw new CredentialUnavailableError(JS_NAMED_MISSING);
      const message = unavailableMessage(ctx.profile, k);
      throw jsChain ? constructorFailed(message) : new CredentialUnavailableError(message);
    }
    if (jsChain) checkJsConstruction(ctx, { identityClient: true });
    if (!tokenFile?.trim())
      throw new AuthenticationFailedError({
        kind: 'config',
        message: 'WorkloadIdentityCredential: AZURE_FEDERATED_TOKEN_FILE is set but empty.',
        errorCodes: [],
      });
    const path = tokenFile!.trim();
    const key = `${clientId}|${tenantId}|${authorityHost ?? ''}`;
    if (!this.#inner || this.#innerKey !== key) {
      this.#inner = new ClientAssertionCredential({
        reportAs: 'WorkloadIdentityCredential',
        tenantId: (tenantId ?? '').trim(),
        clientId: (clientId ?? '').trim(),
        authorityHost,
        authorityMetadata: this.options.authorityMetadata,
        disableInstanceDiscovery: this.options.disableInstanceDiscovery,
        additionallyAllowedTenants:
          this.options.additionallyAllowedTenants ?? parseAllowedTenants(env.AZURE_ADDITIONALLY_ALLOWED_TENANTS),
        getAssertion: () => this.#readTokenFile(path, this.#ctx ?? ctx),
      });
      this.#innerKey = key;
    }
    return this.#exchange(request, ctx, path, jsChain);
  }

  /** Reads the token file and exchanges it, with the failure classes of the profile's release. */
  async #exchange(request: TokenRequest, ctx: StepContext, path: string, jsChain: boolean): Promise<AccessTokenResult> {
    const inner = this.#inner!;
    if (!jsChain) {
      // Read once up front so an empty / missing file is reported before any network call.
      await this.#readTokenFile(path, ctx);
      return inner.getToken(request, ctx);
    }
    if (jsRule(ctx, 'wiTokenFile') === 'direct') {
      // Before 4.4.0 the file is read before msal is called: its failures reach the chain as they are.
      try {
        await this.#readTokenFile(path, ctx);
      } catch (e) {
        throw isAuthenticationFailed(e) ? nodeFileFailure(e) : e;
      }
    }
    try {
      await this.#readTokenFile(path, ctx);
      return await inner.getToken(request, ctx);
    } catch (e) {
      throw asAuthenticationRequired(e, ctx);
    }
  }
}

/**
 * @azure/identity's WorkloadIdentityCredential lets msal's errors through handleMsalError (msal/utils), which turns
 * every one that is not a configuration, abort or authentication error into AuthenticationRequiredError — and
 * ChainedTokenCredential treats that as "unavailable": an unreadable token file, or an Entra answer such as AADSTS70021
 * (no federated credential matches the token's subject), moves DefaultAzureCredential on. The message is msal's own
 * text (for a server error: "invalid_request: Error(s): 70021 - Timestamp: … - Description: …").
 */
function asAuthenticationRequired(e: unknown, ctx: StepContext): unknown {
  // endpoints_resolution_error is mapped to CredentialUnavailableError itself (handleMsalError).
  if (ctx.signal.aborted || isEndpointsResolution(e)) return e;
  const message = isAuthenticationFailed(e) ? (innerMessage(e) ?? e.message) : ((e as Error)?.message ?? String(e));
  ctx.trace.note(
    'info',
    `WorkloadIdentityCredential: @azure/identity reports this as AuthenticationRequiredError, so DefaultAzureCredential moves on: ${(e as Error)?.message ?? String(e)}`,
  );
  return new CredentialUnavailableError(message, { cause: e, sdkErrorName: 'AuthenticationRequiredError' });
}

/** msal's ServerError text, or Node's own message for the file (the SDK reads it with readFile: "open", not "stat"). */
function innerMessage(e: unknown): string | undefined {
  let cur: unknown = (e as { cause?: unknown }).cause;
  for (let depth = 0; cur instanceof Error && depth < 5; depth++, cur = (cur as { cause?: unknown }).cause) {
    const c = cur as Error & { errorCode?: unknown; syscall?: unknown };
    if (typeof c.errorCode === 'string' || typeof c.syscall === 'string')
      return c.message.replace(/, (stat|lstat|fstat) '/, ", open '");
  }
  return undefined;
}

/** A token file @azure/identity before 4.4.0 could not read: Node's error, which stops DefaultAzureCredential. */
function nodeFileFailure(e: AuthenticationFailedError): AuthenticationFailedError {
  const message = innerMessage(e) ?? e.message;
  return new AuthenticationFailedError({ ...e.info, message, sdkErrorName: 'Error' }, { cause: e });
}
