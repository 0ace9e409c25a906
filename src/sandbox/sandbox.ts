/**
 * The sandbox: listeners, state and the in-process API. Route logic lives in entra.ts and entra/ (Entra ID), mi.ts
 * (managed identity sources), arm.ts, resources/ (the Azure API stand-ins), issuers.ts (external OIDC issuers) and
 * ci-oidc.ts (CI runners' OIDC endpoints); the shapes of its state and public API are in types.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http, { type Server } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MI_SOURCES } from './config-defaults';
import { aadErrorBody, aad } from './errors';
import {
  defaultSandboxConfig,
  validateSandboxConfig,
  type FaultConfig,
  type SandboxConfig,
  type UserConfig,
  type AppConfig,
} from './config';
import {
  closeServer,
  createDispatcher,
  listen,
  trackSockets,
  sendJson,
  type Ctx,
  type ListenerName,
  type RecordedRequest,
  type Route,
} from './http';
import { getPki, namedKey, toPfx, tryParseCertificate, type CertificateMaterial, type SandboxPki } from './pki';
import { entraRoutes } from './entra';
import { miRoutes, miFaultBody } from './mi';
import { armRoutes } from './arm';
import { issuerRoutes, signFederatedToken } from './issuers';
import { ciOidcRoutes } from './ci-oidc';
import { resourceRoutes } from './resources/routes';
import { sandboxResources } from './resources/state';
import { signIn } from './signin';
import { buildContract, buildUrls } from './contract';
import type { StartOptions, DeviceCodeEntry, AuthCodeEntry, RefreshTokenEntry, AuthorizeTxn, Sandbox } from './types';

export type { StartOptions, DeviceCodeEntry, AuthCodeEntry, RefreshTokenEntry, AuthorizeTxn, Sandbox } from './types';

const LISTENERS: Exclude<ListenerName, 'authority'>[] = [...MI_SOURCES];

interface Listener {
  name: ListenerName;
  server: Server;
  sockets: Set<Socket>;
  port: number;
  host: string;
}

export class SandboxImpl {
  config: SandboxConfig;
  readonly pki: SandboxPki;
  readonly host: string;
  readonly tmpDir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly certificateFile: string;
  readonly certificatePfxFile: string;
  readonly certificatePassword: string;
  readonly arcKeyDirectoryDefault: string;
  authorityPort = 0;
  readonly extraPorts: number[] = [];
  readonly listeners = new Map<ListenerName, Listener>();
  readonly extraListeners: Listener[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly deviceCodes = new Map<string, DeviceCodeEntry>();
  readonly authCodes = new Map<string, AuthCodeEntry>();
  readonly refreshTokens = new Map<string, RefreshTokenEntry>();
  readonly authorizeTxns = new Map<string, AuthorizeTxn>();
  readonly consents = new Set<string>();
  readonly arcKeys = new Map<string, string>();
  private readonly faultUses = new WeakMap<FaultConfig, number>();
  private requestId = 0;
  private closed = false;
  private readonly timers = new Set<{ t: NodeJS.Timeout; resolve: () => void }>();

  constructor(config: SandboxConfig, pki: SandboxPki, host: string) {
    this.config = config;
    this.pki = pki;
    this.host = host;
    this.tmpDir = mkdtempSync(path.join(tmpdir(), 'azauth-sandbox-'));
    this.caPem = pki.ca.certPem;
    this.caFile = path.join(this.tmpDir, 'sandbox-ca.pem');
    writeFileSync(this.caFile, this.caPem);
    this.certificateFile = path.join(this.tmpDir, 'sandbox-client-cert.pem');
    writeFileSync(this.certificateFile, pki.client.privateKeyPem + pki.client.certPem, { mode: 0o600 });
    this.certificatePassword = 'sandbox-pfx-password';
    this.certificatePfxFile = path.join(this.tmpDir, 'sandbox-client-cert.pfx');
    writeFileSync(this.certificatePfxFile, toPfx(pki.client, this.certificatePassword, 'sandbox-confidential-app'), {
      mode: 0o600,
    });
    this.arcKeyDirectoryDefault = path.join(this.tmpDir, 'arc-tokens');
    mkdirSync(this.arcKeyDirectoryDefault, { recursive: true, mode: 0o700 });
  }

  // ---------------------------------------------------------------------------------------------- clock & urls

  /** The sandbox's clock in seconds (machine clock + clockOffsetSec). */
  nowSec(): number {
    return Math.floor(Date.now() / 1000) + this.config.clockOffsetSec;
  }
  nowMs(): number {
    return Date.now() + this.config.clockOffsetSec * 1000;
  }

  get authorityHost(): string {
    return `https://${this.urlHost()}:${this.authorityPort}`;
  }

  urlHost(): string {
    return this.host.includes(':') ? `[${this.host}]` : this.host;
  }

  httpBase(name: Exclude<ListenerName, 'authority'>): string {
    return `http://${this.urlHost()}:${this.listeners.get(name)?.port ?? 0}`;
  }

  /**
   * The origin the client used, when it is one of ours on loopback (127.0.0.1, localhost, [::1]); otherwise the
   * canonical authority host. Discovery documents and issuers follow the client's spelling so they stay consistent.
   */
  origin(ctx: Ctx): string {
    const h = String(ctx.headers.host ?? '');
    const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d+))?$/i.exec(h);
    if (m && ctx.listener === 'authority') {
      const port = m[2] ? Number(m[2]) : 443;
      if (port === this.authorityPort) return `https://${m[1]!.toLowerCase()}:${port}`;
      if (this.extraPorts.includes(port))
        return port === 443 ? `https://${m[1]!.toLowerCase()}` : `https://${m[1]!.toLowerCase()}:${port}`;
    }
    return this.authorityHost;
  }

  /** Replaces `{authorityHost}` in configured issuer URLs. */
  expand(s: string): string {
    return s.split('{authorityHost}').join(this.authorityHost);
  }

  // ---------------------------------------------------------------------------------------------- lookups

  tenantById(id: string | undefined) {
    return this.config.tenants.find((t) => t.id === id);
  }
  defaultTenantId(): string {
    return this.config.tenants[0]!.id;
  }
  userByName(username: string): UserConfig | undefined {
    const u = username.trim().toLowerCase();
    return this.config.users.find((x) => x.username.toLowerCase() === u);
  }
  userTenant(u: UserConfig): string {
    return u.tenantId ?? this.defaultTenantId();
  }
  appById(clientId: string): AppConfig | undefined {
    const c = clientId.trim().toLowerCase();
    return this.config.apps.find((a) => a.clientId.toLowerCase() === c);
  }
  appTenant(a: AppConfig): string {
    return a.tenantId ?? this.defaultTenantId();
  }
  private readonly certCache = new Map<string, NonNullable<ReturnType<typeof tryParseCertificate>>>();
  /** A registered PEM certificate, parsed once (validation guarantees it parses). */
  parsedCert(pem: string): NonNullable<ReturnType<typeof tryParseCertificate>> {
    let c = this.certCache.get(pem);
    if (!c) {
      c = tryParseCertificate(pem);
      if (!c) throw new Error('registered certificate does not parse');
      this.certCache.set(pem, c);
    }
    return c;
  }
  /** Key of the hosted external issuer named `name` (made on first use, stable for the process). */
  issuerKey(name: string): Promise<CertificateMaterial> {
    return namedKey(`external issuer ${name}`);
  }

  // ---------------------------------------------------------------------------------------------- faults & recording

  takeFault(endpoint: string): FaultConfig | undefined {
    for (const f of this.config.faults) {
      if (f.endpoint !== endpoint && f.endpoint !== '*') continue;
      const used = this.faultUses.get(f) ?? 0;
      if (f.count !== undefined && used >= f.count) continue;
      this.faultUses.set(f, used + 1);
      return f;
    }
    return undefined;
  }

  faultBody(ctx: Ctx, fault: FaultConfig): unknown {
    if (ctx.listener !== 'authority' || ctx.endpoint === 'arm') {
      if (ctx.endpoint === 'arm')
        return {
          error: {
            code: fault.status === 429 ? 'TooManyRequests' : 'InternalServerError',
            message: `Sandbox fault: HTTP ${fault.status}.`,
          },
        };
      return miFaultBody(ctx.listener, fault.status ?? 500);
    }
    const status = fault.status ?? 500;
    const spec = status === 429 ? aad.throttled().spec : { ...aad.internalError().spec, status };
    return aadErrorBody(spec, this.nowMs(), String(ctx.headers['client-request-id'] ?? ''));
  }

  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        t: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  private makeDispatcher(name: ListenerName) {
    const routes: Route[] =
      name === 'authority'
        ? [
            ...entraRoutes(this),
            ...armRoutes(this),
            ...issuerRoutes(this),
            ...ciOidcRoutes(this),
            ...resourceRoutes(this),
          ]
        : miRoutes(this, name);
    return createDispatcher({
      listener: name,
      routes: () => routes,
      maxBodyBytes: () => this.config.maxBodyBytes,
      takeFault: (e) => this.takeFault(e),
      faultBody: (ctx, f) => this.faultBody(ctx, f),
      record: (r) => {
        this.requests.push(r);
        if (this.requests.length > 5000) this.requests.splice(0, this.requests.length - 5000);
      },
      nextId: () => ++this.requestId,
      nowMs: () => this.nowMs(),
      sleep: (ms) => this.sleep(ms),
      onError: (ctx, e) => {
        const spec = (e as { spec?: { status: number } }).spec;
        if (spec)
          sendJson(
            ctx,
            spec.status,
            aadErrorBody(
              (e as { spec: Parameters<typeof aadErrorBody>[0] }).spec,
              this.nowMs(),
              String(ctx.headers['client-request-id'] ?? ''),
            ),
          );
        else
          sendJson(ctx, 500, {
            error: 'server_error',
            error_description: `The sandbox failed: ${(e as Error)?.message ?? String(e)}`,
          });
      },
    });
  }

  async start(options: StartOptions): Promise<void> {
    const tlsOptions = { key: this.pki.server.privateKeyPem, cert: this.pki.server.certPem + this.pki.ca.certPem };
    const authority = https.createServer(
      { ...tlsOptions, requestTimeout: 0, keepAliveTimeout: 5000 },
      this.makeDispatcher('authority'),
    );
    const sockets = trackSockets(authority);
    try {
      this.authorityPort = await listen(authority, options.port ?? 0, this.host);
      this.listeners.set('authority', {
        name: 'authority',
        server: authority,
        sockets,
        port: this.authorityPort,
        host: this.host,
      });
      for (const p of options.extraHttpsPorts ?? []) {
        const s = https.createServer({ ...tlsOptions, requestTimeout: 0 }, this.makeDispatcher('authority'));
        const socks = trackSockets(s);
        const port = await listen(s, p, this.host);
        this.extraPorts.push(port);
        this.extraListeners.push({ name: 'authority', server: s, sockets: socks, port, host: this.host });
      }
      for (const name of LISTENERS) {
        const s = http.createServer({ requestTimeout: 0, keepAliveTimeout: 5000 }, this.makeDispatcher(name));
        const socks = trackSockets(s);
        const port = await listen(s, options.managedIdentityPorts?.[name] ?? 0, this.host);
        this.listeners.set(name, { name, server: s, sockets: socks, port, host: this.host });
      }
      await this.applyEnabledSources();
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private sourceEnabled(name: Exclude<ListenerName, 'authority'>): boolean {
    return this.config.managedIdentity[name].enabled;
  }

  /** Disabled managed-identity sources stop listening (connection refused, like a machine outside Azure). */
  async applyEnabledSources(): Promise<void> {
    for (const name of LISTENERS) {
      const l = this.listeners.get(name);
      if (!l) continue;
      const enabled = this.sourceEnabled(name);
      if (!enabled && l.server.listening) await closeServer(l.server, l.sockets);
      else if (enabled && !l.server.listening && !this.closed) {
        try {
          await listen(l.server, l.port, l.host);
        } catch {
          // The port was taken meanwhile; the source stays unreachable.
        }
      }
    }
  }

  async update(mutator: (cfg: SandboxConfig) => void): Promise<SandboxConfig> {
    const draft = structuredClone(this.config);
    mutator(draft);
    const v = validateSandboxConfig(draft);
    if (!v.ok)
      throw new Error(`invalid sandbox configuration: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    this.config = v.config;
    await this.applyEnabledSources();
    return this.config;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.t);
      t.resolve();
    }
    this.timers.clear();
    const all = [...this.listeners.values(), ...this.extraListeners];
    await Promise.all(all.map((l) => closeServer(l.server, l.sockets)));
    try {
      rmSync(this.tmpDir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers for tests

  approveDeviceCode(userCode: string, username: string): void {
    const entry = this.findDeviceCode(userCode);
    const user = this.userByName(username);
    if (!user) throw new Error(`approveDeviceCode: no sandbox user "${username}"`);
    entry.state = 'approved';
    entry.username = user.username;
    entry.mfaDone = Boolean(user.mfa);
    const app = this.appById(entry.clientId);
    if (app) this.consents.add(`${user.objectId}|${app.clientId}`);
  }

  declineDeviceCode(userCode: string): void {
    this.findDeviceCode(userCode).state = 'declined';
  }

  findDeviceCode(userCode: string): DeviceCodeEntry {
    const norm = userCode.replace(/[\s-]/g, '').toUpperCase();
    for (const e of this.deviceCodes.values()) if (e.userCode === norm) return e;
    throw new Error(`no pending device code with user code "${userCode}"`);
  }

  /** Forgets expired or used grants once the stores grow (a long-running `azauth sandbox` must not grow forever). */
  prune(limit = 5000): void {
    const now = this.nowSec();
    if (this.deviceCodes.size > limit)
      for (const [k, v] of this.deviceCodes) if (v.expiresAt <= now) this.deviceCodes.delete(k);
    if (this.authCodes.size > limit)
      for (const [k, v] of this.authCodes) if (v.used || v.expiresAt <= now) this.authCodes.delete(k);
    if (this.refreshTokens.size > limit)
      for (const [k, v] of this.refreshTokens) if (v.revoked || v.expiresAt <= now) this.refreshTokens.delete(k);
    for (const m of [this.deviceCodes, this.authCodes, this.refreshTokens] as Map<string, unknown>[]) {
      while (m.size > limit * 2) m.delete(m.keys().next().value as string);
    }
  }

  revokeRefreshTokens(username?: string): number {
    let n = 0;
    for (const rt of this.refreshTokens.values()) {
      if (!username || rt.username.toLowerCase() === username.toLowerCase()) {
        rt.revoked = true;
        n++;
      }
    }
    return n;
  }

  newId(bytes = 24): string {
    return randomBytes(bytes).toString('base64url');
  }
}

export async function startSandbox(options: StartOptions = {}): Promise<Sandbox> {
  const v = validateSandboxConfig(options.config ?? {});
  if (!v.ok)
    throw new Error(`invalid sandbox configuration: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const pki = await getPki();
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host) && !/^127\./.test(host))
    throw new Error(`the sandbox only binds loopback addresses (got "${host}")`);
  const impl = new SandboxImpl(v.config, pki, host === 'localhost' ? '127.0.0.1' : host);
  await impl.start(options);
  const sb: Sandbox = {
    get authorityHost() {
      return impl.authorityHost;
    },
    caFile: impl.caFile,
    caPem: impl.caPem,
    get tenantId() {
      return impl.defaultTenantId();
    },
    get contract() {
      return buildContract(impl);
    },
    get urls() {
      return buildUrls(impl);
    },
    get config() {
      return structuredClone(impl.config);
    },
    get requests() {
      return impl.requests;
    },
    clearRequests: () => {
      impl.requests.length = 0;
    },
    update: (m) => impl.update(m),
    approveDeviceCode: (c, u) => impl.approveDeviceCode(c, u),
    declineDeviceCode: (c) => impl.declineDeviceCode(c),
    revokeRefreshTokens: (u) => impl.revokeRefreshTokens(u),
    issueFederatedToken: (o) => signFederatedToken(impl, o),
    signIn: (url, u, p, o) => signIn(impl, url, u, p, o),
    resources: sandboxResources(impl),
    close: () => impl.close(),
  };
  return sb;
}

export { defaultSandboxConfig };
