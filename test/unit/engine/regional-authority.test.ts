/**
 * AZURE_REGIONAL_AUTHORITY_NAME for EnvironmentCredential's service principal (src/core/credentials/regional.ts):
 * the host MSAL computes for each authority host, and a chain run whose token request goes to the regional
 * endpoint — the sandbox on loopback answering as the regional service, never a real host.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../../src/core/engine';
import { MemorySink } from '../../../src/core/trace/sinks';
import { resolveAuthorityHost } from '../../../src/core/credentials/msal/authority';
import { regionalTokenEndpoint, regionFromEnv } from '../../../src/core/credentials/regional';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';

describe('regional authority: the host MSAL would use', () => {
  const endpoint = (host: string, region = 'eastus') =>
    regionalTokenEndpoint(resolveAuthorityHost(host, {}), 'contoso', region).url;

  it('the public cloud goes to <region>.login.microsoft.com, another cloud to <region>.<host>, loopback to itself', () => {
    assert.equal(
      endpoint('https://login.microsoftonline.com'),
      'https://eastus.login.microsoft.com/contoso/oauth2/v2.0/token?allowestsrfallback=true',
    );
    assert.equal(
      endpoint('https://login.chinacloudapi.cn', 'chinaeast2'),
      'https://chinaeast2.login.chinacloudapi.cn/contoso/oauth2/v2.0/token?allowestsrfallback=true',
    );
    assert.equal(
      endpoint('https://127.0.0.1:8443'),
      'https://127.0.0.1:8443/contoso/oauth2/v2.0/token?allowestsrfallback=true',
    );
  });

  it('reads the variable as msal does: auto-detection from REGION_NAME, nothing from a value that is no region', () => {
    assert.deepEqual(regionFromEnv({}), {});
    assert.equal(regionFromEnv({ AZURE_REGIONAL_AUTHORITY_NAME: 'WestEurope' }).region, 'westeurope');
    assert.equal(
      regionFromEnv({ AZURE_REGIONAL_AUTHORITY_NAME: 'AutoDiscoverRegion', REGION_NAME: 'uksouth' }).region,
      'uksouth',
    );
    const auto = regionFromEnv({ AZURE_REGIONAL_AUTHORITY_NAME: 'TryAutoDetect' });
    assert.equal(auto.region, undefined);
    assert.match(auto.note!, /global endpoint/);
    assert.match(regionFromEnv({ AZURE_REGIONAL_AUTHORITY_NAME: 'evil.example/x' }).invalid!, /not a region name/);
  });
});

describe('regional authority: EnvironmentCredential in the chain (against the sandbox)', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.close();
  });

  for (const profile of ['js@4.13.1', 'js@3.4.2', 'python@1.13.0b2', 'go', 'dotnet']) {
    it(`${profile}: the client secret's token request carries the regional endpoint's query`, async () => {
      const app = sb.contract.apps[0]!;
      const env = {
        PATH: '/nonexistent',
        AZURE_TENANT_ID: sb.tenantId,
        AZURE_CLIENT_ID: app.clientId,
        AZURE_CLIENT_SECRET: app.clientSecret!,
        AZURE_REGIONAL_AUTHORITY_NAME: 'eastus',
      };
      const before = sb.requests.length;
      const mem = new MemorySink();
      const r = await createEngine().runChain(
        { profile, mode: 'sequential', credentials: ['EnvironmentCredential'], stepTimeoutMs: 20_000 },
        { env, options: { authorityHost: sb.authorityHost, ca: sb.caPem }, sink: mem },
      );
      assert.equal(r.winner, 'EnvironmentCredential', r.error?.message);
      const token = sb.requests.slice(before).filter((q) => q.path.endsWith('/oauth2/v2.0/token'));
      assert.equal(token.length, 1);
      assert.equal(token[0]!.query.allowestsrfallback, 'true');
      assert.ok(
        mem.events.some((e) => e.kind === 'note' && /regional endpoint https:\/\/127\.0\.0\.1:\d+\//.test(e.message)),
      );
    });
  }

  it('without the variable the request goes to the global endpoint', async () => {
    const app = sb.contract.apps[0]!;
    const env = { AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: app.clientSecret! };
    const before = sb.requests.length;
    const r = await createEngine().runChain(
      { profile: 'js', credentials: ['EnvironmentCredential'] },
      { env, options: { authorityHost: sb.authorityHost, ca: sb.caPem } },
    );
    assert.equal(r.winner, 'EnvironmentCredential');
    const token = sb.requests.slice(before).filter((q) => q.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(token[0]!.query.allowestsrfallback, undefined);
  });
});
