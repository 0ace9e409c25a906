/**
 * `azauth call` against the sandbox's resource stand-ins: a preset with the token on stdin, the explained 403, the
 * JSON contract, the token kept out of the output unless asked, and usage errors (plain http off loopback, a token
 * on the command line). Run inside a loopback-only network namespace.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { captureIo } from '../cli-io';
import { postForm } from '../sandbox/helpers';

describe('azauth call', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let dir: string;
  let caFile: string;
  let token: string;
  before(async () => {
    sb = await startSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'azauth-call-'));
    caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, sb.caPem);
    const r = await postForm(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope: 'https://management.azure.com/.default',
    });
    token = String(r.json().access_token);
  });
  after(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a preset with the token on stdin: the explained 403 with the az role assignment line, exit 1, no token in the output', async () => {
    const io = captureIo({ stdin: `Bearer ${token}\n` });
    const code = await main(
      [
        'call',
        '--preset',
        'arm-resource-groups',
        '--subscription',
        DEMO.subscriptionId,
        '--endpoint',
        `${sb.resources.baseUrl}/arm`,
        '--ca',
        caFile,
      ],
      io,
    );
    assert.equal(code, 1, io.err());
    const out = io.out();
    assert.match(out, /HTTP 403/);
    assert.match(out, /AuthorizationFailed \(permission\)/);
    assert.match(out, /az role assignment create --assignee [0-9a-f-]{36} --role "Reader" --scope "\/subscriptions\//);
    assert.ok(!out.includes(token) && !out.includes(token.split('.')[2]!));
  });

  it('--json carries request, response and explanation; --show-token adds the token only then', async () => {
    const io = captureIo({ stdin: token });
    const code = await main(
      ['call', '--json', '--service', 'arm', '--ca', caFile, 'GET', `${sb.resources.baseUrl}/arm/subscriptions`],
      io,
    );
    assert.equal(code, 0, io.err());
    const j = JSON.parse(io.out()) as {
      response: { status: number };
      explanation: { outcome: string };
      accessToken?: string;
      request: { headers: Record<string, string> };
    };
    assert.equal(j.response.status, 200);
    assert.equal(j.explanation.outcome, 'authorized');
    assert.equal(j.accessToken, undefined);
    assert.equal(j.request.headers.authorization, 'Bearer [REDACTED]');
    const io2 = captureIo({ stdin: token });
    await main(
      [
        'call',
        '--json',
        '--show-token',
        '--service',
        'arm',
        '--ca',
        caFile,
        'GET',
        `${sb.resources.baseUrl}/arm/subscriptions`,
      ],
      io2,
    );
    assert.equal((JSON.parse(io2.out()) as { accessToken: string }).accessToken, token);
  });

  it('usage errors: plain http to a non-loopback host, a token on the command line, an unknown preset', async () => {
    const a = captureIo({ stdin: token });
    assert.equal(await main(['call', 'GET', 'http://management.azure.com/subscriptions'], a), 2);
    assert.match(a.err(), /plain http is accepted only for loopback/);
    const b = captureIo();
    assert.equal(await main(['call', `--token=${token}`, 'GET', 'https://management.azure.com/'], b), 2);
    assert.ok(!b.err().includes(token));
    const c = captureIo({ stdin: token });
    assert.equal(await main(['call', '--preset', 'nope'], c), 2);
    assert.match(c.err(), /unknown preset/);
  });
});
