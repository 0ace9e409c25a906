/**
 * `azauth where`: which hosting environment this process runs in (from local facts only, in milliseconds) and what
 * that predicts for each credential of the chain, before anything runs.
 */
import { EXIT_OK, lines, paint, UsageError, writeJson, type CliCommand, type CliIo, type Colour } from '../io';
import { parse, shown } from '../options';
import {
  fingerprint,
  predictCredentials,
  type ChainProfile,
  type Fingerprint,
  type Prediction,
  type Predictions,
} from '../../core/index';
import { PID_OPTION, targetHeader, targetJson, withTarget } from '../target';

const PROFILES: ChainProfile[] = ['go', 'js', 'python', 'dotnet'];

const usage = `azauth where [--json] [--root DIR | --pid PID] [--profile go|js|python|dotnet]

Fingerprints the hosting environment from local facts only (SMBIOS/DMI files, environment variables, agent
files, mounted tokens, executables on PATH; no network) and predicts what each credential will do here.

Options:
  --json            one JSON object: { primary, summary, environments, evidence, managedIdentity, predictions }
  --root DIR        read every file under DIR instead of / (replay a captured or fixture filesystem)
  --profile NAME    whose DefaultAzureCredential chain to predict (default go)
  --pid PID         describe process PID instead of this shell: its environment (/proc/PID/environ)
                    and its files (/proc/PID/root/…); Linux, as its user or root

Examples:
  azauth where
  azauth where --json | jq '.predictions.ManagedIdentityCredential'
  kubectl exec deploy/api -- azauth where
  azauth where --pid "$(pgrep -o -f 'python app.py')"`;

const VERDICT: Record<Prediction['verdict'], { mark: string; colour: Colour }> = {
  'should-work': { mark: '✓', colour: 'green' },
  unavailable: { mark: '–', colour: 'gray' },
  misconfigured: { mark: '!', colour: 'yellow' },
  unknown: { mark: '?', colour: 'blue' },
};

export function whereJson(fp: Fingerprint, predictions: Predictions, profile: ChainProfile) {
  return {
    primary: fp.primary,
    summary: fp.summary,
    platform: fp.platform,
    profile,
    environments: fp.environments,
    evidence: fp.environments.flatMap((f) => f.evidence.map((e) => ({ environment: f.environment, ...e }))),
    managedIdentity: fp.managedIdentity,
    federatedToken: fp.federatedToken,
    tools: {
      az: fp.tools.az,
      azd: fp.tools.azd,
      pwsh: fp.tools.pwsh,
      azLogin: fp.tools.azLogin,
      searchedPath: fp.tools.searchedPath,
    },
    predictions,
    durationMs: fp.durationMs,
  };
}

export function renderWhere(
  io: Pick<CliIo, 'color'>,
  fp: Fingerprint,
  predictions: Predictions,
  profile: ChainProfile,
): string {
  const out: string[] = [];
  out.push(
    `${paint(io, 'bold', 'Where am I running?')}  ${fp.summary}  ${paint(io, 'dim', `(read in ${fp.durationMs.toFixed(1)} ms, no network)`)}`,
    '',
  );
  for (const f of fp.environments) {
    const conf = paint(
      io,
      f.confidence === 'high' ? 'green' : f.confidence === 'medium' ? 'yellow' : 'gray',
      f.confidence,
    );
    out.push(`  ${paint(io, 'bold', f.label.padEnd(40))} ${conf}`);
    for (const e of f.evidence)
      out.push(
        `      ${paint(io, 'dim', e.kind.padEnd(4))} ${e.name}${e.detail.startsWith('=') ? ' ' : ': '}${e.detail}`,
      );
  }
  out.push(
    '',
    `  Managed identity source: ${paint(io, 'bold', fp.managedIdentity.source)} — ${fp.managedIdentity.reason}`,
  );
  out.push(
    '',
    paint(io, 'bold', `Predictions (${profile} DefaultAzureCredential chain, then the federated CI credentials):`),
  );
  const width = Math.max(...Object.keys(predictions).map((k) => k.length));
  for (const [name, p] of Object.entries(predictions)) {
    const v = VERDICT[p.verdict];
    out.push(
      `  ${paint(io, v.colour, v.mark)} ${name.padEnd(width)}  ${paint(io, v.colour, p.verdict.padEnd(13))} ${p.reason}`,
    );
  }
  return lines(out);
}

const OPTIONS = {
  json: { type: 'boolean' },
  root: { type: 'string' },
  profile: { type: 'string' },
  ...PID_OPTION,
} as const;

export const command: CliCommand = {
  summary: 'which hosting environment this is, with evidence, and what each credential will do here',
  usage,
  options: OPTIONS,
  async run(argv, io) {
    const { values } = parse(argv, OPTIONS);
    const profile = (values.profile ?? 'go') as ChainProfile;
    if (!PROFILES.includes(profile))
      throw new UsageError(`--profile must be one of ${PROFILES.join(', ')} (got ${shown(profile, 20)})`);
    if (values.root !== undefined && values.root.trim() === '') throw new UsageError('--root needs a directory');
    if (values.root !== undefined && values.pid !== undefined)
      throw new UsageError("--root and --pid cannot be combined: --pid reads the process's files under /proc/PID/root");
    return withTarget(io, 'where', values.pid, async (io, target) => {
      const fp = fingerprint({ env: io.env, root: target?.root ?? values.root });
      const predictions = predictCredentials(fp, io.env, profile);
      if (values.json) writeJson(io, { ...whereJson(fp, predictions, profile), ...targetJson(target) });
      else io.stdout.write(targetHeader(io, target) + renderWhere(io, fp, predictions, profile));
      return EXIT_OK;
    });
  },
};
