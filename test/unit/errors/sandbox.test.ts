/**
 * Real Entra-shaped failures from the sandbox are parsed, classified and explained.
 * Run inside a loopback-only network namespace (see docs/HELPERS.md).
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { explainText } from '../../../src/core/errors/explain';
import { classifyError } from '../../../src/core/errors/classify';
import { decodeToken } from '../../../src/core/token/decode';
import { explainClaims } from '../../../src/core/token/claims';

function post(sb: Sandbox, url: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = request(
      url,
      { method: 'POST', ca: sb.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('sandbox error bodies', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.close();
  });

  it('a wrong client secret: the code, trace id and correlation id of the real body', async () => {
    const r = await post(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: 'wrong',
      scope: 'https://management.azure.com/.default',
    });
    assert.equal(r.status, 401);
    const body = JSON.parse(r.body) as {
      error_codes: number[];
      trace_id: string;
      correlation_id: string;
      error: string;
    };
    const x = explainText(r.body);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      body.error_codes,
    );
    assert.ok(x.codes.every((c) => c.fixes.length > 0 && c.docsUrl.endsWith(`code=${c.code}`)));
    assert.equal(x.context.traceId, body.trace_id);
    assert.equal(x.context.correlationId, body.correlation_id);
    assert.equal(x.context.oauthError, body.error);
    const info = classifyError(body);
    assert.deepEqual([info.kind, info.errorCodes, info.traceId], ['aadsts', body.error_codes, body.trace_id]);
  });

  it('workload identity with an unregistered subject: AADSTS70021 and what the assertion carried', async () => {
    const assertion = await sb.issueFederatedToken({
      subject: 'system:serviceaccount:default:someone-else',
      audience: 'api://AzureADTokenExchange',
    });
    const d = decodeToken(assertion);
    assert.ok(d.ok && d.kind === 'jwt');
    const sub = explainClaims(d, { now: Date.now() }).find((c) => c.name === 'sub')!;
    assert.match(sub.interpretation, /Kubernetes service account "someone-else" in namespace "default"/);
    const r = await post(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.workloadClientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: 'https://management.azure.com/.default',
    });
    assert.equal(r.status >= 400, true, r.body);
    const x = explainText(r.body);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [70021],
    );
    assert.equal(x.context.assertion?.subject, 'system:serviceaccount:default:someone-else');
    assert.equal(x.context.assertion?.audience, 'api://AzureADTokenExchange');
    assert.equal(x.context.assertion?.issuer, String(d.payload.iss));
    assert.ok(x.other.some((o) => o.id === 'federated-assertion'));
    assert.ok(!JSON.stringify(x).includes(assertion), 'the assertion is never echoed by the explanation');
  });
});
