/** ClientSecretCredential: client credentials grant with a client secret, through msal-node. */
import type { CredentialName } from '../model';
import type { AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import type { StepContext, TokenRequest } from './types';
import { createConfidentialApp, type MsalApp } from './msal/app';
import type { ResolvedAuthorityHost } from './msal/authority';
import { MsalCredentialBase, type MsalCredentialOptions } from './msal/base';
import { requireValue, secretOf, type SecretInput } from './msal/common';

export interface ClientSecretCredentialOptions extends MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  clientSecret: SecretInput;
}

export class ClientSecretCredential extends MsalCredentialBase<ConfidentialClientApplication> {
  readonly name: CredentialName;

  constructor(private readonly options: ClientSecretCredentialOptions) {
    super(options);
    this.name = options.reportAs ?? 'ClientSecretCredential';
  }

  protected override secretValues(): (string | undefined)[] {
    return [secretOf(this.options.clientSecret)];
  }

  protected override validate(): void {
    requireValue(this.options.tenantId, 'tenantId', this.name);
    requireValue(this.options.clientId, 'clientId', this.name);
    requireValue(secretOf(this.options.clientSecret), 'clientSecret', this.name);
  }

  protected override createApp(tenant: string, host: ResolvedAuthorityHost): MsalApp<ConfidentialClientApplication> {
    return createConfidentialApp(
      {
        clientId: this.options.clientId,
        tenantId: tenant,
        authorityHost: host,
        authorityMetadata: this.metadataFor(tenant),
      },
      { kind: 'secret', secret: secretOf(this.options.clientSecret)! },
    );
  }

  protected override acquire(
    app: MsalApp<ConfidentialClientApplication>,
    scopes: string[],
    request: TokenRequest,
    ctx: StepContext,
  ): Promise<AuthenticationResult | null> {
    ctx.trace.note('debug', `${this.name}: client credentials grant (client_secret) for ${scopes.join(' ')}`);
    return app.app.acquireTokenByClientCredential({ scopes, claims: request.claims, skipCache: request.forceRefresh });
  }
}
