// Tokens decoded and error messages explained per second, as a ratio to plain JSON.parse of the same payloads
// (the floor: nothing can decode a JWT faster than parsing its JSON).
import { createRequire } from 'node:module';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);
const engine = require('../dist/engine.js');

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64u = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function token(i) {
  const header = { typ: 'JWT', alg: 'RS256', kid: 'bench' };
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: 'https://management.azure.com',
    iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    iat: now,
    nbf: now,
    exp: now + 3600,
    aio: 'E2ZgYJg' + i,
    appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    appidacr: '0',
    idp: 'live.com',
    idtyp: 'user',
    name: `User ${i}`,
    oid: randomUUID(),
    puid: '10032001',
    rh: '0.AAAA',
    scp: 'user_impersonation',
    sub: randomUUID(),
    tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    unique_name: `user${i}@contoso.com`,
    uti: 'x' + i,
    ver: '1.0',
    wids: ['b79fbf4d-3ef9-4689-8143-76b194e85509'],
    xms_tcdt: 1289241547,
  };
  const input = `${b64u(header)}.${b64u(payload)}`;
  const sig = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
  return { raw: `${input}.${sig}`, json: [JSON.stringify(header), JSON.stringify(payload)] };
}
const tokens = Array.from({ length: 200 }, (_, i) => token(i));
const errors = Array.from({ length: 200 }, (_, i) => {
  const body = {
    error: 'invalid_client',
    error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${randomUUID()}'.\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: 2026-11-25 10:0${i % 10}:00Z`,
    error_codes: [7000215],
    timestamp: '2026-11-25 10:00:00Z',
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
    error_uri: 'https://login.microsoftonline.com/error?code=7000215',
  };
  return JSON.stringify(body);
});

function rate(fn, items, minMs = 400) {
  let n = 0;
  for (let i = 0; i < 200; i++) fn(items[i % items.length]); // warm-up
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 100; i++) fn(items[(n + i) % items.length]);
    n += 100;
    t = performance.now();
  }
  return (n / (t - t0)) * 1000;
}

let sink = 0;
const rows = [];
const jsonTokens = rate(
  (t) => (sink += JSON.parse(t.json[0]).alg.length + Object.keys(JSON.parse(t.json[1])).length),
  tokens,
);
const decode = rate((t) => (sink += engine.decodeToken(t.raw).ok ? 1 : 0), tokens);
rows.push({
  name: 'decodeToken (header + payload)',
  perSecond: decode,
  baselinePerSecond: jsonTokens,
  ratio: jsonTokens / decode,
});
const now = Date.now();
const explain = rate((t) => {
  const d = engine.decodeToken(t.raw);
  sink += engine.explainClaims(d.payload, d.header, { now }).length;
}, tokens);
rows.push({
  name: 'decodeToken + explainClaims (every claim explained)',
  perSecond: explain,
  baselinePerSecond: jsonTokens,
  ratio: jsonTokens / explain,
});
const jsonErrors = rate((e) => (sink += JSON.parse(e).error_codes.length), errors);
const explainErr = rate((e) => (sink += engine.explainText(e).codes.length), errors);
rows.push({
  name: 'explainText (Entra error body)',
  perSecond: explainErr,
  baselinePerSecond: jsonErrors,
  ratio: jsonErrors / explainErr,
});
for (const r of rows)
  console.log(
    `  ${r.name}: ${Math.round(r.perSecond)}/s (JSON.parse ${Math.round(r.baselinePerSecond)}/s, ×${r.ratio.toFixed(2)})`,
  );
process.stdout.write('BENCH-RESULT ' + JSON.stringify({ rows, sink: sink > 0 }) + '\n');
