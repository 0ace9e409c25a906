/**
 * Versioned SDK semantics: profiles name a release, every rule changes at the release its CHANGELOG entry names,
 * and bad input is answered with the nearest modelled release.
 */
import assert from 'node:assert/strict';
import { checkRequired, chainOrder, selectCredentials } from '../../../src/core/chain/profiles';
import {
  MODELLED,
  nearestRelease,
  profileSuggestions,
  requireProfile,
  resolveProfile,
} from '../../../src/core/sdk/releases';
import { RULES, type RuleKey } from '../../../src/core/sdk/rules';
import { compareVersions, parseVersion } from '../../../src/core/sdk/version';
import { createEngine } from '../../../src/core/engine';
import { imdsRetry, imdsRetrySpanSeconds } from '../../../src/core/credentials/managed-identity/imds';
import type { StepContext } from '../../../src/core/credentials/types';
import type { ChainProfile } from '../../../src/core/model';

const rel = (spec: string) => requireProfile(spec);
const pick = (spec: string, value: string | undefined, platform: NodeJS.Platform = 'linux') =>
  selectCredentials(rel(spec), value === undefined ? {} : { AZURE_TOKEN_CREDENTIALS: value }, undefined, platform);
const retryCtx = (spec: string) =>
  ({ profile: rel(spec).sdk, release: rel(spec), options: {}, inChain: true }) as unknown as StepContext;

describe('sdk versions: parsing and ordering', () => {
  it('reads semver, Go tags and PEP 440 numbers, and orders pre-releases before their release', () => {
    assert.equal(parseVersion('v1.13.1')?.text, '1.13.1');
    assert.ok(compareVersions('1.13.0b2', '1.13.0') < 0);
    assert.ok(compareVersions('4.11.0-beta.1', '4.11.0') < 0);
    assert.ok(compareVersions('4.10.2', '4.11.0-beta.1') < 0);
    assert.ok(compareVersions('1.24.0b1', '1.23.0') > 0);
    assert.ok(compareVersions('1.26.0rc1', '1.26.0b2') > 0);
    assert.equal(parseVersion('x'), undefined);
    assert.equal(parseVersion('1'.repeat(50)), undefined);
    assert.equal(parseVersion('4.5.0; rm -rf /'), undefined);
  });
});

describe('sdk versions: profiles name a release', () => {
  it('a bare SDK name is its newest modelled release', () => {
    for (const sdk of ['go', 'js', 'python', 'dotnet'] as const)
      assert.equal(rel(sdk).label, `${sdk}@${MODELLED[sdk].newest}`);
    assert.equal(rel('js').version, '4.14.1');
  });

  it('full releases, Go tags, Python pre-releases and prefixes (newest release under the prefix)', () => {
    assert.equal(rel('js@4.5.0').label, 'js@4.5.0');
    assert.equal(rel('js@4.10').label, 'js@4.10.2');
    assert.equal(rel('js@4').label, 'js@4.14.1');
    assert.equal(rel('go@v1.13.1').label, 'go@1.13.1');
    assert.equal(rel('python@1.13.0b2').label, 'python@1.13.0b2');
    assert.equal(rel(' JS@4.13.0 ').label, 'js@4.13.0');
  });

  it('bad input gets a clear message naming the nearest modelled release; nothing throws', () => {
    const cases: [string, RegExp][] = [
      ['js@9.9', /newer than the newest modelled release \(4\.14\.1\); the nearest modelled release is js@4\.14\.1/],
      ['js@2.0.0', /older than the oldest modelled release \(3\.4\.0\); the nearest modelled release is js@3\.4\.0/],
      ['js@4.5.7', /4\.5\.7 was never published; the nearest modelled release is js@4\.5\.0/],
      ['python@x', /"x" is not a release number.*the newest is python@1\.25\.3/],
      ['go@1.99', /newer than the newest modelled release.*go@1\.13\.1/],
      ['ruby@1.0', /names no SDK the engine models/],
      ['', /the profile is empty/],
      ['js@', /"" is not a release number/],
      [`js@${'9'.repeat(500)}`, /not a release number/],
    ];
    for (const [spec, re] of cases) {
      const r = resolveProfile(spec);
      assert.equal(r.ok, false, spec);
      assert.match((r as { message: string }).message, re, spec);
    }
    assert.throws(() => requireProfile('js@9.9'), /js@4\.14\.1/);
  });

  it('nearest release: inside the range the closest by component, outside it the end it passes', () => {
    assert.equal(nearestRelease('js', parseVersion('4.10.9')), '4.10.2');
    assert.equal(nearestRelease('js', parseVersion('99.0.0')), '4.14.1');
    assert.equal(nearestRelease('dotnet', parseVersion('1.0.0')), '1.12.0');
  });

  it('suggestions list the bare SDKs and resolvable releases', () => {
    const s = profileSuggestions();
    assert.ok(s.includes('js') && s.includes('js@4.5.0') && s.includes('python@1.13.0b2'));
    for (const x of s) assert.equal(resolveProfile(x).ok, true, x);
  });

  it('a chain run with an unmodelled release ends in a config error naming the nearest (no steps, no crash)', async () => {
    const r = await createEngine().runChain({ profile: 'js@9.9' }, { env: {} });
    assert.equal(r.steps.length, 0);
    assert.equal(r.error?.kind, 'config');
    assert.match(r.error!.message, /js@4\.14\.1/);
    assert.equal(r.profile, 'js');
    const ok = await createEngine().runChain({ profile: 'js@4.5.0', credentials: ['TestNothing'] }, { env: {} });
    assert.equal(ok.release, 'js@4.5.0');
  });
});

/** Releases a profile may name: npm's list for JS, else the notable ones and the range ends. */
function releasesOf(sdk: ChainProfile): string[] {
  const m = MODELLED[sdk];
  return [...new Set(m.published ?? [...m.notable, m.oldest, m.newest])]
    .filter((v) => resolveProfile(`${sdk}@${v}`).ok)
    .sort(compareVersions);
}
function firstAtOrAfter(sdk: ChainProfile, v: string): string | undefined {
  if (!MODELLED[sdk].published && compareVersions(v, MODELLED[sdk].oldest) >= 0) return v;
  return releasesOf(sdk).find((r) => compareVersions(r, v) >= 0);
}
function lastBefore(sdk: ChainProfile, v: string): string | undefined {
  return releasesOf(sdk)
    .filter((r) => compareVersions(r, v) < 0)
    .at(-1);
}

describe('sdk versions: the rule table', () => {
  it('every rule of every SDK starts at a release, cites a CHANGELOG entry and applies from that release on', () => {
    for (const [sdk, entries] of Object.entries(RULES) as [ChainProfile, (typeof RULES)['js']][]) {
      const byKey = new Map<RuleKey, typeof entries>();
      for (const e of entries) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
      for (const [key, list] of byKey) {
        for (let i = 0; i < list.length; i++) {
          const e = list[i];
          assert.ok(parseVersion(e.since), `${sdk} ${key} since ${e.since}`);
          assert.match(e.cite.file, /CHANGELOG\.md$/);
          assert.ok(e.cite.entry && e.cite.says.length > 20, `${sdk} ${key} ${e.since} cites an entry`);
          if (i > 0)
            assert.ok(compareVersions(list[i - 1].since, e.since) < 0, `${sdk} ${key} entries are in release order`);
          // The rule holds from its release (or the first published one after it, for an unpublished preview)…
          const at = firstAtOrAfter(sdk, e.since);
          if (at) assert.deepEqual(rel(`${sdk}@${at}`).rules[key], e.value, `${sdk}@${at} ${key}`);
          // …and the one before it holds at the last release before it.
          const before = lastBefore(sdk, e.since);
          const prevFrom = i > 0 ? firstAtOrAfter(sdk, list[i - 1].since) : undefined;
          if (before && prevFrom && compareVersions(before, prevFrom) >= 0)
            assert.deepEqual(rel(`${sdk}@${before}`).rules[key], list[i - 1].value, `${sdk}@${before} ${key}`);
        }
        // Every modelled release has every rule.
        assert.ok(
          rel(`${sdk}@${MODELLED[sdk].oldest}`).rules[key] !== undefined,
          `${sdk} ${key} at the oldest modelled release`,
        );
      }
    }
  });
});

describe('sdk versions: JavaScript rules at their boundaries', () => {
  it('order: VisualStudioCode and Broker join in 4.11.0 (#35150, #35213)', () => {
    assert.deepEqual(pick('js@4.10.2', undefined).selection.credentials, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
    ]);
    assert.deepEqual(
      pick('js@3.4.2', undefined).selection.credentials,
      pick('js@4.10.2', undefined).selection.credentials,
    );
    assert.deepEqual(pick('js@4.11.0', undefined).selection.credentials, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'VisualStudioCodeCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
      'BrokerCredential',
    ]);
  });

  it('AZURE_TOKEN_CREDENTIALS: ignored before 4.10.0, dev/prod in 4.10 (#34301), names in 4.11 (#34966)', () => {
    assert.equal(pick('js@4.9.1', 'dev').selection.source, 'default');
    assert.match(pick('js@4.9.1', 'dev').selection.reason, /ignored by js@4\.9\.1/);
    assert.equal(pick('js@4.9.1', 'garbage').error, undefined);
    assert.deepEqual(pick('js@4.10.0', ' DEV ').selection.credentials, [
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
    ]);
    assert.equal(
      pick('js@4.10.2', 'AzureCliCredential').error?.message,
      "Invalid value for AZURE_TOKEN_CREDENTIALS = AzureCliCredential. Valid values are 'prod' or 'dev'.",
    );
    assert.match(
      pick('js@4.10.2', 'AzureCliCredential').selection.reason,
      /single credential names came in a later release/,
    );
    assert.deepEqual(pick('js@4.11.0', 'azureclicredential').selection.credentials, ['AzureCLICredential']);
    assert.deepEqual(pick('js@4.11.0', 'dev').selection.credentials, [
      'VisualStudioCodeCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
      'BrokerCredential',
    ]);
    assert.match(
      pick('js@4.11.1', 'nope').error!.message,
      /or any of these credentials - EnvironmentCredential, .*AzureDeveloperCliCredential\.$/,
    );
    assert.deepEqual(
      pick('js@4.10.0', '   ').selection.credentials,
      pick('js@4.10.0', undefined).selection.credentials,
    );
  });

  it('managed identity alone: probe until 4.12.0, none from 4.13.0 (#36047)', () => {
    assert.equal(pick('js@4.12.0', 'ManagedIdentityCredential').imdsProbe, true);
    assert.equal(pick('js@4.13.0', 'ManagedIdentityCredential').imdsProbe, false);
    assert.equal(pick('js@4.13.0', 'prod').imdsProbe, true);
  });

  it('constructor failures: fatal before 4.1.0, a silent placeholder from 4.1.0-beta.1 (#28264)', () => {
    assert.equal(rel('js@4.0.1').rules.constructorFailure, 'fatal');
    assert.equal(rel('js@4.1.0').rules.constructorFailure, 'placeholder');
  });

  it('IMDS retries: 3 from 800 ms (2.0.3), 5 with jitter (4.1.0), 410 from 3 s spanning about 70 s (4.11.0, #34981)', () => {
    assert.equal(imdsRetry(retryCtx('js@4.0.1')).maxRetries, 3);
    assert.equal(imdsRetry(retryCtx('js@4.0.1')).jitter, 'none');
    assert.equal(imdsRetry(retryCtx('js@4.5.0')).maxRetries, 5);
    assert.ok(!imdsRetry(retryCtx('js@4.10.2')).statusCodes.includes(410));
    assert.equal(imdsRetry(retryCtx('js@4.10.2')).baseDelayByStatusMs, undefined);
    assert.ok(imdsRetry(retryCtx('js@4.11.0')).statusCodes.includes(410));
    assert.equal(imdsRetry(retryCtx('js@4.11.0')).baseDelayByStatusMs?.[410], 3000);
    assert.ok(imdsRetrySpanSeconds(retryCtx('js@4.11.0'), 410) >= 69);
    assert.equal(imdsRetrySpanSeconds(retryCtx('js@4.11.0'), 404), 18.6);
  });

  it('requiredEnvVars from 4.12.0 (#35832), with the SDK message', () => {
    assert.match(
      checkRequired(rel('js@4.11.1'), {}, ['AZURE_TOKEN_CREDENTIALS'])!.message,
      /js@4\.11\.1 has no option/,
    );
    assert.equal(
      checkRequired(rel('js@4.12.0'), {}, ['AZURE_TOKEN_CREDENTIALS'])!.message,
      "Required environment variable 'AZURE_TOKEN_CREDENTIALS' for DefaultAzureCredential is not set or empty.",
    );
    assert.equal(
      checkRequired(rel('js@4.12.0'), { AZURE_CLIENT_ID: 'x' }, [
        'AZURE_CLIENT_ID',
        'AZURE_TENANT_ID',
        'AZURE_TOKEN_CREDENTIALS',
      ])!.message,
      "Required environment variables 'AZURE_TENANT_ID, AZURE_TOKEN_CREDENTIALS' for DefaultAzureCredential are not set or empty.",
    );
    assert.equal(
      checkRequired(rel('js@4.12.0'), { AZURE_TOKEN_CREDENTIALS: 'dev' }, ['AZURE_TOKEN_CREDENTIALS']),
      undefined,
    );
    assert.equal(checkRequired(rel('js@4.12.0'), {}, []), undefined);
  });

  it('a required variable that is missing stops the run before any credential, as the constructor does', async () => {
    const r = await createEngine().runChain(
      { profile: 'js@4.13.0', required: ['AZURE_TOKEN_CREDENTIALS'] },
      { env: {} },
    );
    assert.equal(r.steps.length, 0);
    assert.match(r.error!.message, /^Required environment variable 'AZURE_TOKEN_CREDENTIALS'/);
  });
});

describe('sdk versions: Go rules at their boundaries', () => {
  it('AZURE_TOKEN_CREDENTIALS: ignored before 1.10.0; dev/prod exact in 1.10.0; names from 1.11.0; set-but-empty invalid', () => {
    assert.equal(pick('go@1.9.0', 'dev').selection.source, 'default');
    assert.deepEqual(pick('go@1.10.0', 'dev').selection.credentials, [
      'AzureCLICredential',
      'AzureDeveloperCLICredential',
    ]);
    assert.equal(pick('go@1.10.0', 'AzureCLICredential').error?.kind, 'config');
    assert.deepEqual(pick('go@1.11.0', 'azureclicredential').selection.credentials, ['AzureCLICredential']);
    assert.equal(pick('go@1.13.1', '').error?.kind, 'config');
    assert.match(pick('go@1.13.1', '').error!.message, /^invalid AZURE_TOKEN_CREDENTIALS value ""/);
    assert.equal(pick('go@1.9.0', '').error, undefined);
  });

  it('managed identity alone: probe until 1.12, none from 1.13.0', () => {
    assert.equal(pick('go@1.12.0', 'ManagedIdentityCredential').imdsProbe, true);
    assert.equal(pick('go@1.13.0', 'ManagedIdentityCredential').imdsProbe, false);
  });

  it('RequireAzureTokenCredentials from 1.12.0', () => {
    assert.match(checkRequired(rel('go@1.11.0'), {}, ['AZURE_TOKEN_CREDENTIALS'])!.message, /came in a later release/);
    assert.equal(
      checkRequired(rel('go@1.12.0'), {}, ['AZURE_TOKEN_CREDENTIALS'])!.message,
      'AZURE_TOKEN_CREDENTIALS must be set when RequireAzureTokenCredentials is true',
    );
    assert.equal(
      checkRequired(rel('go@1.12.0'), { AZURE_TOKEN_CREDENTIALS: 'prod' }, ['AZURE_TOKEN_CREDENTIALS']),
      undefined,
    );
  });
});

describe('sdk versions: Python rules at their boundaries', () => {
  it('1.13.0b2 (Debian): Environment, ManagedIdentity, SharedTokenCache (Linux too), AzureCli, AzurePowerShell', () => {
    assert.deepEqual(pick('python@1.13.0b2', undefined, 'linux').selection.credentials, [
      'EnvironmentCredential',
      'ManagedIdentityCredential',
      'SharedTokenCacheCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
    ]);
    assert.equal(pick('python@1.13.0b2', 'dev').selection.source, 'default');
  });

  it('1.13.0 adds WorkloadIdentity and azd; 1.24.0b1 adds VisualStudioCode and the broker, SharedTokenCache on Windows only', () => {
    assert.deepEqual(chainOrder(rel('python@1.13.0'), 'linux'), [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'SharedTokenCacheCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
    ]);
    assert.deepEqual(chainOrder(rel('python@1.25.3'), 'linux'), [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'VisualStudioCodeCredential',
      'AzureCLICredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCLICredential',
      'BrokerCredential',
    ]);
    assert.ok(chainOrder(rel('python@1.25.3'), 'win32').includes('SharedTokenCacheCredential'));
  });

  it('AZURE_TOKEN_CREDENTIALS: dev/prod from 1.23.0, names from 1.24.0b1 with its own invalid-value wording', () => {
    assert.equal(pick('python@1.22.0', 'prod').selection.source, 'default');
    assert.deepEqual(pick('python@1.23.0', ' Prod ').selection.credentials, [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
    assert.equal(pick('python@1.23.0', 'AzureCliCredential').error?.kind, 'config');
    assert.deepEqual(pick('python@1.24.0', 'InteractiveBrowserCredential').selection.credentials, [
      'InteractiveBrowserCredential',
    ]);
    assert.equal(
      pick('python@1.25.3', 'nope').error?.message,
      'Invalid value for AZURE_TOKEN_CREDENTIALS: nope. Valid values are: dev, prod, azureclicredential, azuredeveloperclicredential, azurepowershellcredential, environmentcredential, interactivebrowsercredential, managedidentitycredential, visualstudiocodecredential, workloadidentitycredential.',
    );
  });

  it('managed identity alone: probe until 1.25.0, none from 1.25.1; require_envvar from 1.25.0', () => {
    assert.equal(pick('python@1.25.0', 'ManagedIdentityCredential').imdsProbe, true);
    assert.equal(pick('python@1.25.1', 'ManagedIdentityCredential').imdsProbe, false);
    assert.match(checkRequired(rel('python@1.24.0'), {}, ['AZURE_TOKEN_CREDENTIALS'])!.message, /later release/);
    assert.match(checkRequired(rel('python@1.25.0'), {}, ['AZURE_TOKEN_CREDENTIALS'])!.message, /require_envvar/);
  });
});

describe('sdk versions: .NET rules at their boundaries', () => {
  it('order: SharedTokenCache until 1.15.0, VisualStudioCode from 1.15.0-beta.1, BrokerCredential last from 1.16.0', () => {
    assert.ok(chainOrder(rel('dotnet@1.14.2')).includes('SharedTokenCacheCredential'));
    assert.ok(!chainOrder(rel('dotnet@1.14.2')).includes('VisualStudioCodeCredential'));
    assert.ok(!chainOrder(rel('dotnet@1.15.0')).includes('SharedTokenCacheCredential'));
    assert.ok(chainOrder(rel('dotnet@1.15.0')).includes('VisualStudioCodeCredential'));
    assert.ok(!chainOrder(rel('dotnet@1.15.0')).includes('BrokerCredential'));
    assert.equal(chainOrder(rel('dotnet@1.20.0')).at(-1), 'BrokerCredential');
  });

  it('AZURE_TOKEN_CREDENTIALS: dev/prod in 1.14.0, names in 1.15.0-beta.1 (BrokerAuthenticationCredential, renamed BrokerCredential in 1.15.0), Broker in dev from 1.16.0', () => {
    assert.equal(pick('dotnet@1.13.2', 'dev').selection.source, 'default');
    assert.equal(pick('dotnet@1.14.0', 'AzureCliCredential').error?.kind, 'config');
    assert.deepEqual(pick('dotnet@1.15.0-beta.1', 'BrokerAuthenticationCredential').selection.credentials, [
      'BrokerCredential',
    ]);
    assert.equal(pick('dotnet@1.15.0', 'BrokerAuthenticationCredential').error?.kind, 'config');
    assert.deepEqual(pick('dotnet@1.15.0', 'brokercredential').selection.credentials, ['BrokerCredential']);
    assert.ok(!pick('dotnet@1.15.0', 'dev').selection.credentials.includes('BrokerCredential'));
    assert.equal(pick('dotnet@1.16.0', 'dev').selection.credentials.at(-1), 'BrokerCredential');
  });

  it('managed identity alone: no probe from 1.16.0; IMDS 410 from 3 s from 1.15.0-beta.1 (#50724)', () => {
    assert.equal(pick('dotnet@1.15.0', 'ManagedIdentityCredential').imdsProbe, true);
    assert.equal(pick('dotnet@1.16.0', 'ManagedIdentityCredential').imdsProbe, false);
    assert.equal(imdsRetry(retryCtx('dotnet@1.14.0')).baseDelayByStatusMs, undefined);
    assert.equal(imdsRetry(retryCtx('dotnet@1.15.0')).baseDelayByStatusMs?.[410], 3000);
  });
});

describe("sdk versions: placeholders name each SDK's own plugin package", () => {
  it('JS @azure/identity-broker, Python azure-identity-broker, .NET Azure.Identity.Broker', async () => {
    const { placeholderReason } = await import('../../../src/core/chain/placeholders');
    assert.match(placeholderReason('BrokerCredential', 'js'), /@azure\/identity-broker/);
    assert.match(placeholderReason('BrokerCredential', 'python'), /azure-identity-broker/);
    assert.doesNotMatch(placeholderReason('BrokerCredential', 'python'), /@azure/);
    assert.match(placeholderReason('BrokerCredential', 'dotnet'), /Azure\.Identity\.Broker/);
    assert.match(placeholderReason('VisualStudioCodeCredential', 'python'), /azure-identity-broker/);
    assert.match(placeholderReason('VisualStudioCodeCredential', 'dotnet'), /Azure\.Identity\.Broker/);
    const r = await createEngine().runChain({ profile: 'dotnet', credentials: ['BrokerCredential'] }, { env: {} });
    assert.equal(r.steps[0].outcome, 'unavailable');
    assert.match(r.steps[0].message, /Azure\.Identity\.Broker/);
  });
});
