// Token Inspector webview (built in issue #5).
export {};
