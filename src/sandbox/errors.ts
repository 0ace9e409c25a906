/**
 * Entra ID error answers, built the way Entra builds them: `error`, `error_description` ("AADSTSnnnn: …\r\nTrace ID: …
 * \r\nCorrelation ID: …\r\nTimestamp: …"), `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`, and
 * the HTTP status Entra uses for that error.
 */
import { randomUUID } from 'node:crypto';

export interface AadErrorSpec {
  /** OAuth error code (`invalid_client`, `invalid_grant`, …). */
  error: string;
  status: number;
  /** The AADSTS codes listed in error_codes (the first is the primary one). */
  codes: number[];
  /** Text after "AADSTSnnnn: " (several codes → several "AADSTSnnnn: text" parts). */
  text: string;
  suberror?: string;
  claims?: string;
}

export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** "2026-11-25 09:15:49Z", as Entra writes timestamps. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function aadErrorBody(spec: AadErrorSpec, nowMs: number, correlationId?: string): AadErrorBody {
  const traceId = randomUUID();
  const corr = correlationId && /^[0-9a-f-]{1,64}$/i.test(correlationId) ? correlationId : randomUUID();
  const ts = entraTimestamp(nowMs);
  const body: AadErrorBody = {
    error: spec.error,
    error_description: `AADSTS${spec.codes[0]}: ${spec.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${corr}\r\nTimestamp: ${ts}`,
    error_codes: spec.codes,
    timestamp: ts,
    trace_id: traceId,
    correlation_id: corr,
    error_uri: `https://login.microsoftonline.com/error?code=${spec.codes[0]}`,
  };
  if (spec.suberror) body.suberror = spec.suberror;
  if (spec.claims) body.claims = spec.claims;
  return body;
}

/** A thrown Entra error: route handlers throw it and the token endpoint turns it into the JSON answer. */
export class AadError extends Error {
  constructor(readonly spec: AadErrorSpec) {
    super(`AADSTS${spec.codes[0]}: ${spec.text}`);
  }
}

const e = (error: string, status: number, code: number, text: string, extra: Partial<AadErrorSpec> = {}): AadError =>
  new AadError({ error, status, codes: [code], text, ...extra });

/** The catalogue: one function per AADSTS situation the sandbox produces. */
export const aad = {
  missingParameter: (name: string) =>
    e('invalid_request', 400, 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) =>
    e('unsupported_grant_type', 400, 70003, `The app requested an unsupported grant type '${grant}'.`),
  malformedRequest: (why: string) =>
    e('invalid_request', 400, 9002313, `Invalid request. Request is malformed or invalid. ${why}`.trim()),
  invalidTenantFormat: (tenant: string) =>
    e(
      'invalid_request',
      400,
      900023,
      `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
    ),
  tenantNotFound: (tenant: string, error = 'invalid_request') =>
    e(
      error,
      400,
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  noTenantInfo: () =>
    e(
      'invalid_request',
      400,
      50059,
      'No tenant-identifying information found in either the request or implied by any provided credentials.',
    ),
  appNotFound: (clientId: string, tenant: string) =>
    e(
      'unauthorized_client',
      400,
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidSecret: (clientId: string) =>
    e(
      'invalid_client',
      401,
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  expiredSecret: (clientId: string) =>
    e(
      'invalid_client',
      401,
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    ),
  credentialRequired: () =>
    e(
      'invalid_client',
      401,
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  publicClientWithSecret: () =>
    e(
      'invalid_client',
      401,
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    ),
  certNotRegistered: (clientId: string, thumbprint: string) =>
    e(
      'invalid_client',
      401,
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  badAssertionSignature: () => e('invalid_client', 401, 700027, 'Client assertion failed signature validation.'),
  assertionTime: (nowS: number, nbf: number | undefined, exp: number | undefined) =>
    e(
      'invalid_client',
      401,
      700024,
      `Client assertion is not within its valid time range. Current time: ${new Date(nowS * 1000).toISOString()}, assertion valid from ${nbf !== undefined ? new Date(nbf * 1000).toISOString() : '(none)'}, expiry time of assertion ${exp !== undefined ? new Date(exp * 1000).toISOString() : '(none)'}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`,
    ),
  assertionAudience: (aud: string) =>
    e(
      'invalid_client',
      401,
      700212,
      `No matching federated identity record found for presented assertion audience '${aud}'. The audience of a client assertion must be the token endpoint of the tenant.`,
    ),
  assertionMalformed: (why: string) => e('invalid_client', 401, 50027, `JWT token is invalid or malformed. ${why}`),
  assertionIssuerSubject: (clientId: string) =>
    e(
      'invalid_client',
      401,
      700023,
      `Client assertion audience claim does not match Realm issuer. The 'iss' and 'sub' claims must both be the client id '${clientId}'.`,
    ),
  noFederatedRecord: (iss: string, sub: string, aud: string) =>
    e(
      'invalid_request',
      400,
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`,
    ),
  noFederatedIssuer: (iss: string) =>
    e(
      'invalid_request',
      400,
      700211,
      `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    ),
  externalIssuerUnreachable: (iss: string) =>
    e(
      'invalid_client',
      401,
      50166,
      `Request to External OIDC endpoint failed. The issuer '${iss}' is not reachable from the sandbox (only sandbox-hosted issuers can be verified offline).`,
    ),
  userNotFound: (tenantId: string) =>
    e(
      'invalid_grant',
      400,
      50034,
      `The user account {EUII Hidden} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
    ),
  badPassword: () =>
    e('invalid_grant', 400, 50126, 'Error validating credentials due to invalid username or password.'),
  userNotInTenant: (homeTenant: string, tenant: string, clientId: string, appName: string) =>
    e(
      'invalid_grant',
      400,
      50020,
      `User account '{EUII Hidden}' from identity provider 'https://sts.windows.net/${homeTenant}/' does not exist in tenant '${tenant}' and cannot access the application '${clientId}'(${appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Microsoft Entra user account.`,
    ),
  mfaRequired: (resource: string) =>
    e(
      'invalid_grant',
      400,
      50076,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
      {
        suberror: 'basic_action',
        claims: '{"access_token":{"capolids":{"essential":true,"values":["5f2c1d3a-sandbox-mfa-policy"]}}}',
      },
    ),
  conditionalAccess: () =>
    e(
      'invalid_grant',
      400,
      53003,
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
      { suberror: 'message_only' },
    ),
  authorizationPending: () =>
    e('authorization_pending', 400, 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  deviceCodeExpired: () => e('expired_token', 400, 70019, 'Verification code expired.'),
  deviceCodeDeclined: () =>
    e(
      'authorization_declined',
      400,
      70000,
      'The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope.',
    ),
  badDeviceCode: () =>
    e(
      'invalid_grant',
      400,
      70000,
      'Provided grant is invalid or malformed. The device code is unknown or was already redeemed.',
    ),
  userDeclined: () => e('access_denied', 400, 65004, 'User declined to consent to access the app.'),
  consentRequired: (clientId: string, appName: string) =>
    e(
      'invalid_grant',
      400,
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
      { suberror: 'consent_required' },
    ),
  invalidScope: (detail: string) =>
    e('invalid_scope', 400, 70011, `The provided request must include a 'scope' input parameter. ${detail}`.trim()),
  invalidScopeValue: (scope: string) =>
    e(
      'invalid_scope',
      400,
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid.`,
    ),
  clientCredentialScope: (scope: string) =>
    e(
      'invalid_scope',
      400,
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    e(
      'invalid_resource',
      400,
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  redirectMismatch: (uri: string, clientId: string) =>
    e(
      'invalid_request',
      400,
      50011,
      `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ),
  pkceMismatch: () =>
    e(
      'invalid_grant',
      400,
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
  pkceMissing: () =>
    e(
      'invalid_request',
      400,
      50148,
      'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
    ),
  codeExpired: () =>
    e(
      'invalid_grant',
      400,
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  codeRedeemed: () =>
    e(
      'invalid_grant',
      400,
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  badCode: () =>
    e(
      'invalid_grant',
      400,
      9002313,
      'Invalid request. Request is malformed or invalid. The authorization code is unknown.',
    ),
  refreshExpired: (issuedAt: number) =>
    e(
      'invalid_grant',
      400,
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${new Date(issuedAt * 1000).toISOString()} and was inactive for the configured lifetime.`,
    ),
  refreshRevoked: () =>
    e(
      'invalid_grant',
      400,
      50173,
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
    ),
  refreshUsed: () =>
    e(
      'invalid_grant',
      400,
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  refreshUnknown: () =>
    e(
      'invalid_grant',
      400,
      9002313,
      'Invalid request. Request is malformed or invalid. The refresh token is unknown or malformed.',
    ),
  refreshWrongClient: () =>
    e(
      'invalid_grant',
      400,
      70000,
      'Provided grant is invalid or malformed. The refresh token was issued to a different client.',
    ),
  throttled: () =>
    e(
      'temporarily_unavailable',
      429,
      50196,
      'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.',
    ),
  unknownInstance: () => e('invalid_instance', 400, 50049, 'Unknown or invalid instance.'),
  oboBadAssertion: (why: string) => e('invalid_grant', 400, 50013, `Assertion failed signature validation. ${why}`),
  oboWrongAudience: () =>
    e(
      'invalid_grant',
      400,
      500131,
      'Assertion audience does not match the Client app presenting the assertion. The audience in the assertion must be the client id of the app doing the on-behalf-of request.',
    ),
  unauthorizedClientGrant: (clientId: string, grant: string) =>
    e('unauthorized_client', 400, 700025, `The client '${clientId}' is not allowed to use the grant type '${grant}'.`),
  responseTypeUnsupported: (rt: string) =>
    e('unsupported_response_type', 400, 700054, `response_type '${rt}' is not enabled for the application.`),
  responseModeUnsupported: (mode: string) =>
    e('invalid_request', 400, 900144, `The 'response_mode' parameter value '${mode}' is not supported.`),
  pkceMethodUnsupported: (method: string) =>
    e('invalid_request', 400, 501491, `Invalid code_challenge_method '${method}'. Supported: S256, plain.`),
  pkceChallengeSize: () => e('invalid_request', 400, 501491, 'Invalid size of Code_Challenge parameter.'),
  loginRequired: () => e('login_required', 400, 50058, 'A silent sign-in request was sent but no user is signed in.'),
  internalError: () => e('server_error', 500, 90033, 'A transient error has occurred. Please try again.'),
};
