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
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { send, type Route } from './http';
import { signFederatedToken } from './issuers';
import type { SandboxImpl } from './sandbox';

export const CI_OIDC_PREFIX = '/ci';
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const MAX_BODY = 64 * 1024;
const MAX_URL = 8 * 1024;

export interface GitHubJobConfig {
  repository: string;
  /** refs/heads/main; used in the subject unless `environment` or `pullRequest` is set. */
  ref: string;
  environment?: string;
  pullRequest?: boolean;
  /** Overrides the computed subject (to produce subject mismatches on purpose). */
  subject?: string;
  runnerEnvironment: 'github-hosted' | 'self-hosted';
  /** The job's request token (ACTIONS_ID_TOKEN_REQUEST_TOKEN). Sandbox fixture, not a secret. */
  requestToken: string;
}

export interface PipelinesJobConfig {
  organization: string;
  organizationId: string;
  project: string;
  /** serviceConnectionId → service connection name. */
  serviceConnections: Record<string, string>;
  /** The job's System.AccessToken. Sandbox fixture, not a secret. */
  systemAccessToken: string;
  /** Overrides the computed subject. */
  subject?: string;
}

export interface CiOidcFault {
  /** Answer every token request with this status and body (e.g. 500, or 200 with HTML). */
  status: number;
  body: string;
  contentType?: string;
}

/**
 * Who signs the CI tokens and which issuer they name. The default signs with keys of its own under /ci/<kind>; the
 * sandbox mount signs with the sandbox's hosted external issuers so its federated-credential check trusts them.
 */
export interface CiSigner {
  issuer(kind: 'github' | 'pipelines', baseUrl: string): string;
  /** Signs `claims` (without iss/iat/nbf/exp, which the signer sets) for `lifetimeSec`. */
  sign(
    kind: 'github' | 'pipelines',
    claims: Record<string, unknown>,
    lifetimeSec: number,
    baseUrl: string,
  ): Promise<string>;
}

export interface CiOidcOptions {
  signer?: CiSigner;
  github?: Partial<GitHubJobConfig>;
  pipelines?: Partial<PipelinesJobConfig>;
  /** Token lifetime in seconds (default 300, as GitHub's). */
  lifetimeSec?: number;
  now?: () => number;
}

export interface CiIssuer {
  name: 'github-actions' | 'azure-pipelines';
  issuer: string;
  jwksUri: string;
  jwks: { keys: Record<string, unknown>[] };
}

/** A request as any HTTP front end sees it (the sandbox's dispatcher or a bare node:http server). */
export interface CiRequest {
  method: string;
  /** Path with query, e.g. /ci/github/idtoken?api-version=2.0&audience=… */
  url: string;
  headers: IncomingHttpHeaders;
  /** Size of the request body (its content is not used). */
  bodyBytes: number;
}

export interface CiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface CiOidc {
  /** Answers a request whose path starts with /ci/; null for other paths. Transport-agnostic (mount it anywhere). */
  respond(req: CiRequest, baseUrl: string): Promise<CiResponse | null>;
  /** For a bare node:http(s) server: reads the (bounded) body, answers, returns false for paths it does not own. */
  handle(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<boolean>;
  github: GitHubJobConfig;
  pipelines: PipelinesJobConfig;
  /** Faults by endpoint, for tests. */
  faults: { github?: CiOidcFault; pipelines?: CiOidcFault };
  /** The default signer's issuers with their keys (not used when a signer is given). */
  issuers(baseUrl: string): CiIssuer[];
  /** The variables a job would see, pointing at this sandbox. */
  githubEnv(baseUrl: string): Record<string, string>;
  pipelinesEnv(baseUrl: string): Record<string, string>;
  /** The subject each issuer puts in its tokens (for registering federated credentials). */
  githubSubject(): string;
  pipelinesSubject(serviceConnectionId?: string): string;
  githubIssuer(baseUrl: string): string;
  pipelinesIssuer(baseUrl: string): string;
  /** Every token request seen (no tokens recorded). */
  readonly requests: {
    endpoint: 'github' | 'pipelines';
    method: string;
    status: number;
    audience?: string;
    serviceConnectionId?: string;
  }[];
}

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

export function createCiOidc(options: CiOidcOptions = {}): CiOidc {
  const now = options.now ?? Date.now;
  const lifetime = options.lifetimeSec ?? 300;
  // Keys are generated on first use (a mounted sandbox signs with its own issuers and never needs them).
  let ghKey: Signer | undefined;
  let apKey: Signer | undefined;
  const ghSigner = () => (ghKey ??= newSigner());
  const apSigner = () => (apKey ??= newSigner());
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
  const faults: CiOidc['faults'] = {};
  const requests: CiOidc['requests'] = [];

  const ownGithubIssuer = (base: string) => `${base.replace(/\/+$/, '')}${CI_OIDC_PREFIX}/github`;
  const ownPipelinesIssuer = (base: string) =>
    `${base.replace(/\/+$/, '')}${CI_OIDC_PREFIX}/pipelines/${pipelines.organizationId}`;
  const signer: CiSigner = options.signer ?? {
    issuer: (kind, base) => (kind === 'github' ? ownGithubIssuer(base) : ownPipelinesIssuer(base)),
    async sign(kind, claims, lifetimeSec, base) {
      const iat = Math.floor(now() / 1000);
      return signJwt(kind === 'github' ? ghSigner() : apSigner(), {
        ...claims,
        iss: this.issuer(kind, base),
        nbf: iat - 5,
        iat,
        exp: iat + lifetimeSec,
      });
    },
  };
  const githubIssuer = (base: string) => signer.issuer('github', base);
  const pipelinesIssuer = (base: string) => signer.issuer('pipelines', base);
  const githubSubject = () =>
    github.subject ??
    (github.environment
      ? `repo:${github.repository}:environment:${github.environment}`
      : github.pullRequest
        ? `repo:${github.repository}:pull_request`
        : `repo:${github.repository}:ref:${github.ref}`);
  const firstConnection = () => Object.keys(pipelines.serviceConnections)[0] ?? '';
  const pipelinesSubject = (id = firstConnection()) =>
    pipelines.subject ??
    `sc://${pipelines.organization}/${pipelines.project}/${pipelines.serviceConnections[id] ?? id}`;

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

  function fault(f: CiOidcFault): CiResponse {
    return { status: f.status, headers: { 'content-type': f.contentType ?? 'text/html; charset=utf-8' }, body: f.body };
  }

  async function githubToken(req: CiRequest, url: URL, base: string): Promise<CiResponse> {
    const rec: CiOidc['requests'][number] = { endpoint: 'github', method: req.method, status: 0 };
    requests.push(rec);
    if (requests.length > 1000) requests.splice(0, requests.length - 1000);
    const done = (status: number, body: unknown) => {
      rec.status = status;
      return json(status, body);
    };
    if (req.method !== 'GET') return done(405, { message: 'Method not allowed: the runner serves ID tokens on GET' });
    const token = bearer(req);
    if (!token || !safeEqual(token, github.requestToken))
      return done(401, { message: 'Unauthorized: ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing or wrong' });
    const audience = url.searchParams.get('audience') ?? undefined;
    rec.audience = audience?.slice(0, 200);
    if (audience !== undefined && (audience.length === 0 || audience.length > 512))
      return done(400, { message: 'Bad audience' });
    if (faults.github) {
      rec.status = faults.github.status;
      return fault(faults.github);
    }
    const repoOwner = github.repository.split('/')[0] ?? '';
    const value = await signer.sign(
      'github',
      {
        jti: randomUUID(),
        sub: githubSubject(),
        aud: audience ?? `https://github.com/${repoOwner}`,
        ref: github.ref,
        sha: createHash('sha1').update(github.ref).digest('hex'),
        repository: github.repository,
        repository_owner: repoOwner,
        run_id: '1001',
        run_number: '7',
        run_attempt: '1',
        actor: 'octocat',
        workflow: 'deploy',
        event_name: github.pullRequest ? 'pull_request' : 'push',
        ref_type: 'branch',
        environment: github.environment,
        job_workflow_ref: `${github.repository}/.github/workflows/deploy.yml@${github.ref}`,
        runner_environment: github.runnerEnvironment,
      },
      lifetime,
      base,
    );
    return done(200, { count: 1, value });
  }

  async function pipelinesToken(req: CiRequest, url: URL, base: string): Promise<CiResponse> {
    const rec: CiOidc['requests'][number] = { endpoint: 'pipelines', method: req.method, status: 0 };
    requests.push(rec);
    if (requests.length > 1000) requests.splice(0, requests.length - 1000);
    const e2e = randomUUID();
    const done = (status: number, body: unknown) => {
      rec.status = status;
      return json(status, body, { 'x-vss-e2eid': e2e, 'x-msedge-ref': `Ref A: ${e2e.slice(0, 8)}` });
    };
    if (req.method !== 'POST')
      return done(405, {
        message: `The requested resource does not support http method ${req.method.slice(0, 10)}.`,
        typeName: 'HttpMethodNotAllowed',
      });
    if (req.bodyBytes > MAX_BODY) return done(413, { message: 'Request body too large' });
    const token = bearer(req);
    if (!token || !safeEqual(token, pipelines.systemAccessToken))
      return done(401, {
        message:
          'TF400813: The user is not authorized to access this resource. Is SYSTEM_ACCESSTOKEN mapped into the step?',
        typeName: 'UnauthorizedRequestException',
      });
    const id = url.searchParams.get('serviceConnectionId');
    rec.serviceConnectionId = id?.slice(0, 100);
    if (!id) return done(400, { message: 'serviceConnectionId is required', typeName: 'ArgumentNullException' });
    if (!Object.hasOwn(pipelines.serviceConnections, id))
      return done(404, {
        message: `Service connection ${id.slice(0, 100)} was not found or is not authorized for this pipeline.`,
        typeName: 'ServiceEndpointNotFoundException',
      });
    if (faults.pipelines) {
      rec.status = faults.pipelines.status;
      return fault(faults.pipelines);
    }
    const oidcToken = await signer.sign(
      'pipelines',
      { jti: randomUUID(), sub: pipelinesSubject(id), aud: EXCHANGE_AUDIENCE },
      lifetime,
      base,
    );
    return done(200, { oidcToken });
  }

  async function respond(req: CiRequest, baseUrl: string): Promise<CiResponse | null> {
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
    const gh = ownGithubIssuer('');
    const ap = ownPipelinesIssuer('');
    // Discovery and keys of the default signer's issuers (a mounted sandbox publishes its own under /external/…).
    if (path === `${gh}/.well-known/openid-configuration`) return json(200, discovery(ownGithubIssuer(baseUrl)));
    if (path === `${gh}/.well-known/jwks`) return json(200, { keys: [ghSigner().jwk] });
    if (path === `${gh}/idtoken`) return githubToken(req, url, baseUrl);
    if (path === `${ap}/.well-known/openid-configuration`) return json(200, discovery(ownPipelinesIssuer(baseUrl)));
    if (path === `${ap}/.well-known/jwks`) return json(200, { keys: [apSigner().jwk] });
    if (
      /^\/ci\/pipelines\/[^/]+\/[^/]+\/_apis\/distributedtask\/hubs\/build\/plans\/[^/]+\/jobs\/[^/]+\/oidctoken$/.test(
        path,
      )
    )
      return pipelinesToken(req, url, baseUrl);
    return json(404, { message: 'Not found' });
  }

  return {
    github,
    pipelines,
    faults,
    requests,
    githubSubject,
    pipelinesSubject,
    githubIssuer,
    pipelinesIssuer,
    issuers(base) {
      return [
        {
          name: 'github-actions',
          issuer: ownGithubIssuer(base),
          jwksUri: `${ownGithubIssuer(base)}/.well-known/jwks`,
          jwks: { keys: [ghSigner().jwk] },
        },
        {
          name: 'azure-pipelines',
          issuer: ownPipelinesIssuer(base),
          jwksUri: `${ownPipelinesIssuer(base)}/.well-known/jwks`,
          jwks: { keys: [apSigner().jwk] },
        },
      ];
    },
    githubEnv(base) {
      return {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: github.repository,
        GITHUB_REF: github.ref,
        RUNNER_ENVIRONMENT: github.runnerEnvironment,
        ACTIONS_ID_TOKEN_REQUEST_URL: `${base.replace(/\/+$/, '')}${CI_OIDC_PREFIX}/github/idtoken?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken,
      };
    },
    pipelinesEnv(base) {
      const b = base.replace(/\/+$/, '');
      return {
        TF_BUILD: 'True',
        SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: `${b}${CI_OIDC_PREFIX}/pipelines/${pipelines.organization}/`,
        SYSTEM_TEAMPROJECT: pipelines.project,
        SYSTEM_OIDCREQUESTURI: `${b}${CI_OIDC_PREFIX}/pipelines/${pipelines.organization}/${pipelines.project}/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken`,
        SYSTEM_ACCESSTOKEN: pipelines.systemAccessToken,
        AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: firstConnection(),
      };
    },
    respond,
    async handle(req, res, baseUrl) {
      if (!(req.url ?? '/').startsWith(`${CI_OIDC_PREFIX}/`)) return false;
      const bodyBytes = await drain(req);
      const r = (await respond(
        { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, bodyBytes },
        baseUrl,
      ))!;
      res.writeHead(r.status, {
        ...r.headers,
        'content-length': String(Buffer.byteLength(r.body)),
        ...(bodyBytes > MAX_BODY ? { connection: 'close' } : {}),
      });
      res.end(r.body);
      return true;
    },
  };
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
