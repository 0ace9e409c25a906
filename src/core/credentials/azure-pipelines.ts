/**
 * AzurePipelinesCredential (the SDKs' AzurePipelinesCredential): an Azure Pipelines job's OIDC token for a service
 * connection, requested from the agent (POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id>,
 * Authorization: Bearer $SYSTEM_ACCESSTOKEN → {"oidcToken": "<jwt>"}), then presented to Entra ID as a client assertion
 * through the msal flows' ClientAssertionCredential. Configuration from options or the variables the AzureCLI@2 task
 * sets (AZURESUBSCRIPTION_CLIENT_ID / _TENANT_ID / _SERVICE_CONNECTION_ID), falling back to AZURE_CLIENT_ID /
 * AZURE_TENANT_ID; SYSTEM_ACCESSTOKEN must be mapped into the step explicitly.
 */
import { secretOf, type SecretInput } from './msal/common';
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { optionVariable } from './variables';
import { CredentialUnavailableError } from './types';
import { ciTimeout, FederatedCiCredential, fetchCiOidcToken, type FederatedCiOptions } from './ci-oidc';

export const PIPELINES_OIDC_API_VERSION = '7.1';

export interface AzurePipelinesCredentialOptions extends FederatedCiOptions {
  serviceConnectionId?: string;
  /** $(System.AccessToken); SYSTEM_ACCESSTOKEN when absent. */
  systemAccessToken?: SecretInput;
}

function first(...values: (string | undefined)[]): string | undefined {
  for (const v of values) if (v !== undefined && v.trim() !== '') return v.trim();
  return undefined;
}

export class AzurePipelinesCredential extends FederatedCiCredential implements Credential {
  readonly name = 'AzurePipelinesCredential' as const;

  constructor(private readonly options: AzurePipelinesCredentialOptions = {}) {
    super(options);
  }

  async requestOidcToken(
    ctx: StepContext,
    oidcUri: string,
    serviceConnectionId: string,
    accessToken: string,
  ): Promise<string> {
    const target = this.oidcUrl(oidcUri, 'SYSTEM_OIDCREQUESTURI', (u) => {
      u.searchParams.set('api-version', PIPELINES_OIDC_API_VERSION);
      u.searchParams.set('serviceConnectionId', serviceConnectionId);
      return u.toString();
    });
    ctx.trace.note('debug', `${this.name}: requesting an OIDC token for service connection ${serviceConnectionId}`);
    const token = await fetchCiOidcToken(ctx, {
      credential: this.name,
      request: {
        method: 'POST',
        url: target,
        // X-TFS-FedAuthRedirect: Suppress makes a refused token answer 401 instead of a 302/203 sign-in page.
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          'x-tfs-fedauthredirect': 'Suppress',
        },
        body: '',
      },
      timeoutMs: ciTimeout(ctx, this.options),
      endpoint: "agent's OIDC endpoint (SYSTEM_OIDCREQUESTURI)",
      answered: 'the OIDC request',
      field: 'oidcToken',
      fieldSource: 'OIDC request',
      why: (status) =>
        status === 401
          ? ' SYSTEM_ACCESSTOKEN was refused: map it into the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) — it is not available to scripts otherwise.'
          : status === 404
            ? ` Service connection ${serviceConnectionId} was not found, or this pipeline is not authorized to use it.`
            : status === 400
              ? ' The request was rejected; check the service connection id.'
              : '',
      ids: (res) => {
        const ids = [
          res.headers['x-vss-e2eid'] && `x-vss-e2eid ${res.headers['x-vss-e2eid']}`,
          res.headers['x-msedge-ref'] && `x-msedge-ref ${res.headers['x-msedge-ref']}`,
        ].filter(Boolean);
        return ids.length ? ` (${ids.join(', ')})` : '';
      },
    });
    return token;
  }

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    this.enterStep(ctx);
    const env = ctx.env;
    const o = this.options;
    const clientId = first(o.clientId, env.AZURESUBSCRIPTION_CLIENT_ID, env.AZURE_CLIENT_ID);
    const tenantId = first(o.tenantId, env.AZURESUBSCRIPTION_TENANT_ID, env.AZURE_TENANT_ID);
    const serviceConnectionId = first(o.serviceConnectionId, env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID);
    const accessToken = first(secretOf(o.systemAccessToken), env.SYSTEM_ACCESSTOKEN);
    const oidcUri = first(env.SYSTEM_OIDCREQUESTURI);
    if (accessToken) ctx.trace.addSecret?.(accessToken);
    ctx.trace.config({
      variables: [
        { name: 'TF_BUILD', set: Boolean(env.TF_BUILD), value: env.TF_BUILD },
        { name: 'SYSTEM_OIDCREQUESTURI', set: Boolean(oidcUri), value: oidcUri },
        {
          name: 'SYSTEM_ACCESSTOKEN',
          set: Boolean(env.SYSTEM_ACCESSTOKEN),
          note: o.systemAccessToken ? 'overridden by option; secret' : 'secret: value not shown',
        },
        optionVariable(env, 'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID', o.serviceConnectionId),
        {
          name: 'AZURESUBSCRIPTION_CLIENT_ID',
          set: Boolean(env.AZURESUBSCRIPTION_CLIENT_ID),
          value: env.AZURESUBSCRIPTION_CLIENT_ID,
        },
        {
          name: 'AZURESUBSCRIPTION_TENANT_ID',
          set: Boolean(env.AZURESUBSCRIPTION_TENANT_ID),
          value: env.AZURESUBSCRIPTION_TENANT_ID,
        },
        { name: 'AZURE_CLIENT_ID', set: Boolean(env.AZURE_CLIENT_ID), value: env.AZURE_CLIENT_ID },
        { name: 'AZURE_TENANT_ID', set: Boolean(env.AZURE_TENANT_ID), value: env.AZURE_TENANT_ID },
      ],
    });
    if (!oidcUri) {
      throw new CredentialUnavailableError(
        `${this.name}: is unavailable. Missing system environment variable: SYSTEM_OIDCREQUESTURI (${/^true$/i.test(env.TF_BUILD ?? '') ? 'the agent is too old to issue OIDC tokens' : 'this is not an Azure Pipelines job'}).`,
      );
    }
    const missing = [
      !clientId && 'client id (AZURESUBSCRIPTION_CLIENT_ID or AZURE_CLIENT_ID)',
      !tenantId && 'tenant id (AZURESUBSCRIPTION_TENANT_ID or AZURE_TENANT_ID)',
      !serviceConnectionId && 'service connection id (AZURESUBSCRIPTION_SERVICE_CONNECTION_ID)',
      !accessToken && 'system access token (map env: SYSTEM_ACCESSTOKEN: $(System.AccessToken) into the step)',
    ].filter(Boolean) as string[];
    if (missing.length)
      throw new CredentialUnavailableError(`${this.name}: is unavailable. Missing ${missing.join(', ')}.`);
    return this.exchange(request, ctx, {
      clientId: clientId!,
      tenantId: tenantId!,
      keyParts: [serviceConnectionId!],
      platform: 'pipelines',
      requestToken: (step) => this.requestOidcToken(step, oidcUri, serviceConnectionId!, accessToken!),
    });
  }
}
