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

/** Text between the first `before` and the next `after`, bounded (indexOf, no backtracking). */
function between(text: string, before: string, after: string, max = 600): string | undefined {
  const a = text.indexOf(before);
  if (a < 0) return undefined;
  const b = text.indexOf(after, a + before.length);
  if (b < 0 || b - a - before.length > max) return undefined;
  return text.slice(a + before.length, b);
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

/** Role to suggest for an ARM action (a read needs Reader; anything else a role that includes it). */
function armRoleFor(action: string): string {
  return /\/read$/i.test(action) ? 'Reader' : 'Contributor';
}

function keyVaultRoleFor(action: string): string {
  const a = action.toLowerCase();
  const write = /\/(write|delete|setsecret|purge|backup|restore|recover|import|create|update)/.test(a);
  if (a.includes('/keys/')) return write ? 'Key Vault Crypto Officer' : 'Key Vault Crypto User';
  if (a.includes('/certificates/')) return write ? 'Key Vault Certificates Officer' : 'Key Vault Certificate User';
  return write ? 'Key Vault Secrets Officer' : 'Key Vault Secrets User';
}

function storageAccountOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    const m = /^([a-z0-9]{3,24})\.(blob|queue|file|table|dfs)\./.exec(u.hostname);
    return m?.[1];
  } catch {
    return undefined;
  }
}

export function explainResourceResponse(input: ExplainInput): ResourceExplanation {
  const { response, service, now } = input;
  const claims = input.claims;
  const status = response.status;
  const outcome: ResourceExplanation['outcome'] =
    status >= 200 && status < 300 ? 'authorized' : status === 401 || status === 403 ? 'denied' : 'other';
  const parsed = parseWwwAuthenticate(response.headers['www-authenticate']);
  const bearer = bearerChallenge(parsed);
  const body = parseErrorBody(response.bodyText, response.headers, response.json);
  const text = `${body.message ?? ''}\n${body.detail ?? ''}`;
  const findings: Finding[] = [];
  const fixes: string[] = [];
  const out: ResourceExplanation = {
    status,
    outcome,
    service,
    challengeProblems: parsed.problems,
    body,
    classification: 'none',
    findings,
    fixes,
  };
  if (input.tokenVerdict) out.tokenVerdict = input.tokenVerdict;

  if (bearer) {
    out.challenge = { ...bearer };
    if (bearer.claimsJson !== undefined) out.challenge.wants = describeClaimsChallenge(bearer.claimsJson);
  }

  // --- the code, from the catalog (unknown codes are reported as unknown, never guessed)
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
  if (bearer?.claims && outcome !== 'authorized') out.classification = 'claims-challenge';
  else if (entry) out.classification = entry.class;
  else if (out.unknownCode) out.classification = 'unknown';

  // --- cross-checks with the token
  const p = claims ?? {};
  const haveToken = claims !== undefined;
  const tokenOid = str(p.oid)?.toLowerCase();
  const tokenTid = (str(p.tid) ?? tenantOfIssuer(str(p.iss)))?.toLowerCase();

  if (haveToken && service.service !== 'unknown') {
    const aud = p.aud as string | string[] | undefined;
    const audText = Array.isArray(aud) ? aud.join(', ') : (aud ?? '(none)');
    if (audienceAccepted(service, aud))
      findings.push({
        check: 'audience',
        verdict: 'ok',
        message: `aud ${audText} is accepted by ${service.displayName}.`,
      });
    else {
      findings.push({
        check: 'audience',
        verdict: 'problem',
        message: `aud ${audText} is not an audience ${service.displayName} accepts (${service.audiences.filter((a) => !GUID.test(a)).join(', ')}): the token was requested for another API.`,
      });
      fixes.push(
        `Request a token for ${service.resource}: scope ${service.resource}/.default (for example \`az account get-access-token --resource ${service.resource}\`).`,
      );
    }
  }

  const wantTenant = bearer?.tenant && GUID.test(bearer.tenant) ? bearer.tenant.toLowerCase() : undefined;
  // ARM names the subscription's tenant in the message: "It must match the tenant 'https://sts.windows.net/<tid>/'".
  const msgTenant = tenantOfIssuer(between(text, "must match the tenant '", "'"));
  const expectedTenant = msgTenant ?? wantTenant;
  if (haveToken && tokenTid && expectedTenant) {
    if (tokenTid === expectedTenant)
      findings.push({
        check: 'tenant',
        verdict: 'ok',
        message: `The token's tenant ${tokenTid} is the one the API names.`,
      });
    else {
      findings.push({
        check: 'tenant',
        verdict: 'problem',
        message: `The token comes from tenant ${tokenTid}, but the API wants tenant ${expectedTenant}${msgTenant ? ' (named in the error)' : " (the challenge's authorization_uri)"}.`,
      });
      fixes.push(
        `Request the token from tenant ${expectedTenant}: \`az login --tenant ${expectedTenant}\` (or tenantId on the credential).`,
      );
    }
  } else if (bearer?.tenant && !wantTenant && haveToken) {
    findings.push({
      check: 'tenant',
      verdict: 'note',
      message: `The challenge names "${bearer.tenant}" rather than a tenant id; the token is from ${tokenTid ?? 'an unknown tenant'}.`,
    });
  }

  if (haveToken) {
    const serverDate = response.headers['date'] ? Date.parse(response.headers['date']) : NaN;
    const skewMs = Number.isFinite(serverDate) ? now - serverDate : undefined;
    const ref = Number.isFinite(serverDate) ? serverDate : now;
    const skewText =
      skewMs !== undefined && Math.abs(skewMs) >= 60_000
        ? ` This machine's clock is ${formatDuration(skewMs)} ${skewMs > 0 ? 'ahead of' : 'behind'} the server's (Date header).`
        : skewMs !== undefined
          ? ` Clock skew against the server: ${formatDuration(skewMs)}.`
          : '';
    const exp = typeof p.exp === 'number' ? p.exp : undefined;
    const nbf = typeof p.nbf === 'number' ? p.nbf : undefined;
    if (exp !== undefined && exp * 1000 <= ref) {
      findings.push({
        check: 'time',
        verdict: 'problem',
        message: `The token expired at ${iso(exp)}, ${formatDuration(ref - exp * 1000)} before the ${Number.isFinite(serverDate) ? "server's" : 'local'} time.${skewText}`,
      });
      fixes.push(
        skewMs !== undefined && skewMs < -300_000
          ? "Correct this machine's clock (it is behind), then request a new token."
          : 'Request a new token (tokens live about an hour; a copied token does not refresh itself).',
      );
    } else if (nbf !== undefined && nbf * 1000 > ref + 300_000) {
      findings.push({
        check: 'time',
        verdict: 'problem',
        message: `The token is not valid before ${iso(nbf)} (${formatDuration(nbf * 1000 - ref)} from now).${skewText}`,
      });
      fixes.push('Check the clock of the machine that issued or requested the token; then request a new token.');
    } else if (exp !== undefined) {
      findings.push({
        check: 'time',
        verdict: skewMs !== undefined && Math.abs(skewMs) >= 300_000 ? 'note' : 'ok',
        message: `Valid until ${iso(exp)} (${formatDuration(exp * 1000 - ref)} left).${skewText}`,
      });
    }
  }

  if (input.tokenVerdict === 'invalid')
    findings.push({
      check: 'signature',
      verdict: 'problem',
      message: 'Local validation found the token invalid (see the token checks): fix that first.',
    });
  else if (input.tokenVerdict === 'unverified')
    findings.push({
      check: 'signature',
      verdict: 'note',
      message:
        "The token's signature was not verified here (no signing keys checked); the API's own verdict is the answer above.",
    });
  else if (input.tokenVerdict === 'verified')
    findings.push({
      check: 'signature',
      verdict: 'ok',
      message: "The token's signature verified against the issuer's keys.",
    });

  // --- the principal and the permission the error names
  const roles = Array.isArray(p.roles) ? (p.roles as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const scp = typeof p.scp === 'string' ? p.scp.split(' ').filter(Boolean) : [];
  const carries = `The token carries ${roles.length ? `roles: ${roles.join(', ')}` : 'no app roles'}; ${scp.length ? `scp: ${scp.join(' ')}` : 'no delegated scopes (scp)'}.`;
  const namedOid = (between(text, "with object id '", "'") ?? between(text, 'oid=', ';'))?.trim().toLowerCase();
  if (namedOid && GUID.test(namedOid) && tokenOid) {
    if (namedOid === tokenOid)
      findings.push({
        check: 'principal',
        verdict: 'ok',
        message: `The error names object id ${namedOid}: the token's principal (oid).`,
      });
    else
      findings.push({
        check: 'principal',
        verdict: 'problem',
        message: `The error names object id ${namedOid}, but the token's oid is ${tokenOid}: the request was made with another identity than this token's.`,
      });
  }
  const assignee = (tokenOid ?? namedOid ?? '<object-id>').toLowerCase();
  const code = body.code;

  if (service.service === 'arm' && code === 'AuthorizationFailed') {
    const action = between(text, "perform action '", "'");
    const scope = between(text, "over scope '", "'");
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message: `The API needs the action ${action ?? '(not named)'} on ${scope ?? 'the scope'}; no role assignment of the principal grants it. ${carries}`,
    });
    fixes.unshift(
      `\`az role assignment create --assignee ${assignee} --role "${action ? armRoleFor(action) : '<role>'}" --scope "${scope ?? '<scope>'}"\`${action && !/\/read$/i.test(action) ? ` (or a narrower role that includes ${action})` : ''}`,
    );
  } else if (service.service === 'arm' && code === 'LinkedAuthorizationFailed') {
    const linkedAction =
      between(text, "does not have permission to perform action '", "'") ?? between(text, "perform action(s) '", "'");
    const linkedScope = between(text, "on the linked scope(s) '", "'");
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message: `The linked action ${linkedAction ?? '(not named)'} on ${linkedScope ?? 'a linked scope'} is not granted.`,
    });
    fixes.unshift(
      `\`az role assignment create --assignee ${assignee} --role "${linkedAction ? armRoleFor(linkedAction) : '<role>'}" --scope "${linkedScope ?? '<linked scope>'}"\`${linkedAction && !/\/read$/i.test(linkedAction) ? ` (or a narrower role that includes ${linkedAction})` : ''}`,
    );
  } else if (service.service === 'keyvault' && body.innerCode === 'ForbiddenByRbac') {
    const action = between(text, "Action: '", "'");
    const resource = between(text, "Resource: '", "'");
    const vaultScope = resource ? resource.replace(/\/(secrets|keys|certificates)(\/.*)?$/i, '') : undefined;
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message: `The vault uses Azure RBAC; the caller has no data role with ${action ?? 'this data action'}. ${carries}`,
    });
    fixes.unshift(
      `\`az role assignment create --assignee ${assignee} --role "${action ? keyVaultRoleFor(action) : 'Key Vault Secrets User'}" --scope "${vaultScope ?? '<vault resource id>'}"\``,
    );
  } else if (service.service === 'keyvault' && body.innerCode === 'AccessDenied') {
    const perm = between(text, 'does not have ', ' permission on key vault');
    const vault = between(text, "permission on key vault '", ';') ?? '<vault>';
    const [kind, op] = (perm ?? 'secrets get').split(' ');
    const flag =
      kind === 'keys'
        ? '--key-permissions'
        : kind === 'certificates'
          ? '--certificate-permissions'
          : '--secret-permissions';
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message: `The vault uses access policies; no policy gives this caller ${perm ?? 'the permission'}.`,
    });
    fixes.unshift(`\`az keyvault set-policy --name ${vault} --object-id ${assignee} ${flag} ${op ?? 'get'}\``);
  } else if (service.service === 'storage' && code === 'AuthorizationPermissionMismatch') {
    const account = storageAccountOf(input.url) ?? '<account>';
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message: `The principal has no Storage data role for this operation (management roles such as Owner do not grant data access). ${carries}`,
    });
    fixes.unshift(
      `\`az role assignment create --assignee ${assignee} --role "Storage Blob Data Reader" --scope "$(az storage account show --name ${account} --query id -o tsv)"\` (Storage Blob Data Contributor to write)`,
    );
  } else if (service.service === 'servicebus' && text.includes('claim(s) are required')) {
    const right = between(text, "'", "' claim(s)") ?? 'Listen';
    const entity = between(text, "Resource: '", "'");
    const role = right === 'Send' ? 'Data Sender' : right === 'Manage' ? 'Data Owner' : 'Data Receiver';
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message: `The operation needs the ${right} right${entity ? ` on ${entity}` : ''}. ${carries}`,
    });
    fixes.unshift(
      `\`az role assignment create --assignee ${assignee} --role "Azure Service Bus ${role}" --scope <namespace resource id>\` (Event Hubs: "Azure Event Hubs ${role}")`,
    );
  } else if (service.service === 'graph' && code === 'Authorization_RequestDenied') {
    findings.push({
      check: 'permissions',
      verdict: 'problem',
      message:
        `${carries} ${roles.length ? 'This is an app-only token: the app needs an application permission (roles) for this call, with admin consent.' : scp.length ? 'This is a delegated token: the app needs a delegated permission (scp) for this call, and the user needs a directory role that allows it.' : ''}`.trim(),
    });
  } else if (outcome === 'denied' && status === 403 && haveToken) {
    findings.push({ check: 'permissions', verdict: 'note', message: carries });
  }

  // --- the claims challenge
  if (bearer?.claims && outcome !== 'authorized') {
    const wants = out.challenge?.wants ?? [];
    findings.push({
      check: 'claims',
      verdict: 'problem',
      message:
        bearer.claimsJson !== undefined
          ? `The API sent a claims challenge (Continuous Access Evaluation or Conditional Access): it wants ${wants.map((w) => w.meaning).join('; ') || 'the claims shown'}.`
          : `The API sent a claims challenge that could not be decoded (${bearer.claimsProblem}).`,
    });
    fixes.unshift(
      `Acquire a new token with these claims (MSAL: acquireToken({ claims }); Azure SDK: getToken(scopes, { claims })); with the Azure CLI: \`az logout\`, then \`az login --claims-challenge "${bearer.claims.length <= 400 ? bearer.claims : '<claims>'}"\`.`,
    );
  }

  // --- the catalog's own fixes, after the ones built from this error
  if (entry) for (const f of entry.fixes) if (!fixes.includes(f)) fixes.push(f);
  if (out.unknownCode) fixes.push(`This code is not in this tool's catalog; look it up: ${out.unknownCode.lookupUrl}`);
  if (outcome === 'denied' && !entry && !out.unknownCode && !bearer?.claims && fixes.length === 0) {
    fixes.push(
      bearer?.errorDescription
        ? `The API says: ${bearer.errorDescription.slice(0, 300)}`
        : `The API answered ${status} without an error code; check the token against the findings above.`,
    );
  }
  return out;
}
