/**
 * `azauth token`: runs one credential — an explicit Entra flow or a chain member on its own — and prints the traced
 * result. Secrets come only from environment variables, files or an interactive prompt, never from argv.
 */
import { CREDENTIAL_OPTIONS } from '../credential-options';
import { execFile } from 'node:child_process';
import { readCaOption, readOptionFile } from '../files';
import {
  acquireToken,
  CHAIN_CREDENTIALS,
  EXPLICIT_FLOWS,
  resolveCredentialName,
  SecretValue,
  type ChainProfile,
  type DeviceCodeInfo,
  type EngineOptions,
  type FlowRequest,
  type ProcessTarget,
} from '../../core/index';
import { exitCodeFor, lines, paint, UsageError, withProgress, writeJson, type CliCommand, type CliIo } from '../io';
import { verboseSink } from '../verbose';
import { parse, parseDuration, parseHttpUrl, shown } from '../options';
import { secretFromEnv } from '../secrets';
import { PID_OPTION, targetHeader, targetJson, targetOption, withTarget } from '../target';

/** A client assertion is a signed JWT of a few KB (with an x5c chain, tens of KB). */
const MAX_ASSERTION_BYTES = 256 * 1024;

const USAGE = `azauth token --credential NAME [options]

Runs one credential and shows every request it made (secrets redacted).

Credentials (any case; short names in brackets):
  ${EXPLICIT_FLOWS.join(', ')}
  ${CHAIN_CREDENTIALS.join(', ')}
  [secret, certificate, assertion, device-code, interactive, username-password, obo, refresh-token,
   environment, workload-identity, managed-identity, az, azd, pwsh]

Options:
  --credential NAME               the credential to run (required)
  --scope S                       scope to request (default https://management.azure.com/.default)
  --tenant T                      tenant (service principals fall back to AZURE_TENANT_ID)
  --client-id C                   application (client) id (service principals fall back to AZURE_CLIENT_ID)
  --client-secret-env VAR         read the client secret from environment variable VAR
  --certificate FILE              PEM (key + certificate[s]) or PKCS#12 (.pfx) file
  --certificate-password-env VAR  read the certificate password from VAR
  --send-certificate-chain        send the x5c header (subject name / issuer authentication)
  --username U                    user name for username-password
  --password-env VAR              read the password from VAR
  --assertion-file F              client assertion (JWT) file, re-read on every request
  --refresh-token-env VAR         read the refresh token from VAR
  --user-assertion-env VAR        read the on-behalf-of user assertion from VAR
  --authority-host H              https URL, or public / china / usgov (default AZURE_AUTHORITY_HOST, else public cloud)
  --ca FILE                       extra CA certificate(s) to trust (PEM)
  --discover-authority            fetch the tenant's openid-configuration first and use its endpoints (ADFS, custom paths)
  --imds-endpoint URL             managed-identity: IMDS base URL instead of http://169.254.169.254
  --profile go|js|python|dotnet   SDK semantics for messages and certificate handling (default go)
  --no-browser                    interactive: print the sign-in URL instead of opening a browser
  --timeout SECONDS               overall time limit: seconds, or 30s / 500ms
  --show-token                    print the access token (it is a credential: handle with care)
  --pid PID                       run it as process PID would: its environment (/proc/PID/environ) and its
                                  files (/proc/PID/root/…); Linux, as its user or root
  --verbose                       print every trace event (requests and responses, redacted)
  --json                          one JSON object shaped like a chain step

When a secret the credential needs is not given and the terminal is interactive, azauth asks for it (no echo).
Secrets on the command line (--client-secret, --password, …) are refused: they end up in shell history and ps.

Examples:
  AZURE_CLIENT_SECRET=… azauth token --credential secret --tenant contoso.onmicrosoft.com --client-id 1111… --client-secret-env AZURE_CLIENT_SECRET
  azauth token --credential certificate --tenant T --client-id C --certificate ./sp.pem --send-certificate-chain
  azauth token --credential device-code --scope https://graph.microsoft.com/.default
  azauth token --credential environment --json

Exit codes: 0 token acquired, 1 authentication failed or credential unavailable, 2 bad usage or input.`;

const OPTIONS = {
  ...CREDENTIAL_OPTIONS,
  scope: { type: 'string' },
  'certificate-password-env': { type: 'string' },
  'send-certificate-chain': { type: 'boolean' },
  username: { type: 'string' },
  'password-env': { type: 'string' },
  'assertion-file': { type: 'string' },
  'refresh-token-env': { type: 'string' },
  'user-assertion-env': { type: 'string' },
  'discover-authority': { type: 'boolean' },
  'imds-endpoint': { type: 'string' },
  profile: { type: 'string' },
  'no-browser': { type: 'boolean' },
  timeout: { type: 'string' },
  'show-token': { type: 'boolean' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  ...PID_OPTION,
} as const;

/** Flags that would carry a secret on argv: refused with a pointer to the safe option. */
const SECRET_FLAGS: Record<string, string> = {
  '--client-secret': '--client-secret-env VAR',
  '--secret': '--client-secret-env VAR',
  '--password': '--password-env VAR',
  '-p': '--password-env VAR',
  '--certificate-password': '--certificate-password-env VAR',
  '--refresh-token': '--refresh-token-env VAR',
  '--user-assertion': '--user-assertion-env VAR',
  '--assertion': '--assertion-file FILE',
  '--access-token': '(nothing: azauth never takes tokens on the command line)',
};

export function refuseSecretFlags(argv: string[]): void {
  for (const a of argv) {
    const flag = a.split('=')[0]!;
    const safe = SECRET_FLAGS[flag];
    if (safe)
      throw new UsageError(
        `${flag} is not accepted: secrets are never read from the command line (shell history, ps). Use ${safe}.`,
      );
  }
}

function fromEnv(io: CliIo, variable: string | undefined, what: string): SecretValue | undefined {
  const v = secretFromEnv(io, variable, what);
  return v === undefined ? undefined : new SecretValue(v);
}

/** Reads a secret from the terminal without echo. Only when stdin is a TTY. */
export async function promptSecret(io: CliIo, label: string): Promise<SecretValue | undefined> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return undefined;
  io.stderr.write(`${label}: `);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    const value = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const onData = (chunk: Buffer | string) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            resolve(buf);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new UsageError('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
          else buf += ch;
        }
      };
      stdin.on('data', onData);
    });
    return value ? new SecretValue(value) : undefined;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

/** Opens a URL in the system browser with execFile (no shell). */
export function openSystemBrowser(url: string): Promise<void> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, () => resolve());
  });
}

function parseProfile(v: string | undefined): ChainProfile {
  if (v === undefined) return 'go';
  if (v === 'go' || v === 'js' || v === 'python' || v === 'dotnet') return v;
  throw new UsageError(`--profile must be go, js, python or dotnet (got ${shown(v, 20)})`);
}

type TokenValues = ReturnType<typeof parse<typeof OPTIONS>>['values'];
type CredentialName = NonNullable<ReturnType<typeof resolveCredentialName>>;

/** What the flags ask for: the credential, its inputs (secrets from the environment, files or a prompt), its limits. */
async function flowRequest(
  v: TokenValues,
  io: CliIo,
  name: CredentialName,
  limits: Pick<FlowRequest, 'profile' | 'timeoutMs'>,
): Promise<FlowRequest> {
  const request: FlowRequest = {
    credential: name,
    scope: v.scope,
    tenantId: v.tenant,
    clientId: v['client-id'],
    clientSecret: fromEnv(io, v['client-secret-env'], '--client-secret-env'),
    certificatePath: v.certificate,
    certificatePassword: fromEnv(io, v['certificate-password-env'], '--certificate-password-env'),
    sendCertificateChain: v['send-certificate-chain'],
    username: v.username,
    password: fromEnv(io, v['password-env'], '--password-env'),
    refreshToken: fromEnv(io, v['refresh-token-env'], '--refresh-token-env'),
    userAssertion: fromEnv(io, v['user-assertion-env'], '--user-assertion-env'),
    ...limits,
    discoverAuthority: v['discover-authority'],
  };
  if (v['assertion-file']) {
    const file = v['assertion-file'];
    const read = async () => (await readOptionFile(file, '--assertion-file', MAX_ASSERTION_BYTES)).trim();
    const first = await read();
    if (!first) throw new UsageError(`--assertion-file ${shown(file, 120)} is empty`);
    request.getAssertion = read;
  }
  return request;
}

/** Asks for what is missing when a person is at the terminal. */
async function promptMissing(io: CliIo, request: FlowRequest): Promise<void> {
  const name = request.credential;
  if (name === 'ClientSecretCredential' && !request.clientSecret)
    request.clientSecret = await promptSecret(io, 'Client secret');
  if (name === 'UsernamePasswordCredential' && !request.password)
    request.password = await promptSecret(io, `Password for ${request.username ?? 'the user'}`);
  if (name === 'RefreshTokenCredential' && !request.refreshToken)
    request.refreshToken = await promptSecret(io, 'Refresh token');
  if (name === 'OnBehalfOfCredential' && !request.userAssertion)
    request.userAssertion = await promptSecret(io, 'User assertion (access token)');
}

/** The sign-in a person does on stderr: the device code to enter, the URL to open (and the browser, unless told not). */
function signInOnStderr(io: CliIo, request: FlowRequest, noBrowser: boolean | undefined): void {
  request.onDeviceCode = (info: DeviceCodeInfo) => {
    io.stderr.write(
      lines([
        '',
        `${paint(io, 'bold', 'To sign in')}, open ${paint(io, 'cyan', info.verificationUri)} and enter the code ${paint(io, 'bold', info.userCode)}`,
        `(expires ${info.expiresOn})`,
        '',
      ]),
    );
  };
  request.openBrowser = async (url: string) => {
    io.stderr.write(lines(['', 'Sign in at:', url, '']));
    if (!noBrowser) await openSystemBrowser(url);
  };
}

type TokenRun = Awaited<ReturnType<typeof acquireToken>>;

/** The JSON contract of `azauth token --json`: shaped like a chain step. */
function tokenJson(run: TokenRun, showToken: boolean | undefined, target: ProcessTarget | undefined) {
  const r = run.result;
  const out: Record<string, unknown> = {
    credential: r.credential,
    outcome: r.outcome,
    message: r.message,
    durationMs: r.durationMs,
    errorCodes: r.errorCodes,
    events: r.events,
    token: r.token ?? null,
    error: r.error ?? null,
    ...(r.prediction ? { prediction: r.prediction } : {}), // fingerprint verdict
    ...targetJson(target),
  };
  if (showToken && run.accessToken) out.accessToken = run.accessToken.reveal();
  return out;
}

/** Human rendering: the requests and warnings (unless --verbose printed them already), the outcome and the token. */
function renderToken(io: CliIo, run: TokenRun, v: TokenValues): string[] {
  const r = run.result;
  const out: string[] = [];
  if (!v.verbose) {
    for (const e of r.events) {
      if (e.kind === 'http')
        out.push(
          `${paint(io, 'gray', `  ${e.method} ${e.url} → ${e.status ?? e.error ?? '?'}`)}${paint(io, 'dim', ` ${e.durationMs} ms`)}`,
        );
      if (e.kind === 'note' && (e.level === 'warn' || e.level === 'error'))
        out.push(`  ${paint(io, 'yellow', `${e.level}:`)} ${e.message}`);
    }
  }
  const colour = r.outcome === 'success' ? 'green' : r.outcome === 'unavailable' ? 'yellow' : 'red';
  out.push(
    `${paint(io, colour, r.outcome.toUpperCase().padEnd(11))} ${r.credential}  ${paint(io, 'dim', `${r.durationMs} ms`)}`,
    `  ${r.message}`,
  );
  if (r.prediction)
    out.push(
      `  ${paint(io, r.prediction.agrees === false ? 'yellow' : 'dim', `predicted ${r.prediction.verdict}: ${r.prediction.reason}`)}`,
    );
  if (r.errorCodes.length)
    out.push(`  AADSTS codes: ${r.errorCodes.join(', ')}  (azauth explain AADSTS${r.errorCodes[0]})`);
  if (r.error?.correlationId || r.error?.traceId)
    out.push(
      `  ${paint(io, 'dim', `correlation id ${r.error.correlationId ?? '-'}  trace id ${r.error.traceId ?? '-'}`)}`,
    );
  if (r.token) {
    const t = r.token;
    out.push(
      `  token: ${t.identityType ?? 'unknown'} ${t.upn ?? t.appId ?? t.objectId ?? ''} tenant ${t.tenantId ?? '?'} aud ${t.audience ?? '?'} expires ${t.expiresOn} fingerprint ${t.fingerprint}`,
    );
  }
  if (v['show-token'] && run.accessToken) out.push(run.accessToken.reveal());
  return out;
}

export const command: CliCommand & {
  runFor(v: TokenValues, io: CliIo, target: ProcessTarget | undefined): Promise<number>;
} = {
  summary: 'run one credential (explicit Entra flow or chain member) with a full trace',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    refuseSecretFlags(argv);
    const { values } = parse(argv, OPTIONS);
    return withTarget(io, 'token', values.pid, (io, target) => this.runFor(values, io, target));
  },
  /** One credential for this process, or (--pid) for another one: its environment, its files. */
  async runFor(v, io, target) {
    if (!v.credential) throw new UsageError('--credential is required');
    const name = resolveCredentialName(v.credential);
    if (!name)
      throw new UsageError(`unknown credential ${shown(v.credential, 40)} (the list is in "azauth help token")`);
    const profile = parseProfile(v.profile);
    const timeoutMs = v.timeout === undefined ? undefined : parseDuration('--timeout', v.timeout);
    const options: EngineOptions = {
      authorityHost: v['authority-host'],
      ca: v.ca === undefined ? undefined : await readCaOption(v.ca),
      ...(target ? { target: targetOption(target) } : {}),
    };
    if (v['imds-endpoint']) options.imdsEndpoint = parseHttpUrl('--imds-endpoint', v['imds-endpoint']);
    const request = await flowRequest(v, io, name, { profile, timeoutMs });
    await promptMissing(io, request);
    signInOnStderr(io, request, v['no-browser']);

    const sink = verboseSink(io, Boolean(v.verbose) && !v.json, 'gray');
    const run = await withProgress(
      io,
      `waiting for ${name}`,
      acquireToken(request, { signal: io.signal, sink, env: io.env, options }),
    );
    const code = exitCodeFor(run.result.outcome === 'success', run.result.error?.kind);
    if (v.json) {
      writeJson(io, tokenJson(run, v['show-token'], target));
      return code;
    }
    io.stdout.write(targetHeader(io, target));
    io.stdout.write(lines(renderToken(io, run, v)));
    return code;
  },
};
