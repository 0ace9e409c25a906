/**
 * A JWT's signature against the issuer's key set: unsigned tokens and non-public-key algorithms fail, a Microsoft
 * Graph token (nonce in the header) cannot be checked by anyone but Graph, and the key is picked by kid, then x5t.
 */
import { compactVerify, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import type { JsonObject } from './decode';
import type { ValidateOptions, Verdict, VerdictValue, UnverifiedReason, KeyFetchFailure } from './validate';
import { isGraphAudience } from './wellknown';

const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

function pickKeys(jwks: JSONWebKeySet, header: JsonObject): JWK[] {
  const keys = Array.isArray(jwks?.keys) ? jwks.keys : [];
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  if (kid) {
    const byKid = keys.filter((k) => k.kid === kid);
    if (byKid.length) return byKid;
  }
  if (x5t) {
    const byX5t = keys.filter((k) => (k as { x5t?: string }).x5t === x5t || k.kid === x5t);
    if (byX5t.length) return byX5t;
  }
  return kid || x5t ? [] : keys.filter((k) => k.use === undefined || k.use === 'sig');
}

export interface SignatureOutcome {
  verdict: Verdict;
  unverified?: UnverifiedReason;
  keyFetchError?: KeyFetchFailure;
}

function signatureVerdict(check: VerdictValue, reason: string): Verdict {
  return { check: 'signature', verdict: check, reason };
}

export async function checkSignature(
  raw: string,
  header: JsonObject,
  p: JsonObject,
  opts: ValidateOptions,
): Promise<SignatureOutcome> {
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const early = uncheckableSignature(raw, header, p, alg);
  if (early) return early;
  const keys = await signingKeys(p, opts);
  if ('outcome' in keys) return keys.outcome;
  const { jwks } = keys;
  const candidates = pickKeys(jwks, header);
  const keyName =
    typeof header.kid === 'string'
      ? `kid ${header.kid}`
      : typeof header.x5t === 'string'
        ? `x5t ${header.x5t}`
        : 'no kid';
  if (candidates.length === 0) {
    return {
      verdict: signatureVerdict(
        'fail',
        `No key with ${keyName} in the key set (${jwks.keys?.length ?? 0} keys). Wrong tenant or cloud, keys rotated, or an app-specific signing key (apps with a custom signing key publish it at jwks_uri?appid=<client id>).`,
      ),
    };
  }
  let lastError = '';
  for (const jwk of candidates) {
    try {
      const key = await importJWK({ ...jwk, alg: jwk.alg ?? alg }, alg);
      await compactVerify(raw, key, { algorithms: [alg] });
      return { verdict: signatureVerdict('pass', `Signature verified with ${keyName} (${alg}).`) };
    } catch (e) {
      lastError = (e as Error)?.message ?? String(e);
    }
  }
  const nonce =
    typeof header.nonce === 'string'
      ? ' The header carries a nonce, but the audience is not Microsoft Graph, so the Graph exception does not apply.'
      : '';
  return {
    verdict: signatureVerdict(
      'fail',
      `The signature does not verify with ${keyName}: ${lastError}. The token was altered, or signed by another key with the same id.${nonce}`,
    ),
  };
}

/** The verdict without any key: unsigned, a Graph token (only Graph can check it), or not a public-key algorithm. */
function uncheckableSignature(
  raw: string,
  header: JsonObject,
  p: JsonObject,
  alg: string,
): SignatureOutcome | undefined {
  // First, whatever else the header says: an unsigned token proves nothing, and a nonce must not excuse it.
  if (alg.toLowerCase() === 'none' || !raw.split('.')[2])
    return {
      verdict: signatureVerdict(
        'fail',
        'The token is unsigned (alg "none" or an empty signature): anyone could have written it.',
      ),
    };
  if (typeof header.nonce === 'string' && isGraphAudience(p.aud)) {
    return {
      verdict: signatureVerdict(
        'skipped',
        'Microsoft Graph token (nonce in the header): Graph changes the nonce before checking the signature, so only Graph can validate it. That is expected, not a defect.',
      ),
      unverified: 'graph-token',
    };
  }
  if (!ASYMMETRIC.test(alg))
    return {
      verdict: signatureVerdict(
        'fail',
        `alg "${alg}" is not a public-key algorithm; Entra signs with RS256, so this token cannot be verified against a JWKS.`,
      ),
    };
  return undefined;
}

/** The key set given, or the issuer's fetched; without one, the outcome that says why the signature was not checked. */
async function signingKeys(
  p: JsonObject,
  opts: ValidateOptions,
): Promise<{ jwks: JSONWebKeySet } | { outcome: SignatureOutcome }> {
  let jwks = opts.jwks;
  if (!jwks && opts.fetchJwks && typeof p.iss === 'string') {
    try {
      jwks = await opts.fetchJwks(p.iss);
    } catch (e) {
      const kind = typeof (e as { kind?: unknown })?.kind === 'string' ? (e as { kind: string }).kind : 'error';
      const message = (e as Error)?.message ?? String(e);
      return {
        outcome: {
          verdict: signatureVerdict(
            'skipped',
            `Could not get the issuer's signing keys, so the signature was not checked: ${message}`,
          ),
          unverified: 'key-fetch-failed',
          keyFetchError: { kind, message },
        },
      };
    }
  }
  if (!jwks)
    return {
      outcome: {
        verdict: signatureVerdict(
          'skipped',
          'No signing keys available, so the signature was not checked (give a JWKS file or URL, or allow OIDC discovery).',
        ),
        unverified: 'no-keys',
      },
    };
  return { jwks };
}
