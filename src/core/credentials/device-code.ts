/**
 * DeviceCodeCredential: the device authorization grant through msal-node. The user code and verification URL reach the
 * face through `onDeviceCode`; an AbortSignal stops polling (msal's request.cancel) and the step ends as aborted.
 */
import type { AuthenticationResult, DeviceCodeRequest, PublicClientApplication } from '@azure/msal-node';
import type { CredentialName } from '../model';
import { PublicClientCredential } from './msal/clients';
import { trySilent, raceAbort, type AcquireCall, type MsalCredentialOptions } from './msal/base';

export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message: string;
  /** ISO-8601 UTC. */
  expiresOn: string;
}

export interface DeviceCodeCredentialOptions extends MsalCredentialOptions {
  /** Default: organizations (with the default client id), else common. */
  tenantId?: string;
  /** Default: the Azure CLI's public client id, as the SDKs. */
  clientId?: string;
  onDeviceCode?: (info: DeviceCodeInfo) => void;
  /** Seconds msal waits for the user before giving up (default: until the code expires). */
  timeoutSeconds?: number;
}

export class DeviceCodeCredential extends PublicClientCredential {
  readonly name: CredentialName;

  constructor(private readonly options: DeviceCodeCredentialOptions = {}) {
    super(options);
    this.name = options.reportAs ?? 'DeviceCodeCredential';
  }

  protected override async acquire(call: AcquireCall<PublicClientApplication>): Promise<AuthenticationResult | null> {
    const { app, scopes, request, ctx } = call;
    const cached = await trySilent(call);
    if (cached) return cached;
    const req: DeviceCodeRequest = {
      scopes,
      claims: request.claims,
      timeout: this.options.timeoutSeconds,
      deviceCodeCallback: (r) => {
        const info: DeviceCodeInfo = {
          userCode: r.userCode,
          verificationUri: r.verificationUri,
          message: r.message,
          expiresOn: new Date(ctx.now() + r.expiresIn * 1000).toISOString(),
        };
        ctx.trace.note(
          'info',
          `${this.name}: waiting for sign-in at ${r.verificationUri} (code expires ${info.expiresOn}, polling every ${r.interval} s).`,
          {
            verificationUri: r.verificationUri,
            expiresOn: info.expiresOn,
            interval: r.interval,
          },
        );
        try {
          this.options.onDeviceCode?.(info);
        } catch (e) {
          ctx.trace.note('warn', `${this.name}: the device code callback threw: ${(e as Error).message}`);
        }
      },
    };
    return raceAbort(app.app.acquireTokenByDeviceCode(req), ctx.signal, () => {
      req.cancel = true;
    });
  }
}
