/**
 * Loopback stand-ins for the Azure APIs a token is tried against, under /resources on the authority host:
 *   /resources/arm/…                 Azure Resource Manager (subscriptions, resource groups)
 *   /resources/graph/v1.0/…          Microsoft Graph (/me, /organization)
 *   /resources/vault/<name>/secrets  Key Vault (RBAC or access-policy vaults)
 *   /resources/storage/<account>/    Blob Storage (?comp=list)
 *   /resources/servicebus/<ns>/<entity>  Service Bus / Event Hubs entity description
 * Each validates the bearer token as the real service does (signature with the sandbox's Entra key, audience, tenant,
 * expiry, revoked sessions, roles) and answers with that service's 401 / 403 shape: its WWW-Authenticate challenge,
 * its body format (JSON or XML) and its codes.
 */
import type { Route } from '../http';
import type { SandboxImpl } from '../sandbox';
import { armRoutes } from './arm';
import { graphRoutes } from './graph';
import { serviceBusRoutes } from './servicebus';
import { storageRoutes } from './storage';
import { vaultRoutes } from './vault';

export function resourceRoutes(sb: SandboxImpl): Route[] {
  return [...armRoutes(sb), ...graphRoutes(sb), ...vaultRoutes(sb), ...storageRoutes(sb), ...serviceBusRoutes(sb)];
}
