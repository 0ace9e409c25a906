/**
 * Python azure-identity's own texts for failures the engine meets in credentials shared by every profile (read in
 * 1.13.0b2, Debian's python3-azure): the OSError an open() raises, what a service principal's failed token request
 * says (MSAL: client_credential_base.py, "Authentication failed: …") and what token exchange's AadClient says
 * (aad_client_base.py _raise_for_error, with azure-core's Content line), and the multi-tenant refusal (utils.py).
 */
import { redactText } from '../trace/redact';
import { pyRepr } from './py-repr';

/** open()'s OSError text for the errno values a user-named file meets. */
const ERRNO: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'],
  EACCES: [13, 'Permission denied'],
  EPERM: [1, 'Operation not permitted'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  ENAMETOOLONG: [36, 'File name too long'],
  ELOOP: [40, 'Too many levels of symbolic links'],
};

/** str(OSError) for open(path): "[Errno 2] No such file or directory: '/path'" (the path as Python's repr). */
export function pyOsError(code: string | undefined, path: string): string | undefined {
  const known = code ? ERRNO[code] : undefined;
  return known ? `[Errno ${known[0]}] ${known[1]}: ${pyRepr(path)}` : undefined;
}

/** resolve_tenant's ClientAuthenticationError (_internal/utils.py). */
export function pyTenantNotAllowed(tenant: string): string {
  return `The current credential is not configured to acquire tokens for tenant ${tenant}. To enable acquiring tokens for this tenant add it to the additionally_allowed_tenants when creating the credential, or add "*" to additionally_allowed_tenants to allow acquiring tokens for any tenant.`;
}

/** Credentials whose token request is AadClient's own (no MSAL): ClientAssertionCredential and token exchange. */
const AAD_CLIENT = new Set(['WorkloadIdentityCredential', 'ClientAssertionCredential']);

/**
 * What Python says for an Entra error answer. MSAL credentials: "Authentication failed: <error_description or
 * error>" (no response attached). AadClient: "Azure Active Directory error '(<error>) <error_description>'", and
 * azure-core's str() adds the raw body as a Content line (the body is not an OData error), cut at 2,048 characters.
 */
export function pyEntraFailure(credential: string, body: Record<string, unknown>, text: string | undefined): string {
  const description = body.error_description;
  if (!AAD_CLIENT.has(credential)) {
    const said = (typeof description === 'string' && description) || body.error;
    return `Authentication failed: ${typeof said === 'string' ? said : pyRepr(said)}`;
  }
  const message =
    'error_description' in body
      ? `Azure Active Directory error '(${String(body.error)}) ${String(description)}'`
      : `Azure Active Directory error '${pyRepr(body)}'`;
  return (text ? `${message}\nContent: ${redactText(text)}` : message).slice(0, 2048);
}
