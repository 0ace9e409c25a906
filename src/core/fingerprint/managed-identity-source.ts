/** Which managed-identity source the SDKs would pick here, from the environment alone (no request is made). */
import { isSet, type Env } from './evidence';
import type { ManagedIdentityFacts } from './types';

/** Managed-identity source selection, in msal-node's precedence (facts §3.1). */
export function selectManagedIdentitySource(env: Env, arcAgentInstalled: boolean): ManagedIdentityFacts {
  const ep = env.IDENTITY_ENDPOINT;
  if (isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IDENTITY_HEADER') && isSet(env, 'IDENTITY_SERVER_THUMBPRINT'))
    return {
      source: 'ServiceFabric',
      reason: 'IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set',
      endpoint: ep,
    };
  if (isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IDENTITY_HEADER'))
    return { source: 'AppService', reason: 'IDENTITY_ENDPOINT and IDENTITY_HEADER are set', endpoint: ep };
  if (isSet(env, 'MSI_ENDPOINT') && isSet(env, 'MSI_SECRET'))
    return { source: 'MachineLearning', reason: 'MSI_ENDPOINT and MSI_SECRET are set', endpoint: env.MSI_ENDPOINT };
  if (isSet(env, 'MSI_ENDPOINT'))
    return { source: 'CloudShell', reason: 'MSI_ENDPOINT is set without MSI_SECRET', endpoint: env.MSI_ENDPOINT };
  if (isSet(env, 'IDENTITY_ENDPOINT') && isSet(env, 'IMDS_ENDPOINT'))
    return { source: 'AzureArc', reason: 'IDENTITY_ENDPOINT and IMDS_ENDPOINT are set', endpoint: ep };
  if (arcAgentInstalled)
    return {
      source: 'AzureArc',
      reason: 'the Azure Connected Machine agent (himds) is installed',
      endpoint: 'http://127.0.0.1:40342/metadata/identity/oauth2/token',
    };
  const host = env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  return {
    source: 'Imds',
    reason: 'no managed-identity variables are set: the SDKs fall back to IMDS',
    endpoint: host && host.trim() !== '' ? host : 'http://169.254.169.254/metadata/identity/oauth2/token',
  };
}
