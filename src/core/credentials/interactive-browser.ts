/**
 * InteractiveBrowserCredential: authorization code + PKCE through msal-node's loopback listener (127.0.0.1, random
 * port, form_post). The browser opener is injected: VS Code passes env.openExternal, the CLI the system browser, tests
 * the sandbox's sign-in driver. Cancelling (AbortSignal) answers the pending listener with access_denied so it closes.
 */
import type { AuthenticationResult, InteractiveRequest, PublicClientApplication } from '@azure/msal-node';
import type { CredentialName } from '../model';
import { AuthenticationFailedError } from './types';
import { PublicClientCredential } from './msal/clients';
import { trySilent, raceAbort, type AcquireCall, type MsalCredentialOptions } from './msal/base';

export interface InteractiveBrowserCredentialOptions extends MsalCredentialOptions {
  tenantId?: string;
  clientId?: string;
  /** Opens the authorization URL (required: the engine never opens a browser by itself). */
  openBrowser?: (url: string) => Promise<void>;
  loginHint?: string;
  /** Loopback port to prefer (0 or absent: random). */
  redirectPort?: number;
  successTemplate?: string;
  errorTemplate?: string;
}

/** What the trace shows about the authorization URL: the PKCE / state / redirect parameters, not the URL's secrets. */
export function describeAuthorizeUrl(url: string): Record<string, string | null> {
  try {
    const u = new URL(url);
    const p = u.searchParams;
    return {
      endpoint: `${u.origin}${u.pathname}`,
      redirect_uri: p.get('redirect_uri'),
      response_mode: p.get('response_mode'),
      code_challenge_method: p.get('code_challenge_method'),
      scope: p.get('scope'),
      prompt: p.get('prompt'),
      client_id: p.get('client_id'),
    };
  } catch {
    return { endpoint: '(unparsable URL)' };
  }
}

export class InteractiveBrowserCredential extends PublicClientCredential {
  readonly name: CredentialName;

  constructor(private readonly options: InteractiveBrowserCredentialOptions = {}) {
    super(options);
    this.name = options.reportAs ?? 'InteractiveBrowserCredential';
  }

  protected override validate(): void {
    if (!this.options.openBrowser) {
      throw new AuthenticationFailedError({
        kind: 'config',
        message: `${this.name}: no browser opener was given; the engine does not open a browser by itself.`,
        errorCodes: [],
      });
    }
  }

  protected override async acquire(call: AcquireCall<PublicClientApplication>): Promise<AuthenticationResult | null> {
    const { app, scopes, request, ctx } = call;
    const cached = await trySilent(call);
    if (cached) return cached;
    let pending: { redirectUri: string; state: string } | undefined;
    const req: InteractiveRequest = {
      scopes,
      claims: request.claims,
      loginHint: this.options.loginHint,
      preferredPort: this.options.redirectPort,
      successTemplate:
        this.options.successTemplate ?? 'Signed in. You can close this window and return to Azure Auth Debugger.',
      errorTemplate: this.options.errorTemplate ?? 'Sign-in failed. Return to Azure Auth Debugger for details.',
      openBrowser: async (url: string) => {
        const u = new URL(url);
        const redirectUri = u.searchParams.get('redirect_uri');
        const state = u.searchParams.get('state');
        if (redirectUri && state) pending = { redirectUri, state };
        ctx.trace.note(
          'info',
          `${this.name}: opening the browser for sign-in (auth code + PKCE, loopback redirect ${redirectUri ?? '?'}).`,
          describeAuthorizeUrl(url),
        );
        await this.options.openBrowser!(url);
      },
    };
    return raceAbort(app.app.acquireTokenInteractive(req), ctx.signal, () => {
      // Answer the loopback listener so msal-node closes it (the redirect URI is our own 127.0.0.1 listener).
      const p = pending;
      if (!p) return;
      const target = p.redirectUri.replace('://localhost:', '://127.0.0.1:');
      void fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          error: 'access_denied',
          error_description: 'cancelled by the user',
          state: p.state,
        }).toString(),
        // Our own loopback listener answers at once; the limit only keeps a wedged listener from holding this forever.
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
    });
  }
}
