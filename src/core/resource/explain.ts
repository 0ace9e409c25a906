/**
 * Reads a resource's answer together with the token that was sent: the WWW-Authenticate challenge, the error body's
 * code (looked up in the resource error catalog, never guessed), and cross-checks against the token's claims —
 * audience vs the API, tenant vs the challenge's authorization_uri, exp / nbf vs the clock (with the server's Date to
 * show skew), roles / scp vs what the error names, the principal the error names vs the token's oid — ending in
 * concrete fixes built from the error's own words.
 */
import {
  bearerChallenge,
  describeClaimsChallenge,
  parseWwwAuthenticate,
  type BearerChallenge,
  type ClaimRequirement,
} from './challenge';
import { parseErrorBody, type ResourceErrorBody } from './body';
import { lookupResourceError, type ResourceErrorClass, type ResourceErrorEntry } from './catalog';
import { audienceAccepted, type ServiceInfo } from './services';
import type { TokenVerdict } from '../token/validate';
import { formatDuration } from '../../shared/expiry';
import { checkPermissions } from './permissions';
import { between, type Reading } from './reading';

export interface ResponseLike {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  bodyText: string;
  json?: unknown;
}

export type FindingCheck =
  'audience' | 'tenant' | 'time' | 'permissions' | 'principal' | 'signature' | 'claims' | 'transport';

export interface Finding {
  check: FindingCheck;
  verdict: 'ok' | 'problem' | 'note';
  message: string;
}

export interface ResourceExplanation {
  status: number;
  outcome: 'authorized' | 'denied' | 'other';
  service: ServiceInfo;
  challenge?: BearerChallenge & { wants?: ClaimRequirement[] };
  /** Problems met while reading the header (truncated, unterminated quote …). */
  challengeProblems: string[];
  body: ResourceErrorBody;
  /** The catalog's entry; absent for unknown codes and for answers without a code. */
  entry?: ResourceErrorEntry;
  /** Set when the body carried a code this tool does not know: reported as unknown, with where to look it up. */
  unknownCode?: { code: string; innerCode?: string; lookupUrl: string };
  classification: ResourceErrorClass | 'unknown' | 'none';
  findings: Finding[];
  fixes: string[];
  tokenVerdict?: TokenVerdict;
}

export interface ExplainInput {
  response: ResponseLike;
  service: ServiceInfo;
  /** The decoded token's payload (claims), when the token is a JWT. */
  claims?: Record<string, unknown>;
  tokenVerdict?: TokenVerdict;
  /** Local clock, ms. */
  now: number;
  /** The request URL (for scopes such as the storage account). */
  url?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
}

function tenantOfIssuer(iss: string | undefined): string | undefined {
  if (!iss) return undefined;
  try {
    const seg = new URL(iss).pathname.split('/').find((x) => x.length > 0);
    return seg && GUID.test(seg) ? seg.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

export function explainResourceResponse(input: ExplainInput): ResourceExplanation {
  const r = read(input);
  for (const check of CHECKS) check(r);
  return r.out;
}

/** The checks in the order their findings are listed. */
const CHECKS: ((r: Reading) => void)[] = [
  checkAudience,
  checkTenant,
  checkTime,
  checkSignature,
  checkPrincipal,
  checkPermissions,
  checkClaimsChallenge,
  catalogFixes,
];

function read(input: ExplainInput): Reading {
  const { response, service } = input;
  const status = response.status;
  const outcome: ResourceExplanation['outcome'] =
    status >= 200 && status < 300 ? 'authorized' : status === 401 || status === 403 ? 'denied' : 'other';
  const parsed = parseWwwAuthenticate(response.headers['www-authenticate']);
  const bearer = bearerChallenge(parsed);
  const body = parseErrorBody(response.bodyText, response.headers, response.json);
  const text = `${body.message ?? ''}\n${body.detail ?? ''}`;
  const out: ResourceExplanation = {
    status,
    outcome,
    service,
    challengeProblems: parsed.problems,
    body,
    classification: 'none',
    findings: [],
    fixes: [],
  };
  if (input.tokenVerdict) out.tokenVerdict = input.tokenVerdict;
  if (bearer) {
    out.challenge = { ...bearer };
    if (bearer.claimsJson !== undefined) out.challenge.wants = describeClaimsChallenge(bearer.claimsJson);
  }
  const entry = lookupCode(out, service, text);
  const token = readToken(input.claims, text);
  return {
    input,
    out,
    service,
    bearer,
    text,
    code: body.code,
    entry,
    ...token,
    findings: out.findings,
    fixes: out.fixes,
  };
}

/** The code, from the catalog (unknown codes are reported as unknown, never guessed), and the classification. */
function lookupCode(out: ResourceExplanation, service: ServiceInfo, text: string): ResourceErrorEntry | undefined {
  const { body, outcome } = out;
  let entry: ResourceErrorEntry | undefined;
  if (outcome !== 'authorized' && body.code) {
    entry = lookupResourceError(service.service, body.code, body.innerCode, text);
    if (entry) out.entry = entry;
    else {
      const lookupUrl =
        service.service === 'unknown' ? `${service.lookupUrl}${encodeURIComponent(body.code)}` : service.lookupUrl;
      out.unknownCode = { code: body.code, ...(body.innerCode ? { innerCode: body.innerCode } : {}), lookupUrl };
    }
  }
  if (out.challenge?.claims && outcome !== 'authorized') out.classification = 'claims-challenge';
  else if (entry) out.classification = entry.class;
  else if (out.unknownCode) out.classification = 'unknown';
  return entry;
}

/** What the token says about its principal and permissions, and the principal the error names. */
function readToken(
  claims: Record<string, unknown> | undefined,
  text: string,
): Pick<
  Reading,
  'claims' | 'haveToken' | 'tokenOid' | 'tokenTid' | 'roles' | 'scp' | 'carries' | 'namedOid' | 'assignee'
> {
  const p = claims ?? {};
  const tokenOid = str(p.oid)?.toLowerCase();
  const tokenTid = (str(p.tid) ?? tenantOfIssuer(str(p.iss)))?.toLowerCase();
  const roles = Array.isArray(p.roles) ? (p.roles as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const scp = typeof p.scp === 'string' ? p.scp.split(' ').filter(Boolean) : [];
  const carries = `The token carries ${roles.length ? `roles: ${roles.join(', ')}` : 'no app roles'}; ${scp.length ? `scp: ${scp.join(' ')}` : 'no delegated scopes (scp)'}.`;
  const namedOid = (between(text, "with object id '", "'") ?? between(text, 'oid=', ';'))?.trim().toLowerCase();
  const assignee = (tokenOid ?? namedOid ?? '<object-id>').toLowerCase();
  return { claims: p, haveToken: claims !== undefined, tokenOid, tokenTid, roles, scp, carries, namedOid, assignee };
}

function checkAudience(r: Reading): void {
  const { service } = r;
  if (!r.haveToken || service.service === 'unknown') return;
  const aud = r.claims.aud as string | string[] | undefined;
  const audText = Array.isArray(aud) ? aud.join(', ') : (aud ?? '(none)');
  if (audienceAccepted(service, aud)) {
    r.findings.push({
      check: 'audience',
      verdict: 'ok',
      message: `aud ${audText} is accepted by ${service.displayName}.`,
    });
    return;
  }
  r.findings.push({
    check: 'audience',
    verdict: 'problem',
    message: `aud ${audText} is not an audience ${service.displayName} accepts (${service.audiences.filter((a) => !GUID.test(a)).join(', ')}): the token was requested for another API.`,
  });
  r.fixes.push(
    `Request a token for ${service.resource}: scope ${service.resource}/.default (for example \`az account get-access-token --resource ${service.resource}\`).`,
  );
}

function checkTenant(r: Reading): void {
  const { bearer, tokenTid, haveToken } = r;
  const wantTenant = bearer?.tenant && GUID.test(bearer.tenant) ? bearer.tenant.toLowerCase() : undefined;
  // ARM names the subscription's tenant in the message: "It must match the tenant 'https://sts.windows.net/<tid>/'".
  const msgTenant = tenantOfIssuer(between(r.text, "must match the tenant '", "'"));
  const expectedTenant = msgTenant ?? wantTenant;
  if (haveToken && tokenTid && expectedTenant) {
    if (tokenTid === expectedTenant)
      r.findings.push({
        check: 'tenant',
        verdict: 'ok',
        message: `The token's tenant ${tokenTid} is the one the API names.`,
      });
    else {
      r.findings.push({
        check: 'tenant',
        verdict: 'problem',
        message: `The token comes from tenant ${tokenTid}, but the API wants tenant ${expectedTenant}${msgTenant ? ' (named in the error)' : " (the challenge's authorization_uri)"}.`,
      });
      r.fixes.push(
        `Request the token from tenant ${expectedTenant}: \`az login --tenant ${expectedTenant}\` (or tenantId on the credential).`,
      );
    }
  } else if (bearer?.tenant && !wantTenant && haveToken) {
    r.findings.push({
      check: 'tenant',
      verdict: 'note',
      message: `The challenge names "${bearer.tenant}" rather than a tenant id; the token is from ${tokenTid ?? 'an unknown tenant'}.`,
    });
  }
}

/** exp / nbf against the server's Date (the local clock when it sent none), with the skew between the two. */
function checkTime(r: Reading): void {
  if (!r.haveToken) return;
  const { now, response } = r.input;
  const serverDate = response.headers['date'] ? Date.parse(response.headers['date']) : NaN;
  const skewMs = Number.isFinite(serverDate) ? now - serverDate : undefined;
  const ref = Number.isFinite(serverDate) ? serverDate : now;
  const skewText =
    skewMs !== undefined && Math.abs(skewMs) >= 60_000
      ? ` This machine's clock is ${formatDuration(skewMs)} ${skewMs > 0 ? 'ahead of' : 'behind'} the server's (Date header).`
      : skewMs !== undefined
        ? ` Clock skew against the server: ${formatDuration(skewMs)}.`
        : '';
  const exp = typeof r.claims.exp === 'number' ? r.claims.exp : undefined;
  const nbf = typeof r.claims.nbf === 'number' ? r.claims.nbf : undefined;
  if (exp !== undefined && exp * 1000 <= ref) {
    r.findings.push({
      check: 'time',
      verdict: 'problem',
      message: `The token expired at ${iso(exp)}, ${formatDuration(ref - exp * 1000)} before the ${Number.isFinite(serverDate) ? "server's" : 'local'} time.${skewText}`,
    });
    r.fixes.push(
      skewMs !== undefined && skewMs < -300_000
        ? "Correct this machine's clock (it is behind), then request a new token."
        : 'Request a new token (tokens live about an hour; a copied token does not refresh itself).',
    );
  } else if (nbf !== undefined && nbf * 1000 > ref + 300_000) {
    r.findings.push({
      check: 'time',
      verdict: 'problem',
      message: `The token is not valid before ${iso(nbf)} (${formatDuration(nbf * 1000 - ref)} from now).${skewText}`,
    });
    r.fixes.push('Check the clock of the machine that issued or requested the token; then request a new token.');
  } else if (exp !== undefined) {
    r.findings.push({
      check: 'time',
      verdict: skewMs !== undefined && Math.abs(skewMs) >= 300_000 ? 'note' : 'ok',
      message: `Valid until ${iso(exp)} (${formatDuration(exp * 1000 - ref)} left).${skewText}`,
    });
  }
}

const SIGNATURE_FINDINGS: Record<TokenVerdict, Finding> = {
  invalid: {
    check: 'signature',
    verdict: 'problem',
    message: 'Local validation found the token invalid (see the token checks): fix that first.',
  },
  unverified: {
    check: 'signature',
    verdict: 'note',
    message:
      "The token's signature was not verified here (no signing keys checked); the API's own verdict is the answer above.",
  },
  verified: {
    check: 'signature',
    verdict: 'ok',
    message: "The token's signature verified against the issuer's keys.",
  },
};

function checkSignature(r: Reading): void {
  const verdict = r.input.tokenVerdict;
  if (verdict) r.findings.push({ ...SIGNATURE_FINDINGS[verdict] });
}

/** The principal the error names against the token's oid. */
function checkPrincipal(r: Reading): void {
  const { namedOid, tokenOid } = r;
  if (!namedOid || !GUID.test(namedOid) || !tokenOid) return;
  if (namedOid === tokenOid)
    r.findings.push({
      check: 'principal',
      verdict: 'ok',
      message: `The error names object id ${namedOid}: the token's principal (oid).`,
    });
  else
    r.findings.push({
      check: 'principal',
      verdict: 'problem',
      message: `The error names object id ${namedOid}, but the token's oid is ${tokenOid}: the request was made with another identity than this token's.`,
    });
}

function checkClaimsChallenge(r: Reading): void {
  const { bearer, out } = r;
  if (!bearer?.claims || out.outcome === 'authorized') return;
  const wants = out.challenge?.wants ?? [];
  r.findings.push({
    check: 'claims',
    verdict: 'problem',
    message:
      bearer.claimsJson !== undefined
        ? `The API sent a claims challenge (Continuous Access Evaluation or Conditional Access): it wants ${wants.map((w) => w.meaning).join('; ') || 'the claims shown'}.`
        : `The API sent a claims challenge that could not be decoded (${bearer.claimsProblem}).`,
  });
  r.fixes.unshift(
    `Acquire a new token with these claims (MSAL: acquireToken({ claims }); Azure SDK: getToken(scopes, { claims })); with the Azure CLI: \`az logout\`, then \`az login --claims-challenge "${bearer.claims.length <= 400 ? bearer.claims : '<claims>'}"\`.`,
  );
}

/** The catalog's own fixes, after the ones built from this error. */
function catalogFixes(r: Reading): void {
  const { entry, out, bearer, fixes } = r;
  if (entry) for (const f of entry.fixes) if (!fixes.includes(f)) fixes.push(f);
  if (out.unknownCode) fixes.push(`This code is not in this tool's catalog; look it up: ${out.unknownCode.lookupUrl}`);
  if (out.outcome === 'denied' && !entry && !out.unknownCode && !bearer?.claims && fixes.length === 0) {
    fixes.push(
      bearer?.errorDescription
        ? `The API says: ${bearer.errorDescription.slice(0, 300)}`
        : `The API answered ${out.status} without an error code; check the token against the findings above.`,
    );
  }
}
