/**
 * The files the environment credential and workload identity point at (AZURE_CLIENT_CERTIFICATE_PATH,
 * AZURE_FEDERATED_TOKEN_FILE): whether they are there and what kind of thing they hold. Key material is never kept;
 * of the token only a few clipped claims.
 */
import { decodeToken } from '../token/decode';
import { clip, type Env } from './evidence';
import type { LocalFs } from './localfs';
import type { CertificateFacts, FederatedTokenFacts } from './types';

export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

export function readCertificate(env: Env, fsx: LocalFs): CertificateFacts | undefined {
  const p = env.AZURE_CLIENT_CERTIFICATE_PATH;
  if (p === undefined || p.trim() === '') return undefined;
  const info = fsx.info(p);
  if (!info.exists) return { path: p, state: 'missing' };
  if (!info.isFile) return { path: p, state: 'unreadable' };
  // Only the block markers are looked at; the key material is not kept.
  const head = fsx.readText(p, 1024 * 1024);
  if (head === null) return { path: p, state: 'unreadable' };
  const pem = /-----BEGIN [A-Z0-9 ]+-----/.test(head);
  return { path: p, state: 'present', pem, hasPrivateKey: pem && /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(head) };
}

export function readFederatedToken(env: Env, fsx: LocalFs, now: number): FederatedTokenFacts {
  const p = env.AZURE_FEDERATED_TOKEN_FILE;
  if (p === undefined || p.trim() === '') return { state: 'not-configured' };
  const info = fsx.info(p);
  if (!info.exists) return { path: p, state: 'missing' };
  if (!info.isFile) return { path: p, state: 'unreadable', problem: 'not a regular file' };
  if (info.size > 256 * 1024)
    return {
      path: p,
      state: 'too-large',
      sizeBytes: info.size,
      problem: `${info.size} bytes; a projected service-account token is a few KB`,
    };
  const text = fsx.readText(p, 256 * 1024);
  if (text === null)
    return { path: p, state: 'unreadable', sizeBytes: info.size, problem: 'could not be read (permissions?)' };
  if (text.trim() === '') return { path: p, state: 'empty', sizeBytes: info.size };
  const facts: FederatedTokenFacts = { path: p, state: 'present', sizeBytes: info.size };
  const d = decodeToken(text);
  if (!d.ok) facts.problem = `not a JWT: ${d.error.message}`;
  else if (d.kind !== 'jwt') facts.problem = `not a signed JWT (${d.kind})`;
  else {
    const pl = d.payload;
    const str = (v: unknown) => (typeof v === 'string' ? clip(v, 300) : undefined);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const aud =
      typeof pl.aud === 'string'
        ? [clip(pl.aud, 300)]
        : Array.isArray(pl.aud)
          ? pl.aud
              .filter((a): a is string => typeof a === 'string')
              .slice(0, 10)
              .map((a) => clip(a, 300))
          : undefined;
    facts.claims = { iss: str(pl.iss), sub: str(pl.sub), aud, exp: num(pl.exp), iat: num(pl.iat) };
    if (facts.claims.exp !== undefined) facts.expired = facts.claims.exp * 1000 <= now;
  }
  return facts;
}
