/**
 * `azauth explain`: explain AADSTS codes and other authentication failures, offline.
 * Accepts a code, an Entra error body, an SDK / msal-node error dump, az / azd stderr or any log snippet.
 */
import { argumentOrStdin, EXIT_OK, EXIT_USAGE, lines, paint, writeJson, type CliCommand, type CliIo } from '../io';
import { parse } from '../options';
import { explainText, redactText, type Explanation } from '../../core/index';

const usage = `azauth explain [TEXT|CODE|-] [--json]

Explain an authentication error offline: every AADSTS code in the text (meaning, likely causes, what to do, link),
plus network, TLS, proxy, managed identity and developer-tool failures that carry no code.
Pass a code (50076 or AADSTS50076), the error text, or "-" to read it from standard input
(e.g.  az account get-access-token 2>&1 | azauth explain -).

Options:
  --json   Machine-readable output: { codes, unknownCodes, context: { traceId, correlationId, timestamp }, other }

Exit codes: 0 explained (or nothing recognised), 2 no input.`;

const options = { json: { type: 'boolean' } } as const;

function wrap(text: string, width: number, indent: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function renderHuman(io: CliIo, x: Explanation): void {
  const out: string[] = [];
  const width = 100;
  for (const c of x.codes) {
    out.push(
      `${paint(io, 'bold', paint(io, 'red', `AADSTS${c.code}`))}  ${paint(io, 'bold', c.name)}  ${paint(io, 'gray', `[${c.category}]`)}`,
    );
    out.push(...wrap(c.meaning, width, '  '));
    if (c.causes.length) {
      out.push(`  ${paint(io, 'bold', 'Likely causes')}`);
      for (const cause of c.causes)
        out.push(...wrap(cause, width, '    ').map((l, i) => (i === 0 ? `    • ${l.trimStart()}` : `  ${l}`)));
    }
    if (c.fixes.length) {
      out.push(`  ${paint(io, 'bold', 'What to do')}`);
      c.fixes.forEach((f, i) =>
        out.push(...wrap(f, width, '    ').map((l, j) => (j === 0 ? `    ${i + 1}. ${l.trimStart()}` : `   ${l}`))),
      );
    }
    out.push(`  ${paint(io, 'cyan', c.docsUrl)}`, '');
  }
  for (const o of x.other) {
    const colour = o.kind === 'note' ? 'yellow' : o.kind === 'unknown-code' ? 'yellow' : 'magenta';
    out.push(`${paint(io, 'bold', paint(io, colour, o.title))}  ${paint(io, 'gray', `[${o.kind}]`)}`);
    out.push(...wrap(o.meaning, width, '  '));
    if (o.fixes.length) {
      out.push(`  ${paint(io, 'bold', 'What to do')}`);
      o.fixes.forEach((f, i) =>
        out.push(...wrap(f, width, '    ').map((l, j) => (j === 0 ? `    ${i + 1}. ${l.trimStart()}` : `   ${l}`))),
      );
    }
    out.push('');
  }
  if (!x.codes.length && !x.other.length) {
    out.push(
      'No AADSTS code or known failure pattern found in the input.',
      'Tip: paste the whole error (Entra includes "AADSTS<number>" and a trace id), or run "azauth chain" to reproduce it.',
      '',
    );
  }
  const ctx = x.context;
  const rows: [string, string | undefined][] = [
    ['Credential', ctx.credential],
    ['OAuth error', ctx.oauthError],
    ['HTTP status', ctx.httpStatus !== undefined ? String(ctx.httpStatus) : undefined],
    ['Trace ID', ctx.traceId],
    ['Correlation ID', ctx.correlationId],
    ['Timestamp', ctx.timestamp],
  ];
  const present = rows.filter(([, v]) => v);
  if (present.length) {
    out.push(paint(io, 'bold', 'Context (quote trace id, correlation id and timestamp in a support request)'));
    for (const [k, v] of present) out.push(`  ${k.padEnd(15)} ${v}`);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  io.stdout.write(lines(out));
}

export const command: CliCommand = {
  summary: 'Explain an AADSTS code or any authentication error, offline',
  usage,
  options,
  async run(argv, io) {
    const { values, positionals } = parse(argv, options, true);
    const json = Boolean(values.json);
    // Several words are one text (an unquoted message); "-" alone reads standard input.
    const input = await argumentOrStdin(
      io,
      positionals.length ? positionals.join(' ') : undefined,
      'nothing to explain (pass a code or text, or pipe it in with "-")',
    );
    if (!input.trim()) {
      const message = 'nothing to explain: the input is empty';
      if (json) writeJson(io, { error: { kind: 'empty', message } });
      else io.stderr.write(`azauth explain: ${message}\n`);
      return EXIT_USAGE;
    }
    const x = explainText(input);
    if (json) {
      writeJson(io, {
        codes: x.codes,
        unknownCodes: x.unknownCodes,
        context: {
          traceId: x.context.traceId ?? null,
          correlationId: x.context.correlationId ?? null,
          timestamp: x.context.timestamp ?? null,
          ...(x.context.credential ? { credential: x.context.credential } : {}),
          ...(x.context.oauthError ? { oauthError: x.context.oauthError } : {}),
          ...(x.context.httpStatus !== undefined ? { httpStatus: x.context.httpStatus } : {}),
          ...(x.context.assertion ? { assertion: x.context.assertion } : {}),
        },
        other: x.other,
        message: redactText(x.message),
      });
    } else {
      renderHuman(io, x);
    }
    return EXIT_OK;
  },
};
