/** Engine options: every endpoint the engine talks to is overridable (tests point all of them at the sandbox). */
export interface EngineOptions {
  /** Entra authority host, e.g. https://login.microsoftonline.com (default), or the sandbox's https://127.0.0.1:PORT. */
  authorityHost?: string;
  /** Extra CA certificates (PEM) to trust for HTTPS (the sandbox's CA). */
  ca?: string;
  /** IMDS endpoint base, default http://169.254.169.254 (AZURE_POD_IDENTITY_AUTHORITY_HOST also honoured). */
  imdsEndpoint?: string;
  /** Per-step time limit in ms (default 30 s; dev tools 10 s as the Go SDK). */
  stepTimeoutMs?: number;
  /**
   * Where the JS profile's instance discovery asks about an authority host msal-node does not know (msal-node asks
   * https://login.microsoftonline.com; a loopback authority host is asked itself). See msal/instance-discovery.ts.
   */
  instanceDiscoveryHost?: string;
  /** IMDS probe time limit (default 1000 ms as the SDKs). */
  imdsProbeTimeoutMs?: number;
  /** Time limit for az / azd / pwsh (default 10 s). */
  processTimeoutMs?: number;
  /**
   * Diagnose mode: how long az / azd / pwsh wait for a managed-identity probe that has had no answer before starting
   * (default 50 ms; other in-process steps are waited for up to 100 ms; see src/core/chain/diagnose.ts).
   */
  diagnoseProcessDelayMs?: number;
  /** Overrides for executables (absolute paths), e.g. { az: '/opt/az/bin/az' }. */
  executables?: Partial<Record<'az' | 'azd' | 'pwsh', string>>;
  /** Explicit proxy URL (VS Code's http.proxy); otherwise HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment. */
  proxy?: string;
  /** Azure Arc key-file directory override (tests); the real one is fixed by the agent. */
  arcKeyDirectory?: string;
  /**
   * User-assigned managed identity (at most one): by client id, object id (principal id) or ARM resource id.
   * Inside the chain AZURE_CLIENT_ID is used as the client id when none of these is set, as every SDK does.
   */
  managedIdentityClientId?: string;
  managedIdentityObjectId?: string;
  managedIdentityResourceId?: string;
  /** Subscription passed to `az account get-access-token --subscription` (AzureCLICredential option). */
  subscription?: string;
  /** Log HTTP bodies in traces: 'none' | 'redacted' (default). */
  httpBodies?: 'none' | 'redacted';
  /**
   * The process the run describes when it is not this one (azauth --pid; src/core/target/process.ts): named at the
   * head of the trace, and its filesystem root (/proc/PID/root) is where every path from its environment is read —
   * the federated token file, certificate files, the az and azd configuration folders, the fingerprint's files.
   */
  target?: { pid: number; comm: string; root: string };
}
