/**
 * The one place msal-node applications are built. Every app:
 * - talks only to the configured authority host (knownAuthorities + cloudDiscoveryMetadata + authorityMetadata, and a
 *   network module that refuses any other host), so a custom or sandbox authority never reaches login.microsoftonline.com;
 * - sends every request through the engine's traced HttpClient (TracedNetworkModule);
 * - has its own in-memory token cache (one app per credential instance and tenant);
 * - logs msal warnings and errors (never PII) as trace notes.
 */
import { ConfidentialClientApplication, LogLevel, PublicClientApplication, type Configuration } from '@azure/msal-node';
import type { HttpClient } from '../../http/types';
import type { StepTracer } from '../../trace/tracer';
import {
  buildAuthorityMetadata,
  buildCloudDiscoveryMetadata,
  tenantEndpoints,
  type ResolvedAuthorityHost,
  type TenantEndpoints,
} from './authority';
import { TracedNetworkModule } from './network';

export type ClientCredentialConfig =
  | { kind: 'secret'; secret: string }
  | {
      kind: 'certificate';
      privateKeyPem: string;
      thumbprintSha1: string;
      thumbprintSha256: string;
      x5cPem?: string;
      useSha256: boolean;
    }
  | { kind: 'assertion'; getAssertion: () => Promise<string> };

export interface MsalAppConfig {
  clientId: string;
  tenantId: string;
  authorityHost: ResolvedAuthorityHost;
  /** openid-configuration subset (from discovery.ts); built from templates when absent. */
  authorityMetadata?: string;
  clientCapabilities?: string[];
  /** Hosts besides the authority host msal may reach (a regional token endpoint). */
  extraHosts?: string[];
}

/** Mutable binding of the per-call context: the app outlives one getToken call, the tracer and signal do not. */
export class MsalBinding {
  http: HttpClient | undefined;
  signal: AbortSignal | undefined;
  trace: StepTracer | undefined;
}

/** An HttpClient that forwards to whatever the binding holds at the moment of the call. */
class BoundHttpClient implements HttpClient {
  constructor(private readonly binding: MsalBinding) {}
  send(request: Parameters<HttpClient['send']>[0]) {
    const http = this.binding.http;
    if (!http) throw new Error('msal network module used outside a getToken call');
    this.binding.signal?.throwIfAborted();
    return http.send({ ...request, signal: request.signal ?? this.binding.signal });
  }
}

export interface MsalApp<T> {
  app: T;
  network: TracedNetworkModule;
  binding: MsalBinding;
  endpoints: TenantEndpoints;
}

function baseConfiguration(
  cfg: MsalAppConfig,
  binding: MsalBinding,
): { config: Configuration; network: TracedNetworkModule; endpoints: TenantEndpoints } {
  const endpoints = tenantEndpoints(cfg.authorityHost, cfg.tenantId);
  const network = new TracedNetworkModule({
    http: new BoundHttpClient(binding),
    allowedHosts: [cfg.authorityHost.hostAndPort, ...(cfg.extraHosts ?? [])],
  });
  const config: Configuration = {
    auth: {
      clientId: cfg.clientId,
      authority: endpoints.authority,
      knownAuthorities: [cfg.authorityHost.hostAndPort],
      cloudDiscoveryMetadata: buildCloudDiscoveryMetadata(cfg.authorityHost, cfg.tenantId),
      authorityMetadata: cfg.authorityMetadata ?? buildAuthorityMetadata(endpoints),
      clientCapabilities: cfg.clientCapabilities,
    },
    system: {
      networkClient: network,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message, containsPii) => {
          if (containsPii) return;
          // "[correlation id] : @azure/msal-node@7.2.3 : Warning - text" → "text"; msal warnings are mostly noise (debug).
          const m = /\b(?:Error|Warning|Info|Verbose|Trace)\s+-\s+([\s\S]*)$/.exec(message);
          const text = (m?.[1] ?? message).trim();
          // Client credentials responses never carry client_info: msal warns about it on every app-only token.
          if (/^No client info in response$/.test(text)) return;
          binding.trace?.note(level === LogLevel.Error ? 'warn' : 'debug', `msal-node: ${text}`);
        },
      },
    },
  };
  return { config, network, endpoints };
}

export function createPublicApp(cfg: MsalAppConfig): MsalApp<PublicClientApplication> {
  const binding = new MsalBinding();
  const { config, network, endpoints } = baseConfiguration(cfg, binding);
  return { app: new PublicClientApplication(config), network, binding, endpoints };
}

export function createConfidentialApp(
  cfg: MsalAppConfig,
  credential: ClientCredentialConfig,
): MsalApp<ConfidentialClientApplication> {
  const binding = new MsalBinding();
  const { config, network, endpoints } = baseConfiguration(cfg, binding);
  switch (credential.kind) {
    case 'secret':
      config.auth.clientSecret = credential.secret;
      break;
    case 'certificate':
      config.auth.clientCertificate = credential.useSha256
        ? {
            thumbprintSha256: credential.thumbprintSha256,
            privateKey: credential.privateKeyPem,
            x5c: credential.x5cPem,
          }
        : { thumbprint: credential.thumbprintSha1, privateKey: credential.privateKeyPem, x5c: credential.x5cPem };
      break;
    case 'assertion':
      config.auth.clientAssertion = () => credential.getAssertion();
      break;
  }
  return { app: new ConfidentialClientApplication(config), network, binding, endpoints };
}
