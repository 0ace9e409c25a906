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

const ATTR_UNSAFE = /["'<>&\s]/;

export function inspectorHtml(u: ShellUris): string {
  // The values are URIs and a base64 nonce the host made; refuse anything that could leave an attribute.
  for (const v of [u.script, u.style, u.codicons, u.nonce]) if (ATTR_UNSAFE.test(v)) throw new Error('unsafe value for the webview shell');
  if (/["<>]/.test(u.cspSource)) throw new Error('unsafe cspSource');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(u.cspSource, u.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${u.codicons}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${u.style}">
<title>Token Inspector</title>
</head>
<body>
<main id="app" aria-label="Token Inspector"></main>
<script nonce="${u.nonce}" src="${u.script}"></script>
</body>
</html>`;
}
