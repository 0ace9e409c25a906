/**
 * Token validation with verdicts and reasons: audience, issuer, time, signature (jose, against the tenant's JWKS)
 * and version. This is a diagnostic: it says *why* an API would accept or reject the token.
 */
import type { JSONWebKeySet } from 'jose';
import { decodeToken, isDecodedJwt, type DecodeError, type DecodeResult, type JsonObject } from './decode';
import { formatDuration, tokenExpiry } from './expiry';
import { checkSignature } from './signature';
import { appIdOfResource, isGuid, lookupApp, normalizeResource, parseIssuer, resourceUrisOf } from './wellknown';

export { isGraphAudience, MICROSOFT_GRAPH_APP_ID } from './wellknown';

export type { JSONWebKeySet };

export type CheckName = 'audience' | 'issuer' | 'time' | 'signature' | 'version';
export type VerdictValue = 'pass' | 'fail' | 'warn' | 'skipped';

export interface Verdict {
  check: CheckName;
  verdict: VerdictValue;
  reason: string;
}

/**
 * What a validation concludes about the whole token:
 * - `verified`: the signature was checked against the issuer's keys and no check failed;
 * - `invalid`: a check failed (an unsigned token, a bad signature, a wrong audience, an expired token…);
 * - `unverified`: nothing failed, but the signature could not be checked, so nothing proves who wrote the token.
 */
export type TokenVerdict = 'verified' | 'invalid' | 'unverified';

/** Why a token that failed no check is still `unverified`. */
export type UnverifiedReason = 'no-keys' | 'key-fetch-failed' | 'graph-token';

/** Why fetching the signing keys failed: `kind` is the fetcher's classification (see KeyFetchError) when it gives one. */
export interface KeyFetchFailure {
  kind: string;
  message: string;
}

export interface Validation {
  verdict: TokenVerdict;
  /** One sentence saying why the verdict is what it is. */
  summary: string;
  /** Set when the verdict is `unverified`. */
  unverifiedBecause?: UnverifiedReason;
  /** True only when the verdict is `verified`: a token whose signature was never checked is not called valid. */
  valid: boolean;
  verdicts: Verdict[];
  /** Set when the signing keys were to be fetched and could not be. */
  keyFetchError?: KeyFetchFailure;
  /** Set when the input could not be decoded as a JWT at all (the verdict is then `invalid`). */
  error?: DecodeError | { kind: 'not-a-jwt'; message: string };
}

export interface ValidateOptions {
  /** The scope the token was requested for (https://management.azure.com/.default, api://x/read, User.Read…). */
  expectedScope?: string;
  /** The resource (v1 form) the API expects, e.g. https://vault.azure.net. */
  expectedResource?: string;
  /** Tenant GUID the token should come from. */
  expectedTenant?: string;
  expectedVersion?: '1.0' | '2.0';
  jwks?: JSONWebKeySet;
  /** Called with the token's issuer when no jwks is given (the caller does OIDC discovery). */
  fetchJwks?: (issuer: string) => Promise<JSONWebKeySet>;
  now: number;
}

/** The audience value(s) a scope or resource turns into. */
export function expectedAudiences(scopeOrResource: string, isScope: boolean): string[] {
  let s = scopeOrResource.trim();
  if (!s) return [];
  if (isScope) {
    if (!s.includes('/') && !isGuid(s)) return ['https://graph.microsoft.com']; // "User.Read", "openid": Graph scopes
    if (/\/\.default$/i.test(s)) s = s.slice(0, -'/.default'.length);
    else if (/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/.+/i.test(s) || /^[0-9a-f-]{36}\/.+/i.test(s))
      s = s.slice(0, s.lastIndexOf('/'));
  }
  const base = s.replace(/\/+$/, '');
  const out = new Set<string>([base]);
  const m = /^api:\/\/([0-9a-f-]{36})$/i.exec(base);
  if (m) out.add(m[1]); // v2 tokens carry the client id, not the Application ID URI
  return [...out];
}

/** public / US Government / China, from a resource URI's host. */
function cloudGroup(uri: string): string {
  const host = /^[a-z]+:\/\/([^/]+)/i.exec(uri)?.[1]?.toLowerCase() ?? '';
  if (/(\.us|usgovcloudapi\.net)$/.test(host)) return 'Azure US Government';
  if (/(\.cn|chinacloudapi\.cn)$/.test(host)) return 'Azure China';
  return 'the public cloud';
}

function checkAudience(p: JsonObject, opts: ValidateOptions): Verdict {
  const auds = (Array.isArray(p.aud) ? p.aud : [p.aud]).filter((a): a is string => typeof a === 'string');
  if (auds.length === 0)
    return { check: 'audience', verdict: 'fail', reason: 'The token has no aud claim: no API should accept it.' };
  const wanted = opts.expectedResource ?? opts.expectedScope;
  if (!wanted)
    return {
      check: 'audience',
      verdict: 'skipped',
      reason: `No expected scope or resource given; the token is for ${auds.join(', ')}.`,
    };
  const expected = expectedAudiences(wanted, opts.expectedResource === undefined);
  const norm = new Set(expected.map(normalizeResource));
  const hit = auds.find((a) => norm.has(normalizeResource(a)));
  if (hit) {
    const slash =
      hit.endsWith('/') !== expected[0].endsWith('/')
        ? ' (a trailing slash differs: audiences are compared without it here, but some APIs compare strictly)'
        : '';
    return { check: 'audience', verdict: 'pass', reason: `aud ${hit} matches ${wanted}${slash}.` };
  }
  // Same first-party API under another of its names (ARM: management.azure.com ⇔ management.core.windows.net ⇔ app id).
  for (const e of expected) {
    const appId = isGuid(e) ? e : appIdOfResource(e);
    if (!appId) continue;
    const aliases = new Set([appId.toLowerCase(), ...resourceUrisOf(appId).map(normalizeResource)]);
    const alias = auds.find((a) => aliases.has(normalizeResource(a)));
    if (alias) {
      const name = lookupApp(appId)?.name ?? appId;
      if (isGuid(alias) || cloudGroup(alias) === cloudGroup(e)) {
        return {
          check: 'audience',
          verdict: 'pass',
          reason: `aud ${alias} is ${isGuid(alias) ? 'the application id' : 'another resource URI'} of the same API (${name}) as ${wanted}; the API accepts both forms.`,
        };
      }
      return {
        check: 'audience',
        verdict: 'warn',
        reason: `aud ${alias} names the same API (${name}) as ${wanted} but in another cloud: the API in ${cloudGroup(e)} will not accept it.`,
      };
    }
  }
  const guidAud = auds.find((a) => isGuid(a));
  const customExpected = expected.some((e) => /^api:\/\//i.test(e) || (/^https?:\/\//i.test(e) && !lookupApp(e)));
  if (guidAud && customExpected) {
    return {
      check: 'audience',
      verdict: 'warn',
      reason: `aud is the GUID ${guidAud} (the v2.0 form uses the API's client id instead of its Application ID URI). It matches only if ${guidAud} is the client id of ${wanted}.`,
    };
  }
  if (!guidAud && expected.some((e) => isGuid(e)) && auds.some((a) => /^(api|https?):\/\//i.test(a))) {
    return {
      check: 'audience',
      verdict: 'warn',
      reason: `aud ${auds[0]} is a URI (v1.0 form) while ${wanted} names a client id. It matches only if ${auds[0]} is that app's Application ID URI.`,
    };
  }
  return {
    check: 'audience',
    verdict: 'fail',
    reason: `aud ${auds.join(', ')} does not match ${wanted} (expected ${expected.join(' or ')}). The API will reject this token: request it with the API's own scope.`,
  };
}

function checkIssuer(p: JsonObject, opts: ValidateOptions): Verdict {
  if (typeof p.iss !== 'string') return { check: 'issuer', verdict: 'fail', reason: 'The token has no iss claim.' };
  const info = parseIssuer(p.iss);
  const tid = typeof p.tid === 'string' ? p.tid : undefined;
  const problems: string[] = [];
  const notes: string[] = [];
  if (info.tenant && tid && isGuid(info.tenant) && info.tenant.toLowerCase() !== tid.toLowerCase())
    problems.push(`the issuer's tenant ${info.tenant} differs from tid ${tid}`);
  if (opts.expectedTenant) {
    const want = opts.expectedTenant.trim().toLowerCase();
    const have = (info.tenant ?? tid ?? '').toLowerCase();
    if (!isGuid(want))
      notes.push(
        `expected tenant "${opts.expectedTenant}" is not a GUID, so it cannot be compared offline (tokens carry tenant GUIDs)`,
      );
    else if (have !== want && (tid ?? '').toLowerCase() !== want)
      problems.push(
        `the token comes from tenant ${info.tenant ?? tid ?? '?'}, not the expected ${opts.expectedTenant} (sign in to the right tenant: az login --tenant ${opts.expectedTenant})`,
      );
  }
  if (info.version && typeof p.ver === 'string' && p.ver !== info.version)
    problems.push(`the issuer has the v${info.version} form but ver is ${p.ver}`);
  if (!info.host) problems.push('iss is not a URL');
  else if (!info.cloud)
    notes.push(`${info.host} is not a Microsoft cloud login host (fine for a sandbox or another identity provider)`);
  if (info.host && !info.version) notes.push('the issuer path is neither /{tenant}/ (v1.0) nor /{tenant}/v2.0 (v2.0)');
  const where = `${info.cloud ?? info.host ?? '?'}, v${info.version ?? '?'} issuer form, tenant ${info.tenant ?? tid ?? '?'}`;
  if (problems.length)
    return { check: 'issuer', verdict: 'fail', reason: `${p.iss} (${where}): ${problems.join('; ')}.` };
  if (notes.length) return { check: 'issuer', verdict: 'warn', reason: `${p.iss} (${where}): ${notes.join('; ')}.` };
  return {
    check: 'issuer',
    verdict: 'pass',
    reason: `${p.iss} (${where})${opts.expectedTenant ? ' is the expected tenant' : ''}.`,
  };
}

function checkTime(p: JsonObject, now: number): Verdict {
  const e = tokenExpiry(p, { now });
  const skew = e.skew.warning ? ` ${e.skew.warning}` : '';
  switch (e.state) {
    case 'no-expiry':
      return {
        check: 'time',
        verdict: 'fail',
        reason: `The token has no usable exp claim (absent, or not a time after 1970); Entra always sets one.${skew}`,
      };
    case 'expired':
      return {
        check: 'time',
        verdict: 'fail',
        reason: `Expired at ${e.expiresAt} (${formatDuration(e.remainingMs ?? 0)} ago). Get a new token.${skew}`,
      };
    case 'not-yet-valid':
      return {
        check: 'time',
        verdict: 'fail',
        reason: `Not valid before ${e.notBefore}: the local clock may be behind.${skew}`,
      };
    case 'expiring-soon':
      return {
        check: 'time',
        verdict: 'warn',
        reason: `Valid, but expires in ${formatDuration(e.remainingMs ?? 0)} (${e.expiresAt}).${skew}`,
      };
    default:
      return {
        check: 'time',
        verdict: e.skew.warning ? 'warn' : 'pass',
        reason: `Valid until ${e.expiresAt} (${formatDuration(e.remainingMs ?? 0)} left).${skew}`,
      };
  }
}

function checkVersion(p: JsonObject, expected: '1.0' | '2.0' | undefined): Verdict {
  const ver = typeof p.ver === 'string' ? p.ver : typeof p.iss === 'string' ? parseIssuer(p.iss).version : undefined;
  if (!expected)
    return { check: 'version', verdict: 'skipped', reason: `No expected version given; the token is v${ver ?? '?'}.` };
  if (ver === expected) return { check: 'version', verdict: 'pass', reason: `v${ver}, as expected.` };
  return {
    check: 'version',
    verdict: 'fail',
    reason: `The token is v${ver ?? '?'} but the API expects v${expected}. The version follows the API's app registration (manifest: accessTokenAcceptedVersion / requestedAccessTokenVersion = ${expected === '2.0' ? 2 : 'null or 1'}), not the endpoint the client used.`,
  };
}

const UNVERIFIED_SUMMARY: Record<UnverifiedReason, string> = {
  'no-keys':
    'No check failed, but the signature was not checked (no signing keys were given): nothing proves who wrote this token.',
  'key-fetch-failed':
    "No check failed, but the signature was not checked (the issuer's signing keys could not be fetched): nothing proves who wrote this token.",
  'graph-token': 'No check failed; the signature of a Microsoft Graph token can only be checked by Graph itself.',
};

function invalid(verdicts: Verdict[], summary: string, error?: Validation['error']): Validation {
  return { verdict: 'invalid', summary, valid: false, verdicts, ...(error ? { error } : {}) };
}

export async function validateToken(raw: string | DecodeResult, opts: ValidateOptions): Promise<Validation> {
  const d = isDecodedJwt(raw) ? raw : decodeToken(typeof raw === 'string' ? raw : '');
  if (!d.ok) return invalid([], `The input is not a token that can be validated: ${d.error.message}`, d.error);
  if (d.kind !== 'jwt') return invalid([], d.reason, { kind: 'not-a-jwt', message: d.reason });
  const now = typeof opts?.now === 'number' && Number.isFinite(opts.now) ? opts.now : Date.now();
  opts = { ...opts, now };
  const verdicts: Verdict[] = [checkAudience(d.payload, opts), checkIssuer(d.payload, opts), checkTime(d.payload, now)];
  const signature = await checkSignature(d.raw, d.header, d.payload, opts);
  verdicts.push(signature.verdict);
  verdicts.push(checkVersion(d.payload, opts.expectedVersion));
  const extra = signature.keyFetchError ? { keyFetchError: signature.keyFetchError } : {};
  const failed = verdicts.filter((v) => v.verdict === 'fail');
  if (failed.length)
    return {
      ...invalid(
        verdicts,
        `Invalid: ${failed.map((v) => v.check).join(', ')} check${failed.length > 1 ? 's' : ''} failed.`,
      ),
      ...extra,
    };
  if (signature.verdict.verdict === 'pass')
    return {
      verdict: 'verified',
      summary: "Verified: the signature matches the issuer's key and no check failed.",
      valid: true,
      verdicts,
    };
  const because = signature.unverified ?? 'no-keys';
  return {
    verdict: 'unverified',
    summary: UNVERIFIED_SUMMARY[because],
    unverifiedBecause: because,
    valid: false,
    verdicts,
    ...extra,
  };
}

/**
 * The OpenID configuration URL for an issuer (v1 and v2 forms). With `authorityHost`, the document is fetched from
 * that host instead of the issuer's (a sandbox or private cloud that issues tokens with a public-cloud issuer).
 */
export function openIdConfigurationUrl(issuer: string, authorityHost?: string): string {
  const trimmed = issuer.replace(/\/+$/, '');
  if (!authorityHost) return `${trimmed}/.well-known/openid-configuration`;
  let path = '';
  try {
    path = new URL(trimmed).pathname.replace(/\/+$/, '');
  } catch {
    path = '';
  }
  return `${authorityHost.replace(/\/+$/, '')}${path}/.well-known/openid-configuration`;
}

function isJwks(v: unknown): v is JSONWebKeySet {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as { keys?: unknown }).keys) &&
    (v as { keys: unknown[] }).keys.every((k) => typeof k === 'object' && k !== null)
  );
}

/** Parses a JWKS document (text or object); throws a plain-language error when it is not one. */
export function parseJwks(input: unknown): JSONWebKeySet {
  let v = input;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new Error('the key set is not JSON');
    }
  }
  if (!isJwks(v)) throw new Error('the key set has no "keys" array (expected a JWKS document)');
  return v;
}

/**
 * OIDC discovery: issuer → openid-configuration → jwks_uri → key set. The caller supplies the HTTP GET
 * (so the engine's traced client, a CA bundle or a test server can be used); nothing here touches the network.
 */
export async function discoverJwks(
  issuer: string,
  getJson: (url: string) => Promise<unknown>,
  options: { authorityHost?: string } = {},
): Promise<JSONWebKeySet> {
  const config = await getJson(openIdConfigurationUrl(issuer, options.authorityHost));
  const jwksUri =
    typeof config === 'object' && config !== null ? (config as { jwks_uri?: unknown }).jwks_uri : undefined;
  if (typeof jwksUri !== 'string' || !/^https?:\/\//i.test(jwksUri))
    throw new Error(`the OpenID configuration of ${issuer} has no jwks_uri`);
  return parseJwks(await getJson(jwksUri));
}
