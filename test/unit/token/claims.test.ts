import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  explainClaims,
  guessTokenKind,
  knownClaimNames,
  parseResourceId,
  describeTime,
} from '../../../src/core/token/claims';
import { decodeToken } from '../../../src/core/token/decode';
import { directoryRoleName, lookupApp, lookupTenant, parseIssuer } from '../../../src/core/token/wellknown';
import { armV1Payload, jwt, miV2Payload, NOW, TENANT } from './helpers';

const byName = (rows: ReturnType<typeof explainClaims>) => new Map(rows.map((r) => [`${r.location}:${r.name}`, r]));

describe('explainClaims', () => {
  it('explains every claim of a v1 Azure CLI token for ARM', () => {
    const header = { typ: 'JWT', alg: 'RS256', x5t: 'abc', kid: 'abc' };
    const rows = explainClaims(armV1Payload(), header, { now: NOW });
    const m = byName(rows);
    assert.equal(rows.length, Object.keys(header).length + Object.keys(armV1Payload()).length);
    assert.ok(
      rows.every((r) => r.known),
      `unknown: ${rows.filter((r) => !r.known).map((r) => r.name)}`,
    );
    assert.match(m.get('payload:aud')!.interpretation, /Azure Resource Manager/);
    assert.match(m.get('payload:appid')!.interpretation, /Azure CLI/);
    assert.match(m.get('payload:appidacr')!.interpretation, /Public client/);
    assert.match(m.get('payload:amr')!.interpretation, /MFA was performed/);
    assert.match(m.get('payload:wids')!.interpretation, /Global Administrator/);
    assert.match(m.get('payload:wids')!.interpretation, /User \(default role/);
    assert.match(m.get('payload:scp')!.interpretation, /Delegated/);
    assert.match(m.get('payload:ver')!.interpretation, /Version 1\.0/);
    assert.match(m.get('payload:iss')!.interpretation, /Azure public cloud; v1\.0 issuer form/);
    assert.match(m.get('payload:idtyp')!.interpretation, /Delegated token/);
    assert.match(m.get('payload:xms_cc')!.interpretation, /Continuous Access Evaluation/);
    assert.match(
      m.get('payload:exp')!.interpretation,
      /^2026-01-15 13:00:00 UTC · .* local \(UTC[+-]\d\d:\d\d\) · in 1h 00m$/,
    );
    assert.match(m.get('payload:iat')!.interpretation, /10m ago$/);
    assert.match(m.get('payload:sub')!.interpretation, /Pairwise/);
    assert.equal(m.get('payload:ipaddr')!.tokenKinds.includes('access-v1'), true);
    assert.match(m.get('header:alg')!.interpretation, /what Entra uses/);
    assert.match(explainClaims({}, { alg: 'HS256' }, { now: NOW })[0].interpretation, /never signs with it/);
  });

  it('explains a v2 managed identity app-only token', () => {
    const m = byName(explainClaims(miV2Payload(), { alg: 'RS256', kid: 'k' }, { now: NOW }));
    assert.match(
      m.get('payload:xms_mirid')!.interpretation,
      /User-assigned managed identity "id-orders" in resource group rg-app/,
    );
    assert.match(m.get('payload:roles')!.interpretation, /Application permissions \(1\)/);
    assert.match(m.get('payload:azpacr')!.interpretation, /certificate or a signed client assertion/);
    assert.match(m.get('payload:aud')!.interpretation, /application \(client\) id/);
    assert.match(m.get('payload:sub')!.interpretation, /Equals oid/);
    assert.match(m.get('payload:iss')!.interpretation, /v2\.0 issuer form/);
    assert.match(m.get('payload:idtyp')!.interpretation, /App-only/);
  });

  it('names special tenants, system-assigned identities and roles assigned to users', () => {
    const m = byName(
      explainClaims(
        {
          tid: '9188040d-6c67-4c5b-b112-36a304b66dad',
          xms_mirid: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
          scp: 'access_as_user',
          roles: ['Admin'],
          acct: 1,
          idp: 'live.com',
        },
        {},
        { now: NOW },
      ),
    );
    assert.match(m.get('payload:tid')!.interpretation, /consumer/);
    assert.match(
      m.get('payload:xms_mirid')!.interpretation,
      /System-assigned managed identity of Microsoft\.Compute\/virtualMachines "vm1"/,
    );
    assert.match(m.get('payload:roles')!.interpretation, /assigned to the user/);
    assert.match(m.get('payload:acct')!.interpretation, /guest/);
    assert.match(m.get('payload:idp')!.interpretation, /personal Microsoft account/);
    assert.match(
      explainClaims({ tid: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' }, {}, { now: NOW })[0].interpretation,
      /Microsoft Services/,
    );
  });

  it('is honest about unknown claims and unknown values', () => {
    const m = byName(
      explainClaims(
        {
          foo: 1,
          xms_brand_new: 'x',
          extension_dept: 'HR',
          wids: ['99999999-9999-9999-9999-999999999999'],
          amr: ['zzz'],
        },
        { weird: true },
        { now: NOW },
      ),
    );
    assert.equal(m.get('payload:foo')!.known, false);
    assert.match(m.get('payload:foo')!.meaning, /Not in the catalog/);
    assert.equal(m.get('payload:xms_brand_new')!.known, false);
    assert.match(m.get('payload:xms_brand_new')!.meaning, /xms_/);
    assert.match(m.get('payload:extension_dept')!.meaning, /extension attribute/);
    assert.equal(m.get('header:weird')!.known, false);
    assert.match(m.get('payload:wids')!.interpretation, /not a built-in role this tool knows/);
    assert.match(m.get('payload:amr')!.interpretation, /not a value Microsoft documents/);
  });

  it('explains the Graph nonce header and accepts a decode result directly', () => {
    const d = decodeToken(jwt({ aud: 'https://graph.microsoft.com' }, { alg: 'RS256', nonce: 'n' }));
    const rows = explainClaims(d, { now: NOW });
    assert.match(rows.find((r) => r.name === 'nonce')!.interpretation, /only Graph can validate/);
    assert.deepEqual(explainClaims(decodeToken('garbage'), { now: NOW }), []);
  });

  it('survives hostile values without throwing', () => {
    const hostile = {
      exp: 'soon',
      iat: 1e300,
      amr: { a: 1 },
      wids: 'x',
      aud: ['a', 7],
      xms_mirid: 42,
      iss: 'not a url',
      roles: null,
      scp: 5,
      tid: {},
    } as Record<string, unknown>;
    const rows = explainClaims(hostile, { alg: 12 }, { now: NOW });
    assert.equal(rows.length, Object.keys(hostile).length + 1);
    assert.ok(rows.every((r) => typeof r.interpretation === 'string'));
  });

  it('explains federated tokens from Kubernetes, GitHub Actions and Azure Pipelines', () => {
    const k8s = byName(
      explainClaims(
        {
          aud: ['api://AzureADTokenExchange'],
          iss: 'https://eastus.oic.prod-aks.azure.com/tid/guid/',
          sub: 'system:serviceaccount:orders:orders-sa',
          'kubernetes.io': {
            namespace: 'orders',
            serviceaccount: { name: 'orders-sa', uid: 'u' },
            pod: { name: 'orders-7d9', uid: 'p' },
          },
        },
        {},
        { now: NOW },
      ),
    );
    assert.match(
      k8s.get('payload:sub')!.interpretation,
      /Kubernetes service account "orders-sa" in namespace "orders".*exactly this string/,
    );
    assert.match(
      k8s.get('payload:kubernetes.io')!.interpretation,
      /namespace orders, service account orders-sa, pod orders-7d9/,
    );
    assert.match(k8s.get('payload:aud')!.interpretation, /workload identity federation/);
    assert.match(k8s.get('payload:iss')!.interpretation, /AKS cluster OIDC issuer/);
    const gh = byName(
      explainClaims(
        {
          iss: 'https://token.actions.githubusercontent.com',
          sub: 'repo:contoso/orders:environment:prod',
          repository: 'contoso/orders',
          environment: 'prod',
        },
        {},
        { now: NOW },
      ),
    );
    assert.match(gh.get('payload:iss')!.interpretation, /GitHub Actions OIDC issuer/);
    assert.match(
      gh.get('payload:sub')!.interpretation,
      /GitHub Actions workflow in contoso\/orders \(environment prod\)/,
    );
    assert.ok(gh.get('payload:repository')!.known && gh.get('payload:environment')!.known);
    assert.match(
      explainClaims({ sub: 'sc://contoso/web/prod-connection' }, {}, { now: NOW })[0].interpretation,
      /service connection "prod-connection" in contoso\/web/,
    );
  });

  it('guesses the token kind', () => {
    assert.equal(guessTokenKind(armV1Payload()), 'access-v1');
    assert.equal(guessTokenKind(miV2Payload()), 'access-v2');
    assert.equal(
      guessTokenKind({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:a/b:ref:refs/heads/main' }),
      'federated',
    );
    assert.equal(
      guessTokenKind({
        aud: 'cccccccc-0000-0000-0000-000000000003',
        iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        nonce: 'x',
        ver: '2.0',
      }),
      'id-v2',
    );
  });

  it('formats times in UTC and local with relative age', () => {
    assert.match(describeTime(NOW / 1000 - 90, NOW), /1m ago$/);
    assert.match(describeTime(NOW / 1000 + 3 * 86400, NOW), /in 3d 00h$/);
    assert.equal(describeTime(1e20, NOW), 'not a valid time');
  });

  it('parses Azure resource ids', () => {
    assert.deepEqual(
      parseResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app/slots/staging'),
      {
        subscription: 's',
        resourceGroup: 'rg',
        provider: 'Microsoft.Web',
        type: 'sites/slots',
        name: 'staging',
      },
    );
    assert.equal(parseResourceId('not/a/resource/id'), undefined);
  });
});

describe('claims and well-known data files', () => {
  const claims = JSON.parse(readFileSync('src/core/token/data/claims.json', 'utf8')) as {
    header: Record<string, { meaning: string; tokenKinds: string[]; interpret?: string }>;
    payload: Record<string, { meaning: string; tokenKinds: string[]; interpret?: string }>;
  };
  const interpreters = [
    'alg',
    'typ',
    'k8s',
    'time',
    'ver',
    'idtyp',
    'acr',
    'amr',
    'appidacr',
    'wids',
    'aud',
    'app',
    'tenant',
    'mirid',
    'scp',
    'roles',
    'iss',
    'idp',
    'groups',
    'xms_cc',
    'sub',
    'list',
    'cnf',
    'pwd_exp',
    'acct',
  ];
  const kinds = new Set(['access-v1', 'access-v2', 'id-v1', 'id-v2', 'header', 'federated']);

  it('every claim has a meaning, valid token kinds and a real interpreter', () => {
    for (const [section, defs] of Object.entries({ header: claims.header, payload: claims.payload })) {
      for (const [name, def] of Object.entries(defs)) {
        assert.ok(def.meaning.length > 15, `${section}.${name} meaning`);
        assert.ok(def.tokenKinds.length > 0 && def.tokenKinds.every((k) => kinds.has(k)), `${section}.${name} kinds`);
        if (def.interpret)
          assert.ok(interpreters.includes(def.interpret), `${section}.${name} interpret ${def.interpret}`);
      }
    }
  });

  it('covers the documented access and ID token claims', () => {
    const names = new Set(knownClaimNames().payload);
    for (const c of [
      'aud',
      'iss',
      'idp',
      'iat',
      'nbf',
      'exp',
      'aio',
      'acr',
      'amr',
      'appid',
      'azp',
      'appidacr',
      'azpacr',
      'preferred_username',
      'name',
      'scp',
      'roles',
      'wids',
      'groups',
      'hasgroups',
      'sub',
      'oid',
      'tid',
      'unique_name',
      'uti',
      'rh',
      'ver',
      'upn',
      'nonce',
      'c_hash',
      'at_hash',
      'email',
      'sid',
      'auth_time',
      'login_hint',
      'idtyp',
      'xms_cc',
      'xms_mirid',
      'ipaddr',
      'onprem_sid',
      'pwd_exp',
      'pwd_url',
      'in_corp',
      'family_name',
      'given_name',
      'ctry',
      'tenant_ctry',
      'xms_pdl',
      'xms_pl',
      'xms_tpl',
      'ztdid',
      'acct',
      'fwd',
      'vnet',
      'verified_primary_email',
      'verified_secondary_email',
      'xms_edov',
      'xms_pftexp',
    ]) {
      assert.ok(names.has(c), c);
    }
    assert.deepEqual(
      new Set(knownClaimNames().header),
      new Set(['typ', 'alg', 'kid', 'x5t', 'nonce', 'enc', 'cty', 'jku', 'x5c']),
    );
  });

  it('apps, roles and tenants are well-formed GUIDs without duplicates', () => {
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const apps = JSON.parse(readFileSync('src/core/token/data/apps.json', 'utf8')) as { apps: { appId: string }[] };
    const ids = apps.apps.map((a) => a.appId);
    assert.ok(ids.every((i) => guid.test(i)));
    assert.equal(new Set(ids).size, ids.length);
    const roles = JSON.parse(readFileSync('src/core/token/data/roles.json', 'utf8')) as {
      roles: Record<string, string>;
    };
    assert.ok(Object.keys(roles.roles).every((i) => guid.test(i)));
    assert.equal(new Set(Object.values(roles.roles)).size, Object.keys(roles.roles).length);
  });

  it('names the first-party apps and resources the brief lists', () => {
    assert.match(lookupApp('04b07795-8ddb-461a-bbee-02f9e1bf7b46')!.name, /Azure CLI/);
    assert.match(lookupApp('1950a258-227b-4e31-a9cf-717495945fc2')!.name, /Azure PowerShell/);
    assert.match(lookupApp('AEBC6443-996D-45C2-90F0-388FF96FAA56')!.name, /Visual Studio Code/);
    assert.match(lookupApp('https://graph.microsoft.com/.default')!.name, /Microsoft Graph/);
    assert.match(lookupApp('https://management.core.windows.net/')!.name, /Resource Manager/);
    assert.match(lookupApp('https://vault.azure.net')!.name, /Key Vault/);
    assert.match(lookupApp('https://storage.azure.com/')!.name, /Storage/);
    assert.match(lookupApp('https://myacct.blob.core.windows.net')!.name, /Storage account/);
    assert.equal(lookupApp('https://api.contoso.example'), undefined);
    assert.match(directoryRoleName('62E90394-69F5-4237-9190-012177145E10')!, /Global Administrator/);
    assert.match(lookupTenant('common')!.meaning, /alias/);
  });

  it('reads cloud, tenant and version from issuers', () => {
    assert.deepEqual(parseIssuer(`https://sts.windows.net/${TENANT}/`), {
      entra: true,
      host: 'sts.windows.net',
      cloud: 'Azure public cloud',
      tenant: TENANT,
      version: '1.0',
    });
    assert.equal(parseIssuer(`https://login.microsoftonline.us/${TENANT}/v2.0`).cloud, 'Azure US Government');
    assert.equal(parseIssuer(`https://login.partner.microsoftonline.cn/${TENANT}/v2.0`).version, '2.0');
    const sandbox = parseIssuer(`https://127.0.0.1:8443/${TENANT}/v2.0`);
    assert.deepEqual([sandbox.entra, sandbox.cloud, sandbox.version], [false, undefined, '2.0']);
    assert.deepEqual(parseIssuer('::'), { entra: false });
  });
});
