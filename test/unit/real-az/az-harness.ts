/**
 * Drives the REAL Azure CLI (Debian's azure-cli package, /usr/bin/az) against the sandbox tenant.
 *
 * Each harness owns a scratch AZURE_CONFIG_DIR, so the CLI never reads or writes the machine's ~/.azure, and an
 * environment holding only what az needs: telemetry off, the sandbox CA as REQUESTS_CA_BUNDLE, a first-run version
 * check that is already "done" (otherwise a fresh folder makes az CONNECT to azure.microsoft.com), and a custom
 * cloud "Sandbox" whose Entra and Resource Manager endpoints are the sandbox's authority host.
 *
 * Secrets (client secrets, passwords) travel only as az arguments: error messages built here mask them.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { startDiscoveryProxy, type DiscoveryProxy } from './discovery-proxy';

/** Where Debian's azure-cli package installs the CLI. */
export const AZ_PATH = '/usr/bin/az';
/** The version Debian ships; written to versionCheck.json so az skips its online version check. */
export const AZ_VERSION = '2.45.0';
export const ARM_RESOURCE = 'https://management.azure.com/';
export const CLOUD_NAME = 'Sandbox';

export interface AzResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The fields `az account get-access-token` prints (2.45: no expires_on). */
export interface AzAccessToken {
  accessToken: string;
  expiresOn: string;
  subscription?: string;
  tenant: string;
  tokenType: string;
}

/** Why the real-az tests cannot run here, or undefined when they can. */
export function azMissingReason(): string | undefined {
  try {
    accessSync(AZ_PATH, constants.X_OK);
    return undefined;
  } catch {
    return `${AZ_PATH} is not installed (Debian package azure-cli); the real-az tests need the real Azure CLI`;
  }
}

/** Whether this process may listen on `port` of 127.0.0.1 (443 needs root, e.g. inside `unshare -n`). */
export function canListen(port: number, host = '127.0.0.1'): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) =>
      resolve({ ok: false, reason: `cannot listen on ${host}:${port} (${e.code ?? e.message})` }),
    );
    s.listen(port, host, () => s.close(() => resolve({ ok: true })));
  });
}

/** Flags whose next argument is a secret: masked in any message this module builds. */
const SECRET_FLAGS = new Set(['-p', '--password', '--federated-token']);

export function describeArgs(args: readonly string[]): string {
  return args
    .map((a, i) => (i > 0 && SECRET_FLAGS.has(args[i - 1]!) ? '***' : /\s/.test(a) ? JSON.stringify(a) : a))
    .join(' ');
}

export interface HarnessOptions {
  /** PEM certificates az (python-requests) trusts — nothing else. */
  trustPems: string[];
  /** HTTPS_PROXY for az (the discovery proxy); NO_PROXY keeps loopback direct. */
  proxyUrl?: string;
}

export class AzHarness {
  /** Scratch AZURE_CONFIG_DIR (removed by dispose()). */
  readonly configDir: string;
  /** The whole environment az runs with (also what the engine gets, so AzureCLICredential finds the same login). */
  readonly env: Record<string, string>;
  private readonly root: string;

  private constructor(root: string, o: HarnessOptions) {
    this.root = root;
    this.configDir = path.join(root, 'azure');
    const home = path.join(root, 'home');
    mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(
      path.join(this.configDir, 'versionCheck.json'),
      JSON.stringify({ versions: { 'azure-cli': { local: AZ_VERSION }, core: { local: AZ_VERSION } } }),
    );
    // requests trusts exactly this bundle: the sandbox CA (+ the discovery proxy's CA).
    const bundle = path.join(root, 'ca-bundle.pem');
    writeFileSync(bundle, o.trustPems.map((p) => p.trim()).join('\n') + '\n');
    // Nothing that changes what az prints (no ONLY_SHOW_ERRORS / NO_COLOR): the credential must cope with az's
    // stderr as a user's shell would get it.
    this.env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      AZURE_CONFIG_DIR: this.configDir,
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      REQUESTS_CA_BUNDLE: bundle,
    };
    if (o.proxyUrl) {
      // Only MSAL Python's hard-coded instance discovery goes to the proxy; loopback stays direct.
      Object.assign(this.env, { HTTPS_PROXY: o.proxyUrl, HTTP_PROXY: o.proxyUrl, NO_PROXY: '127.0.0.1,localhost,::1' });
    }
    if (process.env.TZ) this.env.TZ = process.env.TZ;
  }

  /** A fresh config folder; nothing is logged in and no cloud is registered yet. */
  static create(o: HarnessOptions): AzHarness {
    return new AzHarness(mkdtempSync(path.join(tmpdir(), 'azauth-real-az-')), o);
  }

  /** Runs az with execFile (no shell). Never rejects: the exit code and both streams are in the result. */
  run(args: readonly string[], timeoutMs = 30_000): Promise<AzResult> {
    return new Promise((resolve) => {
      execFile(
        AZ_PATH,
        [...args],
        { env: this.env, cwd: this.root, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
          resolve({
            exitCode: e ? (typeof e.code === 'number' ? e.code : null) : 0,
            signal: e?.signal ?? null,
            stdout: String(stdout),
            stderr: String(stderr),
          });
        },
      );
    });
  }

  /** Runs az and requires exit 0; the error names the command (secrets masked) and az's stderr. */
  async ok(args: readonly string[]): Promise<AzResult> {
    const r = await this.run(args);
    if (r.exitCode !== 0) {
      throw new Error(
        `az ${describeArgs(args)} exited with ${r.exitCode ?? r.signal}:\n${r.stderr.trim() || '(no stderr)'}`,
      );
    }
    return r;
  }

  /** Runs az with `--output json`, requires exit 0 and parses stdout. */
  async json<T>(args: readonly string[]): Promise<T> {
    const r = await this.ok([...args, '--output', 'json']);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`az ${describeArgs(args)} printed non-JSON: ${JSON.stringify(r.stdout.slice(0, 200))}`);
    }
  }

  /**
   * Registers and selects the custom cloud "Sandbox": Entra and Resource Manager on the sandbox's authority host,
   * the two resource ids az asks tokens for at login as in the public cloud.
   */
  async useSandboxCloud(authorityHost: string): Promise<void> {
    const host = authorityHost.replace(/\/+$/, '');
    await this.ok([
      'cloud',
      'register',
      '--name',
      CLOUD_NAME,
      '--endpoint-active-directory',
      host,
      '--endpoint-resource-manager',
      `${host}/`,
      '--endpoint-active-directory-resource-id',
      'https://management.core.windows.net/',
      '--endpoint-active-directory-graph-resource-id',
      'https://graph.windows.net/',
    ]);
    await this.ok(['cloud', 'set', '--name', CLOUD_NAME]);
  }

  /** `az login --service-principal` with a client secret or a PEM file holding key + certificate. */
  loginServicePrincipal(o: {
    clientId: string;
    tenantId: string;
    secret?: string;
    certificateFile?: string;
  }): Promise<AzResult> {
    const credential = o.certificateFile ?? o.secret;
    if (!credential) throw new Error('loginServicePrincipal needs a secret or a certificate file');
    return this.run([
      'login',
      '--service-principal',
      '-u',
      o.clientId,
      '-p',
      credential,
      '--tenant',
      o.tenantId,
      '--allow-no-subscriptions',
      '--output',
      'json',
    ]);
  }

  /** `az login --service-principal --federated-token` (workload identity federation: the JWT is the client assertion). */
  loginFederated(o: { clientId: string; tenantId: string; federatedToken: string }): Promise<AzResult> {
    return this.run([
      'login',
      '--service-principal',
      '-u',
      o.clientId,
      '--federated-token',
      o.federatedToken,
      '--tenant',
      o.tenantId,
      '--allow-no-subscriptions',
      '--output',
      'json',
    ]);
  }

  /** `az login -u -p` (ROPC with the Azure CLI's public client); MSAL Python asks /common/userrealm on port 443 first. */
  loginUser(o: { username: string; password: string; tenantId?: string }): Promise<AzResult> {
    const args = ['login', '-u', o.username, '-p', o.password, '--allow-no-subscriptions', '--output', 'json'];
    if (o.tenantId) args.push('--tenant', o.tenantId);
    return this.run(args);
  }

  /**
   * `az login --use-device-code`: waits for az to print the sign-in message on stderr, hands the user code and the
   * verification URL to `onCode` (a test approves it in the sandbox), then waits for az to finish polling.
   */
  loginDeviceCode(
    onCode: (userCode: string, verificationUrl: string) => void | Promise<void>,
    timeoutMs = 60_000,
  ): Promise<AzResult & { userCode?: string }> {
    return new Promise((resolve) => {
      const child = spawn(AZ_PATH, ['login', '--use-device-code', '--allow-no-subscriptions', '--output', 'json'], {
        env: this.env,
        cwd: this.root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let userCode: string | undefined;
      let callbackError: unknown;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        const m = /open the page (\S+) and enter the code (\S+) to authenticate/.exec(stderr);
        if (m && !userCode) {
          userCode = m[2]!;
          Promise.resolve()
            .then(() => onCode(userCode!, m[1]!))
            .catch((e: unknown) => {
              callbackError = e;
              child.kill('SIGKILL');
            });
        }
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (callbackError)
          stderr += `\n[harness] approving the device code failed: ${(callbackError as Error)?.message ?? String(callbackError)}`;
        resolve({ exitCode: code, signal, stdout, stderr, userCode });
      });
    });
  }

  /** `az account get-access-token` exactly as the SDKs call it (--resource), or with --scope / --tenant. */
  getAccessToken(o: { resource?: string; scope?: string; tenantId?: string } = {}): Promise<AzResult> {
    const args = ['account', 'get-access-token', '--output', 'json'];
    if (o.scope) args.push('--scope', o.scope);
    else args.push('--resource', o.resource ?? ARM_RESOURCE);
    if (o.tenantId) args.push('--tenant', o.tenantId);
    return this.run(args);
  }

  logout(): Promise<AzResult> {
    return this.run(['logout']);
  }

  /** Removes the scratch folder (the CLI's token cache included). */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Decodes a JWT's payload without verifying it (the tests verify signatures separately where it matters). */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT (no payload segment)');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface RealAzSetup {
  sb: Sandbox;
  az: AzHarness;
  proxy: DiscoveryProxy;
  /** Why user (-u/-p) logins cannot work here, when the sandbox could not also listen on 127.0.0.1:443. */
  no443?: string;
  close(): Promise<void>;
}

/**
 * Starts the sandbox (also on 127.0.0.1:443 when this process may bind it), the discovery proxy and a harness
 * whose az has the Sandbox cloud registered and selected. Nothing is logged in yet.
 */
export async function setupRealAz(): Promise<RealAzSetup> {
  const can443 = await canListen(443);
  const no443 = can443.ok
    ? undefined
    : `${can443.reason}: MSAL Python sends instance discovery and the user-realm call to port 443 of the authority; run the tests as root inside unshare -n`;
  const sb = await startSandbox(no443 ? {} : { extraHttpsPorts: [443] });
  let proxy: DiscoveryProxy | undefined;
  let az: AzHarness | undefined;
  const close = async () => {
    az?.dispose();
    await proxy?.close();
    await sb.close();
  };
  try {
    proxy = await startDiscoveryProxy({ authorityHost: sb.authorityHost, sandboxCaPem: sb.caPem });
    az = AzHarness.create({ trustPems: [sb.caPem, proxy.caPem], proxyUrl: proxy.url });
    await az.useSandboxCloud(sb.authorityHost);
  } catch (e) {
    await close();
    throw e;
  }
  return { sb, az, proxy, no443, close };
}
