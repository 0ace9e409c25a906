// The parity suite's scenarios, generated from axes (issue 11): environment, AZURE_TOKEN_CREDENTIALS, authority
// host, managed identity and developer tools. Each scenario is plain data; test/parity/worker.ts turns it into an
// environment against its own sandbox. `group` is the managed-identity behaviour on 169.254.169.254:80: scenarios of
// one group share that port (and run in one network namespace), different groups run side by side.

/** Environment kinds (what the user's shell holds). */
export const ENVS = [
  'none',
  'partial-sp',
  'secret-right',
  'secret-wrong',
  'cert-good',
  'cert-wrong',
  'cert-unreadable',
  'cert-password',
  'username-password',
  'wi-good',
  'wi-missing-file',
  'wi-empty-file',
  'wi-wrong-subject',
  'tenant-malformed',
];

/** AZURE_TOKEN_CREDENTIALS values: unset, blank, keywords, each name in odd case, invalid. */
export const TOKEN_CREDENTIALS = [
  undefined,
  '',
  '   ',
  'dev',
  'prod',
  ' Prod ',
  'environmentcredential',
  'WORKLOADIDENTITYCREDENTIAL',
  ' ManagedIdentityCredential ',
  'visualStudioCodeCredential',
  'AzureCliCredential',
  'azurepowershellcredential',
  'AzureDeveloperCLICredential',
  'bogus',
];

/** What answers on 169.254.169.254:80. */
export const IMDS = ['silent', 'refused', '400', '404', '410', '429', '500', 'html', 'truncated', 'slow', 'success'];

/** Developer-tool states: the real Debian az, and fakes (test/fixtures/bin) for states the real ones cannot reach. */
export const TOOLS = {
  none: {},
  'real-az-logged-out': { az: 'real-logged-out' },
  'real-az-logged-in': { az: 'real-logged-in' },
  'az-logged-in': { az: 'logged-in' },
  'az-not-logged-in': { az: 'not-logged-in' },
  'az-mfa': { az: 'mfa' },
  'az-garbage': { az: 'garbage' },
  // az that answers only after the SDK's 10 s process limit (a fake that hangs forever would keep the SDK's pipe open
  // for good: the SDK kills only the shell it started, so it would wait with it).
  'az-hang': { az: 'slow' },
  'azd-logged-in': { azd: 'logged-in' },
  'azd-not-logged-in': { azd: 'not-logged-in' },
  'pwsh-logged-in': { pwsh: 'logged-in' },
  'pwsh-no-module': { pwsh: 'no-module' },
  'all-logged-in': { az: 'logged-in', azd: 'logged-in', pwsh: 'logged-in' },
};

const id = (s) =>
  [
    `env=${s.env}`,
    s.tokenCredentials !== undefined ? `atc=${JSON.stringify(s.tokenCredentials)}` : '',
    s.authority !== 'sandbox' ? `authority=${s.authority}` : '',
    `imds=${s.imds}`,
    s.hosting ? `hosting=${s.hosting}` : '',
    s.tools !== 'none' ? `tools=${s.tools}` : '',
    s.requestTenant ? `tenant=${s.requestTenant}` : '',
    s.allowedTenants !== undefined ? `allowed=${JSON.stringify(s.allowedTenants)}` : '',
  ]
    .filter(Boolean)
    .join(' ');

// Every scenario also runs on the real Python azure-identity (test/parity/py-oracle.py): its inputs are plain
// environment, files, tools and endpoints, which mean the same to Python (a release that ignores a variable, such as
// AZURE_TOKEN_CREDENTIALS before Python 1.23, is itself a behaviour worth proving). `python: false` would opt out.
function scenario(o) {
  const s = {
    env: 'none',
    tokenCredentials: undefined,
    authority: 'sandbox',
    imds: 'silent',
    tools: 'none',
    python: true,
    ...o,
  };
  return { ...s, id: id(s), group: s.imds };
}

export function scenarios() {
  const out = [];
  const add = (o) => out.push(scenario(o));
  // Every environment kind with nothing else to fall back on (IMDS silent, no tools).
  for (const env of ENVS) add({ env });
  // Environment kinds that must not hide a working managed identity.
  for (const env of [
    'none',
    'partial-sp',
    'secret-wrong',
    'wi-missing-file',
    'wi-wrong-subject',
    'tenant-malformed',
    'cert-unreadable',
  ])
    add({ env, imds: 'success' });
  // Every AZURE_TOKEN_CREDENTIALS value with managed identity and all developer tools able to answer.
  for (const tokenCredentials of TOKEN_CREDENTIALS) add({ tokenCredentials, imds: 'success', tools: 'all-logged-in' });
  // AZURE_TOKEN_CREDENTIALS with a working environment secret.
  for (const tokenCredentials of [
    'dev',
    'prod',
    'environmentcredential',
    'WorkloadIdentityCredential',
    'managedidentitycredential',
    'AzureCliCredential',
    'bogus',
  ])
    add({ env: 'secret-right', tokenCredentials, imds: 'refused', tools: 'az-logged-in' });
  // Selections whose only member fails while being configured.
  for (const [env, tokenCredentials] of [
    ['wi-missing-file', 'workloadidentitycredential'],
    ['tenant-malformed', 'environmentcredential'],
    ['wi-wrong-subject', 'WorkloadIdentityCredential'],
  ])
    add({ env, tokenCredentials });
  // Authority hosts: plain http, and one instance discovery does not know.
  for (const authority of ['http', 'unknown'])
    for (const env of ['secret-right', 'cert-good', 'wi-good', 'username-password', 'none'])
      add({ env, authority, tools: 'az-logged-in' });
  // Every managed-identity answer, alone, then with az behind it, then selected alone (no probe in newer releases).
  for (const imds of IMDS) add({ imds });
  for (const imds of ['refused', '400', '404', '500', 'html', 'truncated', 'slow'])
    add({ imds, tools: 'az-logged-in' });
  // (Not with a silent IMDS: without the probe the SDK's request has no time limit at all, so it never answers.)
  for (const imds of IMDS.filter((i) => i !== 'silent')) add({ imds, tokenCredentials: 'managedidentitycredential' });
  // Other managed-identity hosts, found from their variables.
  for (const hosting of ['app-service', 'cloud-shell']) {
    add({ imds: 'silent', hosting });
    add({ imds: 'silent', hosting, tokenCredentials: 'ManagedIdentityCredential' });
  }
  // Developer tools, IMDS refusing connections (as on a laptop where nothing listens there).
  for (const tools of Object.keys(TOOLS).filter((t) => t !== 'none' && t !== 'all-logged-in'))
    add({ imds: 'refused', tools });
  add({ imds: 'refused', tools: 'real-az-logged-in', tokenCredentials: 'dev' });
  add({ imds: 'refused', tools: 'real-az-logged-out', tokenCredentials: 'AzureCliCredential' });
  // Tenants: a request for another tenant, with and without additionally allowed tenants.
  for (const allowedTenants of [undefined, '*', 'other'])
    add({ env: 'secret-right', requestTenant: 'other', allowedTenants, tools: 'az-logged-in' });
  // Axes overlap (the first of the every-answer loop is the empty environment again): keep each scenario once.
  const seen = new Set();
  return out.filter((s) => !seen.has(s.id) && seen.add(s.id));
}
