/**
 * The two kinds of msal-backed credential. Public clients sign a user in (device code, browser, password) and build
 * a public msal app; confidential clients run the client credentials grant and differ only in how they prove the
 * app's identity (secret, certificate, assertion), so the app, the tenant / client id checks and the grant live here.
 */
import type { AuthenticationResult, ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import type { StepContext } from '../types';
import { createConfidentialApp, createPublicApp, type ClientCredentialConfig, type MsalApp } from './app';
import type { ResolvedAuthorityHost } from './authority';
import { MsalCredentialBase, type AcquireCall, type MsalCredentialOptions } from './base';
import { DEVELOPER_SIGN_ON_CLIENT_ID, requireValue } from './common';

export abstract class PublicClientCredential extends MsalCredentialBase<PublicClientApplication> {
  /** Without a client id, the SDKs sign users in as the Azure CLI's public client. */
  protected constructor(options: MsalCredentialOptions) {
    super({ ...options, clientId: options.clientId ?? DEVELOPER_SIGN_ON_CLIENT_ID });
  }

  /** Without a tenant: organizations for the developer sign-on client id, else common. */
  protected override configuredTenant(): string {
    const { tenantId, clientId } = this.baseOptions;
    return tenantId ?? (!clientId || clientId === DEVELOPER_SIGN_ON_CLIENT_ID ? 'organizations' : 'common');
  }

  protected override createApp(tenant: string, host: ResolvedAuthorityHost): MsalApp<PublicClientApplication> {
    return createPublicApp(this.appConfig(tenant, host));
  }
}

export abstract class ConfidentialClientCredential extends MsalCredentialBase<ConfidentialClientApplication> {
  /** How the app proves its identity to msal-node. */
  protected abstract clientCredential(ctx: StepContext): Promise<ClientCredentialConfig> | ClientCredentialConfig;

  /** What the trace calls that proof in the grant's note ("client_secret", …). */
  protected abstract grantKind(): string;

  /** Checks the option that holds the proof (the tenant and client id are checked before it). */
  protected abstract validateProof(): void;

  protected override validate(): void {
    requireValue(this.baseOptions.tenantId, 'tenantId', this.name);
    requireValue(this.baseOptions.clientId, 'clientId', this.name);
    this.validateProof();
  }

  protected override async createApp(
    tenant: string,
    host: ResolvedAuthorityHost,
    ctx: StepContext,
  ): Promise<MsalApp<ConfidentialClientApplication>> {
    return createConfidentialApp(this.appConfig(tenant, host), await this.clientCredential(ctx));
  }

  protected override async acquire(
    call: AcquireCall<ConfidentialClientApplication>,
  ): Promise<AuthenticationResult | null> {
    const { app, scopes, request, ctx } = call;
    ctx.trace.note('debug', `${this.name}: client credentials grant (${this.grantKind()}) for ${scopes.join(' ')}`);
    return app.app.acquireTokenByClientCredential({ scopes, claims: request.claims, skipCache: request.forceRefresh });
  }
}
