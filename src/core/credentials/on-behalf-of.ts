/**
 * OnBehalfOfCredential: exchanges a user's access token (the assertion a middle-tier API received) for a token to a
 * downstream API, authenticating the middle tier with a secret or a certificate (jwt-bearer, requested_token_use=on_behalf_of).
 */
import type { AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import type { CredentialName } from '../model';
import { AuthenticationFailedError, type StepContext } from './types';
import { createConfidentialApp, type MsalApp } from './msal/app';
import type { ResolvedAuthorityHost } from './msal/authority';
import { MsalCredentialBase, type AcquireCall, type MsalCredentialOptions } from './msal/base';
import { assertionClaims, requireValue, secretOf, traceAssertion, type SecretInput } from './msal/common';
import { ClientCertificateCredential } from './client-certificate';

export interface OnBehalfOfCredentialOptions extends MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: SecretInput;
  certificatePath?: string;
  certificate?: Buffer;
  certificatePassword?: SecretInput;
  sendCertificateChain?: boolean;
  /** The incoming user access token. */
  userAssertion: SecretInput;
}

export class OnBehalfOfCredential extends MsalCredentialBase<ConfidentialClientApplication> {
  readonly name: CredentialName;

  constructor(private readonly options: OnBehalfOfCredentialOptions) {
    super(options);
    this.name = options.reportAs ?? 'OnBehalfOfCredential';
  }

  protected override secretValues(): (string | undefined)[] {
    return [
      secretOf(this.options.clientSecret),
      secretOf(this.options.certificatePassword),
      secretOf(this.options.userAssertion),
    ];
  }

  protected override validate(): void {
    requireValue(this.options.tenantId, 'tenantId', this.name);
    requireValue(this.options.clientId, 'clientId', this.name);
    requireValue(secretOf(this.options.userAssertion), 'userAssertion', this.name);
    if (!secretOf(this.options.clientSecret) && !this.options.certificatePath && !this.options.certificate) {
      throw new AuthenticationFailedError({
        kind: 'config',
        message: `${this.name}: a client secret or a client certificate is required.`,
        errorCodes: [],
      });
    }
  }

  protected override async createApp(
    tenant: string,
    host: ResolvedAuthorityHost,
    ctx: StepContext,
  ): Promise<MsalApp<ConfidentialClientApplication>> {
    const cfg = this.appConfig(tenant, host);
    const secret = secretOf(this.options.clientSecret);
    if (secret) return createConfidentialApp(cfg, { kind: 'secret', secret });
    const loader = new ClientCertificateCredential({ ...this.options, reportAs: this.name });
    const parsed = await loader.loadCertificate(ctx);
    return createConfidentialApp(cfg, {
      kind: 'certificate',
      privateKeyPem: parsed.privateKeyPem,
      thumbprintSha1: parsed.leaf.thumbprintSha1,
      thumbprintSha256: parsed.leaf.thumbprintSha256,
      x5cPem: this.options.sendCertificateChain ? parsed.x5cPem : undefined,
      useSha256: ctx.profile === 'js',
    });
  }

  protected override acquire(call: AcquireCall<ConfidentialClientApplication>): Promise<AuthenticationResult | null> {
    const { app, scopes, ctx } = call;
    const assertion = secretOf(this.options.userAssertion)!.trim();
    traceAssertion(ctx, `${this.name}: incoming user assertion`, assertionClaims(assertion));
    return app.app.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes });
  }
}
