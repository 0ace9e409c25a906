/**
 * Instant verdicts: what each credential of the chain will do here, predicted from the fingerprint and the
 * environment before anything runs — and, after the run, whether the observed outcome agreed.
 *
 * One predictor per credential, grouped in predictions/ by what configures it (variables: service-principal.ts;
 * the hosting platform: managed-identity.ts; developer tools: dev-tools.ts; CI: ci.ts); this file runs the chain's
 * members through them and compares the verdicts with what happened.
 */
import type { ChainProfile, Prediction, StepOutcome } from '../model';
import type { Env } from './evidence';
import type { Fingerprint, PredictOptions, PredictionComparison, Predictions } from './types';
import { PROFILES } from '../chain/profiles';
import { p } from './predictions/verdict';
import { tokenCredentialsSelection } from './predictions/selection';
import { predictEnvironment, predictWorkloadIdentity } from './predictions/service-principal';
import { predictManagedIdentity } from './predictions/managed-identity';
import {
  predictAzd,
  predictAzureCli,
  predictPowerShell,
  predictSharedTokenCache,
  predictVisualStudio,
  predictVsCode,
} from './predictions/dev-tools';
import { predictAzurePipelines, predictGitHubActions } from './predictions/ci';

export { tokenCredentialsSelection } from './predictions/selection';

/** DefaultAzureCredential membership per SDK (its newest modelled release, on this platform), in chain order. */
export const PROFILE_CHAINS: Record<ChainProfile, string[]> = {
  go: PROFILES.go.order,
  js: PROFILES.js.order,
  python: PROFILES.python.order,
  dotnet: PROFILES.dotnet.order,
};

/** Federated CI credentials: not in DefaultAzureCredential, but predicted so `where` and explicit runs can show them. */
export const CI_CREDENTIALS = ['GitHubActionsCredential', 'AzurePipelinesCredential'];

type Predictor = (fp: Fingerprint, env: Env, profile: ChainProfile, opts: PredictOptions) => Prediction;

/** A Map, not an object: a credential named "constructor" or "__proto__" finds no predictor. */
const PREDICTORS = new Map<string, Predictor>([
  ['EnvironmentCredential', (fp, env, profile) => predictEnvironment(fp, env, profile)],
  ['WorkloadIdentityCredential', (fp, env) => predictWorkloadIdentity(fp, env)],
  ['ManagedIdentityCredential', predictManagedIdentity],
  ['AzureCLICredential', (fp) => predictAzureCli(fp)],
  ['AzureDeveloperCLICredential', (fp, env) => predictAzd(fp, env)],
  ['AzurePowerShellCredential', (fp) => predictPowerShell(fp)],
  ['VisualStudioCodeCredential', (fp) => predictVsCode(fp)],
  ['VisualStudioCredential', (fp) => predictVisualStudio(fp)],
  ['SharedTokenCacheCredential', (fp) => predictSharedTokenCache(fp)],
  ['GitHubActionsCredential', (fp, env) => predictGitHubActions(fp, env)],
  ['AzurePipelinesCredential', (fp, env) => predictAzurePipelines(fp, env)],
]);

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
  const predict = PREDICTORS.get(name);
  return predict
    ? predict(fp, env, profile, opts)
    : p('unknown', 'the fingerprint makes no prediction for this credential');
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
