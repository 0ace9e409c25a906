/**
 * `azauth broker`: a managed-identity endpoint on loopback (App Service protocol) that answers with tokens from a
 * credential you choose, so your app's own ManagedIdentityCredential runs its production path on your machine.
 */
import { CREDENTIAL_OPTIONS } from '../credential-options';
import { writeFileSync } from 'node:fs';
import type { BrokerRequestRecord, FlowRequest, EngineOptions } from '../../core/index';
import type * as CoreModule from '../../core/index';
import { readCaOption } from '../files';
import { secretFromEnv } from '../secrets';
import { paint, UsageError, type CliCommand, type CliIo } from '../io';
import { parse } from '../options';

const usage = `Usage: azauth broker [options] -- <command> [args…]
       azauth broker [options] --env-file FILE

Serves the App Service managed-identity protocol (api-version 2019-08-01) on 127.0.0.1 with a random header secret
for this session, and answers each token request with a token from the credential you choose. With a command, runs it
with IDENTITY_ENDPOINT and IDENTITY_HEADER added (exit code passed through); with --env-file, writes those two
variables to FILE (mode 0600) and serves until Ctrl+C. Every request is traced on stderr: resource, identity asked
for, api-version, answer and time — never a token (its fingerprint only).

Options:
  --credential NAME        where tokens come from (default az): az, secret, certificate, azd, pwsh, … (see azauth token)
  --tenant T               tenant for a service principal (default AZURE_TENANT_ID)
  --client-id C            service principal's client id (default AZURE_CLIENT_ID)
  --client-secret-env VAR  read the service principal's secret from VAR
  --certificate FILE       service principal's certificate (PEM or PKCS#12)
  --authority-host H       https URL or public / china / usgov
  --ca FILE                extra CA certificate(s) to trust (PEM)
  --sandbox                start the local sandbox tenant and answer with its demo app's tokens
  --port N                 port to listen on (default: a free one)
  --json                   one JSON object per request on stderr instead of a line of text
`;

function splitAtCommand(argv: string[]): { options: string[]; command: string[] } {
  const i = argv.indexOf('--');
  return i === -1 ? { options: argv, command: [] } : { options: argv.slice(0, i), command: argv.slice(i + 1) };
}

const OPTIONS = {
  ...CREDENTIAL_OPTIONS,
  sandbox: { type: 'boolean' },
  port: { type: 'string' },
  json: { type: 'boolean' },
  'env-file': { type: 'string' },
} as const;

type BrokerValues = ReturnType<typeof parse<typeof OPTIONS>>['values'];
/** The engine, loaded only once the options are read (`azauth broker --help` must not load it). */
type Core = typeof CoreModule;

/** Where the tokens come from: the sandbox's demo app (--sandbox, started here) or the credential the flags name. */
async function tokenSource(io: CliIo, values: BrokerValues, core: Core) {
  const engine: EngineOptions = {
    authorityHost: values['authority-host'],
    ca: values.ca === undefined ? undefined : await readCaOption(values.ca),
  };
  if (values.sandbox) {
    const { startSandbox, DEMO } = await import('../../sandbox/index');
    const sb = await startSandbox();
    const request: Omit<FlowRequest, 'scope'> = {
      credential: 'ClientSecretCredential',
      tenantId: sb.tenantId,
      clientId: DEMO.confidentialClientId,
      clientSecret: new core.SecretValue(DEMO.confidentialSecret),
    };
    engine.authorityHost = sb.authorityHost;
    engine.ca = sb.caPem;
    return { request, engine, closeSandbox: () => sb.close() };
  }
  const secret = secretFromEnv(io, values['client-secret-env'], '--client-secret-env');
  const request: Omit<FlowRequest, 'scope'> = {
    credential: values.credential ?? 'az',
    tenantId: values.tenant,
    clientId: values['client-id'],
    ...(secret ? { clientSecret: new core.SecretValue(secret) } : {}),
    ...(values.certificate ? { certificatePath: values.certificate } : {}),
  };
  if (!core.resolveCredentialName(request.credential))
    throw new UsageError(`--credential: unknown credential ${JSON.stringify(request.credential)}`);
  return { request, engine, closeSandbox: undefined };
}

/** Runs the user's command with the broker's two variables added; its exit code is passed through. */
async function runCommand(io: CliIo, cmd: string[], environment: Record<string, string>, core: Core) {
  const result = await core.runTraced({
    command: cmd[0]!,
    args: cmd.slice(1),
    env: { ...io.env, ...environment },
    sdks: [],
    stdout: (b) => io.stdout.write(b),
    stderr: (b) => io.stderr.write(b),
    signal: io.signal,
    stdin: io.stdin === process.stdin ? 'inherit' : 'ignore',
  });
  if (result.spawnError) {
    io.stderr.write(
      `azauth broker: could not start ${core.terminalSafe(cmd[0]!)}: ${core.redactText(result.spawnError)}\n`,
    );
    return 127;
  }
  return result.exitCode ?? 128 + (result.signal === 'SIGINT' ? 2 : result.signal === 'SIGTERM' ? 15 : 1);
}

/** Writes the broker's two variables to FILE (mode 0600) and serves until Ctrl+C. */
async function serveForEnvFile(io: CliIo, file: string, environment: Record<string, string>, core: Core) {
  writeFileSync(
    file,
    `IDENTITY_ENDPOINT=${environment.IDENTITY_ENDPOINT}\nIDENTITY_HEADER=${environment.IDENTITY_HEADER}\n`,
    {
      mode: 0o600,
    },
  );
  io.stderr.write(
    `IDENTITY_ENDPOINT and IDENTITY_HEADER written to ${core.terminalSafe(file)} (mode 0600); Ctrl+C to stop\n`,
  );
  await new Promise<void>((resolve) =>
    io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  return 0;
}

export const command: CliCommand = {
  summary: 'serve managed-identity tokens on loopback (App Service protocol) to your app, tracing each request',
  usage,
  options: OPTIONS,
  async run(argv, io) {
    const { options, command: cmd } = splitAtCommand(argv);
    const { values } = parse(options, OPTIONS);
    if (!cmd.length && !values['env-file']) throw new UsageError('give a command after -- or --env-file FILE');
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a port number (got ${JSON.stringify(values.port)})`);
    const core = await import('../../core/index');
    const { request, engine, closeSandbox } = await tokenSource(io, values, core);

    const report = (r: BrokerRequestRecord) =>
      io.stderr.write(values.json ? `${JSON.stringify(r)}\n` : line(core.terminalSafe, io, r));
    let broker;
    try {
      broker = await core.startBroker({
        source: core.credentialTokenSource(request, { env: io.env, options: engine }),
        port,
        onRequest: report,
      });
    } catch (e) {
      await closeSandbox?.();
      const code = (e as NodeJS.ErrnoException).code;
      io.stderr.write(
        `azauth broker: cannot listen: ${code === 'EADDRINUSE' ? `port ${port} is already in use` : core.redactText((e as Error).message)}\n`,
      );
      return 2;
    }
    io.stderr.write(
      `${paint(io, 'green', '●')} managed-identity broker on ${broker.endpoint} (App Service, api-version ${core.BROKER_API_VERSION}); tokens from ${values.sandbox ? 'the sandbox' : core.resolveCredentialName(request.credential)}\n`,
    );
    try {
      return cmd.length
        ? await runCommand(io, cmd, broker.environment(), core)
        : await serveForEnvFile(io, values['env-file']!, broker.environment(), core);
    } finally {
      await broker.close();
      await closeSandbox?.();
    }
  },
};

function line(safe: (s: string) => string, io: CliIo, r: BrokerRequestRecord): string {
  const who = r.clientId
    ? ` client_id=${r.clientId}`
    : r.principalId
      ? ` principal_id=${r.principalId}`
      : r.miResId
        ? ` mi_res_id=${r.miResId}`
        : '';
  const what = r.resource ? `${r.resource}${who}` : r.path;
  const colour = r.answer === 'refused' || r.answer === 'error' ? 'red' : 'green';
  const answer =
    r.answer === 'token' || r.answer === 'cached-token'
      ? `${r.answer} ${r.fingerprint} (expires ${r.expiresOn})`
      : `${r.answer}: ${r.reason ?? ''}`;
  return `[broker] ${r.at} ${safe(r.remoteAddress)} ${safe(r.method)} ${safe(what)} api-version=${safe(r.apiVersion ?? '-')} → ${paint(io, colour, `${r.status} ${safe(answer)}`)} ${r.durationMs} ms\n`;
}
