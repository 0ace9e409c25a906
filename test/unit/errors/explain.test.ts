import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AggregateAuthenticationError, AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { ServerError, InteractionRequiredAuthError } from '@azure/msal-node';
import { explainText, nonAadstsExplanations, type Explanation } from '../../../src/core/errors/explain';
import { aadstsCatalog, lookupAadsts, useAadstsCatalog } from '../../../src/core/errors/catalog';
import { extract, MAX_EXPLAIN_CHARS } from '../../../src/core/errors/extract';
import { fixtureCatalog } from './fixture';

const TRACE = '12345678-1234-1234-1234-123456789012';
const CORR = 'abcdef01-1234-1234-1234-123456789013';
/** Entra error body in the seed's shape (reference/azidentity-json-flows.md). */
const entraBody = (codes: number[], error = 'invalid_client', text = 'Error validating credentials.') => ({
  error,
  error_description: `${codes.map((c) => `AADSTS${c}: ${text}`).join(' ')}\r\nTrace ID: ${TRACE}\r\nCorrelation ID: ${CORR}\r\nTimestamp: 2025-06-17 10:30:00Z`,
  error_codes: codes,
  timestamp: '2025-06-17 10:30:00Z',
  trace_id: TRACE,
  correlation_id: CORR,
  error_uri: `https://login.microsoftonline.com/error?code=${codes[0]}`,
});
const ids = (x: Explanation) => x.other.map((o) => o.id);

describe('explainText with the fixture catalog', () => {
  before(() => useAadstsCatalog(fixtureCatalog));
  after(() => useAadstsCatalog(undefined));

  it('explains every code of a multi-code Entra body, in order, with its context', () => {
    const x = explainText(entraBody([70002, 50012]));
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [70002, 50012],
    );
    assert.deepEqual(x.codes[1], {
      code: 50012,
      name: 'InvalidClientSecret',
      meaning: 'meaning of 50012',
      causes: ['cause of 50012'],
      fixes: ['fix for 50012'],
      category: 'credentials',
      docsUrl: 'https://login.microsoftonline.com/error?code=50012',
    });
    assert.deepEqual(x.context, {
      traceId: TRACE,
      correlationId: CORR,
      timestamp: '2025-06-17 10:30:00Z',
      oauthError: 'invalid_client',
    });
    assert.deepEqual(x.unknownCodes, []);
    assert.equal(x.message, 'AADSTS70002: Error validating credentials. AADSTS50012: Error validating credentials.');
  });

  it('the same body as JSON text, and as a bare code', () => {
    assert.deepEqual(
      explainText(JSON.stringify(entraBody([50076], 'invalid_grant'))).codes.map((c) => c.code),
      [50076],
    );
    for (const s of ['50076', 'AADSTS50076', ' aadsts50076 \n'])
      assert.deepEqual(
        explainText(s).codes.map((c) => c.code),
        [50076],
        s,
      );
    assert.deepEqual(
      explainText('50012 70002, AADSTS50076').codes.map((c) => c.code),
      [50012, 70002, 50076],
    );
    assert.deepEqual(explainText('port 50012 is closed').codes, [], 'a number in prose is not a code');
  });

  it('an unknown code is reported honestly with the link', () => {
    const x = explainText('AADSTS123456: something new');
    assert.deepEqual(x.unknownCodes, [123456]);
    assert.equal(x.codes.length, 0);
    const o = x.other.find((e) => e.kind === 'unknown-code')!;
    assert.match(o.title, /not in the offline catalog/);
    assert.match(o.meaning, /https:\/\/login\.microsoftonline\.com\/error\?code=123456/);
  });

  it('the catalog can be swapped and restored', () => {
    assert.equal(lookupAadsts(50012)?.name, 'InvalidClientSecret');
    assert.equal(lookupAadsts(1.5), undefined);
  });
});

describe('explainText with the shipped catalog', () => {
  it('the catalog loads lazily and knows the codes users meet most', () => {
    assert.ok(aadstsCatalog().length > 300);
    for (const c of [7000215, 50076, 700016, 70021, 500011, 50020, 53003, 700024, 65001, 90002])
      assert.ok(lookupAadsts(c), `AADSTS${c}`);
  });

  it('msal-node ServerError (errorCode, errorMessage, subError, correlationId, errorNo)', () => {
    const e = new ServerError(
      'invalid_client',
      CORR,
      `AADSTS7000215: Invalid client secret provided.\r\nTrace ID: ${TRACE}\r\nCorrelation ID: ${CORR}\r\nTimestamp: 2025-06-17 10:30:00Z`,
      '',
      '7000215',
      401,
    );
    const x = explainText(e);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [7000215],
    );
    assert.equal(x.codes[0].name, lookupAadsts(7000215)!.name);
    assert.equal(x.context.correlationId, CORR);
    assert.equal(x.context.traceId, TRACE);
    assert.equal(x.context.httpStatus, 401);
    // errorNo alone (msal-common 16 keeps the description out of message) still yields the code.
    assert.deepEqual(
      explainText(
        new ServerError('invalid_client', CORR, 'Invalid client secret provided.', '', '7000215', 401),
      ).codes.map((c) => c.code),
      [7000215],
    );
  });

  it('msal-node InteractionRequiredAuthError with a claims subError', () => {
    const e = new InteractionRequiredAuthError(
      'interaction_required',
      CORR,
      'AADSTS50173: The provided grant has expired due to it being revoked.',
      'basic_action',
      '2025-06-17 10:30:00Z',
      TRACE,
    );
    const x = explainText(e);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [50173],
    );
    assert.equal(x.context.correlationId, CORR);
    assert.ok(ids(x).includes('interaction-required'));
  });

  it('an msal-node error as a plain object (errorCode, subError, correlationId, errorMessage)', () => {
    const x = explainText({
      errorCode: 'invalid_grant',
      subError: 'consent_required',
      correlationId: CORR,
      errorMessage: 'AADSTS65001: The user or administrator has not consented to use the application.',
    });
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [65001],
    );
    assert.equal(x.context.oauthError, 'invalid_grant');
    assert.equal(x.context.correlationId, CORR);
  });

  it('@azure/identity AuthenticationError and the chain aggregate', () => {
    const auth = new AuthenticationError(401, entraBody([7000215]));
    const x = explainText(auth);
    assert.deepEqual(
      [x.codes.map((c) => c.code), x.context.traceId, x.context.httpStatus, x.context.oauthError],
      [[7000215], TRACE, 401, 'invalid_client'],
    );
    const agg = new AggregateAuthenticationError(
      [
        new CredentialUnavailableError('EnvironmentCredential is unavailable. No underlying credential could be used.'),
        auth,
      ],
      'ChainedTokenCredential authentication failed.',
    );
    const y = explainText(agg);
    assert.deepEqual(
      y.codes.map((c) => c.code),
      [7000215],
    );
    assert.ok(ids(y).includes('chain-aggregate'));
    assert.ok(ids(y).includes('env-incomplete'));
  });

  it('Azure CLI stderr: the az login tail is not the cause when a code precedes it', () => {
    const stderr = `ERROR: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: ${TRACE} Correlation ID: ${CORR} Timestamp: 2025-06-17 10:30:00Z\nInteractive authentication is needed. Please run:\naz login --scope https://management.core.windows.net//.default\nPlease run 'az login' to setup account.`;
    const x = explainText(`AzureCLICredential: ${stderr}`);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [50076],
    );
    assert.equal(x.context.credential, 'AzureCLICredential');
    assert.ok(ids(x).includes('az-login-tail'));
    assert.ok(!ids(x).includes('az-not-logged-in'));
    // Without a code, the same tail is the real cause.
    assert.ok(ids(explainText("ERROR: Please run 'az login' to setup account.")).includes('az-not-logged-in'));
  });

  it('azd stderr (JSON and console message forms)', () => {
    assert.ok(
      ids(
        explainText('{"error":"not logged in, run `azd auth login` to login","message":"...","suggestion":"..."}'),
      ).includes('azd-not-logged-in'),
    );
    assert.ok(
      ids(
        explainText(
          '{"type":"consoleMessage","data":{"message":"\\nERROR: not logged in, run `azd auth login` to login\\n"}}',
        ),
      ).includes('azd-not-logged-in'),
    );
  });

  it('Go SDK error with the response body in the middle of the text', () => {
    const go = `ClientSecretCredential authentication failed. \nPOST https://login.microsoftonline.com/${TRACE}/oauth2/v2.0/token\n--------------------------------------------------------------------------------\nRESPONSE 401: 401 Unauthorized\n--------------------------------------------------------------------------------\n${JSON.stringify(entraBody([7000215]), null, 2)}\n--------------------------------------------------------------------------------\nTo troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#client-secret`;
    const x = explainText(go);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [7000215],
    );
    assert.equal(x.context.httpStatus, 401);
    assert.equal(x.context.credential, 'ClientSecretCredential');
    assert.equal(x.context.correlationId, CORR);
  });

  it('workload identity: the rejected assertion issuer, subject and audience are pulled out', () => {
    const body = entraBody(
      [70021],
      'invalid_request',
      "No matching federated identity record found for presented assertion. Assertion Issuer: 'https://eastus.oic.prod-aks.azure.com/t/u/'. Assertion Subject: 'system:serviceaccount:default:workload-sa'. Assertion Audience: 'api://AzureADTokenExchange'.",
    );
    const x = explainText(body);
    assert.deepEqual(x.context.assertion, {
      issuer: 'https://eastus.oic.prod-aks.azure.com/t/u/',
      subject: 'system:serviceaccount:default:workload-sa',
      audience: 'api://AzureADTokenExchange',
    });
    const note = x.other.find((o) => o.id === 'federated-assertion')!;
    assert.match(note.meaning, /subject "system:serviceaccount:default:workload-sa"/);
    assert.deepEqual(
      explainText(
        "AADSTS700211: No matching federated identity record found for presented assertion issuer 'https://token.actions.githubusercontent.com'.",
      ).context.assertion,
      { issuer: 'https://token.actions.githubusercontent.com' },
    );
  });

  it('AADSTS700024: the assertion time window becomes a clock-skew note', () => {
    const ahead = explainText(
      'AADSTS700024: Client assertion is not within its valid time range. Current time: 2025-06-17T10:30:00.000Z, assertion valid from 2025-06-17T10:42:00.000Z, expiry time of assertion 2025-06-17T11:42:00.000Z.',
    );
    assert.match(ahead.other.find((o) => o.id === 'assertion-clock')!.meaning, /valid 12m after .* clock .* is ahead/);
    const stale = explainText(
      'AADSTS700024: Client assertion is not within its valid time range. Current time: 2025-06-17T10:30:00.000Z, assertion valid from 2025-06-17T08:00:00.000Z, expiry time of assertion 2025-06-17T09:00:00.000Z.',
    );
    assert.match(stale.other.find((o) => o.id === 'assertion-clock')!.meaning, /expired 1h 30m before/);
  });

  it('codes buried in log noise, with duplicates, all explained once', () => {
    const log = `2025-06-17T10:30:00.123Z [warn] retrying... AADSTS700016: Application with identifier 'x' was not found\n<html>junk</html> {"partial": \n 2025-06-17T10:30:01Z [error] AADSTS700016 again, then AADSTS50020 and aadsts 500011; ids ${'x'.repeat(500)}`;
    const x = explainText(log);
    assert.deepEqual(
      x.codes.map((c) => c.code),
      [700016, 50020, 500011],
    );
  });

  it('trace and correlation ids in their different spellings', () => {
    assert.equal(extract(`"trace_id": "${TRACE.toUpperCase()}"`).context.traceId, TRACE);
    assert.equal(extract(`traceId=${TRACE}`).context.traceId, TRACE);
    assert.equal(extract(`client-request-id: ${CORR}`).context.correlationId, CORR);
    assert.equal(extract('Trace ID: not-a-guid').context.traceId, undefined);
  });

  describe('failures without an AADSTS code', () => {
    const cases: [string, string | object][] = [
      [
        'econnrefused',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:50342'), {
          code: 'ECONNREFUSED',
          errno: -111,
          syscall: 'connect',
        }),
      ],
      ['etimedout', 'request to http://169.254.169.254/metadata failed, reason: connect ETIMEDOUT 169.254.169.254:80'],
      ['enotfound', 'getaddrinfo ENOTFOUND login.microsoftonline.con'],
      ['econnreset', 'Error: socket hang up'],
      ['eai-again', 'getaddrinfo EAI_AGAIN login.microsoftonline.com'],
      [
        'tls-self-signed',
        'FetchError: request to https://login.microsoftonline.com failed, reason: self-signed certificate in certificate chain',
      ],
      [
        'tls-unable-to-verify',
        { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' },
      ],
      ['tls-expired', 'Error: certificate has expired (CERT_HAS_EXPIRED)'],
      ['proxy-407', 'HTTP/1.1 407 Proxy Authentication Required'],
      ['imds-identity-not-found', '{"error":"invalid_request","error_description":"Identity not found"}'],
      [
        'imds-multiple-uami',
        '{"error":"invalid_request","error_description":"Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request"}',
      ],
      [
        'imds-metadata-header',
        '{"error":"bad_request_102","error_description":"Required metadata header not specified"}',
      ],
      [
        'docker-desktop-403',
        'ManagedIdentityCredential: 403 connecting to 169.254.169.254:80: connecting to 169.254.169.254:80: dial tcp 169.254.169.254:80: connectex: A socket operation was attempted to an unreachable network.',
      ],
      [
        'imds-unavailable',
        '{"error":"imds_unavailable","error_description":"IMDS endpoint is not reachable. This typically indicates the application is not running in an Azure hosting environment.","error_type":"CredentialUnavailableError"}',
      ],
      [
        'multi-tenant-guard',
        'CredentialUnavailableError: The current credential is not configured to acquire tokens for tenant 72f988bf-86f1-41af-91ab-2d7cd011db47. To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants',
      ],
      [
        'env-incomplete',
        '{"error":"credential_unavailable","error_description":"Environment credential not available. Environment variables are not fully configured.","error_type":"CredentialUnavailableError"}',
      ],
      [
        'workload-identity-missing',
        'WorkloadIdentityCredential: no client ID specified. Check pod configuration or set ClientID in the options',
      ],
      ['az-not-found', "'az' is not recognized as an internal or external command,\r\noperable program or batch file."],
      ['az-not-found', 'AzureCLICredential: Azure CLI not found on path'],
      ['azd-not-found', '/bin/sh: 1: azd: not found'],
      [
        'azd-not-logged-in',
        '{"error":"credential_unavailable","error_description":"Azure Developer CLI not found or not logged in. Please run \'azd auth login\' first.","error_type":"CredentialUnavailableError"}',
      ],
      ['msal-network-error', { errorCode: 'network_error', errorMessage: 'Network request failed' }],
      [
        'msal-endpoints-resolution',
        'ClientAuthError: endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details',
      ],
      ['msal-token-parsing', 'token_parsing_error: See https://aka.ms/msal.js.errors#token_parsing_error for details'],
      [
        'msal-authority-insecure',
        'ClientConfigurationError: authority_uri_insecure: See https://aka.ms/msal.js.errors#authority_uri_insecure for details',
      ],
      ['pwsh-az-module', "The 'Az.Account' module >= 2.2.0 is not installed."],
      ['token-credentials-invalid', 'invalid AZURE_TOKEN_CREDENTIALS value "devv". Valid values are "dev", "prod"'],
      [
        'arm-wrong-tenant',
        '{"error":{"code":"InvalidAuthenticationTokenTenant","message":"The access token is from the wrong issuer"}}',
      ],
      ['rbac-denied', 'Status: 403 (Forbidden) ErrorCode: AuthorizationPermissionMismatch'],
      [
        'vscode-credential',
        'CredentialUnavailableError: Visual Studio Code Authentication is not available. Ensure you have have Azure Resources Extension installed in VS Code, signed into Azure via VS Code, installed the @azure/identity-vscode package, and properly configured the extension.',
      ],
      ['broker-failed', 'Failed to acquire token using broker authentication'],
      ['ropc-mfa', 'EnvironmentCredential: no value for AZURE_PASSWORD'],
      ['imds-unavailable', 'ManagedIdentityCredential: no response from the IMDS endpoint.'],
    ];
    for (const [id, input] of cases) {
      it(`${id}: ${typeof input === 'string' ? input.slice(0, 60) : JSON.stringify(input).slice(0, 60)}`, () => {
        const x = explainText(input);
        assert.ok(ids(x).includes(id), `expected ${id}, got ${ids(x).join(', ') || 'nothing'}`);
        assert.equal(x.codes.length, 0);
        const o = x.other.find((e) => e.id === id)!;
        assert.ok(o.meaning.length > 20 && o.fixes.length > 0);
      });
    }

    it('a more specific explanation hides the generic one', () => {
      const x = explainText('CredentialUnavailableError: ManagedIdentityCredential: Identity not found');
      assert.ok(ids(x).includes('imds-identity-not-found'));
      assert.ok(!ids(x).includes('credential-unavailable'));
    });

    it('follows error causes (fetch failed → ECONNREFUSED)', () => {
      const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
      assert.ok(ids(explainText(new TypeError('fetch failed', { cause: inner }))).includes('econnrefused'));
    });

    it('every data entry is complete and its patterns compile', () => {
      const all = nonAadstsExplanations();
      assert.ok(all.length >= 40);
      assert.equal(new Set(all.map((e) => e.id)).size, all.length);
      for (const e of all) assert.ok(e.title && e.meaning && e.fixes.length && e.kind, e.id);
    });

    it('plain text with nothing recognisable gives an empty, typed answer', () => {
      const x = explainText('the weather is nice today');
      assert.deepEqual([x.codes, x.unknownCodes, x.other], [[], [], []]);
    });
  });

  describe('hostile and huge input', () => {
    it('cyclic, deep, getter-throwing and exotic objects', () => {
      const cyc: Record<string, unknown> = { message: 'AADSTS50076 inside a cycle' };
      cyc.self = cyc;
      assert.deepEqual(
        explainText(cyc).codes.map((c) => c.code),
        [50076],
      );
      let deep: Record<string, unknown> = { message: 'AADSTS50020' };
      for (let i = 0; i < 10_000; i++) deep = { inner: deep };
      assert.doesNotThrow(() => explainText(deep));
      const trap = Object.defineProperty({}, 'boom', {
        enumerable: true,
        get() {
          throw new Error('no');
        },
      });
      assert.doesNotThrow(() => explainText(trap));
      assert.doesNotThrow(() =>
        explainText(
          new Proxy(
            {},
            {
              ownKeys() {
                throw new Error('nope');
              },
            },
          ),
        ),
      );
      assert.doesNotThrow(() => explainText(Object.create(null) as object));
      assert.doesNotThrow(() => explainText([1, 'AADSTS50020', { a: [null] }]));
      assert.doesNotThrow(() => explainText({ big: 10n, sym: Symbol('s'), fn: () => 1 }));
    });

    it('huge input is cut, not choked on; codes before the cut are found', () => {
      const s = 'AADSTS50076 ' + 'x'.repeat(MAX_EXPLAIN_CHARS + 1000) + ' AADSTS50020';
      assert.deepEqual(
        explainText(s).codes.map((c) => c.code),
        [50076],
      );
      const many = Array.from({ length: 20_000 }, (_, i) => `AADSTS${10000 + i}`).join(' ');
      assert.equal(explainText(many).codes.length + explainText(many).unknownCodes.length, 20_000);
    });

    it('finds any code wherever it sits in noise (property-based)', () => {
      fc.assert(
        fc.property(
          fc.string({ maxLength: 200 }),
          fc.integer({ min: 1000, max: 99_999_999 }),
          fc.string({ maxLength: 200 }),
          (before, code, after) => {
            const x = explainText(`${before} AADSTS${code}: failed ${after}`);
            assert.ok([...x.codes.map((c) => c.code), ...x.unknownCodes].includes(code), `${code} not found`);
          },
        ),
        { numRuns: 3000 },
      );
    });

    it('never throws and always answers the typed shape (property-based)', () => {
      const check = (input: string | object) => {
        const x = explainText(input);
        assert.ok(Array.isArray(x.codes) && Array.isArray(x.unknownCodes) && Array.isArray(x.other));
        assert.equal(typeof x.message, 'string');
        for (const c of x.codes) assert.equal(typeof c.code, 'number');
      };
      const noisyCode = fc
        .tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 99_999_999 }), fc.string({ maxLength: 40 }))
        .map(([a, n, b]) => `${a}AADSTS${n}${b}`);
      fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), noisyCode), check), {
        numRuns: 4000,
      });
      fc.assert(
        fc.property(fc.anything({ maxDepth: 4 }), (v) => check(typeof v === 'object' && v !== null ? v : String(v))),
        { numRuns: 2000 },
      );
      fc.assert(fc.property(fc.json(), check), { numRuns: 1000 });
    });
  });
});
