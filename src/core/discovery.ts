/**
 * OIDC discovery for one tenant, as its own traced operation: the v2.0 openid-configuration document and the JWKS it
 * points to. Validates what msal-node and token validation rely on (issuer, endpoints on the authority host, keys) and
 * says in plain words what is wrong when something is. The result also feeds msal-node's `authorityMetadata`.
 */
import type { ChainProfile, ErrorInfo, StepResult } from './model';
import type { EngineOptions } from './options';
import type { TraceSink } from './trace/events';
import { Tracer, type StepTracer } from './trace/tracer';
import type { HttpClient, HttpResponse } from './http/types';
import { createHttpClient } from './http/client';
import { classifyError } from './errors/classify';
import { AuthenticationFailedError, isAuthenticationFailed } from './credentials/types';
import {
  AuthorityConfigError,
  authorityMetadataFromDocument,
  invalidTenantMessage,
  isValidTenantId,
  resolveAuthorityHost,
  tenantEndpoints,
  type ResolvedAuthorityHost,
} from './credentials/msal/authority';
import { errorInfoFromBody } from './credentials/msal/errors';

export interface DiscoveredKey {
  kid?: string;
  kty?: string;
  use?: string;
  alg?: string;
  x5t?: string;
  /** Number of certificates in x5c. */
  x5cCount: number;
  issuer?: string;
}

export interface DiscoveryResult {
  tenantId: string;
  authorityHost: string;
  openIdConfigurationUrl: string;
  issuer: string;
  /** The tenant id the issuer names (a GUID even when a domain name was asked for). */
  issuerTenantId?: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  deviceAuthorizationEndpoint?: string;
  endSessionEndpoint?: string;
  jwksUri: string;
  cloudInstanceName?: string;
  tenantRegionScope?: string | null;
  keys: DiscoveredKey[];
  /** Non-fatal findings (issuer on another host, endpoints on another host, no keys, …). */
  warnings: string[];
  /** The subset msal-node takes as `auth.authorityMetadata` (only when every endpoint is on the authority host). */
  authorityMetadata?: string;
}

export interface DiscoverOptions {
  tenantId: string;
  authorityHost?: string;
  profile?: ChainProfile;
}

/** Largest number of keys kept from a JWKS (Entra publishes a handful). */
const MAX_KEYS = 100;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function fail(kind: string, message: string, extra: Partial<ErrorInfo> = {}): never {
  throw new AuthenticationFailedError({ kind, message, errorCodes: [], ...extra });
}

function jsonObject(res: HttpResponse, what: string, url: string): Record<string, unknown> {
  let body = res.json;
  if (body === undefined) {
    try {
      body = JSON.parse(res.bodyText);
    } catch {
      const excerpt = res.bodyText.replace(/\s+/g, ' ').trim().slice(0, 120);
      fail(
        'parse',
        `${what} at ${url} is not JSON (HTTP ${res.status}, ${res.headers['content-type'] ?? 'no content type'}${excerpt ? `, starts with ${JSON.stringify(excerpt)}` : ', empty body'}).`,
        { httpStatus: res.status },
      );
    }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    fail('parse', `${what} at ${url} is not a JSON object.`, { httpStatus: res.status });
  return body as Record<string, unknown>;
}

/** What discovery runs with: the engine's client and tracer, the environment, the signal. */
interface DiscoveryDeps {
  http: HttpClient;
  trace: StepTracer;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  engine?: EngineOptions;
}

/**
 * Runs discovery with a given client and tracer (the engine's building block). Throws AuthenticationFailedError with a
 * classified ErrorInfo (AADSTS90002 for an unknown tenant, parse errors for HTML pages, network errors, …).
 */
export async function discoverTenant(opts: DiscoverOptions, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const profile = opts.profile ?? 'go';
  const tenant = opts.tenantId?.trim() ?? '';
  if (!isValidTenantId(tenant)) fail('config', invalidTenantMessage(profile));
  let host: ResolvedAuthorityHost;
  try {
    host = resolveAuthorityHost(opts.authorityHost ?? deps.engine?.authorityHost, deps.env, profile);
  } catch (e) {
    if (e instanceof AuthorityConfigError) fail('config', e.message);
    throw e;
  }
  const ep = tenantEndpoints(host, tenant);
  deps.trace.config({
    endpoints: [{ name: 'openid-configuration', url: ep.openIdConfigurationUrl }],
    settings: { authorityHost: host.url, authorityHostSource: host.source, cloud: host.cloud, tenant },
  });
  const doc = await fetchDocument(deps, ep.openIdConfigurationUrl, tenant, host);
  const warnings: string[] = [];
  const origin = new URL(host.url).origin;
  const fields = documentEndpoints(doc, origin, warnings);
  const issuerTenantId = readIssuer(fields.issuer, origin, tenant, warnings, deps.trace);
  let authorityMetadata: string | undefined;
  try {
    authorityMetadata = authorityMetadataFromDocument(doc, host);
  } catch (e) {
    warnings.push(`Not usable as msal authority metadata: ${(e as Error).message}`);
  }
  const keys = await fetchKeys(deps, fields.jwksUri, origin, warnings);
  for (const w of warnings) deps.trace.note('warn', `discovery: ${w}`);
  return {
    tenantId: tenant,
    authorityHost: host.url,
    openIdConfigurationUrl: ep.openIdConfigurationUrl,
    issuer: fields.issuer,
    issuerTenantId,
    tokenEndpoint: fields.tokenEndpoint,
    authorizationEndpoint: fields.authorizationEndpoint,
    deviceAuthorizationEndpoint: str(doc.device_authorization_endpoint),
    endSessionEndpoint: str(doc.end_session_endpoint),
    jwksUri: fields.jwksUri,
    cloudInstanceName: str(doc.cloud_instance_name),
    tenantRegionScope: doc.tenant_region_scope === null ? null : str(doc.tenant_region_scope),
    keys,
    warnings,
    authorityMetadata,
  };
}

/** The openid-configuration document, or the classified failure (AADSTS90002 names the unknown tenant). */
async function fetchDocument(
  deps: DiscoveryDeps,
  url: string,
  tenant: string,
  host: ResolvedAuthorityHost,
): Promise<Record<string, unknown>> {
  const res = await deps.http.send({
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
    signal: deps.signal,
  });
  const doc = jsonObject(res, 'The openid-configuration document', url);
  if (res.status >= 400 || typeof doc.error === 'string') {
    const info = errorInfoFromBody({ status: res.status, body: doc, url });
    const unknownTenant = info.errorCodes.includes(90002);
    throw new AuthenticationFailedError({
      ...info,
      message: unknownTenant
        ? `Tenant "${tenant}" was not found on ${host.url}: ${info.message}`
        : `Discovery for tenant "${tenant}" failed: ${info.message}`,
    });
  }
  return doc;
}

/** The fields msal-node and validation need; an endpoint on another host than the authority is a warning. */
function documentEndpoints(
  doc: Record<string, unknown>,
  origin: string,
  warnings: string[],
): { issuer: string; tokenEndpoint: string; authorizationEndpoint: string; jwksUri: string } {
  const need = (k: string): string => str(doc[k]) ?? fail('parse', `The openid-configuration document has no "${k}".`);
  const issuer = need('issuer');
  const tokenEndpoint = need('token_endpoint');
  const authorizationEndpoint = need('authorization_endpoint');
  const jwksUri = need('jwks_uri');
  for (const [k, v] of Object.entries({
    token_endpoint: tokenEndpoint,
    authorization_endpoint: authorizationEndpoint,
    jwks_uri: jwksUri,
  })) {
    let o: string;
    try {
      o = new URL(v).origin;
    } catch {
      fail('parse', `The openid-configuration field ${k} is not a URL.`);
    }
    if (o !== origin) warnings.push(`${k} points to ${o}, not to the authority host ${origin}.`);
  }
  return { issuer, tokenEndpoint, authorizationEndpoint, jwksUri };
}

/** The tenant id the issuer names (traced when a domain name resolved to it); an issuer elsewhere is a warning. */
function readIssuer(
  issuer: string,
  origin: string,
  tenant: string,
  warnings: string[],
  trace: StepTracer,
): string | undefined {
  try {
    const iu = new URL(issuer);
    if (iu.origin !== origin)
      warnings.push(
        `The issuer ${issuer} is on another host than the authority (${origin}); tokens will carry this issuer.`,
      );
    const issuerTenantId = iu.pathname.split('/').filter(Boolean)[0];
    if (issuerTenantId && issuerTenantId !== tenant && /^[0-9a-f-]{36}$/i.test(issuerTenantId)) {
      trace.note('info', `discovery: "${tenant}" resolves to tenant id ${issuerTenantId}.`);
    }
    return issuerTenantId;
  } catch {
    warnings.push(`The issuer "${issuer.slice(0, 200)}" is not a URL.`);
    return undefined;
  }
}

/** The JWKS's keys: only fetched from the authority's own origin (a document pointing elsewhere is reported, not followed). */
async function fetchKeys(
  deps: DiscoveryDeps,
  jwksUri: string,
  origin: string,
  warnings: string[],
): Promise<DiscoveredKey[]> {
  if (new URL(jwksUri).origin !== origin) {
    warnings.push(`The JWKS was not fetched because jwks_uri is on another host (${new URL(jwksUri).origin}).`);
    return [];
  }
  const kr = await deps.http.send({
    method: 'GET',
    url: jwksUri,
    headers: { accept: 'application/json' },
    signal: deps.signal,
  });
  const jwks = jsonObject(kr, 'The JWKS', jwksUri);
  if (kr.status >= 400) fail('http', `The JWKS at ${jwksUri} answered HTTP ${kr.status}.`, { httpStatus: kr.status });
  if (!Array.isArray(jwks.keys)) fail('parse', `The JWKS at ${jwksUri} has no "keys" array.`);
  const list = jwks.keys as unknown[];
  if (list.length > MAX_KEYS)
    warnings.push(`The JWKS lists ${list.length} keys; only the first ${MAX_KEYS} are shown.`);
  const keys = list.slice(0, MAX_KEYS).flatMap((k): DiscoveredKey[] => {
    if (!k || typeof k !== 'object') return [];
    const o = k as Record<string, unknown>;
    return [
      {
        kid: str(o.kid),
        kty: str(o.kty),
        use: str(o.use),
        alg: str(o.alg),
        x5t: str(o.x5t),
        x5cCount: Array.isArray(o.x5c) ? o.x5c.length : 0,
        issuer: str(o.issuer),
      },
    ];
  });
  if (!keys.length) warnings.push('The JWKS has no keys: tokens from this tenant cannot be validated.');
  const noKid = keys.filter((k) => !k.kid).length;
  if (noKid) warnings.push(`${noKid} key(s) in the JWKS have no kid.`);
  return keys;
}

export interface DiscoveryRun {
  result: StepResult;
  discovery?: DiscoveryResult;
}

/** The face-level operation: traced, cancellable, never throws; `result` is shaped like one chain step ("discovery"). */
export async function runDiscovery(
  opts: DiscoverOptions,
  run: {
    signal?: AbortSignal;
    sink?: TraceSink;
    env?: Readonly<Record<string, string | undefined>>;
    options?: EngineOptions;
    now?: () => number;
  } = {},
): Promise<DiscoveryRun> {
  const env = run.env ?? process.env;
  const options = run.options ?? {};
  const now = run.now ?? Date.now;
  const tracer = new Tracer({ sink: run.sink, env, now });
  const trace = tracer.forStep('discovery');
  const t0 = now();
  trace.start(`OIDC discovery for tenant ${opts.tenantId}`);
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`time limit of ${options.stepTimeoutMs ?? 30_000} ms reached`)),
    options.stepTimeoutMs ?? 30_000,
  );
  const onParent = () => controller.abort(run.signal?.reason);
  if (run.signal?.aborted) onParent();
  run.signal?.addEventListener('abort', onParent, { once: true });
  try {
    const http = createHttpClient({
      trace,
      ca: options.ca,
      proxy: options.proxy,
      env,
      bodies: options.httpBodies,
      now,
    });
    const d = await discoverTenant(opts, { http, trace, env, signal: controller.signal, engine: options });
    const durationMs = now() - t0;
    const message = `issuer ${d.issuer}, ${d.keys.length} signing key(s)${d.warnings.length ? `, ${d.warnings.length} warning(s)` : ''}`;
    trace.outcome({ outcome: 'success', message, durationMs });
    return {
      discovery: d,
      result: {
        credential: 'discovery',
        outcome: 'success',
        message,
        durationMs,
        errorCodes: [],
        events: [...trace.events],
      },
    };
  } catch (e) {
    const durationMs = now() - t0;
    let error: ErrorInfo = isAuthenticationFailed(e) ? { ...e.info } : classifyError(e);
    if (controller.signal.aborted && !isAuthenticationFailed(e))
      error = {
        kind: run.signal?.aborted ? 'aborted' : 'timeout',
        message: `discovery ${run.signal?.aborted ? 'was cancelled' : 'did not finish in time'}`,
        errorCodes: [],
      };
    if (!error.message) error.message = String(e);
    trace.outcome({ outcome: 'failed', message: error.message, durationMs, errorCodes: error.errorCodes });
    return {
      result: {
        credential: 'discovery',
        outcome: 'failed',
        message: error.message,
        durationMs,
        errorCodes: error.errorCodes,
        events: [...trace.events],
        error,
      },
    };
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onParent);
  }
}
