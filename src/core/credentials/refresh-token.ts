/**
 * RefreshTokenCredential: redeems a refresh token (grant_type=refresh_token) through msal-node — as a public client, or
 * as a confidential client when a client secret is given. The refresh token is registered as a secret for the run.
 * msal-node never returns the new refresh token; the trace says whether the response carried one.
 */
import type { AuthenticationResult, ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import type { CredentialName } from '../model';
import { createConfidentialApp, createPublicApp, type MsalApp } from './msal/app';
import type { ResolvedAuthorityHost } from './msal/authority';
import { MsalCredentialBase, type AcquireCall, type MsalCredentialOptions } from './msal/base';
import { DEVELOPER_SIGN_ON_CLIENT_ID, requireValue, secretOf, type SecretInput } from './msal/common';

export interface RefreshTokenCredentialOptions extends MsalCredentialOptions {
  tenantId?: string;
  clientId?: string;
  refreshToken: SecretInput;
  /** Makes the request as a confidential client. */
  clientSecret?: SecretInput;
}

type App = PublicClientApplication | ConfidentialClientApplication;

export class RefreshTokenCredential extends MsalCredentialBase<App> {
  readonly name: CredentialName;

  constructor(private readonly options: RefreshTokenCredentialOptions) {
    super({ ...options, clientId: options.clientId ?? DEVELOPER_SIGN_ON_CLIENT_ID });
    this.name = options.reportAs ?? 'RefreshTokenCredential';
  }

  protected override configuredTenant(): string {
    return this.options.tenantId ?? 'organizations';
  }

  protected override secretValues(): (string | undefined)[] {
    return [secretOf(this.options.refreshToken), secretOf(this.options.clientSecret)];
  }

  protected override validate(): void {
    requireValue(secretOf(this.options.refreshToken), 'refreshToken', this.name);
  }

  protected override createApp(tenant: string, host: ResolvedAuthorityHost): MsalApp<App> {
    const cfg = this.appConfig(tenant, host);
    const secret = secretOf(this.options.clientSecret);
    return secret ? createConfidentialApp(cfg, { kind: 'secret', secret }) : createPublicApp(cfg);
  }

  protected override async acquire(call: AcquireCall<App>): Promise<AuthenticationResult | null> {
    const { app, scopes, request, ctx } = call;
    ctx.trace.note('debug', `${this.name}: refresh_token grant for ${scopes.join(' ')}`);
    return app.app.acquireTokenByRefreshToken({
      scopes,
      refreshToken: secretOf(this.options.refreshToken)!.trim(),
      claims: request.claims,
      forceCache: false,
    });
  }
}
