/**
 * Lookups over the well-known data (apps, resources, tenants, clouds, directory roles), loaded on first use.
 * The data lives in ./data/*.json so a maintainer can extend it without touching code.
 */

interface AppEntry {
  appId: string;
  name: string;
  kind: 'resource' | 'client' | 'both';
  resourceUris: string[];
}
interface AppsData {
  apps: AppEntry[];
  resourceUris: { uri: string; name: string }[];
  resourcePatterns: { pattern: string; name: string }[];
}
interface TenantsData {
  tenants: { id: string; name: string; meaning: string }[];
  aliases: { id: string; meaning: string }[];
  clouds: { name: string; hosts?: string[]; hostSuffixes?: string[] }[];
  externalIssuers?: { pattern: string; name: string }[];
}

let apps:
  { byId: Map<string, AppEntry>; byUri: Map<string, string>; patterns: { re: RegExp; name: string }[] } | undefined;
let tenants: TenantsData | undefined;
let roles: Map<string, string> | undefined;

/** Lower-case, no trailing slashes: the form audiences and resource URIs are compared in. */
export function normalizeResource(uri: string): string {
  return uri.trim().replace(/\/+$/, '').toLowerCase();
}

function loadApps() {
  if (!apps) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require('./data/apps.json') as AppsData;
    const byId = new Map<string, AppEntry>();
    const byUri = new Map<string, string>();
    for (const a of data.apps) {
      byId.set(a.appId.toLowerCase(), a);
      for (const u of a.resourceUris) byUri.set(normalizeResource(u), a.name);
    }
    for (const r of data.resourceUris) byUri.set(normalizeResource(r.uri), r.name);
    const patterns = data.resourcePatterns.map((p) => ({ re: new RegExp(p.pattern, 'i'), name: p.name }));
    apps = { byId, byUri, patterns };
  }
  return apps;
}

export interface KnownApp {
  name: string;
  appId?: string;
  kind: 'resource' | 'client' | 'both' | 'resource-uri';
}

/** Names a well-known Microsoft app from its application id, or a resource from its URI (with or without /.default). */
export function lookupApp(idOrUri: string): KnownApp | undefined {
  if (typeof idOrUri !== 'string' || !idOrUri) return undefined;
  const a = loadApps();
  const byId = a.byId.get(idOrUri.trim().toLowerCase());
  if (byId) return { name: byId.name, appId: byId.appId, kind: byId.kind };
  const uri = normalizeResource(idOrUri.replace(/\/\.default$/i, ''));
  const name = a.byUri.get(uri);
  if (name) {
    const app = [...a.byId.values()].find((x) => x.resourceUris.some((u) => normalizeResource(u) === uri));
    return app ? { name, appId: app.appId, kind: app.kind } : { name, kind: 'resource-uri' };
  }
  for (const p of a.patterns) if (p.re.test(uri)) return { name: p.name, kind: 'resource-uri' };
  return undefined;
}

/** The resource URIs a first-party app answers to (for audience checks: ARM's app id ⇔ https://management.azure.com/). */
export function resourceUrisOf(appId: string): string[] {
  const app = loadApps().byId.get(appId.toLowerCase());
  return app ? [...app.resourceUris] : [];
}

/** The first-party app id that owns a resource URI, if any. */
export function appIdOfResource(uri: string): string | undefined {
  const n = normalizeResource(uri);
  for (const a of loadApps().byId.values()) if (a.resourceUris.some((u) => normalizeResource(u) === n)) return a.appId;
  return undefined;
}

function loadTenants(): TenantsData {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!tenants) tenants = require('./data/tenants.json') as TenantsData;
  return tenants;
}

export function lookupTenant(id: string): { name: string; meaning: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const t = loadTenants();
  const key = id.trim().toLowerCase();
  const hit = t.tenants.find((x) => x.id === key);
  if (hit) return { name: hit.name, meaning: hit.meaning };
  const alias = t.aliases.find((x) => x.id === key);
  return alias ? { name: alias.id, meaning: alias.meaning } : undefined;
}

export function cloudOfHost(host: string): string | undefined {
  const h = host.toLowerCase();
  for (const c of loadTenants().clouds) {
    if (c.hosts?.includes(h)) return c.name;
    if (c.hostSuffixes?.some((s) => h.endsWith(s))) return c.name;
  }
  return undefined;
}

/** Names a well-known non-Entra issuer (GitHub Actions, AKS, Azure Pipelines…) whose tokens federation exchanges. */
export function externalIssuerName(iss: string): string | undefined {
  if (typeof iss !== 'string') return undefined;
  for (const e of loadTenants().externalIssuers ?? []) {
    try {
      if (new RegExp(e.pattern, 'i').test(iss)) return e.name;
    } catch {
      /* a malformed pattern in the data file: skip it */
    }
  }
  return undefined;
}

export function directoryRoleName(templateId: string): string | undefined {
  if (!roles) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require('./data/roles.json') as { roles: Record<string, string> };
    roles = new Map(Object.entries(data.roles));
  }
  return typeof templateId === 'string' ? roles.get(templateId.toLowerCase()) : undefined;
}

export interface IssuerInfo {
  /** '1.0' for https://sts.windows.net/{tid}/, '2.0' for https://login…/{tid}/v2.0, undefined when the form is not Entra's. */
  version?: '1.0' | '2.0';
  cloud?: string;
  host?: string;
  tenant?: string;
  /** True when the issuer is a well-formed Entra issuer in a known cloud. */
  entra: boolean;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(s: unknown): s is string {
  return typeof s === 'string' && GUID_RE.test(s);
}

/** Reads cloud, tenant and token version from an issuer URL. Works for custom hosts (the sandbox) too. */
export function parseIssuer(iss: string): IssuerInfo {
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    return { entra: false };
  }
  const host = url.host.toLowerCase();
  const segs = url.pathname.split('/').filter(Boolean);
  const cloud = cloudOfHost(url.hostname);
  const info: IssuerInfo = { entra: false, host };
  if (cloud) info.cloud = cloud;
  if (segs.length >= 1) info.tenant = segs[0];
  if (segs.length === 2 && segs[1].toLowerCase() === 'v2.0') info.version = '2.0';
  else if (segs.length === 1 && url.pathname.endsWith('/')) info.version = '1.0';
  info.entra =
    Boolean(cloud) &&
    url.protocol === 'https:' &&
    Boolean(info.version) &&
    (isGuid(info.tenant) || info.tenant === '{tenantid}');
  return info;
}

/** Microsoft Graph's application id: only tokens for this audience carry Graph's header nonce legitimately. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** True when one of the token's audiences is Microsoft Graph (its app id, or its URI in any cloud). */
export function isGraphAudience(aud: unknown): boolean {
  const auds = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
  return auds.some(
    (a) => a.trim().toLowerCase() === MICROSOFT_GRAPH_APP_ID || appIdOfResource(a) === MICROSOFT_GRAPH_APP_ID,
  );
}
