/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1 plus the forms Azure services really send): several challenges in one
 * header (`Bearer …, PoP …`), quoted and unquoted parameter values, Storage's space-separated unquoted parameters,
 * token68. One left-to-right scan with a bounded look-ahead: every character is looked at a fixed number of times, the
 * input and the number of parameters are capped, so a crafted header cannot make it do unbounded work.
 */

/** Longest header we read; the rest is ignored (and reported). Real Azure challenges are well under 2 KB. */
export const MAX_CHALLENGE_CHARS = 16 * 1024;
const MAX_CHALLENGES = 16;
const MAX_PARAMS = 32;
/** Largest claims value we decode (base64 text). */
export const MAX_CLAIMS_CHARS = 8 * 1024;

export interface AuthChallenge {
  /** As sent (Bearer, PoP, Basic, …). */
  scheme: string;
  /** Parameter names lower-cased; the first occurrence wins. */
  params: Record<string, string>;
  token68?: string;
}

export interface ParsedChallenges {
  challenges: AuthChallenge[];
  /** Things that were odd about the header (truncated, unterminated quote, too many parameters). */
  problems: string[];
}

const TCHAR = /[A-Za-z0-9!#$%&'*+.^_`|~-]/;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/**
 * token68 after a scheme at `i`: one blob (optionally '='-padded) and nothing else before ',' or the end. The index
 * after it, or undefined when what follows is not a token68.
 */
function token68End(s: string, i: number): number | undefined {
  const n = s.length;
  let t = i;
  while (t < n && /[A-Za-z0-9\-._~+/]/.test(s[t]!)) t++;
  const blobEnd = t;
  while (t < n && s[t] === '=') t++;
  let after = t;
  while (after < n && isSpace(s[after])) after++;
  return blobEnd > i && (after >= n || s[after] === ',') ? t : undefined;
}

/** A quoted-string's content from `i` (just after the opening quote), backslash escapes undone. */
function readQuoted(s: string, i: number): { value: string; end: number; closed: boolean } {
  const n = s.length;
  let out = '';
  while (i < n) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < n) {
      out += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { value: out, end: i + 1, closed: true };
    out += c;
    i++;
  }
  return { value: out, end: i, closed: false };
}

export function parseWwwAuthenticate(header: string | undefined): ParsedChallenges {
  const problems: string[] = [];
  const challenges: AuthChallenge[] = [];
  if (typeof header !== 'string' || header.length === 0) return { challenges, problems };
  let s = header;
  if (s.length > MAX_CHALLENGE_CHARS) {
    problems.push(`the header is ${s.length} characters; only the first ${MAX_CHALLENGE_CHARS} were read`);
    s = s.slice(0, MAX_CHALLENGE_CHARS);
  }
  const n = s.length;
  let i = 0;
  const skipSpaces = () => {
    while (i < n && isSpace(s[i])) i++;
  };
  const skipSeparators = () => {
    while (i < n && (isSpace(s[i]) || s[i] === ',')) i++;
  };
  /** End index of the token starting at j (j when there is none). */
  const tokenEnd = (j: number) => {
    while (j < n && TCHAR.test(s[j]!)) j++;
    return j;
  };
  let current: AuthChallenge | undefined;
  let paramCount = 0;
  while (i < n) {
    skipSeparators();
    if (i >= n) break;
    const start = i;
    const end = tokenEnd(i);
    if (end === start) {
      // Not a token: skip one character so the scan always advances.
      i++;
      continue;
    }
    const name = s.slice(start, end);
    let j = end;
    while (j < n && isSpace(s[j])) j++;
    const isParam = current !== undefined && s[j] === '=' && s[j + 1] !== '=';
    if (!isParam) {
      // A new challenge: "Scheme" possibly followed by token68 or parameters.
      if (challenges.length >= MAX_CHALLENGES) {
        problems.push(`more than ${MAX_CHALLENGES} challenges; the rest were ignored`);
        break;
      }
      current = { scheme: name, params: {} };
      challenges.push(current);
      i = end;
      skipSpaces();
      const t = token68End(s, i);
      if (t !== undefined) {
        current.token68 = s.slice(i, t);
        i = t;
      }
      continue;
    }
    // name = value
    i = j + 1;
    skipSpaces();
    let value: string;
    if (s[i] === '"') {
      const q = readQuoted(s, i + 1);
      if (!q.closed) problems.push(`the quoted value of ${name} is not terminated`);
      value = q.value;
      i = q.end;
    } else {
      const v0 = i;
      while (i < n && s[i] !== ',' && !isSpace(s[i])) i++;
      value = s.slice(v0, i);
    }
    if (paramCount >= MAX_PARAMS) {
      if (paramCount === MAX_PARAMS) problems.push(`more than ${MAX_PARAMS} parameters; the rest were ignored`);
      paramCount++;
      continue;
    }
    paramCount++;
    const key = name.toLowerCase();
    if (current && !(key in current.params)) current.params[key] = value;
  }
  return { challenges, problems };
}

export interface BearerChallenge {
  /** `authorization_uri` (ARM, Graph, Storage) or `authorization` (Key Vault). */
  authorizationUri?: string;
  /** Tenant taken from the authorization URI's first path segment (GUID, domain, common, organizations). */
  tenant?: string;
  /** `resource` (Key Vault) or `resource_id` (Storage). */
  resource?: string;
  scope?: string;
  realm?: string;
  clientId?: string;
  error?: string;
  errorDescription?: string;
  /** The claims value as sent (usually base64 JSON). */
  claims?: string;
  /** The claims the API wants, decoded; undefined when absent or not decodable (see claimsProblem). */
  claimsJson?: unknown;
  claimsProblem?: string;
}

/** The first Bearer challenge's parameters with their Azure aliases folded together. */
export function bearerChallenge(parsed: ParsedChallenges): BearerChallenge | undefined {
  const c = parsed.challenges.find((x) => x.scheme.toLowerCase() === 'bearer');
  if (!c) return undefined;
  const p = c.params;
  const out: BearerChallenge = {};
  const authUri = p.authorization_uri ?? p.authorization;
  if (authUri) {
    out.authorizationUri = authUri;
    const t = tenantOfAuthorizationUri(authUri);
    if (t) out.tenant = t;
  }
  const resource = p.resource ?? p.resource_id;
  if (resource) out.resource = resource;
  if (p.scope) out.scope = p.scope;
  if (p.realm !== undefined) out.realm = p.realm;
  if (p.client_id) out.clientId = p.client_id;
  if (p.error) out.error = p.error;
  if (p.error_description) out.errorDescription = p.error_description;
  if (p.claims) {
    out.claims = p.claims;
    const d = decodeClaimsChallenge(p.claims);
    if ('json' in d) out.claimsJson = d.json;
    else out.claimsProblem = d.problem;
  }
  return out;
}

/** Tenant segment of an authorization URI (https://login.microsoftonline.com/<tenant>/oauth2/authorize). */
export function tenantOfAuthorizationUri(uri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return undefined;
  }
  const seg = u.pathname.split('/').find((x) => x.length > 0);
  return seg && seg.length <= 256 ? decodeURIComponentSafe(seg) : undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Decodes a claims challenge: base64 / base64url JSON (what ARM, Graph and Key Vault send) or JSON as is.
 * Bounded: the value is capped before decoding; JSON.parse in V8 does not recurse on the native stack.
 */
export function decodeClaimsChallenge(value: string): { json: unknown } | { problem: string } {
  const v = value.trim();
  if (v.length > MAX_CLAIMS_CHARS)
    return { problem: `the claims value is ${v.length} characters (more than ${MAX_CLAIMS_CHARS}); not decoded` };
  let text = v;
  if (!v.startsWith('{')) {
    const b64 = v.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    if (!/^[A-Za-z0-9+/]*$/.test(b64) || b64.length % 4 === 1)
      return { problem: 'the claims value is neither JSON nor base64' };
    text = Buffer.from(b64, 'base64').toString('utf8');
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return { problem: 'the claims value decodes to JSON that is not an object' };
    return { json };
  } catch {
    return { problem: 'the claims value does not decode to JSON' };
  }
}

/** One requirement read from a claims challenge, in plain words. */
export interface ClaimRequirement {
  claim: string;
  essential: boolean;
  value?: string;
  values?: string[];
  meaning: string;
}

/** What a decoded claims challenge asks for (access_token / id_token members), with each claim explained. */
export function describeClaimsChallenge(json: unknown): ClaimRequirement[] {
  const out: ClaimRequirement[] = [];
  if (typeof json !== 'object' || json === null) return out;
  for (const [section, body] of Object.entries(json as Record<string, unknown>).slice(0, 4)) {
    if (typeof body !== 'object' || body === null) continue;
    for (const [claim, spec] of Object.entries(body as Record<string, unknown>).slice(0, 16)) {
      const sp = (typeof spec === 'object' && spec !== null ? spec : {}) as {
        essential?: unknown;
        value?: unknown;
        values?: unknown;
      };
      const value =
        typeof sp.value === 'string' || typeof sp.value === 'number' ? String(sp.value).slice(0, 200) : undefined;
      const values = Array.isArray(sp.values) ? sp.values.slice(0, 16).map((x) => String(x).slice(0, 200)) : undefined;
      const r: ClaimRequirement = {
        claim: `${section}.${claim}`.slice(0, 200),
        essential: sp.essential === true,
        meaning: claimMeaning(claim, value, values),
      };
      if (value !== undefined) r.value = value;
      if (values) r.values = values;
      out.push(r);
    }
  }
  return out;
}

function claimMeaning(claim: string, value: string | undefined, values: string[] | undefined): string {
  switch (claim) {
    case 'nbf': {
      const t = value !== undefined && /^\d{1,12}$/.test(value) ? new Date(Number(value) * 1000).toISOString() : value;
      return `a token issued after ${t ?? 'a point in time the API chose'}: the session was revoked or a policy changed (Continuous Access Evaluation), so the cached token is no longer accepted`;
    }
    case 'xms_rp_ipaddr':
      return `the request came from IP address ${value ?? '?'}, which a location (IP) Conditional Access policy does not allow for the token's session`;
    case 'acrs':
      return `a token that satisfies the Conditional Access authentication context ${(values ?? (value ? [value] : [])).join(', ') || '?'} (step-up: usually MFA or a compliant device)`;
    case 'xms_cc':
      return `the client capabilities ${(values ?? (value ? [value] : [])).join(', ') || '?'} (cp1 = the client handles claims challenges)`;
    default:
      return `the claim ${claim}${value !== undefined ? ` = ${value}` : ''}`;
  }
}
