/**
 * The documents stay true to the project: every relative link and #anchor in README.md, CONTRIBUTING.md, CHANGELOG.md
 * and docs/ resolves (files exist; anchors match a heading by GitHub's slug rules), external links are well-formed
 * (never fetched: tests stay on loopback), README.md stays within 300 lines, and docs/cli.md names every azauth command and every flag the CLI's own
 * option tables accept, so a new flag without documentation fails here.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { commands, main } from '../../../src/cli/main';
import { captureIo } from '../cli-io';

const root = path.resolve(__dirname, '..', '..', '..');

/** The documents whose links are checked: the top-level ones and every Markdown file under docs/ and media/. */
function documents(): string[] {
  const found = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].filter((f) => existsSync(path.join(root, f)));
  const walk = (dir: string) => {
    if (!existsSync(path.join(root, dir))) return;
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.md')) found.push(rel);
    }
  };
  walk('docs');
  walk('media');
  return found;
}

/** The text outside fenced code blocks, with inline code spans blanked (a link inside code is not a link). */
export function prose(markdown: string): string {
  let fence: string | undefined;
  const out: string[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^\s*(```+|~~~+)/.exec(line);
    if (m) {
      if (!fence) fence = m[1]!.slice(0, 3);
      else if (m[1]!.startsWith(fence)) fence = undefined;
      out.push('');
      continue;
    }
    out.push(fence ? '' : line.replace(/(`+)[^`]*?\1/g, (s) => ' '.repeat(s.length)));
  }
  return out.join('\n');
}

/** GitHub's heading anchors: the heading's text, lower-cased, punctuation dropped, each space a hyphen, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const h = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const text = h[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image: its text
      .replace(/<[^>]+>/g, '') // inline HTML tags
      .replace(/[`*]/g, ''); // code and emphasis markers
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function links(file: string): Link[] {
  const text = prose(readFileSync(path.join(root, file), 'utf8'));
  const found: Link[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/!?\[(?:[^\]]|\][^(])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      found.push({ file, line: i + 1, target: m[1]! });
    for (const m of line.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g))
      found.push({ file, line: i + 1, target: m[1]! });
  });
  return found;
}

function problem(link: Link): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    if (/^mailto:[^@\s]+@[^@\s]+$/.test(target)) return undefined;
    if (!/^https?:\/\//.test(target)) return 'not an http(s), mailto or relative link';
    try {
      const u = new URL(target);
      return u.hostname.includes('.') ? undefined : 'no host name';
    } catch {
      return 'not a well-formed URL';
    }
  }
  const [rel, anchor] = target.split('#', 2) as [string, string | undefined];
  const file =
    rel === '' ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), decodeURI(rel)));
  if (file.startsWith('..')) return 'points outside the repository';
  const abs = path.join(root, file);
  if (!existsSync(abs)) return `${file} does not exist`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md') || !statSync(abs).isFile()) return `#${anchor} on a file that is not Markdown`;
  return anchors(readFileSync(abs, 'utf8')).has(anchor) ? undefined : `no heading in ${file} has the anchor #${anchor}`;
}

/** The section of docs/cli.md about one command: from its `## azauth NAME` heading to the next level-2 heading. */
function cliSection(cli: string, name: string): string | undefined {
  const start = cli.search(new RegExp(`^## \`azauth ${name}\``, 'm'));
  if (start < 0) return undefined;
  const next = cli.slice(start + 3).search(/^## /m);
  return next < 0 ? cli.slice(start) : cli.slice(start, start + 3 + next);
}

describe('documentation', () => {
  it('GitHub slugs: the anchor rules the link check relies on', () => {
    assert.deepEqual(
      [...anchors("# `azauth call` — try a token\n## Tests\n## Tests\n### `--pid PID`: another process's identity\n")],
      ['azauth-call--try-a-token', 'tests', 'tests-1', '--pid-pid-another-processs-identity'],
    );
    assert.deepEqual(
      [...anchors('```\n# not a heading\n```\n## AZURE_TOKEN_CREDENTIALS\n')],
      ['azure_token_credentials'],
    );
  });

  it('every relative link and #anchor resolves, and every external link is a well-formed http(s) URL', () => {
    const docs = documents();
    assert.ok(docs.includes('README.md') && docs.includes('docs/cli.md'), docs.join(', '));
    const all = docs.flatMap(links);
    assert.ok(all.length > 20, `${all.length} links found`);
    const broken = all.flatMap((l) => {
      const p = problem(l);
      return p ? [`${l.file}:${l.line}: (${l.target}) ${p}`] : [];
    });
    assert.deepEqual(broken, []);
  });

  it('every repository path the documents name in code spans exists (a moved file leaves no stale pointer)', () => {
    const generated = /^(bench\/results\.json|test-results\/|dist\/|out\/)/;
    const stale: string[] = [];
    for (const doc of documents()) {
      const text = readFileSync(path.join(root, doc), 'utf8');
      for (const m of text.matchAll(/`((?:src|test|scripts|bench|webview-ui|media|docs)\/[\w./-]+)`/g)) {
        const p = m[1]!.replace(/\/$/, '');
        if (generated.test(p) || p.includes('..')) continue;
        if (!existsSync(path.join(root, p))) stale.push(`${doc}: ${p}`);
      }
    }
    assert.deepEqual([...new Set(stale)], [], 'update the document where a file moved');
  });

  it('README.md stays a page users read in five minutes: at most 300 lines', () => {
    const lines = readFileSync(path.join(root, 'README.md'), 'utf8').trimEnd().split('\n').length;
    assert.ok(lines <= 300, `README.md has ${lines} lines: move engineers' material to docs/ or CONTRIBUTING.md`);
  });

  it('README.md (or a page it links to) documents every contributed setting and palette command; README.md names every SDK release the parity suite runs', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    // A feature with its own page (docs/tracing.md, …) may keep its commands and settings there, once README links it.
    const pages = [
      readme,
      ...new Set(
        links('README.md')
          .map((l) => l.target.split('#')[0]!)
          .filter((t) => /^docs\/[\w-]+\.md$/.test(t) && existsSync(path.join(root, t))),
      ),
    ]
      .map((t, i) => (i === 0 ? t : readFileSync(path.join(root, t), 'utf8')))
      .join('\n');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: {
        configuration: { properties: Record<string, unknown> };
        commands: { command: string; title: string }[];
        menus: { commandPalette: { command: string; when?: string }[] };
      };
      devDependencies: Record<string, string>;
    };
    const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const missing: string[] = [];
    for (const key of Object.keys(pkg.contributes.configuration.properties))
      if (!pages.includes(`| \`${key}\` |`)) missing.push(`setting ${key}`);
    const hidden = new Set(
      pkg.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command),
    );
    for (const c of pkg.contributes.commands) {
      if (hidden.has(c.command)) continue;
      const title = nls[c.title.replace(/^%|%$/g, '')] ?? c.title;
      if (!pages.includes(`**${title}`)) missing.push(`command ${title}`);
    }
    const releases = Object.values(pkg.devDependencies).flatMap((spec) => {
      const m = /^npm:@azure\/identity@\^?(\d+\.\d+\.\d+)$/.exec(spec);
      return m ? [m[1]!] : [];
    });
    assert.ok(releases.length >= 6, `parity releases in devDependencies: ${releases.join(', ')}`);
    for (const r of releases) if (!readme.includes(r)) missing.push(`parity release @azure/identity ${r}`);
    assert.deepEqual(
      missing,
      [],
      "a row in README.md's Commands / Settings tables (or on a docs/ page README.md links to), and each release in its SDK-release paragraph",
    );
  });

  it("docs/cli.md's JSON contracts name every field azauth prints with --json (chain, decode, explain, where)", async function () {
    this.timeout(60000);
    const cli = readFileSync(path.join(root, 'docs', 'cli.md'), 'utf8');
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = [
      b64({ alg: 'RS256', typ: 'JWT', kid: 'k' }),
      b64({ aud: 'api://x', exp: now + 3600, iat: now }),
      'c2ln',
    ];
    const runs: [string, string[]][] = [
      // Nothing configured, IMDS on a closed loopback port, no tools on PATH: every step settles at once.
      ['chain', ['chain', '--json', '--imds-endpoint', 'http://127.0.0.1:1', '--timeout', '10']],
      ['decode', ['decode', token.join('.'), '--json']],
      ['explain', ['explain', 'AADSTS7000215: Invalid client secret provided.', '--json']],
      ['where', ['where', '--json']],
    ];
    const missing: string[] = [];
    for (const [name, argv] of runs) {
      const io = captureIo({ env: { PATH: '' } });
      await main(argv, io);
      const out = JSON.parse(io.out()) as Record<string, unknown> & { steps?: Record<string, unknown>[] };
      const keys = [...Object.keys(out), ...(out.steps ?? []).flatMap((s) => Object.keys(s))];
      const section = cliSection(cli, name) ?? '';
      for (const key of new Set(keys))
        if (!new RegExp(`["\`.]${key}["\`?]`).test(section)) missing.push(`azauth ${name} --json: ${key}`);
    }
    assert.deepEqual(missing, []);
  });

  it('docs/cli.md has a section for every azauth command naming every flag the command accepts', async function () {
    this.timeout(60000); // loads every command module (and the engine behind them)
    const cli = readFileSync(path.join(root, 'docs', 'cli.md'), 'utf8');
    const missing: string[] = [];
    for (const [name, load] of Object.entries(commands)) {
      const section = cliSection(cli, name);
      if (!section) {
        missing.push(`no "## \`azauth ${name}\`" section`);
        continue;
      }
      for (const option of Object.keys((await load()).options))
        if (!new RegExp(`--${option}(?![\\w-])`).test(section)) missing.push(`azauth ${name} --${option}`);
    }
    assert.deepEqual(missing, []);
  });
});
