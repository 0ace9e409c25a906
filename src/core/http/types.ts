/** The traced HTTP client every credential and the msal-node network adapter use. */
export interface RetryPolicy {
  maxRetries: number;
  /** Status codes that are retried. */
  statusCodes: number[];
  /** Base delay; exponential backoff unless Retry-After says otherwise. */
  baseDelayMs: number;
  /** A different base delay for some statuses (JS and .NET start IMDS 410 at 3 s so five retries span about 70 s). */
  baseDelayByStatusMs?: Record<number, number>;
  maxDelayMs: number;
  /** Upper bound on the whole exchange, retries included. */
  maxTotalMs?: number;
  /** 'half': each delay is d/2 + random(0, d/2), as @azure/core-util's calculateRetryDelay (the JS SDK). */
  jitter?: 'none' | 'half';
  retryNetworkErrors?: boolean;
  /** Socket error codes never retried even with retryNetworkErrors (ENETUNREACH when nothing can answer here). */
  noRetryCodes?: string[];
  /** Said in the trace when a code in noRetryCodes ends the retries. */
  noRetryReason?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'HEAD' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Form body (application/x-www-form-urlencoded) or raw text. */
  body?: URLSearchParams | string;
  /** Per-attempt time limit. */
  timeoutMs?: number;
  /** Time limit for the TCP connection alone (direct and plain-HTTP-proxy requests); `timeoutMs` still applies. */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /**
   * 'skip' accepts any server certificate (Service Fabric's self-signed cluster certificate, as the SDKs do);
   * the certificate's SHA-1 thumbprint is still reported in the response so the caller can compare it.
   */
  tlsVerify?: 'default' | 'skip';
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  bodyText: string;
  /** Parsed JSON when the body was JSON, else undefined. */
  json?: unknown;
  durationMs: number;
  attempts: number;
  /** HTTPS only: SHA-1 thumbprint of the server certificate (upper-case hex, no separators). */
  peerCertificateSha1?: string;
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Ends the connections a keep-alive client holds open (a no-op for one without keepAlive). */
  close?(): void;
}
