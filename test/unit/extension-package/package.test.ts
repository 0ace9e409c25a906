/**
 * The packaged .vsix holds only what a user needs, within the size budget. Plain node (no VS Code): reads the zip's
 * central directory directly. Builds the package first when it is missing (`npm run package`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = path.resolve(__dirname, '..', '..', '..');
const VSIX = path.join(root, 'dist', 'azure-auth-debugger.vsix');

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function readZip(buf: Buffer): Entry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory entry');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function contents(buf: Buffer, e: Entry): Buffer {
  const nameLen = buf.readUInt16LE(e.localOffset + 26);
  const extraLen = buf.readUInt16LE(e.localOffset + 28);
  const start = e.localOffset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(data) : Buffer.from(data);
}

describe('packaged extension (.vsix)', function () {
  this.timeout(120000);
  let buf: Buffer;
  let entries: Entry[];
  const files = () =>
    entries
      .map((e) => e.name)
      .filter((n) => n.startsWith('extension/'))
      .map((n) => n.slice('extension/'.length));
  const file = (rel: string) => {
    const e = entries.find((x) => x.name === `extension/${rel}`);
    assert.ok(e, `${rel} is in the package`);
    return contents(buf, e);
  };

  before(() => {
    if (!existsSync(VSIX)) {
      const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' });
      assert.equal(r.status, 0, 'npm run package');
    }
    buf = readFileSync(VSIX);
    entries = readZip(buf);
  });

  it('holds only what a user needs: no sources, tests, source maps or node_modules', () => {
    const allowed = [
      /^package\.json$/,
      /^package\.nls(\.[a-z-]+)?\.json$/,
      /^readme\.md$/i,
      /^changelog\.md$/i,
      /^LICENSE(\.txt)?$/,
      /^dist\/(extension|engine|cli|cli-commands|cli-io|sandbox)\.js$/,
      /^dist\/webview\/(main\.js|main\.css|codicon\.css|codicon\.ttf)$/,
      /^media\/[\w./-]+\.(svg|png)$/,
      /^media\/walkthrough\/[\w-]+\.md$/,
    ];
    const unexpected = files().filter((f) => !allowed.some((re) => re.test(f)));
    assert.deepEqual(unexpected, []);
    for (const f of files()) {
      assert.doesNotMatch(
        f,
        /(^|\/)(src|test|out|node_modules|\.vscode-test|\.ci|webview-ui|bench|scripts|test-results)\//,
        f,
      );
      assert.doesNotMatch(f, /\.(map|ts|tsx|mjs)$/, f);
      assert.doesNotMatch(f, /^media\/screenshots\//, 'README screenshots are not shipped');
    }
    for (const need of [
      'package.json',
      'dist/extension.js',
      'dist/engine.js',
      'dist/sandbox.js',
      'dist/cli.js',
      // azauth run loads only cli.js (and the output layer); the other commands load cli-commands.js when used.
      'dist/cli-commands.js',
      'dist/cli-io.js',
      'media/activity.svg',
    ]) {
      assert.ok(files().includes(need), `${need} is packaged`);
    }
    // Everything the webview build emits (script, styles, icon font) is loaded by the panel at run time: all of it ships.
    const webviewBuild = readdirSync(path.join(root, 'dist', 'webview')).filter((f) => !f.endsWith('.map'));
    assert.ok(
      webviewBuild.includes('main.css') && webviewBuild.includes('main.js'),
      'the webview build has a script and a stylesheet',
    );
    for (const f of webviewBuild)
      assert.ok(files().includes(`dist/webview/${f}`), `dist/webview/${f} is packaged (the panel loads it)`);
  });

  it('stays within the size budget: extension.js ≤ 150 KB minified, .vsix ≤ 2 MB', () => {
    const ext = entries.find((e) => e.name === 'extension/dist/extension.js');
    assert.ok(ext);
    assert.ok(ext.size <= 150 * 1024, `dist/extension.js is ${(ext.size / 1024).toFixed(1)} KB`);
    assert.ok(statSync(VSIX).size <= 2 * 1024 * 1024, `the .vsix is ${(statSync(VSIX).size / 1024).toFixed(1)} KB`);
    const text = file('dist/extension.js').toString('utf8');
    assert.ok(!/\n {2,}\S/.test(text.slice(0, 20000)), 'extension.js is minified');
  });

  it('loads the engine lazily: extension.js requires ./engine.js and does not bundle msal-node or the catalogs', () => {
    const text = file('dist/extension.js').toString('utf8');
    assert.match(text, /require\(["']\.\/engine\.js["']\)/);
    assert.doesNotMatch(text, /msal-node|@azure\/msal|ConfidentialClientApplication/);
    assert.doesNotMatch(text, /AADSTS7000215/, 'no AADSTS catalog in the activation bundle');
  });

  it('starts azauth run without the engine: cli.js is the dispatcher and run, the other commands load when used', () => {
    const cli = file('dist/cli.js').toString('utf8');
    assert.ok(cli.length <= 150 * 1024, `dist/cli.js is ${(cli.length / 1024).toFixed(1)} KB`);
    assert.match(cli, /require\(["']\.\/cli-commands\.js["']\)/);
    assert.doesNotMatch(cli, /msal-node|acquireTokenByClientCredential/, 'no msal-node in the azauth run path');
    assert.doesNotMatch(cli, /AADSTS7000215/, 'no AADSTS catalog in the azauth run path');
    // The packaged files work together: a traced program, a lazily loaded command, and colour markers understood
    // across the two bundles (they share the one output layer, cli-io.js).
    const dir = mkdtempSync(path.join(tmpdir(), 'azauth-vsix-cli-'));
    try {
      for (const f of ['cli.js', 'cli-commands.js', 'cli-io.js']) writeFileSync(path.join(dir, f), file(`dist/${f}`));
      const node = (args: string[], env: Record<string, string> = {}) =>
        spawnSync(process.execPath, [path.join(dir, 'cli.js'), ...args], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', ...env },
        });
      const run = node(['run', '--profile', 'js', '--', process.execPath, '-e', 'console.log("from the app")']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, 'from the app\n');
      const explain = node(['explain', 'AADSTS7000215']);
      assert.equal(explain.status, 0, explain.stderr);
      assert.match(explain.stdout, /^AADSTS7000215 {2}InvalidClientSecretProvided/);
      assert.doesNotMatch(explain.stdout, /\u{f0000}/u, 'no colour marker leaks as text');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a manifest whose entry point, icons and localized strings resolve inside the package', () => {
    const pkg = JSON.parse(file('package.json').toString('utf8')) as {
      main: string;
      engines: { vscode: string };
      contributes: { viewsContainers: { activitybar: { icon: string }[] } };
    };
    const nls = JSON.parse(file('package.nls.json').toString('utf8')) as Record<string, string>;
    assert.ok(files().includes(pkg.main.replace(/^\.\//, '')), `main ${pkg.main}`);
    assert.equal(pkg.engines.vscode, '^1.100.0');
    for (const c of pkg.contributes.viewsContainers.activitybar) assert.ok(files().includes(c.icon), c.icon);
    const keys = [...JSON.stringify(pkg.contributes).matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1] ?? '');
    assert.ok(keys.length > 20);
    assert.deepEqual(
      keys.filter((k) => !(k in nls)),
      [],
    );
  });

  it("ships the walkthrough: every step's Markdown is in the package, and nothing else under media/walkthrough", () => {
    const pkg = JSON.parse(file('package.json').toString('utf8')) as {
      contributes: { walkthroughs: { steps: { id: string; media: { markdown?: string } }[] }[] };
    };
    const steps = pkg.contributes.walkthroughs.flatMap((w) => w.steps);
    assert.ok(steps.length >= 5, `${steps.length} walkthrough steps`);
    const media = steps.map((s) => s.media.markdown ?? '');
    for (const [i, m] of media.entries()) {
      assert.match(m, /^media\/walkthrough\/[\w-]+\.md$/, steps[i]!.id);
      assert.ok(files().includes(m), `${m} is packaged`);
      assert.ok(file(m).toString('utf8').startsWith('# '), `${m} is the step's Markdown`);
    }
    assert.deepEqual(
      files()
        .filter((f) => f.startsWith('media/walkthrough/'))
        .sort(),
      [...new Set(media)].sort(),
    );
  });

  it('contains no secrets from the developer machine or sandbox fixtures in the shipped code', () => {
    for (const f of files().filter((n) => n.endsWith('.js'))) {
      const text = file(f).toString('utf8');
      assert.doesNotMatch(text, /-----BEGIN (RSA |EC )?PRIVATE KEY-----/, f);
    }
  });
});
