/**
 * Instant verdicts: what each credential of the chain will do here, predicted from the fingerprint and the
 * environment before anything runs — and, after the run, whether the observed outcome agreed.
 */
import type { ChainProfile, Prediction, StepOutcome } from '../model';
import { hasEnvironment, WORKLOAD_IDENTITY_AUDIENCE } from './detect';
import type { Fingerprint, PredictOptions, PredictionComparison, Predictions } from './types';
import { PROFILES, selectCredentials } from '../chain/profiles';

type Env = Readonly<Record<string, string | undefined>>;

/** DefaultAzureCredential membership per SDK (its newest modelled release, on this platform), in chain order. */
export const PROFILE_CHAINS: Record<ChainProfile, string[]> = {
  go: PROFILES.go.order,
  js: PROFILES.js.order,
  python: PROFILES.python.order,
  dotnet: PROFILES.dotnet.order,
};

/** Federated CI credentials: not in DefaultAzureCredential, but predicted so `where` and explicit runs can show them. */
export const CI_CREDENTIALS = ['GitHubActionsCredential', 'AzurePipelinesCredential'];

function isSet(env: Env, name: string): boolean {
  const v = env[name];
  return v !== undefined && v.trim() !== '';
}

/** Reasons quote environment values: one line, no control characters, bounded. */
function clean(reason: string): string {
  const r = reason
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
  return r.length > 1000 ? `${r.slice(0, 1000)}…` : r;
}

const p = (verdict: Prediction['verdict'], reason: string): Prediction => ({ verdict, reason: clean(reason) });

/**
 * Which chain members AZURE_TOKEN_CREDENTIALS keeps, by the chain's own selection rules (src/core/chain/profiles.ts);
 * null when the variable leaves the full chain. `probe` is false when the release skips the managed-identity probe.
 */
export function tokenCredentialsSelection(
  env: Env,
  profile: ChainProfile,
): { value: string; members: string[] | 'invalid'; probe: boolean } | null {
  const raw = env.AZURE_TOKEN_CREDENTIALS;
  if (raw === undefined) return null;
  const sel = selectCredentials(profile, env);
  if (sel.error) return { value: raw, members: 'invalid', probe: true };
  if (sel.selection.source !== 'AZURE_TOKEN_CREDENTIALS') return null;
  return { value: raw, members: sel.selection.credentials, probe: sel.imdsProbe };
}

function secs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function predictEnvironment(fp: Fingerprint, env: Env, profile: ChainProfile): Prediction {
  const T = isSet(env, 'AZURE_TENANT_ID');
  const C = isSet(env, 'AZURE_CLIENT_ID');
  const S = isSet(env, 'AZURE_CLIENT_SECRET');
  const P = isSet(env, 'AZURE_CLIENT_CERTIFICATE_PATH');
  const U = isSet(env, 'AZURE_USERNAME');
  const W = isSet(env, 'AZURE_PASSWORD');
  if (!S && !P && !U && !W) {
    if (T && C && isSet(env, 'AZURE_FEDERATED_TOKEN_FILE'))
      return p(
        'unavailable',
        'only AZURE_TENANT_ID and AZURE_CLIENT_ID are set (the workload-identity variables): EnvironmentCredential needs a secret, certificate or username and is unavailable, as expected',
      );
    if (T && C)
      return p(
        'unavailable',
        'incomplete configuration: only AZURE_TENANT_ID and AZURE_CLIENT_ID are set; add AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH to use a service principal',
      );
    if (T || C)
      return p(
        'unavailable',
        `only ${T ? 'AZURE_TENANT_ID' : 'AZURE_CLIENT_ID'} is set: EnvironmentCredential needs tenant, client and a secret, certificate or username`,
      );
    return p(
      'unavailable',
      'no EnvironmentCredential variables are set (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH / AZURE_USERNAME)',
    );
  }
  const credVar = S
    ? 'AZURE_CLIENT_SECRET'
    : P
      ? 'AZURE_CLIENT_CERTIFICATE_PATH'
      : U
        ? 'AZURE_USERNAME'
        : 'AZURE_PASSWORD';
  const missing = [!T && 'AZURE_TENANT_ID', !C && 'AZURE_CLIENT_ID'].filter(Boolean) as string[];
  if (missing.length)
    return p(
      'misconfigured',
      `partial configuration: ${credVar} is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing — EnvironmentCredential reports itself unavailable and ${credVar} is ignored`,
    );
  if (!/^[0-9a-zA-Z.-]+$/.test(env.AZURE_TENANT_ID!.trim()))
    return p(
      'misconfigured',
      'AZURE_TENANT_ID has characters a tenant id cannot contain (allowed: letters, digits, "-" and ".")',
    );
  const ah = env.AZURE_AUTHORITY_HOST;
  if (ah !== undefined && ah.trim() !== '' && !/^https:\/\//i.test(ah.trim()))
    return p('misconfigured', `AZURE_AUTHORITY_HOST "${ah.slice(0, 80)}" is not https: the SDKs refuse it`);
  if (S)
    return p(
      'should-work',
      'AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are set: a client-secret request goes to Entra (only Entra knows whether the secret is right; a wrong one stops the whole chain)',
    );
  if (P) {
    const path = env.AZURE_CLIENT_CERTIFICATE_PATH!;
    const info = fp.certificate;
    if (info && info.path === path) {
      if (info.state === 'missing')
        return p('misconfigured', `AZURE_CLIENT_CERTIFICATE_PATH points at ${path}, which does not exist`);
      if (info.state === 'unreadable')
        return p('misconfigured', `AZURE_CLIENT_CERTIFICATE_PATH points at ${path}, which cannot be read`);
      if (info.state === 'present' && profile === 'js' && !info.pem)
        return p('misconfigured', `${path} is not PEM: the JavaScript SDK reads only PEM (private key + certificate)`);
      if (info.state === 'present' && info.pem && !info.hasPrivateKey)
        return p(
          'misconfigured',
          `${path} has no PRIVATE KEY block: the certificate alone cannot sign the client assertion`,
        );
    }
    return p(
      'should-work',
      `a client-certificate request goes to Entra (certificate ${path}); Entra checks that this certificate is registered on the app`,
    );
  }
  if (U && !W) return p('misconfigured', 'AZURE_USERNAME is set without AZURE_PASSWORD');
  if (W && !U) return p('misconfigured', 'AZURE_PASSWORD is set without AZURE_USERNAME');
  return p(
    'should-work',
    'username/password (ROPC) is configured: it works only for accounts without MFA or Conditional Access (AADSTS50076 otherwise) and is deprecated',
  );
}

function predictWorkloadIdentity(fp: Fingerprint, env: Env): Prediction {
  const pod = hasEnvironment(fp, 'kubernetes') || hasEnvironment(fp, 'aks');
  const ft = fp.federatedToken;
  if (ft.state === 'not-configured') {
    if (pod && hasEnvironment(fp, 'container-apps') === false)
      return p(
        'unavailable',
        'this pod has no AZURE_FEDERATED_TOKEN_FILE: the workload-identity webhook did not mutate it — label the pod azure.workload.identity/use: "true" and annotate its service account with azure.workload.identity/client-id',
      );
    return p(
      'unavailable',
      'AZURE_FEDERATED_TOKEN_FILE is not set (the AKS workload-identity webhook sets it in pods that use workload identity)',
    );
  }
  const missing = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID'].filter((n) => !isSet(env, n));
  if (missing.length)
    return p(
      'misconfigured',
      `AZURE_FEDERATED_TOKEN_FILE is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: annotate the service account with azure.workload.identity/client-id (and tenant-id)`,
    );
  const ah = env.AZURE_AUTHORITY_HOST;
  if (ah !== undefined && ah.trim() !== '' && !/^https:\/\//i.test(ah.trim()))
    return p('misconfigured', `AZURE_AUTHORITY_HOST "${ah.slice(0, 80)}" is not https: the SDKs refuse it`);
  const path = ft.path!;
  switch (ft.state) {
    case 'missing':
      return p(
        'misconfigured',
        pod
          ? `the pod has the webhook's variables but the token file ${path} is missing: the projected service-account token volume is not mounted`
          : `AZURE_FEDERATED_TOKEN_FILE points at ${path}, which does not exist`,
      );
    case 'empty':
      return p('misconfigured', `the token file ${path} is empty: the SDKs report "No content on the file"`);
    case 'unreadable':
      return p('misconfigured', `the token file ${path} cannot be read${ft.problem ? ` (${ft.problem})` : ''}`);
    case 'too-large':
      return p('misconfigured', `the token file ${path} is ${ft.sizeBytes} bytes: not a service-account token`);
    default:
      break;
  }
  if (ft.problem)
    return p('misconfigured', `the token file ${path} is ${ft.problem}: Entra will reject it as a client assertion`);
  const c = ft.claims ?? {};
  if (ft.expired)
    return p(
      'misconfigured',
      `the projected token in ${path} expired at ${new Date((c.exp ?? 0) * 1000).toISOString()}: kubelet refreshes a mounted token, so a stale copy is being read (Entra answers AADSTS700024)`,
    );
  if (c.aud && !c.aud.some((a) => /^api:\/\/AzureADTokenExchange/i.test(a)))
    return p(
      'misconfigured',
      `the projected token's audience is ${c.aud.join(', ')}, not ${WORKLOAD_IDENTITY_AUDIENCE}: Entra finds no matching federated identity record (AADSTS700211/70021)`,
    );
  return p(
    'should-work',
    `a federated token is mounted (iss ${c.iss ?? '?'}, sub ${c.sub ?? '?'}); it works when app ${env.AZURE_CLIENT_ID} has a federated credential with exactly this issuer and subject`,
  );
}

function predictManagedIdentity(fp: Fingerprint, env: Env, profile: ChainProfile, opts: PredictOptions): Prediction {
  const probe = secs(opts.imdsProbeTimeoutMs ?? 1000);
  const uami = isSet(env, 'AZURE_CLIENT_ID');
  if (profile === 'js' && uami && isSet(env, 'AZURE_TENANT_ID') && isSet(env, 'AZURE_FEDERATED_TOKEN_FILE')) {
    const wi = predictWorkloadIdentity(fp, env);
    return p(
      wi.verdict,
      `the JavaScript ManagedIdentityCredential uses the workload-identity token exchange here (AZURE_CLIENT_ID + AZURE_TENANT_ID + AZURE_FEDERATED_TOKEN_FILE): ${wi.reason}`,
    );
  }
  const mi = fp.managedIdentity;
  const uamiNote = uami
    ? " AZURE_CLIENT_ID is used as the user-assigned identity's client id: that identity must be assigned here (or unset it for the system-assigned one)."
    : '';
  switch (mi.source) {
    case 'ServiceFabric':
      if (uami)
        return p(
          'misconfigured',
          'Service Fabric managed identity: a user-assigned identity cannot be chosen at runtime, but AZURE_CLIENT_ID asks for one',
        );
      return p('should-work', `Service Fabric managed identity (${mi.reason})`);
    case 'AppService': {
      const where = hasEnvironment(fp, 'container-apps')
        ? 'Container Apps'
        : hasEnvironment(fp, 'azure-functions')
          ? 'Functions'
          : 'App Service';
      return p('should-work', `${where} managed-identity endpoint is configured (${mi.reason}).${uamiNote}`);
    }
    case 'MachineLearning':
      return p('should-work', `Azure ML managed identity (${mi.reason})`);
    case 'CloudShell':
      if (uami)
        return p(
          'misconfigured',
          "Cloud Shell managed identity supports only the signed-in user's identity, but AZURE_CLIENT_ID asks for a user-assigned one",
        );
      return p('should-work', "Cloud Shell: MSI_ENDPOINT answers with the signed-in user's token");
    case 'AzureArc': {
      if (fp.platform !== 'linux' && fp.platform !== 'win32')
        return p(
          'misconfigured',
          `Azure Arc managed identity is supported on Linux and Windows only (this is ${fp.platform})`,
        );
      return p(
        'should-work',
        `Azure Arc (${mi.reason}): the process must be allowed to read the agent's key file (root, or the himds group on Linux; administrators on Windows)`,
      );
    }
    default:
      break;
  }
  // IMDS.
  if (opts.imdsEndpoint && !/^https?:\/\/169\.254\.169\.254(?::80)?\/?$/.test(opts.imdsEndpoint.trim()))
    return p(
      'unknown',
      `the IMDS endpoint is overridden (${opts.imdsEndpoint.slice(0, 100)}): that endpoint, not the hosting environment, decides`,
    );
  if (isSet(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST'))
    return p(
      'unknown',
      'AZURE_POD_IDENTITY_AUTHORITY_HOST redirects IMDS (AAD pod identity): no probe, the endpoint decides',
    );
  if (hasEnvironment(fp, 'container-apps'))
    return p(
      'unavailable',
      'Container Apps without IDENTITY_ENDPOINT / IDENTITY_HEADER: managed identity is not enabled for this app, and IMDS is not reachable here',
    );
  if (hasEnvironment(fp, 'app-service') || hasEnvironment(fp, 'azure-functions', 'medium')) {
    if (isSet(env, 'IDENTITY_ENDPOINT') && !isSet(env, 'IDENTITY_HEADER'))
      return p(
        'unavailable',
        'App Service without IDENTITY_HEADER: managed identity is not enabled for this app (IDENTITY_ENDPOINT alone selects nothing)',
      );
    return p(
      'unavailable',
      'App Service without IDENTITY_HEADER: managed identity is not enabled for this app (turn on Identity → System assigned, or assign a user-assigned identity)',
    );
  }
  if (hasEnvironment(fp, 'cloud-shell'))
    return p('unavailable', "Cloud Shell without MSI_ENDPOINT: the shell's token endpoint is not configured");
  if (hasEnvironment(fp, 'service-fabric'))
    return p(
      'unavailable',
      'Service Fabric without IDENTITY_ENDPOINT / IDENTITY_HEADER / IDENTITY_SERVER_THUMBPRINT: the application has no managed identity',
    );
  if (hasEnvironment(fp, 'codespaces'))
    return p(
      'unavailable',
      'a Codespace runs on an Azure VM but gives you no managed identity: IMDS does not issue tokens for you here',
    );
  if (hasEnvironment(fp, 'github-actions') && /github-hosted/i.test(env.RUNNER_ENVIRONMENT ?? ''))
    return p(
      'unavailable',
      'GitHub-hosted runners are Azure VMs without an identity for your job: use OIDC federation (GitHubActionsCredential / azure/login) instead',
    );
  if (hasEnvironment(fp, 'docker-desktop', 'medium'))
    return p(
      'unavailable',
      'Docker Desktop answers 169.254.169.254 with 403 "unreachable": the IMDS probe fails fast and the credential is unavailable',
    );
  if (hasEnvironment(fp, 'container-instances'))
    return p(
      'unknown',
      'Container Instances: IMDS answers (the probe gets 400); a token comes back only if the container group has a managed identity',
    );
  if (hasEnvironment(fp, 'azure-pipelines') && hasEnvironment(fp, 'azure-vm'))
    return p(
      'unknown',
      'an Azure Pipelines agent on an Azure VM: Microsoft-hosted agents have no identity for your job; a self-hosted agent on a VM with an identity works',
    );
  if (hasEnvironment(fp, 'aks', 'medium') || (hasEnvironment(fp, 'kubernetes') && hasEnvironment(fp, 'azure-vm')))
    return p(
      'should-work',
      `a pod on an Azure VM node: IMDS answers with the node's (kubelet) identity unless network policy blocks 169.254.169.254 — prefer workload identity.${uamiNote}`,
    );
  if (hasEnvironment(fp, 'azure-vm', 'medium'))
    return p(
      'should-work',
      `Azure VM: IMDS is reachable; it issues a token when a managed identity is assigned to this VM (400 "Identity not found" otherwise).${uamiNote}`,
    );
  if (hasEnvironment(fp, 'azure-vm')) return p('unknown', 'probably an Azure VM (weak evidence): IMDS may answer');
  if (hasEnvironment(fp, 'kubernetes'))
    return p('unknown', 'a Kubernetes pod on a node that is not recognisably an Azure VM: IMDS may not exist');
  const sel = tokenCredentialsSelection(env, profile);
  if (
    sel &&
    Array.isArray(sel.members) &&
    sel.members.length === 1 &&
    sel.members[0] === 'ManagedIdentityCredential' &&
    !sel.probe
  )
    return p(
      'unavailable',
      'not an Azure VM and no managed-identity variables; with AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential there is no probe, so the request is retried before it gives up (slow)',
    );
  return p(
    'unavailable',
    `not an Azure VM and no managed-identity variables: the IMDS probe will time out after ${probe} — set AZURE_TOKEN_CREDENTIALS=dev to skip it`,
  );
}

function pathNote(fp: Fingerprint): string {
  const n = fp.tools.searchedPath.length;
  return n === 0 ? 'PATH is empty' : `${n} PATH entr${n === 1 ? 'y' : 'ies'} searched`;
}

function predictAzureCli(fp: Fingerprint): Prediction {
  const t = fp.tools;
  if (!t.az)
    return p(
      'unavailable',
      `az is not on the PATH this process sees (${pathNote(fp)}); an editor started from the desktop often has a shorter PATH than your terminal`,
    );
  switch (t.azLogin) {
    case 'no-profile':
      return p(
        'unavailable',
        `az is installed (${t.az}) but has never been logged in here (no azureProfile.json in ${t.azConfigDir ?? '~/.azure'}): run az login`,
      );
    case 'no-subscriptions':
      return p(
        'unavailable',
        `az is installed (${t.az}) but logged out (azureProfile.json lists no accounts): run az login`,
      );
    case 'unreadable':
      return p('unknown', `az is installed (${t.az}); its azureProfile.json could not be read`);
    case 'unknown':
      return p(
        'unknown',
        `az is installed (${t.az}); HOME and AZURE_CONFIG_DIR are not set, so where it keeps its login is unknown`,
      );
    default:
      return p(
        'should-work',
        `az is installed (${t.az}) and logged in (azureProfile.json lists accounts); an expired login or MFA requirement shows only when it runs`,
      );
  }
}

function predictAzd(fp: Fingerprint, env: Env): Prediction {
  const t = fp.tools;
  if (!t.azd) return p('unavailable', `azd is not on the PATH this process sees (${pathNote(fp)})`);
  const dbg = isSet(env, 'AZD_DEBUG') ? " AZD_DEBUG is set: older SDKs hang waiting for azd's debugger prompt." : '';
  if (!t.azdConfigDir)
    return p(
      'unknown',
      `azd is installed (${t.azd}); HOME and AZD_CONFIG_DIR are not set, so its login state is unknown.${dbg}`,
    );
  if (!t.azdConfigExists)
    return p(
      'unavailable',
      `azd is installed (${t.azd}) but has not been logged in here (no ${t.azdConfigDir ?? '~/.azd'}/auth): run azd auth login.${dbg}`,
    );
  return p('should-work', `azd is installed (${t.azd}) and has login state in ${t.azdConfigDir}.${dbg}`);
}

function predictPowerShell(fp: Fingerprint): Prediction {
  const t = fp.tools;
  if (!t.pwsh) return p('unavailable', `PowerShell (pwsh) is not on the PATH this process sees (${pathNote(fp)})`);
  if (!t.pwshContextExists)
    return p(
      'unavailable',
      `PowerShell is installed (${t.pwsh}) but no Azure context is saved (no ~/.Azure/AzureRmContext.json): run Connect-AzAccount`,
    );
  return p(
    'should-work',
    `PowerShell is installed (${t.pwsh}) with a saved Azure context (needs the Az.Accounts module ≥ 2.2.0)`,
  );
}

function predictGitHubActions(fp: Fingerprint, env: Env): Prediction {
  if (!hasEnvironment(fp, 'github-actions'))
    return p('unavailable', 'not a GitHub Actions job (GITHUB_ACTIONS is not "true")');
  if (!isSet(env, 'ACTIONS_ID_TOKEN_REQUEST_URL') || !isSet(env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'))
    return p(
      'misconfigured',
      "a GitHub Actions job without ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN: add `permissions: id-token: write` to the workflow or job (forks' pull requests never get it)",
    );
  const missing = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID'].filter((n) => !isSet(env, n));
  if (missing.length)
    return p(
      'misconfigured',
      `the job can request an OIDC token but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
    );
  const repo = env.GITHUB_REPOSITORY ? ` (subject starts repo:${env.GITHUB_REPOSITORY}:…)` : '';
  return p(
    'should-work',
    `the runner can issue an OIDC token${repo}; it works when app ${env.AZURE_CLIENT_ID} has a federated credential for issuer https://token.actions.githubusercontent.com and this job's subject`,
  );
}

function predictAzurePipelines(fp: Fingerprint, env: Env): Prediction {
  if (!hasEnvironment(fp, 'azure-pipelines'))
    return p('unavailable', 'not an Azure Pipelines job (TF_BUILD is not "True")');
  if (!isSet(env, 'SYSTEM_OIDCREQUESTURI'))
    return p(
      'misconfigured',
      'an Azure Pipelines job without SYSTEM_OIDCREQUESTURI: the agent is too old to issue OIDC tokens',
    );
  const missing: string[] = [];
  if (!isSet(env, 'SYSTEM_ACCESSTOKEN'))
    missing.push('SYSTEM_ACCESSTOKEN (map it: env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))');
  if (!isSet(env, 'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID'))
    missing.push('AZURESUBSCRIPTION_SERVICE_CONNECTION_ID (the service connection id; AzureCLI@2 sets it)');
  if (!isSet(env, 'AZURESUBSCRIPTION_CLIENT_ID') && !isSet(env, 'AZURE_CLIENT_ID'))
    missing.push('AZURESUBSCRIPTION_CLIENT_ID or AZURE_CLIENT_ID');
  if (!isSet(env, 'AZURESUBSCRIPTION_TENANT_ID') && !isSet(env, 'AZURE_TENANT_ID'))
    missing.push('AZURESUBSCRIPTION_TENANT_ID or AZURE_TENANT_ID');
  if (missing.length) return p('misconfigured', `missing: ${missing.join('; ')}`);
  return p(
    'should-work',
    'the agent can issue an OIDC token for the service connection; it works when the app has a federated credential for its issuer (https://vstoken.dev.azure.com/<org id>) and subject (sc://<org>/<project>/<connection>)',
  );
}

/**
 * Predicts every credential of the profile's DefaultAzureCredential chain plus the federated CI credentials.
 * Pure: reads only the fingerprint and the environment.
 */
export function predictCredentials(
  fp: Fingerprint,
  env: Env,
  profile: ChainProfile = 'go',
  opts: PredictOptions = {},
): Predictions {
  const out: Predictions = {};
  const sel = tokenCredentialsSelection(env, profile);
  const names = [...PROFILE_CHAINS[profile], ...CI_CREDENTIALS];
  for (const name of names) {
    if (sel && !CI_CREDENTIALS.includes(name)) {
      if (sel.members === 'invalid') {
        out[name] = p(
          'misconfigured',
          `AZURE_TOKEN_CREDENTIALS="${sel.value.slice(0, 60)}" is not a valid value for the ${profile} SDK: DefaultAzureCredential refuses to start`,
        );
        continue;
      }
      if (!sel.members.includes(name)) {
        out[name] = p(
          'unavailable',
          `not in the chain: AZURE_TOKEN_CREDENTIALS=${sel.value.slice(0, 60)} selects ${sel.members.join(', ')}`,
        );
        continue;
      }
    }
    out[name] = predictOne(name, fp, env, profile, opts);
  }
  return out;
}

/** The prediction for one credential, ignoring chain membership (explicit runs). */
export function predictOne(
  name: string,
  fp: Fingerprint,
  env: Env,
  profile: ChainProfile = 'go',
  opts: PredictOptions = {},
): Prediction {
  switch (name) {
    case 'EnvironmentCredential':
      return predictEnvironment(fp, env, profile);
    case 'WorkloadIdentityCredential':
      return predictWorkloadIdentity(fp, env);
    case 'ManagedIdentityCredential':
      return predictManagedIdentity(fp, env, profile, opts);
    case 'AzureCLICredential':
      return predictAzureCli(fp);
    case 'AzureDeveloperCLICredential':
      return predictAzd(fp, env);
    case 'AzurePowerShellCredential':
      return predictPowerShell(fp);
    case 'VisualStudioCodeCredential':
      return fp.tools.vscodeAuthRecordExists
        ? p(
            'unknown',
            'the Azure Resources auth record exists; the credential also needs the @azure/identity-vscode plugin and the broker',
          )
        : p(
            'unavailable',
            'no Azure Resources auth record (~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json): sign in with the Azure Resources extension',
          );
    case 'VisualStudioCredential':
      return fp.platform === 'win32'
        ? p('unknown', "Visual Studio's token provider is not inspected")
        : p('unavailable', 'Visual Studio credential works only on Windows');
    case 'SharedTokenCacheCredential':
      return fp.platform === 'win32'
        ? p('unknown', 'the shared MSAL token cache is not inspected')
        : p('unavailable', 'the shared token cache credential is in the chain only on Windows');
    case 'GitHubActionsCredential':
      return predictGitHubActions(fp, env);
    case 'AzurePipelinesCredential':
      return predictAzurePipelines(fp, env);
    default:
      return p('unknown', 'the fingerprint makes no prediction for this credential');
  }
}

const HINTS: Record<string, Partial<Record<Prediction['verdict'], string>>> = {
  ManagedIdentityCredential: {
    'should-work':
      'the endpoint answered without a token: most often no identity (or not the requested user-assigned one) is assigned here',
    unavailable:
      'an identity endpoint answered where the fingerprint saw none: a network route to 169.254.169.254 exists (proxy, VPN, sandbox override or an unrecognised Azure host)',
  },
  AzureCLICredential: {
    'should-work':
      'az is logged in on disk, but the login expired, needs MFA, or is for another tenant: run az login again',
    unavailable:
      'az found a login the fingerprint did not see: the az on PATH uses another configuration directory (AZURE_CONFIG_DIR) or is a wrapper',
  },
  AzureDeveloperCLICredential: {
    'should-work': 'azd has login state on disk, but it expired or belongs to another tenant: run azd auth login',
    unavailable: 'azd found a login the fingerprint did not see (another AZD_CONFIG_DIR, or azd delegating to az)',
  },
  WorkloadIdentityCredential: {
    'should-work':
      "Entra rejected the assertion: compare the federated credential's issuer, subject and audience with the token's claims",
  },
  EnvironmentCredential: {
    'should-work':
      "Entra rejected the service principal's credential (wrong or expired secret, certificate not uploaded, wrong tenant)",
  },
};

/** Compares a prediction with the observed outcome of the step. */
export function comparePrediction(
  prediction: Prediction,
  outcome: StepOutcome,
  observed?: { credential?: string; message?: string },
): PredictionComparison {
  const msg = observed?.message ? ` (${observed.message.slice(0, 300)})` : '';
  const v = prediction.verdict;
  if (v === 'unknown') return { agrees: true, explanation: `no firm prediction was made; observed ${outcome}${msg}` };
  const agrees =
    v === 'should-work'
      ? outcome === 'success'
      : v === 'unavailable'
        ? outcome === 'unavailable' || outcome === 'skipped'
        : outcome === 'failed' || outcome === 'unavailable' || outcome === 'skipped';
  if (agrees) return { agrees, explanation: `as predicted (${v}); observed ${outcome}` };
  const hint = observed?.credential ? HINTS[observed.credential]?.[v] : undefined;
  const expected =
    v === 'should-work' ? 'to work' : v === 'unavailable' ? 'to be unavailable' : 'to fail on its configuration';
  return {
    agrees,
    explanation: `expected ${expected}, but it ended ${outcome}${msg}.${hint ? ` Likely cause: ${hint}.` : " The local facts do not tell the whole story here — look at the step's trace."}`,
  };
}

/** Returns the prediction with `agrees` set (and the disagreement explained in the reason). */
export function settlePrediction(
  prediction: Prediction,
  outcome: StepOutcome,
  observed?: { credential?: string; message?: string },
): Prediction {
  const c = comparePrediction(prediction, outcome, observed);
  return {
    verdict: prediction.verdict,
    reason: c.agrees ? prediction.reason : `${prediction.reason} — DISAGREES: ${c.explanation}`,
    agrees: c.agrees,
  };
}
