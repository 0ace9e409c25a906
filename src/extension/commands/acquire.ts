/**
 * "Acquire Token…": a multi-step quick pick (credential → scope → tenant / client id → secret), then a cancellable
 * progress notification. Every prompt can be skipped by passing its answer in the argument (tests, tree items, links).
 */
import * as vscode from 'vscode';
import type { SecretValue } from '../../core/index';
import { CancelledError, toAbortSignal, type CommandOptions } from '../commandRunner';
import { loadEngine } from '../engine';
import type { AcquireOutcome, DeviceCodeInfo, Host } from '../host';
import { VSCODE_ACCOUNT, type VsCodeAccount } from '../vscodeAccount';

export interface AcquireArgs extends CommandOptions {
  /** 'chain' (default chain), 'chain:diagnose', a credential / flow name, or 'VSCodeAccountCredential'. */
  credential?: string;
  scope?: string;
  tenantId?: string;
  clientId?: string;
  /** Client secret or password (tests only; users type it into a password box). */
  secret?: string;
  username?: string;
  certificatePath?: string;
  /** Certificate password (tests only; '' for none). */
  certificatePassword?: string;
  /** Answer to "save the secret in SecretStorage?" without asking. */
  saveSecret?: boolean;
  /** Do not open the Token Inspector afterwards. */
  noInspector?: boolean;
}

export const SCOPE_PRESETS: { label: string; scope: string }[] = [
  { label: 'Azure Resource Manager', scope: 'https://management.azure.com/.default' },
  { label: 'Microsoft Graph', scope: 'https://graph.microsoft.com/.default' },
  { label: 'Azure Key Vault', scope: 'https://vault.azure.net/.default' },
  { label: 'Azure Storage', scope: 'https://storage.azure.com/.default' },
  { label: 'Azure SQL Database', scope: 'https://database.windows.net/.default' },
  { label: 'Azure Service Bus', scope: 'https://servicebus.azure.net/.default' },
];

interface CredentialChoice {
  id: string;
  label: string;
  detail: string;
  needsApp?: boolean;
  secret?: 'client-secret' | 'password' | 'certificate';
}

export const CREDENTIAL_CHOICES: CredentialChoice[] = [
  {
    id: 'chain',
    label: '$(list-ordered) Default credential chain',
    detail: 'DefaultAzureCredential: each credential in order, first success wins',
  },
  {
    id: 'chain:diagnose',
    label: '$(debug-alt) Default chain — diagnose',
    detail: 'Run every credential, report all outcomes and which one would win',
  },
  {
    id: 'EnvironmentCredential',
    label: 'Environment',
    detail: 'AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET or certificate',
  },
  { id: 'WorkloadIdentityCredential', label: 'Workload identity', detail: 'AZURE_FEDERATED_TOKEN_FILE (Kubernetes)' },
  {
    id: 'ManagedIdentityCredential',
    label: 'Managed identity',
    detail: 'IMDS, App Service, Cloud Shell, Arc, Service Fabric, Azure ML',
  },
  { id: 'AzureCLICredential', label: 'Azure CLI', detail: 'az account get-access-token' },
  { id: 'AzureDeveloperCLICredential', label: 'Azure Developer CLI', detail: 'azd auth token' },
  { id: 'AzurePowerShellCredential', label: 'Azure PowerShell', detail: 'Get-AzAccessToken' },
  {
    id: VSCODE_ACCOUNT,
    label: '$(account) VS Code account (Microsoft)',
    detail: 'The account VS Code and the Azure extensions use',
  },
  {
    id: 'ClientSecretCredential',
    label: 'Client secret',
    detail: 'App registration with a client secret',
    needsApp: true,
    secret: 'client-secret',
  },
  {
    id: 'ClientCertificateCredential',
    label: 'Client certificate',
    detail: 'App registration with a PEM certificate',
    needsApp: true,
    secret: 'certificate',
  },
  { id: 'DeviceCodeCredential', label: 'Device code', detail: 'Sign in on another device with a code', needsApp: true },
  {
    id: 'InteractiveBrowserCredential',
    label: 'Interactive browser',
    detail: 'Sign in in the browser (auth code + PKCE)',
    needsApp: true,
  },
  {
    id: 'UsernamePasswordCredential',
    label: 'Username and password',
    detail: 'Resource owner password (no MFA)',
    needsApp: true,
    secret: 'password',
  },
];

/** What the prompts gathered for one request (the secret to save only if the request gets a token). */
interface AppInputs {
  tenantId?: string;
  clientId?: string;
  username?: string;
  certificatePath?: string;
  secret?: SecretValue;
  certificatePassword?: SecretValue;
  secretToSave?: { key: string; value: string };
}

const RECENT_SCOPES_KEY = 'azureAuthDebugger.recentScopes';
const LAST_APP_KEY = 'azureAuthDebugger.lastApp';
export const SECRET_KEYS_KEY = 'azureAuthDebugger.secretKeys';

function abortIfUndefined<T>(v: T | undefined): T {
  if (v === undefined) throw new CancelledError();
  return v;
}

/** One input box of the Acquire Token steps: kept open when focus moves away; Escape cancels the command. */
async function ask(options: vscode.InputBoxOptions): Promise<string> {
  return abortIfUndefined(await vscode.window.showInputBox({ ignoreFocusOut: true, ...options }));
}

export function secretKey(tenantId: string | undefined, clientId: string | undefined, kind: string): string {
  return `azureAuthDebugger.secret:${kind}:${tenantId ?? 'common'}:${clientId ?? ''}`;
}

export class AcquireCommand {
  constructor(
    private readonly host: Host,
    private readonly account: VsCodeAccount,
    private readonly openInspector: (tokenOrRun: { tokenId?: string; runId?: string }) => void,
  ) {}

  private get state(): vscode.Memento {
    return this.host.context.globalState;
  }

  async pickScope(args: AcquireArgs): Promise<string> {
    if (args.scope) return args.scope;
    const recent = this.state.get<string[]>(RECENT_SCOPES_KEY, []);
    const def = this.host.settings().defaultScope;
    type Item = vscode.QuickPickItem & { scope?: string };
    const items: Item[] = [];
    items.push({ label: 'Presets', kind: vscode.QuickPickItemKind.Separator });
    for (const p of SCOPE_PRESETS)
      items.push({
        label: p.label,
        description: p.scope,
        scope: p.scope,
        detail: p.scope === def ? 'default scope' : undefined,
      });
    if (recent.length) {
      items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
      for (const r of recent) items.push({ label: r, scope: r });
    }
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: '$(edit) Custom scope…', description: 'e.g. api://my-app/.default' });
    const pick = abortIfUndefined(
      await vscode.window.showQuickPick(items, {
        title: 'Acquire Token (2/3): scope',
        placeHolder: 'Which resource is the token for?',
        ignoreFocusOut: true,
      }),
    );
    if (pick.scope) return pick.scope;
    return (
      await ask({
        title: 'Acquire Token: custom scope',
        prompt: 'A scope such as https://management.azure.com/.default or api://<app id>/.default',
        value: def,
        validateInput: (v) => (/^\S{3,2000}$/.test(v.trim()) ? undefined : 'Enter one scope without spaces'),
      })
    ).trim();
  }

  async run(args: AcquireArgs = {}): Promise<AcquireOutcome | undefined> {
    const choice = await this.pickCredential(args);
    const scope = await this.pickScope(args);
    await this.rememberScope(scope);
    const inputs: AppInputs = choice.needsApp
      ? await this.askAppInputs(choice, args)
      : {
          tenantId: args.tenantId,
          clientId: args.clientId,
          username: args.username,
          certificatePath: args.certificatePath,
        };
    const outcome = await this.acquireWithProgress(choice, scope, inputs, args);
    if (outcome.tokenId && inputs.secretToSave) await this.offerToSave(inputs.secretToSave, args);
    if (outcome.error && !args.quiet) {
      void vscode.window
        .showWarningMessage(`Azure Auth: no token — ${outcome.error.message.split(/\r?\n/)[0]}`, 'Explain', 'Show Log')
        .then((c) => {
          if (c === 'Show Log') this.host.log.show();
          if (c === 'Explain') this.openInspector({ runId: outcome.runId });
        });
    }
    if (!args.noInspector && (outcome.tokenId || outcome.runId))
      this.openInspector({ tokenId: outcome.tokenId, runId: outcome.tokenId ? undefined : outcome.runId });
    return outcome;
  }

  private async pickCredential(args: AcquireArgs): Promise<CredentialChoice> {
    let credential = args.credential;
    if (!credential) {
      const pick = abortIfUndefined(
        await vscode.window.showQuickPick(
          CREDENTIAL_CHOICES.map((c) => ({ label: c.label, detail: c.detail, id: c.id })),
          {
            title: 'Acquire Token (1/3): credential',
            placeHolder: 'The default chain, or one credential / flow',
            matchOnDetail: true,
            ignoreFocusOut: true,
          },
        ),
      );
      credential = pick.id;
    }
    return CREDENTIAL_CHOICES.find((c) => c.id === credential) ?? { id: credential, label: credential, detail: '' };
  }

  /** Step 3 for an app registration: tenant and client id, then what its kind of secret needs (in this order). */
  private async askAppInputs(choice: CredentialChoice, args: AcquireArgs): Promise<AppInputs> {
    const { tenantId, clientId } = await this.askApp(args);
    await this.state.update(LAST_APP_KEY, { tenantId, clientId });
    const SecretCtor = loadEngine().SecretValue;
    const inputs: AppInputs = { tenantId, clientId, username: args.username, certificatePath: args.certificatePath };
    if (choice.secret === 'password') {
      inputs.username ??= (
        await ask({
          title: 'Acquire Token: username',
          prompt: 'User principal name',
        })
      ).trim();
    }
    if (choice.secret === 'certificate') {
      if (!inputs.certificatePath) inputs.certificatePath = await this.askCertificateFile();
      const pw =
        args.certificatePassword ??
        (await ask({
          title: 'Acquire Token: certificate password',
          prompt: 'Leave empty when the private key is not encrypted. Used for this request only.',
          password: true,
        }));
      if (pw) inputs.certificatePassword = new SecretCtor(pw);
    }
    if (choice.secret === 'client-secret' || choice.secret === 'password') {
      const kind = choice.secret;
      const key = secretKey(tenantId, kind === 'password' ? inputs.username : clientId, kind);
      const { value, fromStorage } = await this.askSecret(kind, key, args);
      if (!fromStorage) inputs.secretToSave = { key, value };
      inputs.secret = new SecretCtor(value);
    }
    return inputs;
  }

  private async askApp(args: AcquireArgs): Promise<{ tenantId: string; clientId: string }> {
    const last = this.state.get<{ tenantId?: string; clientId?: string }>(LAST_APP_KEY, {});
    const tenantId =
      args.tenantId ??
      (
        await ask({
          title: 'Acquire Token (3/3): tenant',
          prompt: 'Tenant id or domain',
          value: last.tenantId ?? this.host.sandbox?.tenantId ?? '',
          validateInput: (v) =>
            /^[A-Za-z0-9.\-_]{1,256}$/.test(v.trim()) ? undefined : 'A tenant id (GUID) or domain',
        })
      ).trim();
    const clientId =
      args.clientId ??
      (
        await ask({
          title: 'Acquire Token (3/3): client id',
          prompt: 'Application (client) id',
          value: last.clientId ?? '',
          validateInput: (v) => (/^[A-Za-z0-9.\-_]{1,256}$/.test(v.trim()) ? undefined : 'The application (client) id'),
        })
      ).trim();
    return { tenantId, clientId };
  }

  private async askCertificateFile(): Promise<string> {
    const uris = abortIfUndefined(
      await vscode.window.showOpenDialog({
        title: 'Certificate (PEM or PKCS#12 with private key)',
        canSelectMany: false,
        filters: { Certificate: ['pem', 'crt', 'key', 'pfx', 'p12'] },
      }),
    );
    return abortIfUndefined(uris[0]).fsPath;
  }

  /** The client secret or password: the argument, else the saved value if the user wants it, else typed in. */
  private async askSecret(
    kind: 'client-secret' | 'password',
    key: string,
    args: AcquireArgs,
  ): Promise<{ value: string; fromStorage: boolean }> {
    const what = kind === 'password' ? 'password' : 'client secret';
    if (args.secret !== undefined) return { value: args.secret, fromStorage: false };
    const saved = await this.host.context.secrets.get(key);
    if (saved !== undefined) {
      const use = await vscode.window.showQuickPick(['Use the saved value', 'Enter a new value'], {
        title: `A ${what} is saved for this app`,
        ignoreFocusOut: true,
      });
      if (use === undefined) throw new CancelledError();
      if (use === 'Use the saved value') return { value: saved, fromStorage: true };
    }
    const value = await ask({
      title: `Acquire Token: ${what}`,
      prompt: 'Kept in memory for this request only, unless you choose to save it in VS Code’s secret storage',
      password: true,
    });
    return { value, fromStorage: false };
  }

  private acquireWithProgress(
    choice: CredentialChoice,
    scope: string,
    inputs: AppInputs,
    args: AcquireArgs,
  ): Thenable<AcquireOutcome> {
    const { tenantId, clientId } = inputs;
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Azure Auth: acquiring a token (${choice.id === 'chain' ? 'default chain' : choice.id})`,
        cancellable: true,
      },
      async (progress, token) => {
        const { signal, dispose } = toAbortSignal(token, args.cancellation);
        try {
          if (signal.aborted) throw new CancelledError();
          if (choice.id === 'chain' || choice.id === 'chain:diagnose') {
            return await this.host.runChain(
              { scope, mode: choice.id === 'chain' ? this.host.settings().mode : 'diagnose', tenantId },
              signal,
            );
          }
          if (choice.id === VSCODE_ACCOUNT) return await this.viaVsCodeAccount(scope, tenantId, clientId, signal);
          progress.report({ message: choice.label });
          const { secretToSave: _notSent, ...request } = inputs;
          return await this.host.acquireWithFlow({ credential: choice.id, scope, ...request }, signal, {
            onDeviceCode: (info) => void this.showDeviceCode(info),
            openBrowser: (url) => this.openBrowser(url),
          });
        } finally {
          dispose();
        }
      },
    );
  }

  private async openBrowser(url: string): Promise<void> {
    // The test API reads the sign-in page (no secret: PKCE keeps the verifier here).
    this.host.record({ lastBrowserUrl: url });
    this.host.log.info('interactive', 'opening the sign-in page in the browser');
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
    if (!opened)
      this.host.log.warn('interactive', 'the browser did not open: run the command again, or use the device code flow');
  }

  private async offerToSave(secret: { key: string; value: string }, args: AcquireArgs): Promise<void> {
    const save =
      args.saveSecret ??
      (await vscode.window.showInformationMessage(
        'Save this secret in VS Code’s secret storage for next time?',
        'Save',
        'Don’t save',
      )) === 'Save';
    if (!save) return;
    await this.host.context.secrets.store(secret.key, secret.value);
    const keys = new Set(this.state.get<string[]>(SECRET_KEYS_KEY, []));
    keys.add(secret.key);
    await this.state.update(SECRET_KEYS_KEY, [...keys]);
    this.host.log.info('secrets', 'saved a secret in SecretStorage (value not logged)');
  }

  async viaVsCodeAccount(
    scope: string,
    tenantId?: string,
    clientId?: string,
    signal?: AbortSignal,
  ): Promise<AcquireOutcome> {
    const started = Date.now();
    this.host.log.info('vscodeAccount', `VSCodeAccountCredential: start — scope ${scope}`);
    // getSession takes no cancellation token: the user's cancel ends our wait (VS Code closes its own prompt).
    const cancelled = new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(new CancelledError());
      signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true });
    });
    cancelled.catch(() => undefined);
    const { accessToken, account } = await Promise.race([this.account.getToken(scope, tenantId, clientId), cancelled]);
    const core = loadEngine();
    const raw = new core.SecretValue(accessToken);
    const decoded = core.decodeToken(accessToken);
    const exp =
      decoded.ok && decoded.kind === 'jwt' && typeof decoded.payload.exp === 'number'
        ? decoded.payload.exp * 1000
        : Date.now() + 3600_000;
    const summary = core.summarizeToken(accessToken, {
      credential: VSCODE_ACCOUNT,
      scope,
      fromCache: false,
      expiresOnEpochMs: exp,
    });
    const tokenId = this.host.store.addToken('vscode-account', summary, raw, {
      credential: VSCODE_ACCOUNT,
      scopes: [scope],
      tenantId,
      clientId,
    });
    this.host.log.info(
      'vscodeAccount',
      `VSCodeAccountCredential: success in ${Date.now() - started} ms (account ${account})`,
    );
    return { tokenId, summary };
  }

  private async showDeviceCode(info: DeviceCodeInfo): Promise<void> {
    this.host.record({ lastDeviceCode: info });
    this.host.log.info('deviceCode', `device code issued; verification at ${info.verificationUri}`);
    const choice = await vscode.window.showInformationMessage(
      `To sign in, open ${info.verificationUri} and enter the code ${info.userCode}.`,
      'Copy code and open browser',
    );
    if (choice) {
      await vscode.env.clipboard.writeText(info.userCode);
      await vscode.env.openExternal(vscode.Uri.parse(info.verificationUri, true));
    }
  }

  private async rememberScope(scope: string): Promise<void> {
    if (SCOPE_PRESETS.some((p) => p.scope === scope)) return;
    const recent = this.state.get<string[]>(RECENT_SCOPES_KEY, []).filter((s) => s !== scope);
    await this.state.update(RECENT_SCOPES_KEY, [scope, ...recent].slice(0, 8));
  }
}
