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
