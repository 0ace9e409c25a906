/**
 * AZURE_REGIONAL_AUTHORITY_NAME (ESTS-R): where a service principal's token request goes when the variable names a
 * region. Every modelled SDK honours it for its client-secret and client-certificate credentials, so for
 * EnvironmentCredential in the chain (src/core/sdk/rules, regionalAuthority):
 * - @azure/identity: calculateRegionalAuthority (regionalAuthority.js, read in 3.4.2 … 4.13.1) passes the variable as
 *   msal-node's azureRegion to acquireTokenByClientCredential for ClientSecret-, ClientCertificate- and
 *   ClientAssertionCredential; "AutoDiscoverRegion" becomes msal's AUTO_DISCOVER;
 * - Python: MsalCredential (_internal/msal_credentials.py, read in 1.13.0b2) passes it as MSAL's azure_region, which
 *   MSAL uses for the client credentials grant; "TryAutoDetect" from 1.13.0b2 (CHANGELOG);
 * - Go (confidential clients, CHANGELOG 1.1.0) and .NET (WithAzureRegion) likewise.
 * MSAL computes the host (msal-common Authority.buildRegionalAuthorityString, MSAL Python _get_regional_authority):
 * `<region>.login.microsoft.com` for the public cloud's hosts, `<region>.<host>` for any other, and msal-node adds
 * `allowestsrfallback=true` to the token endpoint. A loopback authority host (the sandbox, a test's stand-in) is its
 * own regional host: nothing on loopback is Entra's regional fleet, and `<region>.127.0.0.1` resolves nowhere.
 */
import type { ResolvedAuthorityHost } from './msal/authority';

/** msal-common KNOWN_PUBLIC_CLOUDS: their regional host is <region>.login.microsoft.com. */
const PUBLIC_CLOUD_HOSTS = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'];

/** msal-common isValidRegion: a region is a DNS label. */
const REGION_RE = /^[a-z][a-z0-9-]{0,62}$/i;

/** Values that ask msal to find the region itself (JS / .NET spelling, msal's own). */
const AUTO = ['autodiscoverregion', 'tryautodetect'];

export interface RegionChoice {
  /** The region the token request uses, or undefined for the global endpoint. */
  region?: string;
  /** Why (for the trace), when the variable is set. */
  note?: string;
  /** Set when the value cannot be a region: msal-node refuses it (url_parse_error). */
  invalid?: string;
}

/** What AZURE_REGIONAL_AUTHORITY_NAME asks for; auto-detection reads REGION_NAME as msal does before asking IMDS. */
export function regionFromEnv(env: Readonly<Record<string, string | undefined>>): RegionChoice {
  const raw = env.AZURE_REGIONAL_AUTHORITY_NAME?.trim();
  if (!raw) return {};
  if (AUTO.includes(raw.toLowerCase())) {
    const named = env.REGION_NAME?.trim();
    if (named && REGION_RE.test(named))
      return { region: named.toLowerCase(), note: `region ${named} from REGION_NAME (msal's auto-detection)` };
    return {
      note: `AZURE_REGIONAL_AUTHORITY_NAME=${raw}: msal would ask IMDS for this VM's region and use the global endpoint when it finds none; the engine does not ask and uses the global endpoint`,
    };
  }
  if (!REGION_RE.test(raw))
    return { invalid: `AZURE_REGIONAL_AUTHORITY_NAME=${JSON.stringify(raw.slice(0, 80))} is not a region name` };
  return { region: raw.toLowerCase() };
}

export function isLoopbackHost(hostAndPort: string): boolean {
  const host = hostAndPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The regional token endpoint MSAL would use for this authority host, tenant and region. */
export function regionalTokenEndpoint(
  host: ResolvedAuthorityHost,
  tenant: string,
  region: string,
): { url: string; hostAndPort: string; loopback: boolean } {
  const u = new URL(host.url);
  const loopback = isLoopbackHost(host.hostAndPort);
  const hostAndPort = loopback
    ? host.hostAndPort
    : PUBLIC_CLOUD_HOSTS.includes(u.hostname.toLowerCase())
      ? `${region}.login.microsoft.com`
      : `${region}.${host.hostAndPort}`;
  return {
    url: `https://${hostAndPort}${u.pathname.replace(/\/+$/, '')}/${tenant}/oauth2/v2.0/token?allowestsrfallback=true`,
    hostAndPort,
    loopback,
  };
}
