/**
 * Azure's hosting services, known by the variables each sets in the processes it runs: App Service and Functions,
 * Container Apps, Cloud Shell, Machine Learning, Service Fabric; Container Instances by its host names.
 */
import { clip, envEvidence, isSet, type Env } from '../evidence';
import type { DetectContext } from './context';

const hasFunctionsRuntime = (env: Env) =>
  isSet(env, 'FUNCTIONS_WORKER_RUNTIME') || isSet(env, 'FUNCTIONS_EXTENSION_VERSION');

/** App Service or Functions on it; Functions variables without WEBSITE_SITE_NAME are most likely `func start`. */
export function appService({ env, found }: DetectContext): void {
  if (isSet(env, 'WEBSITE_SITE_NAME')) {
    const strong =
      isSet(env, 'WEBSITE_INSTANCE_ID') ||
      isSet(env, 'WEBSITE_HOSTNAME') ||
      isSet(env, 'WEBSITE_RESOURCE_GROUP') ||
      isSet(env, 'WEBSITE_OWNER_NAME');
    const ev = envEvidence(env, [
      'WEBSITE_SITE_NAME',
      'WEBSITE_INSTANCE_ID',
      'WEBSITE_HOSTNAME',
      'WEBSITE_RESOURCE_GROUP',
      'WEBSITE_SKU',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'MSI_ENDPOINT',
    ]);
    if (hasFunctionsRuntime(env)) {
      found.add('azure-functions', strong ? 'high' : 'medium', [
        ...ev,
        ...envEvidence(env, ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION']),
      ]);
    } else found.add('app-service', strong ? 'high' : 'medium', ev);
  } else if (hasFunctionsRuntime(env) && !isSet(env, 'CONTAINER_APP_NAME')) {
    found.add('azure-functions', 'low', [
      ...envEvidence(env, ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'AZURE_FUNCTIONS_ENVIRONMENT']),
      {
        kind: 'fact',
        name: 'WEBSITE_SITE_NAME',
        detail: 'not set: probably the local Functions host (func start), not Azure',
      },
    ]);
  }
}

/** Container Apps run on Kubernetes: their KUBERNETES_* variables are not an AKS pod of yours, so those findings go. */
export function containerApps({ env, found }: DetectContext): void {
  if (!(isSet(env, 'CONTAINER_APP_NAME') || isSet(env, 'CONTAINER_APP_JOB_NAME'))) return;
  found.add(
    'container-apps',
    'high',
    envEvidence(env, [
      'CONTAINER_APP_NAME',
      'CONTAINER_APP_JOB_NAME',
      'CONTAINER_APP_REVISION',
      'CONTAINER_APP_REPLICA_NAME',
      'CONTAINER_APP_ENV_DNS_SUFFIX',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
    ]),
  );
  if (isSet(env, 'FUNCTIONS_WORKER_RUNTIME'))
    found.add('azure-functions', 'medium', envEvidence(env, ['FUNCTIONS_WORKER_RUNTIME']));
  found.remove('kubernetes');
  found.remove('aks');
}

/** Container Instances names its hosts "SandboxHost-<digits>". */
export function containerInstances({ env, platform, fsx, found }: DetectContext): void {
  const hostname = env.HOSTNAME ?? (platform === 'linux' ? fsx.readLine('/etc/hostname') : null) ?? '';
  if (!/^sandboxhost-?\d+$/i.test(hostname.trim())) return;
  found.add('container-instances', 'medium', [
    {
      kind: env.HOSTNAME ? 'env' : 'file',
      name: env.HOSTNAME ? 'HOSTNAME' : '/etc/hostname',
      detail: `${clip(hostname, 60)} (Container Instances names hosts SandboxHost-<n>)`,
    },
  ]);
}

export function cloudShell({ env, found }: DetectContext): void {
  const cloudShellHost = /cloud-shell/i.test(env.AZUREPS_HOST_ENVIRONMENT ?? '');
  if (!(cloudShellHost || isSet(env, 'ACC_CLOUD') || isSet(env, 'ACC_TERM_ID'))) return;
  const strong = cloudShellHost && isSet(env, 'MSI_ENDPOINT');
  found.add(
    'cloud-shell',
    strong || (cloudShellHost && isSet(env, 'ACC_CLOUD')) ? 'high' : 'medium',
    envEvidence(env, ['AZUREPS_HOST_ENVIRONMENT', 'ACC_CLOUD', 'ACC_TERM_ID', 'MSI_ENDPOINT']),
  );
}

/** The first few variables with a prefix, sorted (Azure ML and Service Fabric set dozens). */
function prefixed(env: Env, prefix: string, most: number): string[] {
  return Object.keys(env)
    .filter((k) => k.startsWith(prefix))
    .sort()
    .slice(0, most);
}

export function azureMl({ env, found }: DetectContext): void {
  const amlVars = prefixed(env, 'AZUREML_', 5);
  const msiPair = isSet(env, 'MSI_ENDPOINT') && isSet(env, 'MSI_SECRET');
  if (!(amlVars.length > 0 || msiPair)) return;
  found.add(
    'azure-ml',
    amlVars.length > 0 && msiPair ? 'high' : 'medium',
    envEvidence(env, [...amlVars, 'MSI_ENDPOINT', 'MSI_SECRET', 'DEFAULT_IDENTITY_CLIENT_ID']),
  );
}

export function serviceFabric({ env, found }: DetectContext): void {
  const fabricVars = prefixed(env, 'Fabric_', 4);
  if (!(isSet(env, 'IDENTITY_SERVER_THUMBPRINT') || fabricVars.length > 0)) return;
  found.add(
    'service-fabric',
    isSet(env, 'IDENTITY_SERVER_THUMBPRINT') && fabricVars.length > 0 ? 'high' : 'medium',
    envEvidence(env, ['IDENTITY_SERVER_THUMBPRINT', ...fabricVars, 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER']),
  );
}
