/**
 * What really went wrong when a request got no usable HTTP response, as one of a few classes a person can act on.
 * Key fetches (decode --jwks/--discover) and managed identity label their failures with it, so "fetch failed" or
 * "network unreachable" never stands in for a timeout, an untrusted certificate or a refused connection.
 */
import type { HttpRequestError } from './errors';

export type NetworkFailureClass =
  | 'timeout'
  | 'tls'
  | 'refused'
  | 'dns'
  | 'unreachable'
  | 'reset'
  | 'too-large'
  | 'malformed-http'
  | 'proxy'
  | 'bad-url'
  | 'aborted'
  | 'network';

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|^ERR_TLS|^ERR_SSL|^EPROTO$|HOSTNAME_MISMATCH/;

/** The class of an HttpRequestError (by its kind, then its socket / parser code). */
export function classifyRequestFailure(e: Pick<HttpRequestError, 'kind' | 'code'>): NetworkFailureClass {
  switch (e.kind) {
    case 'timeout':
      return 'timeout';
    case 'too-large':
      return 'too-large';
    case 'aborted':
      return 'aborted';
    case 'bad-url':
      return 'bad-url';
    case 'proxy':
      return 'proxy';
  }
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return 'dns';
  if (
    code === 'ENETUNREACH' ||
    code === 'EHOSTUNREACH' ||
    code === 'EHOSTDOWN' ||
    code === 'ENETDOWN' ||
    code === 'EADDRNOTAVAIL'
  )
    return 'unreachable';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code.startsWith('HPE_') || code === 'ERR_INVALID_HTTP_RESPONSE') return 'malformed-http';
  if (TLS_CODE.test(code)) return 'tls';
  return 'network';
}

/** A few words for each class, for messages ("…: connection refused"). */
export const FAILURE_LABEL: Record<NetworkFailureClass, string> = {
  timeout: 'timed out',
  tls: 'TLS / untrusted certificate',
  refused: 'connection refused',
  dns: 'host name not found',
  unreachable: 'unreachable',
  reset: 'connection reset',
  'too-large': 'response too large',
  'malformed-http': 'malformed HTTP response',
  proxy: 'proxy error',
  'bad-url': 'invalid URL',
  aborted: 'cancelled',
  network: 'network error',
};
