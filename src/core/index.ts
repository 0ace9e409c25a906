/** The one entry the faces import. Everything re-exported here runs in plain node (no vscode). */
export * from './model';
export * from './secret';
export type * from './trace/events';
export * from './token/index';
export type * from './options';
export * from './errors/index';
export * from './trace/redact';
export * from './trace/sinks';
export * from './trace/tracer';
export { createHttpClient, selectProxy, HttpRequestError, isHttpRequestError, type HttpClientOptions } from './http/client';
export type * from './http/types';
export { createProcessRunner, resolveExecutable } from './process/runner';
export type * from './process/types';
export * from './fingerprint/index';
export * from './engine';
export * from './chain/types';
export { PROFILES, selectCredentials, isChainProfile, type ProfileInfo, type SelectionResult } from './chain/profiles';
export { registerCredential, getCredentialFactory, registeredCredentials, type CredentialFactory } from './credentials/registry';
