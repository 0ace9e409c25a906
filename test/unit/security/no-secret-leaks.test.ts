import { captureIo as captureIoShared } from '../cli-io';
/**
 * House rule 1, end to end: secrets never reach any output.
 *
 * Every credential and flow runs against the sandbox through the public engine API (acquireToken, runChain,
 * runCredential) and the CLI (main(argv, io)), with distinctive secret values. Every output is collected — MemorySink
 * events, TextSink lines (bodies and timestamps on), JsonLinesSink lines, the result JSON, util.inspect of the results
 * (showHidden), thrown error messages, and anything written to stdout / stderr / console meanwhile — and searched for
 * every secret value given to the engine plus every secret value that crossed the wire (read on the sandbox's side:
 * issued access / refresh / id tokens, device codes, authorization codes, PKCE verifiers, assertions).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import {
  acquireToken,
  createEngine,
  fanOut,
  JsonLinesSink,
  MemorySink,
  runChain,
  runCredential,
  SecretValue,
  TextSink,
  type EngineOptions,
  type FlowRequest,
} from '../../../src/core/index';
import { main } from '../../../src/cli/main';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { makeCertificate, rawTokenRequest } from '../flows/helpers';
import { assertNoLeak, captureProcessOutput, installWireCapture, type WireCapture } from './capture';

const tag = randomBytes(6).toString('hex');
/** Distinctive values: nothing else in the product could print them by chance. */
const S = {
  clientSecret: `LEAK-client-secret-${tag}-Zq9`,
  wrongSecret: `LEAK-wrong-secret-${tag}-Wx1`,
  apiSecret: `LEAK-obo-api-secret-${tag}-Kp3`,
  pfxPassword: `LEAK-pfx-password-${tag}-Tt7`,
  wrongPfxPassword: `LEAK-wrong-pfx-pw-${tag}-Yy2`,
  pemPassword: `LEAK-pem-password-${tag}-Rr5`,
  userPassword: `LEAK-user-Passw0rd-${tag}!`,
  wrongUserPassword: `LEAK-wrong-Passw0rd-${tag}!`,
  identityHeader: `LEAK-identity-header-${tag}-Hh4`,
  garbageAssertion: `LEAK-garbage-assertion-${tag}-Gg6`,
  /** Characters that change spelling in JSON, URLs and forms: the leak check looks for every spelling. */
  oddSecret: `LEAK "q" \\b&c=d+e%f ü~${tag}`,
  oddPassword: `LEAK-pw "x" \\y&z=1+2%3 é${tag}`,
};
const LEAK_APP = 'feedface-0000-4000-8000-00000000beef';
const LEAK_USER = `leak-user-${tag}@sandbox.onmicrosoft.com`;
const WI_SUBJECT = `system:serviceaccount:leaks:sa-${tag}`;

/** Every sink the product has, fanned out, plus what each would print. */
function allSinks() {
  const memory = new MemorySink();
  const text: string[] = [];
  const textNoBodies: string[] = [];
  const jsonl: string[] = [];
  const sink = fanOut(
    memory,
    new TextSink((l) => text.push(l), { timestamps: true, bodies: true }),
    new TextSink((l) => textNoBodies.push(l)),
    new JsonLinesSink((l) => jsonl.push(l)),
  );
  return {
    sink,
    outputs: (): Record<string, string> => ({
      'MemorySink events': JSON.stringify(memory.events),
      'MemorySink inspect': inspect(memory.events, { depth: Infinity, showHidden: true }),
      'TextSink (bodies)': text.join('\n'),
      'TextSink (default)': textNoBodies.join('\n'),
      JsonLinesSink: jsonl.join('\n'),
    }),
    events: memory.events,
  };
}

function resultOutputs(prefix: string, value: unknown): Record<string, string> {
  return {
    [`${prefix} JSON`]: JSON.stringify(value),
    [`${prefix} inspect`]: inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    [`${prefix} String`]: String(value),
  };
}

const captureIo = (env: NodeJS.ProcessEnv = {}) => captureIoShared({ env });
const tick = () => new Promise((r) => setImmediate(r));

describe('security: no secret reaches any output (engine API and CLI, against the sandbox)', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let wire: WireCapture;
  let dir: string;
  let cert: ReturnType<typeof makeCertificate>;
  let files: { pem: string; encPem: string; pfx: string; tokenFile: string; assertionFile: string; pathDir: string };
  let federated: string;
  let clientAssertion: string;
  /** Everything that must never be printed, accumulated over the file (values given to the engine + wire secrets). */
  const forbidden = new Map<string, string>();
  let opts: EngineOptions;

  function forbid(label: string, value: string | undefined): void {
    if (value) forbidden.set(label, value);
  }
  function allForbidden(except: string[] = [], everything = true): Map<string, string> {
    const m = new Map(forbidden);
    for (const [k, v] of everything ? wire.all : wire.seen) m.set(`wire ${k}`, v);
    for (const e of except) for (const [k, v] of m) if (v === e) m.delete(k);
    return m;
  }

  /** The leak-test user's tokens for SCOPE, from a raw password grant (a refresh token, an OBO user assertion). */
  async function userTokens(scope: string): Promise<Record<string, unknown>> {
    const form = {
      grant_type: 'password',
      client_id: DEMO.publicClientId,
      username: LEAK_USER,
      password: S.userPassword,
    };
    return (await rawTokenRequest(sb, { ...form, scope })).body;
  }
  /** Every secret variable a chain member reads, set at once (and an empty PATH: no real developer tool runs). */
  const chainEnv = () => ({
    AZURE_TENANT_ID: sb.tenantId,
    AZURE_CLIENT_ID: LEAK_APP,
    AZURE_AUTHORITY_HOST: sb.authorityHost,
    AZURE_CLIENT_SECRET: S.clientSecret,
    AZURE_FEDERATED_TOKEN_FILE: files.tokenFile,
    AZURE_CLIENT_CERTIFICATE_PASSWORD: S.pfxPassword,
    AZURE_PASSWORD: S.userPassword,
    IDENTITY_HEADER: S.identityHeader,
    PATH: files.pathDir,
  });

  before(async () => {
    wire = installWireCapture();
    cert = makeCertificate(`leak-test-${tag}`, S.pfxPassword, S.pemPassword);
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-leaks-'));
    files = {
      pem: path.join(dir, 'sp.pem'),
      encPem: path.join(dir, 'sp-enc.pem'),
      pfx: path.join(dir, 'sp.pfx'),
      tokenFile: path.join(dir, 'federated-token'),
      assertionFile: path.join(dir, 'assertion.jwt'),
      pathDir: path.join(dir, 'empty-path'),
    };
    writeFileSync(files.pem, cert.keyPem + cert.certPem);
    writeFileSync(files.encPem, cert.encKeyPem + cert.certPem);
    writeFileSync(files.pfx, cert.pfx);
    sb = await startSandbox();
    await sb.update((c) => {
      c.apps.push({
        clientId: LEAK_APP,
        displayName: 'Leak test app',
        kind: 'confidential',
        secrets: [{ value: S.clientSecret }, { value: S.oddSecret }],
        certificates: [{ pem: cert.certPem }],
        federatedCredentials: [
          {
            name: 'leaks',
            issuer: '{authorityHost}/external/default',
            subject: WI_SUBJECT,
            audiences: ['api://AzureADTokenExchange'],
          },
        ],
        redirectUris: ['http://localhost'],
        roles: ['Sandbox.Read.All'],
      });
      c.users.push({
        username: LEAK_USER,
        password: S.userPassword,
        displayName: 'Leak User',
        objectId: 'feedface-1111-4000-8000-00000000beef',
      });
      c.users.push({
        username: `odd-${LEAK_USER}`,
        password: S.oddPassword,
        displayName: 'Odd Password User',
        objectId: 'feedface-2222-4000-8000-00000000beef',
      });
      const api = c.apps.find((a) => a.clientId === DEMO.apiClientId)!;
      api.secrets = [{ value: S.apiSecret }];
      c.managedIdentity.appService.identityHeader = S.identityHeader;
      c.deviceCode = { expiresInSec: 900, intervalSec: 1 };
    });
    federated = await sb.issueFederatedToken({ subject: WI_SUBJECT, audience: 'api://AzureADTokenExchange' });
    clientAssertion = await sb.issueFederatedToken({
      subject: WI_SUBJECT,
      audience: 'api://AzureADTokenExchange',
      claims: { jti: randomUUID() },
    });
    writeFileSync(files.tokenFile, `${federated}\n`);
    writeFileSync(files.assertionFile, clientAssertion);
    opts = { authorityHost: sb.authorityHost, ca: sb.caPem, imdsEndpoint: sb.urls.imds };
    for (const [k, v] of Object.entries(S)) forbid(k, v);
    forbid('certificate private key', cert.keyPem);
    forbid('certificate encrypted private key', cert.encKeyPem);
    forbid('pfx bytes (base64)', cert.pfx.toString('base64'));
    forbid('federated token', federated);
    forbid('client assertion', clientAssertion);
    forbid('sandbox service-fabric secret', sb.contract.managedIdentity.serviceFabric.header);
  });
  after(async () => {
    wire?.restore();
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one explicit flow with every sink attached and checks every output. Returns the run. */
  async function flow(
    name: string,
    request: FlowRequest,
    env: Record<string, string | undefined> = {},
    expect: 'success' | 'failed' | 'unavailable' = 'success',
  ) {
    const sinks = allSinks();
    let thrown = '';
    const { value: run, output } = await captureProcessOutput(async () => {
      try {
        return await acquireToken(request, { sink: sinks.sink, env, options: opts });
      } catch (e) {
        thrown = `${(e as Error).message}\n${(e as Error).stack ?? ''}\n${inspect(e, { depth: Infinity, showHidden: true })}`;
        return undefined;
      }
    });
    assert.equal(thrown, '', `${name}: acquireToken threw`);
    assert.ok(run);
    assert.equal(run.result.outcome, expect, `${name}: ${run.result.message}`);
    assert.ok(sinks.events.length > 0, `${name}: the sinks saw events`);
    if (expect === 'success') {
      assert.ok(run.accessToken, `${name}: token`);
      forbid(`${name} access token (reveal)`, run.accessToken.reveal());
    }
    assertNoLeak(
      {
        ...sinks.outputs(),
        ...resultOutputs('FlowRun', run),
        ...resultOutputs('StepResult', run.result),
        'process output': output,
      },
      allForbidden(),
    );
    return run;
  }
  /** A flow that must fail (wrong secret, garbage assertion, …), checked the same way: nothing it saw is printed. */
  const failingFlow = (name: string, request: FlowRequest, env: Record<string, string | undefined> = {}) =>
    flow(name, request, env, 'failed');

  describe('acquireToken: every explicit flow', () => {
    it('ClientSecretCredential: right and wrong secret; with --discover-authority', async () => {
      await flow('secret', {
        credential: 'ClientSecretCredential',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        clientSecret: new SecretValue(S.clientSecret),
      });
      await flow('secret (discover)', {
        credential: 'secret',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        clientSecret: new SecretValue(S.clientSecret),
        discoverAuthority: true,
        forceRefresh: true,
      });
      const bad = await failingFlow('wrong secret', {
        credential: 'secret',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        clientSecret: new SecretValue(S.wrongSecret),
      });
      assert.deepEqual(bad.result.errorCodes, [7000215]);
    });

    it('ClientCertificateCredential: PEM, encrypted PEM, PFX + password, wrong PFX password, with the chain', async () => {
      await flow('cert pem', {
        credential: 'ClientCertificateCredential',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        certificatePath: files.pem,
        sendCertificateChain: true,
      });
      await flow('cert encrypted pem', {
        credential: 'cert',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        certificatePath: files.encPem,
        certificatePassword: new SecretValue(S.pemPassword),
        forceRefresh: true,
      });
      await flow('cert pfx', {
        credential: 'cert',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        certificatePath: files.pfx,
        certificatePassword: new SecretValue(S.pfxPassword),
        forceRefresh: true,
      });
      await failingFlow('cert pfx wrong password', {
        credential: 'cert',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        certificatePath: files.pfx,
        certificatePassword: new SecretValue(S.wrongPfxPassword),
      });
    });

    it('ClientAssertionCredential: a federated assertion, then a garbage one', async () => {
      await flow('assertion', {
        credential: 'ClientAssertionCredential',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        assertion: new SecretValue(clientAssertion),
      });
      await failingFlow('garbage assertion', {
        credential: 'assertion',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        assertion: new SecretValue(S.garbageAssertion),
      });
    });

    it('secrets with quotes, backslashes, &, =, +, % and non-ASCII: right and wrong, every spelling checked', async () => {
      await flow('odd secret', {
        credential: 'secret',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        clientSecret: new SecretValue(S.oddSecret),
        forceRefresh: true,
      });
      await failingFlow('odd secret wrong', {
        credential: 'secret',
        tenantId: sb.tenantId,
        clientId: LEAK_APP,
        clientSecret: new SecretValue(`${S.oddSecret}-nope`),
      });
      await flow('odd password', {
        credential: 'ropc',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: `odd-${LEAK_USER}`,
        password: new SecretValue(S.oddPassword),
      });
      await failingFlow('odd password wrong', {
        credential: 'ropc',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: `odd-${LEAK_USER}`,
        password: new SecretValue(`x${S.oddPassword}`),
      });
      await flow(
        'odd env secret',
        { credential: 'environment' },
        {
          AZURE_TENANT_ID: sb.tenantId,
          AZURE_CLIENT_ID: LEAK_APP,
          AZURE_AUTHORITY_HOST: sb.authorityHost,
          AZURE_CLIENT_SECRET: `${S.oddSecret}-nope`,
        },
        'failed',
      );
    });

    it('UsernamePasswordCredential: right and wrong password', async () => {
      await flow('ropc', {
        credential: 'UsernamePasswordCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: LEAK_USER,
        password: new SecretValue(S.userPassword),
      });
      await failingFlow('ropc wrong', {
        credential: 'ropc',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: LEAK_USER,
        password: new SecretValue(S.wrongUserPassword),
      });
    });

    it('RefreshTokenCredential and OnBehalfOfCredential with tokens the sandbox issued', async () => {
      const withRt = await userTokens('https://graph.microsoft.com/.default offline_access');
      const rt = String(withRt.refresh_token ?? '');
      assert.ok(rt.length > 8, 'the sandbox issued a refresh token');
      forbid('refresh token given to RefreshTokenCredential', rt);
      await flow('refresh token', {
        credential: 'RefreshTokenCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        refreshToken: new SecretValue(rt),
        scope: 'https://graph.microsoft.com/.default',
      });
      const user = await userTokens(`api://${DEMO.apiClientId}/.default`);
      const userToken = String(user.access_token ?? '');
      assert.ok(userToken.startsWith('eyJ'), JSON.stringify(Object.keys(user)));
      forbid('OBO user assertion', userToken);
      await flow('obo', {
        credential: 'OnBehalfOfCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.apiClientId,
        clientSecret: new SecretValue(S.apiSecret),
        userAssertion: new SecretValue(userToken),
        scope: 'https://graph.microsoft.com/.default',
      });
      await failingFlow('obo garbage user assertion', {
        credential: 'obo',
        tenantId: sb.tenantId,
        clientId: DEMO.apiClientId,
        clientSecret: new SecretValue(S.apiSecret),
        userAssertion: new SecretValue(S.garbageAssertion),
      });
    });

    it('DeviceCodeCredential and InteractiveBrowserCredential (device code, auth code, PKCE verifier, issued refresh tokens)', async () => {
      await flow('device code', {
        credential: 'DeviceCodeCredential',
        tenantId: sb.tenantId,
        onDeviceCode: (info) => setTimeout(() => sb.approveDeviceCode(info.userCode, LEAK_USER), 20),
      });
      let signIn: Promise<unknown> | undefined;
      await flow('interactive', {
        credential: 'InteractiveBrowserCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        scope: 'https://graph.microsoft.com/User.Read',
        openBrowser: async (url) => {
          signIn = sb.signIn(url, LEAK_USER, S.userPassword);
        },
      });
      await signIn;
      const labels = [...wire.seen.keys()].join(' ');
      assert.match(labels, /request\.code_verifier/, 'the PKCE verifier was seen on the wire (and is checked)');
      assert.match(labels, /request\.code#/, 'the authorization code was seen on the wire (and is checked)');
      assert.match(labels, /response\.refresh_token/, 'issued refresh tokens were seen on the wire (and are checked)');
      assert.match(labels, /response\.device_code/);
    });
  });

  describe('acquireToken: chain members standalone, from the environment', () => {
    const spEnv = () => ({
      AZURE_TENANT_ID: sb.tenantId,
      AZURE_CLIENT_ID: LEAK_APP,
      AZURE_AUTHORITY_HOST: sb.authorityHost,
    });
    it('EnvironmentCredential: secret, PFX + password, username + password', async () => {
      await flow(
        'env secret',
        { credential: 'EnvironmentCredential' },
        { ...spEnv(), AZURE_CLIENT_SECRET: S.clientSecret },
      );
      await flow(
        'env pfx',
        { credential: 'environment', forceRefresh: true },
        { ...spEnv(), AZURE_CLIENT_CERTIFICATE_PATH: files.pfx, AZURE_CLIENT_CERTIFICATE_PASSWORD: S.pfxPassword },
      );
      await flow(
        'env pfx wrong',
        { credential: 'environment' },
        { ...spEnv(), AZURE_CLIENT_CERTIFICATE_PATH: files.pfx, AZURE_CLIENT_CERTIFICATE_PASSWORD: S.wrongPfxPassword },
        'failed',
      );
      await flow(
        'env user',
        { credential: 'environment' },
        { ...spEnv(), AZURE_CLIENT_ID: DEMO.publicClientId, AZURE_USERNAME: LEAK_USER, AZURE_PASSWORD: S.userPassword },
      );
    });
    it('WorkloadIdentityCredential with a federated token file', async () => {
      await flow(
        'workload identity',
        { credential: 'WorkloadIdentityCredential' },
        { ...spEnv(), AZURE_FEDERATED_TOKEN_FILE: files.tokenFile },
      );
    });
    it('ManagedIdentityCredential: IMDS and App Service (IDENTITY_HEADER)', async () => {
      await flow('mi imds', { credential: 'ManagedIdentityCredential' }, {});
      const as = sb.contract.managedIdentity.appService;
      assert.equal(as.header, S.identityHeader);
      await flow(
        'mi app service',
        { credential: 'mi', forceRefresh: true },
        { IDENTITY_ENDPOINT: as.endpoint, IDENTITY_HEADER: as.header },
      );
    });
  });

  describe('runChain / runCredential', () => {
    for (const mode of ['sequential', 'diagnose'] as const) {
      for (const profile of ['go', 'js'] as const) {
        it(`runChain ${mode} (${profile}) with every secret in the environment`, async () => {
          const sinks = allSinks();
          const { value: run, output } = await captureProcessOutput(() =>
            createEngine().runChain(
              { mode, profile, forceRefresh: true },
              { sink: sinks.sink, env: chainEnv(), options: opts },
            ),
          );
          assert.ok(run.winner, JSON.stringify(run.steps.map((s) => [s.credential, s.outcome, s.message])));
          assert.ok(run.accessToken);
          forbid(`chain ${mode} ${profile} token`, run.accessToken.reveal());
          assertNoLeak(
            { ...sinks.outputs(), ...resultOutputs('ChainRun', run), 'process output': output },
            allForbidden(),
          );
        });
      }
    }

    it('developer tools (az, azd, pwsh stand-ins) handing over an opaque token and a JWT: neither reaches an output', async () => {
      const fixtureBin = path.resolve(__dirname, '../../fixtures/bin');
      const opaque = `opaqueDevToolToken_${tag}_abcdefghijklmnopqrstuvwxyz0123456789`;
      const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const jwt = `${b({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${b({ exp: 4070908800, tid: sb.tenantId, upn: `dev-${tag}@sandbox.test` })}.${randomBytes(64).toString('base64url')}`;
      forbid('dev tool opaque token', opaque);
      forbid('dev tool jwt', jwt);
      for (const token of [opaque, jwt]) {
        const sinks = allSinks();
        const env = { PATH: fixtureBin, HOME: dir, FAKE_TOKEN: token };
        const { value, output } = await captureProcessOutput(async () => {
          const runs = [];
          for (const name of ['AzureCLICredential', 'AzureDeveloperCLICredential', 'AzurePowerShellCredential'])
            runs.push(await createEngine().runCredential(name, {}, { sink: sinks.sink, env, options: opts }));
          const chain = await createEngine().runChain(
            { mode: 'diagnose', profile: 'js' },
            { sink: sinks.sink, env, options: opts },
          );
          return { runs, chain };
        });
        for (const r of value.runs)
          assert.equal(r.result.outcome, 'success', `${r.result.credential}: ${r.result.message}`);
        assert.ok(value.chain.winner);
        assertNoLeak(
          { ...sinks.outputs(), ...resultOutputs('dev tool runs', value), 'process output': output },
          allForbidden(),
        );
      }
    });

    it('the module-level runChain / runCredential (shared engine) and a failing chain', async () => {
      const sinks = allSinks();
      const { value, output } = await captureProcessOutput(async () => {
        const a = await runChain({ forceRefresh: true }, { sink: sinks.sink, env: chainEnv(), options: opts });
        const b = await runCredential(
          'EnvironmentCredential',
          { forceRefresh: true },
          { sink: sinks.sink, env: chainEnv(), options: opts },
        );
        const c = await runChain(
          { mode: 'diagnose' },
          { sink: sinks.sink, env: { ...chainEnv(), AZURE_CLIENT_SECRET: S.wrongSecret }, options: opts },
        );
        return { a, b, c };
      });
      assert.equal(value.b.result.outcome, 'success');
      assert.ok(value.b.accessToken);
      forbid('runCredential token', value.b.accessToken.reveal());
      assert.ok(value.a.accessToken);
      forbid('runChain token', value.a.accessToken.reveal());
      assert.equal(value.c.steps.find((s) => s.credential === 'EnvironmentCredential')?.outcome, 'failed');
      assertNoLeak({ ...sinks.outputs(), ...resultOutputs('runs', value), 'process output': output }, allForbidden());
    });
  });

  describe('azauth CLI (main(argv, io), secrets through environment variables)', () => {
    const common = () => ['--tenant', sb.tenantId, '--authority-host', sb.authorityHost, '--ca', sb.caFile];
    const cliEnv = (): NodeJS.ProcessEnv => ({
      SP_SECRET: S.clientSecret,
      PFX_PW: S.pfxPassword,
      USER_PW: S.userPassword,
      API_SECRET: S.apiSecret,
      PATH: files.pathDir,
    });

    async function azauth(argv: string[], env: NodeJS.ProcessEnv) {
      const io = captureIo(env);
      let thrown = '';
      const { value: code, output } = await captureProcessOutput(async () => {
        try {
          return await main(argv, io);
        } catch (e) {
          thrown = String((e as Error).stack ?? e);
          return -1;
        }
      });
      await tick();
      return { code, out: io.out(), err: io.err(), proc: output, thrown };
    }
    function check(
      label: string,
      r: { out: string; err: string; proc: string; thrown: string },
      except: string[] = [],
    ) {
      assertNoLeak(
        {
          [`${label} stdout`]: r.out,
          [`${label} stderr`]: r.err,
          [`${label} process output`]: r.proc,
          [`${label} thrown`]: r.thrown,
        },
        allForbidden(except),
      );
    }

    it('azauth chain --json and --verbose (sequential and diagnose)', async () => {
      const env = chainEnv();
      const base = ['chain', '--authority-host', sb.authorityHost, '--ca', sb.caFile, '--imds-endpoint', sb.urls.imds];
      for (const extra of [
        ['--json'],
        ['--verbose'],
        ['--json', '--mode', 'diagnose'],
        ['--verbose', '--mode', 'diagnose', '--profile', 'js'],
      ]) {
        wire.clear();
        const r = await azauth([...base, ...extra], env);
        assert.equal(r.code, 0, r.err + r.out);
        assert.ok(wire.accessTokens.length > 0, 'the chain obtained a token from the sandbox');
        if (extra.includes('--json')) assert.ok(JSON.parse(r.out).winner);
        if (extra.includes('--verbose')) assert.match(r.err, /POST https:\/\/127\.0\.0\.1/);
        check(`chain ${extra.join(' ')}`, r);
      }
      const bad = await azauth([...base, '--verbose'], { ...env, AZURE_CLIENT_SECRET: S.wrongSecret });
      assert.equal(bad.code, 1);
      assert.match(bad.out, /7000215/);
      check('chain (wrong secret)', bad);
    });

    it('azauth token --json for every flow', async () => {
      const withRt = await userTokens('https://graph.microsoft.com/.default offline_access');
      const userTok = await userTokens(`api://${DEMO.apiClientId}/.default`);
      const env = { ...cliEnv(), RT: String(withRt.refresh_token), UA: String(userTok.access_token) };
      /** `--credential CREDENTIAL --client-id CLIENT_ID` and the flags that hand over its proof. */
      const as = (credential: string, clientId: string, ...more: string[]) => [
        '--credential',
        credential,
        '--client-id',
        clientId,
        ...more,
      ];
      const graph = ['--scope', 'https://graph.microsoft.com/.default'];
      const cases: [string, string[], NodeJS.ProcessEnv?][] = [
        ['secret', as('secret', LEAK_APP, '--client-secret-env', 'SP_SECRET')],
        ['cert pem', as('certificate', LEAK_APP, '--certificate', files.pem, '--send-certificate-chain')],
        ['cert pfx', as('certificate', LEAK_APP, '--certificate', files.pfx, '--certificate-password-env', 'PFX_PW')],
        ['assertion', as('assertion', LEAK_APP, '--assertion-file', files.assertionFile)],
        ['ropc', as('ropc', DEMO.publicClientId, '--username', LEAK_USER, '--password-env', 'USER_PW')],
        ['refresh token', as('refresh-token', DEMO.publicClientId, '--refresh-token-env', 'RT', ...graph)],
        [
          'obo',
          as('obo', DEMO.apiClientId, '--client-secret-env', 'API_SECRET', '--user-assertion-env', 'UA', ...graph),
        ],
        [
          'environment',
          ['--credential', 'environment'],
          {
            ...env,
            AZURE_TENANT_ID: sb.tenantId,
            AZURE_CLIENT_ID: LEAK_APP,
            AZURE_CLIENT_SECRET: S.clientSecret,
            AZURE_AUTHORITY_HOST: sb.authorityHost,
          },
        ],
        [
          'workload identity',
          ['--credential', 'workload-identity'],
          {
            ...env,
            AZURE_TENANT_ID: sb.tenantId,
            AZURE_CLIENT_ID: LEAK_APP,
            AZURE_FEDERATED_TOKEN_FILE: files.tokenFile,
            AZURE_AUTHORITY_HOST: sb.authorityHost,
          },
        ],
      ];
      forbid('cli refresh token', env.RT);
      forbid('cli user assertion', env.UA);
      for (const [label, args, e] of cases) {
        for (const mode of [['--json'], ['--verbose'], []]) {
          wire.clear();
          const r = await azauth(['token', ...common(), ...args, ...mode], e ?? env);
          assert.equal(r.code, 0, `${label}: ${r.err}${r.out}`);
          if (mode.includes('--json')) assert.equal(JSON.parse(r.out).outcome, 'success');
          assert.ok(wire.accessTokens.length > 0, `${label}: a token was issued`);
          check(`token ${label} ${mode.join(' ')}`, r);
        }
      }
    });

    it('azauth where (hosting fingerprint) and azauth discover --verbose with every secret variable set', async () => {
      const env = {
        PATH: files.pathDir,
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: LEAK_APP,
        AZURE_CLIENT_SECRET: S.clientSecret,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: S.pfxPassword,
        AZURE_PASSWORD: S.userPassword,
        IDENTITY_ENDPOINT: sb.contract.managedIdentity.appService.endpoint,
        IDENTITY_HEADER: S.identityHeader,
        MSI_SECRET: S.apiSecret,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: clientAssertion,
        ACTIONS_ID_TOKEN_REQUEST_URL: `${sb.authorityHost}/gh?x=1`,
        SYSTEM_ACCESSTOKEN: S.garbageAssertion,
        AZURE_FEDERATED_TOKEN_FILE: files.tokenFile,
      };
      for (const argv of [
        ['where', '--json'],
        ['where'],
        ['discover', '--tenant', sb.tenantId, '--authority-host', sb.authorityHost, '--ca', sb.caFile, '--verbose'],
      ]) {
        const r = await azauth(argv, env);
        assert.equal(r.code, 0, r.err + r.out);
        check(argv.join(' '), r);
      }
    });

    it('a secret pasted where a variable NAME belongs, or as a stray argument, is never echoed', async () => {
      const base = ['token', ...common(), '--credential', 'secret', '--client-id', LEAK_APP];
      // Not a variable name at all (the usual shape of an Entra client secret).
      const pasted = `Qx8~${tag}.LEAKpasted-Secret_value`;
      const a = await azauth([...base, '--client-secret-env', pasted], {});
      assert.equal(a.code, 2);
      assert.match(a.err, /not an environment variable name/);
      assert.ok(!(a.out + a.err + a.proc).includes(pasted), a.err);
      // A secret that happens to be a valid identifier: not a conventional (upper-case) name, so not shown either.
      const identLike = `LeakSecret${tag}AbcDef`;
      const b = await azauth([...base, '--client-secret-env', identLike], {});
      assert.equal(b.code, 2);
      assert.match(b.err, /is not set or empty/);
      assert.ok(!(b.out + b.err + b.proc).includes(identLike), b.err);
      // A conventional name is named, so the user sees which variable is missing.
      const c = await azauth([...base, '--client-secret-env', 'MY_SP_SECRET'], {});
      assert.equal(c.code, 2);
      assert.match(c.err, /environment variable MY_SP_SECRET is not set or empty/);
      // azauth call and azauth broker take the same option and follow the same rule (they echoed the argument).
      const secretFlags = (name: string) => [
        '--credential',
        'secret',
        '--client-id',
        LEAK_APP,
        '--client-secret-env',
        name,
      ];
      const scope = ['--scope', 'https://management.azure.com/.default'];
      for (const argv of [pasted, identLike].flatMap((name) => [
        ['call', '--token-from', 'flow', ...secretFlags(name), ...scope, 'GET', 'https://127.0.0.1:9/x'],
        ['broker', ...secretFlags(name), '--', 'true'],
      ])) {
        const r = await azauth(argv, {});
        assert.equal(r.code, 2, `${argv[0]}: ${r.err}`);
        assert.match(r.err, /not an environment variable name|is not set or empty/);
        assert.ok(!(r.out + r.err + r.proc).includes(pasted) && !(r.out + r.err + r.proc).includes(identLike), r.err);
      }
      // A token pasted as a stray positional argument (node's parseArgs echoes it): scrubbed by shape.
      const d = await azauth(['chain', federated], {});
      assert.equal(d.code, 2);
      assert.match(d.err, /unexpected argument/i);
      assert.ok(!(d.out + d.err + d.proc).includes(federated), d.err);
    });

    it('azauth token prints the access token only with --show-token (human and JSON)', async () => {
      const args = [
        'token',
        ...common(),
        '--credential',
        'secret',
        '--client-id',
        LEAK_APP,
        '--client-secret-env',
        'SP_SECRET',
      ];
      for (const json of [false, true]) {
        wire.clear();
        const hidden = await azauth([...args, ...(json ? ['--json'] : [])], cliEnv());
        assert.equal(hidden.code, 0, hidden.err);
        const issued = wire.accessTokens.at(-1);
        assert.ok(issued, 'the sandbox issued a token');
        assert.ok(!(hidden.out + hidden.err + hidden.proc).includes(issued), 'no token without --show-token');
        check(`token ${json ? '--json' : ''}`, hidden);

        wire.clear();
        const shown = await azauth([...args, '--show-token', ...(json ? ['--json'] : [])], cliEnv());
        assert.equal(shown.code, 0, shown.err);
        const issued2 = wire.accessTokens.at(-1);
        assert.ok(issued2);
        if (json) assert.equal(JSON.parse(shown.out).accessToken, issued2);
        else assert.ok(shown.out.split('\n').includes(issued2), 'the token is printed on its own line');
        assert.ok(!shown.err.includes(issued2), 'never on stderr');
        // Everything else stays secret, and the token appears exactly once.
        assert.equal(shown.out.split(issued2).length - 1, 1);
        check(`token --show-token ${json ? '--json' : ''}`, shown, [issued2]);
      }
    });
  });
  describe('the sandbox request log (runs last)', () => {
    it('everything the sandbox recorded for this file, request and response, is redacted', () => {
      // Tests and anyone reading `sb.requests` see this log: whatever flow produced an entry, no secret is in it.
      assert.ok(sb.requests.length > 50, `the log holds the file's traffic (${sb.requests.length} entries)`);
      assertNoLeak(
        {
          'sandbox request log': JSON.stringify(sb.requests),
          'sandbox request log inspect': inspect(sb.requests, { depth: Infinity }),
        },
        allForbidden([], true),
      );
      assert.ok(wire.all.size > 100, `checked against every secret seen on the wire (${wire.all.size})`);
    });
  });
});
