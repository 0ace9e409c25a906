/**
 * An in-process network guard for the loopback-only rule. It wraps `net.Socket.prototype.connect` (every TCP and TLS
 * client socket, http/https/undici included), `tls.connect`, `dns.lookup` and `dns.promises.lookup`, records every
 * destination, and — while `blocking` is on — refuses any destination that is not loopback *before* a packet (or a
 * DNS query) can be sent: the socket is destroyed with an error on the next tick, the lookup fails.
 *
 * Child processes (az, pwsh, real-az harness) are outside its reach: those run inside `unshare -n`.
 */
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';

export interface Destination {
  via: 'socket.connect' | 'tls.connect' | 'dns.lookup' | 'dns.promises.lookup';
  host: string;
  port?: number;
  blocked: boolean;
}

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return false;
}

type AnyFn = (...args: unknown[]) => unknown;

/** Host and port of a Socket#connect call, whatever form its arguments take; undefined for IPC paths. */
function target(args: unknown[]): { host: string; port?: number } | undefined {
  let a0 = args[0];
  // net.connect() passes its normalised arguments as one array.
  if (Array.isArray(a0)) a0 = a0[0];
  if (a0 && typeof a0 === 'object') {
    const o = a0 as { host?: string; hostname?: string; port?: number | string; path?: string };
    if (o.path && o.port === undefined) return undefined;
    return { host: o.host ?? o.hostname ?? 'localhost', port: o.port === undefined ? undefined : Number(o.port) };
  }
  if (typeof a0 === 'number' || (typeof a0 === 'string' && /^\d+$/.test(a0))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(a0) };
  }
  return undefined; // a path string: a Unix socket / named pipe
}

export class NetGuard {
  readonly destinations: Destination[] = [];
  blocking = false;
  /** PEM trusted for TLS connections to loopback hosts that bring no CA of their own (tests only). */
  loopbackCa: string | undefined;
  #restore: (() => void)[] = [];

  install(): this {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const guard = this;
    const proto = net.Socket.prototype as unknown as { connect: AnyFn };
    const origConnect = proto.connect;
    proto.connect = function (this: net.Socket, ...args: unknown[]) {
      const t = target(args);
      if (t) {
        const blocked = guard.blocking && !isLoopbackHost(t.host);
        guard.destinations.push({ via: 'socket.connect', host: t.host, port: t.port, blocked });
        if (blocked) {
          const err = Object.assign(new Error(`loopback guard: refused a connection to ${t.host}:${t.port ?? '?'}`), {
            code: 'ECONNREFUSED',
          });
          process.nextTick(() => this.destroy(err));
          return this;
        }
      }
      return origConnect.apply(this, args);
    };
    this.#restore.push(() => (proto.connect = origConnect));

    const tlsMod = tls as unknown as { connect: AnyFn };
    const origTls = tlsMod.connect;
    tlsMod.connect = function (...args: unknown[]) {
      const t = target(args);
      if (t)
        guard.destinations.push({
          via: 'tls.connect',
          host: t.host,
          port: t.port,
          blocked: guard.blocking && !isLoopbackHost(t.host),
        });
      // A library whose TLS options cannot be reached (msal-node's fetch) may be told to trust a loopback test CA.
      if (
        t &&
        guard.loopbackCa &&
        isLoopbackHost(t.host) &&
        args[0] &&
        typeof args[0] === 'object' &&
        !(args[0] as { ca?: unknown }).ca
      ) {
        args = [{ ...(args[0] as object), ca: guard.loopbackCa }, ...args.slice(1)];
      }
      return origTls.apply(this, args);
    };
    this.#restore.push(() => (tlsMod.connect = origTls));

    const dnsMod = dns as unknown as { lookup: AnyFn };
    const origLookup = dnsMod.lookup;
    dnsMod.lookup = function (hostname: unknown, ...rest: unknown[]) {
      const host = String(hostname);
      const blocked = guard.blocking && !isLoopbackHost(host) && !net.isIP(host);
      guard.destinations.push({ via: 'dns.lookup', host, blocked });
      if (blocked) {
        const cb = rest.find((r) => typeof r === 'function') as AnyFn | undefined;
        const err = Object.assign(new Error(`loopback guard: refused a DNS lookup of ${host}`), {
          code: 'ENOTFOUND',
          hostname: host,
        });
        if (cb) process.nextTick(() => cb(err));
        return undefined;
      }
      return origLookup.call(this, hostname, ...rest);
    };
    this.#restore.push(() => (dnsMod.lookup = origLookup));

    const promises = dns.promises as unknown as { lookup: AnyFn };
    const origPLookup = promises.lookup;
    promises.lookup = function (hostname: unknown, ...rest: unknown[]) {
      const host = String(hostname);
      const blocked = guard.blocking && !isLoopbackHost(host) && !net.isIP(host);
      guard.destinations.push({ via: 'dns.promises.lookup', host, blocked });
      if (blocked)
        return Promise.reject(
          Object.assign(new Error(`loopback guard: refused a DNS lookup of ${host}`), {
            code: 'ENOTFOUND',
            hostname: host,
          }),
        );
      return origPLookup.call(this, hostname, ...rest);
    };
    this.#restore.push(() => (promises.lookup = origPLookup));
    return this;
  }

  /** Destinations recorded since `mark` (an index from `mark()`). */
  since(mark: number): Destination[] {
    return this.destinations.slice(mark);
  }
  mark(): number {
    return this.destinations.length;
  }

  restore(): void {
    for (const r of this.#restore.reverse()) r();
    this.#restore = [];
  }
}

/** The non-loopback destinations in a list ("host:port via …"), for assertion messages. */
export function offLoopback(list: readonly Destination[]): string[] {
  return list
    .filter((d) => !isLoopbackHost(d.host))
    .map((d) => `${d.host}${d.port ? `:${d.port}` : ''} via ${d.via}${d.blocked ? ' (blocked)' : ''}`);
}
