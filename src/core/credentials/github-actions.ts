/**
 * GitHubActionsCredential: a GitHub Actions job's OIDC token, requested from the runner's endpoint
 * (GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange, Authorization: Bearer
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN → {"value": "<jwt>"}), then presented to Entra ID as a client assertion through
 * the msal flows' ClientAssertionCredential. Both exchanges are traced; AADSTS70021-family failures are explained
 * against the OIDC token's issuer, subject and audience.
 */
import { ClientAssertionCredential } from './client-assertion';
import { assertionClaims, type AssertionClaims } from './msal/common';
import { parseAllowedTenants } from './msal/base';
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { AuthenticationFailedError, CredentialUnavailableError, isAuthenticationFailed } from './types';
import {
  ciFailureHint,
  ciTimeout,
  fetchCiOidcToken,
  TOKEN_EXCHANGE_AUDIENCE,
  withHint,
  type FederatedCiOptions,
} from './ci-oidc';

export interface GitHubActionsCredentialOptions extends FederatedCiOptions {
  /** Audience requested from the runner (default api://AzureADTokenExchange). */
  audience?: string;
}

export class GitHubActionsCredential implements Credential {
  readonly name = 'GitHubActionsCredential' as const;
  #inner: ClientAssertionCredential | undefined;
  #key = '';
  #lastClaims: AssertionClaims | undefined;
  #ctx: StepContext | undefined;

  constructor(private readonly options: GitHubActionsCredentialOptions = {}) {}

  /** Requests the job's OIDC token from the runner (one traced HTTP exchange). */
  async requestOidcToken(ctx: StepContext): Promise<string> {
    const env = ctx.env;
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL!.trim();
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!.trim();
    ctx.trace.addSecret?.(requestToken);
    const audience = this.options.audience ?? TOKEN_EXCHANGE_AUDIENCE;
    let target: string;
    try {
      const u = new URL(url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
      target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
    } catch {
      throw new AuthenticationFailedError({
        kind: 'config',
        message: `${this.name}: ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL.`,
        errorCodes: [],
      });
    }
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
    this.#lastClaims = assertionClaims(token);
    return token;
  }

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    this.#ctx = ctx;
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
        {
          name: 'AZURE_CLIENT_ID',
          set: Boolean(env.AZURE_CLIENT_ID),
          value: env.AZURE_CLIENT_ID,
          note: this.options.clientId ? 'overridden by option' : undefined,
        },
        {
          name: 'AZURE_TENANT_ID',
          set: Boolean(env.AZURE_TENANT_ID),
          value: env.AZURE_TENANT_ID,
          note: this.options.tenantId ? 'overridden by option' : undefined,
        },
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
    const authorityHost = this.options.authorityHost ?? ctx.options.authorityHost ?? env.AZURE_AUTHORITY_HOST;
    const key = `${clientId}|${tenantId}|${authorityHost ?? ''}`;
    if (!this.#inner || this.#key !== key) {
      this.#inner = new ClientAssertionCredential({
        reportAs: this.name,
        tenantId,
        clientId,
        authorityHost,
        authorityMetadata: this.options.authorityMetadata,
        additionallyAllowedTenants:
          this.options.additionallyAllowedTenants ?? parseAllowedTenants(env.AZURE_ADDITIONALLY_ALLOWED_TENANTS),
        // A fresh OIDC token whenever msal-node needs an assertion: runner tokens live minutes.
        getAssertion: () => this.requestOidcToken(this.#ctx ?? ctx),
      });
      this.#key = key;
    }
    try {
      return await this.#inner.getToken(request, ctx);
    } catch (e) {
      throw withHint(
        e,
        isAuthenticationFailed(e)
          ? ciFailureHint(e.info, this.#lastClaims ?? this.#inner.lastAssertion, 'github')
          : undefined,
      );
    }
  }
}
