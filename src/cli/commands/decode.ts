/**
 * `azauth decode`: decode a token, explain every claim, check expiry and (optionally) validate it.
 * Offline by default: keys are fetched only when --jwks names a URL or --discover is given.
 */
import {
  argumentOrStdin,
  EXIT_AUTH_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  lines,
  paint,
  UsageError,
  withProgress,
  writeJson,
  type CliCommand,
  type CliIo,
} from '../io';
import { parse, parseDuration, shown } from '../options';
import { readCaOption, readOptionFile } from '../files';
import {
  decodeToken,
  DEFAULT_KEY_FETCH_TIMEOUT_MS,
  discoverJwksBounded,
  fetchJwksUrl,
  isKeyFetchError,
  KeyFetchError,
  MAX_KEY_DOCUMENT_BYTES,
  explainClaims,
  formatDuration,
  guessTokenKind,
  parseJwks,
  tokenExpiry,
  tokenFingerprint,
  validateToken,
  type ClaimExplanation,
  type JSONWebKeySet,
  type TokenExpiry,
  type Validation,
} from '../../core/index';

const usage = `azauth decode [TOKEN|-] [options]

Decode a JWT (access or ID token), explain every claim, show its lifetime and validate it.
TOKEN may carry "Bearer ", quotes or line breaks. With "-" or no TOKEN, the token is read from standard input
(safer: it stays out of your shell history).

Options:
  --json             Machine-readable output: { header, payload, claims, expiry, validation, warnings }
  --scope S          Check the audience against the scope the token was requested for (e.g. https://vault.azure.net/.default)
  --resource R       Check the audience against a resource URI (v1 form, e.g. https://management.azure.com/)
  --tenant T         Check that the token comes from tenant T (GUID)
  --version V        Check the token version the API expects (1.0 or 2.0)
  --jwks FILE|URL    Verify the signature against this key set (a JWKS file, or an http(s) URL to fetch)
  --discover         Verify the signature with keys from the issuer's OpenID configuration (network)
  --authority-host H With --discover: fetch the OpenID configuration from H instead of the issuer's host
                     (default: AZURE_AUTHORITY_HOST when set; e.g. the sandbox's https://127.0.0.1:PORT)
  --ca FILE          With --jwks URL / --discover: also trust this CA certificate (PEM), e.g. the sandbox's caFile
  --timeout T        Time limit for fetching the keys, all requests together: seconds, or 30s / 500ms (default 10 s)

Verdict: verified (the signature was checked against the issuer's keys and no check failed), invalid (a check
failed; an unsigned token, alg "none", is always invalid) or unverified (no check failed, but the signature could
not be checked: no keys given, the key fetch failed, or a Microsoft Graph token, which only Graph can verify).

Exit codes:
  0  verified; or, when no check was asked for (no --scope/--resource/--tenant/--version/--jwks/--discover),
     decoded and unverified
  1  invalid
  2  bad usage or input (not a token, unreadable file)
  3  unverified although a check was asked for
The token itself is never printed.`;

/** Exit code when a validation was asked for but the signature could not be checked. */
export const EXIT_UNVERIFIED = 3;

const options = {
  json: { type: 'boolean' },
  scope: { type: 'string' },
  resource: { type: 'string' },
  tenant: { type: 'string' },
  version: { type: 'string' },
  jwks: { type: 'string' },
  discover: { type: 'boolean' },
  'authority-host': { type: 'string' },
  timeout: { type: 'string' },
  ca: { type: 'string' },
} as const;

/** The key fetch's message, with what to do about an untrusted certificate. */
function withHint(e: unknown): unknown {
  if (isKeyFetchError(e) && e.kind === 'tls')
    return new KeyFetchError(e.kind, e.url, `${e.message} (give the server's CA certificate with --ca FILE)`, {
      cause: e,
    });
  return e;
}

async function loadJwksFile(spec: string): Promise<JSONWebKeySet> {
  const text = await readOptionFile(spec, '--jwks file', MAX_KEY_DOCUMENT_BYTES);
  try {
    return parseJwks(text);
  } catch (e) {
    throw new UsageError(`--jwks file ${shown(spec, 120)}: ${(e as Error).message}`);
  }
}

function fail(io: CliIo, json: boolean, kind: string, message: string, segment?: string): number {
  if (json) writeJson(io, { error: { kind, message, ...(segment ? { segment } : {}) } });
  else io.stderr.write(lines([`azauth decode: ${message}`]));
  return EXIT_USAGE;
}

/** A claim value cut to `max` characters; escaping is the output layer's (`lines`). */
function show(v: unknown, max = 100): string {
  const s = (typeof v === 'string' ? v : JSON.stringify(v)) ?? String(v);
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

const STATE_COLOUR = {
  fresh: 'green',
  'expiring-soon': 'yellow',
  expired: 'red',
  'not-yet-valid': 'red',
  'no-expiry': 'yellow',
} as const;
const VERDICT_OF_TOKEN = { verified: ['✔', 'green'], invalid: ['✖', 'red'], unverified: ['?', 'yellow'] } as const;
const VERDICT = { pass: ['✔', 'green'], fail: ['✖', 'red'], warn: ['!', 'yellow'], skipped: ['–', 'gray'] } as const;

function renderHuman(
  io: CliIo,
  kindLine: string,
  claims: ClaimExplanation[],
  expiry: TokenExpiry,
  validation: Validation,
  warnings: string[],
): void {
  const out: string[] = [];
  out.push(`${paint(io, 'bold', 'Token')}  ${kindLine}`);
  const width = Math.min(24, Math.max(...claims.map((c) => c.name.length), 4));
  for (const section of ['header', 'payload'] as const) {
    const rows = claims.filter((c) => c.location === section);
    if (!rows.length) continue;
    out.push('', paint(io, 'bold', section === 'header' ? 'Header' : 'Claims'));
    for (const c of rows) {
      const name = c.known ? c.name.padEnd(width) : paint(io, 'yellow', c.name.padEnd(width));
      out.push(`  ${name}  ${show(c.value)}`);
      const note = c.interpretation || c.meaning;
      const pad = ' '.repeat(width + 4);
      out.push(`${pad}${paint(io, 'gray', show(c.known ? note : `(unknown claim) ${note}`, 160))}`);
    }
  }
  out.push(
    '',
    `${paint(io, 'bold', 'Expiry')}  ${paint(io, STATE_COLOUR[expiry.state], expiry.state)}${expiry.expiresAt ? ` · expires ${expiry.expiresAt}` : ''}${expiry.remainingMs !== undefined ? ` (${expiry.remainingText})` : ''}${expiry.lifetimeMs !== undefined ? ` · lifetime ${formatDuration(expiry.lifetimeMs)}` : ''}`,
  );
  if (expiry.skew.warning) out.push(`        ${paint(io, 'yellow', expiry.skew.warning)}`);
  const [vmark, vcolour] = VERDICT_OF_TOKEN[validation.verdict];
  out.push(
    '',
    `${paint(io, 'bold', 'Verdict')}  ${paint(io, vcolour, `${vmark} ${validation.verdict}`)} · ${validation.summary}`,
  );
  out.push('', paint(io, 'bold', 'Validation'));
  for (const v of validation.verdicts) {
    const [mark, colour] = VERDICT[v.verdict];
    out.push(`  ${paint(io, colour, mark)} ${v.check.padEnd(9)} ${paint(io, colour, v.verdict.padEnd(7))} ${v.reason}`);
  }
  if (warnings.length) {
    out.push('', paint(io, 'bold', 'Warnings'));
    for (const w of warnings) out.push(`  ${paint(io, 'yellow', '!')} ${w}`);
  }
  io.stdout.write(lines(out));
}

type DecodeValues = ReturnType<typeof parse<typeof options>>['values'];
type Decoded = ReturnType<typeof decodeToken>;

/** A token that is not a signed JWT (encrypted or opaque): what can be said about it. */
function writeNotJwt(io: CliIo, json: boolean, d: Extract<Decoded, { kind: 'jwe' | 'opaque' }>): void {
  if (json)
    writeJson(io, {
      kind: d.kind,
      header: d.header ?? {},
      payload: null,
      claims: [],
      expiry: null,
      validation: null,
      warnings: [d.reason],
      fingerprint: tokenFingerprint(d.raw),
    });
  else
    io.stdout.write(
      lines([
        `${paint(io, 'bold', 'Token')}  ${d.kind === 'jwe' ? 'encrypted (JWE)' : 'opaque'} · fingerprint ${tokenFingerprint(d.raw)}`,
        '',
        d.reason,
      ]),
    );
}

/** Where the signing keys come from: a JWKS file, a JWKS URL, the issuer's OpenID configuration (--discover), or none. */
async function keySource(
  io: CliIo,
  values: DecodeValues,
): Promise<{ jwks?: JSONWebKeySet; fetchJwks?: (issuer: string) => Promise<JSONWebKeySet> }> {
  const timeoutMs =
    values.timeout === undefined ? DEFAULT_KEY_FETCH_TIMEOUT_MS : parseDuration('--timeout', values.timeout);
  const ca = values.ca === undefined ? undefined : await readCaOption(values.ca);
  const fetchOptions = { timeoutMs, signal: io.signal, env: io.env, ...(ca ? { ca } : {}) };
  if (values.jwks && /^https?:\/\//i.test(values.jwks)) {
    const url = values.jwks;
    return { fetchJwks: () => fetchJwksUrl(url, fetchOptions).catch((e: unknown) => Promise.reject(withHint(e))) };
  }
  if (values.jwks) return { jwks: await loadJwksFile(values.jwks) };
  if (values.discover) {
    const authorityHost = values['authority-host'] ?? io.env.AZURE_AUTHORITY_HOST;
    return {
      fetchJwks: (issuer) =>
        discoverJwksBounded(issuer, { ...fetchOptions, ...(authorityHost ? { authorityHost } : {}) }).catch(
          (e: unknown) => Promise.reject(withHint(e)),
        ),
    };
  }
  return {};
}

/** The JSON contract of `azauth decode --json` for a JWT. */
function decodeJson(
  d: Extract<Decoded, { kind: 'jwt' }>,
  claims: ClaimExplanation[],
  expiry: TokenExpiry,
  validation: Validation,
  warnings: string[],
) {
  return {
    kind: 'jwt',
    tokenKind: guessTokenKind(d.payload),
    fingerprint: tokenFingerprint(d.raw),
    header: d.header,
    payload: d.payload,
    claims: claims.map((c) => ({
      name: c.name,
      value: c.value,
      meaning: c.meaning,
      interpretation: c.interpretation,
      known: c.known,
      location: c.location,
      tokenKinds: c.tokenKinds,
    })),
    expiry,
    validation,
    warnings,
  };
}

/** The first line of the human report: which kind of token this is. */
function kindLine(kind: ReturnType<typeof guessTokenKind>, raw: string): string {
  const [k, v] = kind.split('-');
  const what =
    kind === 'federated'
      ? 'federated token (external issuer, for workload identity federation)'
      : `${k === 'id' ? 'ID' : 'access'} token ${v === 'v1' ? 'v1.0' : 'v2.0'}`;
  return `JWT · ${what} · fingerprint ${tokenFingerprint(raw)}`;
}

export const command: CliCommand = {
  summary: 'Decode a token, explain every claim, check expiry and validate it',
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parse(argv, options, true);
    const json = Boolean(values.json);
    if (positionals.length > 1) throw new UsageError('give one token (or "-" to read it from standard input)');
    if (values.version !== undefined && values.version !== '1.0' && values.version !== '2.0')
      throw new UsageError('--version must be 1.0 or 2.0');
    const input = await argumentOrStdin(
      io,
      positionals[0],
      'no token given (pass it as an argument, or pipe it in: ... | azauth decode -)',
    );
    const d = decodeToken(input);
    if (!d.ok) return fail(io, json, d.error.kind, d.error.message, d.error.segment);
    const now = Date.now();
    if (d.kind !== 'jwt') {
      writeNotJwt(io, json, d);
      return EXIT_OK;
    }
    const { jwks, fetchJwks } = await keySource(io, values);
    const claims = explainClaims(d.payload, d.header, { now });
    const expiry = tokenExpiry(d.payload, { now });
    const validation = await withProgress(
      io,
      'fetching the signing keys',
      validateToken(d.raw, {
        now,
        ...(values.scope ? { expectedScope: values.scope } : {}),
        ...(values.resource ? { expectedResource: values.resource } : {}),
        ...(values.tenant ? { expectedTenant: values.tenant } : {}),
        ...(values.version ? { expectedVersion: values.version as '1.0' | '2.0' } : {}),
        ...(jwks ? { jwks } : {}),
        ...(fetchJwks ? { fetchJwks } : {}),
      }),
    );
    const warnings = [...d.warnings];
    if (expiry.skew.warning) warnings.push(expiry.skew.warning);
    if (json) writeJson(io, decodeJson(d, claims, expiry, validation, warnings));
    else renderHuman(io, kindLine(guessTokenKind(d.payload), d.raw), claims, expiry, validation, warnings);
    if (validation.verdict === 'invalid') return EXIT_AUTH_FAILED;
    const requested = Boolean(
      values.scope || values.resource || values.tenant || values.version || values.jwks || values.discover,
    );
    return validation.verdict === 'verified' || !requested ? EXIT_OK : EXIT_UNVERIFIED;
  },
};
