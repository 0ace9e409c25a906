import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Azure Auth Debugger', { log: true });
  context.subscriptions.push(log);
  log.info('[activate] Azure Auth Debugger activated');
}

export function deactivate(): void {}
