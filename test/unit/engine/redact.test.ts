import assert from 'node:assert/strict';
import { Redactor, REDACTED, isSecretName, redactText } from '../../../src/core/trace/redact';
import { Tracer } from '../../../src/core/trace/tracer';
import { MemorySink, TextSink, JsonLinesSink, fanOut } from '../../../src/core/trace/sinks';
import { SecretValue } from '../../../src/core/secret';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX2lzX2hlcmVfYW5kX2xvbmc';
const SECRET = 'Sup3r~Secret.Value_0123456789abcdef';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nabcdef\n-----END PRIVATE KEY-----';

describe('engine: redaction', () => {
  it('knows secret names and leaves ordinary ones', () => {
    for (const n of [
      'client_secret',
      'Authorization',
      'X-IDENTITY-HEADER',
      'refresh_token',
      'AZURE_CLIENT_SECRET',
      'MSI_SECRET',
      'password',
      'client_assertion',
      'accessToken',
    ])
      assert.equal(isSecretName(n), true, n);
    for (const n of [
      'client_id',
      'scope',
      'resource',
      'AZURE_CLIENT_ID',
      'tokenType',
      'token_type',
      'error_codes',
      'credential',
      'expires_on',
    ])
      assert.equal(isSecretName(n), false, n);
  });

  it('scrubs JWTs, PEM keys, Bearer/Basic credentials and secret pairs from free text', () => {
    const text = `got ${JWT} and Authorization: Bearer abcdefgh12345678 Basic dXNlcjpwYXNz\n${PEM_KEY}\nclient_secret=${SECRET}&client_id=abc {"accessToken": "opaque-token-value", "tenant": "t1"} password: hunter2hunter2`;
    const out = redactText(text);
    assert.ok(!out.includes(JWT));
    assert.ok(!out.includes('abcdefgh12345678'));
    assert.ok(!out.includes('dXNlcjpwYXNz'));
    assert.ok(!out.includes('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'));
    assert.ok(!out.includes(SECRET));
    assert.ok(!out.includes('opaque-token-value'));
    assert.ok(!out.includes('hunter2hunter2'));
    assert.ok(out.includes('client_id=abc'));
    assert.ok(out.includes('"tenant": "t1"'));
  });

  it('removes registered secret values wherever they appear, including URL-encoded', () => {
    const r = new Redactor({ secrets: [SECRET] });
    const out = r.text(`the secret is ${SECRET} or ${encodeURIComponent(SECRET)} in a sentence`);
    assert.ok(!out.includes(SECRET));
    assert.ok(!out.includes(encodeURIComponent(SECRET)));
    assert.match(out, /REDACTED/);
  });

  it('redacts form fields by name, and an authorization code only in forms', () => {
    const r = new Redactor();
    const v = r.value(
      new URLSearchParams({
        client_secret: 'x'.repeat(20),
        code: 'c'.repeat(40),
        client_id: 'cid',
        grant_type: 'client_credentials',
      }),
    ) as Record<string, string>;
    assert.equal(v.client_secret, REDACTED);
    assert.equal(v.code, REDACTED);
    assert.equal(v.client_id, 'cid');
    const j = r.value({
      error: { code: 'InvalidScope', message: 'bad' },
      refresh_token: 'rt',
      nested: [{ password: 'p' }],
    }) as Record<string, unknown>;
    assert.deepEqual(j.error, { code: 'InvalidScope', message: 'bad' });
    assert.equal(j.refresh_token, REDACTED);
    assert.deepEqual(j.nested, [{ password: REDACTED }]);
    assert.equal(r.value(new SecretValue('abc')), REDACTED);
  });

  it('redacts URL query secrets and proxy passwords', () => {
    const r = new Redactor();
    assert.ok(!r.url('http://user:pa55word@proxy:8080').includes('pa55word'));
    const u = r.url(`https://h/x?client_secret=${SECRET}&resource=r`);
    assert.ok(!u.includes(SECRET));
    assert.ok(u.includes('resource=r'));
    assert.equal(r.url('not a url password=abcdef'), `not a url password=${REDACTED}`);
  });

  it('survives hostile input (huge, binary, deeply nested) without throwing', () => {
    const r = new Redactor({ secrets: [SECRET] });
    const huge = 'a'.repeat(2_000_000) + SECRET;
    assert.ok(!r.text(huge).includes(SECRET));
    r.text('\u0000\uffff\ud800 -----BEGIN RSA PRIVATE KEY----- unterminated');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) {
      deep.child = {};
      deep = deep.child as Record<string, unknown>;
    }
    assert.doesNotThrow(() => r.value(root));
  });

  it('no secret reaches memory, text or JSON sinks, whichever event carries it', () => {
    const mem = new MemorySink();
    const lines: string[] = [];
    const json: string[] = [];
    const env = { AZURE_CLIENT_SECRET: SECRET, AZURE_CLIENT_ID: 'cid', IDENTITY_HEADER: 'identity-header-value-123' };
    const tracer = new Tracer({
      sink: fanOut(mem, new TextSink((l) => lines.push(l)), new JsonLinesSink((l) => json.push(l))),
      env,
    });
    const t = tracer.forStep('EnvironmentCredential');
    t.start(`starting with ${SECRET}`);
    t.config({ variables: Object.entries(env).map(([name, value]) => ({ name, set: true, value })) });
    t.http({
      method: 'POST',
      url: `https://login/x?client_secret=${SECRET}`,
      status: 200,
      requestHeaders: { Authorization: `Bearer ${JWT}`, 'X-IDENTITY-HEADER': 'identity-header-value-123' },
      requestBody: new URLSearchParams({ client_secret: SECRET, client_assertion: JWT }) as unknown,
      responseBody: { access_token: JWT, refresh_token: 'rt-value-abcdef', id_token: JWT, token_type: 'Bearer' },
      durationMs: 1,
    });
    t.process({
      command: 'az',
      args: ['login', '-p', SECRET],
      exitCode: 0,
      stdout: `{"accessToken": "${JWT}"}`,
      stderr: `ERROR ${SECRET}`,
      durationMs: 2,
    });
    t.note('info', `value ${SECRET}`, { secret: SECRET, private: PEM_KEY });
    t.outcome({ outcome: 'failed', message: `bad ${SECRET} ${PEM_KEY}`, durationMs: 3 });
    const all = [JSON.stringify(mem.events), lines.join('\n'), json.join('\n'), JSON.stringify(t.events)];
    for (const s of all) {
      for (const bad of [
        SECRET,
        JWT,
        'rt-value-abcdef',
        'identity-header-value-123',
        'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      ])
        assert.ok(!s.includes(bad), `leaked ${bad.slice(0, 10)} in ${s.slice(0, 200)}`);
    }
    assert.ok(lines.some((l) => l.includes('AZURE_CLIENT_ID = cid')));
    assert.equal(mem.events.length, 6);
  });

  it('a labelled secret followed by a JWT in one run of characters is removed whole', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.c2ln';
    const out = redactText(`GET https://x/client_secret=Sup3rS3cretValue99/${jwt}/t.json`);
    assert.ok(!out.includes('Sup3rS3cretValue99'), out);
    assert.ok(!out.includes(jwt), out);
  });
});
