/** Small helpers shared by the msal-backed credentials. */
import { type SecretValue, isSecretValue } from '../../secret';
import { decodeToken } from '../../token/decode';
import { AuthenticationFailedError, type StepContext } from '../types';

/** The Azure CLI's public client id: the SDKs' default for user flows ("DeveloperSignOnClientId"). */
export const DEVELOPER_SIGN_ON_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export type SecretInput = SecretValue | string | undefined;

/** The plain value of a secret input (only for handing to msal-node). */
export function secretOf(v: SecretInput): string | undefined {
  if (v === undefined) return undefined;
  return isSecretValue(v) ? v.reveal() : v;
}

/** Throws the config failure the SDKs give for a missing required option. */
export function requireValue(value: string | undefined, what: string, credential: string): string {
  if (value === undefined || value.trim() === '') {
    throw new AuthenticationFailedError({
      kind: 'config',
      message: `${credential}: ${what} is required.`,
      errorCodes: [],
    });
  }
  return value;
}

export interface AssertionClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  kid?: string;
  alg?: string;
}

/** Claims of a JWT assertion that matter when Entra rejects it (no signature, no other claims). */
export function assertionClaims(jwt: string): AssertionClaims | undefined {
  const d = decodeToken(jwt);
  if (!d.ok || d.kind !== 'jwt') return undefined;
  const p = d.payload;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const s = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : undefined);
  const aud = Array.isArray(p.aud)
    ? p.aud.filter((a): a is string => typeof a === 'string').map((a) => a.slice(0, 500))
    : s(p.aud);
  return {
    iss: s(p.iss),
    sub: s(p.sub),
    aud,
    exp: num(p.exp),
    nbf: num(p.nbf),
    iat: num(p.iat),
    kid: s(d.header.kid),
    alg: s(d.header.alg),
  };
}

/** Puts an assertion's issuer / subject / audience / validity into the trace (never the assertion itself). */
export function traceAssertion(ctx: StepContext, label: string, claims: AssertionClaims | undefined): void {
  if (!claims) {
    ctx.trace.note(
      'warn',
      `${label} is not a readable JWT; Entra ID will reject it (AADSTS50027 / 700211 are typical).`,
    );
    return;
  }
  const nowS = Math.floor(ctx.now() / 1000);
  const data: Record<string, unknown> = {
    iss: claims.iss,
    sub: claims.sub,
    aud: claims.aud,
    alg: claims.alg,
    kid: claims.kid,
  };
  if (claims.exp !== undefined) data.expiresOn = new Date(claims.exp * 1000).toISOString();
  if (claims.iat !== undefined) data.issuedAt = new Date(claims.iat * 1000).toISOString();
  if (claims.nbf !== undefined) data.notBefore = new Date(claims.nbf * 1000).toISOString();
  ctx.trace.note(
    'info',
    `${label}: iss=${claims.iss ?? '(none)'} sub=${claims.sub ?? '(none)'} aud=${JSON.stringify(claims.aud ?? null)}`,
    data,
  );
  if (claims.exp !== undefined && claims.exp < nowS)
    ctx.trace.note('warn', `${label} expired at ${new Date(claims.exp * 1000).toISOString()} (AADSTS700024 expected).`);
  if (claims.nbf !== undefined && claims.nbf > nowS + 300)
    ctx.trace.note('warn', `${label} is not valid before ${new Date(claims.nbf * 1000).toISOString()} (clock skew?).`);
}

/** Explains AADSTS70021 / 700211 / 700212 / 700024 / 70023 against the assertion that was presented. */
export function assertionHint(
  codes: readonly number[],
  claims: AssertionClaims | undefined,
  nowMs: number,
): string | undefined {
  if (!claims) return undefined;
  if (codes.some((c) => c === 70021 || c === 700211 || c === 700212 || c === 700213)) {
    return `The presented assertion has issuer "${claims.iss ?? ''}", subject "${claims.sub ?? ''}" and audience ${JSON.stringify(claims.aud ?? null)}: the app's federated identity credential must match all three exactly (the audience is usually api://AzureADTokenExchange).`;
  }
  if (codes.includes(700024)) {
    const exp = claims.exp !== undefined ? new Date(claims.exp * 1000).toISOString() : 'unknown';
    const nbf = claims.nbf !== undefined ? new Date(claims.nbf * 1000).toISOString() : 'unknown';
    return `The assertion is valid from ${nbf} to ${exp}; the local clock says ${new Date(nowMs).toISOString()}. Refresh the token file or fix the clock skew.`;
  }
  if (codes.includes(70023) && claims.exp !== undefined && claims.iat !== undefined) {
    return `The assertion lives ${Math.round((claims.exp - claims.iat) / 60)} minutes; Entra ID accepts external tokens with a lifetime of at most 24 hours.`;
  }
  return undefined;
}
