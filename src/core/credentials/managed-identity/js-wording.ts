/**
 * What @azure/identity's ManagedIdentityCredential says, by release (src/core/sdk/rules/js.ts): releases before 4.4.1
 * use the SDK's own IMDS code (imdsMsi.js and IdentityClient, miImplementation 'identity-client'), later ones
 * msal-node's ManagedIdentityApplication, whose network_error wording follows msal-node's major version
 * (msalNodeMajor: 2 and 3 say "Network request failed", 5 and later point to aka.ms/msal.js.errors).
 */
import type { HttpResponse } from '../../http/types';
import { AuthenticationFailedError, CredentialUnavailableError, type StepContext } from '../types';

/** True where the release's ManagedIdentityCredential is the SDK's own code (JS before 4.4.1). */
export function jsLegacyMi(ctx: StepContext): boolean {
  return ctx.profile === 'js' && ctx.release?.rules.miImplementation === 'identity-client';
}

/** msal-node's network_error text in the release's msal-node (ClientAuthErrorMessage, or the msal 5+ pointer). */
export function msalNetworkErrorText(ctx: StepContext): string {
  const major = ctx.release?.rules.msalNodeMajor;
  return major !== undefined && major <= 3
    ? 'network_error: Network request failed'
    : 'network_error: See https://aka.ms/msal.js.errors#network_error for details';
}

/** The managed-identity network failure as @azure/identity 4.4.1+ words it (msal-node reports network_error). */
export function jsMiNetworkError(ctx: StepContext): string {
  return `ManagedIdentityCredential: Network unreachable. Message: ${msalNetworkErrorText(ctx)}`;
}

/** Legacy: the IMDS probe failed, so no source is available (cachedAvailableMSI), re-wrapped by getToken's catch. */
export const JS_LEGACY_NO_MSI =
  'ManagedIdentityCredential: Authentication failed. Message ManagedIdentityCredential - No MSI credential available';

/** IdentityClient's AuthenticationError text: `${error} Status code: ${status}\nMore details:\n${description}`. */
function authenticationErrorText(r: HttpResponse): string {
  const j = r.json as Record<string, unknown> | undefined;
  if (j && typeof j === 'object' && typeof j.error === 'string') {
    const desc = typeof j.error_description === 'string' ? j.error_description : '';
    return `${j.error} Status code: ${r.status}\nMore details:\n${desc}`;
  }
  const body = r.bodyText;
  const [error, desc] =
    r.status === 400
      ? ['invalid_request', `The service indicated that the request was invalid.\n\n${body}`]
      : ['unknown_error', `An unknown error has occurred. Response body:\n\n${body}`];
  return `${error} Status code: ${r.status}\nMore details:\n${desc}`;
}

/** What JSON.parse says about a body (Node's own words, as the SDK's IdentityClient meets them). */
function parseFailure(body: string): string {
  try {
    JSON.parse(body);
    return 'the response body is not a token response';
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Legacy (before 4.4.1): an IMDS answer that is not a token, as ManagedIdentityCredential.getToken's catch words it.
 * 400 means no identity here (unavailable); a 200 whose body is not JSON is unavailable when it does not claim to be
 * JSON (IdentityClient's own JSON.parse fails) and a failure when it does (core-client's deserialisation fails with
 * the status attached); every other status is AuthenticationError, which stops the chain.
 */
export function jsLegacyImdsError(ctx: StepContext, r: HttpResponse): Error {
  ctx.trace.note(
    'info',
    '@azure/identity before 4.4.1 answers this with its own managed-identity code (imdsMsi.js), not msal-node',
  );
  if (r.status === 400) {
    return new CredentialUnavailableError(
      `ManagedIdentityCredential: The managed identity endpoint is indicating there's no available identity. Message: ${authenticationErrorText(r)}`,
    );
  }
  const claimsJson = /json/i.test(r.headers['content-type'] ?? '');
  if (r.status === 200 && !claimsJson) {
    return new CredentialUnavailableError(
      `ManagedIdentityCredential: Authentication failed. Message ${parseFailure(r.bodyText)}`,
    );
  }
  const inner = r.status === 200 ? parseFailure(r.bodyText) : authenticationErrorText(r);
  return new AuthenticationFailedError({
    kind: 'http',
    message: `ManagedIdentityCredential authentication failed. Status code: ${r.status}\nMore details:\n${inner}`,
    errorCodes: [],
    httpStatus: r.status,
    sdkErrorName: 'AuthenticationError',
  });
}
