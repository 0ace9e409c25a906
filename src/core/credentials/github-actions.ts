/**
 * GitHubActionsCredential: a GitHub Actions job's OIDC token, requested from the runner's endpoint
 * (GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange, Authorization: Bearer
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN → {"value": "<jwt>"}), then presented to Entra ID as a client assertion through
 * the msal flows' ClientAssertionCredential. Both exchanges are traced; AADSTS70021-family failures are explained
 * against the OIDC token's issuer, subject and audience.
 */
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { optionVariable } from './variables';
import { CredentialUnavailableError } from './types';
import {
  ciTimeout,
  FederatedCiCredential,
  fetchCiOidcToken,
  TOKEN_EXCHANGE_AUDIENCE,
  type FederatedCiOptions,
} from './ci-oidc';

export interface GitHubActionsCredentialOptions extends FederatedCiOptions {
  /** Audience requested from the runner (default api://AzureADTokenExchange). */
  audience?: string;
}

export class GitHubActionsCredential extends FederatedCiCredential implements Credential {
  readonly name = 'GitHubActionsCredential' as const;

  constructor(private readonly options: GitHubActionsCredentialOptions = {}) {
    super(options);
  }

  /** Requests the job's OIDC token from the runner (one traced HTTP exchange). */
  async requestOidcToken(ctx: StepContext): Promise<string> {
    const env = ctx.env;
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL!.trim();
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!.trim();
    ctx.trace.addSecret?.(requestToken);
    const audience = this.options.audience ?? TOKEN_EXCHANGE_AUDIENCE;
    const target = this.oidcUrl(
      url,
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      () => `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`,
    );
    ctx.trace.note('debug', `${this.name}: requesting the job's OIDC token from the runner (audience ${audience})`);
    const token = await fetchCiOidcToken(ctx, {
      credential: this.name,
      request: {
        method: 'GET',
        url: target,
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json; api-version=2.0' },
      },
      timeoutMs: ciTimeout(ctx, this.options),
      endpoint: "runner's OIDC endpoint",
      answered: "the runner's OIDC endpoint",
      field: 'value',
      fieldSource: "runner's OIDC endpoint",
      why: (status) =>
        status === 401 || status === 403
          ? ' The request token was refused: ACTIONS_ID_TOKEN_REQUEST_TOKEN is only valid inside the job that received it.'
          : status === 404
            ? ' ACTIONS_ID_TOKEN_REQUEST_URL does not point at a runner token endpoint.'
            : '',
    });
    return token;
  }

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    this.enterStep(ctx);
    const env = ctx.env;
    const clientId = (this.options.clientId ?? env.AZURE_CLIENT_ID)?.trim();
    const tenantId = (this.options.tenantId ?? env.AZURE_TENANT_ID)?.trim();
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
    const reqToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
    ctx.trace.config({
      variables: [
        { name: 'GITHUB_ACTIONS', set: Boolean(env.GITHUB_ACTIONS), value: env.GITHUB_ACTIONS },
        { name: 'ACTIONS_ID_TOKEN_REQUEST_URL', set: Boolean(url), value: url },
        { name: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', set: Boolean(reqToken), note: 'secret: value not shown' },
        optionVariable(env, 'AZURE_CLIENT_ID', this.options.clientId),
        optionVariable(env, 'AZURE_TENANT_ID', this.options.tenantId),
      ],
    });
    if (reqToken) ctx.trace.addSecret?.(reqToken);
    if (!url || !reqToken) {
      throw new CredentialUnavailableError(
        `${this.name}: ${!url ? 'ACTIONS_ID_TOKEN_REQUEST_URL' : 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'} is not set. ` +
          (env.GITHUB_ACTIONS === 'true'
            ? 'This job may not request OIDC tokens: add `permissions: id-token: write` to the workflow or the job (pull requests from forks never get it).'
            : 'This is not a GitHub Actions job.'),
      );
    }
    if (!clientId)
      throw new CredentialUnavailableError(
        `${this.name}: no client id: set AZURE_CLIENT_ID (the app registration or user-assigned identity with the federated credential).`,
      );
    if (!tenantId) throw new CredentialUnavailableError(`${this.name}: no tenant id: set AZURE_TENANT_ID.`);
    return this.exchange(request, ctx, {
      clientId,
      tenantId,
      platform: 'github',
      // A fresh OIDC token whenever msal-node needs an assertion: runner tokens live minutes.
      requestToken: (step) => this.requestOidcToken(step),
    });
  }
}
