/**
 * Managed-identity failures say what really happened — timed out, connection refused, network unreachable, response
 * too large, malformed HTTP — instead of one "Network unreachable" for all of them; and ENETUNREACH to IMDS is not
 * retried for half a minute when the hosting fingerprint already says no endpoint exists. Every endpoint is loopback.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createEngine } from '../../../src/core/engine';
import { createHttpClient, HttpRequestError } from '../../../src/core/http/client';
import { classifyRequestFailure } from '../../../src/core/http/failure';
import { imdsRetry } from '../../../src/core/credentials/managed-identity/imds';
import { miNetworkError } from '../../../src/core/credentials/managed-identity/common';
import type { StepContext } from '../../../src/core/credentials/types';
import { createStepTracer } from '../../../src/core/trace/tracer';
import { classifyError } from '../../../src/core/errors/classify';
import { registerCredential } from '../../../src/core/credentials/registry';
import { ManagedIdentityCredential } from '../../../src/core/credentials/managed-identity/index';
import { CredentialUnavailableError } from '../../../src/core/credentials/types';

interface Server {
  url: string;
  close(): Promise<void>;
}

async function serve(onConnection: (socket: net.Socket) => void): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function httpServe(handler: http.RequestListener): Promise<Server> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** An App Service managed identity pointed at `endpoint` (its source sends once: no network retries). */
async function appService(endpoint: string, stepTimeoutMs = 10_000) {
  const r = await createEngine().runChain(
    { credentials: ['ManagedIdentityCredential'], profile: 'go', stepTimeoutMs },
    { env: { PATH: '/nonexistent', IDENTITY_ENDPOINT: `${endpoint}/msi/token`, IDENTITY_HEADER: 'h' } },
  );
  return r.steps[0]!;
}

describe('managed identity: failures labelled by their real class', () => {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('connection refused', async () => {
    const s = await serve(() => undefined);
    const url = s.url;
    await s.close();
    const step = await appService(url);
    assert.equal(step.outcome, 'unavailable');
    assert.equal(step.error?.networkFailure, 'refused');
    assert.match(step.message, /no usable answer from the App Service endpoint \(connection refused/);
    assert.doesNotMatch(step.message, /Network unreachable/);
  });

  it('timed out (an endpoint that never answers, inside the step budget)', async () => {
    const s = await serve(() => undefined);
    open.push(s);
    const step = await appService(s.url, 2000);
    assert.equal(step.error?.networkFailure, 'timeout');
    assert.match(step.message, /no usable answer from the App Service endpoint \(timed out/);
  });

  it('body too large', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const s = await httpServe((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"access_token":"${big}"}`),
    );
    open.push(s);
    const step = await appService(s.url);
    assert.equal(step.error?.networkFailure, 'too-large');
    assert.match(step.message, /response too large/);
  });

  it('malformed HTTP (something that is not an HTTP server answers)', async () => {
    const s = await serve((sock) => sock.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    open.push(s);
    const step = await appService(s.url);
    assert.equal(step.error?.networkFailure, 'malformed-http');
    assert.match(step.message, /malformed HTTP response/);
  });

  it('IMDS (retried network errors): the class survives the retries and the message counts the attempts', async () => {
    const s = await serve(() => undefined);
    const url = s.url;
    await s.close();
    const run = await createEngine().runCredential(
      'ManagedIdentityCredential',
      { stepTimeoutMs: 3000, profile: 'js' },
      { env: { PATH: '/nonexistent' }, options: { imdsEndpoint: url } },
    );
    assert.equal(run.result.error?.networkFailure, 'refused');
    // The JS profile's message is @azure/identity's own (msal-node's network_error); what happened is in the class
    // above and in the trace.
    assert.equal(
      run.result.message,
      'ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details',
    );
    assert.match(
      JSON.stringify(run.result.events),
      /no usable answer from the IMDS endpoint after \d+ attempts \(connection refused/,
    );
  });

  it('network unreachable is labelled as such (class and message)', () => {
    const e = new HttpRequestError('network', 'unreachable network (ENETUNREACH)', {
      code: 'ENETUNREACH',
      url: 'http://169.254.169.254/metadata/identity/oauth2/token',
      attempts: 1,
    });
    assert.equal(classifyRequestFailure(e), 'unreachable');
    const err = miNetworkError({ profile: 'go' } as StepContext, 'IMDS', e);
    assert.match(
      err.message,
      /^ManagedIdentityCredential: no usable answer from the IMDS endpoint \(unreachable network \(ENETUNREACH\)\)$/,
    );
    assert.equal(classifyError(err).networkFailure, 'unreachable');
    for (const [code, cls] of [
      ['EHOSTUNREACH', 'unreachable'],
      ['ENOTFOUND', 'dns'],
      ['ECONNRESET', 'reset'],
      ['HPE_INVALID_CONSTANT', 'malformed-http'],
      ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
      ['ECONNREFUSED', 'refused'],
    ] as const) {
      assert.equal(classifyRequestFailure({ kind: 'network', code }), cls, code);
    }
  });
});

describe('managed identity: ENETUNREACH is not retried when no endpoint exists', () => {
  const ctx = (o: Partial<StepContext>) => ({ profile: 'js', options: {}, env: {}, ...o }) as unknown as StepContext;
  const noEndpoint = { verdict: 'unavailable', reason: 'not an Azure VM and no managed-identity variables' };

  it('the IMDS retry policy stops on ENETUNREACH/EHOSTUNREACH only when the fingerprint predicts no endpoint at the default address', () => {
    const p = imdsRetry(ctx({ prediction: noEndpoint }));
    assert.deepEqual(p.noRetryCodes, ['ENETUNREACH', 'EHOSTUNREACH']);
    assert.match(p.noRetryReason ?? '', /no managed-identity endpoint exists here \(not an Azure VM/);
    assert.equal(
      imdsRetry(ctx({ prediction: { verdict: 'should-work', reason: 'Azure VM' } })).noRetryCodes,
      undefined,
      'an Azure VM whose network is coming up keeps retrying',
    );
    assert.equal(imdsRetry(ctx({})).noRetryCodes, undefined, 'no prediction, no shortcut');
    assert.equal(
      imdsRetry(ctx({ prediction: noEndpoint, options: { imdsEndpoint: 'http://127.0.0.1:1' } })).noRetryCodes,
      undefined,
      'an overridden endpoint decides for itself',
    );
  });

  it('the HTTP client honours noRetryCodes: one attempt, and the trace says why', async () => {
    const s = await serve(() => undefined);
    const url = s.url;
    await s.close();
    const policy = { maxRetries: 5, statusCodes: [], baseDelayMs: 50, maxDelayMs: 100, retryNetworkErrors: true };
    const retried = await createHttpClient()
      .send({ method: 'GET', url, retry: policy })
      .catch((e: HttpRequestError) => e);
    assert.equal((retried as HttpRequestError).attempts, 6);
    const trace = createStepTracer('imds');
    const stopped = await createHttpClient({ trace })
      .send({
        method: 'GET',
        url,
        retry: { ...policy, noRetryCodes: ['ECONNREFUSED'], noRetryReason: 'nothing listens here' },
      })
      .catch((e: HttpRequestError) => e);
    assert.equal((stopped as HttpRequestError).attempts, 1);
    assert.ok(
      JSON.stringify(trace.events).includes('not retrying GET') &&
        JSON.stringify(trace.events).includes('after ECONNREFUSED: nothing listens here'),
    );
  });

  it('the chain and explicit runs hand the step its fingerprint prediction before it runs', async () => {
    const seen: (StepContext['prediction'] | null)[] = [];
    registerCredential('ManagedIdentityCredential', () => ({
      name: 'ManagedIdentityCredential',
      async getToken(_req, c) {
        seen.push(c.prediction ?? null);
        throw new CredentialUnavailableError('spy');
      },
    }));
    try {
      const chain = await createEngine().runChain(
        { credentials: ['ManagedIdentityCredential'], profile: 'go' },
        { env: { PATH: '/nonexistent' } },
      );
      const single = await createEngine().runCredential(
        'ManagedIdentityCredential',
        {},
        { env: { PATH: '/nonexistent' } },
      );
      assert.equal(seen.length, 2);
      assert.ok(seen[0] && seen[1], 'a prediction reached the step');
      assert.equal(seen[0]!.verdict, chain.steps[0]!.prediction?.verdict);
      assert.equal(seen[1]!.verdict, single.result.prediction?.verdict);
    } finally {
      registerCredential('ManagedIdentityCredential', () => new ManagedIdentityCredential());
    }
  });
});
