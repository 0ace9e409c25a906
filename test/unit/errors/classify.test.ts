import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { ClientConfigurationError, ServerError } from '@azure/msal-node';
import { classifyError } from '../../../src/core/errors/classify';
import { HttpRequestError } from '../../../src/core/http/client';

const TRACE = '12345678-1234-1234-1234-123456789012';

describe('classifyError', () => {
  it('Entra bodies and SDK errors with codes are aadsts, with context', () => {
    const body = {
      error: 'invalid_client',
      error_description: `AADSTS7000215: Invalid client secret provided.\r\nTrace ID: ${TRACE}`,
      error_codes: [7000215],
      trace_id: TRACE,
      timestamp: '2025-06-17 10:30:00Z',
    };
    assert.deepEqual(classifyError(body), {
      kind: 'aadsts',
      message: 'AADSTS7000215: Invalid client secret provided.',
      errorCodes: [7000215],
      oauthError: 'invalid_client',
      traceId: TRACE,
      timestamp: '2025-06-17 10:30:00Z',
    });
    const e = classifyError(new AuthenticationError(400, body));
    assert.deepEqual([e.kind, e.httpStatus, e.errorCodes], ['aadsts', 400, [7000215]]);
    assert.equal(classifyError(new ServerError('invalid_grant', 'x', 'AADSTS50076: MFA required')).kind, 'aadsts');
  });

  it('network, timeout, unavailable, process, config, parse, aborted, http, unknown', () => {
    assert.equal(
      classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' })).kind,
      'network',
    );
    assert.equal(
      classifyError(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
        }),
      ).kind,
      'network',
    );
    assert.equal(
      classifyError(Object.assign(new Error('connect ETIMEDOUT 169.254.169.254:80'), { code: 'ETIMEDOUT' })).kind,
      'timeout',
    );
    assert.equal(
      classifyError(new CredentialUnavailableError('EnvironmentCredential is unavailable.')).kind,
      'credential-unavailable',
    );
    assert.equal(classifyError(Object.assign(new Error('spawn az ENOENT'), { code: 'ENOENT' })).kind, 'process');
    assert.equal(classifyError(new ClientConfigurationError('authority_uri_insecure', 'x')).kind, 'config');
    assert.equal(classifyError(new SyntaxError('Unexpected token < in JSON at position 0')).kind, 'parse');
    const abort = new Error('The operation was aborted');
    abort.name = 'AbortError';
    assert.equal(classifyError(abort).kind, 'aborted');
    assert.deepEqual(classifyError({ statusCode: 503, message: 'Service Unavailable' }), {
      kind: 'http',
      message: 'Service Unavailable',
      errorCodes: [],
      httpStatus: 503,
    });
    assert.equal(classifyError(new Error('something odd')).kind, 'unknown');
  });

  it('keeps the kind the engine HTTP client already decided', () => {
    assert.equal(
      classifyError(new HttpRequestError('proxy', 'proxy CONNECT refused', { url: 'https://login.example/' })).kind,
      'network',
    );
    assert.equal(
      classifyError(new HttpRequestError('timeout', 'no answer within 1000 ms', { url: 'http://169.254.169.254/' }))
        .kind,
      'timeout',
    );
    assert.equal(classifyError(new HttpRequestError('bad-url', 'not a URL', { url: 'x' })).kind, 'config');
    assert.equal(classifyError({ kind: 'weird', message: 'x' }).kind, 'unknown');
  });

  it('redacts secrets that leak into messages', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"a":1}').toString('base64url')}.c2lnbmF0dXJlc2lnbmF0dXJl`;
    const info = classifyError(new Error(`request failed with Authorization: Bearer ${token}`));
    assert.ok(!info.message.includes(token), info.message);
  });

  it('never throws, whatever is thrown (property-based)', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true }), (v) => {
        const i = classifyError(v);
        assert.equal(typeof i.kind, 'string');
        assert.equal(typeof i.message, 'string');
        assert.ok(Array.isArray(i.errorCodes));
      }),
      { numRuns: 2000 },
    );
    for (const v of [undefined, null, 0, '', Symbol('x'), () => 1]) assert.doesNotThrow(() => classifyError(v));
  });
});
