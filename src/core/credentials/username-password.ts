/**
 * UsernamePasswordCredential: resource owner password credentials (ROPC) through msal-node. Deprecated by every SDK:
 * it cannot satisfy MFA or Conditional Access (AADSTS50076 / 50079 / 53003), and the trace says so up front.
 */
import type { AuthenticationResult, PublicClientApplication } from '@azure/msal-node';
import type { CredentialName } from '../model';
import { PublicClientCredential } from './msal/clients';
import { trySilent, type AcquireCall, type MsalCredentialOptions } from './msal/base';
import { requireValue, secretOf, type SecretInput } from './msal/common';

export interface UsernamePasswordCredentialOptions extends MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  username: string;
  password: SecretInput;
}

export class UsernamePasswordCredential extends PublicClientCredential {
  readonly name: CredentialName;

  constructor(private readonly options: UsernamePasswordCredentialOptions) {
    super(options);
    this.name = options.reportAs ?? 'UsernamePasswordCredential';
  }

  protected override secretValues(): (string | undefined)[] {
    return [secretOf(this.options.password)];
  }

  protected override validate(): void {
    requireValue(this.options.tenantId, 'tenantId', this.name);
    requireValue(this.options.clientId, 'clientId', this.name);
    requireValue(this.options.username, 'username', this.name);
    requireValue(secretOf(this.options.password), 'password', this.name);
  }

  protected override async acquire(call: AcquireCall<PublicClientApplication>): Promise<AuthenticationResult | null> {
    const { app, scopes, request, ctx } = call;
    ctx.trace.note(
      'warn',
      `${this.name}: the username/password (ROPC) flow is deprecated and fails for accounts that need MFA or Conditional Access (AADSTS50076, 50079, 53003). See https://aka.ms/azsdk/identity/mfa`,
    );
    const user = this.options.username.toLowerCase();
    const cached = await trySilent(call, (accounts) => accounts.find((a) => a.username.toLowerCase() === user));
    if (cached) return cached;
    return app.app.acquireTokenByUsernamePassword({
      scopes,
      username: this.options.username,
      password: secretOf(this.options.password)!,
      claims: request.claims,
    });
  }
}
