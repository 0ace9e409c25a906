/**
 * What Python azure-identity's IMDS credential says about the endpoint's answer (read in 1.13.0b2, Debian's
 * python3-azure): ManagedIdentityClientBase._process_response (_internal/managed_identity_client.py) decodes every
 * answer as JSON whatever its status (azure-core's retry policy has already retried 404, 410, 429 and 5xx), and raises
 * ClientAuthenticationError with the response attached; ImdsCredential._request_token (_credentials/imds.py) turns a
 * 400 into "unavailable" and re-raises anything else as ClientAuthenticationError, which stops the chain — an HTML page
 * or truncated JSON from a proxy included. azure-core's HttpResponseError.__str__ (core/exceptions.py) adds the body as
 * a "Content:" line, or replaces the message by an OData error body's own text, and cuts the whole at 2,048 characters.
 */
import type { HttpResponse } from '../../http/types';
import { redactText } from '../../trace/redact';
import { AuthenticationFailedError, CredentialUnavailableError, type StepContext } from '../types';
import { pyRepr } from '../py-repr';

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** ODataV4Format's text when the body is an OData error ({"error": {"code", "message"}} or {"code", "message"}). */
function odataText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const e = ('error' in b ? b.error : b) as Record<string, unknown> | null;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : undefined;
  if (!code && !message) return undefined;
  const none = (v: string | undefined) => v ?? 'None';
  const target = typeof e.target === 'string' && e.target ? `\nTarget: ${e.target}` : '';
  return `(${none(code)}) ${none(message)}\nCode: ${none(code)}\nMessage: ${none(message)}${target}`;
}

/** str(ClientAuthenticationError(message, response)): the OData text, or the message and the body's Content line. */
export function pyHttpErrorText(message: string, r: HttpResponse): string {
  const parsed = parseJson(r.bodyText);
  const odata = parsed.ok ? odataText(parsed.value) : undefined;
  if (odata) return odata;
  // The body may hold a token (a 200 without its expiry): the one redaction module scrubs it.
  return (r.bodyText ? `${message}\nContent: ${redactText(r.bodyText)}` : message).slice(0, 2048);
}

/**
 * _process_response's complaint about a body, or undefined when it holds a token the step can read. `plain`: not an
 * HttpResponseError (requests' content_type is None without the header, and None.startswith raises AttributeError).
 */
function processResponseProblem(r: HttpResponse): { message: string; plain?: true } | undefined {
  const parsed = r.bodyText.trim() ? parseJson(r.bodyText) : { ok: true as const, value: null };
  if (!parsed.ok) {
    const type = r.headers['content-type'];
    if (type === undefined) return { message: "'NoneType' object has no attribute 'startswith'", plain: true };
    return {
      message: type.startsWith('application/json')
        ? 'Failed to deserialize JSON from response'
        : `Unexpected content type "${type}"`,
    };
  }
  const content = parsed.value;
  if (!content) return { message: 'No token received.' };
  const obj = typeof content === 'object' && !Array.isArray(content) ? (content as Record<string, unknown>) : {};
  if ('access_token' in obj && ('expires_in' in obj || 'expires_on' in obj)) return undefined;
  const shown = 'access_token' in obj ? { ...obj, access_token: '****' } : content;
  return { message: `Unexpected response "${pyRepr(shown)}"` };
}

/**
 * Python's verdict on an IMDS token response: undefined when it holds a token (the caller reads it), else the error
 * the chain sees. `userAssigned`: DefaultAzureCredential always passes client_id (None included), so in the chain a
 * 400 reads "The requested identity has not been assigned to this resource."
 */
export function pyImdsProblem(ctx: StepContext, r: HttpResponse, userAssigned: boolean): Error | undefined {
  const problem = processResponseProblem(r);
  if (problem === undefined) return undefined;
  if (r.status === 400 && !problem.plain)
    return new CredentialUnavailableError(
      `ManagedIdentityCredential authentication unavailable. ${userAssigned ? 'The requested identity has not been assigned to this resource.' : 'No identity has been assigned to this resource.'}`,
    );
  ctx.trace.note(
    'info',
    `IMDS answered HTTP ${r.status}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}: Python's ManagedIdentityCredential raises an error that is not CredentialUnavailableError, which stops the chain`,
  );
  return new AuthenticationFailedError({
    kind: r.status === 200 ? 'parse' : 'http',
    message: problem.plain ? problem.message : pyHttpErrorText(problem.message, r),
    errorCodes: [],
    httpStatus: r.status,
    sdkErrorName: problem.plain ? 'AttributeError' : 'ClientAuthenticationError',
  });
}
