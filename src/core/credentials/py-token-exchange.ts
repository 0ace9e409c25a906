/**
 * Python azure-identity's token exchange (ManagedIdentityCredential with AZURE_AUTHORITY_HOST, AZURE_TENANT_ID and
 * AZURE_FEDERATED_TOKEN_FILE set), read in 1.13.0b2: TokenExchangeCredential reads the file with a bare open() and
 * sends what it holds, untrimmed and even when empty (token_exchange.py), through AadClient (client_assertion.py,
 * _internal/aad_client_base.py) — its own HTTP pipeline, no MSAL and so no instance discovery: one POST of the
 * client-credentials grant to `<authority>/<tenant>/oauth2/v2.0/token`. An answer with an `error` is its
 * ClientAuthenticationError, which stops the chain (py-wording.ts pyEntraFailure).
 */
import { isUserFileError, readUserFile } from '../fs/read';
import { SecretValue } from '../secret';
import { pathUnderRoot } from '../target/process';
import { resolveAuthorityHost } from './msal/authority';
import { pyEntraFailure, pyOsError, pyTenantNotAllowed } from './py-wording';
import { AuthenticationFailedError, type AccessTokenResult, type StepContext, type TokenRequest } from './types';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function readAssertion(ctx: StepContext, path: string): Promise<string> {
  try {
    const bytes = await readUserFile(pathUnderRoot(ctx.options.target?.root, path), {
      maxBytes: 256 * 1024,
      what: 'federated token file',
    });
    return bytes.toString('utf8');
  } catch (e) {
    if (!isUserFileError(e)) throw e;
    const code = e.code ?? (/directory/.test(e.detail) ? 'EISDIR' : '');
    const message = pyOsError(code, path) ?? `federated token file ${path}: ${e.detail}`;
    throw new AuthenticationFailedError({ kind: 'config', message, errorCodes: [] }, { cause: e });
  }
}

export async function pyTokenExchange(
  request: TokenRequest,
  ctx: StepContext,
  o: { clientId: string; tenantId: string; tokenFile: string },
): Promise<AccessTokenResult> {
  // Managed identity ignores DefaultAzureCredential's authority argument: AZURE_AUTHORITY_HOST decides (default.py).
  // resolve_tenant: TokenExchangeCredential gets no additionally_allowed_tenants from DefaultAzureCredential.
  if (request.tenantId && request.tenantId !== o.tenantId)
    throw new AuthenticationFailedError({
      kind: 'config',
      message: pyTenantNotAllowed(request.tenantId),
      errorCodes: [],
    });
  const host = resolveAuthorityHost(undefined, ctx.env, ctx.profile);
  const assertion = await readAssertion(ctx, o.tokenFile);
  if (assertion) ctx.trace.addSecret?.(assertion);
  const url = `${host.url}/${o.tenantId}/oauth2/v2.0/token`;
  ctx.trace.config({ endpoints: [{ name: 'token endpoint (token exchange, no MSAL)', url }] });
  if (!assertion.trim())
    ctx.trace.note('warn', `the federated token file ${o.tokenFile} is empty: Python sends the empty assertion anyway`);
  const r = await ctx.http.send({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_assertion: assertion,
      client_assertion_type: JWT_BEARER,
      client_id: o.clientId,
      grant_type: 'client_credentials',
      scope: request.scopes.join(' '),
    }),
    timeoutMs: ctx.options.stepTimeoutMs ?? 30_000,
    signal: ctx.signal,
  });
  return tokenFromAnswer(ctx, r.status, r.bodyText, r.json);
}

/** _process_response: an `error` is _raise_for_error's text; a token needs expires_in or expires_on. */
function tokenFromAnswer(ctx: StepContext, status: number, text: string, json: unknown): AccessTokenResult {
  const body = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const fail = (message: string, codes: number[] = []) =>
    new AuthenticationFailedError({
      kind: codes.length ? 'aadsts' : 'http',
      message,
      errorCodes: codes,
      httpStatus: status,
    });
  if (!body) throw fail(`Unexpected response from Azure Active Directory (HTTP ${status})`);
  if ('error' in body) {
    const codes = Array.isArray(body.error_codes)
      ? body.error_codes.filter((c): c is number => Number.isInteger(c))
      : [];
    throw fail(pyEntraFailure('WorkloadIdentityCredential', body, text), codes);
  }
  const token = body.access_token;
  const seconds =
    body.expires_on !== undefined
      ? Number(body.expires_on)
      : Number(body.expires_in ?? NaN) + Math.floor(ctx.now() / 1000);
  if (typeof token !== 'string' || !token || !Number.isFinite(seconds))
    throw fail('Unexpected response from Azure Active Directory');
  ctx.trace.addSecret?.(token);
  return { token: new SecretValue(token), expiresOnEpochMs: seconds * 1000, tokenType: 'Bearer' };
}
