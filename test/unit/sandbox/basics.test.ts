import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startSandbox, DEMO, AZURE_CLI_CLIENT_ID, type Sandbox } from '../../../src/sandbox/index';
import {
  assertAadError,
  get,
  GUID,
  msalAuthOptions,
  postForm,
  request,
  sandboxNetworkModule,
  verifyWithJwks,
} from './helpers';

describe('sandbox: start, discovery, JWKS, client credentials, IMDS', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb.close();
  });

  it('serves HTTPS on loopback with a CA written to caFile', async () => {
    assert.match(sb.authorityHost, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(sb.caFile));
    assert.equal(readFileSync(sb.caFile, 'utf8'), sb.caPem);
    assert.match(sb.caPem, /-----BEGIN CERTIFICATE-----/);
    // Without the CA the TLS handshake fails: the certificate is really ours.
    await assert.rejects(request(sb.urls.openidConfiguration), /self.signed|unable to verify|certificate/i);
    // With it, localhost is covered by the SAN as well.
    const r = await request(sb.urls.openidConfiguration.replace('127.0.0.1', 'localhost'), { ca: sb.caPem });
    assert.equal(r.status, 200);
  });

  it('publishes the OIDC discovery document with every field of the reference, pointing at the sandbox', async () => {
    const r = await get(sb, sb.urls.openidConfiguration);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    const d = r.json();
    const expected = [
      'authorization_endpoint',
      'token_endpoint',
      'token_endpoint_auth_methods_supported',
      'jwks_uri',
      'response_modes_supported',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
      'response_types_supported',
      'scopes_supported',
      'issuer',
      'microsoft_multi_refresh_token',
      'device_authorization_endpoint',
      'http_logout_supported',
      'frontchannel_logout_supported',
      'end_session_endpoint',
      'claims_supported',
      'check_session_iframe',
      'userinfo_endpoint',
      'kerberos_endpoint',
      'tenant_region_scope',
      'cloud_instance_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'rbac_url',
    ];
    assert.deepEqual(Object.keys(d), expected);
    const t = sb.tenantId;
    assert.equal(d.token_endpoint, `${sb.authorityHost}/${t}/oauth2/v2.0/token`);
    assert.equal(d.authorization_endpoint, `${sb.authorityHost}/${t}/oauth2/v2.0/authorize`);
    assert.equal(d.device_authorization_endpoint, `${sb.authorityHost}/${t}/oauth2/v2.0/devicecode`);
    assert.equal(d.jwks_uri, `${sb.authorityHost}/${t}/discovery/v2.0/keys`);
    assert.equal(d.issuer, `${sb.authorityHost}/${t}/v2.0`);
    assert.equal(d.tenant_region_scope, null);
    assert.equal(d.microsoft_multi_refresh_token, true);
    assert.deepEqual(d.token_endpoint_auth_methods_supported, [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ]);
    for (const k of [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'device_authorization_endpoint',
      'end_session_endpoint',
      'check_session_iframe',
      'userinfo_endpoint',
      'kerberos_endpoint',
    ]) {
      assert.ok(String(d[k]).startsWith(sb.authorityHost + '/'), `${k} points at the sandbox`);
    }
  });

  it('accepts the tenant domain and keeps the organizations alias in the organizations document', async () => {
    const byDomain = (
      await get(sb, `${sb.authorityHost}/sandbox.onmicrosoft.com/v2.0/.well-known/openid-configuration`)
    ).json();
    assert.equal(byDomain.token_endpoint, `${sb.authorityHost}/${sb.tenantId}/oauth2/v2.0/token`);
    const org = (await get(sb, sb.urls.organizationsOpenidConfiguration)).json();
    assert.equal(org.token_endpoint, `${sb.authorityHost}/organizations/oauth2/v2.0/token`);
    assert.equal(org.authorization_endpoint, `${sb.authorityHost}/organizations/oauth2/v2.0/authorize`);
    assert.equal(org.issuer, `${sb.authorityHost}/{tenantid}/v2.0`);
    const common = (await get(sb, `${sb.authorityHost}/common/v2.0/.well-known/openid-configuration`)).json();
    assert.equal(common.token_endpoint, `${sb.authorityHost}/common/oauth2/v2.0/token`);
  });

  it('answers an unknown tenant with AADSTS90002 and a malformed one with AADSTS900023', async () => {
    const r = await get(
      sb,
      `${sb.authorityHost}/00000000-1111-2222-3333-444444444444/v2.0/.well-known/openid-configuration`,
    );
    assertAadError(r, 400, 90002, 'invalid_tenant');
    const bad = await get(sb, `${sb.authorityHost}/not_a_tenant!/v2.0/.well-known/openid-configuration`);
    assertAadError(bad, 400, 900023);
  });

  it('answers instance discovery as msal-node asks for it, naming the host with its port', async () => {
    const r = await get(sb, sb.urls.instanceDiscovery);
    assert.equal(r.status, 200);
    const d = r.json() as {
      tenant_discovery_endpoint: string;
      'api-version': string;
      metadata: { preferred_network: string; preferred_cache: string; aliases: string[] }[];
    };
    assert.deepEqual(Object.keys(d), ['tenant_discovery_endpoint', 'api-version', 'metadata']);
    const hostPort = new URL(sb.authorityHost).host;
    assert.equal(
      d.tenant_discovery_endpoint,
      `${sb.authorityHost}/${sb.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(d['api-version'], '1.1');
    assert.equal(d.metadata[0]!.preferred_network, hostPort);
    assert.equal(d.metadata[0]!.preferred_cache, hostPort);
    assert.ok(d.metadata[0]!.aliases.includes(hostPort));
    // MSAL Python asks with the v1 authorize path and the organizations alias.
    const py = (
      await get(
        sb,
        `${sb.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${sb.authorityHost}/organizations/oauth2/authorize`)}`,
      )
    ).json();
    assert.equal(
      py.tenant_discovery_endpoint,
      `${sb.authorityHost}/organizations/v2.0/.well-known/openid-configuration`,
    );
    // A foreign authority is not ours to describe.
    const foreign = await get(
      sb,
      `${sb.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent('https://login.example.com/x/oauth2/v2.0/authorize')}`,
    );
    assertAadError(foreign, 400, 50049, 'invalid_instance');
  });

  it('publishes a JWKS whose key verifies the tokens it issues (kid and x5t)', async () => {
    const jwks = (await get(sb, sb.urls.jwks)).json() as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 1);
    const k = jwks.keys[0]!;
    for (const f of ['kty', 'use', 'kid', 'x5t', 'n', 'e', 'x5c', 'issuer']) assert.ok(f in k, `jwk has ${f}`);
    assert.equal(k.kty, 'RSA');
    assert.equal(k.kid, k.x5t);
    assert.equal(k.issuer, `${sb.authorityHost}/${sb.tenantId}/v2.0`);
    const r = await postForm(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope: 'https://graph.microsoft.com/.default',
    });
    const { header } = await verifyWithJwks(sb, r.json().access_token as string);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.kid, k.kid);
    assert.equal(header.x5t, k.x5t);
  });

  it('issues client-credentials tokens with the v2 response shape and v1 ARM claims', async () => {
    const r = await postForm(
      sb,
      sb.urls.token,
      {
        grant_type: 'client_credentials',
        client_id: DEMO.confidentialClientId,
        client_secret: DEMO.confidentialSecret,
        scope: 'https://management.azure.com/.default',
      },
      { 'client-request-id': '11111111-2222-3333-4444-555555555555' },
    );
    assert.equal(r.status, 200);
    const b = r.json();
    assert.deepEqual(Object.keys(b), ['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    assert.equal(b.token_type, 'Bearer');
    assert.equal(typeof b.expires_in, 'number');
    assert.equal(typeof b.ext_expires_in, 'number');
    assert.equal(r.headers['client-request-id'], '11111111-2222-3333-4444-555555555555');
    const { payload } = await verifyWithJwks(sb, b.access_token as string);
    assert.equal(payload.aud, 'https://management.azure.com');
    assert.equal(payload.iss, `https://sts.windows.net/${sb.tenantId}/`);
    assert.equal(payload.ver, '1.0');
    assert.equal(payload.appid, DEMO.confidentialClientId);
    assert.equal(payload.appidacr, '1');
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.tid, sb.tenantId);
    assert.match(String(payload.oid), GUID);
    assert.equal(payload.sub, payload.oid);
    assert.deepEqual(payload.roles, ['Sandbox.Read.All']);
    assert.equal((payload.exp as number) - (payload.iat as number), b.expires_in);
    for (const c of ['aio', 'rh', 'uti', 'idp', 'nbf']) assert.ok(c in payload, `claim ${c}`);
    assert.ok(!('scp' in payload));
  });

  it('accepts client_secret_basic', async () => {
    const basic = Buffer.from(`${DEMO.confidentialClientId}:${DEMO.confidentialSecret}`).toString('base64');
    const r = await postForm(
      sb,
      sb.urls.token,
      { grant_type: 'client_credentials', scope: 'https://vault.azure.net/.default' },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(r.status, 200, r.body);
    const { payload } = await verifyWithJwks(sb, r.json().access_token as string);
    assert.equal(payload.aud, 'https://vault.azure.net');
  });

  it('rejects a wrong secret (7000215), an expired one (7000222), an unknown app (700016), an unknown resource (500011)', async () => {
    const base = {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      scope: 'https://management.azure.com/.default',
    };
    assertAadError(
      await postForm(sb, sb.urls.token, { ...base, client_secret: 'wrong' }),
      401,
      7000215,
      'invalid_client',
    );
    assertAadError(
      await postForm(sb, sb.urls.token, { ...base, client_secret: DEMO.expiredSecret }),
      401,
      7000222,
      'invalid_client',
    );
    assertAadError(
      await postForm(sb, sb.urls.token, {
        ...base,
        client_id: '99999999-9999-4999-8999-999999999999',
        client_secret: 'x',
      }),
      400,
      700016,
      'unauthorized_client',
    );
    const r = assertAadError(
      await postForm(sb, sb.urls.token, {
        ...base,
        client_secret: DEMO.confidentialSecret,
        scope: 'https://nothing.example.com/.default',
      }),
      400,
      500011,
      'invalid_resource',
    );
    assert.match(String(r.error_description), /https:\/\/nothing\.example\.com/);
  });

  it('IMDS: 400 without the Metadata header (also for the probe), a token with string numbers with it', async () => {
    const probe = await request(sb.urls.imdsToken);
    assert.equal(probe.status, 400);
    assert.deepEqual(probe.json(), {
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    });
    const r = await request(
      `${sb.urls.imdsToken}?api-version=2018-02-01&resource=${encodeURIComponent('https://management.azure.com/')}`,
      { headers: { Metadata: 'true' } },
    );
    assert.equal(r.status, 200, r.body);
    const b = r.json();
    assert.deepEqual(Object.keys(b), [
      'access_token',
      'client_id',
      'expires_in',
      'expires_on',
      'ext_expires_in',
      'not_before',
      'resource',
      'token_type',
    ]);
    for (const k of ['expires_in', 'expires_on', 'ext_expires_in', 'not_before'])
      assert.match(String(b[k]), /^\d+$/, `${k} is a numeric string`);
    for (const k of ['expires_in', 'expires_on', 'ext_expires_in', 'not_before']) assert.equal(typeof b[k], 'string');
    assert.equal(b.resource, 'https://management.azure.com/');
    assert.equal(b.client_id, DEMO.systemAssignedClientId);
    const { payload } = await verifyWithJwks(sb, b.access_token as string);
    assert.equal(payload.aud, 'https://management.azure.com/');
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.oid, DEMO.systemAssignedObjectId);
    assert.equal(payload.appid, DEMO.systemAssignedClientId);
    assert.match(String(payload.xms_mirid), /\/providers\/Microsoft\.Compute\/virtualMachines\/sandbox-vm$/);
  });

  it('exposes the contract object with the documented shape', () => {
    const c = sb.contract;
    assert.equal(c.authorityHost, sb.authorityHost);
    assert.equal(c.caFile, sb.caFile);
    assert.equal(c.tenantId, sb.tenantId);
    const conf = c.apps.find((a) => a.clientId === DEMO.confidentialClientId)!;
    assert.equal(conf.kind, 'confidential');
    assert.equal(conf.clientSecret, DEMO.confidentialSecret);
    assert.ok(conf.certificateFile && existsSync(conf.certificateFile));
    assert.ok(conf.certificatePfxFile && existsSync(conf.certificatePfxFile));
    assert.equal(typeof conf.certificatePassword, 'string');
    const pem = readFileSync(conf.certificateFile, 'utf8');
    assert.match(pem, /PRIVATE KEY-----[\s\S]*BEGIN CERTIFICATE/);
    const cli = c.apps.find((a) => a.clientId === AZURE_CLI_CLIENT_ID)!;
    assert.equal(cli.kind, 'public');
    assert.ok(
      c.users.length >= 3 &&
        c.users.every(
          (u) => typeof u.username === 'string' && typeof u.password === 'string' && typeof u.mfa === 'boolean',
        ),
    );
    const mi = c.managedIdentity;
    assert.match(mi.imds, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(mi.appService.endpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(typeof mi.appService.header, 'string');
    for (const u of [mi.cloudShell, mi.arc.endpoint, mi.serviceFabric.endpoint, mi.azureMl.endpoint])
      assert.match(u, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(mi.systemAssigned.clientId, DEMO.systemAssignedClientId);
    assert.ok(
      mi.userAssigned.length >= 2 &&
        mi.userAssigned.every(
          (u) => GUID.test(u.clientId) && GUID.test(u.objectId) && u.resourceId.startsWith('/subscriptions/'),
        ),
    );
    // The contract is plain JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
  });

  it('writes the default client certificate as PEM (key + cert) and as a password-protected PKCS#12', async () => {
    const { createSecureContext } = await import('node:tls');
    const { X509Certificate, createPrivateKey, createPublicKey } = await import('node:crypto');
    const app = sb.contract.apps.find((a) => a.clientId === DEMO.confidentialClientId)!;
    const pfx = readFileSync(app.certificatePfxFile!);
    assert.doesNotThrow(() => createSecureContext({ pfx, passphrase: app.certificatePassword }));
    assert.throws(() => createSecureContext({ pfx, passphrase: 'wrong-password' }));
    const pem = readFileSync(app.certificateFile!, 'utf8');
    const cert = new X509Certificate(pem);
    assert.equal(cert.fingerprint.replace(/:/g, ''), app.certificateThumbprint);
    const key = createPrivateKey(pem);
    assert.deepEqual(
      createPublicKey(key).export({ format: 'jwk' }),
      cert.publicKey.export({ format: 'jwk' }),
      'the key matches the certificate',
    );
  });

  it('drives @azure/msal-node ConfidentialClientApplication (secret) to a token without leaving the sandbox', async () => {
    const log: string[] = [];
    const auth = await msalAuthOptions(sb);
    const cca = new ConfidentialClientApplication({
      auth: { clientId: DEMO.confidentialClientId, clientSecret: DEMO.confidentialSecret, ...auth },
      system: { networkClient: sandboxNetworkModule(sb, log) },
    });
    const res = await cca.acquireTokenByClientCredential({ scopes: ['https://management.azure.com/.default'] });
    assert.ok(res?.accessToken);
    const { payload } = await verifyWithJwks(sb, res.accessToken);
    assert.equal(payload.appid, DEMO.confidentialClientId);
    assert.ok(log.length > 0 && log.every((l) => l.includes(sb.authorityHost)), log.join('\n'));
  });

  it('records every request with secrets redacted', async () => {
    sb.clearRequests();
    await postForm(sb, sb.urls.token, {
      grant_type: 'client_credentials',
      client_id: DEMO.confidentialClientId,
      client_secret: DEMO.confidentialSecret,
      scope: 'https://management.azure.com/.default',
    });
    assert.equal(sb.requests.length, 1);
    const rec = sb.requests[0]!;
    assert.equal(rec.method, 'POST');
    assert.equal(rec.path, `/${sb.tenantId}/oauth2/v2.0/token`);
    assert.equal(rec.endpoint, 'token');
    assert.equal(rec.status, 200);
    assert.equal(rec.form?.client_secret, '[REDACTED]');
    assert.equal(rec.form?.client_id, DEMO.confidentialClientId);
    assert.ok(!JSON.stringify(sb.requests).includes(DEMO.confidentialSecret));
    assert.match(String(rec.responseBody), /"token_type":"Bearer"/);
  });
});

describe('sandbox: close', () => {
  it('closes every listener and removes its files', async () => {
    const sb = await startSandbox();
    const urls = [
      sb.urls.openidConfiguration,
      sb.urls.imdsToken,
      sb.urls.appService.endpoint,
      sb.urls.cloudShell,
      sb.urls.arc,
      sb.urls.serviceFabric.endpoint,
      sb.urls.azureMl.endpoint,
    ];
    const caFile = sb.caFile;
    await sb.close();
    assert.ok(!existsSync(caFile));
    for (const u of urls) await assert.rejects(request(u, { ca: sb.caPem }), /ECONNREFUSED/);
    await sb.close(); // idempotent
  });
});
