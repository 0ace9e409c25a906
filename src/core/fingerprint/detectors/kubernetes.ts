/**
 * Kubernetes pods (a mounted service-account token, KUBERNETES_SERVICE_HOST) and which of them are AKS: an API server
 * under azmk8s.io, a pod on an Azure VM node, or the variables the workload-identity webhook injects.
 */
import { clip, describeVariable, envEvidence, isSet } from '../evidence';
import type { DetectContext } from './context';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function kubernetes({ env, fsx, found }: DetectContext): void {
  const saToken = fsx.info(`${SERVICE_ACCOUNT_DIR}/token`);
  const saNamespace = fsx.readLine(`${SERVICE_ACCOUNT_DIR}/namespace`);
  const k8sHost = env.KUBERNETES_SERVICE_HOST;
  if (!(saToken.exists || isSet(env, 'KUBERNETES_SERVICE_HOST'))) return;
  const ev = envEvidence(env, ['KUBERNETES_SERVICE_HOST']);
  if (saToken.exists)
    ev.push({
      kind: 'file',
      name: `${SERVICE_ACCOUNT_DIR}/token`,
      detail: `service-account token mounted${saNamespace ? ` (namespace ${clip(saNamespace, 63)})` : ''}`,
    });
  found.add('kubernetes', saToken.exists && isSet(env, 'KUBERNETES_SERVICE_HOST') ? 'high' : 'medium', ev);
  const aksHost = k8sHost !== undefined && /\.azmk8s\.io\.?$/i.test(k8sHost.trim());
  if (aksHost)
    found.add('aks', 'high', [
      {
        kind: 'env',
        name: 'KUBERNETES_SERVICE_HOST',
        detail: `${describeVariable('KUBERNETES_SERVICE_HOST', k8sHost!)} (an AKS API server name)`,
      },
    ]);
  else if (found.has('azure-vm'))
    found.add('aks', 'medium', [{ kind: 'fact', name: 'node', detail: 'a Kubernetes pod on an Azure VM node' }]);
}

export function workloadIdentity({ env, found }: DetectContext): void {
  const wiVars = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST'];
  const wiSet = wiVars.filter((n) => isSet(env, n));
  if (
    isSet(env, 'AZURE_FEDERATED_TOKEN_FILE') &&
    isSet(env, 'AZURE_AUTHORITY_HOST') &&
    (found.has('kubernetes') || /\/var\/run\/secrets\/azure\/tokens\//.test(env.AZURE_FEDERATED_TOKEN_FILE!))
  ) {
    found.add('aks', found.has('kubernetes') ? 'high' : 'medium', [
      ...envEvidence(env, wiSet),
      { kind: 'fact', name: 'workload identity', detail: 'the azure-workload-identity webhook injected its variables' },
    ]);
  }
}
