import { captureIo as captureIoShared } from '../cli-io';
/**
 * House rule 2, in the test process: every destination the engine, msal-node and the CLI connect to (or look up) is
 * loopback. A guard wraps net.Socket#connect, tls.connect, dns.lookup and dns.promises.lookup, records every
 * destination and, during these tests, refuses anything else before a packet or a DNS query leaves.
 *
 * The guard is installed for the WHOLE mocha run (root-level hooks of this file): it refuses for every test file, and
 * the final root hook fails the run if any test anywhere in this process tried to reach a non-loopback host.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { acquireToken, createEngine, SecretValue, type EngineOptions, type FlowRequest } from '../../../src/core/index';
import { main } from '../../../src/cli/main';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { NetGuard, isLoopbackHost, offLoopback } from './net-guard';

const FIXTURE_BIN = path.resolve(__dirname, '../../fixtures/bin');
const ALICE = 'alice@sandbox.onmicrosoft.com';

/**
 * One guard for the whole process, refusing from the first test to the last: on a machine where `unshare -n` is not
 * available (the suite then runs on the host network), an in-process attempt to leave loopback still sends nothing.
 */
const guard = new NetGuard();
before(() => {
  guard.install();
  guard.blocking = true;
});
after(() => {
  guard.restore();
  // Attempts made by every test file of the run (this file's own negative controls are set aside).
  const offenders = offLoopback(guard.destinations.filter((d) => !negativeControlHosts.has(d)));
  assert.deepEqual(
    offenders,
    [],
    `some test in this mocha run tried to reach a non-loopback host:\n${offenders.join('\n')}`,
  );
});
const negativeControlHosts = new Set<object>();

function fakeJwt(claims: Record<string, unknown>): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${b({ exp: 4070908800, ...claims })}.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2g`;
}

const captureIo = (env: NodeJS.ProcessEnv = {}) => captureIoShared({ env });

describe('security: loopback only (in-process network guard)', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let dir: string;
  let tokenFile: string;
  let opts: EngineOptions;
  let mark = 0;

  before(async () => {
    sb = await startSandbox();
    await sb.update((c) => {
      c.deviceCode = { expiresInSec: 900, intervalSec: 1 };
    });
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-loopback-'));
    tokenFile = path.join(dir, 'token');
    writeFileSync(
      tokenFile,
      await sb.issueFederatedToken({ subject: DEMO.workloadSubject, audience: 'api://AzureADTokenExchange' }),
    );
    opts = {
      authorityHost: sb.authorityHost,
      ca: sb.caPem,
      imdsEndpoint: sb.urls.imds,
      arcKeyDirectory: path.join(dir, 'arc'),
    };
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    mark = guard.mark();
    sb.clearRequests();
  });

  /** Every destination since the test began is loopback, and there was at least one (the guard saw the traffic). */
  function assertLoopbackOnly(what: string): void {
    const seen = guard.since(mark);
    assert.ok(
      seen.some((d) => d.via === 'socket.connect' && isLoopbackHost(d.host)),
      `${what}: the guard saw no connection at all`,
    );
    assert.deepEqual(offLoopback(seen), [], `${what}: non-loopback destinations`);
  }

  describe('the guard itself (negative controls: it sees and refuses real attempts)', () => {
    it('refuses https to login.microsoftonline.com, http to 169.254.169.254, and DNS for management.azure.com — before any packet', async () => {
      const failOf = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: NodeJS.ErrnoException) => e,
        );
      const e1 = await failOf(
        new Promise((resolve, reject) =>
          https.get('https://login.microsoftonline.com/common/discovery/instance', resolve).on('error', reject),
        ),
      );
      const e2 = await failOf(
        new Promise((resolve, reject) =>
          http.get('http://169.254.169.254/metadata/identity/oauth2/token', resolve).on('error', reject),
        ),
      );
      const e3 = await failOf(dns.promises.lookup('management.azure.com'));
      for (const e of [e1, e2, e3]) assert.match(String(e?.message), /loopback guard: refused/);
      const off = offLoopback(guard.since(mark));
      for (const d of guard.since(mark)) negativeControlHosts.add(d);
      assert.ok(
        off.some((d) => d.startsWith('login.microsoftonline.com')),
        off.join(', '),
      );
      assert.ok(
        off.some((d) => d.startsWith('169.254.169.254:80')),
        off.join(', '),
      );
      assert.ok(
        off.some((d) => d.startsWith('management.azure.com')),
        off.join(', '),
      );
      assert.ok(
        guard.since(mark).every((d) => isLoopbackHost(d.host) || d.blocked),
        'every non-loopback attempt was refused',
      );
    });

    it('treats only loopback as loopback', () => {
      for (const h of [
        '127.0.0.1',
        '127.1.2.3',
        '::1',
        '[::1]',
        'localhost',
        'LOCALHOST',
        'sandbox.localhost',
        '::ffff:127.0.0.1',
      ])
        assert.ok(isLoopbackHost(h), h);
      for (const h of [
        '169.254.169.254',
        '10.0.0.1',
        '0.0.0.0',
        'login.microsoftonline.com',
        'localhost.evil.example',
        '127.0.0.1.nip.io',
        '::ffff:10.0.0.1',
        '128.0.0.1',
      ])
        assert.ok(!isLoopbackHost(h), h);
    });
  });

  describe('engine flows against the sandbox', () => {
    const flows: [string, () => FlowRequest | Promise<FlowRequest>][] = [
      [
        'client secret',
        () => ({
          credential: 'secret',
          tenantId: sb.tenantId,
          clientId: DEMO.confidentialClientId,
          clientSecret: new SecretValue(DEMO.confidentialSecret),
        }),
      ],
      [
        'client secret with discovered endpoints',
        () => ({
          credential: 'secret',
          tenantId: sb.tenantId,
          clientId: DEMO.confidentialClientId,
          clientSecret: new SecretValue(DEMO.confidentialSecret),
          discoverAuthority: true,
        }),
      ],
      [
        'client certificate (PFX)',
        () => ({
          credential: 'cert',
          tenantId: sb.tenantId,
          clientId: DEMO.confidentialClientId,
          certificatePath: sb.contract.apps.find((a) => a.certificatePfxFile)!.certificatePfxFile,
          certificatePassword: new SecretValue(
            sb.contract.apps.find((a) => a.certificatePassword)!.certificatePassword!,
          ),
        }),
      ],
      [
        'client assertion',
        async () => ({
          credential: 'assertion',
          tenantId: sb.tenantId,
          clientId: DEMO.workloadClientId,
          assertion: new SecretValue(
            await sb.issueFederatedToken({ subject: DEMO.workloadSubject, audience: 'api://AzureADTokenExchange' }),
          ),
        }),
      ],
      [
        'username/password',
        () => ({
          credential: 'ropc',
          tenantId: sb.tenantId,
          clientId: DEMO.publicClientId,
          username: ALICE,
          password: new SecretValue(DEMO.password),
        }),
      ],
      [
        'username/password on organizations',
        () => ({
          credential: 'ropc',
          tenantId: 'organizations',
          clientId: DEMO.publicClientId,
          username: ALICE,
          password: new SecretValue(DEMO.password),
        }),
      ],
      [
        'device code',
        () => ({
          credential: 'device-code',
          tenantId: sb.tenantId,
          onDeviceCode: (i) => setTimeout(() => sb.approveDeviceCode(i.userCode, ALICE), 20),
        }),
      ],
      [
        'interactive browser',
        () => ({
          credential: 'interactive',
          tenantId: sb.tenantId,
          clientId: DEMO.publicClientId,
          openBrowser: async (url: string) => void sb.signIn(url, ALICE, DEMO.password),
        }),
      ],
    ];
    for (const [name, make] of flows) {
      it(`${name}: success, every destination loopback`, async () => {
        const run = await acquireToken(await make(), { env: {}, options: opts });
        assert.equal(run.result.outcome, 'success', run.result.message);
        assertLoopbackOnly(name);
        assert.equal(sb.requests.filter((r) => r.endpoint === 'instance-discovery').length, 0, 'no instance discovery');
      });
    }

    it('refresh token and on-behalf-of, with tokens from the sandbox', async () => {
      const dc = await acquireToken(
        {
          credential: 'ropc',
          tenantId: sb.tenantId,
          clientId: DEMO.publicClientId,
          username: ALICE,
          password: new SecretValue(DEMO.password),
          scope: `api://${DEMO.apiClientId}/.default`,
        },
        { env: {}, options: opts },
      );
      assert.ok(dc.accessToken);
      const obo = await acquireToken(
        {
          credential: 'obo',
          tenantId: sb.tenantId,
          clientId: DEMO.apiClientId,
          clientSecret: new SecretValue(DEMO.apiSecret),
          userAssertion: dc.accessToken,
          scope: 'https://graph.microsoft.com/.default',
        },
        { env: {}, options: opts },
      );
      assert.equal(obo.result.outcome, 'success', obo.result.message);
      const bad = await acquireToken(
        {
          credential: 'refresh-token',
          tenantId: sb.tenantId,
          clientId: DEMO.publicClientId,
          refreshToken: new SecretValue('not-a-refresh-token-of-this-sandbox'),
        },
        { env: {}, options: opts },
      );
      assert.equal(bad.result.outcome, 'failed');
      assertLoopbackOnly('refresh token / obo');
    });

    it('AZURE_AUTHORITY_HOST in the environment (no engine option) is honoured: still loopback only', async () => {
      const run = await acquireToken(
        { credential: 'EnvironmentCredential' },
        {
          env: {
            AZURE_AUTHORITY_HOST: sb.authorityHost,
            AZURE_TENANT_ID: sb.tenantId,
            AZURE_CLIENT_ID: DEMO.confidentialClientId,
            AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
          },
          options: { ca: sb.caPem },
        },
      );
      assert.equal(run.result.outcome, 'success', run.result.message);
      assertLoopbackOnly('environment');
    });

    it('managed identity from every hosting source the sandbox plays (IMDS, App Service, Cloud Shell, Service Fabric, Azure ML, Arc)', async () => {
      const mi = sb.contract.managedIdentity;
      const sources: [string, Record<string, string>][] = [
        ['IMDS', {}],
        ['App Service', { IDENTITY_ENDPOINT: mi.appService.endpoint, IDENTITY_HEADER: mi.appService.header }],
        ['Cloud Shell', { MSI_ENDPOINT: mi.cloudShell }],
        [
          'Service Fabric',
          {
            IDENTITY_ENDPOINT: mi.serviceFabric.endpoint,
            IDENTITY_HEADER: mi.serviceFabric.header,
            IDENTITY_SERVER_THUMBPRINT: '0'.repeat(40),
          },
        ],
        [
          'Azure ML',
          {
            MSI_ENDPOINT: mi.azureMl.endpoint,
            MSI_SECRET: mi.azureMl.secret,
            DEFAULT_IDENTITY_CLIENT_ID: DEMO.uamiOneClientId,
          },
        ],
        ['Arc', { IDENTITY_ENDPOINT: mi.arc.endpoint, IMDS_ENDPOINT: mi.arc.imdsEndpoint }],
      ];
      const outcomes: [string, string, string][] = [];
      for (const [name, env] of sources) {
        const m = guard.mark();
        const run = await acquireToken(
          { credential: 'ManagedIdentityCredential' },
          { env, options: { ...opts, arcKeyDirectory: mi.arc.keyDirectory } },
        );
        outcomes.push([name, run.result.outcome, run.result.message.split('\n')[0]]);
        assert.ok(
          guard.since(m).some((d) => d.via === 'socket.connect'),
          `${name}: a request was made`,
        );
        assert.deepEqual(offLoopback(guard.since(m)), [], `${name}: ${run.result.message}`);
      }
      assert.deepEqual(
        outcomes.map(([, o]) => o),
        sources.map(() => 'success'),
        JSON.stringify(outcomes),
      );
      assert.ok(sb.requests.length >= sources.length);
      assertLoopbackOnly('managed identity');
    });
  });

  describe('DefaultAzureCredential chains', () => {
    for (const profile of ['go', 'js', 'python', 'dotnet'] as const) {
      for (const mode of ['sequential', 'diagnose'] as const) {
        it(`${profile} ${mode}: environment, workload identity, IMDS, az/azd/pwsh stand-ins — loopback only`, async () => {
          const env = {
            PATH: FIXTURE_BIN,
            HOME: dir,
            FAKE_TOKEN: fakeJwt({ tid: sb.tenantId, upn: 'fake@sandbox.test' }),
            AZURE_TENANT_ID: sb.tenantId,
            AZURE_CLIENT_ID: DEMO.workloadClientId,
            AZURE_FEDERATED_TOKEN_FILE: tokenFile,
            AZURE_AUTHORITY_HOST: sb.authorityHost,
          };
          const run = await createEngine().runChain({ mode, profile }, { env, options: opts });
          assert.ok(
            run.winner,
            JSON.stringify(run.steps.map((s) => [s.credential, s.outcome, s.message.slice(0, 120)])),
          );
          assertLoopbackOnly(`${profile} ${mode}`);
        });
      }
    }

    it('an empty environment (nothing configured): the IMDS probe goes to the configured endpoint, not 169.254.169.254', async () => {
      const run = await createEngine().runChain(
        { mode: 'diagnose', profile: 'js' },
        { env: { PATH: '' }, options: opts },
      );
      assert.ok(run.steps.some((s) => s.credential === 'ManagedIdentityCredential'));
      assertLoopbackOnly('empty environment');
      assert.ok(
        sb.requests.some((r) => r.listener === 'imds'),
        'the sandbox IMDS was probed',
      );
    });
  });

  describe('azauth CLI', () => {
    it('chain, token and discover pointed at the sandbox talk only to loopback', async () => {
      const env = {
        PATH: '',
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: DEMO.confidentialClientId,
        AZURE_CLIENT_SECRET: DEMO.confidentialSecret,
        SP: DEMO.confidentialSecret,
      };
      const common = ['--authority-host', sb.authorityHost, '--ca', sb.caFile];
      for (const argv of [
        ['chain', ...common, '--imds-endpoint', sb.urls.imds, '--json'],
        ['chain', ...common, '--imds-endpoint', sb.urls.imds, '--mode', 'diagnose', '--verbose'],
        [
          'token',
          ...common,
          '--credential',
          'secret',
          '--tenant',
          sb.tenantId,
          '--client-id',
          DEMO.confidentialClientId,
          '--client-secret-env',
          'SP',
          '--json',
        ],
        [
          'token',
          ...common,
          '--credential',
          'secret',
          '--tenant',
          sb.tenantId,
          '--client-id',
          DEMO.confidentialClientId,
          '--client-secret-env',
          'SP',
          '--discover-authority',
        ],
        ['discover', ...common, '--tenant', sb.tenantId, '--json'],
      ]) {
        const io = captureIo(env);
        const code = await main(argv, io);
        assert.equal(code, 0, `${argv.slice(0, 2).join(' ')}: ${io.err()}${io.out()}`);
      }
      assertLoopbackOnly('cli');
    });
  });

  describe('msal-node itself (its own HTTP client, no engine network layer)', () => {
    before(() => {
      // msal-node's default client is fetch (undici), whose TLS options are out of reach: the guard adds the sandbox
      // CA to TLS connections to loopback that bring none, for these tests only.
      guard.loopbackCa = sb.caPem;
    });
    after(() => {
      guard.loopbackCa = undefined;
    });

    const hostPort = () => new URL(sb.authorityHost).host;
    const app = (auth: Record<string, unknown>) =>
      new ConfidentialClientApplication({
        auth: {
          clientId: DEMO.confidentialClientId,
          clientSecret: DEMO.confidentialSecret,
          authority: `${sb.authorityHost}/${sb.tenantId}`,
          ...auth,
        },
      });

    it('pinned with knownAuthorities + cloudDiscoveryMetadata + authorityMetadata: exactly one request, to the sandbox token endpoint', async () => {
      const oidc = await new Promise<string>((resolve, reject) =>
        https
          .get(sb.urls.openidConfiguration, { ca: sb.caPem }, (res) => {
            let t = '';
            res.on('data', (c) => (t += c));
            res.on('end', () => resolve(t));
          })
          .on('error', reject),
      );
      sb.clearRequests();
      mark = guard.mark();
      const cloudDiscoveryMetadata = JSON.stringify({
        tenant_discovery_endpoint: sb.urls.openidConfiguration,
        'api-version': '1.1',
        metadata: [{ preferred_network: hostPort(), preferred_cache: hostPort(), aliases: [hostPort()] }],
      });
      const r = await app({
        knownAuthorities: [hostPort()],
        cloudDiscoveryMetadata,
        authorityMetadata: oidc,
      }).acquireTokenByClientCredential({ scopes: ['https://management.azure.com/.default'] });
      assert.ok(r?.accessToken);
      assertLoopbackOnly('msal pinned');
      assert.deepEqual(
        sb.requests.map((q) => q.endpoint),
        ['token'],
      );
    });

    it('pinned with knownAuthorities only: msal reads the sandbox openid-configuration, never instance discovery anywhere', async () => {
      const r = await app({ knownAuthorities: [hostPort()] }).acquireTokenByClientCredential({
        scopes: ['https://management.azure.com/.default'],
      });
      assert.ok(r?.accessToken);
      assertLoopbackOnly('msal knownAuthorities');
      assert.ok(
        !guard.since(mark).some((d) => /microsoftonline|windows\.net|azure\.(com|us|cn)|chinacloudapi/.test(d.host)),
      );
      assert.equal(sb.requests.filter((q) => q.endpoint === 'instance-discovery').length, 0);
    });

    it('negative control: without knownAuthorities msal-node goes for login.microsoftonline.com instance discovery (refused here)', async () => {
      try {
        await app({}).acquireTokenByClientCredential({ scopes: ['https://management.azure.com/.default'] });
      } catch {
        /* refused by the guard: expected */
      }
      const off = guard.since(mark).filter((d) => !isLoopbackHost(d.host));
      for (const d of off) negativeControlHosts.add(d);
      assert.ok(
        off.some((d) => d.host === 'login.microsoftonline.com'),
        `msal tried: ${off.map((d) => d.host).join(', ') || 'nothing'}`,
      );
      assert.ok(
        off.every((d) => d.blocked),
        'and the guard refused it before any packet',
      );
    });
  });
});
