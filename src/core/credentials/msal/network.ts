/**
 * msal-node's INetworkModule over the engine's traced HttpClient: every request msal-node makes (token, device code,
 * discovery) goes through the one client that traces and redacts, honours the step's AbortSignal and the proxy settings.
 * The adapter also remembers the last Entra error body and the server Date header, so errors can be classified from
 * what was on the wire rather than from msal's re-worded message.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { HttpClient } from '../../http/types';

/** The server answered with something that is not JSON (an HTML error page, a proxy's login page, …). */
export class NonJsonResponseError extends Error {
  readonly kind = 'parse' as const;
  constructor(
    readonly status: number,
    readonly contentType: string,
    readonly excerpt: string,
    readonly url: string,
  ) {
    super(
      `The authority answered HTTP ${status} with ${contentType || 'no content type'} instead of JSON` +
        (excerpt ? ` (starts with: ${JSON.stringify(excerpt)})` : ' (empty body)') +
        '. A proxy, a captive portal or a wrong authority host is the usual cause.',
    );
    this.name = 'NonJsonResponseError';
  }
}

/** A host outside the allowed set was requested: the request is refused before it leaves the process. */
export class DisallowedHostError extends Error {
  readonly kind = 'config' as const;
  constructor(
    readonly url: string,
    readonly allowed: readonly string[],
  ) {
    super(
      `msal-node tried to reach ${safeOrigin(url)}, which is not the configured authority host (${allowed.join(', ')}); the request was refused.`,
    );
    this.name = 'DisallowedHostError';
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable URL)';
  }
}

export interface TracedNetworkOptions {
  http: HttpClient;
  signal?: AbortSignal;
  /** host[:port] values msal may talk to; anything else is refused (defence in depth behind knownAuthorities). */
  allowedHosts: readonly string[];
  /** Per-request time limit when msal does not give one. */
  timeoutMs?: number;
}

export interface ObservedError {
  status: number;
  body: Record<string, unknown>;
  url: string;
  /** The body as it came (Python's AadClient errors print it). */
  text?: string;
}

export class TracedNetworkModule implements INetworkModule {
  /** The last JSON error body an endpoint returned (status ≥ 400, or 200 with an `error` field). */
  lastError: ObservedError | undefined;
  /** Date header of the last response (clock-skew checks). */
  lastServerDate: string | undefined;
  /** The last error this module threw (msal-node re-wraps it without a cause, so the mapper reads it from here). */
  lastThrown: (Error & { kind: string }) | undefined;
  /** Every URL msal asked for, in order (tests and the trace summary use it). */
  readonly requested: string[] = [];

  constructor(private readonly options: TracedNetworkOptions) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.#send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.#send<T>('POST', url, options);
  }

  async #send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    try {
      return await this.#sendInner<T>(method, url, options, timeout);
    } catch (e) {
      if (e && typeof e === 'object' && typeof (e as { kind?: unknown }).kind === 'string')
        this.lastThrown = e as Error & { kind: string };
      throw e;
    }
  }

  async #sendInner<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    this.requested.push(url);
    let host: string;
    try {
      host = new URL(url).host.toLowerCase();
    } catch {
      throw new DisallowedHostError(url, this.options.allowedHosts);
    }
    if (!this.options.allowedHosts.includes(host)) throw new DisallowedHostError(url, this.options.allowedHosts);
    this.options.signal?.throwIfAborted();
    const res = await this.options.http.send({
      method,
      url,
      headers: { ...(options?.headers ?? {}) },
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      timeoutMs: timeout ?? this.options.timeoutMs,
      signal: this.options.signal,
    });
    if (res.headers.date) this.lastServerDate = res.headers.date;
    let body = res.json;
    if (body === undefined) {
      const text = res.bodyText ?? '';
      try {
        body = text.trim() ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
    }
    if (body === undefined || body === null || typeof body !== 'object') {
      throw new NonJsonResponseError(res.status, res.headers['content-type'] ?? '', excerpt(res.bodyText ?? ''), url);
    }
    const obj = body as Record<string, unknown>;
    // Device-code polling answers authorization_pending / slow_down until the user acts: expected, not the failure.
    const pending = obj.error === 'authorization_pending' || obj.error === 'slow_down';
    if ((res.status >= 400 || typeof obj.error === 'string') && !pending)
      this.lastError = { status: res.status, body: obj, url, text: res.bodyText };
    else if (res.status < 300 && obj.error === undefined) this.lastError = undefined;
    return { headers: { ...res.headers }, body: body as T, status: res.status };
  }
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 120)}…` : t;
}
