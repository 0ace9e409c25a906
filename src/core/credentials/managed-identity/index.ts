/**
 * ManagedIdentityCredential, implemented by the engine (msal-node keeps the detected source and its tokens in static
 * state, which a debugger that re-runs with changed settings cannot use). Source detection in msal-node's order:
 * Service Fabric → App Service → Azure ML → Cloud Shell → Azure Arc → IMDS.
 */
import {
  CredentialUnavailableError,
  type AccessTokenResult,
  type Credential,
  type StepContext,
  type TokenRequest,
} from '../types';
import { describeIdentity, requestedIdentity, scopeToMiResource, type MiSource } from './common';
import { imdsToken } from './imds';
import { appServiceToken, cloudShellToken, machineLearningToken, serviceFabricToken } from './sources';
import { checkJsConstruction } from '../js-construction';
import { pyTokenExchange } from '../py-token-exchange';
import { WorkloadIdentityCredential } from '../workload-identity';
import { ARC_DEFAULT_ENDPOINT, arcKeyDirectory, arcToken, himdsExists } from './arc';
import { isCredentialUnavailable } from '../types';
import { newestRelease } from '../../sdk/releases';

export { imdsRetrySpanSeconds, IMDS_DEFAULT } from './imds';
export type { MiSource } from './common';

const MI_VARIABLES = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'DEFAULT_IDENTITY_CLIENT_ID',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'AZURE_CLIENT_ID',
];

/** Which hosting source the environment describes, and why. */
export function detectSource(
  env: Readonly<Record<string, string | undefined>>,
  arcAgentPresent: boolean = himdsExists(),
): { source: MiSource; reason: string } {
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER && env.IDENTITY_SERVER_THUMBPRINT)
    return {
      source: 'ServiceFabric',
      reason: 'IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set',
    };
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER)
    return { source: 'AppService', reason: 'IDENTITY_ENDPOINT and IDENTITY_HEADER are set' };
  if (env.MSI_ENDPOINT && env.MSI_SECRET)
    return { source: 'MachineLearning', reason: 'MSI_ENDPOINT and MSI_SECRET are set' };
  if (env.MSI_ENDPOINT) return { source: 'CloudShell', reason: 'MSI_ENDPOINT is set (without MSI_SECRET)' };
  if (env.IDENTITY_ENDPOINT && env.IMDS_ENDPOINT)
    return { source: 'AzureArc', reason: 'IDENTITY_ENDPOINT and IMDS_ENDPOINT are set' };
  if (arcAgentPresent) return { source: 'AzureArc', reason: 'the Azure Connected Machine agent (himds) is installed' };
  return { source: 'Imds', reason: 'no other source is configured: IMDS (Azure VM, scale set, AKS node…)' };
}

export class ManagedIdentityCredential implements Credential {
  readonly name = 'ManagedIdentityCredential' as const;
  #exchange: WorkloadIdentityCredential | undefined;

  /**
   * JS (tokenExchangeMsi) and .NET (TokenExchangeManagedIdentitySource): with a client id, AZURE_TENANT_ID and
   * AZURE_FEDERATED_TOKEN_FILE all set, managed identity is the workload-identity exchange, before any source
   * detection or probe (src/core/sdk/rules.ts, miTokenExchange). JS turns every failure into "unavailable" with its
   * "Authentication failed. Message" prefix.
   */
  private async tokenExchange(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult | undefined> {
    const rules = (ctx.release ?? newestRelease(ctx.profile)).rules;
    const clientId = ctx.options.managedIdentityClientId || ctx.env.AZURE_CLIENT_ID;
    if (!rules.miTokenExchange || !clientId || !ctx.env.AZURE_TENANT_ID || !ctx.env.AZURE_FEDERATED_TOKEN_FILE)
      return undefined;
    // Python (managed_identity.py, read in 1.13.0b2): only after the App Service / Arc / Cloud Shell / Azure ML
    // variables, and only with AZURE_AUTHORITY_HOST set too (EnvironmentVariables.TOKEN_EXCHANGE_VARS).
    const env = ctx.env;
    if (ctx.profile === 'python' && (!env.AZURE_AUTHORITY_HOST || env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT))
      return undefined;
    ctx.trace.note(
      'info',
      'managed identity uses token exchange: a client id, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are all set, so the workload-identity assertion is exchanged instead of asking a managed-identity endpoint',
    );
    if (ctx.profile === 'python')
      return pyTokenExchange(request, ctx, {
        clientId,
        tenantId: env.AZURE_TENANT_ID!,
        tokenFile: env.AZURE_FEDERATED_TOKEN_FILE!,
      });
    // tokenExchangeMsi.js passes disableInstanceDiscovery: true.
    this.#exchange ??= new WorkloadIdentityCredential({ clientId, disableInstanceDiscovery: true });
    try {
      return await this.#exchange.getToken(request, ctx);
    } catch (e) {
      if (ctx.signal.aborted || ctx.profile !== 'js') throw e;
      const message = (e as Error)?.message ?? String(e);
      if (isCredentialUnavailable(e) && message.startsWith('ManagedIdentityCredential')) throw e;
      // ManagedIdentityCredential's catch passes AuthenticationRequiredError through unchanged (workload identity's
      // failures in the JS chain, workload-identity.ts).
      if (isCredentialUnavailable(e) && e.sdkErrorName === 'AuthenticationRequiredError') throw e;
      throw new CredentialUnavailableError(`ManagedIdentityCredential: Authentication failed. Message ${message}`, {
        cause: e,
      });
    }
  }

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    const env = ctx.env;
    ctx.trace.config({
      variables: MI_VARIABLES.map((name) => ({ name, set: Boolean(env[name]), value: env[name] })),
      settings: {
        managedIdentityClientId: ctx.options.managedIdentityClientId ?? null,
        managedIdentityObjectId: ctx.options.managedIdentityObjectId ?? null,
        managedIdentityResourceId: ctx.options.managedIdentityResourceId ?? null,
      },
    });
    // @azure/identity builds an IdentityClient in the constructor: an http authority host makes it throw (js-construction.ts).
    checkJsConstruction(ctx, { identityClient: true });
    const exchange = await this.tokenExchange(request, ctx);
    if (exchange) return exchange;
    const resource = scopeToMiResource(request.scopes);
    const idOrConflict = requestedIdentity(ctx);
    if (idOrConflict && 'conflict' in idOrConflict)
      throw new CredentialUnavailableError(`ManagedIdentityCredential: ${idOrConflict.conflict}`);
    const id = idOrConflict;
    const { source, reason } = detectSource(env);
    ctx.trace.note(
      'info',
      `managed-identity source: ${source} (${reason}); asking for the ${describeIdentity(id)}${id ? ` from ${id.from}` : ''}`,
    );
    if (request.tenantId)
      ctx.trace.note('debug', "managed identity ignores the tenant: the token comes from the identity's own tenant");

    switch (source) {
      case 'Imds':
        return imdsToken(ctx, resource, id);
      case 'AppService':
        return appServiceToken(ctx, resource, id);
      case 'CloudShell':
        return cloudShellToken(ctx, resource, id);
      case 'MachineLearning':
        return machineLearningToken(ctx, resource, id);
      case 'ServiceFabric':
        return serviceFabricToken(ctx, resource, id);
      case 'AzureArc': {
        const endpoint = env.IDENTITY_ENDPOINT ?? ARC_DEFAULT_ENDPOINT;
        ctx.trace.config({
          endpoints: [{ name: 'Azure Arc (IDENTITY_ENDPOINT)', url: endpoint }],
          settings: { keyDirectory: arcKeyDirectory(ctx) },
        });
        return arcToken(ctx, endpoint, resource, id);
      }
    }
  }
}
