/**
 * Capture helpers for the cross-cutting security tests.
 *
 * - `installWireCapture()` watches the server side of every HTTP(S) exchange in this process (the sandbox and the
 *   engine's loopback redirect listener run in-process): every secret-named value a request carried (client_secret,
 *   client_assertion, assertion, password, refresh_token, code, code_verifier, device_code, …) and every token a
 *   response issued (access_token, refresh_token, id_token, device_code, authorization codes in form_post pages and
 *   redirects). Those values are what the engine must never print — read here from the server's perspective, not
 *   from the engine's own results.
 * - `captureProcessOutput()` records everything written to process.stdout / process.stderr / console while a block
 *   runs (a module that bypasses the sinks would show up there).
 * - `assertNoLeak()` looks for every forbidden value (and its distinctive parts) in every collected output.
 */
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';

/** Request fields whose values are secrets (form bodies and query strings). */
const REQUEST_SECRET_FIELDS = new Set([
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
  'refresh_token',
  'code',
  'code_verifier',
  'device_code',
  'subject_token',
  'access_token',
]);
/** Response fields whose values are secrets. */
const RESPONSE_SECRET_FIELDS = new Set(['access_token', 'refresh_token', 'id_token', 'device_code', 'code']);

export interface WireCapture {
  /** label → value of every secret seen on the wire since the last clear(). */
  readonly seen: Map<string, string>;
  /** Every secret seen on the wire since install (clear() does not forget these). */
  readonly all: Map<string, string>;
  /** Access tokens issued since the last clear(), oldest first. */
  readonly accessTokens: string[];
  clear(): void;
  restore(): void;
}

function addValue(cap: WireCapture, label: string, value: unknown): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length < 8) return;
  cap.seen.set(`${label}#${cap.seen.size}`, v);
  cap.all.set(`${label}#${cap.all.size}`, v);
  if (label.endsWith('access_token')) cap.accessTokens.push(v);
}

function scanForm(cap: WireCapture, where: string, text: string): void {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    return;
  }
  for (const [k, v] of params) if (REQUEST_SECRET_FIELDS.has(k)) addValue(cap, `${where}.${k}`, v);
}

function scanResponse(cap: WireCapture, text: string, location: string | undefined): void {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as Record<string, unknown>;
      for (const [k, v] of Object.entries(j)) if (RESPONSE_SECRET_FIELDS.has(k)) addValue(cap, `response.${k}`, v);
    } catch {
      /* not JSON */
    }
  }
  // form_post pages and sign-in pages carry codes in hidden inputs.
  for (const m of t.matchAll(/name="(code|id_token|access_token|refresh_token)"\s+value="([^"]*)"/g))
    addValue(cap, `response.html.${m[1]}`, m[2]);
  if (location) {
    const q = location.includes('?') ? location.slice(location.indexOf('?') + 1) : '';
    const f = location.includes('#') ? location.slice(location.indexOf('#') + 1) : '';
    scanForm(cap, 'redirect', q.split('#')[0] ?? '');
    scanForm(cap, 'redirect', f);
  }
}

type Push = (chunk: unknown, encoding?: BufferEncoding) => boolean;
type Write = (chunk: unknown, ...rest: unknown[]) => boolean;
type End = (...args: unknown[]) => ServerResponse;

export function installWireCapture(): WireCapture {
  const reqBodies = new WeakMap<object, Buffer[]>();
  const resBodies = new WeakMap<object, Buffer[]>();
  const cap: WireCapture = {
    seen: new Map(),
    all: new Map(),
    accessTokens: [],
    clear() {
      cap.seen.clear();
      cap.accessTokens.length = 0;
    },
    restore() {
      delete (IncomingMessage.prototype as unknown as Record<string, unknown>).push;
      ServerResponse.prototype.write = origWrite as unknown as typeof ServerResponse.prototype.write;
      ServerResponse.prototype.end = origEnd as unknown as typeof ServerResponse.prototype.end;
    },
  };
  const toBuf = (c: unknown): Buffer | undefined =>
    typeof c === 'string' ? Buffer.from(c) : c instanceof Uint8Array ? Buffer.from(c) : undefined;

  const origPush = IncomingMessage.prototype.push as Push;
  (IncomingMessage.prototype as unknown as { push: Push }).push = function (
    this: IncomingMessage,
    chunk: unknown,
    encoding?: BufferEncoding,
  ): boolean {
    // Server-side requests have a method; client-side responses do not.
    if (this.method) {
      if (chunk === null) {
        const body = Buffer.concat(reqBodies.get(this) ?? []).toString('utf8');
        scanForm(cap, 'request', body);
        if (this.url?.includes('?')) scanForm(cap, 'request.query', this.url.slice(this.url.indexOf('?') + 1));
        const h = this.headers;
        if (typeof h.authorization === 'string')
          addValue(cap, 'request.authorization', h.authorization.replace(/^\w+\s+/, ''));
      } else {
        const b = toBuf(chunk);
        if (b) {
          const list = reqBodies.get(this) ?? [];
          list.push(b);
          reqBodies.set(this, list);
        }
      }
    }
    return origPush.call(this, chunk, encoding);
  };
  // GET requests never push a body chunk but do push null; query strings are handled there.

  const origWrite = ServerResponse.prototype.write as unknown as Write;
  const origEnd = ServerResponse.prototype.end as unknown as End;
  ServerResponse.prototype.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
    const b = toBuf(chunk);
    if (b) {
      const list = resBodies.get(this) ?? [];
      list.push(b);
      resBodies.set(this, list);
    }
    return origWrite.call(this, chunk, ...rest);
  } as typeof ServerResponse.prototype.write;
  ServerResponse.prototype.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    const b = typeof args[0] === 'function' ? undefined : toBuf(args[0]);
    const all = [...(resBodies.get(this) ?? []), ...(b ? [b] : [])];
    const loc = this.getHeader('location');
    try {
      scanResponse(cap, Buffer.concat(all).toString('utf8'), typeof loc === 'string' ? loc : undefined);
    } catch {
      /* never break the server */
    }
    return origEnd.apply(this, args);
  } as typeof ServerResponse.prototype.end;
  return cap;
}

/** Runs fn while recording everything written to stdout, stderr and console; restores them afterwards. */
export async function captureProcessOutput<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((m) => console[m]);
  const record = (c: unknown) =>
    chunks.push(typeof c === 'string' ? c : c instanceof Uint8Array ? Buffer.from(c).toString('utf8') : String(c));
  process.stdout.write = ((c: unknown) => (record(c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: unknown) => (record(c), true)) as typeof process.stderr.write;
  for (const m of methods)
    console[m] = (...a: unknown[]) =>
      void record(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
  try {
    const value = await fn();
    return { value, output: chunks.join('') };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    methods.forEach((m, i) => (console[m] = saved[i]!));
  }
}

/** The distinctive parts of a forbidden value that must not appear either (a JWT's payload / signature, a PEM's lines). */
export function fragmentsOf(value: string): string[] {
  const out = new Set<string>([value]);
  // The same secret as JSON text, in a URL or a form body: a leak in another spelling is still a leak.
  for (const v of [
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ])
    if (v.length >= 8) out.add(v);
  if (/^eyJ[\w-]+\.[\w-]*\.[\w-]*$/.test(value)) {
    const [, payload, sig] = value.split('.');
    if (payload && payload.length >= 16) out.add(payload);
    if (sig && sig.length >= 16) out.add(sig);
  }
  if (value.includes('-----BEGIN')) {
    for (const line of value.split(/\r?\n/)) if (/^[A-Za-z0-9+/=]{40,}$/.test(line.trim())) out.add(line.trim());
  }
  return [...out];
}

/** Asserts that no forbidden value (nor a fragment of it) occurs in any output; the message names the value's label and where. */
export function assertNoLeak(
  outputs: Record<string, string>,
  forbidden: Map<string, string> | Record<string, string>,
): void {
  const entries = forbidden instanceof Map ? [...forbidden] : Object.entries(forbidden);
  const problems: string[] = [];
  for (const [label, value] of entries) {
    if (!value || value.length < 8) continue;
    for (const frag of fragmentsOf(value)) {
      for (const [where, text] of Object.entries(outputs)) {
        const i = text.indexOf(frag);
        if (i >= 0) {
          const ctx = (
            text.slice(Math.max(0, i - 60), i) +
            '<<SECRET>>' +
            text.slice(i + frag.length, i + frag.length + 60)
          ).replace(/\s+/g, ' ');
          problems.push(`${label} (${frag === value ? 'whole value' : 'fragment'}) in ${where}: …${ctx}…`);
        }
      }
    }
  }
  assert.deepEqual(problems, [], `secrets reached an output:\n${problems.join('\n')}`);
}
