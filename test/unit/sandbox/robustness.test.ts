import { strict as assert } from 'node:assert';
import net from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import {
  startSandbox,
  validateSandboxConfig,
  defaultSandboxConfig,
  DEMO,
  type Sandbox,
} from '../../../src/sandbox/index';
import { get, postForm, request } from './helpers';

describe('sandbox: faults', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  afterEach(async () => {
    await sb.update((c) => {
      c.faults = [];
    });
  });
  after(async () => {
    await sb.close();
  });
  const cc = () =>
    postForm(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope: 'https://management.azure.com/.default',
    });
  const imds = () =>
    request(`${sb.urls.imdsToken}?api-version=2018-02-01&resource=https://management.azure.com/`, {
      headers: { Metadata: 'true' },
    });

  it('status + Retry-After on a managed-identity endpoint, for the first N requests', async () => {
    await sb.update((c) => {
      c.faults = [{ endpoint: 'imds', status: 503, retryAfterSec: 2, count: 2 }];
    });
    const a = await imds();
    const b = await imds();
    const c = await imds();
    assert.deepEqual([a.status, b.status, c.status], [503, 503, 200]);
    assert.equal(a.headers['retry-after'], '2');
    assert.equal(typeof a.json().error, 'string');
  });

  it('malformed JSON, HTML and empty bodies', async () => {
    await sb.update((c) => {
      c.faults = [
        { endpoint: 'token', body: 'malformed', count: 1 },
        { endpoint: 'token', status: 502, body: 'html', count: 1 },
        { endpoint: 'token', status: 500, body: 'empty', count: 1 },
      ];
    });
    const m = await cc();
    assert.equal(m.status, 200);
    assert.throws(() => JSON.parse(m.body));
    const h = await cc();
    assert.equal(h.status, 502);
    assert.match(String(h.headers['content-type']), /text\/html/);
    assert.match(h.body, /<html>/);
    const e = await cc();
    assert.equal(e.status, 500);
    assert.equal(e.body, '');
    assert.equal((await cc()).status, 200);
  });

  it('connection reset', async () => {
    await sb.update((c) => {
      c.faults = [{ endpoint: 'imds', reset: true, count: 1 }];
    });
    await assert.rejects(imds(), /ECONNRESET|socket hang up/);
    assert.equal((await imds()).status, 200);
  });

  it('hang: the request never gets an answer (until the client gives up); the sandbox still closes cleanly', async () => {
    const hung = await startSandbox({ config: { faults: [{ endpoint: 'openid-configuration', hang: true }] } });
    const r = request(hung.urls.openidConfiguration, { ca: hung.caPem });
    let settled = false;
    r.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Wait until the sandbox has taken the request and applied the fault (no clock involved).
    for (let i = 0; i < 2000 && !(hung.requests.length === 1 && hung.requests[0]!.fault === 'hang'); i++)
      await new Promise((res) => setTimeout(res, 5));
    await new Promise((res) => setImmediate(res));
    assert.equal(hung.requests[0]?.fault, 'hang');
    assert.equal(hung.requests[0]?.status, 0, 'no answer was sent');
    assert.equal(settled, false);
    await hung.close();
    await assert.rejects(r);
  });

  it('delay, then a normal answer; "*" matches every endpoint', async () => {
    await sb.update((c) => {
      c.faults = [{ endpoint: '*', delayMs: 20, count: 1 }];
    });
    assert.equal((await get(sb, sb.urls.jwks)).status, 200);
    assert.equal(sb.requests.at(-1)?.fault, 'delay 20ms');
  });
});

describe('sandbox: hostile and malformed input never crashes it', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ config: { maxBodyBytes: 4096 } });
  });
  after(async () => {
    await sb.close();
  });

  it('413 for huge bodies (declared and streamed)', async () => {
    const big = 'a='.padEnd(100_000, 'x');
    const r = await request(sb.urls.token, {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      ca: sb.caPem,
    });
    assert.equal(r.status, 413);
    const streamed = await new Promise<string>((resolve) => {
      const s = tls.connect(
        { host: '127.0.0.1', port: Number(new URL(sb.authorityHost).port), ca: sb.caPem, servername: 'localhost' },
        () => {
          s.write(
            `POST /${sb.tenantId}/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`,
          );
          const chunk = 'x'.repeat(2000);
          for (let i = 0; i < 5; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        },
      );
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('close', () => resolve(data));
      s.on('error', () => resolve(data));
    });
    assert.match(streamed, /^HTTP\/1\.1 413/);
    assert.equal((await get(sb, sb.urls.jwks)).status, 200, 'still serving');
  });

  it('404 JSON for unknown paths and 405 for wrong methods', async () => {
    const r = await get(sb, `${sb.authorityHost}/nope/nothing`);
    assert.equal(r.status, 404);
    assert.equal(r.json().error, 'not_found');
    const m = await request(sb.urls.token, { method: 'DELETE', ca: sb.caPem });
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, 'POST');
    const i = await request(`${sb.urls.imds}/nothing`);
    assert.equal(i.status, 404);
  });

  it('garbage request lines, bad percent-encoding, non-form bodies and raw TCP junk', async () => {
    const port = Number(new URL(sb.urls.imds).port);
    const junk = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('\u0000\u0001GARBAGE \r\n\r\n'));
      let d = '';
      s.on('data', (x) => (d += x));
      s.on('close', () => resolve(d));
      s.on('error', () => resolve(d));
    });
    assert.match(junk, /^HTTP\/1\.1 400|^$/);
    const pct = await get(sb, `${sb.authorityHost}/%E0%A4%A/v2.0/.well-known/openid-configuration`);
    assert.equal(pct.status, 400);
    const json = await request(sb.urls.token, {
      method: 'POST',
      body: '{"grant_type":"client_credentials"}',
      headers: { 'content-type': 'application/json' },
      ca: sb.caPem,
    });
    assert.equal(json.status, 400);
    assert.deepEqual(json.json().error_codes, [900144]);
    const dup = await postForm(sb, sb.urls.token, { grant_type: 'client_credentials' });
    assert.equal(dup.status, 400);
    const q = await request(`${sb.urls.imdsToken}?api-version=2018-02-01&resource=%ZZ&&&==`, {
      headers: { Metadata: 'true' },
    });
    assert.ok(q.status >= 400 && q.status < 500);
    assert.equal((await get(sb, sb.urls.jwks)).status, 200, 'still serving');
  });

  it('random form bodies to the token and device-code endpoints always get a JSON answer below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'grant_type',
            'client_id',
            'client_secret',
            'scope',
            'code',
            'refresh_token',
            'device_code',
            'client_assertion',
            'client_assertion_type',
            'username',
            'password',
            'assertion',
            'requested_token_use',
            'subject_token',
            'resource',
            'code_verifier',
            'redirect_uri',
          ),
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.constantFrom(
              'client_credentials',
              'password',
              'refresh_token',
              'authorization_code',
              'urn:ietf:params:oauth:grant-type:device_code',
              'urn:ietf:params:oauth:grant-type:jwt-bearer',
              'urn:ietf:params:oauth:grant-type:token-exchange',
              DEMO.confidentialClientId,
              DEMO.publicClientId,
              'eyJhbGciOiJub25lIn0.e30.',
              'https://management.azure.com/.default',
            ),
          ),
        ),
        fc.constantFrom('token', 'tokenV1', 'deviceCode'),
        async (form, which) => {
          const url = which === 'token' ? sb.urls.token : which === 'tokenV1' ? sb.urls.tokenV1 : sb.urls.deviceCode;
          const r = await postForm(sb, url, form);
          assert.ok(r.status < 500, `${r.status} ${r.body}`);
          const b = r.json();
          assert.equal(typeof b, 'object');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random paths and methods on every listener never get a 5xx', async () => {
    const bases = [
      sb.authorityHost,
      sb.urls.imds,
      sb.urls.cloudShell.replace(/\/oauth2\/token$/, ''),
      sb.urls.arc.replace(/\/metadata.*$/, ''),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.array(
          fc.oneof(
            fc.constantFrom(
              'common',
              'organizations',
              sb.tenantId,
              'oauth2',
              'v2.0',
              'token',
              'authorize',
              'devicecode',
              'discovery',
              'keys',
              'instance',
              '.well-known',
              'openid-configuration',
              'metadata',
              'identity',
              'external',
              'default',
              'userrealm',
              'subscriptions',
              'msi',
              '%00',
              '..',
              '%2e%2e',
            ),
            fc.webSegment(),
          ),
          { maxLength: 6 },
        ),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
        fc.webQueryParameters(),
        async (base, segs, method, query) => {
          const r = await request(`${base}/${segs.join('/')}?${query}`, {
            method,
            ca: sb.caPem,
            headers: { Metadata: 'true' },
          });
          assert.ok(
            r.status >= 200 && r.status < 500,
            `${method} /${segs.join('/')}?${query} → ${r.status} ${r.body.slice(0, 200)}`,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('validateSandboxConfig never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const r = validateSandboxConfig(v);
        assert.equal(typeof r.ok, 'boolean');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          'apps',
          'users',
          'tenants',
          'managedIdentity',
          'faults',
          'resources',
          'deviceCode',
          'subscriptions',
        ),
        fc.jsonValue({ maxDepth: 3 }),
        (key, v) => {
          const r = validateSandboxConfig({ [key]: v });
          if (!r.ok)
            assert.ok(
              r.errors.every((e) => typeof e.path === 'string' && e.path.length > 0 && typeof e.message === 'string'),
            );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hostile scope strings and client ids', async () => {
    for (const scope of [
      '<script>',
      'a\u0000b',
      'x'.repeat(5000),
      '   ',
      '/.default',
      'https://management.azure.com//.default//.default',
    ]) {
      const r = await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: DEMO.confidentialClientId,
        client_secret: DEMO.confidentialSecret,
        scope,
      });
      assert.ok(r.status >= 400 && r.status < 500, `${scope.slice(0, 20)} → ${r.status}`);
    }
    const page = await get(
      sb,
      `${sb.urls.authorize}?client_id=${encodeURIComponent('<img src=x onerror=alert(1)>')}&redirect_uri=x&response_type=code`,
    );
    assert.equal(page.status, 400);
    assert.ok(!page.body.includes('<img src=x'), 'escaped');
  });
});

describe('sandbox: configuration', () => {
  it('the default config is valid and round-trips through validation', () => {
    const v = validateSandboxConfig(defaultSandboxConfig());
    assert.equal(v.ok, true);
    if (!v.ok) return;
    const again = validateSandboxConfig(JSON.parse(JSON.stringify(v.config)));
    assert.equal(again.ok, true);
    if (again.ok) assert.deepEqual(JSON.parse(JSON.stringify(again.config)), JSON.parse(JSON.stringify(v.config)));
    assert.deepEqual(v.config.tenants, defaultSandboxConfig().tenants);
    assert.equal(validateSandboxConfig({}).ok, true);
  });

  it('names the bad field by its path', () => {
    const cases: [unknown, string, RegExp][] = [
      [
        {
          apps: [
            { clientId: DEMO.publicClientId, kind: 'public' },
            { clientId: DEMO.confidentialClientId, certificates: [{ pem: 'nope' }] },
          ],
        },
        'apps[1].certificates[0].pem',
        /not a PEM certificate/,
      ],
      [{ apps: [{ clientId: 'not-a-guid', kind: 'public' }] }, 'apps[0].clientId', /GUID/],
      [
        { users: [{ username: 'x', password: 'p', objectId: DEMO.systemAssignedObjectId }] },
        'users[0].username',
        /user principal name/,
      ],
      [{ tenants: [] }, 'tenants', /at least one/],
      [{ tokenLifetimeSec: 'long' }, 'tokenLifetimeSec', /integer/],
      [{ faults: [{ endpoint: 'nowhere' }] }, 'faults[0].endpoint', /must be one of/],
      [
        { managedIdentity: { imds: { userAssigned: ['12345678-1234-4234-8234-123456789012'] } } },
        'managedIdentity.imds.userAssigned[0]',
        /names no identity/,
      ],
      [{ frobnicate: 1 }, 'frobnicate', /unknown field/],
      [
        { apps: [{ clientId: DEMO.confidentialClientId, secrets: [{ value: 's', expiresAt: 'someday' }] }] },
        'apps[0].secrets[0].expiresAt',
        /ISO date/,
      ],
      [
        { apps: [{ clientId: DEMO.publicClientId, kind: 'public', redirectUris: ['not a url'] }] },
        'apps[0].redirectUris[0]',
        /absolute URL/,
      ],
    ];
    for (const [input, pathName, msg] of cases) {
      const v = validateSandboxConfig(input);
      assert.equal(v.ok, false, JSON.stringify(input));
      if (!v.ok) {
        const e = v.errors.find((x) => x.path === pathName);
        assert.ok(e, `${pathName} in ${JSON.stringify(v.errors)}`);
        assert.match(e.message, msg);
      }
    }
    for (const bad of [null, [], 'x', 42]) assert.equal(validateSandboxConfig(bad).ok, false);
  });

  it('names nested fields precisely: hosting sources, device code, the index of a bad entry', () => {
    const cases: [unknown, string, string][] = [
      [
        { managedIdentity: { appService: { identityHeader: 7 } } },
        'managedIdentity.appService.identityHeader',
        'must be a string',
      ],
      [{ deviceCode: { intervalSec: 61 } }, 'deviceCode.intervalSec', 'must be an integer from 0 to 60'],
      [
        { apps: [{ clientId: DEMO.publicClientId, kind: 'public', redirectUris: ['', 'not a url'] }] },
        'apps[0].redirectUris[1]',
        'must be an absolute URL',
      ],
      [
        { managedIdentity: { cloudShell: { username: 'nobody@sandbox.onmicrosoft.com' } } },
        'managedIdentity.cloudShell.username',
        'names no user in users[] ("nobody@sandbox.onmicrosoft.com")',
      ],
      [
        { resources: [{ appId: DEMO.apiClientId, identifierUris: ['api://x'], accessTokenVersion: 3 }] },
        'resources[0].accessTokenVersion',
        'must be 1 or 2',
      ],
      [
        { apps: [{ clientId: DEMO.publicClientId, kind: 'nope' }] },
        'apps[0].kind',
        'must be "confidential" or "public"',
      ],
    ];
    for (const [input, pathName, message] of cases) {
      const v = validateSandboxConfig(input);
      assert.equal(v.ok, false, JSON.stringify(input));
      if (!v.ok)
        assert.deepEqual(
          v.errors.find((x) => x.path === pathName),
          { path: pathName, message },
          JSON.stringify(v.errors),
        );
    }
  });

  it('hostile documents: huge, deeply nested, __proto__ keys', () => {
    const huge = validateSandboxConfig({ apps: Array.from({ length: 30_000 }, () => ({ clientId: 'x' })) });
    assert.equal(huge.ok, false);
    if (!huge.ok) assert.equal(huge.errors.length, 200, 'errors stop counting at 200');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { apps: deep };
    const nested = validateSandboxConfig({ apps: [{ clientId: DEMO.publicClientId, kind: 'public', secrets: deep }] });
    assert.equal(nested.ok, false);
    const proto = validateSandboxConfig(JSON.parse('{"__proto__": {"polluted": true}, "apps": [{"__proto__": 1}]}'));
    assert.equal(proto.ok, false);
    if (!proto.ok) {
      assert.ok(proto.errors.some((e) => e.path === '__proto__' && /unknown field/.test(e.message)));
      assert.ok(proto.errors.some((e) => e.path === 'apps[0].__proto__' && /unknown field/.test(e.message)));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('the defaults are data: each call gets its own copy, and a validated config shares nothing with them', () => {
    const a = defaultSandboxConfig();
    a.apps[0]!.redirectUris!.push('http://changed');
    assert.ok(!defaultSandboxConfig().apps[0]!.redirectUris!.includes('http://changed'));
    const v = validateSandboxConfig({});
    assert.ok(v.ok);
    if (v.ok) {
      v.config.managedIdentity.imds.userAssigned.push('x');
      assert.equal(defaultSandboxConfig().managedIdentity.imds.userAssigned.length, 2);
    }
  });

  it('startSandbox refuses an invalid config and non-loopback hosts; update() refuses an invalid change and keeps the old config', async () => {
    await assert.rejects(startSandbox({ config: { tokenLifetimeSec: -1 } as never }), /tokenLifetimeSec/);
    await assert.rejects(startSandbox({ host: '0.0.0.0' }), /loopback/);
    const sb = await startSandbox();
    try {
      await assert.rejects(
        sb.update((c) => {
          c.apps[0]!.clientId = 'bad';
        }),
        /apps\[0\]\.clientId/,
      );
      assert.equal(sb.config.apps[0]!.clientId, DEMO.confidentialClientId);
    } finally {
      await sb.close();
    }
  });

  it('a custom config: own tenant, app with a registered PEM certificate, user, faults', async () => {
    const base = await startSandbox();
    const pem = base.config.apps[0]!.certificates![0]!.generated
      ? (await import('node:fs')).readFileSync(base.contract.apps[0]!.certificateFile!, 'utf8')
      : '';
    await base.close();
    const certOnly = pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----'));
    const sb = await startSandbox({
      config: {
        tenants: [{ id: '11111111-2222-4333-8444-555555555555', domain: 'mine.example.com', displayName: 'Mine' }],
        apps: [
          {
            clientId: '22222222-3333-4444-8555-666666666666',
            displayName: 'Mine',
            kind: 'confidential',
            secrets: [{ value: 'mine' }],
            certificates: [{ pem: certOnly }],
          },
        ],
        users: [
          {
            username: 'me@mine.example.com',
            password: 'pw',
            displayName: 'Me',
            objectId: '33333333-4444-4555-8666-777777777777',
          },
        ],
        managedIdentity: { cloudShell: { enabled: true, username: 'me@mine.example.com' } },
      },
    });
    try {
      assert.equal(sb.tenantId, '11111111-2222-4333-8444-555555555555');
      const r = await postForm(sb, sb.urls.token, {
        grant_type: 'client_credentials',
        client_id: '22222222-3333-4444-8555-666666666666',
        client_secret: 'mine',
        scope: 'https://management.azure.com/.default',
      });
      assert.equal(r.status, 200, r.body);
      assert.equal(sb.contract.apps[0]!.clientSecret, 'mine');
      assert.equal(sb.contract.apps[0]!.certificateFile, undefined);
    } finally {
      await sb.close();
    }
  });
});
