/** The traced HTTP client every credential and the msal-node network adapter use. */
export interface RetryPolicy {
  maxRetries: number;
  /** Status codes that are retried. */
  statusCodes: number[];
  /** Base delay; exponential backoff unless Retry-After says otherwise. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on the whole exchange, retries included. */
  maxTotalMs?: number;
  retryNetworkErrors?: boolean;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Form body (application/x-www-form-urlencoded) or raw text. */
  body?: URLSearchParams | string;
  /** Per-attempt time limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
  retry?: RetryPolicy;
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
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
}
