import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import {
  backoffMs,
  createHttpClient,
  selectProxy,
  retryAfterMs,
  type HttpRequestError,
} from '../../../src/core/http/client';
import { imdsRetry, imdsRetrySpanSeconds } from '../../../src/core/credentials/managed-identity/imds';
import type { StepContext } from '../../../src/core/credentials/types';
import { createProcessRunner, resolveExecutable } from '../../../src/core/process/runner';
import { createStepTracer } from '../../../src/core/trace/tracer';
import type { HttpEvent, ProcessEvent } from '../../../src/core/trace/events';

const FIXTURES = path.resolve(__dirname, '../../fixtures/bin');

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

describe('engine: traced HTTP client', () => {
  const servers: http.Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('retries listed statuses honouring Retry-After and traces each attempt with its reason', async () => {
    let n = 0;
    const { server, url } = await listen((_req, res) => {
      n++;
      if (n === 1) return res.writeHead(503, { 'retry-after': '0' }).end('busy');
      if (n === 2) return res.writeHead(429, { 'retry-after-ms': '5' }).end('{"error":"throttled"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"access_token":"secret-token-value"}');
    });
    servers.push(server);
    const trace = createStepTracer('t');
    const client = createHttpClient({ trace });
    const r = await client.send({
      method: 'GET',
      url: `${url}/x`,
      retry: { maxRetries: 3, statusCodes: [429, 503], baseDelayMs: 1, maxDelayMs: 10 },
    });
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 3);
    assert.deepEqual(r.json, { ok: true, access_token: 'secret-token-value' });
    const events = trace.events.filter((e): e is HttpEvent => e.kind === 'http');
    assert.deepEqual(
      events.map((e) => e.status),
      [503, 429, 200],
    );
    assert.match(events[1]!.retryReason ?? '', /HTTP 503/);
    assert.match(events[2]!.retryReason ?? '', /HTTP 429.*Retry-After 5 ms/);
    assert.equal(events[2]!.retryDelayMs, 5);
    assert.ok(!JSON.stringify(trace.events).includes('secret-token-value'));
  });

  it('stops retrying when the next delay would exceed the total budget', async () => {
    const { server, url } = await listen((_req, res) => res.writeHead(503, { 'retry-after': '3600' }).end());
    servers.push(server);
    const trace = createStepTracer('t');
    const r = await createHttpClient({ trace }).send({
      method: 'GET',
      url,
      retry: { maxRetries: 5, statusCodes: [503], baseDelayMs: 1, maxDelayMs: 10, maxTotalMs: 2000 },
    });
    assert.equal(r.status, 503);
    assert.equal(r.attempts, 1);
    assert.ok(trace.events.some((e) => e.kind === 'note' && /budget/.test(e.message)));
  });

  it('ends a hung endpoint with a timeout error, and aborts on signal', async () => {
    const { server, url } = await listen(() => {
      /* never answers */
    });
    servers.push(server);
    const client = createHttpClient({});
    await assert.rejects(
      client.send({ method: 'GET', url, timeoutMs: 100 }),
      (e: HttpRequestError) => e.kind === 'timeout',
    );
    const ac = new AbortController();
    const p = client.send({ method: 'GET', url, timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, (e: HttpRequestError) => e.kind === 'aborted');
    server.closeAllConnections();
  });

  it('refuses huge bodies, reports refused connections, and keeps HTML bodies as text', async () => {
    const { server, url } = await listen((req, res) => {
      if (req.url === '/huge') return res.end(Buffer.alloc(200_000, 97));
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
    });
    servers.push(server);
    const client = createHttpClient({ maxBodyBytes: 100_000 });
    await assert.rejects(
      client.send({ method: 'GET', url: `${url}/huge` }),
      (e: HttpRequestError) => e.kind === 'too-large',
    );
    const r = await client.send({ method: 'GET', url: `${url}/html` });
    assert.equal(r.status, 502);
    assert.equal(r.json, undefined);
    assert.match(r.bodyText, /Bad gateway/);
    const dead = net.createServer();
    await new Promise<void>((res) => dead.listen(0, '127.0.0.1', res));
    const port = (dead.address() as AddressInfo).port;
    dead.close();
    await assert.rejects(
      client.send({ method: 'GET', url: `http://127.0.0.1:${port}/` }),
      (e: HttpRequestError) => e.kind === 'network' && e.code === 'ECONNREFUSED',
    );
  });

  it('selects proxies from options and environment, honouring NO_PROXY', () => {
    const u = new URL('https://login.example.com/x');
    assert.equal(selectProxy(u, { env: { HTTPS_PROXY: 'http://p:3128' } }).proxy, 'http://p:3128');
    assert.equal(selectProxy(u, { env: { https_proxy: 'http://p:3128', NO_PROXY: '.example.com' } }).proxy, null);
    assert.equal(selectProxy(u, { env: { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '*' } }).proxy, null);
    assert.equal(
      selectProxy(new URL('http://169.254.169.254/'), {
        env: { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '169.254.0.0/16' },
      }).proxy,
      null,
    );
    assert.equal(
      selectProxy(new URL('http://10.1.2.3/'), { env: { HTTP_PROXY: 'http://p:3128', NO_PROXY: '169.254.0.0/16' } })
        .proxy,
      'http://p:3128',
    );
    assert.equal(
      selectProxy(u, { proxy: 'http://explicit:1', env: { HTTPS_PROXY: 'http://p:3128' } }).proxy,
      'http://explicit:1',
    );
    assert.equal(selectProxy(u, { proxy: 'none', env: { HTTPS_PROXY: 'http://p:3128' } }).proxy, null);
  });

  it('goes through an HTTP proxy (absolute-form) and a CONNECT tunnel, and the trace names the proxy', async () => {
    const { server: target, url } = await listen((req, res) => res.end(JSON.stringify({ path: req.url })));
    servers.push(target);
    const seen: string[] = [];
    const proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const u = new URL(req.url!);
      const up = http.request(
        { host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method },
        (r) => {
          res.writeHead(r.statusCode!, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    proxy.on('connect', (req, socket: net.Socket) => {
      seen.push(`CONNECT ${req.url}`);
      const [h, p] = req.url!.split(':');
      const up = net.connect(Number(p), h!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(socket);
        socket.pipe(up);
      });
      up.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    servers.push(proxy);
    const proxyUrl = `http://user:proxypass@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const trace = createStepTracer('t');
    const r = await createHttpClient({ trace, env: { HTTP_PROXY: proxyUrl } }).send({
      method: 'GET',
      url: `${url}/via?x=1`,
    });
    assert.deepEqual(r.json, { path: '/via?x=1' });
    assert.ok(seen.some((s) => s.startsWith('GET http://127.0.0.1')));
    const ev = trace.events.find((e): e is HttpEvent => e.kind === 'http')!;
    assert.match(String(ev.proxy), /127\.0\.0\.1/);
    assert.ok(!JSON.stringify(trace.events).includes('proxypass'));
    // CONNECT: tunnel to a plain TCP target that then fails TLS — what matters is that CONNECT was used.
    const client = createHttpClient({ env: { HTTPS_PROXY: proxyUrl } });
    await assert.rejects(
      client.send({
        method: 'GET',
        url: `https://127.0.0.1:${(target.address() as AddressInfo).port}/`,
        timeoutMs: 2000,
      }),
    );
    assert.ok(seen.some((s) => s.startsWith('CONNECT 127.0.0.1:')));
  });

  it('parses Retry-After forms', () => {
    assert.equal(retryAfterMs({ 'retry-after': '2' }), 2000);
    assert.equal(retryAfterMs({ 'x-ms-retry-after-ms': '150' }), 150);
    assert.equal(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 5_000), 5_000);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
  });
});

describe('engine: process runner', () => {
  const env = { PATH: FIXTURES };

  it('resolves executables on the PATH the child sees and traces it', async () => {
    assert.equal(resolveExecutable('az', env).resolved, path.join(FIXTURES, 'az'));
    assert.equal(resolveExecutable('az', { PATH: '/nonexistent' }).resolved, null);
    const trace = createStepTracer('p');
    const r = await createProcessRunner({ trace }).run({
      command: 'az',
      args: ['account', 'get-access-token'],
      env: { ...env, FAKE_TOKEN: 'tok-abc-123456' },
      timeoutMs: 5000,
      hideStdout: true,
      classify: () => 'ok',
    });
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /tok-abc-123456/);
    const pe = trace.events.find((e): e is ProcessEvent => e.kind === 'process')!;
    assert.equal(pe.classification, 'ok');
    assert.ok(!JSON.stringify(trace.events).includes('tok-abc-123456'));
    const cfg = trace.events.find((e) => e.kind === 'config');
    assert.deepEqual(cfg && cfg.kind === 'config' ? cfg.executables?.[0]?.searchedPath : null, [FIXTURES]);
  });

  it('lowPriority (diagnose mode) starts the child at a lower scheduling priority', async () => {
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const args = ['-c', 'sleep 0.3; cat /proc/self/stat'];
    const low = await createProcessRunner({ lowPriority: true }).run({
      command: 'sh',
      args,
      env: { PATH: '/usr/bin:/bin' },
      timeoutMs: 5000,
    });
    const normal = await createProcessRunner({}).run({
      command: 'sh',
      args,
      env: { PATH: '/usr/bin:/bin' },
      timeoutMs: 5000,
    });
    assert.equal(niceOf(low.stdout), Math.min(19, niceOf(normal.stdout) + 10), `${low.stdout} / ${normal.stdout}`);
  });

  it('reports a missing executable without spawning', async () => {
    const r = await createProcessRunner({}).run({
      command: 'az',
      args: [],
      env: { PATH: '/nonexistent' },
      timeoutMs: 1000,
    });
    assert.equal(r.spawnError, 'ENOENT');
    assert.equal(r.resolvedPath, null);
  });

  it('kills a hung process tree at the time limit', async () => {
    const r = await createProcessRunner({}).run({
      command: 'az',
      args: [],
      env: { ...env, FAKE_AZ_MODE: 'hang' },
      timeoutMs: 300,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
  });

  it('aborts on signal and bounds output', async () => {
    const ac = new AbortController();
    const p = createProcessRunner({}).run({
      command: 'az',
      args: [],
      env: { ...env, FAKE_AZ_MODE: 'hang' },
      timeoutMs: 60_000,
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 50);
    const r = await p;
    assert.equal(r.spawnError, 'ABORTED');
    const big = await createProcessRunner({}).run({
      command: '/bin/sh',
      args: ['-c', 'i=0; while [ $i -lt 2000 ]; do echo 0123456789012345678901234567890123456789; i=$((i+1)); done'],
      env,
      timeoutMs: 10_000,
      maxOutputBytes: 1000,
    });
    assert.ok(big.stdout.length < 1200);
    assert.match(big.stdout, /truncated/);
  });

  it('never uses a shell: metacharacters arrive as plain arguments', async () => {
    const file = path.join(os.tmpdir(), `args-${process.pid}.txt`);
    await createProcessRunner({}).run({
      command: 'az',
      args: ['a; touch /tmp/pwned-azauth', '$(id)'],
      env: { ...env, FAKE_ARGS_FILE: file },
      timeoutMs: 5000,
    });
    const fs = await import('node:fs');
    assert.equal(fs.readFileSync(file, 'utf8'), 'a; touch /tmp/pwned-azauth\n$(id)\n');
    assert.equal(fs.existsSync('/tmp/pwned-azauth'), false);
    fs.rmSync(file, { force: true });
  });
});

describe('retry delays as the SDKs compute them', () => {
  const policy = { maxRetries: 5, statusCodes: [404], baseDelayMs: 800, maxDelayMs: 60_000 };
  it('exponential without jitter; the upper half of each step with core-util jitter (JS SDK)', () => {
    assert.deepEqual(
      [1, 2, 3].map((n) => backoffMs(policy, n)),
      [800, 1600, 3200],
    );
    const j = { ...policy, jitter: 'half' as const };
    assert.equal(
      backoffMs(j, 3, () => 0),
      1600,
      'lowest: half the step',
    );
    assert.equal(
      backoffMs(j, 3, () => 1),
      3200,
      'highest: the whole step',
    );
    assert.equal(
      backoffMs({ ...j, maxDelayMs: 1000 }, 5, () => 1),
      1000,
      'capped before jitter',
    );
  });
  it('IMDS 404 retry span per profile: Go 62 s without jitter, JS ~18.6 s on average (5 retries from 800 ms, jittered)', () => {
    const ctx = (profile: string) => ({ profile, options: {}, env: {} }) as unknown as StepContext;
    assert.equal(imdsRetry(ctx('go')).jitter, 'none');
    assert.equal(imdsRetry(ctx('js')).jitter, 'half');
    assert.equal(imdsRetrySpanSeconds(ctx('go')), 62);
    assert.equal(imdsRetrySpanSeconds(ctx('js')), 18.6);
  });
});
