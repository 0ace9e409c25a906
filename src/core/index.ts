/** The one entry the faces import. Everything re-exported here runs in plain node (no vscode). */
export * from './model';
export * from './secret';
export type * from './trace/events';
export * from './token/index';
export type * from './options';
export * from './errors/index';
export * from './trace/redact';
export * from './text/terminal';
export * from './trace/sinks';
export * from './trace/tracer';
export {
  createHttpClient,
  selectProxy,
  HttpRequestError,
  isHttpRequestError,
  type HttpClientOptions,
} from './http/client';
export type * from './http/types';
export { classifyRequestFailure, FAILURE_LABEL, type NetworkFailureClass } from './http/failure';
export * from './fs/read';
export { createProcessRunner, resolveExecutable } from './process/runner';
export type * from './process/types';
export {
  readProcessTarget,
  assertRunning,
  parsePid,
  parseEnviron,
  pathUnderRoot,
  isProcessTargetError,
  ProcessTargetError,
  type ProcessTarget,
  type ProcessTargetErrorCode,
} from './target/process';
export * from './fingerprint/index';
export {
  acquireToken,
  createFlowCredential,
  resolveCredentialName,
  isExplicitFlow,
  EXPLICIT_FLOWS,
  CHAIN_CREDENTIALS,
  DEFAULT_FLOW_SCOPE,
  FlowUsageError,
  type FlowRequest,
  type FlowRun,
  type FlowRunOptions,
  type ExplicitFlowName,
} from './flows';
export {
  runDiscovery,
  discoverTenant,
  type DiscoveryResult,
  type DiscoveryRun,
  type DiscoverOptions,
  type DiscoveredKey,
} from './discovery';
export { AUTHORITY_HOSTS, resolveAuthorityHost, type ResolvedAuthorityHost } from './credentials/msal/authority';
export {
  parseClientCertificate,
  CertificateError,
  type ParsedClientCertificate,
  type CertificateInfo,
} from './credentials/msal/certificate';
export type { DeviceCodeInfo } from './credentials/device-code';
export * from './engine';
export * from './chain/types';
export {
  PROFILES,
  selectCredentials,
  isChainProfile,
  sdkLabel,
  chainOrder,
  invalidValueMessage,
  checkRequired,
  type ProfileInfo,
  type SelectionResult,
} from './chain/profiles';
export {
  resolveProfile,
  requireProfile,
  newestRelease,
  nearestRelease,
  profileSuggestions,
  MODELLED,
  PACKAGE_NAMES,
  SDKS,
  type ResolvedRelease,
  type ResolveResult,
} from './sdk/releases';
export { RULES, type Citation, type RuleEntry, type RuleKey, type RuleValues } from './sdk/rules';
export { parseVersion, compareVersions, type Version } from './sdk/version';
export {
  detectSdk,
  describeDetection,
  newestAllowed,
  type Detection,
  type DetectedSdk,
  type DetectOptions,
} from './sdk/detect';
export { registerCredential, getCredentialFactory, type CredentialFactory } from './credentials/registry';
export * from './resource/index';
export * from './apptrace/index';
export * from './broker/index';
