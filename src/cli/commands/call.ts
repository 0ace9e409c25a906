/**
 * `azauth call`: send one request with a token to an Azure API (or a preset that only reads) and explain the answer
 * against the token: status, headers, body (token redacted), the WWW-Authenticate challenge, the error code, the
 * cross-checks and the fix. The token comes from standard input (default), the credential chain or one flow.
 */
import { CREDENTIAL_OPTIONS } from '../credential-options';
import { readCaOption } from '../files';
import { secretFromEnv } from '../secrets';
import {
  acquireToken,
  callResource,
  createEngine,
  findPreset,
  isResourceCallError,
  isResourceService,
  presetUrl,
  RESOURCE_METHODS,
  RESOURCE_PRESETS,
  resolveCredentialName,
  terminalSafe,
  renderResourceCall,
  SecretValue,
  Tracer,
  type ResourceMethod,
  type TraceEvent,
} from '../../core/index';
import { EXIT_AUTH_FAILED, EXIT_OK, paint, readStdin, UsageError, writeJson, type CliCommand, type CliIo } from '../io';
import { verboseSink } from '../verbose';
import { parse, parseDuration, shown } from '../options';

const USAGE = `azauth call [options] <METHOD> <URL>
azauth call [options] --preset NAME [--subscription S | --vault V | --account A | --namespace N --entity E]

Sends one request with an access token and explains the answer against the token: for a 401 / 403, the
WWW-Authenticate challenge (claims challenges decoded), the service's error code, what the token says (audience,
tenant, lifetime and clock skew, roles / scopes, object id) and the fix (for example the az role assignment line).

Token (never printed unless --show-token):
  --token-from stdin     read the token from standard input (default; "Bearer " and quotes are accepted)
  --token-from chain     run DefaultAzureCredential's chain for the preset's (or --scope's) scope
  --token-from flow      run one credential: --credential NAME (same names as azauth token), with --tenant,
                         --client-id, --client-secret-env VAR, --certificate FILE
  --authority-host H     for chain / flow: Entra authority host (https URL, or public / china / usgov)
  --scope S              scope for chain / flow (default: the preset's, or the URL's API + /.default)

Request:
  --preset NAME          a read-only request (see below); METHOD and URL are then not given
  --endpoint URL         replace the preset's scheme and host (sovereign cloud, emulator, the sandbox's
                         https://127.0.0.1:PORT/resources/<arm|graph|vault|storage|servicebus>)
  --service S            which API the URL is when its host does not say: arm, graph, keyvault, storage, servicebus
  --header "K: V"        extra request header (repeatable; Authorization is set from the token)
  --ca FILE              extra CA certificate(s) to trust (PEM), e.g. the sandbox's
  --timeout SECONDS      overall time limit: seconds, or 30s / 500ms (default 30)

Output:
  --json                 one JSON object: { request, response, redirects, explanation }
  --show-token           also print the token (it is a credential: handle with care)
  --verbose              print the trace (redacted)

Plain http is accepted only for loopback addresses; a redirect to another host is never followed with the token.

Presets:
${RESOURCE_PRESETS.map((p) => `  ${p.id.padEnd(20)} ${p.title}${p.params.length ? ` (${p.params.map((x) => `--${x}`).join(' ')})` : ''}`).join('\n')}

Exit codes: 0 the API accepted the token (2xx), 1 it refused it or the call failed, 2 bad usage.`;

const OPTIONS = {
  'token-from': { type: 'string' },
  scope: { type: 'string' },
  ...CREDENTIAL_OPTIONS,
  preset: { type: 'string' },
  endpoint: { type: 'string' },
  service: { type: 'string' },
  subscription: { type: 'string' },
  vault: { type: 'string' },
  account: { type: 'string' },
  namespace: { type: 'string' },
  entity: { type: 'string' },
  header: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  'show-token': { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

function scopeForUrl(url: string): string | undefined {
  try {
    const h = new URL(url).hostname;
    if (h === 'management.azure.com') return 'https://management.azure.com/.default';
    if (h === 'graph.microsoft.com') return 'https://graph.microsoft.com/.default';
    if (h.endsWith('.vault.azure.net')) return 'https://vault.azure.net/.default';
    if (/\.(blob|queue|file|table|dfs)\.core\.windows\.net$/.test(h)) return 'https://storage.azure.com/.default';
    if (h.endsWith('.servicebus.windows.net')) return 'https://servicebus.azure.net/.default';
  } catch {
    /* checked later */
  }
  return undefined;
}

type CallValues = ReturnType<typeof parse<typeof OPTIONS>>['values'];

/** What to send: the method and URL (from a preset or the arguments), the API it is, extra headers and the scope. */
interface CallTarget {
  method: ResourceMethod;
  url: string;
  service: string | undefined;
  headers: Record<string, string>;
  scope: string | undefined;
}

function requestFromPreset(v: CallValues, preset: string, positionals: string[]): CallTarget {
  if (positionals.length) throw new UsageError('give either --preset or METHOD URL, not both');
  const p = findPreset(preset);
  if (!p)
    throw new UsageError(
      `unknown preset ${shown(preset, 40)}; presets: ${RESOURCE_PRESETS.map((x) => x.id).join(', ')}`,
    );
  let url: string;
  try {
    url = presetUrl(
      p,
      { subscription: v.subscription, vault: v.vault, account: v.account, namespace: v.namespace, entity: v.entity },
      v.endpoint,
    );
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    method: p.method,
    url,
    service: v.service ?? p.service,
    headers: { ...(p.headers ?? {}) },
    scope: v.scope ?? p.scope,
  };
}

function requestFromArguments(v: CallValues, positionals: string[]): CallTarget {
  if (positionals.length !== 2) throw new UsageError('give METHOD and URL (or --preset NAME)');
  const m = positionals[0]!.toUpperCase();
  if (!(RESOURCE_METHODS as readonly string[]).includes(m))
    throw new UsageError(`METHOD must be one of ${RESOURCE_METHODS.join(', ')}`);
  const url = positionals[1]!;
  return { method: m as ResourceMethod, url, service: v.service, headers: {}, scope: v.scope ?? scopeForUrl(url) };
}

function callRequest(v: CallValues, positionals: string[]): CallTarget {
  if (v.service !== undefined && !isResourceService(v.service))
    throw new UsageError('--service must be one of arm, graph, keyvault, storage, servicebus');
  const request = v.preset ? requestFromPreset(v, v.preset, positionals) : requestFromArguments(v, positionals);
  for (const h of v.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header must be "Name: value", got ${shown(h)}`);
    request.headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return request;
}

type Sink = { emit(e: TraceEvent): void } | undefined;

/**
 * The access token from the credential chain or one flow (--token-from chain | flow); a number is the exit code when
 * none came (the reason already on stderr).
 */
async function acquiredToken(
  io: CliIo,
  v: CallValues,
  scope: string,
  sink: Sink,
  ca: string | undefined,
): Promise<string | number> {
  const options = { authorityHost: v['authority-host'], ca };
  if (v['token-from'] === 'chain') {
    const run = await createEngine().runChain(
      { scope, tenantId: v.tenant },
      { signal: io.signal, sink, env: io.env, options },
    );
    if (!run.accessToken) {
      io.stderr.write(
        `azauth call: the credential chain found no token for ${scope}${run.error ? `: ${terminalSafe(run.error.message)}` : ''} (azauth chain shows why)\n`,
      );
      return EXIT_AUTH_FAILED;
    }
    return run.accessToken.reveal();
  }
  if (!v.credential) throw new UsageError('--token-from flow needs --credential NAME');
  const name = resolveCredentialName(v.credential);
  if (!name) throw new UsageError(`unknown credential ${shown(v.credential, 40)} (the list is in "azauth help token")`);
  const secret = secretFromEnv(io, v['client-secret-env'], '--client-secret-env');
  const run = await acquireToken(
    {
      credential: name,
      scope,
      tenantId: v.tenant,
      clientId: v['client-id'],
      clientSecret: secret ? new SecretValue(secret) : undefined,
      certificatePath: v.certificate,
    },
    { signal: io.signal, sink, env: io.env, options },
  );
  if (!run.accessToken) {
    io.stderr.write(`azauth call: ${run.result.credential} got no token: ${terminalSafe(run.result.message)}\n`);
    return EXIT_AUTH_FAILED;
  }
  return run.accessToken.reveal();
}

/** The token: piped in on standard input (the default), or acquired here; a number is the exit code when none came. */
async function callToken(io: CliIo, v: CallValues, scope: string | undefined, sink: Sink, ca: string | undefined) {
  if ((v['token-from'] ?? 'stdin') === 'stdin') {
    const token = (await readStdin(io, 1024 * 1024)).trim();
    if (!token) throw new UsageError('no token on standard input (pipe one in, or use --token-from chain|flow)');
    return token;
  }
  if (!scope)
    throw new UsageError('--scope is needed to get a token for this URL (its host does not name a known API)');
  return acquiredToken(io, v, scope, sink, ca);
}

/** Sends the request; a refusal before anything was sent (a bad URL, token or header) is bad usage. */
async function send(
  io: CliIo,
  v: CallValues,
  req: CallTarget,
  token: string,
  { sink, ca, deadlineMs }: { sink: Sink; ca: string | undefined; deadlineMs: number },
) {
  const trace = new Tracer(sink ? { sink, env: io.env } : { env: io.env }).forStep('call');
  const { method, url, headers, service } = req;
  try {
    return await callResource(
      { method, url, token, headers, ...(service && isResourceService(service) ? { service } : {}) },
      { trace, ca, deadlineMs, signal: io.signal, env: io.env },
    );
  } catch (e) {
    if (isResourceCallError(e)) {
      if (e.kind === 'bad-url' || e.kind === 'insecure-url' || e.kind === 'bad-token' || e.kind === 'bad-header')
        throw new UsageError(e.message);
      if (v.json) writeJson(io, { error: { kind: e.kind, message: e.message } });
      else io.stderr.write(`azauth call: ${terminalSafe(e.message)} (${e.kind})\n`);
      return EXIT_AUTH_FAILED;
    }
    throw e;
  }
}

export const command: CliCommand = {
  summary: 'send one request with a token to an Azure API and explain its 401 / 403 against the token',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    for (const a of argv)
      if (/^--(token|access-token|client-secret|password)(=|$)/.test(a))
        throw new UsageError(
          `${a.split('=')[0]} is refused: a token or secret on the command line ends up in shell history; pipe it in (--token-from stdin)`,
        );
    const { values: v, positionals } = parse(argv, OPTIONS, true);
    if (!['stdin', 'chain', 'flow'].includes(v['token-from'] ?? 'stdin'))
      throw new UsageError('--token-from must be stdin, chain or flow');
    const req = callRequest(v, positionals);
    const deadlineMs = v.timeout === undefined ? 30_000 : parseDuration('--timeout', v.timeout, { maxSeconds: 600 });
    const ca = v.ca === undefined ? undefined : await readCaOption(v.ca);
    const sink = verboseSink(io, Boolean(v.verbose) && !v.json, 'dim');
    const token = await callToken(io, v, req.scope, sink, ca);
    if (typeof token === 'number') return token;
    const result = await send(io, v, req, token, { sink, ca, deadlineMs });
    if (typeof result === 'number') return result;
    if (v.json) {
      writeJson(io, { ...result, ...(v['show-token'] ? { accessToken: token } : {}) });
    } else {
      io.stdout.write(renderResourceCall(result, (colour, text) => paint(io, colour, text)));
      if (v['show-token'])
        io.stdout.write(`\n${paint(io, 'bold', 'Token')} (a credential: handle with care)\n${token}\n`);
    }
    return result.explanation.outcome === 'authorized' ? EXIT_OK : EXIT_AUTH_FAILED;
  },
};
