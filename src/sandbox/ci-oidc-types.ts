/** The shapes of the CI OIDC endpoints (ci-oidc.ts): job configurations, signer, requests and answers. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

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
