/** ClientSecretCredential: client credentials grant with a client secret, through msal-node. */
import type { CredentialName } from '../model';
import type { ClientCredentialConfig } from './msal/app';
import type { MsalCredentialOptions } from './msal/base';
import { ConfidentialClientCredential } from './msal/clients';
import { requireValue, secretOf, type SecretInput } from './msal/common';

export interface ClientSecretCredentialOptions extends MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  clientSecret: SecretInput;
}

export class ClientSecretCredential extends ConfidentialClientCredential {
  readonly name: CredentialName;

  constructor(private readonly options: ClientSecretCredentialOptions) {
    super(options);
    this.name = options.reportAs ?? 'ClientSecretCredential';
  }

  protected override secretValues(): (string | undefined)[] {
    return [secretOf(this.options.clientSecret)];
  }

  protected override validateProof(): void {
    requireValue(secretOf(this.options.clientSecret), 'clientSecret', this.name);
  }

  protected override clientCredential(): ClientCredentialConfig {
    return { kind: 'secret', secret: secretOf(this.options.clientSecret)! };
  }

  protected override grantKind(): string {
    return 'client_secret';
  }
}
