import assert from 'node:assert/strict';
import {
  decodeToken,
  explainClaims,
  explainText,
  tokenExpiry,
  useAadstsCatalog,
  validateToken,
} from '../../../src/core/index';
import {
  buildSnapshot,
  claimRows,
  displayText,
  failureView,
  MAX_VALUE_CHARS,
  runTimeline,
  selectedTokenId,
  tokenDetail,
  tokenVerdict,
  verdicts,
} from '../../../src/extension/inspector/snapshot';
import { armV1Payload, jwt, makeSigner, NOW as TOKEN_NOW } from '../token/helpers';
import type { StoredRun } from '../../../src/extension/runStore';
import type {
  ChainResult,
  ClaimExplanation,
  ExplainedCode,
  Explanation,
  StepResult,
  Validation,
} from '../../../src/core/index';
import { armPayload, makeJwt, NOW, storeWith, tokenInfo } from './fixtures';

function analysisOf(raw: string, claims?: ClaimExplanation[], validation?: Validation) {
  return { decoded: decodeToken(raw), claims, validation };
}

describe('inspector snapshot builder', () => {
  it('lists the tokens and details the selected one from the decoded header and claims', () => {
    const raw = makeJwt(armPayload());
    const t = tokenInfo(raw);
    const snap = buildSnapshot({ store: storeWith([t]), analyses: new Map([[t.id, analysisOf(raw)]]) });
    assert.equal(snap.version, 1);
    assert.equal(snap.tokens.length, 1);
    assert.equal(snap.tokens[0].fingerprint, t.summary.fingerprint);
    assert.equal(snap.tokens[0].active, true);
    assert.equal(snap.selectedTokenId, t.id);
    assert.ok(snap.detail);
    assert.equal(snap.detail.kind, 'jwt');
    assert.equal(snap.detail.rawLength, raw.length);
    assert.equal(snap.detail.refreshable, false, 'no request known');
    const withRequest = buildSnapshot({
      store: storeWith([{ ...t, request: { credential: 'chain', scopes: ['s'] } }]),
    });
    assert.equal(withRequest.detail?.refreshable, true);
    const decodedOne = buildSnapshot({
      store: storeWith([{ ...t, origin: 'decoded', request: { credential: 'chain', scopes: ['s'] } }]),
    });
    assert.equal(decodedOne.detail?.refreshable, false, 'a pasted token cannot be refreshed');
    assert.equal(snap.detail.expiresOnEpochMs, NOW + 3600_000);
    assert.equal(snap.detail.issuedAtEpochMs, NOW - 300_000);
    assert.deepEqual(
      snap.detail.header.map((r) => r.name),
      ['alg', 'typ', 'kid'],
    );
    const aud = snap.detail.claims.find((r) => r.name === 'aud');
    assert.equal(aud?.value, 'https://management.azure.com');
  });

  it('never carries the raw token or any of its segments, even though the decoder result has a raw field', () => {
    const raw = makeJwt(armPayload());
    const t = tokenInfo(raw);
    const decoded = decodeToken(raw);
    assert.equal((decoded as { raw?: string }).raw, raw, 'precondition: the decoder returns the raw token');
    const snap = buildSnapshot({
      store: storeWith([t]),
      analyses: new Map([[t.id, { decoded, claims: explainClaims(decoded, { now: NOW }) }]]),
    });
    const json = JSON.stringify(snap);
    const [h, p, s] = raw.split('.');
    assert.ok(!json.includes(`${h}.${p}`), 'header.payload must not appear');
    assert.ok(!json.includes(p), 'the payload segment must not appear');
    assert.ok(!json.includes(s), 'the signature segment must not appear');
    assert.ok(!json.includes('"raw"'), 'no raw field');
    assert.equal(snap.detail?.claims.find((r) => r.name === 'aud')?.value, 'https://management.azure.com');
  });

  it('keeps hostile claim values as plain text and caps huge ones', () => {
    const hostile = {
      name: '<img src=x onerror="alert(1)">',
      given_name: '<script>alert(document.cookie)</script>',
      family_name: '"><svg/onload=alert(1)>',
      groups: ['<b>admins</b>', { nested: '<iframe src=javascript:alert(1)>' }],
      huge: 'A'.repeat(300_000),
      ['<th onclick=alert(1)>']: 'claim name is hostile too',
      ctrl: 'line1\nline2\u0000\u202Eevil',
    };
    const raw = makeJwt(armPayload(hostile));
    const t = tokenInfo(raw);
    // Through the real claims catalog too: interpretations may quote values, still as text.
    const explained = buildSnapshot({
      store: storeWith([t]),
      analyses: new Map([[t.id, analysisOf(raw, explainClaims(decodeToken(raw), { now: NOW }))]]),
    });
    const named = explained.detail!.claims.find((r) => r.name === 'name');
    assert.equal(named?.value, hostile.name);
    assert.equal(explained.detail!.claims.find((r) => r.name === 'huge')?.truncated, true);
    for (const r of explained.detail!.claims) assert.ok(r.interpretation.length <= 2001 && r.meaning.length <= 2001);
    const snap = buildSnapshot({ store: storeWith([t]), analyses: new Map([[t.id, analysisOf(raw)]]) });
    const rows = new Map(snap.detail!.claims.map((r) => [r.name, r]));
    assert.equal(rows.get('name')?.value, hostile.name);
    assert.equal(rows.get('given_name')?.value, hostile.given_name);
    assert.equal(rows.get('family_name')?.value, hostile.family_name);
    assert.equal(rows.get('groups')?.value, JSON.stringify(hostile.groups));
    assert.equal(rows.get('<th onclick=alert(1)>')?.value, 'claim name is hostile too');
    assert.equal(rows.get('ctrl')?.value, hostile.ctrl);
    const huge = rows.get('huge')!;
    assert.equal(huge.truncated, true);
    assert.equal(huge.value.length, MAX_VALUE_CHARS + 1);
    for (const r of snap.detail!.claims) assert.equal(typeof r.value, 'string');
    // The whole snapshot stays small even with a 300 KB claim.
    assert.ok(JSON.stringify(snap).length < 50_000);
  });

  it('survives claims that are not plain strings (numbers, null, deep objects, __proto__)', () => {
    const payload = JSON.parse(
      '{"__proto__":{"polluted":true},"n":1.5,"b":false,"z":null,"deep":{"a":{"b":{"c":[1,2,3]}}}}',
    );
    const raw = makeJwt({ ...armPayload(), ...payload });
    const t = tokenInfo(raw);
    const snap = buildSnapshot({ store: storeWith([t]), analyses: new Map([[t.id, analysisOf(raw)]]) });
    const rows = new Map(snap.detail!.claims.map((r) => [r.name, r.value]));
    assert.equal(rows.get('n'), '1.5');
    assert.equal(rows.get('b'), 'false');
    assert.equal(rows.get('z'), 'null');
    assert.equal(rows.get('deep'), '{"a":{"b":{"c":[1,2,3]}}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('takes meanings and interpretations from the claims catalog rows, one table per location', () => {
    const row = (over: Partial<ClaimExplanation>): ClaimExplanation => ({
      name: 'x',
      value: 'x',
      meaning: '',
      interpretation: '',
      known: false,
      tokenKinds: [],
      location: 'payload',
      ...over,
    });
    const explained = [
      row({
        name: 'aud',
        value: 'https://management.azure.com',
        meaning: 'Who the token is for',
        interpretation: 'Azure Resource Manager',
        known: true,
      }),
      row({ name: 'custom' }),
      row({ name: 'alg', value: 'RS256', location: 'header', known: true, meaning: 'Signing algorithm' }),
    ];
    const rows = claimRows(explained, undefined);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], {
      name: 'aud',
      value: 'https://management.azure.com',
      truncated: false,
      meaning: 'Who the token is for',
      interpretation: 'Azure Resource Manager',
      known: true,
    });
    assert.equal(rows[1].known, false);
    assert.deepEqual(
      claimRows(explained, undefined, 'header').map((r) => r.name),
      ['alg'],
    );
    // Without the catalog's rows, the decoded fields themselves, with empty meanings.
    assert.deepEqual(claimRows(undefined, { aud: 'a', n: 1 }), [
      { name: 'aud', value: 'a', truncated: false, meaning: '', interpretation: '', known: false },
      { name: 'n', value: '1', truncated: false, meaning: '', interpretation: '', known: false },
    ]);
  });

  it('splits the real explainClaims output into the header and claims tables, with meanings', () => {
    const raw = makeJwt(armPayload({ made_up_claim: 1 }));
    const decoded = decodeToken(raw);
    const t = tokenInfo(raw);
    const explained = explainClaims(decoded, { now: NOW });
    const detail = tokenDetail(t, { decoded, claims: explained });
    assert.deepEqual(
      detail.header.map((r) => r.name),
      ['alg', 'typ', 'kid'],
    );
    assert.ok(
      detail.header.every((r) => r.meaning.length > 0),
      'header fields have meanings',
    );
    assert.ok(!detail.claims.some((r) => r.name === 'alg'), 'header fields are not repeated as claims');
    const aud = detail.claims.find((r) => r.name === 'aud');
    assert.ok(aud && aud.known && aud.meaning.length > 0);
    assert.match(aud.interpretation, /Resource Manager/);
    assert.equal(detail.claims.find((r) => r.name === 'made_up_claim')?.known, false);
  });

  it('adds the lifetime and a clock-skew warning from tokenExpiry', () => {
    const raw = makeJwt(armPayload({ iat: NOW / 1000 + 3600, nbf: NOW / 1000, exp: NOW / 1000 + 7200 }));
    const decoded = decodeToken(raw);
    const detail = tokenDetail(tokenInfo(raw), { decoded, expiry: tokenExpiry(decoded, { now: NOW }) });
    assert.equal(detail.lifetimeMs, 3600_000);
    assert.ok(
      detail.warnings.some((w) => /clock/.test(w)),
      detail.warnings.join(' | '),
    );
    const fine = tokenDetail(tokenInfo(makeJwt(armPayload())), { decoded: decodeToken(makeJwt(armPayload())) });
    assert.equal(fine.lifetimeMs, undefined, 'no expiry analysis, no lifetime');
    assert.deepEqual(fine.warnings, []);
  });

  it('maps the real validateToken verdicts (signature skipped offline)', async () => {
    const raw = makeJwt(
      armPayload({ exp: Date.now() / 1000 + 600, iat: Date.now() / 1000 - 60, nbf: Date.now() / 1000 - 60 }),
    );
    const v = verdicts(
      await validateToken(decodeToken(raw), {
        expectedScope: 'https://management.azure.com/.default',
        now: Date.now(),
      }),
    );
    const byCheck = new Map(v.map((x) => [x.check, x.status]));
    assert.equal(byCheck.get('audience'), 'pass');
    assert.equal(byCheck.get('time'), 'pass');
    assert.equal(byCheck.get('signature'), 'skip', 'no keys were given: the signature is not checked');
  });

  it('maps every verdict word of the core, and caps the list', () => {
    const validation = (verdicts: Validation['verdicts']): Validation => ({
      verdict: 'invalid',
      summary: 's',
      valid: false,
      verdicts,
    });
    assert.deepEqual(
      verdicts(
        validation([
          { check: 'audience', verdict: 'pass', reason: 'matches' },
          { check: 'issuer', verdict: 'fail', reason: 'wrong tenant' },
          { check: 'time', verdict: 'warn', reason: 'expires soon' },
          { check: 'signature', verdict: 'skipped', reason: 'offline' },
        ]),
      ),
      [
        { check: 'audience', status: 'pass', reason: 'matches' },
        { check: 'issuer', status: 'fail', reason: 'wrong tenant' },
        { check: 'time', status: 'warn', reason: 'expires soon' },
        { check: 'signature', status: 'skip', reason: 'offline' },
      ],
    );
    assert.deepEqual(verdicts(undefined), []);
    const many = Array.from({ length: 10_000 }, () => ({
      check: 'time' as const,
      verdict: 'pass' as const,
      reason: '',
    }));
    assert.equal(verdicts(validation(many)).length, 50);
  });

  it('explains opaque, encrypted and malformed tokens instead of claims', () => {
    const opaque = tokenInfo('0.AXYZabcdefghijklmnopqrstuvwxyz0123456789abcdef', 'tok-o');
    const d1 = tokenDetail(opaque, { decoded: decodeToken('0.AXYZabcdefghijklmnopqrstuvwxyz0123456789abcdef') });
    assert.equal(d1.kind, 'opaque');
    assert.match(d1.notice ?? '', /opaque|refresh/i);
    assert.equal(d1.claims.length, 0);
    const jwe = 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d';
    const d2 = tokenDetail(tokenInfo(jwe, 'tok-e'), { decoded: decodeToken(jwe) });
    assert.equal(d2.kind, 'jwe');
    assert.equal(d2.header.find((r) => r.name === 'enc')?.value, 'A256GCM');
    const bad = tokenDetail(tokenInfo('a.b.c', 'tok-b'), { decoded: decodeToken('a.%%%.c') });
    assert.equal(bad.kind, 'error');
    assert.ok(bad.notice && bad.notice.length > 0);
    const none = tokenDetail(tokenInfo('a.b.c', 'tok-n'), undefined);
    assert.equal(none.kind, 'error');
  });

  it('explains the last error with the AADSTS catalog and rebuilds every docs link from the code', () => {
    useAadstsCatalog([
      {
        code: 700016,
        name: 'UnauthorizedClient_DoesNotMatchRequest',
        meaning: 'The application id is not known in this tenant.',
        causes: ['Wrong client id', 'App registered in another tenant'],
        fixes: ['Check AZURE_CLIENT_ID'],
        category: 'client',
        docsUrl: 'https://login.microsoftonline.com/error?code=700016',
      },
    ]);
    try {
      explainsWithCatalog();
    } finally {
      useAadstsCatalog(undefined);
    }
  });

  function explainsWithCatalog(): void {
    const text =
      "AADSTS700016: Application with identifier 'abc' was not found in the directory. Trace ID: 0a1b2c3d-0000-0000-0000-000000000001 Correlation ID: 11111111-2222-3333-4444-555555555555 Timestamp: 2026-11-25 09:00:00Z";
    const view = failureView(
      {
        id: 'err-1',
        at: NOW,
        source: 'Acquire Token',
        error: { kind: 'aadsts', message: text, errorCodes: [700016, 9999999] },
      },
      explainText(text),
    );
    assert.equal(view.kind, 'aadsts');
    const c = view.codes.find((x) => x.code === 700016);
    assert.ok(c, 'AADSTS700016 explained');
    assert.equal(c.docsUrl, 'https://login.microsoftonline.com/error?code=700016');
    assert.ok(c.fixes.length > 0);
    assert.ok(view.unknownCodes.includes(9999999));
    assert.equal(view.correlationId, '11111111-2222-3333-4444-555555555555');

    const code = (over: Partial<ExplainedCode>): ExplainedCode => ({
      code: 50076,
      name: 'x',
      meaning: '',
      causes: [],
      fixes: [],
      category: 'x',
      docsUrl: 'javascript:alert(1)',
      ...over,
    });
    const explanation = (codes: ExplainedCode[]): Explanation => ({
      codes,
      unknownCodes: [],
      context: {},
      other: [],
      message: '',
    });
    const evil = failureView({
      id: 'e',
      at: 0,
      source: 's',
      explanation: explanation([code({ causes: ['<b>c</b>'], fixes: ['[x](command:evil)'] })]),
    });
    assert.equal(evil.codes[0].docsUrl, 'https://login.microsoftonline.com/error?code=50076');
    assert.deepEqual(evil.codes[0].causes, [[{ kind: 'text', text: '<b>c</b>' }]]);
    assert.deepEqual(evil.codes[0].fixes, [[{ kind: 'text', text: '[x](command:evil)' }]], 'a link stays text');
    assert.deepEqual(
      failureView({
        id: 'e',
        at: 0,
        source: 's',
        explanation: explanation([code({ code: -1 }), code({ code: 1.5 })]),
      }).codes,
      [],
    );
  }

  it('explains failures without a code through the other explanations', () => {
    const view = failureView(
      {
        id: 'e',
        at: 0,
        source: 'chain',
        error: { kind: 'network', message: 'connect ECONNREFUSED 127.0.0.1:443', errorCodes: [] },
      },
      explainText('connect ECONNREFUSED 127.0.0.1:443'),
    );
    assert.equal(view.codes.length, 0);
    assert.ok(view.other.length > 0, 'ECONNREFUSED has an explanation');
    assert.ok(view.other[0].title.length > 0);
  });

  it('places chain steps on a time axis: sequential steps follow each other, the winner is marked', () => {
    const step = (credential: string, outcome: StepResult['outcome'], durationMs: number): StepResult => ({
      credential,
      outcome,
      message: `${credential} ${outcome}`,
      durationMs,
      errorCodes: [],
      events: [],
    });
    const result: ChainResult = {
      mode: 'sequential',
      profile: 'js',
      scope: 'https://management.azure.com/.default',
      selection: { source: 'default', credentials: [], reason: '' },
      winner: 'AzureCLICredential',
      steps: [
        step('EnvironmentCredential', 'unavailable', 2),
        step('ManagedIdentityCredential', 'unavailable', 1000),
        step('AzureCLICredential', 'success', 800),
      ],
      token: null,
      error: null,
      startedAt: new Date(NOW).toISOString(),
      durationMs: 1810,
    };
    const run: StoredRun = { id: 'run-1', at: NOW + 1810, result };
    const tl = runTimeline(run);
    assert.deepEqual(
      tl.steps.map((s) => [s.startMs, s.endMs]),
      [
        [0, 2],
        [2, 1002],
        [1002, 1802],
      ],
    );
    assert.deepEqual(
      tl.steps.map((s) => s.winner),
      [false, false, true],
    );
    assert.equal(tl.durationMs, 1810);
    assert.match(tl.summary, /AzureCLICredential/);

    const diag = runTimeline({ ...run, result: { ...result, mode: 'diagnose' } });
    assert.deepEqual(
      diag.steps.map((s) => s.startMs),
      [0, 0, 0],
    );

    // A step-start event gives the real offset.
    const withEvents = {
      ...result,
      steps: [
        { ...result.steps[0], events: [{ kind: 'step-start' as const, at: NOW + 50, step: 'EnvironmentCredential' }] },
      ],
    };
    assert.equal(runTimeline({ ...run, result: withEvents }).steps[0].startMs, 50);
    // A note that repeats the message is shown once; a different note is kept.
    const noted = {
      ...result,
      steps: [
        {
          ...result.steps[0],
          message: 'not tried: X already returned a token',
          note: 'not tried: X already returned a token',
        },
        { ...result.steps[1], note: 'extra' },
      ],
    };
    const nt = runTimeline({ ...run, result: noted });
    assert.equal(nt.steps[0].note, undefined);
    assert.equal(nt.steps[1].note, 'extra');
    // Garbage durations and outcomes stay inside the axis.
    const junk = { ...result, steps: [{ ...result.steps[0], durationMs: Number.NaN, outcome: 'exploded' as never }] };
    const j = runTimeline({ ...run, result: junk }).steps[0];
    assert.equal(j.durationMs, 0);
    assert.equal(j.outcome, 'failed');
  });

  it('explains a failed chain run that is newer than the last error', () => {
    const result: ChainResult = {
      mode: 'sequential',
      profile: 'go',
      scope: 's',
      selection: { source: 'default', credentials: [], reason: '' },
      winner: null,
      steps: [],
      token: null,
      error: { kind: 'aadsts', message: 'AADSTS7000215: Invalid client secret provided.', errorCodes: [7000215] },
      startedAt: new Date(NOW).toISOString(),
      durationMs: 5,
    };
    const older = {
      id: 'err-old',
      at: NOW - 10_000,
      source: 'Explain Error',
      error: { kind: 'unknown', message: 'old', errorCodes: [] },
    };
    const withRun = storeWith([], {
      runs: [{ id: 'run-1', at: NOW, result }],
      lastError: older,
      selection: { kind: 'run', id: 'run-1' },
    });
    const snap = buildSnapshot({ store: withRun, failureExplanation: explainText(result.error!.message) });
    assert.equal(snap.failure?.id, 'run-error-run-1');
    assert.equal(snap.failure?.kind, 'aadsts');
    assert.match(snap.failure?.source ?? '', /Credential chain/);
    assert.deepEqual([snap.failure?.codes.map((c) => c.code), snap.failure?.unknownCodes], [[7000215], []]);
    // A newer error in the store wins over the run; a run without an error leaves the last error alone.
    const newer = { ...older, id: 'err-new', at: NOW + 1 };
    assert.equal(buildSnapshot({ store: { ...withRun, lastError: newer } }).failure?.id, 'err-new');
    const ok = storeWith([], {
      runs: [{ id: 'run-2', at: NOW, result: { ...result, error: null, winner: 'X' } }],
      lastError: older,
    });
    assert.equal(buildSnapshot({ store: ok }).failure?.id, 'err-old');
  });

  it("selects the store selection, else the run's token, else the active token", () => {
    const a = tokenInfo(makeJwt(armPayload({ n: 1 })), 'tok-a');
    const b = { ...tokenInfo(makeJwt(armPayload({ n: 2 })), 'tok-b'), runId: 'run-9' };
    assert.equal(selectedTokenId(storeWith([a, b], { selection: { kind: 'token', id: 'tok-b' } })), 'tok-b');
    assert.equal(selectedTokenId(storeWith([a, b], { selection: { kind: 'run', id: 'run-9' } })), 'tok-b');
    assert.equal(
      selectedTokenId(storeWith([a, b], { selection: { kind: 'token', id: 'gone' }, activeTokenId: 'tok-a' })),
      'tok-a',
    );
    assert.equal(selectedTokenId(storeWith([])), null);
    const empty = buildSnapshot({ store: storeWith([]) });
    assert.equal(empty.detail, null);
    assert.equal(empty.failure, null);
    assert.equal(empty.run, null);
  });

  it('displayText never throws (cycles, bigint, symbols) and caps length', () => {
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    assert.equal(displayText(cyc).text, '[unprintable value]');
    assert.equal(displayText(10n).text, '10');
    assert.equal(displayText(undefined).text, '');
    assert.equal(displayText('x'.repeat(10), 5).text, 'xxxxx…');
  });

  it('carries the validation verdict of the selected token: verified, invalid or unverified, each with its reason', async () => {
    const signer = await makeSigner();
    const signed = await signer.sign(armV1Payload());
    const scope = 'https://management.azure.com/.default';
    const cases: [string, string, Parameters<typeof validateToken>[1]][] = [
      ['verified', signed, { expectedScope: scope, jwks: signer.jwks, now: TOKEN_NOW }],
      ['unverified', signed, { expectedScope: scope, now: TOKEN_NOW }],
      [
        'invalid',
        jwt(armV1Payload(), { alg: 'none', typ: 'JWT' }, ''),
        { expectedScope: scope, jwks: signer.jwks, now: TOKEN_NOW },
      ],
    ];
    for (const [want, raw, opts] of cases) {
      const validation = await validateToken(raw, opts);
      const detail = tokenDetail(tokenInfo(raw, 'tok-v'), analysisOf(raw, undefined, validation));
      assert.equal(detail.verdict?.verdict, want);
      assert.ok((detail.verdict?.summary.length ?? 0) > 10, want);
    }
    assert.equal(tokenVerdict(undefined), undefined);
  });
});
