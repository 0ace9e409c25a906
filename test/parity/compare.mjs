// What a parity comparison looks at, from two oracle results (test/parity/sdk-oracle.mjs, engine-oracle.mjs,
// py-oracle.py): the verdict, the winner or the credential whose error stopped the chain, every credential the chain
// asked with its outcome class, and — for a combined error — which credentials it names, in which order, and its
// wording with ids, times, ports and paths normalised.

/** One spelling per credential (the engine's), whatever the SDK calls it. */
const CANONICAL = new Map(
  [
    'EnvironmentCredential',
    'WorkloadIdentityCredential',
    'ManagedIdentityCredential',
    'VisualStudioCodeCredential',
    'AzureCLICredential',
    'AzurePowerShellCredential',
    'AzureDeveloperCLICredential',
    'BrokerCredential',
    'SharedTokenCacheCredential',
    'InteractiveBrowserCredential',
    'VisualStudioCredential',
  ].map((n) => [n.toLowerCase(), n]),
);
export function canonical(name) {
  if (!name) return name ?? null;
  return CANONICAL.get(String(name).toLowerCase()) ?? name;
}

/** Ids, times, durations, ports and paths that differ between any two runs. */
export function normaliseText(s) {
  return String(s ?? '')
    .replace(/\r\n/g, '\n')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>')
    .replace(/(127\.0\.0\.1|localhost|169\.254\.169\.254):\d+/g, '$1:<port>')
    .replace(/\/tmp\/[^\s'",)]+/g, '<path>')
    .replace(/\b\d+(\.\d+)?\s?(ms|milliseconds|seconds|s)\b/g, '<duration>')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Phrases the SDKs use for a credential without naming it (checked after the names themselves). */
const HINTS = [
  [/azure developer cli|\bazd\b/i, 'AzureDeveloperCLICredential'],
  [/azure cli|\baz login\b/i, 'AzureCLICredential'],
  [/powershell|connect-azaccount/i, 'AzurePowerShellCredential'],
  [/visual studio code/i, 'VisualStudioCodeCredential'],
  [/broker/i, 'BrokerCredential'],
  [/imds|managed identity|managedidentity/i, 'ManagedIdentityCredential'],
  [/federated token|workload/i, 'WorkloadIdentityCredential'],
];

/** The credential a line of a combined error speaks about: the first credential name in it, else a phrase. */
function credentialOfLine(line) {
  let best = null;
  for (const [lower, name] of CANONICAL) {
    const i = line.toLowerCase().indexOf(lower);
    if (i >= 0 && (best === null || i < best.i)) best = { i, name };
  }
  if (best) return best.name;
  return HINTS.find(([re]) => re.test(line))?.[1] ?? null;
}

/** The comparable shape of one side's result. */
export function shape(r) {
  let verdict = r.verdict;
  // Every member was a constructor-failure placeholder: the JS chain ends with this bare error.
  if (verdict === 'error' && r.errorName === 'CredentialUnavailableError' && !r.stoppedBy) verdict = 'none-available';
  if (verdict === 'no-token') verdict = 'none-available';
  const attempts = (r.attempts ?? []).map(
    (a) => `${canonical(a.credential)}:${a.placeholder || a.outcome === 'none' ? 'silent' : a.outcome}`,
  );
  const s = {
    verdict,
    winner: canonical(r.winner ?? null),
    stoppedBy: canonical(r.stoppedBy ?? null),
    attempts: attempts.join(' → '),
  };
  const message = String(r.message ?? '');
  // Python (and Go) list what the chain asked under "Attempted credentials:", one tab-indented line per member, and
  // Python does so for an error that stopped the chain too: there the list is the structure to compare.
  const attempted = /\nAttempted credentials:\n/.test(message);
  if (verdict === 'aggregate' || (verdict === 'error' && attempted)) {
    // One entry per credential: JS starts each with its error's name ("XError: …"), Python and Go with a tab.
    const lines = message.split('\n');
    const entries = lines.slice(1).filter((l) => (attempted ? /^\t\S/.test(l) : /^\w*Error: /.test(l)));
    s.named = entries
      .map(credentialOfLine)
      .map((n) => n ?? '?')
      .join(', ');
    s.wording = normaliseText(r.message);
  }
  if (verdict === 'crash' || verdict === 'hang') s.headline = String(r.message ?? '').slice(0, 300);
  if ((verdict === 'error' && !attempted) || verdict === 'construct-error') {
    // The headline an application prints: the message's first sentence.
    s.headline = normaliseText(
      String(r.message ?? '')
        .split('\n')[0]
        .split(/\.\s/)[0],
    );
  }
  return s;
}

export const FIELDS = ['verdict', 'winner', 'stoppedBy', 'attempts', 'named', 'wording', 'headline'];

/** The fields on which two results differ: [{ field, sdk, engine }]. */
export function differences(sdkResult, engineResult) {
  const a = shape(sdkResult);
  const b = shape(engineResult);
  const out = [];
  for (const f of FIELDS)
    if ((a[f] ?? null) !== (b[f] ?? null)) out.push({ field: f, sdk: a[f] ?? null, engine: b[f] ?? null });
  return out;
}
