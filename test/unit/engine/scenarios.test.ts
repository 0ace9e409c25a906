/**
 * The scenario table: for each environment, which credential DefaultAzureCredential picks in sequential mode and
 * what every step did — as the chosen SDK profile does it — against the sandbox tenant over real loopback HTTP(S),
 * with fake az / azd / pwsh on PATH. Also asserts that no secret of any row reaches the memory, text or JSON sinks.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { createEngine } from '../../../src/core/engine';
import { MemorySink, JsonLinesSink, TextSink, fanOut } from '../../../src/core/trace/sinks';
import type { ChainProfile, StepOutcome } from '../../../src/core/model';
import type { EngineOptions } from '../../../src/core/options';
import { FIXTURE_BIN, tempDir } from './helpers';

type O = 'S' | 'U' | 'F' | 'K';
const OUTCOME: Record<O, StepOutcome> = { S: 'success', U: 'unavailable', F: 'failed', K: 'skipped' };

interface Row {
  name: string;
  profile?: ChainProfile;
  env: (ctx: Ctx) => Record<string, string>;
  options?: (ctx: Ctx) => EngineOptions;
  scope?: string;
  winner: string | null;
  /** One letter per chain member, in chain order: S success, U unavailable, F failed, K skipped. */
  steps: string;
  /** Chain members expected (default: the profile's full chain). */
  members?: string[];
  check?: (r: Awaited<ReturnType<ReturnType<typeof createEngine>['runChain']>>, ctx: Ctx) => void;
}

interface Ctx {
  sb: Sandbox;
  closedPort: string;
  tokenFile: string;
  secrets: string[];
}

const GO = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'AzureCLICredential',
  'AzureDeveloperCLICredential',
];
const NOTHING = '/nonexistent-bin';

const spEnv = (c: Ctx, secret = DEMO.confidentialSecret) => ({
  AZURE_TENANT_ID: c.sb.tenantId,
  AZURE_CLIENT_ID: DEMO.confidentialClientId,
  AZURE_CLIENT_SECRET: secret,
});
const mi = (c: Ctx) => c.sb.contract.managedIdentity;

const ROWS: Row[] = [
  { name: 'nothing configured', env: () => ({ PATH: NOTHING }), winner: null, steps: 'UUUUU' },
  {
    name: 'environment secret (right)',
    env: (c) => ({ PATH: FIXTURE_BIN, ...spEnv(c) }),
    winner: 'EnvironmentCredential',
    steps: 'SKKKK',
    check: (r) => assert.equal(r.token?.appId, DEMO.confidentialClientId),
  },
  {
    name: 'environment secret (wrong) blocks a logged-in az',
    env: (c) => ({ PATH: FIXTURE_BIN, ...spEnv(c, 'definitely-not-the-secret') }),
    winner: null,
    steps: 'FKKKK',
    check: (r) => {
      assert.ok(r.steps[0]!.errorCodes.includes(7000215), `codes ${r.steps[0]!.errorCodes}`);
      assert.match(r.steps[3]!.message, /stopped at EnvironmentCredential/);
    },
  },
  {
    name: 'partial environment (tenant + client id only) falls through to az',
    env: (c) => ({ PATH: FIXTURE_BIN, AZURE_TENANT_ID: c.sb.tenantId, AZURE_CLIENT_ID: DEMO.confidentialClientId }),
    winner: 'AzureCLICredential',
    steps: 'UUUSK',
    check: (r) => assert.match(r.steps[0]!.message, /incomplete|AZURE_CLIENT_SECRET|not set/i),
  },
  {
    name: 'environment certificate (PEM)',
    env: (c) => {
      const app = c.sb.contract.apps.find((a) => a.certificateFile)!;
      return {
        PATH: NOTHING,
        AZURE_TENANT_ID: c.sb.tenantId,
        AZURE_CLIENT_ID: app.clientId,
        AZURE_CLIENT_CERTIFICATE_PATH: app.certificateFile!,
      };
    },
    winner: 'EnvironmentCredential',
    steps: 'SKKKK',
  },
  {
    name: 'environment certificate without a private key (Go: unavailable, the chain moves on)',
    env: (c) => {
      const bad = path.join(path.dirname(c.tokenFile), 'bad.pem');
      writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
      return {
        PATH: FIXTURE_BIN,
        AZURE_TENANT_ID: c.sb.tenantId,
        AZURE_CLIENT_ID: DEMO.confidentialClientId,
        AZURE_CLIENT_CERTIFICATE_PATH: bad,
      };
    },
    winner: 'AzureCLICredential',
    steps: 'UUUSK',
    check: (r) => assert.match(r.steps[0]!.message, /private key/i),
  },
  {
    name: 'workload identity with its token file',
    env: (c) => ({
      PATH: NOTHING,
      AZURE_TENANT_ID: c.sb.tenantId,
      AZURE_CLIENT_ID: DEMO.workloadClientId,
      AZURE_FEDERATED_TOKEN_FILE: c.tokenFile,
    }),
    winner: 'WorkloadIdentityCredential',
    steps: 'USKKK',
  },
  {
    name: 'workload identity without its token file',
    env: (c) => ({
      PATH: FIXTURE_BIN,
      AZURE_TENANT_ID: c.sb.tenantId,
      AZURE_CLIENT_ID: DEMO.workloadClientId,
      AZURE_FEDERATED_TOKEN_FILE: path.join(path.dirname(c.tokenFile), 'missing-token'),
    }),
    winner: null,
    steps: 'UFKKK',
    check: (r) => assert.match(r.steps[1]!.message, /federated token file/),
  },
  {
    name: 'managed identity: IMDS (system-assigned)',
    env: () => ({ PATH: NOTHING }),
    options: (c) => ({ imdsEndpoint: mi(c).imds }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
  },
  {
    name: 'managed identity: user-assigned via AZURE_CLIENT_ID on IMDS',
    env: () => ({ PATH: NOTHING, AZURE_CLIENT_ID: DEMO.uamiOneClientId }),
    options: (c) => ({ imdsEndpoint: mi(c).imds }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
    check: (r) => assert.equal(r.token?.appId, DEMO.uamiOneClientId),
  },
  {
    name: 'managed identity: no such identity assigned (Go stops the chain)',
    env: () => ({ PATH: FIXTURE_BIN, AZURE_CLIENT_ID: '99999999-9999-4999-8999-999999999999' }),
    options: (c) => ({ imdsEndpoint: mi(c).imds }),
    winner: null,
    steps: 'UUFKK',
    check: (r) => assert.match(r.steps[2]!.message, /isn't assigned to this resource/),
  },
  {
    name: 'managed identity: no such identity assigned (JS moves on to az)',
    profile: 'js',
    env: () => ({ PATH: FIXTURE_BIN, AZURE_CLIENT_ID: '99999999-9999-4999-8999-999999999999' }),
    options: (c) => ({ imdsEndpoint: mi(c).imds }),
    winner: 'AzureCLICredential',
    steps: 'UUUUSKKK',
  },
  {
    name: 'managed identity: App Service',
    env: (c) => ({
      PATH: NOTHING,
      IDENTITY_ENDPOINT: mi(c).appService.endpoint,
      IDENTITY_HEADER: mi(c).appService.header,
    }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
  },
  {
    name: 'managed identity: Cloud Shell',
    env: (c) => ({ PATH: NOTHING, MSI_ENDPOINT: mi(c).cloudShell }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
  },
  {
    name: 'managed identity: Azure Arc (key-file challenge)',
    env: (c) => ({ PATH: NOTHING, IDENTITY_ENDPOINT: mi(c).arc.endpoint, IMDS_ENDPOINT: mi(c).arc.imdsEndpoint }),
    options: (c) => ({ arcKeyDirectory: mi(c).arc.keyDirectory }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
  },
  {
    name: 'managed identity: Service Fabric',
    env: (c) => ({
      PATH: NOTHING,
      IDENTITY_ENDPOINT: mi(c).serviceFabric.endpoint,
      IDENTITY_HEADER: mi(c).serviceFabric.header,
      IDENTITY_SERVER_THUMBPRINT: 'AABBCC',
    }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
  },
  {
    name: 'managed identity: Azure Machine Learning',
    env: (c) => ({
      PATH: NOTHING,
      MSI_ENDPOINT: mi(c).azureMl.endpoint,
      MSI_SECRET: mi(c).azureMl.secret,
      DEFAULT_IDENTITY_CLIENT_ID: DEMO.uamiOneClientId,
    }),
    winner: 'ManagedIdentityCredential',
    steps: 'UUSKK',
  },
  { name: 'az logged in', env: () => ({ PATH: FIXTURE_BIN }), winner: 'AzureCLICredential', steps: 'UUUSK' },
  {
    name: 'az not logged in, azd logged in',
    env: () => ({ PATH: FIXTURE_BIN, FAKE_AZ_MODE: 'not-logged-in' }),
    winner: 'AzureDeveloperCLICredential',
    steps: 'UUUUS',
  },
  {
    name: 'az not installed, azd not logged in',
    env: () => {
      const dir = tempDir('only-azd-');
      writeFileSync(path.join(dir, 'azd'), `#!/bin/sh\nFAKE_AZD_MODE=not-logged-in exec ${FIXTURE_BIN}/azd "$@"\n`, {
        mode: 0o755,
      });
      return { PATH: dir };
    },
    winner: null,
    steps: 'UUUUU',
    check: (r) => {
      assert.match(r.steps[3]!.message, /Azure CLI not found on path/);
      assert.match(r.steps[4]!.message, /azd auth login/);
    },
  },
  {
    name: 'AZURE_TOKEN_CREDENTIALS=dev skips a working environment secret',
    env: (c) => ({ PATH: FIXTURE_BIN, AZURE_TOKEN_CREDENTIALS: 'dev', ...spEnv(c) }),
    members: ['AzureCLICredential', 'AzureDeveloperCLICredential'],
    winner: 'AzureCLICredential',
    steps: 'SK',
  },
  {
    name: 'AZURE_TOKEN_CREDENTIALS=prod ignores a logged-in az',
    env: () => ({ PATH: FIXTURE_BIN, AZURE_TOKEN_CREDENTIALS: 'prod' }),
    members: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'],
    winner: null,
    steps: 'UUU',
  },
  {
    name: 'AZURE_TOKEN_CREDENTIALS=one credential name (Go: case-insensitive)',
    env: () => ({ PATH: FIXTURE_BIN, AZURE_TOKEN_CREDENTIALS: 'azuredeveloperclicredential' }),
    members: ['AzureDeveloperCLICredential'],
    winner: 'AzureDeveloperCLICredential',
    steps: 'S',
  },
  {
    name: 'AZURE_TOKEN_CREDENTIALS="Dev" is rejected by Go (dev/prod are case-sensitive)',
    env: () => ({ PATH: FIXTURE_BIN, AZURE_TOKEN_CREDENTIALS: 'Dev' }),
    members: [],
    winner: null,
    steps: '',
    check: (r) => assert.equal(r.error?.kind, 'config'),
  },
  {
    name: 'AZURE_TOKEN_CREDENTIALS=" Dev " is accepted by Python (trimmed, lower-cased)',
    profile: 'python',
    env: () => ({ PATH: FIXTURE_BIN, AZURE_TOKEN_CREDENTIALS: ' Dev ' }),
    members: [
      'VisualStudioCodeCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
    ],
    winner: 'AzureCLICredential',
    steps: 'USKK',
  },
  {
    name: 'hostile scope: developer tools refuse it before spawning, nothing wins',
    scope: "https://management.azure.com/.default' ; touch /tmp/azauth-pwned #",
    env: () => ({ PATH: FIXTURE_BIN }),
    winner: null,
    steps: 'UUUUU',
    check: (r) => {
      assert.equal(r.steps[3]!.message, 'Invalid scope was specified by the user or calling client');
      assert.ok(!r.steps[3]!.events.some((e) => e.kind === 'process'));
    },
  },
  {
    name: 'JavaScript order: az wins before azd, PowerShell never asked',
    profile: 'js',
    env: () => ({ PATH: FIXTURE_BIN }),
    winner: 'AzureCLICredential',
    steps: 'UUUUSKKK',
  },
];

describe('engine: scenario table (sequential mode against the sandbox)', function () {
  this.timeout(60_000);
  const ctx = {} as Ctx;
  before(async () => {
    ctx.sb = await startSandbox();
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    ctx.closedPort = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    await new Promise<void>((r) => srv.close(() => r()));
    const dir = tempDir('wi-');
    ctx.tokenFile = path.join(dir, 'azure-identity-token');
    writeFileSync(
      ctx.tokenFile,
      await ctx.sb.issueFederatedToken({ subject: DEMO.workloadSubject, audience: 'api://AzureADTokenExchange' }),
    );
    ctx.secrets = [
      DEMO.confidentialSecret,
      'definitely-not-the-secret',
      ctx.sb.contract.managedIdentity.appService.header,
      ctx.sb.contract.managedIdentity.serviceFabric.header,
      ctx.sb.contract.managedIdentity.azureMl.secret,
    ];
  });
  after(async () => {
    await ctx.sb?.close();
  });

  it(`has at least 15 environments (${ROWS.length})`, () => assert.ok(ROWS.length >= 15));

  for (const row of ROWS) {
    it(`${row.profile ?? 'go'}: ${row.name} → ${row.winner ?? 'no token'}`, async () => {
      const mem = new MemorySink();
      const text: string[] = [];
      const json: string[] = [];
      const env: Record<string, string> = { FAKE_TOKEN: 'fake-dev-tool-token-value', ...row.env(ctx) };
      const options: EngineOptions = {
        authorityHost: ctx.sb.authorityHost,
        ca: ctx.sb.caPem,
        imdsEndpoint: ctx.closedPort,
        processTimeoutMs: 5000,
        stepTimeoutMs: 20_000,
        ...row.options?.(ctx),
      };
      const r = await createEngine().runChain(
        { profile: row.profile ?? 'go', scope: row.scope },
        { env, options, sink: fanOut(mem, new TextSink((l) => text.push(l)), new JsonLinesSink((l) => json.push(l))) },
      );
      const detail = r.steps.map((s) => `${s.credential}: ${s.outcome} — ${s.message.split('\n')[0]}`).join('\n');
      if (row.members)
        assert.deepEqual(
          r.steps.map((s) => s.credential),
          row.members,
        );
      else if ((row.profile ?? 'go') === 'go')
        assert.deepEqual(
          r.steps.map((s) => s.credential),
          GO,
        );
      assert.equal(r.winner, row.winner, detail);
      if (row.steps !== '*')
        assert.deepEqual(
          r.steps.map((s) => s.outcome),
          [...row.steps].map((c) => OUTCOME[c as O]),
          detail,
        );
      if (r.winner) {
        assert.ok(r.token, 'token summary');
        assert.ok(r.accessToken, 'the token itself, not enumerable');
        assert.ok(!Object.keys(r).includes('accessToken'));
      } else {
        assert.ok(r.error, 'an error says why');
      }
      row.check?.(r, ctx);
      const all = [text.join('\n'), json.join('\n'), JSON.stringify(mem.events), JSON.stringify(r)];
      const forbidden = [...ctx.secrets, 'fake-dev-tool-token-value'];
      if (r.accessToken) forbidden.push(r.accessToken.reveal());
      if (env.AZURE_FEDERATED_TOKEN_FILE === ctx.tokenFile)
        forbidden.push((await import('node:fs')).readFileSync(ctx.tokenFile, 'utf8').trim());
      for (const out of all)
        for (const s of forbidden) assert.ok(!out.includes(s), `a secret (${s.slice(0, 8)}…) reached a sink`);
    });
  }

  it('diagnose mode: same verdict as sequential, every step run, earlier ones explained', async () => {
    const env = { PATH: FIXTURE_BIN, FAKE_AZ_MODE: 'slow', FAKE_DELAY: '0.3' };
    const options = {
      authorityHost: ctx.sb.authorityHost,
      ca: ctx.sb.caPem,
      imdsEndpoint: ctx.sb.contract.managedIdentity.imds,
    };
    const seq = await createEngine().runChain({ mode: 'sequential' }, { env, options });
    const diag = await createEngine().runChain({ mode: 'diagnose' }, { env, options });
    assert.equal(seq.winner, 'ManagedIdentityCredential');
    assert.equal(diag.winner, seq.winner);
    assert.deepEqual(
      diag.steps.map((s) => s.outcome),
      ['unavailable', 'unavailable', 'success', 'success', 'success'],
    );
    assert.match(diag.steps[0]!.note!, /did not win: unavailable/);
    assert.match(diag.steps[3]!.note!, /would not try this: ManagedIdentityCredential succeeds first/);
  });

  it('cache: a second identical run is served from the cache; concurrent identical runs share one request', async () => {
    const engine = createEngine();
    const env = { PATH: NOTHING };
    const options = { imdsEndpoint: ctx.sb.contract.managedIdentity.imds };
    ctx.sb.clearRequests();
    const [a, b] = await Promise.all([engine.runChain({}, { env, options }), engine.runChain({}, { env, options })]);
    assert.equal(a.winner, 'ManagedIdentityCredential');
    assert.equal(b.winner, 'ManagedIdentityCredential');
    const tokenRequests = () =>
      ctx.sb.requests.filter((q) => q.listener === 'imds' && q.query.resource !== undefined).length;
    assert.equal(tokenRequests(), 1, 'one network call for two concurrent identical requests');
    const c = await engine.runChain({}, { env, options });
    assert.equal(c.token?.fromCache, true);
    assert.equal(tokenRequests(), 1);
    const d = await engine.runChain({ forceRefresh: true }, { env, options });
    assert.equal(d.token?.fromCache, false);
    assert.equal(tokenRequests(), 2);
    const e = await engine.runChain({}, { env: { ...env, AZURE_CLIENT_ID: DEMO.uamiOneClientId }, options });
    assert.equal(e.token?.fromCache, false, 'a different identity is never served from the cache');
  });

  it('HTTPS_PROXY: the token request goes through a CONNECT tunnel and every http event names the proxy', async () => {
    const seen: string[] = [];
    const proxy = net.createServer((client) => {
      client.once('data', (head) => {
        const line = head.toString('latin1').split('\r\n')[0]!;
        seen.push(line);
        const m = /^CONNECT ([^:]+):(\d+) /.exec(line);
        if (!m) return client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        const up = net.connect(Number(m[2]), m[1]!, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          up.pipe(client);
          client.pipe(up);
        });
        up.on('error', () => client.destroy());
        client.on('error', () => up.destroy());
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const env = { PATH: NOTHING, HTTPS_PROXY: proxyUrl, ...spEnv(ctx) };
      const r = await createEngine().runChain(
        { credentials: ['EnvironmentCredential'] },
        { env, options: { authorityHost: ctx.sb.authorityHost, ca: ctx.sb.caPem } },
      );
      assert.equal(r.winner, 'EnvironmentCredential', r.steps[0]!.message);
      assert.ok(
        seen.some((l) => l.startsWith(`CONNECT 127.0.0.1:${new URL(ctx.sb.authorityHost).port}`)),
        seen.join(' | '),
      );
      const http = r.steps[0]!.events.filter((e) => e.kind === 'http');
      assert.ok(http.length > 0);
      for (const e of http) assert.equal(e.kind === 'http' ? e.proxy : null, proxyUrl);
      const np = await createEngine().runChain(
        { credentials: ['EnvironmentCredential'] },
        { env: { ...env, NO_PROXY: '127.0.0.1' }, options: { authorityHost: ctx.sb.authorityHost, ca: ctx.sb.caPem } },
      );
      assert.equal(np.winner, 'EnvironmentCredential');
      for (const e of np.steps[0]!.events) if (e.kind === 'http') assert.equal(e.proxy, null);
    } finally {
      proxy.close();
    }
  });

  it('an aborted run ends every step promptly with "cancelled", never hangs', async () => {
    const ac = new AbortController();
    const p = createEngine().runChain(
      { mode: 'diagnose' },
      {
        env: { PATH: FIXTURE_BIN, FAKE_AZ_MODE: 'hang', FAKE_AZD_MODE: 'hang' },
        options: { imdsEndpoint: ctx.closedPort },
        signal: ac.signal,
      },
    );
    setTimeout(() => ac.abort(), 100);
    const r = await p;
    assert.equal(r.winner, null);
    assert.equal(
      r.steps[3]!.error?.kind === 'aborted' || /cancelled/.test(r.steps[3]!.message),
      true,
      r.steps[3]!.message,
    );
  });
});
