/**
 * The Microsoft account VS Code is signed in with (vscode.authentication, provider 'microsoft') as a credential:
 * the identity the Azure extensions use. It is shown in the Credential Chain tree and can acquire tokens.
 */
import * as vscode from 'vscode';
import { ItemContext } from './constants';
import type { ChainNode } from './views/chainTree';

export const VSCODE_ACCOUNT = 'VSCodeAccountCredential';
const PROVIDER = 'microsoft';

export class VsCodeAccount implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  private probing = false;
  private state: { status: 'unknown' | 'signed-in' | 'signed-out' | 'unavailable'; account?: string; reason?: string } =
    { status: 'unknown' };

  constructor() {
    this.subs.push(
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === PROVIDER) void this.probe();
      }),
    );
  }

  /** Checks silently whether VS Code has a Microsoft session (never prompts). */
  async probe(): Promise<void> {
    try {
      const session = await vscode.authentication.getSession(PROVIDER, ['https://management.azure.com/.default'], {
        silent: true,
      });
      this.state = session ? { status: 'signed-in', account: session.account.label } : { status: 'signed-out' };
    } catch (e) {
      this.state = { status: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
    }
    this.changed.fire();
  }

  node(): ChainNode {
    // Probed on first display, not at activation: asking for a session activates VS Code's Microsoft sign-in.
    if (this.state.status === 'unknown' && !this.probing) {
      this.probing = true;
      void this.probe().finally(() => (this.probing = false));
    }
    const s = this.state;
    const description =
      s.status === 'signed-in'
        ? `signed in as ${s.account}`
        : s.status === 'signed-out'
          ? 'not signed in'
          : s.status === 'unavailable'
            ? 'no Microsoft sign-in in this VS Code'
            : 'checking…';
    return {
      kind: 'account',
      id: 'vscode-account',
      label: 'VS Code account (Microsoft)',
      description,
      tooltip:
        s.status === 'unavailable'
          ? `The 'microsoft' authentication provider is not available here: ${s.reason ?? ''}`
          : 'The account VS Code and the Azure extensions sign in with. Acquire a token with it from the context menu.',
      icon: new vscode.ThemeIcon(s.status === 'signed-in' ? 'account' : 'person'),
      contextValue: ItemContext.vscodeAccount,
      credential: VSCODE_ACCOUNT,
    };
  }

  /** Gets an access token for the scope from VS Code's Microsoft session (prompts to sign in when needed). */
  async getToken(
    scope: string,
    tenantId?: string,
    clientId?: string,
  ): Promise<{ accessToken: string; account: string }> {
    const scopes = [scope];
    if (tenantId) scopes.push(`VSCODE_TENANT:${tenantId}`);
    if (clientId) scopes.push(`VSCODE_CLIENT_ID:${clientId}`);
    const session = await vscode.authentication.getSession(PROVIDER, scopes, { createIfNone: true });
    this.state = { status: 'signed-in', account: session.account.label };
    this.changed.fire();
    return { accessToken: session.accessToken, account: session.account.label };
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}
