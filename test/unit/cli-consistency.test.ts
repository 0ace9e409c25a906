/**
 * azauth behaves the same on every command: one --timeout unit, the same words and exit code for the same mistake, JSON
 * errors with --json, `azauth help CMD`, output wrapped to COLUMNS, progress only on a terminal, and no message running
 * into another.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { endOpenLines, safeIo, UsageError, withProgress, wrapLine } from '../../src/cli/io';
import { parseDuration } from '../../src/cli/options';
import { commands, main } from '../../src/cli/main';
import { captureIo } from './cli-io';

const COMMANDS = ['call', 'chain', 'token', 'discover', 'decode', 'explain', 'where', 'sandbox'];

async function azauth(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  opts: { stderrTty?: boolean; signal?: AbortSignal } = {},
) {
  const io = captureIo({ env, signal: opts.signal });
  if (opts.stderrTty) Object.assign(io.stderr, { isTTY: true });
  const code = await main(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, out: io.out(), err: io.err() };
}

/** A loopback IMDS stand-in that answers only when `release()` is called (or never). */
async function heldImds(): Promise<{ url: string; server: Server; release: () => void; requests: () => number }> {
  let n = 0;
  const waiting: (() => void)[] = [];
  let released = false;
  const server = createServer((_req, res) => {
    n++;
    const answer = () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'Identity not found' }));
    };
    if (released) answer();
    else waiting.push(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    release: () => {
      released = true;
      for (const a of waiting.splice(0)) a();
    },
    requests: () => n,
  };
}

describe('azauth: one way to do each thing on every command', () => {
  it('the same mistake gets the same error everywhere: exit 2, one line on stderr plus "See azauth help CMD", never the whole help', async () => {
    for (const cmd of COMMANDS) {
      const r = await azauth([cmd, '--frobnicate']);
      assert.equal(r.code, 2, cmd);
      assert.equal(r.out, '', `${cmd}: nothing on stdout`);
      assert.equal(r.err, `azauth ${cmd}: unknown option "--frobnicate"\nSee "azauth help ${cmd}".\n`, cmd);
    }
    for (const [cmd, opt] of [
      ['chain', '--scope'],
      ['token', '--scope'],
      ['discover', '--tenant'],
      ['decode', '--scope'],
      ['where', '--profile'],
      ['sandbox', '--port'],
      ['call', '--scope'],
    ]) {
      const r = await azauth([cmd!, opt!]);
      assert.equal(r.code, 2, cmd);
      assert.equal(r.err, `azauth ${cmd}: ${opt} needs a value\nSee "azauth help ${cmd}".\n`, cmd);
    }
    for (const cmd of ['token', 'discover', 'where', 'sandbox']) {
      const r = await azauth([cmd, 'stray']);
      assert.equal(r.err, `azauth ${cmd}: unexpected argument "stray"\nSee "azauth help ${cmd}".\n`, cmd);
    }
    // chain takes a folder after --detect only; without it a stray argument is not even quoted back.
    const chain = await azauth(['chain', 'stray']);
    assert.equal(
      chain.err,
      'azauth chain: unexpected argument (5 characters, not shown): azauth chain takes a folder only after --detect\nSee "azauth help chain".\n',
    );
    const sw = await azauth(['where', '--json=yes']);
    assert.equal(sw.err.split('\n')[0], 'azauth where: --json is a switch and takes no value (got "yes")');
    const typo = await azauth(['chain', '--scpoe', 'x']);
    assert.match(typo.err, /^azauth chain: unknown option "--scpoe" \(did you mean --scope\?\)\n/);
  });

  it('--json turns a usage error into JSON on stdout (and the same line on stderr)', async () => {
    for (const cmd of COMMANDS) {
      const r = await azauth([cmd, '--json', '--frobnicate']);
      assert.equal(r.code, 2, cmd);
      assert.deepEqual(
        JSON.parse(r.out),
        { error: { kind: 'usage', message: 'unknown option "--frobnicate"', help: `azauth help ${cmd}` } },
        cmd,
      );
      assert.equal(r.err.split('\n')[0], `azauth ${cmd}: unknown option "--frobnicate"`);
    }
    const bad = await azauth(['chain', '--json', '--timeout', 'soon']);
    assert.equal(JSON.parse(bad.out).error.kind, 'usage');
  });

  it("every option a command accepts is named in its own usage (the parser's table and the help cannot drift)", async function () {
    this.timeout(60000); // loads every command module
    const missing: string[] = [];
    for (const [name, load] of Object.entries(commands)) {
      const c = await load();
      for (const option of Object.keys(c.options))
        if (!new RegExp(`--${option}(?![\\w-])`).test(c.usage)) missing.push(`azauth ${name} --${option}`);
    }
    assert.deepEqual(missing, []);
  });

  it('azauth help CMD shows that command; help for an unknown one is a usage error', async () => {
    for (const cmd of COMMANDS) {
      const r = await azauth(['help', cmd]);
      assert.equal(r.code, 0, cmd);
      assert.ok(r.out.startsWith(`azauth ${cmd}`), `${cmd}: ${r.out.slice(0, 60)}`);
      assert.equal(r.out, (await azauth([cmd, '--help'])).out, `${cmd}: help CMD = CMD --help`);
    }
    const r = await azauth(['help', 'nope']);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /^azauth: no help for "nope": the commands are [a-z, ]*\bchain\b[a-z, ]*\nSee "azauth help"\.\n$/,
    );
    const general = await azauth(['help']);
    assert.equal(general.code, 0);
    assert.match(general.out, /azauth help <command>/);
  });

  it('--timeout: one unit on every command (seconds, or 30s / 500ms), the same message for the same mistake', async () => {
    assert.equal(parseDuration('--timeout', '30'), 30_000);
    assert.equal(parseDuration('--timeout', '1.5'), 1500);
    assert.equal(parseDuration('--timeout', '30s'), 30_000);
    assert.equal(parseDuration('--timeout', '500ms'), 500);
    for (const bad of ['0', '-1', 'soon', '5h', '2m', '', '0ms'])
      assert.throws(() => parseDuration('--timeout', bad), UsageError, bad);
    assert.throws(
      () => parseDuration('--timeout', '30000'),
      /more than 3600 s \(a bare number is seconds: did you mean 30000ms\?\)/,
    );
    const messages = new Set<string>();
    for (const argv of [
      ['chain'],
      ['token', '--credential', 'environment'],
      ['call', 'GET', 'https://management.azure.com/'],
    ]) {
      const r = await azauth([...argv, '--timeout', 'soon']);
      assert.equal(r.code, 2, argv[0]);
      messages.add(r.err.split('\n')[0]!.replace(/^azauth \w+: /, ''));
    }
    assert.equal(messages.size, 1, [...messages].join(' | '));
  });

  it('--timeout 500ms bounds a wait on chain and on token (--imds-endpoint on token too)', async () => {
    const imds = await heldImds();
    try {
      const t = await azauth([
        'token',
        '--credential',
        'managed-identity',
        '--imds-endpoint',
        imds.url,
        '--timeout',
        '500ms',
        '--json',
      ]);
      assert.equal(t.code, 1, t.err);
      assert.ok(imds.requests() >= 1, 'token asked the IMDS endpoint given with --imds-endpoint');
      assert.match(JSON.parse(t.out).message, /time limit|timed out|timeout/i);
      const before = imds.requests();
      const c = await azauth(
        ['chain', '--mode', 'diagnose', '--imds-endpoint', imds.url, '--timeout', '0.5', '--json'],
        { PATH: '/nonexistent' },
      );
      assert.equal(c.code, 1, c.err);
      assert.ok(imds.requests() > before, 'chain asked the same endpoint');
      const mi = JSON.parse(c.out).steps.find(
        (s: { credential: string }) => s.credential === 'ManagedIdentityCredential',
      );
      assert.ok(mi.durationMs < 5000, `the managed identity step ended at its limit (${mi.durationMs} ms)`);
    } finally {
      imds.release();
      imds.server.close();
    }
  });

  it('output is wrapped to COLUMNS (words never cut, continuation lines indented); JSON is never wrapped', async () => {
    const r = await azauth(['explain', 'AADSTS50076'], { COLUMNS: '60' });
    assert.equal(r.code, 0);
    for (const l of r.out.trimEnd().split('\n'))
      assert.ok(l.length <= 60 || !l.trim().includes(' '), `too wide: ${JSON.stringify(l)}`);
    const wide = await azauth(['explain', 'AADSTS50076'], { COLUMNS: '200' });
    assert.ok(wide.out.split('\n').length < r.out.split('\n').length, 'a wider terminal takes fewer lines');
    const help = await azauth(['help', 'token'], { COLUMNS: '50' });
    for (const l of help.out.trimEnd().split('\n'))
      assert.ok(l.length <= 50 || !l.trim().includes(' '), `help too wide: ${JSON.stringify(l)}`);
    const json = await azauth(['explain', 'AADSTS50076', '--json'], { COLUMNS: '40' });
    assert.ok(JSON.parse(json.out).codes.length === 1, 'JSON stays parseable');
    assert.ok(
      json.out.split('\n').some((l) => l.length > 40),
      'JSON lines are not wrapped',
    );
    assert.deepEqual(wrapLine('  --scope S        scope to request for the token, default ARM', 40), [
      '  --scope S        scope to request for',
      '                   the token, default',
      '                   ARM',
    ]);
    assert.deepEqual(wrapLine(`see https://example.com/${'a'.repeat(60)} now`, 30), [
      'see',
      `  https://example.com/${'a'.repeat(60)}`,
      '  now',
    ]);
  });

  it('progress: a spinner on a terminal during a wait longer than a second, nothing when piped', async () => {
    const imds = await heldImds();
    try {
      const io = captureIo();
      Object.assign(io.stderr, { isTTY: true });
      const running = main(
        ['token', '--credential', 'managed-identity', '--imds-endpoint', imds.url, '--timeout', '60'],
        io,
      );
      // The server holds its answer until the spinner shows (or 20 s pass, which fails the test below).
      const deadline = Date.now() + 20_000;
      while (!io.err().includes('waiting for ManagedIdentityCredential') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      imds.release();
      assert.equal(await running, 1);
      await new Promise((r) => setImmediate(r));
      // eslint-disable-next-line no-control-regex -- the erase-line sequence is what is checked
      assert.match(io.err(), /\r\u001b\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for ManagedIdentityCredential \(\d+ s\)/);
      assert.ok(io.err().endsWith('\r\u001b[2K'), 'the progress line is cleared at the end');
      assert.match(io.out(), /^UNAVAILABLE/m, 'the result on stdout');

      const piped = await heldImds();
      const pio = captureIo();
      const p = main(
        ['token', '--credential', 'managed-identity', '--imds-endpoint', piped.url, '--timeout', '60'],
        pio,
      );
      await new Promise((r) => setTimeout(r, 1500));
      piped.release();
      assert.equal(await p, 1);
      piped.server.close();
      assert.equal(pio.err(), '', 'nothing on a piped stderr');
    } finally {
      imds.release();
      imds.server.close();
    }
  });

  it('no message runs into another: a progress line is cleared before any output, a partial line is ended', async () => {
    const raw = captureIo();
    Object.assign(raw.stderr, { isTTY: true });
    const io = safeIo(raw, { wrap: false });
    let release!: () => void;
    const wait = withProgress(io, 'waiting', new Promise<void>((r) => (release = r)), 0);
    await new Promise((r) => setTimeout(r, 150));
    io.stdout.write('result line\n');
    io.stderr.write('Client secret: ');
    release();
    await wait;
    endOpenLines(io);
    await new Promise((r) => setImmediate(r));
    const err = raw.err();
    // Every message starts on a clean line: the spinner is erased (CR + erase line) right before it.
    // eslint-disable-next-line no-control-regex -- the erase-line sequence is what is checked
    assert.match(err, /\r\u001b\[2KClient secret: \n$/);
    assert.ok(!/⠋[^\r]*Client/.test(err));
    assert.equal(raw.out(), 'result line\n');
  });

  it('a prompt left open is ended before the shell prompt; colour only through paint, never from text', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const io = safeIo({ ...captureIo(), stdout: out, color: true }, { wrap: false });
    const { paint } = await import('../../src/cli/io');
    io.stdout.write(`${paint(io, 'red', 'FAILED')} \u001b[32mnot a colour\u001b[0m`);
    endOpenLines(io);
    await new Promise((r) => setImmediate(r));
    assert.equal(text, '\u001b[31mFAILED\u001b[0m \\x1b[32mnot a colour\\x1b[0m\n');
  });
});
