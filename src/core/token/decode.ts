/**
 * Token decoding: turns whatever the user pasted (a JWT, `Bearer …`, a quoted string, a token split over lines)
 * into header + payload, or into a precise, typed reason why it cannot be decoded.
 * Decoding never verifies anything; see validate.ts for that.
 */
import { jwtDecode } from 'jwt-decode';
import { limitJsonDepth } from '../json/depth';
import { isGraphAudience } from './wellknown';

/** Largest input we try to decode. Real Entra tokens are a few KB (big `groups` overage stays well under 64 KB). */
export const MAX_TOKEN_CHARS = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/**
 * Deepest nesting kept in a decoded header or payload. Entra's deepest claim (_claim_sources) has three levels; the
 * limit keeps output linear in the token's size with a small factor (indentation grows with depth).
 */
export const MAX_CLAIM_DEPTH = 16;

export type DecodeErrorKind =
  'empty' | 'not-three-parts' | 'bad-base64url' | 'not-json' | 'not-utf8' | 'not-an-object' | 'too-large';
export type TokenSegment = 'header' | 'payload' | 'signature';

export interface DecodeError {
  kind: DecodeErrorKind;
  segment?: TokenSegment;
  message: string;
}

export interface DecodedJwt {
  ok: true;
  kind: 'jwt';
  header: JsonObject;
  payload: JsonObject;
  /** The signature segment as it appeared (base64url); empty for unsigned tokens. Not a secret by itself. */
  signature: string;
  /** The token with the wrapping removed (Bearer prefix, quotes, whitespace, padding). */
  raw: string;
  /** Things worth knowing that are not errors (Graph nonce, alg none, …). */
  warnings: string[];
}

export interface UndecodableToken {
  ok: true;
  kind: 'jwe' | 'opaque';
  /** Why this token cannot be read by design, in plain words. */
  reason: string;
  raw: string;
  /** For JWE: the protected header when it could be read (alg / enc / kid). */
  header?: JsonObject;
}

export type DecodeResult = DecodedJwt | UndecodableToken | { ok: false; error: DecodeError };

const B64URL = /^[A-Za-z0-9_-]*$/;

/** True for a successful decodeToken() result of kind 'jwt' (lets callers pass a decode result where a token is expected). */
export function isDecodedJwt(v: unknown): v is DecodedJwt {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<DecodedJwt>;
  return (
    d.ok === true &&
    d.kind === 'jwt' &&
    typeof d.raw === 'string' &&
    typeof d.payload === 'object' &&
    d.payload !== null &&
    typeof d.header === 'object' &&
    d.header !== null
  );
}

/** Strips what commonly wraps a pasted token. Exported for the fingerprint so `Bearer x` and `x` agree. */
export function normalizeTokenInput(input: string): string {
  let s = input.trim();
  // Header lines copied from a HTTP trace or curl command.
  s = s.replace(/^(?:-H\s*)?["']?authorization\s*:\s*/i, '');
  for (let i = 0; i < 3; i++) {
    const before = s;
    s = s.trim();
    if (s.length >= 2 && /^["'`]/.test(s) && s[s.length - 1] === s[0]) s = s.slice(1, -1);
    else if (/^["'`]/.test(s)) s = s.slice(1);
    else if (/["'`,;]$/.test(s)) s = s.slice(0, -1);
    s = s.replace(/^bearer\s+/i, '');
    s = s.replace(/^(?:access_token|id_token|token)\s*[=:]\s*/i, '');
    if (s === before) break;
  }
  // Tokens wrapped over several lines, or copied with spaces/tabs/zero-width characters inside.
  return s.replace(/(?:\s|\u200b|\u200c|\u200d|\ufeff)+/g, '');
}

function fail(kind: DecodeErrorKind, message: string, segment?: TokenSegment): DecodeResult {
  return { ok: false, error: segment ? { kind, segment, message } : { kind, message } };
}

/** Converts a segment to canonical unpadded base64url, accepting standard base64 and padding; null when impossible. */
function canonicalSegment(seg: string): string | null {
  const unpadded = seg.replace(/=+$/, '');
  const url = unpadded.replace(/\+/g, '-').replace(/\//g, '_');
  if (!B64URL.test(url)) return null;
  if (url.length % 4 === 1) return null;
  return url;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function segmentBytes(seg: string): Buffer {
  return Buffer.from(seg, 'base64url');
}

function describeBadChars(seg: string): string {
  const bad = [...seg.replace(/=+$/, '')].find((c) => !/[A-Za-z0-9_\-+/]/.test(c));
  if (bad === undefined) return 'its length is not a valid base64url length';
  const cp = bad.codePointAt(0) ?? 0;
  const shown = cp >= 0x20 && cp < 0x7f ? `"${bad}"` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `it contains ${shown}, which is not a base64url character`;
}

/** Checks one JSON segment step by step so the error says exactly what is wrong; returns the canonical segment. */
function checkJsonSegment(seg: string, which: 'header' | 'payload'): { seg: string } | { error: DecodeResult } {
  if (seg.length === 0) return { error: fail('bad-base64url', `The ${which} segment is empty.`, which) };
  const canon = canonicalSegment(seg);
  if (canon === null)
    return { error: fail('bad-base64url', `The ${which} segment is not base64url: ${describeBadChars(seg)}.`, which) };
  let text: string;
  try {
    text = utf8.decode(segmentBytes(canon));
  } catch {
    return {
      error: fail(
        'not-utf8',
        `The ${which} segment decodes to bytes that are not UTF-8 text (is this really a JWT?).`,
        which,
      ),
    };
  }
  try {
    JSON.parse(text);
  } catch {
    return {
      error: fail(
        'not-json',
        `The ${which} segment decodes to text that is not JSON${text.length ? ` (starts with ${JSON.stringify(text.slice(0, 24))})` : ''}.`,
        which,
      ),
    };
  }
  return { seg: canon };
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tryHeader(seg: string): JsonObject | undefined {
  const canon = canonicalSegment(seg);
  if (canon === null || canon.length === 0) return undefined;
  try {
    const v: unknown = JSON.parse(utf8.decode(segmentBytes(canon)));
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Recognises tokens that are not JWTs by design. Returns a reason, or undefined when it is just garbage. */
function opaqueReason(s: string): string | undefined {
  if (/^Ew[A-Za-z0-9]/.test(s) && s.length > 40 && !s.includes('.')) {
    return 'This is a Microsoft account (MSA / consumer) compact ticket ("EwA…"). It is encrypted for the service that receives it and is not a JWT: nobody but that service can read it. Tokens for personal Microsoft accounts to first-party APIs often look like this.';
  }
  if (/^M\.[A-Za-z0-9]+_/.test(s) || /^M\.C\d/.test(s)) {
    return 'This looks like a Microsoft account (consumer) refresh token or authorization code ("M.…"). It is opaque by design and must be treated like a password: do not paste it anywhere.';
  }
  if (/^[01]\.A[A-Za-z0-9_-]{20,}/.test(s)) {
    return 'This looks like a Microsoft Entra refresh token or authorization code ("0.A…" / "1.A…"). These are opaque by design: only Entra ID can read them, and they are as sensitive as a password.';
  }
  if (!s.includes('.') && s.length >= 16 && /^[A-Za-z0-9+/=_\-!*~%]+$/.test(s)) {
    return 'This is an opaque token, not a JWT (no "." separators): it may be a refresh token, a reference token or a token for a non-Microsoft API. Only its issuer can read it.';
  }
  return undefined;
}

export function decodeToken(input: string): DecodeResult {
  const s = sizedInput(input);
  if (typeof s !== 'string') return s;
  const parts = s.split('.');
  if (parts.length === 5) return encryptedToken(s, parts[0]);
  if (parts.length !== 3) {
    const opaque = opaqueReason(s);
    if (opaque) return { ok: true, kind: 'opaque', raw: s, reason: opaque };
    return fail(
      'not-three-parts',
      `A JWT has three parts separated by "." (header.payload.signature); this input has ${parts.length}.`,
    );
  }
  // Entra refresh tokens ("0.A…") can contain dots; recognise them before treating the input as a JWT.
  if (/^[01]\.A[A-Za-z0-9_-]{20,}/.test(s)) return { ok: true, kind: 'opaque', raw: s, reason: opaqueReason(s) ?? '' };
  return decodeJwt(parts as [string, string, string]);
}

/** The input without whitespace, quotes and "Bearer ", or the failure that says it is empty or too large. */
function sizedInput(input: string): string | DecodeResult {
  if (typeof input !== 'string') return fail('empty', 'No token was given.');
  if (input.length > MAX_TOKEN_CHARS * 2)
    return fail(
      'too-large',
      `The input is larger than ${MAX_TOKEN_CHARS} characters; real tokens are a few kilobytes.`,
    );
  const s = normalizeTokenInput(input);
  if (s.length === 0)
    return fail('empty', 'No token was given (the input is empty once whitespace, quotes and "Bearer " are removed).');
  if (s.length > MAX_TOKEN_CHARS)
    return fail(
      'too-large',
      `The token is larger than ${MAX_TOKEN_CHARS} characters; real tokens are a few kilobytes.`,
    );
  return s;
}

/** A five-part token: a JWE, whose claims only the receiving application can read. */
function encryptedToken(s: string, headerSegment: string): DecodeResult {
  const header = tryHeader(headerSegment);
  const alg = header && typeof header.alg === 'string' ? header.alg : undefined;
  const enc = header && typeof header.enc === 'string' ? header.enc : undefined;
  return {
    ok: true,
    kind: 'jwe',
    raw: s,
    ...(header ? { header } : {}),
    reason:
      `This is an encrypted token (JWE, five parts${alg || enc ? `; alg ${alg ?? '?'}, enc ${enc ?? '?'}` : ''}). Its claims are encrypted for the application that receives it, ` +
      'so only that application (holding the token-encryption private key) can read them. Entra issues these when the resource app has a token encryption key configured (SAML/OIDC apps with "tokenEncryptionKeyId").',
  };
}

/** A three-part token: each segment checked, header and payload decoded as objects, nesting bounded, warnings added. */
function decodeJwt(parts: [string, string, string]): DecodeResult {
  const h = checkJsonSegment(parts[0], 'header');
  if ('error' in h) return h.error;
  const p = checkJsonSegment(parts[1], 'payload');
  if ('error' in p) return p.error;
  const sig = parts[2].replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (!B64URL.test(sig) || sig.length % 4 === 1) {
    return fail('bad-base64url', `The signature segment is not base64url: ${describeBadChars(parts[2])}.`, 'signature');
  }
  const canonical = `${h.seg}.${p.seg}.${sig}`;
  let header: unknown;
  let payload: unknown;
  try {
    header = jwtDecode(canonical, { header: true });
    payload = jwtDecode(canonical);
  } catch (e) {
    // Unreachable after the checks above, but keep the contract: a typed error, never a throw.
    return fail('not-json', `The token could not be decoded: ${(e as Error).message}`);
  }
  if (!isObject(header))
    return fail('not-an-object', 'The header is JSON but not an object (a JWT header is a JSON object).', 'header');
  if (!isObject(payload))
    return fail(
      'not-an-object',
      'The payload is JSON but not an object (a JWT payload is a JSON object of claims).',
      'payload',
    );
  // Claims nested past any real token's depth would overflow recursive renderers and blow up indented JSON.
  const h2 = limitJsonDepth<JsonObject>(header, MAX_CLAIM_DEPTH);
  const p2 = limitJsonDepth<JsonObject>(payload, MAX_CLAIM_DEPTH);
  const warnings = jwtWarnings(h2.value, p2.value, sig, h2.truncated, p2.truncated);
  return { ok: true, kind: 'jwt', header: h2.value, payload: p2.value, signature: sig, raw: canonical, warnings };
}

/** What a decoded JWT shows that a reader must know: crafted nesting, Graph's nonce, no signature, a stray enc. */
function jwtWarnings(
  header: JsonObject,
  payload: JsonObject,
  sig: string,
  headerTruncated: boolean,
  payloadTruncated: boolean,
): string[] {
  const warnings: string[] = [];
  if (headerTruncated || payloadTruncated) {
    warnings.push(
      `The ${headerTruncated ? (payloadTruncated ? 'header and payload nest' : 'header nests') : 'payload nests'} objects or arrays more than ${MAX_CLAIM_DEPTH} levels deep; deeper levels are not shown. Entra never nests claims like that: this token was crafted.`,
    );
  }
  if (typeof header.nonce === 'string' && isGraphAudience(payload.aud)) {
    warnings.push(
      'The header carries a "nonce": this is a Microsoft Graph access token. Graph hashes the nonce before it checks the signature, so the signature does not verify with the published keys — only Graph itself can validate it. Do not validate Graph tokens in your own API; request a token for your own API instead.',
    );
  } else if (typeof header.nonce === 'string') {
    warnings.push(
      'The header carries a "nonce" as Microsoft Graph tokens do, but the audience is not Microsoft Graph: the "only Graph can verify it" exception does not apply, and the signature must verify like any other.',
    );
  }
  if ((typeof header.alg === 'string' && header.alg.toLowerCase() === 'none') || sig.length === 0) {
    warnings.push(
      'The token is unsigned (alg "none" or an empty signature): anyone could have written it. Entra never issues unsigned access tokens.',
    );
  }
  if (typeof header.enc === 'string')
    warnings.push('The header has an "enc" member but the token has three parts: it is malformed as a JWE.');
  return warnings;
}
