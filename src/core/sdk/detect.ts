/**
 * The workspace's own SDK: reads a project's lock and manifest files and says which Azure Identity package and
 * release the app really uses, with the file and line that decided it.
 *
 * Lock files (exact releases) win over manifests (ranges). Every file is read with a size cap, as a regular file only,
 * and parsed line by line with anchored regular expressions (JSON lock files are parsed with JSON.parse, which has no
 * recursion a crafted file can exhaust); a malformed file becomes a problem in the result, never an exception.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { ChainProfile } from '../model';
import { compareVersions, isComplete, parseVersion } from './version';
import { MODELLED, PACKAGE_NAMES, nearestRelease, resolveProfile } from './releases';
import { isUserFileError, readUserText } from '../fs/read';

export interface Evidence {
  sdk: ChainProfile;
  /** The release as written (exact for lock files), or the range for manifests. */
  written: string;
  /** Exact: a lock file pins it. Otherwise a manifest range, resolved to the newest modelled release it allows. */
  exact: boolean;
  /** Relative to the scanned folder, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** The deciding line, trimmed and capped (outside text: show it through terminalSafe). */
  text: string;
}

export interface DetectedSdk extends Evidence {
  /** The profile to run: `js@4.13.0`, or the nearest modelled release when the found one is not modelled. */
  profile: string;
  /** Why this profile (e.g. "^4.5.0 allows up to 4.14.1", "4.15.0 is newer than the newest modelled release"). */
  note?: string;
}

export interface Detection {
  folder: string;
  /** One entry per SDK found, best evidence first (lock before manifest); several means the workspace holds several. */
  found: DetectedSdk[];
  /** Files that could not be used (too big, malformed, unreadable), with why. */
  problems: { file: string; message: string }[];
  /** Files that were read. */
  scanned: string[];
}

export interface DetectOptions {
  /** Per-file cap (default 16 MiB: large monorepo package-lock.json files stay under it). */
  maxBytes?: number;
  /** How deep to look for *.csproj and nested manifests (default 3). */
  maxDepth?: number;
  /** How many directory entries to look at in total (default 5000). */
  maxEntries?: number;
}

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'bin',
  'obj',
  '.venv',
  'venv',
  '__pycache__',
  'dist',
  'out',
  'vendor',
  '.vscode-test',
  'target',
]);
const MAX_LINE = 200;

type Parser = (text: string, file: string) => Evidence[];

const line = (lines: string[], i: number) => lines[i].trim().slice(0, MAX_LINE);

function ev(sdk: ChainProfile, written: string, exact: boolean, file: string, lines: string[], i: number): Evidence {
  return { sdk, written, exact, file, line: i + 1, text: line(lines, i) };
}

// --------------------------------------------------------------------------------------------- JavaScript

/** package-lock.json (v1–v3): the top-level entry for @azure/identity and its "version" line. */
const packageLock: Parser = (text, file) => {
  JSON.parse(text); // malformed → problem
  const lines = text.split('\n');
  let best: { i: number; indent: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)"(?:node_modules\/)?@azure\/identity"\s*:\s*\{/.exec(lines[i]);
    if (m && (!best || m[1].length < best.indent)) best = { i, indent: m[1].length };
  }
  if (!best) return [];
  for (let j = best.i + 1; j < Math.min(lines.length, best.i + 12); j++) {
    const v = /^\s*"version"\s*:\s*"([^"]{1,40})"/.exec(lines[j]);
    if (v) return [ev('js', v[1], true, file, lines, j)];
  }
  return [];
};

/** pnpm-lock.yaml: `/@azure/identity@4.2.1:` (v5/v6) or `'@azure/identity@4.13.0':` (v9) package keys. */
const pnpmLock: Parser = (text, file) => {
  const lines = text.split('\n');
  const out: Evidence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s{0,4}['"]?\/?@azure\/identity[@/](\d[0-9A-Za-z.+-]{0,39}?)(?:\(.*)?['"]?:\s*$/.exec(lines[i]);
    if (m) out.push(ev('js', m[1], true, file, lines, i));
  }
  return newestOf(out);
};

/** yarn.lock (classic `version "4.13.0"`, berry `version: 4.13.0`) under an `@azure/identity@…` header. */
const yarnLock: Parser = (text, file) => {
  const lines = text.split('\n');
  const out: Evidence[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^"?@azure\/identity@/.test(lines[i])) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
      const v = /^\s+version:?\s+"?([0-9][^"\s]{0,39})"?\s*$/.exec(lines[j]);
      if (v) {
        out.push(ev('js', v[1], true, file, lines, j));
        break;
      }
    }
  }
  return newestOf(out);
};

/** package.json: a dependency range on @azure/identity. */
const packageJson: Parser = (text, file) => {
  JSON.parse(text);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*"@azure\/identity"\s*:\s*"([^"]{1,60})"/.exec(lines[i]);
    if (m) return [ev('js', m[1], false, file, lines, i)];
  }
  return [];
};

// --------------------------------------------------------------------------------------------- Go

const GO_MODULE = 'github.com/Azure/azure-sdk-for-go/sdk/azidentity';

const goMod: Parser = (text, file) => {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m =
      /^\s*(?:require\s+)?github\.com\/Azure\/azure-sdk-for-go\/sdk\/azidentity\s+(v[0-9][0-9A-Za-z.+-]{0,39})(\s|$)/.exec(
        lines[i],
      );
    if (m) return [ev('go', m[1], true, file, lines, i)];
  }
  return [];
};

const goSum: Parser = (text, file) => {
  const lines = text.split('\n');
  const out: Evidence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m =
      /^github\.com\/Azure\/azure-sdk-for-go\/sdk\/azidentity\s+(v[0-9][0-9A-Za-z.+-]{0,39}?)(\/go\.mod)?\s+h1:/.exec(
        lines[i],
      );
    if (m && !m[2]) out.push(ev('go', m[1], true, file, lines, i));
  }
  return newestOf(out);
};

// --------------------------------------------------------------------------------------------- Python

const PY_NAME = /^azure[-_.]identity$/i;

/** requirements*.txt: `azure-identity==1.25.0`, `azure_identity>=1.13`, `azure-identity~=1.24.0` (extras allowed). */
const requirements: Parser = (text, file) => {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m =
      /^\s*(azure[-_.]identity)\s*(?:\[[^\]]{0,60}\])?\s*((?:===?|~=|>=|<=|>|<|!=)\s*[0-9][^;#\s,]{0,39}(?:\s*,\s*(?:===?|~=|>=|<=|>|<|!=)\s*[0-9][^;#\s,]{0,39}){0,3})?/i.exec(
        lines[i],
      );
    if (m && PY_NAME.test(m[1])) {
      const spec = (m[2] ?? '').replace(/\s+/g, '');
      const exact = /^===?[0-9][^,]*$/.test(spec);
      return [ev('python', exact ? spec.replace(/^===?/, '') : spec || '*', exact, file, lines, i)];
    }
  }
  return [];
};

/** poetry.lock and uv.lock: a `[[package]]` table with name = "azure-identity" and its version line. */
const tomlLock: Parser = (text, file) => {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = /^name\s*=\s*"([^"]{1,80})"\s*$/.exec(lines[i]);
    if (!n || !PY_NAME.test(n[1])) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
      const v = /^version\s*=\s*"([^"]{1,40})"\s*$/.exec(lines[j]);
      if (v) return [ev('python', v[1], true, file, lines, j)];
      if (/^\[/.test(lines[j])) break;
    }
  }
  return [];
};

/** Pipfile.lock: `"azure-identity": { …, "version": "==1.25.1" }` in default or develop. */
const pipfileLock: Parser = (text, file) => {
  const json = JSON.parse(text) as Record<string, unknown>;
  let version: string | undefined;
  for (const section of ['default', 'develop']) {
    const deps = json?.[section];
    if (deps && typeof deps === 'object') {
      for (const [k, v] of Object.entries(deps as Record<string, unknown>)) {
        const ver = (v as { version?: unknown })?.version;
        if (PY_NAME.test(k) && typeof ver === 'string') version ??= ver;
      }
    }
    if (version) break;
  }
  if (!version) return [];
  const lines = text.split('\n');
  const key = lines.findIndex((l) => /^\s*"azure[-_.]identity"\s*:/i.test(l));
  const at = key < 0 ? 0 : lines.findIndex((l, i) => i > key && /"version"\s*:/.test(l));
  const exact = version.replace(/^===?/, '');
  return [ev('python', exact, /^===?/.test(version), file, lines, at < 0 ? key : at)];
};

// --------------------------------------------------------------------------------------------- .NET

/** *.csproj, Directory.Packages.props: `<PackageReference|PackageVersion Include="Azure.Identity" Version="1.20.0" />`. */
const msbuild: Parser = (text, file) => {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/<Package(?:Reference|Version)\b[^>]*\b(?:Include|Update)\s*=\s*"Azure\.Identity"/i.test(lines[i])) continue;
    // The Version attribute may sit on a following line of the same element, or be a <Version> child element.
    for (let j = i; j < Math.min(lines.length, i + 5); j++) {
      const attr = /\bVersion\s*=\s*"([^"]{1,60})"/i.exec(
        j === i ? lines[j].slice(lines[j].search(/Azure\.Identity/i)) : lines[j],
      );
      if (attr) return [ev('dotnet', attr[1], isExactNuGet(attr[1]), file, lines, j)];
      const child = /<Version>\s*([^<]{1,60}?)\s*<\/Version>/i.exec(lines[j]);
      if (child) return [ev('dotnet', child[1], isExactNuGet(child[1]), file, lines, j)];
      if (j > i && /<\/PackageReference>|\/>/.test(lines[j])) break;
    }
    // Central package management: the version is in Directory.Packages.props.
    return [];
  }
  return [];
};

/** packages.lock.json: "Azure.Identity": { "resolved": "1.20.0" }. */
const nugetLock: Parser = (text, file) => {
  JSON.parse(text);
  const lines = text.split('\n');
  const out: Evidence[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*"Azure\.Identity"\s*:\s*\{/i.test(lines[i])) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
      const v = /^\s*"resolved"\s*:\s*"([^"]{1,40})"/.exec(lines[j]);
      if (v) {
        out.push(ev('dotnet', v[1], true, file, lines, j));
        break;
      }
    }
  }
  return newestOf(out);
};

function isExactNuGet(v: string): boolean {
  // NuGet: "1.20.0" means ">= 1.20.0" but restore picks exactly the lowest: that release. "[1.20.0]" is exact too.
  return /^\[?\s*\d[^,\s\]]*\s*\]?$/.test(v.trim());
}

// --------------------------------------------------------------------------------------------- driver

interface FileKind {
  match: (name: string) => boolean;
  parse: Parser;
  /** Lower runs first; a lock beats a manifest of the same SDK. */
  rank: number;
}

const KINDS: FileKind[] = [
  { match: (n) => n === 'package-lock.json' || n === 'npm-shrinkwrap.json', parse: packageLock, rank: 0 },
  { match: (n) => n === 'pnpm-lock.yaml', parse: pnpmLock, rank: 0 },
  { match: (n) => n === 'yarn.lock', parse: yarnLock, rank: 0 },
  { match: (n) => n === 'go.mod', parse: goMod, rank: 0 },
  { match: (n) => n === 'go.sum', parse: goSum, rank: 1 },
  { match: (n) => n === 'poetry.lock' || n === 'uv.lock', parse: tomlLock, rank: 0 },
  { match: (n) => n === 'Pipfile.lock', parse: pipfileLock, rank: 0 },
  { match: (n) => n === 'packages.lock.json', parse: nugetLock, rank: 0 },
  { match: (n) => n === 'Directory.Packages.props', parse: msbuild, rank: 1 },
  { match: (n) => /\.(cs|fs|vb)proj$/i.test(n), parse: msbuild, rank: 2 },
  { match: (n) => /^requirements[\w.-]{0,40}\.txt$/i.test(n), parse: requirements, rank: 2 },
  { match: (n) => n === 'package.json', parse: packageJson, rank: 3 },
];

function newestOf(list: Evidence[]): Evidence[] {
  const ok = list.filter((e) => parseVersion(e.written));
  if (!ok.length) return list.slice(0, 1);
  return [ok.reduce((a, b) => (compareVersions(b.written, a.written) > 0 ? b : a))];
}

/** Bounded breadth-first walk: the files the parsers know, no deeper than maxDepth, no more than maxEntries looked at. */
async function candidates(
  folder: string,
  maxDepth: number,
  maxEntries: number,
): Promise<{ path: string; kind: FileKind }[]> {
  const found: { path: string; kind: FileKind; depth: number }[] = [];
  let queue: { dir: string; depth: number }[] = [{ dir: folder, depth: 0 }];
  let seen = 0;
  while (queue.length && seen < maxEntries) {
    const next: typeof queue = [];
    for (const { dir, depth } of queue) {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const d of entries) {
        if (++seen > maxEntries) break;
        if (d.isDirectory()) {
          if (depth < maxDepth && !SKIP_DIRS.has(d.name) && !d.name.startsWith('.'))
            next.push({ dir: join(dir, d.name), depth: depth + 1 });
        } else if (d.isFile()) {
          const kind = KINDS.find((k) => k.match(d.name));
          if (kind) found.push({ path: join(dir, d.name), kind, depth });
        }
      }
    }
    queue = next;
  }
  // Shallow files first (the workspace's own project before nested samples), then by rank.
  return found.sort((a, b) => a.depth - b.depth || a.kind.rank - b.kind.rank);
}

/** The newest modelled release a manifest range allows (npm ^ ~ >= exact, PEP 440 == ~= >=, NuGet bare/[x]). */
export function newestAllowed(sdk: ChainProfile, range: string): { version: string; note: string } | undefined {
  const r = range.trim();
  const all = [...new Set([...(MODELLED[sdk].published ?? []), ...MODELLED[sdk].notable, MODELLED[sdk].newest])]
    .filter((v) => resolveProfile(`${sdk}@${v}`).ok)
    .sort(compareVersions);
  const m = /^(\^|~=|~|>=|===?|\[)?\s*v?([0-9][0-9A-Za-z.+-]{0,39}?)\s*(?:\]|,.*)?$/.exec(r);
  if (r === '*' || r === '' || r === 'latest')
    return { version: all[all.length - 1], note: `"${r || '*'}" allows any release: the newest modelled one` };
  if (!m) return undefined;
  const op = m[1] ?? (sdk === 'dotnet' ? '>=' : sdk === 'js' ? '=' : '==');
  const low = parseVersion(m[2]);
  if (!low) return undefined;
  const ok = (v: string) => {
    const x = parseVersion(v)!;
    if (compareVersions(x, low) < 0) return false;
    if (op === '^') return x.major === low.major && (low.major !== 0 || x.minor === low.minor);
    if (op === '~') return x.major === low.major && x.minor === (low.minor ?? x.minor);
    if (op === '~=')
      return low.patch === undefined ? x.major === low.major : x.major === low.major && x.minor === low.minor;
    if (op === '=' || op === '==' || op === '===' || op === '[')
      return (
        compareVersions(x, low) === 0 ||
        (!isComplete(low) && x.major === low.major && (low.minor === undefined || x.minor === low.minor))
      );
    return true; // >=
  };
  // NuGet restores the lowest version a range allows ("1.2.3" and "[1.2.3, )" both mean 1.2.3 when it exists).
  if (sdk === 'dotnet') return { version: m[2], note: `NuGet restores the lowest release "${r}" allows: ${m[2]}` };
  const pick = all.filter(ok).at(-1);
  if (!pick) return { version: m[2], note: `no modelled release satisfies "${r}"` };
  return {
    version: pick,
    note:
      pick === m[2]
        ? `"${r}" pins ${pick}`
        : `"${r}" allows up to ${pick} (the newest modelled release it allows; the lock file would say which is installed)`,
  };
}

function toDetected(e: Evidence): DetectedSdk {
  let version = e.written.replace(/^v/, '');
  let note: string | undefined;
  if (!e.exact) {
    const allowed = newestAllowed(e.sdk, e.written);
    if (allowed) {
      version = allowed.version;
      note = allowed.note;
    }
  }
  const r = resolveProfile(`${e.sdk}@${version}`);
  if (r.ok) return { ...e, profile: r.release.label, note };
  const v = parseVersion(version);
  const nearest = `${e.sdk}@${nearestRelease(e.sdk, v)}`;
  return { ...e, profile: nearest, note: `${PACKAGE_NAMES[e.sdk]} ${version} is not modelled: ${r.message}` };
}

/** Finds which Azure Identity SDKs (and releases) the project in `folder` uses. Never throws for a file's content. */
export async function detectSdk(folder: string, opts: DetectOptions = {}): Promise<Detection> {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const result: Detection = { folder, found: [], problems: [], scanned: [] };
  const bySdk = new Map<ChainProfile, Evidence>();
  for (const { path, kind } of await candidates(folder, opts.maxDepth ?? 3, opts.maxEntries ?? 5000)) {
    const rel = relative(folder, path).split('\\').join('/') || basename(path);
    let evidence: Evidence[];
    try {
      const text = await readUserText(path, { maxBytes, what: 'lock or manifest file' });
      result.scanned.push(rel);
      evidence = kind.parse(text, rel);
    } catch (e) {
      const msg =
        e instanceof SyntaxError
          ? `not valid JSON (${e.message.slice(0, 120)})`
          : isUserFileError(e)
            ? e.detail.slice(0, 200)
            : String((e as Error)?.message ?? e).slice(0, 200);
      result.problems.push({ file: rel, message: msg });
      continue;
    }
    for (const x of evidence) {
      const have = bySdk.get(x.sdk);
      // The first (shallowest, best-ranked) evidence wins; a lock file still beats an earlier manifest.
      if (!have || (!have.exact && x.exact)) bySdk.set(x.sdk, x);
    }
  }
  result.found = [...bySdk.values()].map(toDetected).sort((a, b) => Number(b.exact) - Number(a.exact));
  return result;
}

/** One line for a face: "js@4.13.0 — package-lock.json:1234 "version": "4.13.0"". */
export function describeDetection(d: DetectedSdk): string {
  return `${d.profile} — ${d.file}:${d.line}: ${d.text}${d.note ? ` (${d.note})` : ''}`;
}

export { GO_MODULE };
