/**
 * The Token Inspector's HTML shell and Content Security Policy (pure: no vscode import, tested in plain node).
 * Scripts run only with the per-load nonce; styles and fonts only from the webview's own resource origin;
 * nothing else is allowed (default-src 'none'). The shell holds no data: everything arrives by message.
 */
import { randomBytes } from 'node:crypto';

/** A fresh nonce for every load of the webview HTML (128 bits from the OS CSPRNG). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface ShellUris {
  cspSource: string;
  nonce: string;
  script: string;
  style: string;
  codicons: string;
}

/** Escapes a value for a double-quoted HTML attribute. */
function attr(v: string): string {
  return v
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function inspectorHtml(u: ShellUris): string {
  // The nonce is ours (base64) and goes into the CSP too: refuse anything else. URIs are escaped as attributes.
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(u.nonce)) throw new Error('unsafe nonce for the webview shell');
  // cspSource is VS Code's own source list (it may hold several sources, e.g. "'self' https://*.vscode-cdn.net").
  if (/[\r\n"<>;,]/.test(u.cspSource)) throw new Error('unsafe cspSource for the webview shell');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(u.cspSource, u.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(u.codicons)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${attr(u.style)}">
<title>Token Inspector</title>
</head>
<body>
<main id="app" aria-label="Token Inspector"></main>
<script nonce="${u.nonce}" src="${attr(u.script)}"></script>
</body>
</html>`;
}
