/**
 * External OIDC issuers hosted by the sandbox (what a Kubernetes cluster, GitHub Actions or another IdP is to Entra in
 * workload identity federation): each has a discovery document and a JWKS under {authorityHost}/external/{name}, and
 * signs the tokens tests present as federated assertions.
 */
import { sendJson, type Route } from './http';
import { jwkOf, namedKey } from './pki';
import type { SandboxImpl } from './sandbox';
import { b64url, signJwt } from './tokens';

export interface FederatedTokenOptions {
  /** A hosted issuer's name (default: the first one), or any issuer URL (then signed with a key nobody publishes). */
  issuer?: string;
  subject: string;
  audience: string | string[];
  /** Lifetime in seconds (default 3600). */
  lifetimeSec?: number;
  /** Shifts iat/nbf/exp by this many seconds relative to the sandbox clock (negative: in the past). */
  issuedAtOffsetSec?: number;
  /** More claims (e.g. kubernetes.io). */
  claims?: Record<string, unknown>;
}

/** The hosted issuer's name for an issuer URL, if the URL is one of ours. */
export function issuerNameFromUrl(sb: SandboxImpl, iss: string): string | undefined {
  let u: URL;
  try {
    u = new URL(iss);
  } catch {
    return undefined;
  }
  const port = u.port ? Number(u.port) : 443;
  if (u.protocol !== 'https:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname.toLowerCase()))
    return undefined;
  if (port !== sb.authorityPort && !sb.extraPorts.includes(port)) return undefined;
  const m = /^\/external\/([^/]+)\/?$/.exec(u.pathname);
  if (!m || !sb.config.externalIssuers.includes(m[1]!)) return undefined;
  return m[1];
}

export async function signFederatedToken(sb: SandboxImpl, o: FederatedTokenOptions): Promise<string> {
  const first = sb.config.externalIssuers[0] ?? 'default';
  const given = o.issuer ?? first;
  const isUrl = /^https?:\/\//i.test(given);
  const name = isUrl ? issuerNameFromUrl(sb, given) : given;
  if (!isUrl && !sb.config.externalIssuers.includes(given))
    throw new Error(
      `issueFederatedToken: no external issuer named "${given}" (configured: ${sb.config.externalIssuers.join(', ')})`,
    );
  const iss = isUrl ? given : `${sb.authorityHost}/external/${given}`;
  const key = await (name ? sb.issuerKey(name) : namedKey('foreign issuer'));
  const iat = sb.nowSec() + (o.issuedAtOffsetSec ?? 0);
  const claims: Record<string, unknown> = {
    aud: Array.isArray(o.audience) ? o.audience : o.audience,
    exp: iat + (o.lifetimeSec ?? 3600),
    iat,
    iss,
    jti: b64url(16),
    nbf: iat,
    sub: o.subject,
    ...o.claims,
  };
  return signJwt(key, claims, { typ: 'JWT' });
}

export function issuerRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'external-issuer',
      methods: ['GET'],
      pattern: /^\/external\/([^/]+)\/\.well-known\/openid-configuration\/?$/,
      keys: ['name'],
      handler: (ctx) => {
        const name = ctx.params.name!;
        if (!sb.config.externalIssuers.includes(name)) {
          sendJson(ctx, 404, { error: 'not_found', error_description: `No external issuer named "${name}".` });
          return;
        }
        const iss = `${sb.origin(ctx)}/external/${name}`;
        sendJson(ctx, 200, {
          issuer: iss,
          jwks_uri: `${iss}/openid/v1/jwks`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      },
    },
    {
      endpoint: 'external-issuer',
      methods: ['GET'],
      pattern: /^\/external\/([^/]+)\/(?:openid\/v1\/jwks|jwks|keys)\/?$/,
      keys: ['name'],
      handler: async (ctx) => {
        const name = ctx.params.name!;
        if (!sb.config.externalIssuers.includes(name)) {
          sendJson(ctx, 404, { error: 'not_found', error_description: `No external issuer named "${name}".` });
          return;
        }
        const jwk = jwkOf(await sb.issuerKey(name));
        delete jwk.x5c;
        delete jwk.x5t;
        sendJson(ctx, 200, { keys: [{ ...jwk, alg: 'RS256' }] });
      },
    },
  ];
}
