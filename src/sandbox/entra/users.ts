/** The signed-in user of a delegated flow: home tenant, and the policies checked when a token is issued. */
import type { AppConfig, UserConfig } from '../config';
import { aad } from '../errors';
import type { SandboxImpl } from '../sandbox';
import { appAvailableIn } from './client-auth';
import type { ScopeInfo } from './scopes';
import type { TenantRef } from './tenant';

export interface ResolvedUser {
  user: UserConfig;
  tenantId: string;
}

export function resolveUser(sb: SandboxImpl, t: TenantRef, username: string, app: AppConfig): ResolvedUser {
  const user = sb.userByName(username);
  const dir = t.tenantId ?? sb.defaultTenantId();
  if (!user) throw aad.userNotFound(dir);
  const home = sb.userTenant(user);
  if (t.tenantId && t.tenantId !== home) throw aad.userNotInTenant(home, t.tenantId, app.clientId, app.displayName);
  if (!appAvailableIn(sb, app, home)) throw aad.appNotFound(app.clientId, home);
  return { user, tenantId: home };
}

export function consentKey(user: UserConfig, app: AppConfig): string {
  return `${user.objectId}|${app.clientId}`;
}

/** Policies evaluated at token issuance: Conditional Access, MFA, consent. */
export function checkPolicies(
  sb: SandboxImpl,
  user: UserConfig,
  app: AppConfig,
  scope: ScopeInfo,
  mfaDone: boolean,
): void {
  if (user.conditionalAccessBlock) throw aad.conditionalAccess();
  if (user.mfa && !mfaDone) throw aad.mfaRequired(scope.requested);
  if (app.consentRequired && !sb.consents.has(consentKey(user, app)))
    throw aad.consentRequired(app.clientId, app.displayName);
}
