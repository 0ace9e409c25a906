/**
 * Reading @azure/identity from inside a Node program: a preload (NODE_OPTIONS=--require) that points the app's
 * @azure/logger at a cheap sink — the raw record and the time, batched onto a pipe `azauth run` reads (an inherited
 * fd, never the network, never a file) — instead of util.format plus one stderr write per line. What reaches the pipe
 * is read by the same JS reader as a stderr line would be (./reader.ts), redacted there before any sink.
 *
 * @azure/logger's sink (`AzureLogger.log`) is module state, and the app may load the CommonJS or the ES module build
 * (two instances): the hook wraps Module._load for `require('@azure/logger')`, and for an ES-module main it imports
 * the ES build @azure/identity resolves to (same URL, same instance) before the app's own imports finish. Where it
 * cannot attach (a nested copy, an app that imports the SDK some other way, a program that is not Node) the SDK logs to
 * stderr as before and the readers read it there.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** The fd the program inherits the channel on (stdio[3] of the spawn); the Python hook writes to it too. */
export const CHANNEL_FD = 3;
/** A record longer than this is cut in the app (the reader keeps less of one anyway). */
const MAX_RECORD_CHARS = 256 * 1024;

export const NODE_HOOK = `// azauth run: hands this program's @azure/logger records to azauth over an inherited pipe (fd in
// AZAUTH_TRACE_FD) instead of printing them to stderr. Nothing else changes; on any failure the SDK logs as before.
'use strict';
(function azauthNodeHook() {
  const fd = Number(process.env.AZAUTH_TRACE_FD);
  // The program's own child processes do not inherit the channel (a Node child would not get the fd anyway).
  delete process.env.AZAUTH_TRACE_FD;
  const fs = require('fs');
  try {
    const st = fs.fstatSync(fd);
    if (fd < 3 || !(st.isSocket() || st.isFIFO())) return;
  } catch {
    return;
  }
  let batch = [];
  let bytes = 0;
  let timer = null;
  let broken = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!batch.length || broken) return;
    const data = Buffer.from(batch.join(''));
    batch = [];
    bytes = 0;
    for (let off = 0, tries = 0; off < data.length; ) {
      try {
        off += fs.writeSync(fd, data, off);
      } catch (e) {
        if (e.code !== 'EAGAIN' || ++tries > 5000) return void (broken = true);
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  }
  function sink(args) {
    let text = args.length === 1 && typeof args[0] === 'string' ? args[0] : require('util').format(...args);
    if (text.length > ${MAX_RECORD_CHARS}) text = text.slice(0, ${MAX_RECORD_CHARS});
    const line = JSON.stringify([Date.now(), text]) + '\\n';
    batch.push(line);
    bytes += line.length;
    if (bytes >= 32768) flush();
    else if (!timer) (timer = setTimeout(flush, 20)).unref();
  }
  process.on('exit', flush);
  const attached = new WeakSet();
  function attach(mod) {
    const logger = mod && mod.AzureLogger;
    if (!logger || typeof logger.log !== 'function' || attached.has(logger)) return;
    attached.add(logger);
    const original = logger.log;
    logger.log = function (...args) {
      if (broken) return original.apply(this, args);
      sink(args);
    };
  }
  const Module = require('module');
  const load = Module._load;
  Module._load = function (request) {
    const exports = load.apply(this, arguments);
    if (request === '@azure/logger') {
      try {
        attach(exports);
      } catch {}
    }
    return exports;
  };
  // An ES-module main loads the ES build: import the one @azure/identity resolves to (same URL, same instance).
  const main = process.argv[1];
  if (!main || !isModule(main)) return;
  try {
    const path = require('path');
    const identity = Module.createRequire(path.resolve(main)).resolve('@azure/identity/package.json');
    const pkgFile = Module.createRequire(identity).resolve('@azure/logger/package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    const dot = pkg.exports && pkg.exports['.'];
    const entry = (dot && dot.import && (dot.import.default || dot.import)) || pkg.module;
    if (typeof entry !== 'string') return;
    const url = require('url').pathToFileURL(path.join(path.dirname(pkgFile), entry)).href;
    import(url).then(attach, () => {});
  } catch {}

  function isModule(file) {
    if (/\\.mjs$/.test(file)) return true;
    if (/\\.cjs$/.test(file)) return false;
    const path = require('path');
    for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module';
      } catch (e) {
        if (e.code !== 'ENOENT' || path.dirname(dir) === dir) return false;
      }
    }
  }
})();
`;

/** The hook's file name, in a run's private folder or among the launcher's installed hooks (./installed-hooks.ts). */
export const NODE_HOOK_FILE = 'azauth-node-hook.cjs';

/** Writes the hook into `dir` (which must exist, private to this run) and returns its path. */
export function writeNodeHook(dir: string): string {
  const file = path.join(dir, NODE_HOOK_FILE);
  writeFileSync(file, NODE_HOOK, { mode: 0o600 });
  return file;
}

/**
 * NODE_OPTIONS with the hook first (before the program's own preloads, which may load the SDK) and the channel's fd.
 * The path is quoted as NODE_OPTIONS expects (a temp folder may hold spaces).
 */
export function nodeHookEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  hookFile: string,
): Record<string, string> {
  const quoted = `"${hookFile.replace(/(["\\])/g, '\\$1')}"`;
  const existing = base.NODE_OPTIONS?.trim();
  return {
    NODE_OPTIONS: existing ? `--require ${quoted} ${existing}` : `--require ${quoted}`,
    AZAUTH_TRACE_FD: String(CHANNEL_FD),
  };
}

/** One record from the channel: when the SDK logged it, and its text (first line `azure:<ns>:<level> …`). */
export interface ChannelRecord {
  at: number;
  text: string;
}

/** One line of the channel, or null when it is not one the hook wrote (a torn or foreign write). */
export function parseChannelLine(line: string): ChannelRecord | null {
  try {
    const v: unknown = JSON.parse(line);
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string')
      return { at: v[0], text: v[1] };
  } catch {
    /* not ours */
  }
  return null;
}
