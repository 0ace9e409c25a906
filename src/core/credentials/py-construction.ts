/**
 * What Python azure-identity's DefaultAzureCredential() does with a member whose constructor raises (rules
 * constructorFailure 'fatal', read in 1.13.0b2, Debian's python3-azure): DefaultAzureCredential.__init__
 * (azure/identity/_credentials/default.py) builds EnvironmentCredential and ManagedIdentityCredential with no
 * try/except (only SharedTokenCacheCredential is wrapped), so their ValueError or OSError propagates and the
 * application never gets a credential. The checks, in the order the constructors run them:
 * - get_default_authority() (_internal/utils.py): AZURE_AUTHORITY_HOST, or the `authority` argument, whose URL scheme
 *   is not https raises ValueError — before any member is built, whatever the environment holds;
 * - EnvironmentCredential (_credentials/environment.py) picks ClientSecretCredential, CertificateCredential or
 *   UsernamePasswordCredential when their variables are present (`is not None`: an empty value counts), and those
 *   check an empty client id / secret / tenant (client_secret.py), validate_tenant_id, and open the certificate file
 *   (certificate.py get_client_credential: Python's own OSError text);
 * - ManagedIdentityCredential (_credentials/managed_identity.py) for token exchange needs a client id.
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { pyOsError } from './py-wording';

type Env = Readonly<Record<string, string | undefined>>;

/** validate_tenant_id's ValueError (1.13.0b2 wording: "instructions here", docs.microsoft.com, no final stop). */
export const PY_INVALID_TENANT =
  'Invalid tenant id provided. You can locate your tenant id by following the instructions here: https://docs.microsoft.com/partner-center/find-ids-and-domain-names';

/** The scheme urllib.parse.urlsplit finds (Python 3.11): letters, digits, "+-." before the first colon. */
function pyUrlScheme(url: string): string {
  // eslint-disable-next-line no-control-regex
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.replace(/^[\u0000-\u0020]+/, ''));
  return m ? m[1]!.toLowerCase() : '';
}

/** normalize_authority's ValueError for an authority whose scheme is not https (none means https). */
export function pyAuthorityProblem(authority: string): string | undefined {
  const scheme = pyUrlScheme(authority);
  return scheme && scheme !== 'https'
    ? `'${authority}' is an invalid authority. The value must be a TLS protected (https) URL.`
    : undefined;
}

function validTenant(tenant: string): boolean {
  return /^[0-9A-Za-z.-]+$/.test(tenant);
}

/** What Python's open(path, "rb") raises, or undefined when it opens (the contents are checked later, by the step). */
export function pyOpenError(path: string): string | undefined {
  const osError = (code: string | undefined) => pyOsError(code, path);
  try {
    // Node opens a directory for reading where Python's open() raises IsADirectoryError.
    if (statSync(path).isDirectory()) return osError('EISDIR');
    closeSync(openSync(path, 'r'));
    return undefined;
  } catch (e) {
    return osError((e as NodeJS.ErrnoException).code) ?? `[Errno] ${(e as Error).message}`;
  }
}

/** EnvironmentCredential's constructor: the inner credential it builds, and what that one's constructor raises. */
function environmentProblem(env: Env): string | undefined {
  const present = (...names: string[]) => names.every((n) => env[n] !== undefined);
  const tenant = env.AZURE_TENANT_ID;
  if (present('AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID')) {
    if (!env.AZURE_CLIENT_ID) return 'client_id should be the id of an Azure Active Directory application';
    if (!env.AZURE_CLIENT_SECRET) return "secret should be an Azure Active Directory application's client secret";
    if (!tenant) return "tenant_id should be an Azure Active Directory tenant's id (also called its 'directory id')";
    return validTenant(tenant) ? undefined : PY_INVALID_TENANT;
  }
  if (present('AZURE_CLIENT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_TENANT_ID')) {
    if (!validTenant(tenant!)) return PY_INVALID_TENANT;
    const path = env.AZURE_CLIENT_CERTIFICATE_PATH!;
    if (!path) return 'CertificateCredential requires a value for either "certificate_path" or "certificate_data"';
    return pyOpenError(path);
  }
  if (present('AZURE_CLIENT_ID', 'AZURE_USERNAME', 'AZURE_PASSWORD'))
    return validTenant(tenant || 'organizations') ? undefined : PY_INVALID_TENANT;
  return undefined;
}

/** ManagedIdentityCredential's constructor: token exchange (all of TOKEN_EXCHANGE_VARS set) without a client id. */
function managedIdentityProblem(env: Env, clientId: string | undefined): string | undefined {
  if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) return undefined;
  if (!env.AZURE_AUTHORITY_HOST || !env.AZURE_TENANT_ID || !env.AZURE_FEDERATED_TOKEN_FILE) return undefined;
  return clientId || env.AZURE_CLIENT_ID
    ? undefined
    : 'Configure the environment with a client ID or pass a value for "client_id" argument';
}

/**
 * The error `DefaultAzureCredential()` raises in Python for this environment, or undefined when every member can be
 * built. `members` is the chain in construction order.
 */
export function pyFatalConstruction(
  env: Env,
  options: { authorityHost?: string; managedIdentityClientId?: string },
  members: readonly string[],
): string | undefined {
  // default.py: normalize_authority(authority) if authority else get_default_authority() — before any member.
  const authority = options.authorityHost || env.AZURE_AUTHORITY_HOST;
  const insecure = authority ? pyAuthorityProblem(authority) : undefined;
  if (insecure) return insecure;
  for (const m of members) {
    const problem =
      m === 'EnvironmentCredential'
        ? environmentProblem(env)
        : m === 'ManagedIdentityCredential'
          ? managedIdentityProblem(env, options.managedIdentityClientId)
          : undefined;
    if (problem) return problem;
  }
  return undefined;
}
