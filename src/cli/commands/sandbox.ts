import { readOptionFile } from '../files';
import { EXIT_OK, EXIT_USAGE, lines as safeLines, paint, UsageError, type CliCommand, type CliIo } from '../io';
import { parse, shown } from '../options';
import { startSandbox, validateSandboxConfig, type Sandbox, type SandboxContract } from '../../sandbox/index';

/** A sandbox configuration lists a few tenants, apps and users: kilobytes, not megabytes. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

const usage = `azauth sandbox [--port N] [--config FILE] [--json]

Starts the local sandbox tenant: an emulator of Microsoft Entra ID (HTTPS, with a CA generated at start) and of the
Azure managed-identity endpoints (plain HTTP), on loopback only. It serves until Ctrl+C (SIGINT) or SIGTERM.

Options:
  --port N         port of the HTTPS authority host (default: any free port)
  --config FILE    JSON configuration (tenants, apps, users, managed identities, faults…); see "The sandbox tenant" in README.md
  --json           print exactly one JSON line (the contract for scripts) once the sandbox is ready

Trust the CA printed as caFile: NODE_EXTRA_CA_CERTS=<caFile> (Node), REQUESTS_CA_BUNDLE=<caFile> (Azure CLI / Python).
The demo secrets and passwords are sandbox fixtures that only open this local emulator.`;

async function loadConfig(file: string): Promise<unknown> {
  const text = await readOptionFile(file, '--config file', MAX_CONFIG_BYTES);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`--config ${shown(file, 120)} is not valid JSON: ${(e as Error).message}`);
  }
}

function summary(io: CliIo, c: SandboxContract): string {
  const b = (s: string) => paint(io, 'bold', s);
  const mi = c.managedIdentity;
  const lines = [
    `${paint(io, 'green', '●')} ${b('Azure Auth Debugger sandbox')} is serving on loopback (Ctrl+C to stop)`,
    '',
    `${b('Authority host')}  ${c.authorityHost}`,
    `${b('Tenant')}          ${c.tenantId} (${c.tenantDomain})`,
    `${b('CA file')}         ${c.caFile}`,
    `                export NODE_EXTRA_CA_CERTS=${c.caFile}   # Node`,
    `                export REQUESTS_CA_BUNDLE=${c.caFile}    # Azure CLI / Python`,
    '',
    b('Apps'),
    ...c.apps.map((a) => {
      const creds = [
        a.clientSecret ? `secret ${a.clientSecret}` : '',
        a.certificateFile ? `certificate ${a.certificateFile}` : '',
        a.federatedCredentials?.length ? 'federated credential' : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `  ${a.clientId}  ${a.kind.padEnd(12)} ${a.displayName}${creds ? `  (${creds})` : ''}`;
    }),
    '',
    b('Users'),
    ...c.users.map(
      (u) =>
        `  ${u.username.padEnd(42)} password ${u.password}${u.mfa ? `  MFA code ${u.mfaCode ?? ''}` : ''}${u.conditionalAccessBlock ? '  blocked by Conditional Access' : ''}`,
    ),
    '',
    b('Managed identity'),
    `  IMDS            ${mi.imds}${mi.enabled.imds ? '' : '  (disabled)'}    (AZURE_POD_IDENTITY_AUTHORITY_HOST)`,
    `  App Service     IDENTITY_ENDPOINT=${mi.appService.endpoint} IDENTITY_HEADER=${mi.appService.header}${mi.enabled.appService ? '' : '  (disabled)'}`,
    `  Cloud Shell     MSI_ENDPOINT=${mi.cloudShell}${mi.enabled.cloudShell ? '' : '  (disabled)'}`,
    `  Azure Arc       IDENTITY_ENDPOINT=${mi.arc.endpoint} IMDS_ENDPOINT=${mi.arc.imdsEndpoint}${mi.enabled.arc ? '' : '  (disabled)'}`,
    `  Service Fabric  IDENTITY_ENDPOINT=${mi.serviceFabric.endpoint} IDENTITY_HEADER=${mi.serviceFabric.header}${mi.enabled.serviceFabric ? '' : '  (disabled)'}`,
    `  Azure ML        MSI_ENDPOINT=${mi.azureMl.endpoint} MSI_SECRET=${mi.azureMl.secret}${mi.enabled.azureMl ? '' : '  (disabled)'}`,
    `  system-assigned client id ${mi.systemAssigned.clientId}`,
    ...mi.userAssigned.map((u) => `  user-assigned   client id ${u.clientId}`),
    '',
    `Try: curl --cacert ${c.caFile} ${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration`,
  ];
  return safeLines(lines);
}

/** Resolves when the process is asked to stop (SIGINT / SIGTERM) or the CLI's signal aborts. */
function untilStopped(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      io.signal.removeEventListener('abort', done);
      resolve();
    };
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', done);
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

const OPTIONS = { port: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } } as const;

export const command: CliCommand = {
  summary: 'run the local sandbox tenant (Entra ID + managed identity emulator on loopback)',
  usage,
  options: OPTIONS,
  async run(argv, io) {
    const { values } = parse(argv, OPTIONS);
    let port: number | undefined;
    if (values.port !== undefined) {
      if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535)
        throw new UsageError(`--port must be a number from 0 to 65535 (got ${shown(values.port, 20)})`);
      port = Number(values.port);
    }
    let config: unknown = {};
    if (values.config !== undefined) {
      config = await loadConfig(values.config);
      const v = validateSandboxConfig(config);
      if (!v.ok) {
        io.stderr.write(
          safeLines([
            `azauth sandbox: invalid configuration in ${shown(values.config, 120)}:`,
            ...v.errors.map((e) => `  ${e.path}: ${e.message}`),
          ]),
        );
        return EXIT_USAGE;
      }
    }
    let sb: Sandbox;
    try {
      sb = await startSandbox({ port, config: config as never });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.stderr.write(
        `azauth sandbox: cannot start: ${code === 'EADDRINUSE' ? `port ${port} is already in use` : code === 'EACCES' ? `no permission to bind port ${port}` : (e as Error).message}\n`,
      );
      return EXIT_USAGE;
    }
    try {
      if (values.json) io.stdout.write(JSON.stringify(sb.contract) + '\n');
      else io.stdout.write(summary(io, sb.contract));
      await untilStopped(io);
    } finally {
      await sb.close();
    }
    if (!values.json) io.stderr.write('azauth sandbox: stopped\n');
    return EXIT_OK;
  },
};
