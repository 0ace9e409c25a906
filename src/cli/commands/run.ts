/**
 * `azauth run [--profile …] [--json] -- <command> [args…]`: runs the user's program with its Azure SDK's logging
 * switched on, passes its output through unchanged, then prints the credential chain the SDK logged (and what the
 * AADSTS codes in it mean). The exit code is the program's.
 */
// Only the app-trace readers, redaction and terminal-safe text: `azauth run` starts before the user's program, so
// it loads none of the engine (the AADSTS catalog is loaded only when the trace holds a code).
import {
  collectTraced,
  installedHooks,
  isSdkId,
  runTraced,
  MAX_RUN_EVENTS,
  RUNS_KEPT,
  type AppTrace,
  type ObservedRun,
  type RunTracedResult,
  type SdkId,
} from '../../core/apptrace/index';
import { redactText } from '../../core/trace/redact';
import { terminalSafe as safe } from '../../core/text/terminal';
import { passThrough, UsageError, paint, type CliCommand, type CliIo } from '../io';

const usage = `Usage: azauth run [--profile <sdk>[,<sdk>…]] [--verbose] [--json] -- <command> [args…]

Runs <command> (no shell) with its Azure SDK's own logging switched on and shows the credential chain it logged:
which credentials were tried, their outcome and message, the HTTP exchanges, the winner and the time each took —
"observed in your app", not simulated. The program's output passes through unchanged; the trace follows it (on
stderr, or as one JSON object on stdout with --json). The exit code is the program's (127: it could not start).

What is switched on (nothing else in the environment changes):
  js      AZURE_LOG_LEVEL=info (@azure/identity)          go      AZURE_SDK_GO_LOGGING=all (azidentity)
  python  a logging hook on PYTHONPATH (azure.identity)   java    AZURE_LOG_LEVEL=info (azure-identity)
  dotnet  nothing to switch: the app's own AzureEventSourceListener.CreateConsoleLogger() output is read
Node programs: a hook on NODE_OPTIONS reads @azure/identity's records inside the program and hands them over on an
inherited pipe (fd 3) instead of stderr; not when you set AZURE_LOG_LEVEL yourself (then its lines stay on stderr).

Options:
  --profile <list>   the SDKs to switch on and read (default: all): js, python, go, dotnet, java
  --verbose          AZURE_LOG_LEVEL=verbose instead of info (JS, Java)
  --json             print the trace as one JSON object on stdout after the program's output
`;

/** The options before `--` (read by hand below: everything after the first non-option is the program's). */
const OPTIONS = {
  profile: { type: 'string' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

interface Parsed {
  sdks?: SdkId[];
  json: boolean;
  verbose: boolean;
  command: string;
  args: string[];
}

function parseRunArgs(argv: string[], isSdk: (s: string) => s is SdkId): Parsed {
  let json = false;
  let verbose = false;
  let sdks: SdkId[] | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    // One table says which options exist (the docs are checked against it), whatever the branches below read.
    if (a.startsWith('--') && !Object.hasOwn(OPTIONS, a.slice(2).split('=')[0]!))
      throw new UsageError(`unknown option ${JSON.stringify(a)} (put the program after --)`);
    if (a === '--json') json = true;
    else if (a === '--verbose') verbose = true;
    else if (a === '--profile' || a.startsWith('--profile=')) {
      const value = a === '--profile' ? argv[++i] : a.slice('--profile='.length);
      if (!value) throw new UsageError('--profile needs a value (js, python, go, dotnet, java; comma-separated)');
      const list = value
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const bad = list.filter((s) => !isSdk(s));
      if (bad.length || !list.length)
        throw new UsageError(
          `--profile: unknown SDK ${JSON.stringify(bad.join(',') || value)} (js, python, go, dotnet, java)`,
        );
      sdks = list as SdkId[];
    } else if (a.startsWith('-'))
      throw new UsageError(`unknown option ${JSON.stringify(a)} (put the program after --)`);
    else break;
  }
  const rest = argv.slice(i);
  if (!rest.length) throw new UsageError('no command to run (azauth run -- <command> [args…])');
  return { sdks, json, verbose, command: rest[0]!, args: rest.slice(1) };
}

export const command: CliCommand = {
  summary: 'run your program and show the credential chain its own Azure SDK logged',
  usage,
  options: OPTIONS,
  async run(argv, io) {
    const opts = parseRunArgs(argv, isSdkId);
    const result = await runTraced({
      ...programOptions(opts, io),
      signal: io.signal,
      stdin: io.stdin === process.stdin ? 'inherit' : 'ignore',
    });
    return report(io, opts, result, io.signal.aborted);
  },
};

/**
 * The collector `bin/azauth run` starts beside the program it started itself (dist/run-collector.js, with the hooks
 * in `bundleDir`/hooks): the same options, the same trace and report, read from the launcher's pipes.
 */
export async function collect(argv: string[], io: CliIo, bundleDir: string): Promise<number> {
  const opts = parseRunArgs(argv, isSdkId);
  const result = await collectTraced({ ...programOptions(opts, io), hooks: installedHooks(bundleDir) });
  return report(io, opts, result, result.interrupted || io.signal.aborted);
}

/** What both ways of running read the program with: its command line, environment, SDKs and output. */
function programOptions(opts: Parsed, io: CliIo) {
  return {
    command: opts.command,
    args: opts.args,
    env: io.env,
    sdks: opts.sdks,
    level: opts.verbose ? ('verbose' as const) : ('info' as const),
    // The program's own output, byte for byte: not azauth's text to escape or wrap.
    stdout: (b: Buffer) => passThrough(io.stdout, b),
    stderr: (b: Buffer) => passThrough(io.stderr, b),
  };
}

/** The trace after the program's output: one JSON object on stdout, or the rendered chain on stderr. */
async function report(io: CliIo, opts: Parsed, result: RunTracedResult, interrupted: boolean): Promise<number> {
  const explanations = await explain(result.trace);
  if (opts.json) {
    await drain(io.stdout);
    io.stdout.write(
      JSON.stringify({
        ...result.trace,
        exitCode: result.exitCode,
        signal: result.signal,
        ...(result.spawnError ? { spawnError: redactText(result.spawnError) } : {}),
        interrupted,
        durationMs: result.durationMs,
        loggingSwitches: Object.keys(result.added),
        explanations,
      }) + '\n',
    );
  } else {
    await drain(io.stderr);
    io.stderr.write(render(io, result, explanations));
  }
  return exitCode(result);
}

interface CodeExplanation {
  code: number;
  name: string;
  meaning: string;
  fixes: string[];
  docsUrl: string;
}

async function explain(trace: AppTrace): Promise<CodeExplanation[]> {
  const out: CodeExplanation[] = [];
  if (!trace.aadstsCodes.length) return out;
  const { explainText, aadstsDocsUrl } = await import('../../core/errors/index');
  for (const code of trace.aadstsCodes.slice(0, 10)) {
    const e = explainText(`AADSTS${code}`).codes[0];
    if (e) out.push({ code: e.code, name: e.name, meaning: e.meaning, fixes: e.fixes.slice(0, 3), docsUrl: e.docsUrl });
    else
      out.push({
        code,
        name: 'unknown',
        meaning: 'not in the offline catalog',
        fixes: [],
        docsUrl: aadstsDocsUrl(code),
      });
  }
  return out;
}

function exitCode(r: RunTracedResult): number {
  if (r.spawnError) return 127;
  if (r.exitCode !== null) return r.exitCode;
  const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (r.signal ? (signals[r.signal] ?? 1) : 1);
}

/** Waits until a stream has flushed what the program wrote, so the trace never lands in the middle of it. */
function drain(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { writableNeedDrain?: boolean }).writableNeedDrain) stream.once('drain', () => resolve());
    else resolve();
  });
}

const ICON: Record<string, string> = { success: '✔', unavailable: '–', failed: '✖', skipped: '·' };
const COLOUR = { success: 'green', unavailable: 'yellow', failed: 'red', skipped: 'gray' } as const;

function render(io: CliIo, result: RunTracedResult, explanations: CodeExplanation[]): string {
  const t = result.trace;
  const lines: string[] = [''];
  lines.push(paint(io, 'bold', `── azauth run: ${safe(t.label)} ──`));
  if (result.spawnError)
    lines.push(paint(io, 'red', `could not start ${safe(t.app ?? '')}: ${safe(redactText(result.spawnError))}`));
  if (!t.runs.length) {
    lines.push(
      t.sdk
        ? 'The SDK logged no credential chain (the program asked for no token?).'
        : 'No Azure SDK log lines were seen. Does the program use an Azure SDK? (.NET apps print theirs only with AzureEventSourceListener.CreateConsoleLogger().)',
    );
  }
  lines.push(...renderRuns(io, t));
  if (t.notUnderstood.count) {
    lines.push(
      paint(
        io,
        'yellow',
        `Not understood: ${t.notUnderstood.count} SDK line${t.notUnderstood.count === 1 ? '' : 's'} of an unknown shape (a newer release?), e.g.`,
      ),
    );
    for (const s of t.notUnderstood.samples.slice(0, 3)) lines.push(`    ${safe(s)}`);
  }
  for (const e of explanations) {
    lines.push(`${paint(io, 'bold', `AADSTS${e.code}`)} ${safe(e.name)}: ${safe(e.meaning)}`);
    for (const f of e.fixes) lines.push(`    fix: ${safe(f)}`);
    lines.push(`    ${safe(e.docsUrl)}`);
  }
  const s = t.stats;
  const extras = [
    s.truncatedLines ? `${s.truncatedLines} line(s) longer than the cap` : '',
    s.binaryLines ? `${s.binaryLines} binary line(s)` : '',
  ].filter(Boolean);
  lines.push(
    paint(
      io,
      'gray',
      `${s.lines} lines read (${s.sdkRecords} SDK records) in ${result.durationMs} ms; ${result.spawnError ? 'not started' : result.signal ? `ended by ${result.signal}` : `exit code ${result.exitCode}`}${extras.length ? `; ${extras.join(', ')}` : ''}`,
    ),
  );
  return lines.join('\n') + '\n';
}

/** Each run, repeats as one line, and where the runs a long-running program logged were not all kept. */
function renderRuns(io: CliIo, t: AppTrace): string[] {
  const lines: string[] = [];
  const total = t.runs.length + t.runsNotKept;
  for (const { first, at, repeats, afterGap } of repeatedRuns(t.runs, t.runsNotKept)) {
    if (afterGap)
      lines.push(
        paint(
          io,
          'gray',
          `… ${t.runsNotKept} runs not kept: a trace keeps the first ${RUNS_KEPT.first} and the newest, ${RUNS_KEPT.all} in all`,
        ),
      );
    lines.push(...renderRun(io, first, at, total));
    if (repeats.length) lines.push(paint(io, 'gray', sameAs(at, repeats)));
  }
  return lines;
}

/**
 * Consecutive runs that went the same way (same credentials, outcomes, messages, requests and ending; only their
 * timings differ), as one run and its repeats: an app that asks for a token a hundred times gets one line for the 99
 * it took from its cache, not two hundred. --json keeps every run.
 */
function repeatedRuns(runs: readonly ObservedRun[], notKept: number) {
  const groups: { first: ObservedRun; at: number; repeats: ObservedRun[]; shape: string; afterGap: boolean }[] = [];
  runs.forEach((run, i) => {
    const shape = runShape(run);
    const last = groups[groups.length - 1];
    // The runs not kept came between the first ones and the rest: a group never spans them, and numbers skip them.
    const afterGap = notKept > 0 && i === RUNS_KEPT.first;
    if (last?.shape === shape && !afterGap) last.repeats.push(run);
    else
      groups.push({
        first: run,
        at: i + 1 + (notKept > 0 && i >= RUNS_KEPT.first ? notKept : 0),
        repeats: [],
        shape,
        afterGap,
      });
  });
  return groups;
}

function runShape(run: ObservedRun): string {
  return JSON.stringify([
    run.winner,
    run.complete,
    run.scope,
    run.error?.message ?? null,
    run.eventsNotKept ?? 0,
    run.steps.map((s) => [
      s.credential,
      s.outcome,
      s.message,
      s.events.map((e) =>
        e.kind === 'http'
          ? [e.method, e.url, e.status ?? e.error]
          : e.kind === 'config'
            ? e.settings
            : e.kind === 'note'
              ? e.message
              : 0,
      ),
    ]),
  ]);
}

/** "Run 3: the same as run 2 (1 ms)", "Runs 3–100: the same as run 2, 98 times (0–4 ms each)". */
function sameAs(at: number, repeats: readonly ObservedRun[]): string {
  // Not Math.min(...list): a run can repeat more times than a call takes arguments.
  const lo = repeats.reduce((m, r) => Math.min(m, r.durationMs), Infinity);
  const hi = repeats.reduce((m, r) => Math.max(m, r.durationMs), 0);
  const took = lo === hi ? `${lo} ms` : `${lo}–${hi} ms`;
  return repeats.length === 1
    ? `Run ${at + 1}: the same as run ${at} (${took})`
    : `Runs ${at + 1}–${at + repeats.length}: the same as run ${at}, ${repeats.length} times (${took} each)`;
}

function renderRun(io: CliIo, run: ObservedRun, n: number, of: number): string[] {
  const head = run.winner
    ? `→ ${run.winner}`
    : run.complete
      ? paint(io, 'red', '→ no credential returned a token')
      : '(the log ended before the chain did)';
  const lines = [
    `${of > 1 ? `Run ${n}: ` : ''}${head}${run.scope ? `  scope ${safe(run.scope)}` : ''}  ${run.durationMs} ms`,
  ];
  const width = Math.max(...run.steps.map((s) => s.credential.length));
  for (const step of run.steps) {
    const icon = paint(io, COLOUR[step.outcome], `${ICON[step.outcome]} ${step.outcome.padEnd(11)}`);
    const first = step.message.split('\n')[0] ?? '';
    lines.push(
      `  ${icon} ${step.credential.padEnd(width)}  ${String(step.durationMs).padStart(5)} ms  ${safe(first.length > 160 ? `${first.slice(0, 160)}…` : first)}`,
    );
    for (const e of step.events) {
      if (e.kind === 'http')
        lines.push(
          paint(
            io,
            'gray',
            `      ${safe(e.method)} ${safe(e.url)} → ${e.status ?? safe(e.error ?? 'no response')} ${e.durationMs} ms`,
          ),
        );
      else if (e.kind === 'config' && e.settings) {
        const kv = Object.entries(e.settings)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ');
        if (kv) lines.push(paint(io, 'gray', `      ${safe(kv)}`));
      }
    }
  }
  if (run.error && !run.winner)
    lines.push(`  ${paint(io, 'red', 'chain error:')} ${safe(run.error.message.split('\n')[0] ?? '')}`);
  if (run.eventsNotKept)
    lines.push(
      paint(io, 'gray', `  … ${run.eventsNotKept} more events of this run not kept (a run keeps ${MAX_RUN_EVENTS})`),
    );
  return lines;
}
