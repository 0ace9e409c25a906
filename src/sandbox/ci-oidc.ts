/**
 * Runner-style OIDC token endpoints for the sandbox: what a GitHub Actions runner and an Azure Pipelines agent serve
 * to a job, plus the issuer each token names (discovery document and JWKS), so the federated CI credentials are
 * tested end to end on loopback.
 *
 *   GitHub Actions:  GET  $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange
 *                    Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN          → {"count":1,"value":"<jwt>"}
 *   Azure Pipelines: POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id>
 *                    Authorization: Bearer $SYSTEM_ACCESSTOKEN                     → {"oidcToken":"<jwt>"}
 *
 * Mount: call `handle(req, res)` from the sandbox's request listener; it returns false for paths it does not own.
 * The sandbox's federated-credential check trusts these issuers through `issuers()` (issuer URL + JWKS).
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send, type Route } from './http';
import type {
  GitHubJobConfig,
  PipelinesJobConfig,
  CiOidcFault,
  CiSigner,
  CiOidcOptions,
  CiIssuer,
  CiRequest,
  CiResponse,
  CiOidc,
} from './ci-oidc-types';
import { signFederatedToken } from './issuers';
import type { SandboxImpl } from './sandbox';

export type * from './ci-oidc-types';

export const CI_OIDC_PREFIX = '/ci';
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const MAX_BODY = 64 * 1024;
const MAX_URL = 8 * 1024;

interface Signer {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function newSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = createHash('sha256').update(`${pub.n}.${pub.e}`).digest('base64url').slice(0, 32);
  return { kid, privateKey, jwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: pub.n, e: pub.e } };
}

function signJwt(s: Signer, payload: Record<string, unknown>): string {
  const h = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: s.kid, x5t: s.kid })).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = sign('RSA-SHA256', Buffer.from(`${h}.${p}`), s.privateKey).toString('base64url');
  return `${h}.${p}.${sig}`;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): CiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

async function drain(req: IncomingMessage): Promise<number> {
  let size = 0;
  // Counted, never buffered: reading to the end keeps the connection usable for the next request.
  for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.length;
  return size;
}

function bearer(req: CiRequest): string | null {
  const raw = req.headers.authorization;
  const h = Array.isArray(raw) ? raw[0] : raw;
  if (typeof h !== 'string') return null;
  const m = /^bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : null;
}

function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return x.equals(y);
}

const trimBase = (base: string) => base.replace(/\/+$/, '');

function discovery(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  };
}

function faultResponse(f: CiOidcFault): CiResponse {
  return { status: f.status, headers: { 'content-type': f.contentType ?? 'text/html; charset=utf-8' }, body: f.body };
}

const PIPELINES_TOKEN_PATH =
  /^\/ci\/pipelines\/[^/]+\/[^/]+\/_apis\/distributedtask\/hubs\/build\/plans\/[^/]+\/jobs\/[^/]+\/oidctoken$/;

type Kind = 'github' | 'pipelines';
type Recorded = CiOidc['requests'][number];

/** The GitHub Actions runner's and the Azure Pipelines agent's token endpoints, and the default signer's issuers. */
class CiOidcEndpoints implements CiOidc {
  readonly faults: CiOidc['faults'] = {};
  readonly requests: Recorded[] = [];
  private readonly keys: Partial<Record<Kind, Signer>> = {};
  private readonly signer: CiSigner;

  constructor(
    readonly github: GitHubJobConfig,
    readonly pipelines: PipelinesJobConfig,
    private readonly lifetime: number,
    now: () => number,
    signer: CiSigner | undefined,
  ) {
    const own = this.ownIssuer.bind(this);
    const key = this.key.bind(this);
    this.signer = signer ?? {
      issuer: (kind, base) => own(kind, base),
      async sign(kind, claims, lifetimeSec, base) {
        const iat = Math.floor(now() / 1000);
        const payload = { ...claims, iss: this.issuer(kind, base), nbf: iat - 5, iat, exp: iat + lifetimeSec };
        return signJwt(key(kind), payload);
      },
    };
  }

  /** Keys are generated on first use (a mounted sandbox signs with its own issuers and never needs them). */
  private key(kind: Kind): Signer {
    return (this.keys[kind] ??= newSigner());
  }

  private ownIssuer(kind: Kind, base: string): string {
    const b = trimBase(base);
    return kind === 'github'
      ? `${b}${CI_OIDC_PREFIX}/github`
      : `${b}${CI_OIDC_PREFIX}/pipelines/${this.pipelines.organizationId}`;
  }

  githubIssuer = (base: string) => this.signer.issuer('github', base);
  pipelinesIssuer = (base: string) => this.signer.issuer('pipelines', base);

  githubSubject = (): string => {
    const g = this.github;
    if (g.subject != null) return g.subject;
    if (g.environment) return `repo:${g.repository}:environment:${g.environment}`;
    return g.pullRequest ? `repo:${g.repository}:pull_request` : `repo:${g.repository}:ref:${g.ref}`;
  };

  private firstConnection(): string {
    return Object.keys(this.pipelines.serviceConnections)[0] ?? '';
  }

  pipelinesSubject = (id = this.firstConnection()): string => {
    const p = this.pipelines;
    return p.subject ?? `sc://${p.organization}/${p.project}/${p.serviceConnections[id] ?? id}`;
  };

  /** Records a token request (the last 1,000) and answers it: JSON with the endpoint's headers, or the set fault. */
  private recorder(kind: Kind, req: CiRequest, headers: Record<string, string> = {}) {
    const rec: Recorded = { endpoint: kind, method: req.method, status: 0 };
    this.requests.push(rec);
    if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
    return {
      rec,
      done: (status: number, body: unknown): CiResponse => {
        rec.status = status;
        return json(status, body, headers);
      },
      /** The fault set for this endpoint, if any, answered in place of a token. */
      fault: (): CiResponse | undefined => {
        const f = this.faults[kind];
        if (!f) return undefined;
        rec.status = f.status;
        return faultResponse(f);
      },
    };
  }

  private async githubToken(req: CiRequest, url: URL, base: string): Promise<CiResponse> {
    const { rec, done, fault } = this.recorder('github', req);
    if (req.method !== 'GET') return done(405, { message: 'Method not allowed: the runner serves ID tokens on GET' });
    const token = bearer(req);
    if (!token || !safeEqual(token, this.github.requestToken))
      return done(401, { message: 'Unauthorized: ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing or wrong' });
    const audience = url.searchParams.get('audience') ?? undefined;
    rec.audience = audience?.slice(0, 200);
    if (audience !== undefined && (audience.length === 0 || audience.length > 512))
      return done(400, { message: 'Bad audience' });
    const faulted = fault();
    if (faulted) return faulted;
    const value = await this.signer.sign('github', this.githubClaims(audience), this.lifetime, base);
    return done(200, { count: 1, value });
  }

  private githubClaims(audience: string | undefined): Record<string, unknown> {
    const g = this.github;
    const repoOwner = g.repository.split('/')[0] ?? '';
    return {
      jti: randomUUID(),
      sub: this.githubSubject(),
      aud: audience ?? `https://github.com/${repoOwner}`,
      ref: g.ref,
      sha: createHash('sha1').update(g.ref).digest('hex'),
      repository: g.repository,
      repository_owner: repoOwner,
      run_id: '1001',
      run_number: '7',
      run_attempt: '1',
      actor: 'octocat',
      workflow: 'deploy',
      event_name: g.pullRequest ? 'pull_request' : 'push',
      ref_type: 'branch',
      environment: g.environment,
      job_workflow_ref: `${g.repository}/.github/workflows/deploy.yml@${g.ref}`,
      runner_environment: g.runnerEnvironment,
    };
  }

  private async pipelinesToken(req: CiRequest, url: URL, base: string): Promise<CiResponse> {
    const e2e = randomUUID();
    const { rec, done, fault } = this.recorder('pipelines', req, {
      'x-vss-e2eid': e2e,
      'x-msedge-ref': `Ref A: ${e2e.slice(0, 8)}`,
    });
    const typed = (status: number, message: string, typeName: string) => done(status, { message, typeName });
    if (req.method !== 'POST')
      return typed(
        405,
        `The requested resource does not support http method ${req.method.slice(0, 10)}.`,
        'HttpMethodNotAllowed',
      );
    if (req.bodyBytes > MAX_BODY) return done(413, { message: 'Request body too large' });
    const token = bearer(req);
    if (!token || !safeEqual(token, this.pipelines.systemAccessToken))
      return typed(
        401,
        'TF400813: The user is not authorized to access this resource. Is SYSTEM_ACCESSTOKEN mapped into the step?',
        'UnauthorizedRequestException',
      );
    const id = url.searchParams.get('serviceConnectionId');
    rec.serviceConnectionId = id?.slice(0, 100);
    if (!id) return typed(400, 'serviceConnectionId is required', 'ArgumentNullException');
    if (!Object.hasOwn(this.pipelines.serviceConnections, id))
      return typed(
        404,
        `Service connection ${id.slice(0, 100)} was not found or is not authorized for this pipeline.`,
        'ServiceEndpointNotFoundException',
      );
    const faulted = fault();
    if (faulted) return faulted;
    const claims = { jti: randomUUID(), sub: this.pipelinesSubject(id), aud: EXCHANGE_AUDIENCE };
    return done(200, { oidcToken: await this.signer.sign('pipelines', claims, this.lifetime, base) });
  }

  async respond(req: CiRequest, baseUrl: string): Promise<CiResponse | null> {
    const raw = req.url || '/';
    if (!raw.startsWith(`${CI_OIDC_PREFIX}/`)) return null;
    if (raw.length > MAX_URL) return json(414, { message: 'URI too long' });
    let url: URL;
    try {
      url = new URL(raw, 'http://sandbox.invalid');
    } catch {
      return json(400, { message: 'Bad request URL' });
    }
    const path = url.pathname;
    if (path === `${this.ownIssuer('github', '')}/idtoken`) return this.githubToken(req, url, baseUrl);
    if (PIPELINES_TOKEN_PATH.test(path)) return this.pipelinesToken(req, url, baseUrl);
    // Discovery and keys of the default signer's issuers (a mounted sandbox publishes its own under /external/…).
    for (const kind of ['github', 'pipelines'] as const) {
      const issuerPath = this.ownIssuer(kind, '');
      if (path === `${issuerPath}/.well-known/openid-configuration`)
        return json(200, discovery(this.ownIssuer(kind, baseUrl)));
      if (path === `${issuerPath}/.well-known/jwks`) return json(200, { keys: [this.key(kind).jwk] });
    }
    return json(404, { message: 'Not found' });
  }

  issuers(base: string): CiIssuer[] {
    const names = { github: 'github-actions', pipelines: 'azure-pipelines' } as const;
    return (['github', 'pipelines'] as const).map((kind) => ({
      name: names[kind],
      issuer: this.ownIssuer(kind, base),
      jwksUri: `${this.ownIssuer(kind, base)}/.well-known/jwks`,
      jwks: { keys: [this.key(kind).jwk] },
    }));
  }

  githubEnv(base: string): Record<string, string> {
    const g = this.github;
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: g.repository,
      GITHUB_REF: g.ref,
      RUNNER_ENVIRONMENT: g.runnerEnvironment,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${trimBase(base)}${CI_OIDC_PREFIX}/github/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: g.requestToken,
    };
  }

  pipelinesEnv(base: string): Record<string, string> {
    const p = this.pipelines;
    const org = `${trimBase(base)}${CI_OIDC_PREFIX}/pipelines/${p.organization}`;
    return {
      TF_BUILD: 'True',
      SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: `${org}/`,
      SYSTEM_TEAMPROJECT: p.project,
      SYSTEM_OIDCREQUESTURI: `${org}/${p.project}/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken`,
      SYSTEM_ACCESSTOKEN: p.systemAccessToken,
      AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: this.firstConnection(),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<boolean> {
    if (!(req.url ?? '/').startsWith(`${CI_OIDC_PREFIX}/`)) return false;
    const bodyBytes = await drain(req);
    const ciReq = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, bodyBytes };
    const r = (await this.respond(ciReq, baseUrl))!;
    res.writeHead(r.status, {
      ...r.headers,
      'content-length': String(Buffer.byteLength(r.body)),
      ...(bodyBytes > MAX_BODY ? { connection: 'close' } : {}),
    });
    res.end(r.body);
    return true;
  }
}

export function createCiOidc(options: CiOidcOptions = {}): CiOidc {
  const github: GitHubJobConfig = {
    repository: 'contoso/webapp',
    ref: 'refs/heads/main',
    runnerEnvironment: 'github-hosted',
    requestToken: 'sandbox-actions-request-token-' + randomBytes(6).toString('hex'),
    ...options.github,
  };
  const pipelines: PipelinesJobConfig = {
    organization: 'contoso',
    organizationId: '6f2f1d4c-9a53-4e0b-8d0a-6b0e5d2f7a11',
    project: 'webapp',
    serviceConnections: { '0c7d3e51-2f0a-4a5e-9b7d-3a1f5e6c8d90': 'sandbox-federated' },
    systemAccessToken: 'sandbox-system-access-token-' + randomBytes(6).toString('hex'),
    ...options.pipelines,
  };
  return new CiOidcEndpoints(github, pipelines, options.lifetimeSec ?? 300, options.now ?? Date.now, options.signer);
}

// ------------------------------------------------------------------------------------------------ sandbox mount

/** Hosted external issuer names (SandboxConfig.externalIssuers) the mounted CI endpoints sign with. */
export const CI_SANDBOX_ISSUERS = { github: 'github', pipelines: 'azure-pipelines' } as const;

/** Fixture credentials of the mounted endpoints (sandbox demo values, not secrets), so scripts and tests can act as a job. */
export const SANDBOX_CI = {
  githubRequestToken: 'sandbox-actions-id-token-request-token',
  systemAccessToken: 'sandbox-system-access-token',
} as const;

const mounted = new WeakMap<SandboxImpl, CiOidc>();

/** The variables a GitHub Actions job would see, pointing at a running sandbox's mounted runner endpoint. */
export function sandboxGitHubEnv(authorityHost: string): Record<string, string> {
  return createCiOidc({ github: { requestToken: SANDBOX_CI.githubRequestToken } }).githubEnv(authorityHost);
}

/** The variables an Azure Pipelines job would see (AzureCLI@2 style), pointing at a running sandbox. */
export function sandboxPipelinesEnv(authorityHost: string): Record<string, string> {
  return createCiOidc({ pipelines: { systemAccessToken: SANDBOX_CI.systemAccessToken } }).pipelinesEnv(authorityHost);
}

/** The CI OIDC endpoints of a running sandbox (created on first use, one per sandbox). */
export function ciOidcOf(sb: SandboxImpl): CiOidc {
  let ci = mounted.get(sb);
  if (!ci) {
    ci = createCiOidc({
      now: () => sb.nowMs(),
      github: { requestToken: SANDBOX_CI.githubRequestToken },
      pipelines: { systemAccessToken: SANDBOX_CI.systemAccessToken },
      signer: {
        // The sandbox's hosted issuers: its federated-credential check verifies them against its own keys.
        issuer: (kind) => `${sb.authorityHost}/external/${CI_SANDBOX_ISSUERS[kind]}`,
        sign: (kind, claims, lifetimeSec) => {
          const { sub, aud, ...rest } = claims;
          return signFederatedToken(sb, {
            issuer: CI_SANDBOX_ISSUERS[kind],
            subject: String(sub),
            audience: aud as string | string[],
            lifetimeSec,
            claims: rest,
          });
        },
      },
    });
    mounted.set(sb, ci);
  }
  return ci;
}

/** Routes for the sandbox's authority listener: /ci/github/idtoken and the Azure Pipelines oidctoken path. */
export function ciOidcRoutes(sb: SandboxImpl): Route[] {
  return [
    {
      endpoint: 'ci-oidc',
      methods: ['GET', 'POST'],
      pattern: /^\/ci\//,
      handler: async (ctx) => {
        const r = await ciOidcOf(sb).respond(
          {
            method: ctx.method,
            url: ctx.url.pathname + ctx.url.search,
            headers: ctx.headers,
            bodyBytes: Buffer.byteLength(ctx.bodyText),
          },
          sb.origin(ctx),
        );
        send(ctx, r?.status ?? 404, r?.body ?? '', r?.headers ?? {});
      },
    },
  ];
}
