/**
 * Release numbers as the four SDKs write them: semver (`4.13.0`, `1.16.0-beta.1`), Go tags (`v1.13.1`) and PEP 440
 * (`1.13.0b2`, `1.26.0rc1`). Parsed by one anchored regular expression (no recursion, bounded input), compared as
 * tuples. A missing minor or patch is kept as "unspecified" so `js@4.5` can mean "the newest 4.5.x".
 */

export interface Version {
  major: number;
  minor?: number;
  patch?: number;
  /** 0 alpha, 1 beta, 2 preview, 3 release candidate, 4 stable. */
  preRank: number;
  preNum: number;
  /** As written (trimmed, without a leading "v"). */
  text: string;
}

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, preview: 2, pre: 2, rc: 3 };
const STABLE = 4;
const VERSION_RE =
  /^v?(\d{1,6})(?:\.(\d{1,6}))?(?:\.(\d{1,6}))?(?:[-.]?(a|alpha|b|beta|preview|pre|rc)\.?(\d{1,6})?)?$/i;

export function parseVersion(raw: string): Version | undefined {
  const text = raw.trim();
  if (text.length > 40) return undefined;
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  const pre = m[4]?.toLowerCase();
  return {
    major: Number(m[1]),
    minor: m[2] === undefined ? undefined : Number(m[2]),
    patch: m[3] === undefined ? undefined : Number(m[3]),
    preRank: pre ? PRE_RANK[pre] : STABLE,
    preNum: m[5] === undefined ? 0 : Number(m[5]),
    text: text.replace(/^v/i, ''),
  };
}

/** Orders two versions; an unspecified minor/patch counts as 0. */
export function compareVersions(a: Version | string, b: Version | string): number {
  const x = typeof a === 'string' ? parseVersion(a) : a;
  const y = typeof b === 'string' ? parseVersion(b) : b;
  if (!x || !y) throw new Error(`not a version: ${!x ? String(a) : String(b)}`);
  const tx = [x.major, x.minor ?? 0, x.patch ?? 0, x.preRank, x.preNum];
  const ty = [y.major, y.minor ?? 0, y.patch ?? 0, y.preRank, y.preNum];
  for (let i = 0; i < tx.length; i++) if (tx[i] !== ty[i]) return tx[i] - ty[i];
  return 0;
}

/** True when `v` is a full release number (major.minor.patch) rather than a prefix like `4.5`. */
export function isComplete(v: Version): boolean {
  return v.minor !== undefined && v.patch !== undefined;
}

/** Whether a complete version `candidate` falls under a (possibly partial) `prefix`: 4.5.1 under 4.5, 4.5.1 under 4. */
export function underPrefix(candidate: Version, prefix: Version): boolean {
  if (candidate.major !== prefix.major) return false;
  if (prefix.minor !== undefined && candidate.minor !== prefix.minor) return false;
  if (prefix.patch !== undefined && candidate.patch !== prefix.patch) return false;
  if (prefix.preRank !== STABLE) return candidate.preRank === prefix.preRank && candidate.preNum === prefix.preNum;
  return true;
}

export function isPrerelease(v: Version): boolean {
  return v.preRank !== STABLE;
}
