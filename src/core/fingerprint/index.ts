/** Hosting-environment fingerprint and instant per-credential verdicts. */
export * from './types';
export {
  fingerprint,
  selectManagedIdentitySource,
  describeVariable,
  registryWindowsFacts,
  AZURE_CHASSIS_ASSET_TAG,
  LABELS as ENVIRONMENT_LABELS,
  hasEnvironment,
} from './detect';
export {
  predictCredentials,
  predictOne,
  comparePrediction,
  settlePrediction,
  tokenCredentialsSelection,
  PROFILE_CHAINS,
  CI_CREDENTIALS,
} from './predict';
export { fingerprintNote, fingerprintForRun, attachPredictions, hostingSummary, type FingerprintNote } from './report';
