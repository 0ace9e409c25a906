/** The federated CI credentials: whether this job's runner can issue an OIDC token and the app is named. */
import type { Prediction } from '../../model';
import { hasEnvironment } from '../detect';
import { isSet, type Env } from '../evidence';
import type { Fingerprint } from '../types';
import { namesAre, p, unset } from './verdict';

export function predictGitHubActions(fp: Fingerprint, env: Env): Prediction {
  if (!hasEnvironment(fp, 'github-actions'))
    return p('unavailable', 'not a GitHub Actions job (GITHUB_ACTIONS is not "true")');
  if (!isSet(env, 'ACTIONS_ID_TOKEN_REQUEST_URL') || !isSet(env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'))
    return p(
      'misconfigured',
      "a GitHub Actions job without ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN: add `permissions: id-token: write` to the workflow or job (forks' pull requests never get it)",
    );
  const missing = unset(env, ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID']);
  if (missing.length) return p('misconfigured', `the job can request an OIDC token but ${namesAre(missing)} not set`);
  const repo = env.GITHUB_REPOSITORY ? ` (subject starts repo:${env.GITHUB_REPOSITORY}:…)` : '';
  return p(
    'should-work',
    `the runner can issue an OIDC token${repo}; it works when app ${env.AZURE_CLIENT_ID} has a federated credential for issuer https://token.actions.githubusercontent.com and this job's subject`,
  );
}

export function predictAzurePipelines(fp: Fingerprint, env: Env): Prediction {
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
