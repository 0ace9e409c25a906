/**
 * Which Azure API a URL belongs to, the audiences that API accepts, and the read-only presets `azauth call` and the
 * Try Token command offer. Hosts are matched per cloud (public, US Government, China); anything else is 'unknown'
 * unless the caller says which service it is (a local emulator or the sandbox on loopback).
 */

export type ResourceService = 'arm' | 'graph' | 'keyvault' | 'storage' | 'servicebus' | 'unknown';

export interface ServiceInfo {
  service: ResourceService;
  /** What the user reads: "Azure Resource Manager". */
  displayName: string;
  /** The resource (v1 form) to request a token for, e.g. https://vault.azure.net. */
  resource?: string;
  /** Every audience the API accepts (compared without a trailing slash, case-insensitively). */
  audiences: string[];
  /** Where to look up an error code this product does not know. */
  lookupUrl: string;
}

interface ServiceRule {
  service: Exclude<ResourceService, 'unknown'>;
  /** Host suffix (with leading dot for subdomains) or exact host. */
  hosts: { match: string; resource: string; extra?: string[] }[];
}

const RULES: ServiceRule[] = [
  {
    service: 'arm',
    hosts: [
      {
        match: 'management.azure.com',
        resource: 'https://management.azure.com',
        extra: ['https://management.core.windows.net', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
      },
      {
        match: 'management.usgovcloudapi.net',
        resource: 'https://management.usgovcloudapi.net',
        extra: ['https://management.core.usgovcloudapi.net'],
      },
      {
        match: 'management.chinacloudapi.cn',
        resource: 'https://management.chinacloudapi.cn',
        extra: ['https://management.core.chinacloudapi.cn'],
      },
    ],
  },
  {
    service: 'graph',
    hosts: [
      {
        match: 'graph.microsoft.com',
        resource: 'https://graph.microsoft.com',
        extra: ['00000003-0000-0000-c000-000000000000'],
      },
      {
        match: 'canary.graph.microsoft.com',
        resource: 'https://graph.microsoft.com',
        extra: ['https://canary.graph.microsoft.com'],
      },
      { match: 'graph.microsoft.us', resource: 'https://graph.microsoft.us' },
      { match: 'dod-graph.microsoft.us', resource: 'https://dod-graph.microsoft.us' },
      { match: 'microsoftgraph.chinacloudapi.cn', resource: 'https://microsoftgraph.chinacloudapi.cn' },
    ],
  },
  {
    service: 'keyvault',
    hosts: [
      {
        match: '.vault.azure.net',
        resource: 'https://vault.azure.net',
        extra: ['cfa8b339-82a2-471a-a3c9-0fc0be7a4093'],
      },
      { match: '.vault.usgovcloudapi.net', resource: 'https://vault.usgovcloudapi.net' },
      { match: '.vault.azure.cn', resource: 'https://vault.azure.cn' },
      { match: '.managedhsm.azure.net', resource: 'https://managedhsm.azure.net' },
    ],
  },
  {
    service: 'storage',
    hosts: ['blob', 'queue', 'file', 'table', 'dfs'].flatMap((k) => [
      {
        match: `.${k}.core.windows.net`,
        resource: 'https://storage.azure.com',
        extra: ['e406a681-f3d4-42a8-90b6-c2b029497af1'],
      },
      { match: `.${k}.core.usgovcloudapi.net`, resource: 'https://storage.azure.com' },
      { match: `.${k}.core.chinacloudapi.cn`, resource: 'https://storage.azure.com' },
    ]),
  },
  {
    service: 'servicebus',
    hosts: [
      // Service Bus and Event Hubs namespaces share the host name; each accepts both audiences' tokens.
      {
        match: '.servicebus.windows.net',
        resource: 'https://servicebus.azure.net',
        extra: ['https://eventhubs.azure.net'],
      },
      {
        match: '.servicebus.usgovcloudapi.net',
        resource: 'https://servicebus.azure.net',
        extra: ['https://eventhubs.azure.net'],
      },
      {
        match: '.servicebus.chinacloudapi.cn',
        resource: 'https://servicebus.azure.net',
        extra: ['https://eventhubs.azure.net'],
      },
    ],
  },
];

const NAMES: Record<ResourceService, string> = {
  arm: 'Azure Resource Manager',
  graph: 'Microsoft Graph',
  keyvault: 'Azure Key Vault',
  storage: 'Azure Storage',
  servicebus: 'Azure Service Bus / Event Hubs',
  unknown: 'an API this tool does not recognise',
};

const LOOKUP: Record<ResourceService, string> = {
  arm: 'https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors',
  graph: 'https://learn.microsoft.com/graph/errors',
  keyvault: 'https://learn.microsoft.com/azure/key-vault/general/rest-error-codes',
  storage: 'https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes',
  servicebus: 'https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-exceptions-latest',
  unknown: 'https://learn.microsoft.com/search/?terms=',
};

/** Default (public cloud) resource per service: used when the caller names the service (emulators, the sandbox). */
const DEFAULT_RESOURCE: Record<Exclude<ResourceService, 'unknown'>, string> = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  keyvault: 'https://vault.azure.net',
  storage: 'https://storage.azure.com',
  servicebus: 'https://servicebus.azure.net',
};

export const RESOURCE_SERVICES: readonly Exclude<ResourceService, 'unknown'>[] = [
  'arm',
  'graph',
  'keyvault',
  'storage',
  'servicebus',
];

export function isResourceService(s: string): s is Exclude<ResourceService, 'unknown'> {
  return (RESOURCE_SERVICES as readonly string[]).includes(s);
}

export function serviceInfo(service: ResourceService, resource?: string): ServiceInfo {
  if (service === 'unknown') return { service, displayName: NAMES.unknown, audiences: [], lookupUrl: LOOKUP.unknown };
  const r = resource ?? DEFAULT_RESOURCE[service];
  const rule = RULES.find((x) => x.service === service)!;
  const extra = rule.hosts.filter((h) => h.resource === r).flatMap((h) => h.extra ?? []);
  return {
    service,
    displayName: NAMES[service],
    resource: r,
    audiences: [...new Set([r, ...extra])],
    lookupUrl: LOOKUP[service],
  };
}

/** The service behind a URL, from its host; 'unknown' for any other host (including loopback). */
export function serviceForUrl(url: string | URL): ServiceInfo {
  let host: string;
  try {
    host = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase();
  } catch {
    return serviceInfo('unknown');
  }
  for (const rule of RULES) {
    for (const h of rule.hosts) {
      if (h.match.startsWith('.') ? host.endsWith(h.match) && host.length > h.match.length : host === h.match) {
        const info = serviceInfo(rule.service, h.resource);
        // A storage account also accepts tokens for its own endpoint (https://<account>.blob.core.windows.net).
        if (rule.service === 'storage') info.audiences.push(`https://${host}`);
        info.audiences.push(...(h.extra ?? []).filter((e) => !info.audiences.includes(e)));
        return info;
      }
    }
  }
  return serviceInfo('unknown');
}

export function normalizeAudience(a: string): string {
  return a.trim().replace(/\/+$/, '').toLowerCase();
}

/** True when one of the token's audiences is one the service accepts. */
export function audienceAccepted(info: ServiceInfo, aud: string | string[] | undefined): boolean {
  const have = (Array.isArray(aud) ? aud : aud ? [aud] : []).map(normalizeAudience);
  const want = new Set(info.audiences.map(normalizeAudience));
  return have.some((a) => want.has(a));
}

// ------------------------------------------------------------------------------------------------ presets

export interface ResourcePreset {
  id: string;
  service: Exclude<ResourceService, 'unknown'>;
  title: string;
  method: 'GET';
  /** URL template; `{name}` placeholders are filled from parameters. */
  url: string;
  /** Parameters the template needs (subscription, vault, account, namespace, entity). */
  params: string[];
  headers?: Record<string, string>;
  /** The scope to request a token for. */
  scope: string;
}

/** Read-only requests only: listing, never changing anything. */
export const RESOURCE_PRESETS: readonly ResourcePreset[] = [
  {
    id: 'arm-subscriptions',
    service: 'arm',
    title: 'ARM: list subscriptions',
    method: 'GET',
    url: 'https://management.azure.com/subscriptions?api-version=2022-12-01',
    params: [],
    scope: 'https://management.azure.com/.default',
  },
  {
    id: 'arm-resource-groups',
    service: 'arm',
    title: 'ARM: list resource groups of a subscription',
    method: 'GET',
    url: 'https://management.azure.com/subscriptions/{subscription}/resourcegroups?api-version=2021-04-01',
    params: ['subscription'],
    scope: 'https://management.azure.com/.default',
  },
  {
    id: 'graph-me',
    service: 'graph',
    title: 'Graph: the signed-in user (/me)',
    method: 'GET',
    url: 'https://graph.microsoft.com/v1.0/me',
    params: [],
    scope: 'https://graph.microsoft.com/.default',
  },
  {
    id: 'graph-organization',
    service: 'graph',
    title: 'Graph: the tenant (/organization)',
    method: 'GET',
    url: 'https://graph.microsoft.com/v1.0/organization',
    params: [],
    scope: 'https://graph.microsoft.com/.default',
  },
  {
    id: 'keyvault-secrets',
    service: 'keyvault',
    title: 'Key Vault: list secrets (names only)',
    method: 'GET',
    url: 'https://{vault}.vault.azure.net/secrets?api-version=7.4',
    params: ['vault'],
    scope: 'https://vault.azure.net/.default',
  },
  {
    id: 'storage-containers',
    service: 'storage',
    title: 'Storage: list blob containers',
    method: 'GET',
    url: 'https://{account}.blob.core.windows.net/?comp=list',
    params: ['account'],
    headers: { 'x-ms-version': '2021-08-06' },
    scope: 'https://storage.azure.com/.default',
  },
  {
    id: 'servicebus-queue',
    service: 'servicebus',
    title: 'Service Bus: read a queue description',
    method: 'GET',
    url: 'https://{namespace}.servicebus.windows.net/{entity}?api-version=2021-05',
    params: ['namespace', 'entity'],
    scope: 'https://servicebus.azure.net/.default',
  },
  {
    id: 'eventhubs-hub',
    service: 'servicebus',
    title: 'Event Hubs: read an event hub description',
    method: 'GET',
    url: 'https://{namespace}.servicebus.windows.net/{entity}?api-version=2014-01',
    params: ['namespace', 'entity'],
    scope: 'https://eventhubs.azure.net/.default',
  },
];

export function findPreset(id: string): ResourcePreset | undefined {
  return RESOURCE_PRESETS.find((p) => p.id === id);
}

/**
 * The preset's URL with its parameters filled in (each URL-encoded, and checked to be a plain name so that a value
 * cannot change the host). With `endpoint`, the scheme and host (and any path prefix) are replaced: a sovereign cloud,
 * an emulator or the sandbox.
 */
export function presetUrl(p: ResourcePreset, params: Record<string, string | undefined>, endpoint?: string): string {
  let url = p.url;
  for (const name of p.params) {
    const v = params[name];
    if (v === undefined || v === '') throw new Error(`preset ${p.id} needs --${name}`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(v))
      throw new Error(`--${name} must be a plain name (letters, digits, . _ -), got ${JSON.stringify(v.slice(0, 60))}`);
    url = url.split(`{${name}}`).join(encodeURIComponent(v));
  }
  if (endpoint === undefined) return url;
  const u = new URL(url);
  const e = new URL(endpoint);
  const prefix = e.pathname.replace(/\/+$/, '');
  // Key Vault / Storage / Service Bus name the vault, account or namespace in the host: keep that name as a path
  // segment under the endpoint, which is how local stand-ins address them.
  const hostName = p.params.find((n) => ['vault', 'account', 'namespace'].includes(n));
  const hostSeg = hostName ? `/${encodeURIComponent(params[hostName]!)}` : '';
  return `${e.origin}${prefix}${hostSeg}${u.pathname === '/' && hostSeg ? '/' : u.pathname}${u.search}`;
}
