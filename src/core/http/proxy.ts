/**
 * Which proxy a request goes through: the explicit option, else HTTPS_PROXY / HTTP_PROXY with NO_PROXY (either case),
 * as curl and the Azure SDKs read them. The decision carries its reason so the trace can say why a proxy was (not) used.
 */
import net from 'node:net';

export interface ProxyDecision {
  proxy: string | null;
  reason: string;
}

function hostMatchesNoProxy(host: string, port: string, noProxy: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const [rawHost, ePort] = entry.startsWith('[')
      ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]]
      : entry.split(':');
    if (ePort && ePort !== port) continue;
    const eHost = (rawHost ?? '').replace(/^\*?\./, '.');
    if (eHost.startsWith('.')) {
      if (h.endsWith(eHost) || h === eHost.slice(1)) return true;
    } else if (h === eHost || h.endsWith(`.${eHost}`)) return true;
    // CIDR (IPv4 only) — common in corporate NO_PROXY lists.
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(eHost);
    if (cidr && net.isIPv4(h)) {
      const toInt = (ip: string) => ip.split('.').reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
      const bits = Number(cidr[2]);
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      if ((toInt(h) & mask) === (toInt(cidr[1]!) & mask)) return true;
    }
  }
  return false;
}

/** Which proxy a request to `url` goes through, and why. */
export function selectProxy(
  url: URL,
  options: { proxy?: string; env?: Readonly<Record<string, string | undefined>> },
): ProxyDecision {
  const env = options.env ?? process.env;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  if (options.proxy !== undefined) {
    if (options.proxy === '' || options.proxy === 'none') return { proxy: null, reason: 'proxy disabled by option' };
    if (noProxy && hostMatchesNoProxy(url.hostname, port, noProxy))
      return { proxy: null, reason: `host matches NO_PROXY (${noProxy})` };
    return { proxy: options.proxy, reason: 'explicit proxy option' };
  }
  const name = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const value = env[name] ?? env[name.toLowerCase()];
  if (!value) return { proxy: null, reason: `${name} not set` };
  if (noProxy && hostMatchesNoProxy(url.hostname, port, noProxy))
    return { proxy: null, reason: `host matches NO_PROXY (${noProxy})` };
  return { proxy: value, reason: `${name} from the environment` };
}

/** Basic credentials from the proxy URL's user info, if any. */
export function proxyAuthHeader(p: URL): Record<string, string> {
  if (!p.username) return {};
  const cred = `${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(cred).toString('base64')}` };
}
