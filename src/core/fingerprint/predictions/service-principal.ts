/**
 * The credentials configured by variables alone: EnvironmentCredential (secret, certificate or username/password)
 * and WorkloadIdentityCredential (a projected federated token). Only Entra knows whether the secret is right; these
 * verdicts say whether the configuration is complete and the files it names are usable.
 */
import type { ChainProfile, Prediction } from '../../model';
import { hasEnvironment } from '../detect';
import { WORKLOAD_IDENTITY_AUDIENCE } from '../credential-files';
import { isSet, type Env } from '../evidence';
import type { FederatedTokenFacts, Fingerprint } from '../types';
import { authorityHostProblem, namesAre, p, unset } from './verdict';

/** No secret, certificate or user: what the tenant and client id alone (or nothing) mean here. */
function noServicePrincipal(env: Env, tenant: boolean, client: boolean): Prediction {
  if (tenant && client && isSet(env, 'AZURE_FEDERATED_TOKEN_FILE'))
    return p(
      'unavailable',
      'only AZURE_TENANT_ID and AZURE_CLIENT_ID are set (the workload-identity variables): EnvironmentCredential needs a secret, certificate or username and is unavailable, as expected',
    );
  if (tenant && client)
    return p(
      'unavailable',
      'incomplete configuration: only AZURE_TENANT_ID and AZURE_CLIENT_ID are set; add AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH to use a service principal',
    );
  if (tenant || client)
    return p(
      'unavailable',
      `only ${tenant ? 'AZURE_TENANT_ID' : 'AZURE_CLIENT_ID'} is set: EnvironmentCredential needs tenant, client and a secret, certificate or username`,
    );
  return p(
    'unavailable',
    'no EnvironmentCredential variables are set (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH / AZURE_USERNAME)',
  );
}

/** What the fingerprint saw of the certificate file; the JavaScript SDK reads PEM only. */
function certificatePrediction(fp: Fingerprint, path: string, profile: ChainProfile): Prediction {
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

export function predictEnvironment(fp: Fingerprint, env: Env, profile: ChainProfile): Prediction {
  const T = isSet(env, 'AZURE_TENANT_ID');
  const C = isSet(env, 'AZURE_CLIENT_ID');
  const S = isSet(env, 'AZURE_CLIENT_SECRET');
  const P = isSet(env, 'AZURE_CLIENT_CERTIFICATE_PATH');
  const U = isSet(env, 'AZURE_USERNAME');
  const W = isSet(env, 'AZURE_PASSWORD');
  if (!S && !P && !U && !W) return noServicePrincipal(env, T, C);
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
      `partial configuration: ${credVar} is set but ${namesAre(missing)} missing — EnvironmentCredential reports itself unavailable and ${credVar} is ignored`,
    );
  if (!/^[0-9a-zA-Z.-]+$/.test(env.AZURE_TENANT_ID!.trim()))
    return p(
      'misconfigured',
      'AZURE_TENANT_ID has characters a tenant id cannot contain (allowed: letters, digits, "-" and ".")',
    );
  const hostProblem = authorityHostProblem(env);
  if (hostProblem) return hostProblem;
  if (S)
    return p(
      'should-work',
      'AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are set: a client-secret request goes to Entra (only Entra knows whether the secret is right; a wrong one stops the whole chain)',
    );
  if (P) return certificatePrediction(fp, env.AZURE_CLIENT_CERTIFICATE_PATH!, profile);
  if (U && !W) return p('misconfigured', 'AZURE_USERNAME is set without AZURE_PASSWORD');
  if (W && !U) return p('misconfigured', 'AZURE_PASSWORD is set without AZURE_USERNAME');
  return p(
    'should-work',
    'username/password (ROPC) is configured: it works only for accounts without MFA or Conditional Access (AADSTS50076 otherwise) and is deprecated',
  );
}

/** A token file that is not there or not a token (in a pod, a missing file means the volume is not mounted). */
function tokenFileProblem(ft: FederatedTokenFacts, path: string, pod: boolean): Prediction | undefined {
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
  return undefined;
}

export function predictWorkloadIdentity(fp: Fingerprint, env: Env): Prediction {
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
  const missing = unset(env, ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID']);
  if (missing.length)
    return p(
      'misconfigured',
      `AZURE_FEDERATED_TOKEN_FILE is set but ${namesAre(missing)} missing: annotate the service account with azure.workload.identity/client-id (and tenant-id)`,
    );
  const path = ft.path!;
  const problem = authorityHostProblem(env) ?? tokenFileProblem(ft, path, pod);
  if (problem) return problem;
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
