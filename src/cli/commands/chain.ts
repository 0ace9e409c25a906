/**
 * `azauth chain`: runs DefaultAzureCredential as the chosen SDK would (sequential) or every member at once
 * (diagnose), prints one aligned line per credential with its time, then explains the failure that mattered.
 */
import { readCaOption } from '../files';
import {
  resolveAuthorityHost,
  createEngine,
  explainText,
  remaining,
  resolveProfile,
  sdkLabel,
  detectSdk,
  describeDetection,
  terminalSafe,
  type DetectedSdk,
  type ChainMode,
  type ChainRun,
  type EngineOptions,
  type StepResult,
} from '../../core/index';
import { exitCodeFor, lines, paint, UsageError, withProgress, writeJson, type CliCommand, type CliIo } from '../io';
import { verboseSink } from '../verbose';
import { parse, parseDuration, parseHttpUrl, shown } from '../options';
import { PID_HELP, PID_OPTION, targetHeader, targetJson, targetOption, withTarget } from '../target';

const USAGE = `azauth chain [options]

Runs the DefaultAzureCredential chain of an Azure SDK here, step by step, and says which credential wins,
what every credential saw and did (environment, files, executables, HTTP exchanges, child processes; secrets
redacted) and — when it fails — which failure mattered and how to fix it.

Options:
  --scope S                        scope to request (default https://management.azure.com/.default)
  --mode sequential|diagnose       sequential: exactly what DefaultAzureCredential does (default);
                                   diagnose: run every credential at once and say who would win and why
  --profile SDK[@RELEASE]          whose chain: go, js, python or dotnet (their newest modelled release), or one
                                   release, e.g. js@4.5.0, js@4.10 (newest 4.10.x), python@1.13.0b2, go@1.13.1,
                                   dotnet@1.20.0: order, AZURE_TOKEN_CREDENTIALS rules, probe, retries, messages
                                   as that release has them (default go)
  --detect [DIR]                   let the project decide: read DIR's lock and manifest files (default: the current
                                   folder) and run the SDK release the app uses, saying which file and line decided
  --require VARS                   the release's "require" option: JS requiredEnvVars (comma-separated variables);
                                   Go RequireAzureTokenCredentials / Python require_envvar (AZURE_TOKEN_CREDENTIALS)
  --tenant T                       tenant to request the token for
  --timeout SECONDS                time limit per credential: seconds, or 30s / 500ms (default 30)
  --authority-host H               Entra authority host (https URL, or public / china / usgov)
  --ca FILE                        extra CA certificate(s) to trust, PEM (e.g. the sandbox's CA)
  --imds-endpoint URL              IMDS base URL instead of http://169.254.169.254
${PID_HELP}
  --verbose                        print every trace event (requests, responses, processes; redacted)
  --json                           one JSON object (see below)

JSON (--json): { mode, profile, scope, selection, winner, steps: [{ credential, outcome, message, durationMs,
errorCodes, events, note?, error? }], token, error, durationMs, verdictMs, release, detected? } — outcome is success | unavailable | failed | skipped; verdictMs is when the
verdict was known (in diagnose mode, often before slower later steps finish),
credential names as the Go SDK spells them. With --detect, detected = { profile, file, line, text, exact, note?,
others, problems }. The access token itself is never printed.

Examples:
  azauth chain
  azauth chain --mode diagnose --profile js
  azauth chain --profile js@4.5.0
  azauth chain --detect ./my-app
  AZURE_TOKEN_CREDENTIALS=dev azauth chain --profile python --json | jq .winner
  azauth chain --authority-host https://127.0.0.1:8443 --ca ./sandbox-ca.pem --imds-endpoint http://127.0.0.1:8081

Exit codes: 0 token acquired, 1 authentication failed (no credential produced a token), 2 bad usage or input
(including an AZURE_TOKEN_CREDENTIALS value the SDK rejects).`;

const OPTIONS = {
  scope: { type: 'string' },
  mode: { type: 'string' },
  profile: { type: 'string' },
  detect: { type: 'boolean' },
  require: { type: 'string' },
  tenant: { type: 'string' },
  timeout: { type: 'string' },
  'authority-host': { type: 'string' },
  ca: { type: 'string' },
  'imds-endpoint': { type: 'string' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  ...PID_OPTION,
} as const;

/** What `--detect` found, for the JSON contract (the deciding line is outside text: capped by the detector). */
function detectedJson(d: DetectedSdk, others: DetectedSdk[], problems: { file: string; message: string }[]) {
  const one = (x: DetectedSdk) => ({
    profile: x.profile,
    file: x.file,
    line: x.line,
    text: x.text,
    exact: x.exact,
    ...(x.note ? { note: x.note } : {}),
  });
  return { ...one(d), others: others.map(one), problems };
}

/** The JSON contract of `azauth chain --json`. */
export function chainJson(r: ChainRun, detected?: ReturnType<typeof detectedJson>) {
  return {
    mode: r.mode,
    profile: r.profile,
    scope: r.scope,
    selection: r.selection,
    winner: r.winner,
    steps: r.steps.map((s) => ({
      credential: s.credential,
      outcome: s.outcome,
      message: s.message,
      durationMs: s.durationMs,
      errorCodes: s.errorCodes,
      events: s.events,
      ...(s.note ? { note: s.note } : {}),
      ...(s.error ? { error: s.error } : {}),
      ...(s.prediction ? { prediction: s.prediction } : {}), // fingerprint verdict
    })),
    token: r.token,
    error: r.error,
    durationMs: r.durationMs,
    ...(r.verdictMs !== undefined ? { verdictMs: r.verdictMs } : {}),
    ...(r.release ? { release: r.release } : {}),
    ...(detected ? { detected } : {}),
    ...(r.hosting ? { hosting: r.hosting } : {}), // where the run happened
  };
}

/** A step's mark and colour, by outcome. */
const MARK = {
  success: { mark: '✓', colour: 'green' },
  unavailable: { mark: '–', colour: 'yellow' },
  failed: { mark: '✗', colour: 'red' },
  skipped: { mark: '·', colour: 'gray' },
} as const satisfies Record<StepResult['outcome'], { mark: string; colour: string }>;

function firstLine(s: string, max = 110): string {
  const l = (s.split('\n').find((x) => x.trim()) ?? '').trim();
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
}

function ms(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

/** Human rendering: header, one aligned line per step with a timing column, the verdict, the explanation. */
export function renderChain(io: Pick<CliIo, 'color'>, r: ChainRun): string {
  const out: string[] = [];
  const resolved = resolveProfile(r.release ?? r.profile);
  const sdk = resolved.ok ? sdkLabel(resolved.release) : r.profile;
  out.push(`${paint(io, 'bold', 'DefaultAzureCredential')} ${paint(io, 'dim', `· ${sdk} · ${r.mode} · ${r.scope}`)}`);
  out.push(paint(io, 'dim', `Selection: ${r.selection.reason}`));
  out.push('');
  const nameW = Math.max(10, ...r.steps.map((s) => s.credential.length));
  for (const s of r.steps) {
    const m = MARK[s.outcome];
    const time = s.outcome === 'skipped' ? '—' : ms(s.durationMs);
    out.push(
      `  ${paint(io, m.colour, m.mark)} ${s.credential.padEnd(nameW)}  ${paint(io, m.colour, s.outcome.padEnd(11))} ${paint(io, 'dim', time.padStart(8))}  ${firstLine(s.message)}`,
    );
    if (r.mode === 'diagnose' && s.note) out.push(`${' '.repeat(nameW + 28)}${paint(io, 'dim', `↳ ${s.note}`)}`);
    // The fingerprint's prediction beside the outcome: always in diagnose mode, and wherever it disagrees.
    if (s.prediction && (r.mode === 'diagnose' || s.prediction.agrees === false)) {
      const off = s.prediction.agrees === false;
      out.push(
        `${' '.repeat(nameW + 28)}${paint(io, off ? 'yellow' : 'dim', `${off ? '⚠ predicted' : '↳ predicted'} ${s.prediction.verdict}: ${firstLine(s.prediction.reason, off ? 600 : 200)}`)}`,
      );
    }
  }
  out.push('');
  if (r.winner && r.token) {
    const t = r.token;
    const who = t.upn ?? t.appId ?? t.objectId;
    const verb = r.mode === 'diagnose' ? 'would authenticate with' : 'authenticated with';
    out.push(
      `${paint(io, 'green', '✓')} ${paint(io, 'bold', `DefaultAzureCredential ${verb} ${r.winner}`)} ${paint(io, 'dim', r.mode === 'diagnose' && r.verdictMs !== undefined && r.verdictMs < r.durationMs ? `verdict in ${ms(r.verdictMs)} (full report in ${ms(r.durationMs)})` : `in ${ms(r.durationMs)}`)}`,
    );
    out.push(
      `  token for ${t.audience ?? r.scope}${who ? ` as ${who}` : ''}${t.identityType && t.identityType !== 'unknown' ? ` (${t.identityType})` : ''}${t.tenantId ? `, tenant ${t.tenantId}` : ''}`,
    );
    out.push(
      `  expires ${t.expiresOn} (${remaining(t.expiresOnEpochMs, Date.now()).text})${t.fromCache ? ', from the engine cache' : ''}, fingerprint ${t.fingerprint}`,
    );
    const slow = r.steps.filter((s) => s.credential !== r.winner && s.outcome !== 'skipped' && s.durationMs >= 1000);
    if (slow.length && r.mode === 'sequential')
      out.push(
        paint(
          io,
          'yellow',
          `  time spent before the winner: ${slow.map((s) => `${s.credential} ${ms(s.durationMs)}`).join(', ')}`,
        ),
      );
    return lines(out);
  }
  const err = r.error;
  const stopper = r.steps.find((s) => s.outcome === 'failed');
  if (stopper) {
    out.push(
      `${paint(io, 'red', '✗')} ${paint(io, 'bold', `DefaultAzureCredential ${r.mode === 'diagnose' ? 'would stop' : 'stopped'} at ${stopper.credential}`)}`,
    );
    out.push(
      `  ${stopper.credential} failed with an error (not "unavailable"), so the credentials after it ${r.mode === 'diagnose' ? 'would never be tried' : 'were never tried'}.`,
    );
  } else if (r.steps.length === 0) {
    out.push(`${paint(io, 'red', '✗')} ${paint(io, 'bold', 'DefaultAzureCredential cannot be created')}`);
  } else {
    out.push(`${paint(io, 'red', '✗')} ${paint(io, 'bold', 'No credential in the chain is available here')}`);
  }
  if (err) {
    out.push('', paint(io, 'bold', 'The failure that mattered:'));
    // The chain's aggregate message lists every step's message, each of them outside text: rebuild it from the steps,
    // one line per step, so that a newline inside a step's message stays visible on that step's line.
    const aggregate = /\nAttempted credentials:\n/.exec(err.message);
    if (aggregate) {
      out.push(`  ${err.message.slice(0, aggregate.index)}`, '  Attempted credentials:');
      for (const s of r.steps.filter((x) => x.outcome !== 'skipped').slice(0, 12))
        out.push(`    ${s.credential}: ${s.message}`);
    } else out.push(`  ${err.message}`);
    out.push(...renderExplanation(io, stopper?.message ?? err.message));
  }
  return lines(out);
}

function renderExplanation(io: Pick<CliIo, 'color'>, text: string): string[] {
  const out: string[] = [];
  let ex;
  try {
    ex = explainText(text);
  } catch {
    return out;
  }
  for (const c of ex.codes) {
    out.push('', `${paint(io, 'bold', `AADSTS${c.code}`)} ${c.name}: ${c.meaning}`);
    for (const f of c.fixes.slice(0, 4)) out.push(`  → ${f}`);
    out.push(paint(io, 'dim', `  ${c.docsUrl}`));
  }
  for (const o of ex.other.slice(0, 3)) {
    out.push('', `${paint(io, 'bold', o.title)}: ${o.meaning}`);
    for (const f of o.fixes.slice(0, 4)) out.push(`  → ${f}`);
  }
  return out;
}

/** `--detect [DIR]`: the SDK release the project uses, the JSON for it and the lines that say so above the report. */
async function detectProfile(io: CliIo, folder: string) {
  const d = await detectSdk(folder);
  const detectLines: string[] = [];
  for (const p of d.problems)
    detectLines.push(paint(io, 'yellow', `  ! ${terminalSafe(p.file)}: ${terminalSafe(p.message)}`));
  if (!d.found.length) {
    const read = d.scanned.length
      ? `read ${d.scanned.map((f) => terminalSafe(f)).join(', ')}`
      : 'no lock or manifest file there';
    throw new UsageError(
      `--detect: no Azure Identity package found in ${terminalSafe(folder)} (${read}); name the SDK with --profile instead${detectLines.length ? `\n${detectLines.join('\n')}` : ''}`,
    );
  }
  const [first, ...others] = d.found;
  detectLines.unshift(`${paint(io, 'bold', 'Detected')} ${terminalSafe(describeDetection(first))}`);
  if (others.length)
    detectLines.push(
      paint(
        io,
        'yellow',
        `  this folder also uses ${others.map((o) => `${o.profile} (${terminalSafe(`${o.file}:${o.line}`)})`).join(', ')}: pick one with --profile`,
      ),
    );
  return { profile: first.profile, detected: detectedJson(first, others, d.problems), detectLines };
}

type ChainValues = ReturnType<typeof parse<typeof OPTIONS>>['values'];

/** The engine options the flags set: authority host, IMDS endpoint, CA, per-credential time limit. */
async function engineOptions(values: ChainValues, stepTimeoutMs: number | undefined): Promise<EngineOptions> {
  const options: EngineOptions = {};
  if (values['authority-host']) {
    // A bad flag is bad usage (exit 2), as for `azauth token`; a bad AZURE_AUTHORITY_HOST stays the chain's business.
    try {
      resolveAuthorityHost(values['authority-host'], {});
    } catch (e) {
      throw new UsageError(`--authority-host: ${(e as Error).message}`);
    }
    options.authorityHost = values['authority-host'];
  }
  if (values['imds-endpoint']) options.imdsEndpoint = parseHttpUrl('--imds-endpoint', values['imds-endpoint']);
  if (values.ca !== undefined) options.ca = await readCaOption(values.ca);
  if (stepTimeoutMs !== undefined) options.stepTimeoutMs = stepTimeoutMs;
  return options;
}

/** `--require VARS`: the variable names, or undefined when the flag is not given. */
function requiredVariables(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const required = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (!required.length || required.some((v) => !/^[A-Za-z_][A-Za-z0-9_]{0,100}$/.test(v)))
    throw new UsageError('--require needs environment variable names, comma-separated (e.g. AZURE_TOKEN_CREDENTIALS)');
  return required;
}

/** The flags that choose the run, checked before anything runs: mode and the SDK release (named or detected). */
function checkArguments(values: ChainValues, positionals: string[]): ChainMode {
  // Not echoed: a stray argument is often something pasted by mistake (a token, a secret).
  if (positionals.length && !values.detect)
    throw new UsageError(
      `unexpected argument (${positionals[0].length} characters, not shown): azauth chain takes a folder only after --detect`,
    );
  if (positionals.length > 1) throw new UsageError('--detect takes one folder');
  if (values.detect && values.profile !== undefined)
    throw new UsageError('--detect and --profile both choose the SDK release: give one of them');
  const mode = (values.mode ?? 'sequential') as ChainMode;
  if (mode !== 'sequential' && mode !== 'diagnose')
    throw new UsageError(`--mode must be sequential or diagnose (got ${shown(mode, 20)})`);
  return mode;
}

export const command: CliCommand = {
  summary: 'run DefaultAzureCredential step by step: who wins, why the others did not, and what to fix',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parse(argv, OPTIONS, true);
    const mode = checkArguments(values, positionals);
    const { profile, detected, detectLines } = values.detect
      ? await detectProfile(io, positionals[0] ?? '.')
      : { profile: values.profile ?? 'go', detected: undefined, detectLines: [] };
    const resolved = resolveProfile(profile);
    if (!resolved.ok) throw new UsageError(`--profile: ${resolved.message}`);
    const stepTimeoutMs = values.timeout === undefined ? undefined : parseDuration('--timeout', values.timeout);
    if (values.scope !== undefined && !values.scope.trim()) throw new UsageError('--scope needs a value');
    const options = await engineOptions(values, stepTimeoutMs);

    const sink = verboseSink(io, Boolean(values.verbose) && !values.json, 'dim');
    const required = requiredVariables(values.require);
    return withTarget(io, 'chain', values.pid, async (io, target) => {
      const run = await withProgress(
        io,
        'running the credential chain',
        createEngine().runChain(
          { scope: values.scope, tenantId: values.tenant, mode, profile, stepTimeoutMs, required },
          {
            signal: io.signal,
            sink,
            env: io.env,
            options: target ? { ...options, target: targetOption(target) } : options,
          },
        ),
      );
      if (values.json) writeJson(io, { ...chainJson(run, detected), ...targetJson(target) });
      else
        io.stdout.write(
          targetHeader(io, target) + (detectLines.length ? `${detectLines.join('\n')}\n\n` : '') + renderChain(io, run),
        );
      // A chain with no steps could not be created (AZURE_TOKEN_CREDENTIALS, a required variable): a usage mistake.
      return exitCodeFor(Boolean(run.winner), run.steps.length === 0 ? run.error?.kind : undefined);
    });
  },
};
