/** What every grant handler is given, and what it returns: the token endpoint's success body. */
import type { AppConfig } from '../../config';
import type { Ctx } from '../../http';
import type { SandboxImpl } from '../../sandbox';
import type { Body } from '../issue';
import type { ScopeInfo } from '../scopes';
import type { TenantRef } from '../tenant';

export interface GrantRequest {
  sb: SandboxImpl;
  ctx: Ctx;
  /** The calling application, found (not yet authenticated). */
  app: AppConfig;
  /** The tenant of the URL. */
  t: TenantRef;
  /** Its id, or the alias when the URL names common / organizations / consumers. */
  tenantName: string;
  /** 2 for /oauth2/v2.0/token (scope=), 1 for /oauth2/token (resource=). */
  version: 1 | 2;
  /** The request's scope= (v2) or resource= (v1); client credentials asks for a `.default` scope only. */
  scopeOf(clientCredentials?: boolean): ScopeInfo;
}

export type GrantHandler = (g: GrantRequest) => Promise<Body>;

/** Public clients may omit credentials; a confidential client must present them. */
export function confidential(g: GrantRequest): { required: boolean } {
  return { required: g.app.kind === 'confidential' };
}
