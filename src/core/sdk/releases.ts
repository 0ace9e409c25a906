/**
 * Which SDK releases the engine models, and how a profile names one: `js@4.13.0`, `js@4.5` (newest 4.5.x),
 * `python@1.13.0b2`, `go@v1.13.1`, or the bare SDK name (the newest modelled release). Resolving a profile gives
 * the release's rules (rules.ts), each with the CHANGELOG entry it comes from. Bad input never throws past
 * `resolveProfile`: it returns an error naming the nearest modelled release.
 */
import type { ChainProfile } from '../model';
import { compareVersions, isComplete, parseVersion, underPrefix, type Version } from './version';
import { RULES, type Citation, type RuleKey, type RuleValues } from './rules';

export const SDKS: readonly ChainProfile[] = ['go', 'js', 'python', 'dotnet'];

/** How each SDK's package is called where users install it. */
export const PACKAGE_NAMES: Record<ChainProfile, string> = {
  js: '@azure/identity',
  go: 'github.com/Azure/azure-sdk-for-go/sdk/azidentity',
  python: 'azure-identity',
  dotnet: 'Azure.Identity',
};

interface Modelled {
  oldest: string;
  newest: string;
  /**
   * Every published release in the modelled range, where the project has the list (npm's for @azure/identity): a
   * release outside it is refused. Other SDKs accept any well-formed number in the range.
   */
  published?: string[];
  /** Releases worth offering (boundaries where a rule changes, the oracles the parity suite runs, the newest). */
  notable: string[];
}

export const MODELLED: Record<ChainProfile, Modelled> = {
  js: {
    oldest: '3.4.0',
    newest: '4.14.1',
    // `npm view @azure/identity versions`, stable releases from 3.4.0 on.
    published: [
      '3.4.0',
      '3.4.1',
      '3.4.2',
      '4.0.0',
      '4.0.1',
      '4.1.0',
      '4.2.0',
      '4.2.1',
      '4.3.0',
      '4.4.0',
      '4.4.1',
      '4.5.0',
      '4.6.0',
      '4.7.0',
      '4.8.0',
      '4.9.0',
      '4.9.1',
      '4.10.0',
      '4.10.1',
      '4.10.2',
      '4.11.0',
      '4.11.1',
      '4.11.2',
      '4.12.0',
      '4.13.0',
      '4.13.1',
      '4.13.2',
      '4.13.3',
      '4.14.0',
      '4.14.1',
    ],
    notable: ['3.4.2', '4.0.1', '4.1.0', '4.5.0', '4.10.2', '4.11.1', '4.12.0', '4.13.3', '4.14.1'],
  },
  go: { oldest: '1.6.0', newest: '1.13.1', notable: ['1.6.0', '1.10.0', '1.11.0', '1.12.0', '1.13.1'] },
  python: {
    oldest: '1.11.0',
    newest: '1.25.3',
    notable: ['1.13.0b2', '1.13.0', '1.23.0', '1.24.0', '1.25.0', '1.25.3'],
  },
  dotnet: { oldest: '1.12.0', newest: '1.20.0', notable: ['1.12.0', '1.14.0', '1.15.0', '1.16.0', '1.20.0'] },
};

export interface ResolvedRelease {
  sdk: ChainProfile;
  version: string;
  /** `js@4.13.0` */
  label: string;
  /** How the spec was read (e.g. 'js@4.5 → newest modelled 4.5.x, 4.5.0'). */
  note?: string;
  rules: RuleValues;
  /** The CHANGELOG entry behind each rule. */
  cites: Record<RuleKey, Citation>;
}

export type ResolveResult = { ok: true; release: ResolvedRelease } | { ok: false; message: string; nearest?: string };

function rulesAt(sdk: ChainProfile, version: string): { rules: RuleValues; cites: Record<RuleKey, Citation> } {
  const rules: Partial<RuleValues> = {};
  const cites: Partial<Record<RuleKey, Citation>> = {};
  for (const entry of RULES[sdk]) {
    if (compareVersions(entry.since, version) > 0) continue;
    // Entries are listed oldest first per key: the last one that has started wins.
    (rules as Record<string, unknown>)[entry.key] = entry.value;
    cites[entry.key] = entry.cite;
  }
  return { rules: rules as RuleValues, cites: cites as Record<RuleKey, Citation> };
}

function release(sdk: ChainProfile, version: string, note?: string): ResolvedRelease {
  return { sdk, version, label: `${sdk}@${version}`, note, ...rulesAt(sdk, version) };
}

/** The newest modelled release of an SDK (what the bare name means). */
export function newestRelease(sdk: ChainProfile): ResolvedRelease {
  return release(sdk, MODELLED[sdk].newest);
}

/** Suggestions for pickers and completion: the bare names, then each SDK's notable releases. */
export function profileSuggestions(): string[] {
  return [...SDKS, ...SDKS.flatMap((s) => MODELLED[s].notable.map((v) => `${s}@${v}`))];
}

function candidates(sdk: ChainProfile): string[] {
  const m = MODELLED[sdk];
  return [...new Set([...(m.published ?? []), ...m.notable, m.oldest, m.newest])].sort(compareVersions);
}

/** The modelled release closest to `v` (outside the range: the end it is beyond; inside: the smallest gap in
 * major, then minor, then patch; ties go to the newer release). */
export function nearestRelease(sdk: ChainProfile, v: Version | undefined): string {
  const all = candidates(sdk);
  const last = all[all.length - 1];
  if (!v || compareVersions(v, last) >= 0) return last;
  if (compareVersions(v, all[0]) <= 0) return all[0];
  const gap = (c: string) => {
    const x = parseVersion(c)!;
    return (
      Math.abs(x.major - v.major) * 1e6 +
      Math.abs((x.minor ?? 0) - (v.minor ?? 0)) * 1e3 +
      Math.abs((x.patch ?? 0) - (v.patch ?? 0))
    );
  };
  let best = all[0];
  for (const c of all) if (gap(c) <= gap(best)) best = c;
  return best;
}

function sdkOf(name: string): ChainProfile | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'go' || n === 'js' || n === 'python' || n === 'dotnet') return n;
  const alias: Record<string, ChainProfile> = {
    javascript: 'js',
    node: 'js',
    ts: 'js',
    typescript: 'js',
    py: 'python',
    net: 'dotnet',
    '.net': 'dotnet',
    csharp: 'dotnet',
    golang: 'go',
  };
  return alias[n];
}

/**
 * Reads a profile: `SDK` or `SDK@VERSION`. Returns the release with its rules, or a message a user can act on
 * (naming the nearest modelled release). Never throws.
 */
export function resolveProfile(spec: string): ResolveResult {
  const raw = String(spec ?? '').trim();
  const shown = raw.length > 60 ? `${raw.slice(0, 57)}…` : raw;
  if (!raw)
    return {
      ok: false,
      message: 'the profile is empty: name an SDK (go, js, python, dotnet), optionally with a release, e.g. js@4.13.0',
    };
  const at = raw.indexOf('@');
  const sdkPart = at < 0 ? raw : raw.slice(0, at);
  const sdk = sdkOf(sdkPart);
  if (!sdk) {
    return {
      ok: false,
      message: `"${shown}" names no SDK the engine models: use go, js, python or dotnet, optionally with a release (e.g. js@4.13.0, python@1.13.0b2)`,
    };
  }
  if (at < 0) return { ok: true, release: newestRelease(sdk) };
  const versionPart = raw.slice(at + 1).trim();
  const m = MODELLED[sdk];
  const v = parseVersion(versionPart);
  if (!v) {
    const nearest = `${sdk}@${m.newest}`;
    return {
      ok: false,
      nearest,
      message: `"${shown}": "${versionPart}" is not a release number. Modelled ${sdk} releases run from ${m.oldest} to ${m.newest}; the newest is ${nearest}`,
    };
  }
  const published = m.published?.map((p) => parseVersion(p)!);
  if (!isComplete(v)) {
    // A prefix: the newest modelled release under it.
    const pool = (published ?? candidates(sdk).map((c) => parseVersion(c)!)).filter((c) => underPrefix(c, v));
    if (pool.length) {
      const chosen = pool.sort(compareVersions)[pool.length - 1].text;
      return {
        ok: true,
        release: release(sdk, chosen, `${sdk}@${v.text} → ${sdk}@${chosen}, the newest modelled ${v.text}.x release`),
      };
    }
  }
  const nearest = `${sdk}@${nearestRelease(sdk, v)}`;
  if (compareVersions(v, m.oldest) < 0 || compareVersions(v, m.newest) > 0) {
    const side =
      compareVersions(v, m.oldest) < 0
        ? `older than the oldest modelled release (${m.oldest})`
        : `newer than the newest modelled release (${m.newest})`;
    return { ok: false, nearest, message: `${sdk}@${v.text} is ${side}; the nearest modelled release is ${nearest}` };
  }
  if (!isComplete(v))
    return {
      ok: false,
      nearest,
      message: `no modelled ${sdk} release starts with ${v.text}; the nearest is ${nearest}`,
    };
  if (published && !published.some((p) => compareVersions(p, v) === 0)) {
    return {
      ok: false,
      nearest,
      message: `${PACKAGE_NAMES[sdk]} ${v.text} was never published; the nearest modelled release is ${nearest}`,
    };
  }
  return { ok: true, release: release(sdk, v.text) };
}

/** Like resolveProfile, for callers that have already validated: throws with the same message. */
export function requireProfile(spec: string): ResolvedRelease {
  const r = resolveProfile(spec);
  if (!r.ok) throw Object.assign(new Error(r.message), { name: 'ProfileError' });
  return r.release;
}
