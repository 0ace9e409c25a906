/**
 * Typed ids shared with package.json: commands, views, context keys and setting keys. A test
 * (test/suite/manifest.test.ts) asserts that package.json contributes exactly these commands and that each is registered.
 */
export const EXTENSION_ID = 'azure-auth-debugger.azure-auth-debugger';

export const Commands = {
  acquireToken: 'azureAuthDebugger.acquireToken',
  runChain: 'azureAuthDebugger.runChain',
  diagnoseChain: 'azureAuthDebugger.diagnoseChain',
  decodeToken: 'azureAuthDebugger.decodeToken',
  explainError: 'azureAuthDebugger.explainError',
  showInspector: 'azureAuthDebugger.showInspector',
  copyAccessToken: 'azureAuthDebugger.copyAccessToken',
  refreshToken: 'azureAuthDebugger.refreshToken',
  pinToken: 'azureAuthDebugger.pinToken',
  clearTokens: 'azureAuthDebugger.clearTokens',
  setChainSecret: 'azureAuthDebugger.setChainEnvironmentSecret',
  startSandbox: 'azureAuthDebugger.startSandbox',
  stopSandbox: 'azureAuthDebugger.stopSandbox',
  exportTrace: 'azureAuthDebugger.exportTrace',
  openSettings: 'azureAuthDebugger.openSettings',
  showLog: 'azureAuthDebugger.showLog',
  refreshViews: 'azureAuthDebugger.refreshViews',
  tryToken: 'azureAuthDebugger.tryToken',
  enableAppTrace: 'azureAuthDebugger.enableAppTrace',
  disableAppTrace: 'azureAuthDebugger.disableAppTrace',
  // Item commands (context menus; hidden from the palette).
  acquireWithCredential: 'azureAuthDebugger.acquireWithCredential',
  showStepTrace: 'azureAuthDebugger.showStepTrace',
  copyItemText: 'azureAuthDebugger.copyItemText',
  showTokenInInspector: 'azureAuthDebugger.showTokenInInspector',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'azureAuthDebugger',
  chain: 'azureAuthDebugger.chain',
  tokens: 'azureAuthDebugger.tokens',
} as const;

/** Context keys (used in package.json `when` clauses). */
export const ContextKeys = {
  hasRun: 'azureAuthDebugger.hasRun',
  hasTokens: 'azureAuthDebugger.hasTokens',
  sandboxRunning: 'azureAuthDebugger.sandboxRunning',
  appTraceOn: 'azureAuthDebugger.appTraceOn',
} as const;

/** Tree item contextValues (used in package.json `view/item/context` menus). */
export const ItemContext = {
  step: 'credentialStep',
  stepWithTrace: 'credentialStep.trace',
  vscodeAccount: 'vscodeAccount',
  sandbox: 'sandbox',
  observed: 'observedRun',
  detail: 'detail',
  token: 'token',
  tokenRefreshable: 'token.refreshable',
  /** Suffix for a token that is not the status-bar token (offers "Pin to Status Bar"). */
  unpinnedSuffix: '.unpinned',
} as const;

export const OUTPUT_CHANNEL_NAME = 'Azure Auth Debugger';
export const CONFIG_SECTION = 'azureAuthDebugger';
