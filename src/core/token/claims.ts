/**
 * explainClaims: every claim of a decoded token with its meaning (from data/claims.json) and an interpretation
 * of its value (times, versions, auth methods, roles, well-known apps and tenants, managed identity ids…).
 */
import { isDecodedJwt, type DecodeResult, type JsonObject } from './decode';
import { directoryRoleName, externalIssuerName, isGuid, lookupApp, lookupTenant, parseIssuer } from './wellknown';
import { formatDuration, relativeTime } from '../../shared/expiry';

export interface ClaimExplanation {
  name: string;
  value: unknown;
  meaning: string;
  /** What this value means here (may be empty when there is nothing to add). */
  interpretation: string;
  /** False for claims the catalog does not describe. */
  known: boolean;
  /** Token kinds that carry this claim: access-v1, access-v2, id-v1, id-v2, header. */
  tokenKinds: string[];
  location: 'header' | 'payload';
  /** True for optional claims (the app must ask for them). */
  optional?: boolean;
  /** False when Microsoft does not document the claim (seen in real tokens only). */
  documented?: boolean;
}

interface ClaimDef {
  meaning: string;
  tokenKinds: string[];
  optional?: boolean;
  documented?: boolean;
  interpret?: string;
}

let catalog: { header: Record<string, ClaimDef>; payload: Record<string, ClaimDef> } | undefined;

function claimsCatalog() {
  if (!catalog)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    catalog = require('./data/claims.json') as { header: Record<string, ClaimDef>; payload: Record<string, ClaimDef> };
  return catalog;
}

/** Names of every claim the catalog knows (for docs and tests). */
export function knownClaimNames(): { header: string[]; payload: string[] } {
  const c = claimsCatalog();
  return { header: Object.keys(c.header), payload: Object.keys(c.payload) };
}

const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');

/** "2026-01-01 10:00:00 UTC · 11:00:00 local (UTC+01:00) · 5m ago". */
export function describeTime(seconds: number, now: number): string {
  const ms = seconds * 1000;
  const d = new Date(ms);
  if (!Number.isFinite(d.getTime())) return 'not a valid time';
  const utc = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  const off = -d.getTimezoneOffset();
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} local (UTC${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)})`;
  return `${utc} · ${local} · ${relativeTime(ms, now)}`;
}

const AMR: Record<string, string> = {
  pwd: 'password',
  rsa: 'RSA key proof (e.g. Microsoft Authenticator, Windows Hello)',
  otp: 'one-time passcode (email or text message)',
  fed: 'federated identity provider assertion (e.g. AD FS)',
  wia: 'Windows integrated authentication',
  mfa: 'multifactor authentication',
  ngcmfa: 'MFA suitable for provisioning strong credentials (Windows Hello)',
  wiaormfa: 'Windows integrated authentication or MFA',
  none: 'no authentication method (e.g. a token obtained through a flow without user sign-in)',
  kba: 'knowledge-based authentication',
  sms: 'text message confirmation',
  tel: 'telephone call confirmation',
  swk: 'software-secured key',
  hwk: 'hardware-secured key',
  pin: 'PIN',
  fpt: 'fingerprint',
  face: 'facial recognition',
  sc: 'smart card',
  user: 'user presence test',
  pop: 'proof of possession of a key',
  mca: 'multiple-channel authentication',
  geo: 'geolocation',
  vpn: 'VPN',
  iris: 'iris scan',
  retina: 'retina scan',
  fido: 'FIDO2 security key',
};

const ACCT: Record<string, string> = { '0': 'member of the tenant', '1': 'guest in the tenant' };

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  return [];
}

function tokenVersion(p: JsonObject): string | undefined {
  if (typeof p.ver === 'string') return p.ver;
  if (typeof p.iss === 'string') return parseIssuer(p.iss).version;
  return undefined;
}

/** Parses an Azure resource id into its parts. */
export function parseResourceId(
  id: string,
): { subscription?: string; resourceGroup?: string; provider?: string; type?: string; name?: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resource[gG]roups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id.trim());
  if (!m) return undefined;
  const rest = m[4].split('/').filter(Boolean);
  const name = rest.length % 2 === 0 ? rest[rest.length - 1] : undefined;
  const type = rest.filter((_, i) => i % 2 === 0).join('/');
  return { subscription: m[1], resourceGroup: m[2], provider: m[3], type, ...(name ? { name } : {}) };
}

function interpretMirid(v: unknown): string {
  if (typeof v !== 'string') return '';
  const r = parseResourceId(v);
  if (!r) return 'Not a well-formed Azure resource id.';
  const full = `${r.provider}/${r.type}`;
  const where = `in resource group ${r.resourceGroup}, subscription ${r.subscription}`;
  if (/^Microsoft\.ManagedIdentity\/userAssignedIdentities$/i.test(full))
    return `User-assigned managed identity "${r.name}" ${where}.`;
  return `System-assigned managed identity of ${full} "${r.name ?? '?'}" ${where}.`;
}

type Ctx = { payload: JsonObject; header: JsonObject; now: number };

/** Subjects of tokens from external issuers that workload identity federation exchanges. */
function federatedSubject(sub: string): string | undefined {
  let m = /^system:serviceaccount:([^:]+):(.+)$/.exec(sub);
  if (m) return `Kubernetes service account "${m[2]}" in namespace "${m[1]}".`;
  m = /^repo:([^:]+):(.+)$/.exec(sub);
  if (m)
    return `GitHub Actions workflow in ${m[1]} (${m[2]
      .replace(/^ref:/, 'ref ')
      .replace(/^environment:/, 'environment ')
      .replace(/^pull_request$/, 'pull request')}).`;
  m = /^sc:\/\/([^/]+)\/([^/]+)\/(.+)$/.exec(sub);
  if (m) return `Azure DevOps service connection "${m[3]}" in ${m[1]}/${m[2]}.`;
  return undefined;
}

const interpreters: Record<string, (v: unknown, c: Ctx, name: string) => string> = {
  time: (v, c) => (typeof v === 'number' ? describeTime(v, c.now) : 'Expected a number of seconds since 1970.'),
  ver: (v) =>
    v === '1.0'
      ? 'Version 1.0 token: issuer https://sts.windows.net/{tid}/, audience usually a resource URI. The API (not the client) decides the version via accessTokenAcceptedVersion.'
      : v === '2.0'
        ? "Version 2.0 token: issuer https://login.microsoftonline.com/{tid}/v2.0, audience usually the API's client id. Set by the API's accessTokenAcceptedVersion = 2."
        : `Unusual version "${String(v)}".`,
  idtyp: (v) =>
    v === 'app'
      ? 'App-only token: the application acts as itself (client credentials or managed identity), no user involved.'
      : v === 'user'
        ? 'Delegated token: an application acts on behalf of a signed-in user.'
        : v === 'device'
          ? 'Device token.'
          : '',
  appidacr: (v) => {
    const s = String(v);
    return s === '0'
      ? 'Public client: the app did not prove its identity (no secret or certificate), e.g. Azure CLI, VS Code, device code.'
      : s === '1'
        ? 'Confidential client authenticated with a client secret.'
        : s === '2'
          ? 'Confidential client authenticated with a certificate or a signed client assertion (includes workload identity federation and managed identity).'
          : `Unknown value "${s}".`;
  },
  acr: (v) =>
    String(v) === '0'
      ? 'The sign-in did not meet ISO/IEC 29115 assurance requirements (typical for password-only or app sign-ins).'
      : String(v) === '1'
        ? 'Authenticated user sign-in (v1.0 tokens commonly carry "1").'
        : '',
  amr: (v) => {
    const list = asList(v);
    const parts = list.map((m) => `${m}: ${AMR[m] ?? 'not a value Microsoft documents'}`);
    const mfa = list.includes('mfa') || list.includes('ngcmfa');
    return parts.length ? `${parts.join('; ')}.${mfa ? ' MFA was performed.' : ' No MFA recorded in this token.'}` : '';
  },
  acct: (v) => ACCT[String(v)] ?? '',
  wids: (v) => {
    const list = asList(v);
    const names = list.map(
      (id) => directoryRoleName(id) ?? `${id} (not a built-in role this tool knows: custom role or newer built-in)`,
    );
    return names.length ? `Directory roles: ${names.join('; ')}.` : 'No directory roles.';
  },
  aud: (v, c) => {
    const list = Array.isArray(v) ? v.map(String) : [String(v)];
    return list
      .map((aud) => {
        const app = lookupApp(aud);
        if (app) return `${aud} is ${app.name}${app.appId && app.appId !== aud ? ` (app id ${app.appId})` : ''}.`;
        if (isGuid(aud))
          return `${aud} is an application (client) id: the token is for the API registered with that id${tokenVersion(c.payload) === '1.0' ? ' (v1.0 tokens use a GUID when the scope was requested by client id)' : ''}.`;
        if (/^api:\/\//i.test(aud))
          return `${aud} is an Application ID URI of a custom API (set under App registrations > Expose an API).`;
        if (/^https?:\/\//i.test(aud))
          return `${aud} is a resource URI this tool does not recognise (a custom API or a less common Azure service).`;
        return `${aud}: not a URI or GUID; check what the API expects.`;
      })
      .join(' ');
  },
  app: (v) => {
    if (typeof v !== 'string') return '';
    const app = lookupApp(v);
    if (app) return `${app.name} (a Microsoft first-party application).`;
    return isGuid(v)
      ? 'Not a well-known Microsoft application: look it up in Entra ID > Enterprise applications (filter by Application ID).'
      : '';
  },
  tenant: (v) => {
    if (typeof v !== 'string') return '';
    const t = lookupTenant(v);
    if (t) return `${t.name}: ${t.meaning}`;
    return isGuid(v)
      ? 'A regular Entra tenant. Compare with the tenant that owns the resource you are calling.'
      : 'Not a tenant GUID.';
  },
  mirid: (v) => interpretMirid(v),
  scp: (v, c) => {
    const list = asList(v);
    const roles = asList(c.payload.roles);
    return `Delegated permissions (${list.length}): the app acts on behalf of the signed-in user, limited by both these scopes and the user's own rights.${list.includes('user_impersonation') ? ' user_impersonation = full access as the user (typical for Azure Resource Manager, Key Vault, Storage).' : ''}${roles.length ? ' The token also has roles: app roles assigned to this user.' : ''}`;
  },
  roles: (v, c) => {
    const list = asList(v);
    if (c.payload.scp !== undefined) return `App roles assigned to the user (${list.length}): ${list.join(', ')}.`;
    return `Application permissions (${list.length}): granted to the calling app itself by admin consent or app role assignment; no user is involved: ${list.join(', ')}.`;
  },
  iss: (v) => {
    if (typeof v !== 'string') return '';
    const external = externalIssuerName(v);
    if (external)
      return `${external}. Entra accepts this token only through a federated identity credential on an app or user-assigned identity whose issuer is exactly ${v}.`;
    const i = parseIssuer(v);
    const cloud =
      i.cloud ??
      (i.host
        ? `a custom issuer host (${i.host}: not a Microsoft cloud; e.g. a sandbox, B2C custom domain or another IdP)`
        : 'an unknown issuer');
    const ver = i.version ? `v${i.version} issuer form` : 'issuer form not recognised as v1.0 or v2.0';
    const tenant = i.tenant
      ? `, tenant ${i.tenant}${lookupTenant(i.tenant) ? ` (${lookupTenant(i.tenant)?.name})` : ''}`
      : '';
    return `${cloud}; ${ver}${tenant}.`;
  },
  idp: (v, c) => {
    if (typeof v !== 'string') return '';
    if (/live\.com$/i.test(v) || v.includes('9188040d-6c67-4c5b-b112-36a304b66dad'))
      return 'A personal Microsoft account signed in.';
    if (typeof c.payload.iss === 'string' && v !== c.payload.iss)
      return 'The user authenticated at another identity provider / tenant than the issuer: typically a guest (B2B) user.';
    return '';
  },
  groups: (v) =>
    `${asList(v).length} group object id(s). Above 200 groups Entra sends an overage (_claim_names) instead; call Microsoft Graph then.`,
  xms_cc: (v) =>
    asList(v).includes('cp1')
      ? 'cp1: the client can handle claims challenges, so Continuous Access Evaluation can give it long-lived tokens that are revoked on critical events.'
      : '',
  sub: (v, c) => {
    if (typeof v !== 'string') return '';
    const fed = federatedSubject(v);
    if (fed)
      return `${fed} A federated identity credential matches only if its subject is exactly this string (and its issuer and audience match iss and aud).`;
    return v === c.payload.oid
      ? 'Equals oid: typical of app-only tokens (the subject is the service principal itself).'
      : 'Pairwise: differs per application for the same user; use oid to identify the user across apps.';
  },
  k8s: (v) => {
    if (typeof v !== 'object' || v === null) return '';
    const k = v as { namespace?: unknown; serviceaccount?: { name?: unknown }; pod?: { name?: unknown } };
    const parts = [
      k.namespace ? `namespace ${String(k.namespace)}` : '',
      k.serviceaccount?.name ? `service account ${String(k.serviceaccount.name)}` : '',
      k.pod?.name ? `pod ${String(k.pod.name)}` : '',
    ].filter(Boolean);
    return parts.length ? `Bound to ${parts.join(', ')}.` : '';
  },
  list: (v) => (Array.isArray(v) ? `${v.length} value(s).` : ''),
  cnf: () =>
    'Proof-of-possession token: sending it alone is not enough, the caller must also sign the request with the bound key.',
  alg: (v) => {
    const a = String(v);
    if (a === 'RS256') return 'RSA signature with SHA-256: what Entra uses for every token it signs.';
    if (a === 'none') return 'Unsigned: anyone could have written this token. Never accept it.';
    if (/^HS/.test(a))
      return 'HMAC (shared secret): Entra never signs with it, and it cannot be checked against public keys.';
    if (/^(RS|PS|ES)\d{3}$|^EdDSA$/.test(a))
      return 'A public-key algorithm Entra does not normally use for its tokens (other issuers may).';
    return 'Not a standard JWS algorithm.';
  },
  typ: (v) =>
    String(v).toLowerCase() === 'at+jwt'
      ? 'An access token per RFC 9068 (not Entra\'s usual "JWT").'
      : String(v).toUpperCase() === 'JWT'
        ? ''
        : 'Unusual type for an Entra token.',
  pwd_exp: (v) => (typeof v === 'number' ? `Password expires in ${formatDuration(v * 1000)}.` : ''),
};

function kindsOf(p: JsonObject): string {
  if (
    (typeof p.iss === 'string' && externalIssuerName(p.iss)) ||
    (typeof p.sub === 'string' && federatedSubject(p.sub))
  )
    return 'federated';
  const v = tokenVersion(p);
  const isId =
    p.nonce !== undefined ||
    p.c_hash !== undefined ||
    p.at_hash !== undefined ||
    (p.scp === undefined &&
      p.roles === undefined &&
      p.appid === undefined &&
      p.azp === undefined &&
      p.idtyp === undefined &&
      isGuid(p.aud));
  return `${isId ? 'id' : 'access'}-v${v === '1.0' ? '1' : '2'}`;
}

function explainOne(
  name: string,
  value: unknown,
  def: ClaimDef | undefined,
  location: 'header' | 'payload',
  c: Ctx,
): ClaimExplanation {
  if (!def) {
    const guessed = name.startsWith('xms_')
      ? 'An xms_* claim (Microsoft extension) the catalog does not describe.'
      : name.startsWith('extn.') || name.startsWith('extension_')
        ? 'A directory extension attribute configured by the app or the tenant.'
        : 'Not in the catalog: Microsoft does not document it, or it is specific to the app or a newer feature. Shown as is.';
    return { name, value, meaning: guessed, interpretation: '', known: false, tokenKinds: [], location };
  }
  let interpretation = '';
  if (def.interpret) {
    const fn = interpreters[def.interpret];
    try {
      interpretation = fn ? fn(value, c, name) : '';
    } catch {
      interpretation = '';
    }
  }
  if (name === 'nonce' && location === 'header') {
    interpretation =
      'Microsoft Graph token: only Graph can validate its signature. Do not use Graph tokens to call (or be accepted by) your own API.';
  }
  if (
    name === 'aud' &&
    location === 'payload' &&
    typeof value === 'string' &&
    isGuid(value) &&
    kindsOf(c.payload).startsWith('id')
  ) {
    interpretation = `The client id of the app that signed the user in (ID token audience). ${interpretation}`.trim();
  }
  const out: ClaimExplanation = {
    name,
    value,
    meaning: def.meaning,
    interpretation,
    known: true,
    tokenKinds: [...def.tokenKinds],
    location,
  };
  if (def.optional) out.optional = true;
  if (def.documented === false) out.documented = false;
  return out;
}

/** Explains every header and payload claim. Header claims come first, then payload claims in token order. */
export function explainClaims(payload: JsonObject, header: JsonObject, opts: { now: number }): ClaimExplanation[];
/** Also accepts a decodeToken() result directly: explainClaims(decodeToken(raw), { now }). */
export function explainClaims(decoded: DecodeResult, opts: { now: number }): ClaimExplanation[];
export function explainClaims(
  a: JsonObject | DecodeResult,
  b: JsonObject | { now: number },
  o?: { now: number },
): ClaimExplanation[] {
  let payload: JsonObject;
  let header: JsonObject;
  let opts: { now: number };
  if (isDecodedJwt(a)) {
    payload = a.payload;
    header = a.header;
    opts = (o ?? b) as { now: number };
  } else if (
    a &&
    typeof a === 'object' &&
    typeof (a as { ok?: unknown }).ok === 'boolean' &&
    ('error' in a || 'kind' in a)
  ) {
    return []; // a failed or undecodable decode result: no claims to explain
  } else {
    payload = a as JsonObject;
    header = b as JsonObject;
    opts = o ?? { now: Date.now() };
  }
  const now = typeof opts?.now === 'number' && Number.isFinite(opts.now) ? opts.now : Date.now();
  const cat = claimsCatalog();
  const c: Ctx = { payload: payload ?? {}, header: header ?? {}, now };
  const out: ClaimExplanation[] = [];
  for (const [k, v] of Object.entries(header ?? {}))
    out.push(explainOne(k, v, Object.hasOwn(cat.header, k) ? cat.header[k] : undefined, 'header', c));
  for (const [k, v] of Object.entries(payload ?? {}))
    out.push(explainOne(k, v, Object.hasOwn(cat.payload, k) ? cat.payload[k] : undefined, 'payload', c));
  return out;
}

/** "access-v1" | "access-v2" | "id-v1" | "id-v2" | "federated" (a token from an external issuer for workload identity federation): best guess from the claims. */
export function guessTokenKind(payload: JsonObject): string {
  return kindsOf(payload);
}
