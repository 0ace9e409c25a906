/** Tracing the user's own app: readers for each Azure SDK's log output, and running a program with them. */
export { AppTraceReader, type AppTraceReaderOptions, type Stream } from './reader';
export {
  runTraced,
  tracedProgramEnvironment,
  type InstalledHooks,
  type RunTracedOptions,
  type RunTracedResult,
} from './run';
export { collectTraced, LAUNCHER_FDS, type CollectTracedOptions } from './collect';
export { installedHooks } from './installed-hooks';
export {
  loggingEnvironment,
  writePythonHook,
  isSdkId,
  ALL_SDKS,
  PYTHON_HOOK,
  type LoggingEnvOptions,
} from './logging-env';
export { canonicalCredential } from './credential-names';
export { MAX_RUN_EVENTS, RUNS_KEPT } from './assemble';
export { observedChainResult } from './observed';
export { LineSplitter, isBinary, type SplitLine, type LineStats } from './lines';
export { SDK_PACKAGES, type AppTrace, type ObservedRun, type SdkId, type Observation } from './types';
