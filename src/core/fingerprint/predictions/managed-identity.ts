/**
 * ManagedIdentityCredential: the source the SDKs select from the environment (App Service, Service Fabric, Azure ML,
 * Cloud Shell, Arc), else IMDS — and what IMDS does on the host the fingerprint recognised, as a table of hosts.
 */
import type { ChainProfile, Prediction } from '../../model';
import { hasEnvironment } from '../detect';
import { isSet, type Env } from '../evidence';
import type { Fingerprint, PredictOptions } from '../types';
import { tokenCredentialsSelection } from './selection';
import { p, secs } from './verdict';
import { predictWorkloadIdentity } from './service-principal';

interface MiContext {
  fp: Fingerprint;
  env: Env;
  profile: ChainProfile;
  opts: PredictOptions;
  /** Appended where a user-assigned identity (AZURE_CLIENT_ID) must be assigned to this host. */
  uamiNote: string;
}

/** A source selected by its variables (or the Arc agent); undefined for IMDS. */
function predictSource({ fp, env, uamiNote }: MiContext): Prediction | undefined {
  const mi = fp.managedIdentity;
  const uami = isSet(env, 'AZURE_CLIENT_ID');
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
    case 'AzureArc':
      if (fp.platform !== 'linux' && fp.platform !== 'win32')
        return p(
          'misconfigured',
          `Azure Arc managed identity is supported on Linux and Windows only (this is ${fp.platform})`,
        );
      return p(
        'should-work',
        `Azure Arc (${mi.reason}): the process must be allowed to read the agent's key file (root, or the himds group on Linux; administrators on Windows)`,
      );
    default:
      return undefined;
  }
}

interface ImdsRule {
  when(c: MiContext): boolean;
  verdict: Prediction['verdict'];
  reason: string | ((c: MiContext) => string);
}

const appServiceHost = ({ fp }: MiContext) =>
  hasEnvironment(fp, 'app-service') || hasEnvironment(fp, 'azure-functions', 'medium');

/** What IMDS does here, first match wins: overrides, then hosts without an identity for you, then Azure VMs. */
const IMDS_RULES: ImdsRule[] = [
  {
    when: ({ opts }) =>
      !!opts.imdsEndpoint && !/^https?:\/\/169\.254\.169\.254(?::80)?\/?$/.test(opts.imdsEndpoint.trim()),
    verdict: 'unknown',
    reason: ({ opts }) =>
      `the IMDS endpoint is overridden (${opts.imdsEndpoint!.slice(0, 100)}): that endpoint, not the hosting environment, decides`,
  },
  {
    when: ({ env }) => isSet(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST'),
    verdict: 'unknown',
    reason: 'AZURE_POD_IDENTITY_AUTHORITY_HOST redirects IMDS (AAD pod identity): no probe, the endpoint decides',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'container-apps'),
    verdict: 'unavailable',
    reason:
      'Container Apps without IDENTITY_ENDPOINT / IDENTITY_HEADER: managed identity is not enabled for this app, and IMDS is not reachable here',
  },
  {
    when: (c) => appServiceHost(c) && isSet(c.env, 'IDENTITY_ENDPOINT') && !isSet(c.env, 'IDENTITY_HEADER'),
    verdict: 'unavailable',
    reason:
      'App Service without IDENTITY_HEADER: managed identity is not enabled for this app (IDENTITY_ENDPOINT alone selects nothing)',
  },
  {
    when: appServiceHost,
    verdict: 'unavailable',
    reason:
      'App Service without IDENTITY_HEADER: managed identity is not enabled for this app (turn on Identity → System assigned, or assign a user-assigned identity)',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'cloud-shell'),
    verdict: 'unavailable',
    reason: "Cloud Shell without MSI_ENDPOINT: the shell's token endpoint is not configured",
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'service-fabric'),
    verdict: 'unavailable',
    reason:
      'Service Fabric without IDENTITY_ENDPOINT / IDENTITY_HEADER / IDENTITY_SERVER_THUMBPRINT: the application has no managed identity',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'codespaces'),
    verdict: 'unavailable',
    reason:
      'a Codespace runs on an Azure VM but gives you no managed identity: IMDS does not issue tokens for you here',
  },
  {
    when: ({ fp, env }) => hasEnvironment(fp, 'github-actions') && /github-hosted/i.test(env.RUNNER_ENVIRONMENT ?? ''),
    verdict: 'unavailable',
    reason:
      'GitHub-hosted runners are Azure VMs without an identity for your job: use OIDC federation (GitHubActionsCredential / azure/login) instead',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'docker-desktop', 'medium'),
    verdict: 'unavailable',
    reason:
      'Docker Desktop answers 169.254.169.254 with 403 "unreachable": the IMDS probe fails fast and the credential is unavailable',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'container-instances'),
    verdict: 'unknown',
    reason:
      'Container Instances: IMDS answers (the probe gets 400); a token comes back only if the container group has a managed identity',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'azure-pipelines') && hasEnvironment(fp, 'azure-vm'),
    verdict: 'unknown',
    reason:
      'an Azure Pipelines agent on an Azure VM: Microsoft-hosted agents have no identity for your job; a self-hosted agent on a VM with an identity works',
  },
  {
    when: ({ fp }) =>
      hasEnvironment(fp, 'aks', 'medium') || (hasEnvironment(fp, 'kubernetes') && hasEnvironment(fp, 'azure-vm')),
    verdict: 'should-work',
    reason: ({ uamiNote }) =>
      `a pod on an Azure VM node: IMDS answers with the node's (kubelet) identity unless network policy blocks 169.254.169.254 — prefer workload identity.${uamiNote}`,
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'azure-vm', 'medium'),
    verdict: 'should-work',
    reason: ({ uamiNote }) =>
      `Azure VM: IMDS is reachable; it issues a token when a managed identity is assigned to this VM (400 "Identity not found" otherwise).${uamiNote}`,
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'azure-vm'),
    verdict: 'unknown',
    reason: 'probably an Azure VM (weak evidence): IMDS may answer',
  },
  {
    when: ({ fp }) => hasEnvironment(fp, 'kubernetes'),
    verdict: 'unknown',
    reason: 'a Kubernetes pod on a node that is not recognisably an Azure VM: IMDS may not exist',
  },
];

/** No Azure host recognised: the probe times out, or (selected alone, without a probe) the retries take long. */
function noImds({ env, profile, opts }: MiContext): Prediction {
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
    `not an Azure VM and no managed-identity variables: the IMDS probe will time out after ${secs(opts.imdsProbeTimeoutMs ?? 1000)} — set AZURE_TOKEN_CREDENTIALS=dev to skip it`,
  );
}

export function predictManagedIdentity(
  fp: Fingerprint,
  env: Env,
  profile: ChainProfile,
  opts: PredictOptions,
): Prediction {
  const uami = isSet(env, 'AZURE_CLIENT_ID');
  if (profile === 'js' && uami && isSet(env, 'AZURE_TENANT_ID') && isSet(env, 'AZURE_FEDERATED_TOKEN_FILE')) {
    const wi = predictWorkloadIdentity(fp, env);
    return p(
      wi.verdict,
      `the JavaScript ManagedIdentityCredential uses the workload-identity token exchange here (AZURE_CLIENT_ID + AZURE_TENANT_ID + AZURE_FEDERATED_TOKEN_FILE): ${wi.reason}`,
    );
  }
  const c: MiContext = {
    fp,
    env,
    profile,
    opts,
    uamiNote: uami
      ? " AZURE_CLIENT_ID is used as the user-assigned identity's client id: that identity must be assigned here (or unset it for the system-assigned one)."
      : '',
  };
  const fromSource = predictSource(c);
  if (fromSource) return fromSource;
  const rule = IMDS_RULES.find((r) => r.when(c));
  if (!rule) return noImds(c);
  return p(rule.verdict, typeof rule.reason === 'string' ? rule.reason : rule.reason(c));
}
