import assert from 'node:assert/strict';
import { DEMO, assertCleanRun, rawTokenRequest, runFlow, withSandbox } from './helpers';
import { SecretValue } from '../../../src/core/secret';
import { AZURE_CLI_CLIENT_ID, type Sandbox } from '../../../src/sandbox/index';
import type { DeviceCodeInfo } from '../../../src/core/credentials/device-code';

const ALICE = 'alice@sandbox.onmicrosoft.com';

describe('user flows against the sandbox: device code, interactive browser, username/password, on-behalf-of, refresh token', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await withSandbox();
    await sb.update((c) => {
      c.deviceCode = { expiresInSec: 900, intervalSec: 1 };
    });
  });
  after(async () => sb?.close());
  beforeEach(() => sb.clearRequests());

  describe('DeviceCodeCredential', () => {
    it('hands the code and URL to the face, polls, and gets a user token after approval', async () => {
      const seen: DeviceCodeInfo[] = [];
      const { run, captured, all } = await runFlow(sb, {
        credential: 'device-code',
        tenantId: sb.tenantId,
        scope: 'https://graph.microsoft.com/.default',
        onDeviceCode: (info) => {
          seen.push(info);
          setTimeout(() => sb.approveDeviceCode(info.userCode, ALICE), 50);
        },
      });
      assert.equal(run.result.outcome, 'success', run.result.message);
      assert.equal(seen.length, 1);
      assert.match(seen[0]!.verificationUri, /^https:\/\/127\.0\.0\.1:\d+\/devicelogin/);
      assert.ok(seen[0]!.userCode.length >= 6);
      assert.ok(Date.parse(seen[0]!.expiresOn) > Date.now());
      assert.equal(run.result.token?.upn, ALICE);
      assert.equal(run.result.token?.appId, AZURE_CLI_CLIENT_ID, 'the SDKs’ default public client id');
      assert.ok(run.idTokenClaims && run.idTokenClaims.preferred_username === ALICE);
      assert.ok(captured.events.some((e) => e.kind === 'note' && /waiting for sign-in/.test(e.message)));
      const dc = captured.events.find((e) => e.kind === 'http' && /devicecode/.test(e.url));
      assert.ok(dc && dc.kind === 'http');
      assert.equal((dc.responseBody as Record<string, unknown>).device_code, '[REDACTED]');
      assertCleanRun(sb, captured, all, []);
    });

    it('a declined sign-in ends the flow with the server’s error', async () => {
      const { run } = await runFlow(sb, {
        credential: 'DeviceCodeCredential',
        tenantId: sb.tenantId,
        onDeviceCode: (info) => setTimeout(() => sb.declineDeviceCode(info.userCode), 50),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.match(`${run.result.error?.oauthError} ${run.result.message}`, /authorization_declined|declined/i);
    });

    it('an expired device code ends the flow (AADSTS70019 or msal’s expiry)', async () => {
      await sb.update((c) => {
        c.deviceCode = { expiresInSec: 1, intervalSec: 1 };
      });
      try {
        const { run } = await runFlow(sb, { credential: 'DeviceCodeCredential', tenantId: sb.tenantId });
        assert.equal(run.result.outcome, 'failed');
        assert.ok(run.result.errorCodes.includes(70019) || run.result.error?.kind === 'timeout', run.result.message);
        assert.ok(!run.result.errorCodes.includes(70016), 'the pending answers are not reported as the failure');
        assert.match(run.result.message, /expired/i);
      } finally {
        await sb.update((c) => {
          c.deviceCode = { expiresInSec: 900, intervalSec: 1 };
        });
      }
    });

    it('cancelling (AbortSignal) stops polling at once', async () => {
      const ac = new AbortController();
      const { run } = await runFlow(
        sb,
        {
          credential: 'DeviceCodeCredential',
          tenantId: sb.tenantId,
          onDeviceCode: () => setTimeout(() => ac.abort(), 30),
        },
        { signal: ac.signal },
      );
      assert.equal(run.result.outcome, 'failed');
      assert.equal(run.result.error?.kind, 'aborted');
      const polls = sb.requests.filter((r) => r.endpoint === 'token').length;
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(sb.requests.filter((r) => r.endpoint === 'token').length <= polls + 1, 'polling stopped');
    });
  });

  describe('InteractiveBrowserCredential', () => {
    it('auth code + PKCE through the loopback redirect, driven by the sandbox’s sign-in page', async () => {
      let signIn: Promise<unknown> | undefined;
      const { run, captured, all } = await runFlow(sb, {
        credential: 'interactive',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        scope: 'https://graph.microsoft.com/User.Read',
        openBrowser: async (url) => {
          signIn = sb.signIn(url, ALICE, DEMO.password);
        },
      });
      await signIn;
      assert.equal(run.result.outcome, 'success', run.result.message);
      assert.equal(run.result.token?.upn, ALICE);
      const note = captured.events.find((e) => e.kind === 'note' && /opening the browser/.test(e.message));
      assert.ok(note && note.kind === 'note');
      assert.equal(note.data?.code_challenge_method, 'S256');
      assert.equal(note.data?.response_mode, 'form_post');
      const tokenReq = sb.requests.find((r) => r.endpoint === 'token')!;
      assert.equal(tokenReq.form?.grant_type, 'authorization_code');
      assert.ok(tokenReq.form?.code_verifier, 'PKCE verifier sent');
      assertCleanRun(sb, captured, all, [DEMO.password]);
    });

    it('the user pressing Cancel ends the flow with access_denied', async () => {
      let signIn: Promise<unknown> | undefined;
      const { run } = await runFlow(sb, {
        credential: 'InteractiveBrowserCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        openBrowser: async (url) => {
          signIn = sb.signIn(url, ALICE, DEMO.password, { decline: true });
        },
      });
      await signIn;
      assert.equal(run.result.outcome, 'failed');
      assert.match(`${run.result.error?.oauthError ?? ''} ${run.result.message}`, /access_denied/);
    });

    it('cancelling while the browser is open closes the loopback listener and reports aborted', async () => {
      const ac = new AbortController();
      const { run } = await runFlow(
        sb,
        {
          credential: 'InteractiveBrowserCredential',
          tenantId: sb.tenantId,
          clientId: DEMO.publicClientId,
          openBrowser: async () => void setTimeout(() => ac.abort(), 30),
        },
        { signal: ac.signal },
      );
      assert.equal(run.result.outcome, 'failed');
      assert.equal(run.result.error?.kind, 'aborted');
    });

    it('without a browser opener it refuses to start', async () => {
      const { run } = await runFlow(sb, { credential: 'InteractiveBrowserCredential', tenantId: sb.tenantId });
      assert.equal(run.result.error?.kind, 'config');
      assert.equal(sb.requests.length, 0);
    });
  });

  describe('UsernamePasswordCredential', () => {
    it('succeeds for a plain user and warns about MFA up front', async () => {
      const { run, captured, all } = await runFlow(sb, {
        credential: 'ropc',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: ALICE,
        password: new SecretValue(DEMO.password),
      });
      assert.equal(run.result.outcome, 'success', run.result.message);
      assert.ok(captured.events.some((e) => e.kind === 'note' && e.level === 'warn' && /MFA/.test(e.message)));
      assertCleanRun(sb, captured, all, [DEMO.password]);
    });

    it('an MFA user fails with AADSTS50076; a wrong password is classified too', async () => {
      const mfa = await runFlow(sb, {
        credential: 'UsernamePasswordCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: 'mfa-bob@sandbox.onmicrosoft.com',
        password: new SecretValue(DEMO.password),
      });
      assert.equal(mfa.run.result.outcome, 'failed');
      assert.ok(mfa.run.result.errorCodes.includes(50076), JSON.stringify(mfa.run.result.errorCodes));
      const wrong = await runFlow(sb, {
        credential: 'UsernamePasswordCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        username: ALICE,
        password: new SecretValue('Wrong-Passw0rd!'),
      });
      assert.equal(wrong.run.result.outcome, 'failed');
      assert.ok(wrong.run.result.errorCodes.length > 0);
      assertCleanRun(sb, wrong.captured, wrong.all, ['Wrong-Passw0rd!']);
    });
  });

  describe('OnBehalfOfCredential', () => {
    it('exchanges a user token sent to the API for a downstream token; the user assertion never reaches a sink', async () => {
      const user = await rawTokenRequest(sb, {
        grant_type: 'password',
        client_id: DEMO.publicClientId,
        username: ALICE,
        password: DEMO.password,
        scope: `api://${DEMO.apiClientId}/.default`,
      });
      const assertion = String(user.body.access_token ?? '');
      if (!assertion) {
        // The sandbox may name the API by its client id only.
        const alt = await rawTokenRequest(sb, {
          grant_type: 'password',
          client_id: DEMO.publicClientId,
          username: ALICE,
          password: DEMO.password,
          scope: `${DEMO.apiClientId}/.default`,
        });
        assert.ok(alt.body.access_token, JSON.stringify(alt.body));
      }
      const userToken =
        assertion ||
        String(
          (
            await rawTokenRequest(sb, {
              grant_type: 'password',
              client_id: DEMO.publicClientId,
              username: ALICE,
              password: DEMO.password,
              scope: `${DEMO.apiClientId}/.default`,
            })
          ).body.access_token,
        );
      const { run, captured, all } = await runFlow(sb, {
        credential: 'obo',
        tenantId: sb.tenantId,
        clientId: DEMO.apiClientId,
        clientSecret: new SecretValue(DEMO.apiSecret),
        userAssertion: new SecretValue(userToken),
        scope: 'https://graph.microsoft.com/.default',
      });
      assert.equal(run.result.outcome, 'success', run.result.message);
      assert.equal(run.result.token?.upn, ALICE);
      const req = sb.requests.find((r) => r.endpoint === 'token' && r.form?.requested_token_use === 'on_behalf_of');
      assert.ok(req, 'jwt-bearer with requested_token_use=on_behalf_of');
      assertCleanRun(sb, captured, all, [userToken, DEMO.apiSecret]);
    });

    it('a garbage user assertion is rejected and classified', async () => {
      const { run } = await runFlow(sb, {
        credential: 'obo',
        tenantId: sb.tenantId,
        clientId: DEMO.apiClientId,
        clientSecret: new SecretValue(DEMO.apiSecret),
        userAssertion: new SecretValue('garbage-assertion'),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.ok(run.result.errorCodes.length > 0 || run.result.error?.oauthError, run.result.message);
    });
  });

  describe('RefreshTokenCredential', () => {
    it('redeems a refresh token; redeeming the same one again fails with AADSTS70008; an unknown one with a classified code', async () => {
      await sb.update((c) => {
        c.refreshTokenSingleUse = true;
      });
      const first = await rawTokenRequest(sb, {
        grant_type: 'password',
        client_id: DEMO.publicClientId,
        username: ALICE,
        password: DEMO.password,
        scope: 'https://graph.microsoft.com/.default offline_access',
      });
      const rt = String(first.body.refresh_token ?? '');
      assert.ok(rt, JSON.stringify(Object.keys(first.body)));
      const ok = await runFlow(sb, {
        credential: 'refresh-token',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        refreshToken: new SecretValue(rt),
        scope: 'https://graph.microsoft.com/.default',
      });
      assert.equal(ok.run.result.outcome, 'success', ok.run.result.message);
      assert.equal(ok.run.result.token?.upn, ALICE);
      assertCleanRun(sb, ok.captured, ok.all, [rt]);
      const again = await runFlow(sb, {
        credential: 'refresh-token',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        refreshToken: new SecretValue(rt),
        scope: 'https://graph.microsoft.com/.default',
      });
      assert.equal(again.run.result.outcome, 'failed');
      // Entra answers 70008 for a rotated-away (already redeemed) refresh token.
      assert.ok(again.run.result.errorCodes.includes(70008), JSON.stringify(again.run.result.errorCodes));
      assert.equal(again.run.result.error?.oauthError, 'invalid_grant');
      assertCleanRun(sb, again.captured, again.all, [rt]);
      const unknown = await runFlow(sb, {
        credential: 'RefreshTokenCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        refreshToken: new SecretValue('0.AAAA-not-a-real-refresh-token'),
      });
      assert.equal(unknown.run.result.outcome, 'failed');
      assert.ok(unknown.run.result.errorCodes.includes(9002313), JSON.stringify(unknown.run.result.errorCodes));
      assertCleanRun(sb, unknown.captured, unknown.all, ['0.AAAA-not-a-real-refresh-token']);
    });

    it('a refresh token past its lifetime fails with AADSTS700082', async () => {
      await sb.update((c) => {
        c.refreshTokenLifetimeSec = 60;
      });
      const first = await rawTokenRequest(sb, {
        grant_type: 'password',
        client_id: DEMO.publicClientId,
        username: ALICE,
        password: DEMO.password,
        scope: 'https://graph.microsoft.com/.default offline_access',
      });
      const rt = String(first.body.refresh_token ?? '');
      await sb.update((c) => {
        c.clockOffsetSec = 120;
      });
      try {
        const { run } = await runFlow(sb, {
          credential: 'refresh-token',
          tenantId: sb.tenantId,
          clientId: DEMO.publicClientId,
          refreshToken: new SecretValue(rt),
        });
        assert.equal(run.result.outcome, 'failed');
        assert.ok(run.result.errorCodes.includes(700082), JSON.stringify(run.result.errorCodes));
      } finally {
        await sb.update((c) => {
          c.clockOffsetSec = 0;
          c.refreshTokenLifetimeSec = 90 * 24 * 3600;
        });
      }
    });

    it('a revoked refresh token fails with AADSTS50173', async () => {
      const first = await rawTokenRequest(sb, {
        grant_type: 'password',
        client_id: DEMO.publicClientId,
        username: ALICE,
        password: DEMO.password,
        scope: 'https://graph.microsoft.com/.default offline_access',
      });
      const rt = String(first.body.refresh_token ?? '');
      assert.ok(sb.revokeRefreshTokens(ALICE) > 0);
      const { run } = await runFlow(sb, {
        credential: 'refresh-token',
        tenantId: sb.tenantId,
        clientId: DEMO.publicClientId,
        refreshToken: new SecretValue(rt),
      });
      assert.equal(run.result.outcome, 'failed');
      assert.ok(run.result.errorCodes.includes(50173), JSON.stringify(run.result.errorCodes));
    });
  });
});
