/** `azauth discover`: the tenant's OpenID Connect metadata and signing keys, fetched and checked (traced). */
import { readCaOption } from '../files';
import { runDiscovery } from '../../core/index';
import { exitCodeFor, lines, paint, UsageError, withProgress, writeJson, type CliCommand } from '../io';
import { verboseSink } from '../verbose';
import { parse } from '../options';

const USAGE = `azauth discover --tenant T [--authority-host H] [--ca FILE] [--verbose] [--json]

Fetches <authority>/<tenant>/v2.0/.well-known/openid-configuration and its JWKS, checks that the endpoints stay on the
authority host, and prints the issuer, the endpoints and the signing keys.

Options:
  --tenant T            tenant id, domain (contoso.onmicrosoft.com), organizations or common (required)
  --authority-host H    https URL, or public / china / usgov (default AZURE_AUTHORITY_HOST, else public cloud)
  --ca FILE             extra CA certificate(s) to trust (PEM)
  --verbose             print every trace event
  --json                one JSON object { result, discovery }

Examples:
  azauth discover --tenant contoso.onmicrosoft.com
  azauth discover --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 --authority-host usgov --json

Exit codes: 0 discovered, 1 discovery failed (unknown tenant, network, not JSON), 2 bad usage or input.`;

const OPTIONS = {
  tenant: { type: 'string' },
  'authority-host': { type: 'string' },
  ca: { type: 'string' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const command: CliCommand = {
  summary: "fetch and check a tenant's OpenID Connect metadata and signing keys",
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values: v } = parse(argv, OPTIONS);
    if (!v.tenant) throw new UsageError('--tenant is required');
    const ca = v.ca === undefined ? undefined : await readCaOption(v.ca);
    const sink = verboseSink(io, Boolean(v.verbose) && !v.json, 'gray');
    const run = await withProgress(
      io,
      'fetching the OpenID configuration',
      runDiscovery(
        { tenantId: v.tenant },
        { signal: io.signal, sink, env: io.env, options: { authorityHost: v['authority-host'], ca } },
      ),
    );
    const r = run.result;
    const code = exitCodeFor(r.outcome === 'success', r.error?.kind);
    if (v.json) {
      const d = run.discovery;
      writeJson(io, { result: r, discovery: d ? { ...d, authorityMetadata: undefined } : null });
      return code;
    }
    const d = run.discovery;
    const out: string[] = [];
    if (!d) {
      out.push(
        `${paint(io, 'red', 'FAILED')} discovery for ${v.tenant}  ${paint(io, 'dim', `${r.durationMs} ms`)}`,
        `  ${r.message}`,
      );
      if (r.errorCodes.length)
        out.push(`  AADSTS codes: ${r.errorCodes.join(', ')}  (azauth explain AADSTS${r.errorCodes[0]})`);
      io.stdout.write(lines(out));
      return code;
    }
    const row = (k: string, val: string | undefined | null) =>
      out.push(`  ${k.padEnd(24)} ${val ?? paint(io, 'dim', '(none)')}`);
    out.push(`${paint(io, 'green', 'OK')} ${d.openIdConfigurationUrl}  ${paint(io, 'dim', `${r.durationMs} ms`)}`);
    row('issuer', d.issuer);
    row('tenant id (from issuer)', d.issuerTenantId);
    row('token endpoint', d.tokenEndpoint);
    row('authorize endpoint', d.authorizationEndpoint);
    row('device code endpoint', d.deviceAuthorizationEndpoint);
    row('end session endpoint', d.endSessionEndpoint);
    row('jwks uri', d.jwksUri);
    row('cloud instance', d.cloudInstanceName);
    row('region scope', d.tenantRegionScope);
    out.push(`  signing keys (${d.keys.length}):`);
    for (const k of d.keys)
      out.push(
        `    kid ${k.kid ?? '?'}  ${k.kty ?? '?'}${k.alg ? `/${k.alg}` : ''}  use ${k.use ?? '-'}  x5c ${k.x5cCount}`,
      );
    for (const w of d.warnings) out.push(`  ${paint(io, 'yellow', 'warning:')} ${w}`);
    io.stdout.write(lines(out));
    return code;
  },
};
