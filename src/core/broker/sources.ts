/** Where the broker's tokens come from: any credential the engine runs (Azure CLI, a service principal, the sandbox…). */
import { acquireToken, type FlowRequest, type FlowRunOptions } from '../flows';
import { scopeOf, type BrokerTokenSource } from './broker';

/**
 * A token source running one engine credential per (uncached) request, for the scope the app's resource stands for.
 * The identity the app asks for (client_id, principal_id, mi_res_id) is traced by the broker; the token is always the
 * chosen credential's — that is the point of debugging locally.
 */
export function credentialTokenSource(
  request: Omit<FlowRequest, 'scope'>,
  run: Omit<FlowRunOptions, 'signal'> = {},
): BrokerTokenSource {
  return async (asked, signal) => {
    const r = await acquireToken({ ...request, scope: scopeOf(asked.resource) }, { ...run, signal });
    if (!r.accessToken || !r.result.token) throw new Error(`${r.result.credential}: ${r.result.message}`);
    return { token: r.accessToken, expiresOnEpochMs: r.result.token.expiresOnEpochMs, clientId: r.result.token.appId };
  };
}
