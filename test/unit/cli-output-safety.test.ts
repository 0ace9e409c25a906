/**
 * Outside text cannot take over the terminal through azauth: an Entra error_description, an IMDS body, a claim name,
 * validation lines about a pasted token, AZURE_TOKEN_CREDENTIALS, --scope and --tenant values each carry ESC / OSC / CSI
 * sequences, CR, BEL, backspace, bidi overrides and zero-width characters, and come out escaped, on their own line.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { startSandbox, DEMO, type Sandbox } from '../../src/sandbox/index';
import { captureIo } from './cli-io';
import { hostileString, RAW_UNSAFE } from './text/hostile';
import { armV1Payload, jwt } from './token/helpers';

/** Everything a terminal would act on: the attack in one value (and a line forged after a newline). */
const EVIL = 'x\u001b]0;owned\u0007\u001b[2J\r\b\b\u202egnp.exe\u200b\u2066\nazauth: SUCCESS forged line';

async function azauth(argv: string[], env: NodeJS.ProcessEnv = {}, stdin = '') {
  const io = captureIo({ env, stdin });
  const code = await main(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, out: io.out(), err: io.err() };
}

function assertSafe(text: string, what: string): void {
  const raw = RAW_UNSAFE.exec(text);
  assert.ok(
    !raw,
    `${what}: raw U+${raw?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${JSON.stringify(text)}`,
  );
  assert.ok(!/^azauth: SUCCESS forged line/m.test(text), `${what}: the forged line starts a line of its own`);
}

const live = (o: Record<string, unknown> = {}) =>
  armV1Payload({
    iat: Math.floor(Date.now() / 1000) - 60,
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...o,
  });

/** A loopback IMDS stand-in answering 400 with `body`. */
async function imdsAnswering(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('azauth output is terminal-safe for every outside source', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => sb?.close());

  it("an Entra error_description (the sandbox's token endpoint answering a hostile body)", async () => {
    await sb.update((c) => {
      c.faults = [
        {
          endpoint: 'token',
          status: 401,
          body: JSON.stringify({
            error: 'invalid_client',
            error_description: `AADSTS7000215: Invalid client secret ${EVIL}`,
            error_codes: [7000215],
          }),
        },
      ];
    });
    try {
      const common = [
        '--tenant',
        sb.tenantId,
        '--authority-host',
        sb.authorityHost,
        '--ca',
        sb.caFile,
        '--client-id',
        DEMO.confidentialClientId,
        '--client-secret-env',
        'S',
      ];
      const r = await azauth(['token', '--credential', 'secret', ...common], { S: 'whatever' });
      assert.equal(r.code, 1, r.err);
      assertSafe(r.out + r.err, 'token');
      assert.match(
        r.out,
        /Invalid client secret x\\x1b\]0;owned\\x07\\x1b\[2J\\r\\x08\\x08\\u202egnp\.exe\\u200b\\u2066/,
      );
      const v = await azauth(['token', '--credential', 'secret', ...common, '--verbose'], { S: 'whatever' });
      assertSafe(v.out + v.err, 'token --verbose');
    } finally {
      await sb.update((c) => {
        c.faults = [];
      });
    }
  });

  it('an IMDS body (azauth token --imds-endpoint and azauth chain --imds-endpoint)', async () => {
    const { url, server } = await imdsAnswering(
      JSON.stringify({ error: 'invalid_request', error_description: `Identity not found ${EVIL}` }),
    );
    try {
      const t = await azauth(['token', '--credential', 'managed-identity', '--imds-endpoint', url, '--timeout', '10s']);
      assert.equal(t.code, 1, t.err);
      assertSafe(t.out + t.err, 'token');
      assert.match(t.out, /Identity not found x\\x1b\]0;owned/);
      const c = await azauth(['chain', '--mode', 'diagnose', '--imds-endpoint', url, '--verbose'], {
        PATH: '/nonexistent',
      });
      assertSafe(c.out + c.err, 'chain');
    } finally {
      server.close();
    }
  });

  it('a claim name and value in a pasted token', async () => {
    const r = await azauth(['decode', jwt(live({ [`zz${EVIL}`]: EVIL }))]);
    assert.equal(r.code, 0, r.err);
    assertSafe(r.out + r.err, 'decode');
    assert.match(r.out, /zzx\\x1b\]0;owned\\x07/);
  });

  it('validation lines about a pasted token (issuer, audience) with --scope and --tenant', async () => {
    const r = await azauth([
      'decode',
      jwt(live({ aud: `https://evil.example/${EVIL}`, iss: `https://sts.windows.net/${EVIL}/` })),
      '--scope',
      `api://${EVIL}/.default`,
      '--tenant',
      EVIL,
    ]);
    assert.equal(r.code, 1, r.err);
    assertSafe(r.out + r.err, 'decode validation');
    assert.match(r.out, /audience\s+fail\s+aud https:\/\/evil\.example\/x\\x1b/);
  });

  it('AZURE_TOKEN_CREDENTIALS (human and JSON)', async () => {
    const r = await azauth(['chain'], { AZURE_TOKEN_CREDENTIALS: EVIL });
    assert.equal(r.code, 2);
    assertSafe(r.out + r.err, 'chain');
    assert.match(r.out, /AZURE_TOKEN_CREDENTIALS value "x\\x1b\]0;owned\\x07/);
    const j = await azauth(['chain', '--json'], { AZURE_TOKEN_CREDENTIALS: EVIL });
    assertSafe(j.out + j.err, 'chain --json');
    assert.equal(JSON.parse(j.out).error.message.includes(EVIL), true, 'JSON keeps the value, escaped the JSON way');
  });

  it('--scope and --tenant values on chain, token and discover', async () => {
    const env = { PATH: '/nonexistent', AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential' };
    for (const argv of [
      ['chain', '--scope', EVIL],
      ['chain', '--tenant', EVIL],
      ['token', '--credential', 'environment', '--scope', EVIL],
      ['token', '--credential', 'environment', '--tenant', EVIL],
      ['discover', '--tenant', EVIL, '--authority-host', sb.authorityHost, '--ca', sb.caFile],
    ]) {
      const r = await azauth(argv, env);
      assert.ok(r.code === 1 || r.code === 2, `${argv.join(' ')}: ${r.code}`);
      assertSafe(r.out + r.err, argv.slice(0, 3).join(' '));
    }
  });

  it('stray arguments and unknown names are escaped and cut, never echoed verbatim', async () => {
    const long = `${EVIL}${'A'.repeat(5000)}`;
    for (const argv of [
      [long],
      ['chain', long],
      ['token', `--${long}`],
      ['where', '--profile', long],
      ['token', '--credential', long],
      ['help', long],
    ]) {
      const r = await azauth(argv);
      assert.equal(r.code, 2, argv[0]);
      assertSafe(r.out + r.err, String(argv[0]));
      assert.ok(r.err.length < 600, `${argv[0]}: ${r.err.length} characters echoed`);
    }
  });

  it('property: any hostile value from these sources yields no raw control/bidi/zero-width character and no extra line', async () => {
    const shape = (s: string) => s.split('\n').length;
    const cases: ((v: string) => [string[], NodeJS.ProcessEnv])[] = [
      (v) => [
        [
          'decode',
          jwt(live({ [`zz_${v}`]: v, aud: `https://e.example/${v}` })),
          `--scope=api://${v}/.default`,
          `--tenant=${v}`,
        ],
        {},
      ],
      (v) => [['chain'], { AZURE_TOKEN_CREDENTIALS: `v${v}` }],
      (v) => [['explain', `AADSTS50076 ${v}`], {}],
      (v) => [['where', `--profile=${v}`], {}],
    ];
    await fc.assert(
      fc.asyncProperty(hostileString(), async (h) => {
        for (const build of cases) {
          const [argv, env] = build(h);
          const bad = await azauth(argv, env);
          const plain = await azauth(...build('x'));
          assertSafe(bad.out + bad.err, argv[0]!);
          assert.equal(bad.code, plain.code, argv[0]);
          assert.equal(shape(bad.out), shape(plain.out), `${argv[0]}: stdout lines`);
          assert.equal(shape(bad.err), shape(plain.err), `${argv[0]}: stderr lines`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
