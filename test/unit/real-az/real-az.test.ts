import { readFileSync } from 'node:fs';
/**
 * The REAL Azure CLI (Debian's azure-cli, /usr/bin/az) logged in to the sandbox tenant, serving tokens to our
 * AzureCLICredential — not logged in, logged in as a service principal (secret and certificate) and as a user
 * (-u/-p), and logged out again. Run inside a network namespace with only loopback (see "How the tests drive the real Azure CLI" in README.md):
 *   unshare -n sh -c 'ip link set lo up && npx mocha "test/unit/real-az/**\/*.test.ts"'
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { createServer } from 'node:net';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { AZURE_CLI_CLIENT_ID, DEMO, type Sandbox } from '../../../src/sandbox/index';
import {
  createEngine,
  type ChainRun,
  type EngineOptions,
  type ProcessEvent,
  type TraceEvent,
} from '../../../src/core/index';
import {
  AZ_PATH,
  azMissingReason,
  jwtPayload,
  setupRealAz,
  type AzAccessToken,
  type AzHarness,
  type AzResult,
  type RealAzSetup,
} from './az-harness';

const ARM_SCOPE = 'https://management.azure.com/.default';
const UNKNOWN_RESOURCE = 'https://unknown-resource.sandbox.invalid';
const ALICE = 'alice@sandbox.onmicrosoft.com';

let setup: RealAzSetup;
let sb: Sandbox;
let az: AzHarness;
/** Set when the sandbox could not also listen on 127.0.0.1:443: every login test skips with this reason. */
let no443: string | undefined;
/** A loopback port nobody listens on: IMDS "is not there" without any packet leaving loopback. */
let closedPort: number;
let jwks: ReturnType<typeof createLocalJWKSet>;

function engineOptions(extra: EngineOptions = {}): EngineOptions {
  return {
    authorityHost: sb.authorityHost,
    ca: sb.caPem,
    imdsEndpoint: `http://127.0.0.1:${closedPort}`,
    imdsProbeTimeoutMs: 500,
    executables: { az: AZ_PATH },
    // az itself is the slow part on a loaded machine; no test here measures time, so give it room.
    processTimeoutMs: 30_000,
    stepTimeoutMs: 45_000,
    ...extra,
  };
}

/** AzureCLICredential on its own (standalone semantics), with a fresh engine so no cached token hides az. */
function cliCredential(
  request: { scope?: string; tenantId?: string; profile?: 'go' | 'js' } = {},
  options: EngineOptions = {},
) {
  return createEngine().runCredential(
    'AzureCLICredential',
    { scope: ARM_SCOPE, ...request },
    { env: az.env, options: engineOptions(options) },
  );
}

/** The Go SDK's DefaultAzureCredential with nothing configured but az: env is exactly az's environment. */
function chain(request: { scope?: string; tenantId?: string } = {}): Promise<ChainRun> {
  return createEngine().runChain({ scope: ARM_SCOPE, ...request }, { env: az.env, options: engineOptions() });
}

function processEvents(events: readonly TraceEvent[]): ProcessEvent[] {
  return events.filter((e): e is ProcessEvent => e.kind === 'process');
}

function step(run: ChainRun, name: string) {
  const s = run.steps.find((x) => x.credential === name);
  assert.ok(s, `no ${name} step in ${run.steps.map((x) => x.credential).join(', ')}`);
  return s;
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: sb.caPem }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(e as Error);
          }
        });
      })
      .on('error', reject);
  });
}

function freePortThenClose(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function assertOk(r: AzResult, what: string): void {
  assert.equal(r.exitCode, 0, `${what} failed (exit ${r.exitCode ?? r.signal}):\n${r.stderr}`);
}

/** The exact field set and types az 2.45 prints for get-access-token. */
function assertTokenShape(j: AzAccessToken, withSubscription: boolean): void {
  const expected = withSubscription
    ? ['accessToken', 'expiresOn', 'subscription', 'tenant', 'tokenType']
    : ['accessToken', 'expiresOn', 'tenant', 'tokenType'];
  assert.deepEqual(Object.keys(j).sort(), expected);
  for (const k of expected)
    assert.equal(typeof (j as unknown as Record<string, unknown>)[k], 'string', `${k} is not a string`);
  assert.equal(j.tokenType, 'Bearer');
  assert.match(
    j.expiresOn,
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/,
    'expiresOn is local time without offset in az 2.45',
  );
}

function notIsolatedReason(): string | undefined {
  if (process.platform !== 'linux') return 'the real az runs only inside a Linux network namespace with loopback only';
  // /proc/net/dev lists the interfaces of this process's network namespace (/sys/class/net shows the host's).
  const nics = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter((n) => n && n !== 'lo');
  return nics.length
    ? `not inside a loopback-only network namespace (interfaces: ${nics.join(', ')}); run npm test, or unshare -n as root`
    : undefined;
}

/** mocha's skip() takes no reason: print it where the skipped tests are listed, then skip. */
function skipWithReason(ctx: Mocha.Context, reason: string): never {
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

describe('real Azure CLI against the sandbox tenant', function () {
  this.timeout(60_000);

  before(async function () {
    const missing = azMissingReason();
    if (missing) skipWithReason(this, missing);
    // The real az is a third-party program: run it only where nothing can leave loopback (npm test isolates itself
    // with unshare -n; a developer running mocha on the host network gets a skip, never a packet off the machine).
    const isolation = notIsolatedReason();
    if (isolation) skipWithReason(this, isolation);
    setup = await setupRealAz();
    ({ sb, az, no443 } = setup);
    closedPort = await freePortThenClose();
    jwks = createLocalJWKSet(
      (await getJson(`${sb.authorityHost}/${sb.tenantId}/discovery/v2.0/keys`)) as JSONWebKeySet,
    );
  });

  after(async () => {
    await setup?.close();
  });

  it('selects the registered Sandbox cloud, with its endpoints on the sandbox', async () => {
    const cloud = await az.json<{ name: string; isActive: boolean; endpoints: Record<string, string> }>([
      'cloud',
      'show',
    ]);
    assert.equal(cloud.name, 'Sandbox');
    assert.equal(cloud.isActive, true);
    assert.equal(cloud.endpoints.activeDirectory, sb.authorityHost);
    assert.equal(cloud.endpoints.resourceManager, `${sb.authorityHost}/`);
  });

  describe('not logged in', () => {
    it('az itself says to run az login (exit 1)', async () => {
      const r = await az.getAccessToken();
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /Please run 'az login' to setup account\./);
      assert.equal(r.stdout.trim(), '');
    });

    it('AzureCLICredential in the chain is unavailable with az’s message; the trace shows the spawn', async () => {
      const run = await chain();
      assert.equal(run.winner, null);
      const s = step(run, 'AzureCLICredential');
      assert.equal(s.outcome, 'unavailable');
      assert.match(s.message, /Please run 'az login' to setup account/);
      const [p, ...more] = processEvents(s.events);
      assert.ok(p, 'no process event in the AzureCLICredential trace');
      assert.equal(more.length, 0);
      assert.equal(p.command, AZ_PATH);
      assert.deepEqual(p.args, [
        'account',
        'get-access-token',
        '--output',
        'json',
        '--resource',
        'https://management.azure.com',
      ]);
      assert.equal(p.resolvedPath, AZ_PATH);
      assert.equal(p.exitCode, 1);
      assert.equal(p.classification, 'not-logged-in');
      assert.match(p.stderr ?? '', /Please run 'az login'/);
      // Nothing else could answer: the chain's error lists az's reason.
      assert.match(run.error?.message ?? '', /AzureCLICredential: .*az login/);
    });

    it('standalone with the JS profile it is unavailable with @azure/identity’s wording', async () => {
      const r = await cliCredential({ profile: 'js' });
      assert.equal(r.result.outcome, 'unavailable');
      assert.match(r.result.message, /Please run 'az login' from a command prompt/);
      assert.equal(r.accessToken, undefined);
    });

    it('a hostile scope, tenant or subscription is refused before az is spawned', async () => {
      for (const [request, options] of [
        [{ scope: 'https://management.azure.com/.default; rm -rf /' }, {}],
        [{ scope: 'https://x/.default"$(id)"' }, {}],
        [{ tenantId: `${sb.tenantId} --debug` }, {}],
        [{}, { subscription: 'sub;id' }],
      ] as [{ scope?: string; tenantId?: string }, EngineOptions][]) {
        const r = await cliCredential(request, options);
        assert.notEqual(r.result.outcome, 'success', JSON.stringify(request));
        assert.equal(
          processEvents(r.result.events).length,
          0,
          `az was spawned for ${JSON.stringify({ request, options })}`,
        );
      }
    });
  });

  describe('logged in as a service principal with a client secret', () => {
    before(async function () {
      if (no443) skipWithReason(this, no443);
      const r = await az.loginServicePrincipal({
        clientId: DEMO.confidentialClientId,
        secret: DEMO.confidentialSecret,
        tenantId: sb.tenantId,
      });
      assertOk(r, 'az login --service-principal');
      // az lists subscriptions from the Resource Manager stand-in at login.
      const accounts = JSON.parse(r.stdout) as { id: string; tenantId: string; user: { name: string; type: string } }[];
      const sub = accounts.find((a) => a.id === DEMO.subscriptionId);
      assert.ok(sub, `login did not list the sandbox subscription: ${r.stdout}`);
      assert.equal(sub.tenantId, sb.tenantId);
      assert.deepEqual(sub.user, { name: DEMO.confidentialClientId, type: 'servicePrincipal' });
    });

    it('az account get-access-token prints {accessToken, expiresOn, subscription, tenant, tokenType} with a sandbox token', async () => {
      const r = await az.getAccessToken({ resource: 'https://management.azure.com/' });
      assertOk(r, 'get-access-token');
      const j = JSON.parse(r.stdout) as AzAccessToken;
      assertTokenShape(j, true);
      assert.equal(j.subscription, DEMO.subscriptionId);
      assert.equal(j.tenant, sb.tenantId);
      const { payload } = await jwtVerify(j.accessToken, jwks);
      assert.equal(payload.tid, sb.tenantId);
      assert.equal(payload.appid, DEMO.confidentialClientId);
    });

    it('AzureCLICredential returns that token: aud, tid and appid are the sandbox app’s', async () => {
      const r = await cliCredential();
      assert.equal(r.result.outcome, 'success', r.result.message);
      assert.ok(r.accessToken);
      const raw = r.accessToken.reveal();
      await jwtVerify(raw, jwks); // signed by the sandbox's key
      const claims = jwtPayload(raw);
      assert.equal(String(claims.aud).replace(/\/+$/, ''), 'https://management.azure.com');
      assert.equal(claims.tid, sb.tenantId);
      assert.equal(claims.appid, DEMO.confidentialClientId);
      assert.equal(r.result.token?.appId, DEMO.confidentialClientId);
      assert.equal(r.result.token?.tenantId, sb.tenantId);
      // expiresOn (local time, no offset) was read as local time: within the sandbox's token lifetime of exp.
      const exp = Number(claims.exp) * 1000;
      assert.ok(
        Math.abs((r.result.token?.expiresOnEpochMs ?? 0) - exp) <= 2000,
        `expiresOn ${r.result.token?.expiresOnEpochMs} vs exp ${exp}`,
      );
      // The trace never holds the token itself.
      assert.ok(!JSON.stringify(r.result).includes(raw), 'the raw token leaked into the step result');
    });

    it('runChain with nothing else configured (IMDS on a closed loopback port) picks AzureCLICredential', async () => {
      const run = await chain();
      assert.equal(
        run.winner,
        'AzureCLICredential',
        JSON.stringify(run.steps.map((s) => [s.credential, s.outcome, s.message])),
      );
      assert.equal(run.error, null);
      const before = run.steps.slice(
        0,
        run.steps.findIndex((s) => s.credential === 'AzureCLICredential'),
      );
      assert.deepEqual(
        before.map((s) => s.credential),
        ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'],
      );
      for (const s of before) assert.equal(s.outcome, 'unavailable', `${s.credential}: ${s.message}`);
      assert.equal(run.token?.appId, DEMO.confidentialClientId);
      assert.equal(run.token?.tenantId, sb.tenantId);
      assert.ok(run.accessToken);
      assert.equal(jwtPayload(run.accessToken.reveal()).appid, DEMO.confidentialClientId);
    });

    it('with a subscription option az gets --subscription and answers for it', async () => {
      const r = await cliCredential({}, { subscription: DEMO.subscriptionId });
      assert.equal(r.result.outcome, 'success', r.result.message);
      assert.deepEqual(processEvents(r.result.events)[0]?.args.slice(-2), ['--subscription', DEMO.subscriptionId]);
      assert.equal(jwtPayload(r.accessToken!.reveal()).tid, sb.tenantId);
    });

    describe('an AADSTS error behind "Please run: az login"', () => {
      let direct: AzResult;
      before(async () => {
        direct = await az.getAccessToken({ resource: UNKNOWN_RESOURCE });
      });

      it('az prints AADSTS500011 and then tells the user to run az login (exit 1)', () => {
        assert.equal(direct.exitCode, 1);
        assert.match(direct.stderr, /AADSTS500011/);
        assert.match(direct.stderr, /az login/);
        assert.ok(
          direct.stderr.indexOf('AADSTS500011') < direct.stderr.lastIndexOf('az login'),
          'the AADSTS text comes before "az login"',
        );
      });

      it('our credential reports AADSTS500011 as the cause, not "not logged in"', async () => {
        const r = await cliCredential({ scope: `${UNKNOWN_RESOURCE}/.default` });
        assert.equal(r.result.outcome, 'failed');
        assert.deepEqual(r.result.errorCodes, [500011]);
        assert.equal(r.result.error?.kind, 'aadsts');
        assert.match(r.result.message, /AADSTS500011/);
        assert.doesNotMatch(r.result.message, /^Please run 'az login'/);
        assert.equal(processEvents(r.result.events)[0]?.classification, 'aadsts');
      });

      it('inside the chain it stays unavailable (as in the SDKs) but keeps the AADSTS code and says so', async () => {
        const run = await chain({ scope: `${UNKNOWN_RESOURCE}/.default` });
        const s = step(run, 'AzureCLICredential');
        assert.equal(s.outcome, 'unavailable');
        assert.ok(s.errorCodes.includes(500011), `errorCodes ${JSON.stringify(s.errorCodes)}`);
        assert.match(s.message, /AADSTS500011/);
        assert.match(s.message, /@azure\/identity reports as not logged in/);
      });

      it('@azure/identity’s AzureCliCredential, on the same az, calls it "not logged in" (the cause is lost)', async () => {
        const { AzureCliCredential } = await import('@azure/identity');
        const saved = { ...process.env };
        Object.assign(process.env, az.env);
        try {
          await assert.rejects(new AzureCliCredential().getToken(`${UNKNOWN_RESOURCE}/.default`), (e: Error) => {
            assert.equal(e.name, 'CredentialUnavailableError');
            assert.match(e.message, /Please run 'az login'/);
            assert.doesNotMatch(e.message, /AADSTS/);
            return true;
          });
        } finally {
          for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
          Object.assign(process.env, saved);
        }
      });
    });

    it('a login with a wrong secret fails with AADSTS7000215 and leaves the previous login in place', async () => {
      const r = await az.loginServicePrincipal({
        clientId: DEMO.confidentialClientId,
        secret: 'not-the-secret',
        tenantId: sb.tenantId,
      });
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /AADSTS7000215/);
      assert.doesNotMatch(r.stderr, /not-the-secret/);
      const after = await cliCredential();
      assert.equal(after.result.outcome, 'success', after.result.message);
    });
  });

  describe('logged in as a service principal with a certificate', () => {
    before(async function () {
      if (no443) skipWithReason(this, no443);
      sb.clearRequests();
      const app = sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId);
      assert.ok(app?.certificateFile, 'the sandbox contract names no certificate file for the confidential app');
      const r = await az.loginServicePrincipal({
        clientId: DEMO.confidentialClientId,
        certificateFile: app.certificateFile,
        tenantId: sb.tenantId,
      });
      assertOk(r, 'az login --service-principal with a certificate');
    });

    it('az authenticated with a signed assertion (MSAL Python’s x5t), and AzureCLICredential gets the app’s token', async () => {
      const r = await cliCredential({ scope: 'https://vault.azure.net/.default' });
      assert.equal(r.result.outcome, 'success', r.result.message);
      const claims = jwtPayload(r.accessToken!.reveal());
      assert.equal(claims.appid, DEMO.confidentialClientId);
      assert.equal(claims.appidacr, '2', 'appidacr 2 = the client authenticated with a certificate');
      assert.equal(String(claims.aud).replace(/\/+$/, ''), 'https://vault.azure.net');
      const grant = sb.requests.find((q) => q.endpoint === 'token' && q.form?.grant_type === 'client_credentials');
      assert.ok(grant, 'az sent no client-credentials request to the sandbox');
      assert.equal(grant.form?.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      assert.equal(grant.form?.client_id, DEMO.confidentialClientId);
      assert.equal(grant.form?.client_secret, undefined);
      assert.equal(grant.status, 200);
    });
  });

  describe('logged in as a service principal with a federated token (workload identity)', () => {
    before(async function () {
      if (no443) skipWithReason(this, no443);
    });

    it('a token from a subject with no federated credential fails the login with AADSTS70021', async () => {
      const wrong = await sb.issueFederatedToken({
        subject: 'system:serviceaccount:default:someone-else',
        audience: 'api://AzureADTokenExchange',
      });
      const r = await az.loginFederated({
        clientId: DEMO.workloadClientId,
        tenantId: sb.tenantId,
        federatedToken: wrong,
      });
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /AADSTS70021/);
      assert.ok(!r.stderr.includes(wrong), 'az printed the assertion');
    });

    it('with the registered subject az logs in and AzureCLICredential gets the workload app’s token', async () => {
      const jwt = await sb.issueFederatedToken({
        subject: DEMO.workloadSubject,
        audience: 'api://AzureADTokenExchange',
      });
      const login = await az.loginFederated({
        clientId: DEMO.workloadClientId,
        tenantId: sb.tenantId,
        federatedToken: jwt,
      });
      assertOk(login, 'az login --federated-token');
      const r = await cliCredential();
      assert.equal(r.result.outcome, 'success', r.result.message);
      const claims = jwtPayload(r.accessToken!.reveal());
      assert.equal(claims.appid, DEMO.workloadClientId);
      assert.equal(claims.tid, sb.tenantId);
      assert.equal(claims.appidacr, '2', 'a client assertion counts as certificate-strength authentication');
    });
  });

  describe('logged in as a user with -u/-p', () => {
    before(async function () {
      if (no443) skipWithReason(this, no443);
      // Forget the service principals above, so Alice is the only account and `az logout` below leaves none.
      await az.ok(['account', 'clear']);
      sb.clearRequests();
      const r = await az.loginUser({ username: ALICE, password: DEMO.password });
      assertOk(r, 'az login -u -p');
      const accounts = JSON.parse(r.stdout) as { id: string; user: { name: string; type: string } }[];
      assert.ok(
        accounts.some((a) => a.id === DEMO.subscriptionId && a.user.name === ALICE && a.user.type === 'user'),
        r.stdout,
      );
    });

    it('the password login asked the user realm on 443, then ran ROPC with the Azure CLI client id', () => {
      const realm = sb.requests.find((q) => q.endpoint === 'userrealm');
      assert.ok(realm, 'no /common/userrealm request reached the sandbox');
      assert.equal(realm.headers.host, '127.0.0.1', 'MSAL Python asks the user realm on the default port (443)');
      assert.equal(realm.path, `/common/userrealm/${ALICE}`);
      const ropc = sb.requests.find((q) => q.endpoint === 'token' && q.form?.grant_type === 'password');
      assert.ok(ropc, 'no password grant reached the sandbox');
      assert.equal(ropc.form?.client_id, AZURE_CLI_CLIENT_ID);
      assert.equal(ropc.form?.username, ALICE);
      assert.notEqual(ropc.form?.password, DEMO.password, 'the recorded password must be redacted');
      assert.equal(ropc.status, 200);
      assert.ok(sb.requests.indexOf(realm) < sb.requests.indexOf(ropc));
    });

    it('AzureCLICredential with --tenant: az prints no subscription, the token is Alice’s, for the Azure CLI app', async () => {
      const direct = await az.getAccessToken({ tenantId: sb.tenantId });
      assertOk(direct, 'get-access-token --tenant');
      const j = JSON.parse(direct.stdout) as AzAccessToken;
      assertTokenShape(j, false);
      assert.equal(j.tenant, sb.tenantId);

      const r = await cliCredential({ tenantId: sb.tenantId });
      assert.equal(r.result.outcome, 'success', r.result.message);
      assert.deepEqual(processEvents(r.result.events)[0]?.args.slice(-2), ['--tenant', sb.tenantId]);
      const claims = jwtPayload(r.accessToken!.reveal());
      assert.equal(claims.upn, ALICE);
      assert.equal(claims.tid, sb.tenantId);
      assert.equal(claims.appid, AZURE_CLI_CLIENT_ID);
      assert.equal(r.result.token?.upn, ALICE);
      assert.equal(r.result.token?.identityType, 'user');
    });

    it('an MFA user’s password login fails with AADSTS50076 (the previous login stays)', async () => {
      const r = await az.loginUser({ username: 'mfa-bob@sandbox.onmicrosoft.com', password: DEMO.password });
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /AADSTS50076/);
      const still = await az.json<{ user: { name: string } }>(['account', 'show']);
      assert.equal(still.user.name, ALICE);
    });
  });

  describe('logged in as a user with the device code flow', () => {
    let login: AzResult & { userCode?: string };
    let shownUrl = '';
    before(async function () {
      if (no443) skipWithReason(this, no443);
      await sb.update((c) => {
        c.deviceCode.intervalSec = 1; // az polls at the interval the sandbox names; 1 s keeps the suite short
      });
      await az.ok(['account', 'clear']);
      login = await az.loginDeviceCode((userCode, url) => {
        shownUrl = url;
        sb.approveDeviceCode(userCode, ALICE);
      });
    });

    it('az shows the sandbox’s code, polls until the sandbox approves, and AzureCLICredential gets Alice’s token', async () => {
      assert.ok(login.userCode, `az printed no device-code message: ${login.stderr}`);
      assertOk(login, 'az login --use-device-code');
      assert.match(shownUrl, /^https:\/\/127\.0\.0\.1(:\d+)?\/devicelogin$/, 'the verification page is the sandbox’s');
      const polls = sb.requests.filter(
        (q) => q.endpoint === 'token' && q.form?.grant_type === 'urn:ietf:params:oauth:grant-type:device_code',
      );
      assert.ok(polls.length >= 1, 'az never redeemed the device code');
      assert.equal(polls.at(-1)?.status, 200);
      const r = await cliCredential();
      assert.equal(r.result.outcome, 'success', r.result.message);
      const claims = jwtPayload(r.accessToken!.reveal());
      assert.equal(claims.upn, ALICE);
      assert.equal(claims.appid, AZURE_CLI_CLIENT_ID);
    });
  });

  describe('after az logout', () => {
    before(async function () {
      if (no443) skipWithReason(this, no443); // nobody was logged in: "not logged in" above covers it
      // Alice is the only account (the device-code login cleared the others first): logging her out leaves none.
      const r = await az.logout();
      assertOk(r, 'az logout');
    });

    it('az says to run az login and AzureCLICredential reports not logged in', async () => {
      const direct = await az.getAccessToken();
      assert.equal(direct.exitCode, 1);
      assert.match(direct.stderr, /Please run 'az login' to setup account\./);

      const r = await cliCredential({ profile: 'js' });
      assert.equal(r.result.outcome, 'unavailable');
      assert.match(r.result.message, /Please run 'az login'/);
      assert.equal(processEvents(r.result.events)[0]?.classification, 'not-logged-in');

      const run = await chain();
      assert.equal(run.winner, null);
      assert.equal(step(run, 'AzureCLICredential').outcome, 'unavailable');
    });
  });

  // Last describe: mocha runs it after every login above.
  describe('the whole run', () => {
    it('az asked the public cloud for nothing but instance discovery (the proxy refused nothing)', function () {
      if (no443) skipWithReason(this, no443);
      assert.deepEqual(setup.proxy.refused(), []);
      const asked = setup.proxy.records.filter((r) => r.kind === 'request');
      assert.ok(asked.length >= 2, 'az never asked login.microsoftonline.com for instance discovery');
      for (const r of asked) {
        assert.equal(r.method, 'GET');
        assert.match(r.path ?? '', /^\/common\/discovery\/instance\?/);
        assert.equal(r.status, 200);
      }
    });
  });
});
