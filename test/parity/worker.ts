/**
 * One group of parity scenarios (one managed-identity behaviour on 169.254.169.254:80), run inside its own
 * loopback-only network namespace: test/parity/run.mjs starts this file under `unshare -n`. Here the worker puts
 * 169.254.169.254 on `lo`, starts its own sandbox (also on :443, as MSAL Python wants), the discovery proxy through
 * which the SDKs' instance discovery for login.microsoftonline.com reaches the sandbox, and the IMDS stand-in; then
 * runs every scenario of the group on each side (each @azure/identity release, the engine's profile, and the
 * Python oracle where it applies), each in a fresh process with the same environment.
 * Output: one `PARITY-RUN {json}` line per run, then `PARITY-DONE`.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertLoopbackOnly } from '../../bench/netns-guard.mjs';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { redactText } from '../../src/core/trace/redact';
import { startDiscoveryProxy, type DiscoveryProxy } from '../unit/real-az/discovery-proxy';
import { AzHarness } from '../unit/real-az/az-harness';
import { scenarios as allScenarios, TOOLS, type Scenario } from './matrix.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const group = process.argv[2]!;
const sides: string[] = JSON.parse(process.env.PARITY_SIDES ?? '[]');
const concurrency = Number(process.env.PARITY_CONCURRENCY ?? 3);
/** Longest a run may take: beyond the longest SDK time limit met here (IMDS 410: retries for at least 70 s). */
const RUN_LIMIT_MS = Number(process.env.PARITY_RUN_LIMIT_MS ?? 100_000);
const only = process.env.PARITY_ONLY;

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** The stand-in on 169.254.169.254:80. Without the Metadata header it answers as IMDS does (400), like the probe expects. */
function startImds(kind: string, sb: Sandbox): Promise<() => void> {
  const sockets = new Set<net.Socket>();
  const target = new URL(sb.urls.imds);
  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const up = http.request(
      { host: target.hostname, port: Number(target.port), path: req.url, method: req.method, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  // Refused: nothing listens. Silent: main() routed the address into a black hole, so nothing listens either.
  if (kind === 'refused' || kind === 'silent') return Promise.resolve(() => {});
  const server = http.createServer((req, res) => {
    // The probe (no Metadata header) is answered here, as IMDS answers it, without a hop to the sandbox.
    if (req.headers.metadata !== 'true')
      return json(res, 400, {
        error: 'invalid_request',
        error_description: 'Required metadata header not specified',
      });
    if (kind === 'success') return forward(req, res);
    // Slow: the probe passes, the token takes 3 s (longer than the probe's 1 s limit, shorter than any request's).
    if (kind === 'slow') return void setTimeout(() => forward(req, res), 3000);
    switch (kind) {
      case '400':
        return json(res, 400, { error: 'invalid_request', error_description: 'Identity not found' });
      case '404':
        return json(res, 404, { error: 'not_found', error_description: 'Identity not found' });
      case '410':
        res.writeHead(410, { 'content-type': 'text/plain' });
        return res.end('Gone: IMDS is being upgraded');
      case '429':
        return json(
          res,
          429,
          { error: 'too_many_requests', error_description: 'Too many requests' },
          { 'retry-after': '1' },
        );
      case '500':
        return json(res, 500, { error: 'unknown', error_description: 'Internal error' });
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>Proxy login required</h1></body></html>');
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOi","expires_in":"86');
      default:
        return json(res, 500, { error: `unknown stand-in ${kind}` });
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(80, '169.254.169.254', () =>
      resolve(() => {
        for (const s of sockets) s.destroy();
        server.close();
      }),
    ),
  );
}

/** A TCP forward to the sandbox on another port: the same TLS authority, but one instance discovery does not know. */
function startForward(targetPort: number): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((s) => {
    const up = net.connect(targetPort, '127.0.0.1');
    s.pipe(up).pipe(s);
    s.on('error', () => up.destroy());
    up.on('error', () => s.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as net.AddressInfo).port, close: () => server.close() }),
    ),
  );
}

interface World {
  sb: Sandbox;
  proxy: DiscoveryProxy;
  scratch: string;
  bundle: string;
  files: Record<string, string>;
  unknownPort: number;
  azDirs: Partial<Record<'real-logged-in' | 'real-logged-out', string>>;
}

async function buildWorld(scs: Scenario[]): Promise<{ world: World; close: () => Promise<void> }> {
  const scratch = mkdtempSync(path.join(tmpdir(), `azauth-parity-${group}-`));
  const sb = await startSandbox({ extraHttpsPorts: [443] });
  const proxy = await startDiscoveryProxy({ authorityHost: sb.authorityHost, sandboxCaPem: sb.caPem });
  const bundle = path.join(scratch, 'ca-bundle.pem');
  writeFileSync(bundle, `${sb.caPem.trim()}\n${proxy.caPem.trim()}\n`);
  const app = sb.contract.apps[0]!;
  const files: Record<string, string> = {};
  const wiApp = sb.contract.apps.find((a) => a.federatedCredentials?.length)!;
  const fic = wiApp.federatedCredentials![0]!;
  files.wiGood = path.join(scratch, 'wi-good.jwt');
  writeFileSync(files.wiGood, await sb.issueFederatedToken({ subject: fic.subject, audience: fic.audiences }));
  files.wiWrong = path.join(scratch, 'wi-wrong-subject.jwt');
  writeFileSync(
    files.wiWrong,
    await sb.issueFederatedToken({ subject: 'system:serviceaccount:default:someone-else', audience: fic.audiences }),
  );
  files.wiEmpty = path.join(scratch, 'wi-empty.jwt');
  writeFileSync(files.wiEmpty, '');
  files.wiMissing = path.join(scratch, 'no-such-dir', 'token.jwt');
  files.certGood = app.certificateFile!;
  files.certMissing = path.join(scratch, 'no-such-dir', 'cert.pem');
  // A certificate Entra has never seen (its own key), and the sandbox's certificate with an encrypted key.
  files.certWrong = path.join(scratch, 'cert-wrong.pem');
  sh('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=not-registered',
    '-days',
    '2',
    '-keyout',
    `${files.certWrong}.key`,
    '-out',
    `${files.certWrong}.crt`,
  ]);
  writeFileSync(
    files.certWrong,
    readFileSync(`${files.certWrong}.key`, 'utf8') + readFileSync(`${files.certWrong}.crt`, 'utf8'),
  );
  files.certPassword = path.join(scratch, 'cert-password.pem');
  const pem = readFileSync(app.certificateFile!, 'utf8');
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(pem)![0];
  writeFileSync(`${files.certPassword}.key`, key);
  sh('openssl', [
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-in',
    `${files.certPassword}.key`,
    '-out',
    `${files.certPassword}.enc`,
    '-passout',
    'pass:parity-pem-password',
  ]);
  writeFileSync(files.certPassword, readFileSync(`${files.certPassword}.enc`, 'utf8') + pem.replace(key, ''));
  const fwd = await startForward(Number(new URL(sb.authorityHost).port));
  // The real Debian az: a config folder with the sandbox cloud, logged in (service principal) or not.
  const azDirs: World['azDirs'] = {};
  const wanted = new Set(scs.map((s) => TOOLS[s.tools as keyof typeof TOOLS] as { az?: string }).map((t) => t.az));
  const harnesses: AzHarness[] = [];
  for (const state of ['real-logged-in', 'real-logged-out'] as const) {
    if (!wanted.has(state)) continue;
    const setup = async () => {
      const h = AzHarness.create({ trustPems: [sb.caPem, proxy.caPem], proxyUrl: proxy.url });
      harnesses.push(h);
      await h.useSandboxCloud(sb.authorityHost);
      return h;
    };
    // Registering the cloud takes az seconds, but can pass its harness's 30 s limit while the other groups' runs hold
    // both cores: one more try, in a fresh configuration folder, before the group fails.
    const az = await setup().catch(setup);
    if (state === 'real-logged-in') {
      const r = await az.loginServicePrincipal({
        clientId: app.clientId,
        tenantId: sb.tenantId,
        secret: app.clientSecret,
      });
      if (r.exitCode !== 0) throw new Error(`real az login failed: ${r.stderr.slice(0, 500)}`);
    }
    azDirs[state] = az.configDir;
  }
  const world: World = { sb, proxy, scratch, bundle, files, unknownPort: fwd.port, azDirs };
  return {
    world,
    close: async () => {
      fwd.close();
      for (const h of harnesses) h.dispose();
      await proxy.close();
      await sb.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The environment a scenario's processes get, identical on every side. */
function environment(w: World, s: Scenario, runDir: string): Record<string, string> {
  const c = w.sb.contract;
  const app = c.apps[0]!;
  const publicApp = c.apps.find((a) => a.kind === 'public' && a.clientId.startsWith('c0ffee'))!;
  const wiApp = c.apps.find((a) => a.federatedCredentials?.length)!;
  const user = c.users[0]!;
  const port = new URL(w.sb.authorityHost).port;
  const bin = path.join(runDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const home = path.join(runDir, 'home');
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {
    PATH: bin,
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: runDir,
    NODE_EXTRA_CA_CERTS: w.bundle,
    REQUESTS_CA_BUNDLE: w.bundle,
    HTTPS_PROXY: w.proxy.url,
    HTTP_PROXY: w.proxy.url,
    NO_PROXY: '127.0.0.1,localhost,::1,169.254.169.254',
    AZURE_CONFIG_DIR: path.join(runDir, 'azure'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_AUTHORITY_HOST: {
      sandbox: w.sb.authorityHost,
      http: `http://127.0.0.1:${port}`,
      unknown: `https://127.0.0.1:${w.unknownPort}`,
    }[s.authority as string]!,
  };
  const sp = { AZURE_TENANT_ID: c.tenantId, AZURE_CLIENT_ID: app.clientId };
  const wi = (file: string) => ({
    AZURE_TENANT_ID: c.tenantId,
    AZURE_CLIENT_ID: wiApp.clientId,
    AZURE_FEDERATED_TOKEN_FILE: file,
  });
  const byEnv: Record<string, Record<string, string>> = {
    none: {},
    'partial-sp': sp,
    'secret-right': { ...sp, AZURE_CLIENT_SECRET: app.clientSecret! },
    'secret-wrong': { ...sp, AZURE_CLIENT_SECRET: 'wrong-secret-value' },
    'cert-good': { ...sp, AZURE_CLIENT_CERTIFICATE_PATH: w.files.certGood! },
    'cert-wrong': { ...sp, AZURE_CLIENT_CERTIFICATE_PATH: w.files.certWrong! },
    'cert-unreadable': { ...sp, AZURE_CLIENT_CERTIFICATE_PATH: w.files.certMissing! },
    'cert-password': {
      ...sp,
      AZURE_CLIENT_CERTIFICATE_PATH: w.files.certPassword!,
      AZURE_CLIENT_CERTIFICATE_PASSWORD: 'parity-pem-password',
    },
    'username-password': {
      AZURE_TENANT_ID: c.tenantId,
      AZURE_CLIENT_ID: publicApp.clientId,
      AZURE_USERNAME: user.username,
      AZURE_PASSWORD: user.password,
    },
    'wi-good': wi(w.files.wiGood!),
    'wi-missing-file': wi(w.files.wiMissing!),
    'wi-empty-file': wi(w.files.wiEmpty!),
    'wi-wrong-subject': wi(w.files.wiWrong!),
    'tenant-malformed': { ...sp, AZURE_TENANT_ID: 'not a tenant!', AZURE_CLIENT_SECRET: app.clientSecret! },
  };
  Object.assign(env, byEnv[s.env as string]);
  if (s.tokenCredentials !== undefined) env.AZURE_TOKEN_CREDENTIALS = s.tokenCredentials;
  const mi = c.managedIdentity;
  if (s.hosting === 'app-service')
    Object.assign(env, { IDENTITY_ENDPOINT: mi.appService.endpoint, IDENTITY_HEADER: mi.appService.header });
  if (s.hosting === 'cloud-shell') env.MSI_ENDPOINT = mi.cloudShell;
  if (s.requestTenant) env.PARITY_REQUEST_TENANT = c.tenants[1]!.id;
  if (s.allowedTenants !== undefined)
    env.AZURE_ADDITIONALLY_ALLOWED_TENANTS = s.allowedTenants === 'other' ? c.tenants[1]!.id : s.allowedTenants;
  // Developer tools on PATH: the real Debian az, or a fake whose state an environment variable picks.
  const tools = TOOLS[s.tools as keyof typeof TOOLS] as Record<string, string>;
  for (const [tool, state] of Object.entries(tools)) {
    if (state.startsWith('real-')) {
      symlinkSync('/usr/bin/az', path.join(bin, 'az'));
      cpSync(w.azDirs[state as 'real-logged-in']!, env.AZURE_CONFIG_DIR!, { recursive: true });
    } else {
      copyFileSync(path.join(root, 'test/fixtures/bin', tool), path.join(bin, tool));
      spawnSync('chmod', ['+x', path.join(bin, tool)]);
      env[`FAKE_${tool.toUpperCase()}_MODE`] = state;
      if (state === 'slow') env.FAKE_DELAY = '15';
    }
  }
  if (!tools.az) mkdirSync(env.AZURE_CONFIG_DIR!, { recursive: true });
  return env;
}

function scrub(r: { message?: string; attempts?: { message?: string }[] }): void {
  if (r.message !== undefined) r.message = redactText(String(r.message)).slice(0, 8000);
  for (const a of r.attempts ?? []) if (a.message) a.message = redactText(String(a.message));
}

function runSide(
  side: string,
  env: Record<string, string>,
): Promise<Record<string, unknown> & { verdict?: string; message?: string }> {
  let cmd = process.execPath;
  let args: string[];
  if (side.startsWith('engine:')) args = [path.join(here, 'engine-oracle.mjs'), side.slice(7)];
  else if (side === 'python') {
    cmd = '/usr/bin/python3';
    args = [path.join(here, 'py-oracle.py')];
  } else args = [path.join(here, 'sdk-oracle.mjs'), side];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, RUN_LIMIT_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      // Children a run left behind (a hanging fake az) die with it.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      const line = out.split('\n').find((l) => l.startsWith('PARITY-RESULT '));
      if (line) {
        const result = JSON.parse(line.slice('PARITY-RESULT '.length));
        // The Python oracle cannot load the product's one redaction module: its foreign text is scrubbed here.
        if (side === 'python') scrub(result);
        return resolve({ ...result, wallMs: Date.now() - t0 });
      }
      resolve({
        verdict: killed ? 'hang' : 'crash',
        message: `${killed ? `no answer within ${RUN_LIMIT_MS} ms` : `exit ${code}`}: ${err.slice(-1500)}`,
        attempts: [],
        wallMs: Date.now() - t0,
      });
    });
  });
}

async function main(): Promise<void> {
  assertLoopbackOnly('parity worker');
  sh('ip', ['link', 'set', 'lo', 'up']);
  // Silent IMDS is a black hole, as on a machine where nothing answers there: a route through `lo` to an address no
  // interface has, so every packet (the SYN included) is dropped and a connection neither opens nor is refused. (A
  // server that accepts and never answers is another state: Python's 1.13 probe then waits for its 300 s read limit.)
  if (group === 'silent') sh('ip', ['route', 'add', '169.254.169.254/32', 'dev', 'lo']);
  else sh('ip', ['addr', 'add', '169.254.169.254/32', 'dev', 'lo']);
  const scs = allScenarios().filter((s) => s.group === group && (!only || s.id.includes(only)));
  const { world, close } = await buildWorld(scs);
  const closeImds = await startImds(group, world.sb);
  const tasks: (() => Promise<void>)[] = [];
  let n = 0;
  for (const s of scs) {
    for (const side of sides) {
      if (side === 'python' && !s.python) continue;
      tasks.push(async () => {
        const runDir = path.join(world.scratch, `run-${n++}`);
        mkdirSync(runDir);
        let result = await runSide(side, environment(world, s, runDir));
        // A process that died without a result is the harness failing (starved, out of resources), not an answer:
        // one more try, and the report says so.
        if (result.verdict === 'crash')
          result = {
            ...(await runSide(side, environment(world, s, `${runDir}-again`))),
            retriedAfter: String(result.message).slice(0, 300),
          };
        rmSync(runDir, { recursive: true, force: true });
        process.stdout.write(`PARITY-RUN ${JSON.stringify({ scenario: s.id, side, result })}\n`);
      });
    }
  }
  // The lanes start 0.4 s apart: sides that all start at once load their SDKs together, and on two cores that can push
  // one side's 1 s IMDS probe past its limit — the SDK then says "not available" where, unloaded, it got the answer
  // (seen once for env=none imds=410 on js@4.10.2, where every side of the group runs at once). The groups whose
  // sides all run together wait 70 s for their retries anyway; the others lose at most a second or two.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async (_, lane) => {
      await new Promise((r) => setTimeout(r, lane * 400));
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
  closeImds();
  await close();
  process.stdout.write('PARITY-DONE\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`parity worker ${group}: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
