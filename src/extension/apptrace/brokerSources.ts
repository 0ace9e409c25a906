/** Where a session broker's tokens come from: the sandbox, the Azure CLI, the VS Code account or a service principal. */
import * as vscode from 'vscode';
import type { BrokerTokenSource } from '../../core/index';
import { Commands } from '../constants';
import { loadEngine, loadSandbox } from '../engine';
import type { Host } from '../host';
import type { BrokerSource } from '../settings';
import type { VsCodeAccount } from '../vscodeAccount';

const LABELS: Record<BrokerSource, string> = {
  sandbox: 'the sandbox tenant (its demo app)',
  azureCli: 'the Azure CLI (az account get-access-token)',
  vscodeAccount: "VS Code's Microsoft account",
  servicePrincipal: 'a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and the secret from the chain environment)',
};

export function brokerSourceLabel(s: BrokerSource): string {
  return LABELS[s];
}

/** The token source for one broker; the sandbox is started first when it is not running. */
export async function tokenSourceFor(
  source: BrokerSource,
  host: Host,
  account: VsCodeAccount,
): Promise<BrokerTokenSource> {
  const core = loadEngine();
  if (source === 'vscodeAccount') return vscodeAccountSource(account);
  if (source === 'sandbox') {
    if (!host.sandbox) await vscode.commands.executeCommand(Commands.startSandbox, { quiet: true });
    const sb = host.sandbox;
    if (!sb) throw new Error('the sandbox tenant could not be started');
    const { DEMO } = loadSandbox();
    return core.credentialTokenSource(
      {
        credential: 'ClientSecretCredential',
        tenantId: sb.tenantId,
        clientId: DEMO.confidentialClientId,
        clientSecret: new core.SecretValue(DEMO.confidentialSecret),
      },
      { options: host.engineOptions() },
    );
  }
  const { env } = await host.environment();
  const credential = source === 'azureCli' ? 'AzureCLICredential' : 'EnvironmentCredential';
  return core.credentialTokenSource({ credential }, { env, options: host.engineOptions() });
}

/** Tokens from VS Code's Microsoft authentication provider, for the scope the app's resource stands for. */
function vscodeAccountSource(account: VsCodeAccount): BrokerTokenSource {
  return async (asked) => {
    const core = loadEngine();
    const scope = core.scopeOf(asked.resource);
    const { accessToken } = await account.getToken(scope);
    const decoded = core.decodeToken(accessToken);
    const exp = core.isDecodedJwt(decoded) ? Number(decoded.payload.exp) : NaN;
    // An opaque token's lifetime is unknown: cached briefly, then asked for again.
    return {
      token: new core.SecretValue(accessToken),
      expiresOnEpochMs: Number.isFinite(exp) ? exp * 1000 : Date.now() + 10 * 60_000,
    };
  };
}
