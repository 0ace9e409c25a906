/**
 * What @azure/identity's DefaultAzureCredential does with a member whose constructor throws (JS profile, in a chain).
 *
 * defaultAzureCredential.ts builds every member inside a try/catch and replaces one that throws by
 * UnavailableDefaultCredential, whose getToken resolves null: the chain moves on, and ChainedTokenCredential's
 * combined error never names it (it collects thrown errors only). When every member was replaced, the chain ends with
 * CredentialUnavailableError "Failed to retrieve a valid token". So a failure the SDK meets while *constructing* a
 * credential is never a chain-stopping error in JS, and never appears in its message.
 *
 * The constructor checks reproduced here (read in @azure/identity 4.13 / 4.14 sources):
 * - checkTenantId (util/tenantIdUtils): a tenant id outside [0-9a-zA-Z-.] (EnvironmentCredential's inner credentials,
 *   WorkloadIdentityCredential);
 * - IdentityClient's constructor (client/identityClient): an authority host (option, else AZURE_AUTHORITY_HOST, else the
 *   public cloud) that does not start with "https:" — every credential built on it: EnvironmentCredential's inner
 *   credentials, WorkloadIdentityCredential, ManagedIdentityCredential;
 * - WorkloadIdentityCredential's constructor: no client id, tenant id or token file (workload-identity.ts).
 */
import { invalidTenantMessage, isValidTenantId } from './msal/authority';
import { CredentialUnavailableError, type StepContext } from './types';
import type { ErrorInfo } from '../model';
import type { ResolvedRelease } from '../sdk/releases';
import { pyFatalConstruction } from './py-construction';

/** True where a constructor failure becomes a silent placeholder: @azure/identity's DefaultAzureCredential. */
export function jsChainConstruction(ctx: StepContext): boolean {
  return ctx.inChain && ctx.profile === 'js';
}

/** The error the engine throws for a member the SDK could not construct: unavailable, and never named. */
export function constructorFailed(message: string, cause?: unknown): CredentialUnavailableError {
  return new CredentialUnavailableError(message, { cause, placeholder: true });
}

/** IdentityClient's check, with its wording (client/identityClient getIdentityClientAuthorityHost uses `??`). */
export function jsAuthorityHostProblem(ctx: StepContext): string | undefined {
  const host = ctx.options.authorityHost ?? ctx.env.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com';
  return host.startsWith('https:') ? undefined : "The authorityHost address must use the 'https' protocol.";
}

/**
 * Throws the placeholder error when @azure/identity's constructor would throw for this tenant id or authority host
 * (tenant first: checkTenantId runs before the msal client, and so before IdentityClient, is built).
 */
export function checkJsConstruction(ctx: StepContext, o: { tenantId?: string; identityClient: boolean }): void {
  if (!jsChainConstruction(ctx)) return;
  if (o.tenantId && !isValidTenantId(o.tenantId)) throw constructorFailed(invalidTenantMessage('js'));
  const authority = o.identityClient ? jsAuthorityHostProblem(ctx) : undefined;
  if (authority) throw constructorFailed(authority);
}

/**
 * Before 4.1.0 (rules.constructorFailure 'fatal') DefaultAzureCredential builds every member in its own constructor
 * with no try/catch, so the first member whose constructor throws makes `new DefaultAzureCredential()` itself throw
 * (read in 3.4.2 and 4.0.1, defaultAzureCredential.js). Returns that error's message, in construction order
 * (EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential; the developer tools' constructors
 * check nothing DefaultAzureCredential passes them), or undefined when every member can be built.
 */
export function jsFatalConstruction(
  env: Readonly<Record<string, string | undefined>>,
  options: { authorityHost?: string },
  members: readonly string[],
): string | undefined {
  const host = options.authorityHost ?? env.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com';
  const insecure = host.startsWith('https:') ? undefined : "The authorityHost address must use the 'https' protocol.";
  const tenant = env.AZURE_TENANT_ID;
  const badTenant = tenant && !isValidTenantId(tenant) ? invalidTenantMessage('js') : undefined;
  const clientId = env.AZURE_CLIENT_ID;
  for (const m of members) {
    if (m === 'EnvironmentCredential') {
      // environmentCredential.js: checkTenantId whenever AZURE_TENANT_ID is set, then the inner credential's
      // msal client (and its IdentityClient) when one of the three configurations is complete.
      if (badTenant) return badTenant;
      const inner =
        tenant &&
        clientId &&
        (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH || (env.AZURE_USERNAME && env.AZURE_PASSWORD));
      if (inner && insecure) return insecure;
    } else if (m === 'WorkloadIdentityCredential') {
      if (badTenant) return badTenant;
      if (tenant && clientId && env.AZURE_FEDERATED_TOKEN_FILE && insecure) return insecure;
    } else if (m === 'ManagedIdentityCredential') {
      // Its constructor always builds an IdentityClient.
      if (insecure) return insecure;
    }
  }
  return undefined;
}

/**
 * The chain-level error for a release whose DefaultAzureCredential cannot be built (rules.constructorFailure 'fatal'):
 * @azure/identity before 4.1.0 (jsFatalConstruction) and Python azure-identity (py-construction.ts).
 */
export function fatalConstructionError(
  release: ResolvedRelease,
  env: Readonly<Record<string, string | undefined>>,
  options: { authorityHost?: string; managedIdentityClientId?: string },
  members: readonly string[],
): ErrorInfo | undefined {
  if (release.rules.constructorFailure !== 'fatal') return undefined;
  const message =
    release.sdk === 'js'
      ? jsFatalConstruction(env, options, members)
      : release.sdk === 'python'
        ? pyFatalConstruction(env, options, members)
        : undefined;
  return message ? { kind: 'config', message, errorCodes: [] } : undefined;
}
