/**
 * ManagedIdentityCredential, implemented by the engine (msal-node keeps the detected source and its tokens in static
 * state, which a debugger that re-runs with changed settings cannot use). Source detection in msal-node's order:
 * Service Fabric → App Service → Azure ML → Cloud Shell → Azure Arc → IMDS.
 */
import type { HttpResponse } from '../../http/types';
import {
  CredentialUnavailableError,
  type AccessTokenResult,
  type Credential,
  type StepContext,
  type TokenRequest,
} from '../types';
import {
  defaultSourceRetry,
  describeIdentity,
  errorText,
  jsMiFailureMessage,
  miError,
  miNetworkError,
  requestedIdentity,
  scopeToMiResource,
  tokenFromResponse,
  withQuery,
  type MiSource,
  type UserAssigned,
} from './common';
import { imdsToken } from './imds';
import { checkJsConstruction } from '../js-construction';
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

const SOURCE_NAME: Record<MiSource, string> = {
  ServiceFabric: 'Service Fabric',
  AppService: 'App Service',
  MachineLearning: 'Azure ML',
  CloudShell: 'Cloud Shell',
  AzureArc: 'Azure Arc',
  Imds: 'IMDS',
};

async function send(
  ctx: StepContext,
  source: MiSource,
  req: Parameters<StepContext['http']['send']>[0],
): Promise<HttpResponse> {
  try {
    return await ctx.http.send({ signal: ctx.signal, timeoutMs: 30_000, retry: defaultSourceRetry(ctx), ...req });
  } catch (e) {
    throw miNetworkError(ctx, SOURCE_NAME[source], e);
  }
}

function answer(ctx: StepContext, source: MiSource, r: HttpResponse, id: UserAssigned | undefined): AccessTokenResult {
  if (r.status === 200) return tokenFromResponse(ctx, r, source);
  const { text, codes, oauthError } = errorText(r);
  const after = r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
  if (ctx.profile === 'js') {
    ctx.trace.note('info', `${source} answered HTTP ${r.status}${after}: ${text}`);
    throw new CredentialUnavailableError(jsMiFailureMessage(ctx, r));
  }
  if (r.status === 400 && id) {
    throw miError(
      ctx,
      'go-failed',
      `the requested identity isn't assigned to this resource: ${source} answered 400 for the ${describeIdentity(id)} from ${id.from} (${text})`,
      {
        httpStatus: 400,
        errorCodes: codes,
        oauthError,
      },
    );
  }
  throw miError(ctx, 'failed', `${source} answered HTTP ${r.status}${after}: ${text}`, {
    httpStatus: r.status,
    errorCodes: codes,
    oauthError,
  });
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
      case 'AppService': {
        const url = withQuery(env.IDENTITY_ENDPOINT!, {
          'api-version': '2019-08-01',
          resource,
          client_id: id?.kind === 'clientId' ? id.value : undefined,
          object_id: id?.kind === 'objectId' ? id.value : undefined,
          mi_res_id: id?.kind === 'resourceId' ? id.value : undefined,
        });
        ctx.trace.config({ endpoints: [{ name: 'App Service (IDENTITY_ENDPOINT)', url: env.IDENTITY_ENDPOINT! }] });
        return answer(
          ctx,
          source,
          await send(ctx, source, { method: 'GET', url, headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER! } }),
          id,
        );
      }
      case 'CloudShell': {
        if (id) {
          throw miError(
            ctx,
            'unavailable',
            `Specifying a user-assigned managed identity is not supported for CloudShell at runtime. When using Managed Identity in CloudShell, omit the clientId, resourceId and objectId (got ${describeIdentity(id)} from ${id.from}).`,
          );
        }
        ctx.trace.config({ endpoints: [{ name: 'Cloud Shell (MSI_ENDPOINT)', url: env.MSI_ENDPOINT! }] });
        return answer(
          ctx,
          source,
          await send(ctx, source, {
            method: 'POST',
            url: env.MSI_ENDPOINT!,
            headers: { Metadata: 'true' },
            body: new URLSearchParams({ resource }),
          }),
          id,
        );
      }
      case 'MachineLearning': {
        if (id && id.kind !== 'clientId') {
          throw miError(
            ctx,
            'unavailable',
            `Azure Machine Learning selects user-assigned identities by client id only (got ${id.kind} from ${id.from})`,
          );
        }
        const clientid = id?.value ?? env.DEFAULT_IDENTITY_CLIENT_ID;
        const url = withQuery(env.MSI_ENDPOINT!, { 'api-version': '2017-09-01', resource, clientid });
        ctx.trace.config({ endpoints: [{ name: 'Azure ML (MSI_ENDPOINT)', url: env.MSI_ENDPOINT! }] });
        return answer(
          ctx,
          source,
          await send(ctx, source, { method: 'GET', url, headers: { Metadata: 'true', secret: env.MSI_SECRET! } }),
          id,
        );
      }
      case 'ServiceFabric': {
        if (id) {
          throw miError(
            ctx,
            'unavailable',
            `Service Fabric doesn't support selecting a user-assigned identity at runtime; configure it in the cluster (got ${describeIdentity(id)} from ${id.from})`,
          );
        }
        const url = withQuery(env.IDENTITY_ENDPOINT!, { 'api-version': '2019-07-01-preview', resource });
        ctx.trace.config({ endpoints: [{ name: 'Service Fabric (IDENTITY_ENDPOINT)', url: env.IDENTITY_ENDPOINT! }] });
        const https = url.startsWith('https:');
        // The cluster certificate is self-signed: the SDKs accept any certificate here. We do too, and compare thumbprints.
        const r = await send(ctx, source, {
          method: 'GET',
          url,
          headers: { secret: env.IDENTITY_HEADER!, Accept: 'application/json' },
          tlsVerify: https ? 'skip' : 'default',
        });
        if (https) {
          const expected = (env.IDENTITY_SERVER_THUMBPRINT ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase();
          const seen = r.peerCertificateSha1;
          if (seen && expected && seen !== expected) {
            ctx.trace.note(
              'warn',
              `the Service Fabric endpoint presented a certificate with thumbprint ${seen}, not IDENTITY_SERVER_THUMBPRINT ${expected}; the SDKs do not check it, so the request went ahead`,
            );
          } else if (seen) {
            ctx.trace.note(
              'info',
              `Service Fabric certificate thumbprint ${seen} matches IDENTITY_SERVER_THUMBPRINT (not CA-validated: the cluster certificate is self-signed, as the SDKs accept)`,
            );
          }
        }
        return answer(ctx, source, r, id);
      }
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
