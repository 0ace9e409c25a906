/**
 * The sandbox's small HTML pages: sign-in (credentials, MFA code, consent), device-code verification, the form_post
 * bridge and error pages. Plain forms that a person, a browser test or signIn() can drive. Everything is escaped.
 */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font-family:Segoe UI,system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:36px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.4em;font-weight:600;margin:0 0 12px}
.banner{font-size:.8em;color:#666;margin-bottom:18px}
label{display:block;margin:12px 0 4px}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:6px;border:0;border-bottom:1px solid #666;font-size:1em}
.error{color:#e81123;margin:10px 0;white-space:pre-wrap}
.buttons{margin-top:24px;display:flex;gap:8px;justify-content:flex-end}
button{padding:6px 20px;font-size:1em;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#ccc;border-color:#ccc;color:#000}
ul{padding-left:20px}
code{background:#eee;padding:1px 4px}
`;

function layout(title: string, inner: string, headExtra = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style>${headExtra}</head>
<body><main><div class="banner">Azure Auth Debugger · local sandbox tenant (not Microsoft)</div>${inner}</main></body></html>`;
}

export interface SignInPageModel {
  action: string;
  txn: string;
  appName: string;
  tenantName: string;
  step: 'credentials' | 'mfa' | 'consent';
  loginHint?: string;
  username?: string;
  scopes: string[];
  error?: string;
  users: string[];
}

export function signInPage(m: SignInPageModel): string {
  const err = m.error ? `<p class="error" id="error" role="alert">${esc(m.error)}</p>` : '';
  let body: string;
  if (m.step === 'credentials') {
    body = `<h1>Sign in</h1><p>to continue to <b>${esc(m.appName)}</b> (${esc(m.tenantName)})</p>${err}
<form method="post" action="${esc(m.action)}" id="signin">
<input type="hidden" name="txn" value="${esc(m.txn)}">
<input type="hidden" name="step" value="credentials">
<label for="username">Email or username</label>
<input type="email" id="username" name="username" value="${esc(m.loginHint ?? '')}" list="sandbox-users" autocomplete="username" required>
<datalist id="sandbox-users">${m.users.map((u) => `<option value="${esc(u)}">`).join('')}</datalist>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="buttons"><button type="submit" name="action" value="decline" class="secondary" formnovalidate>Cancel</button><button type="submit" name="action" value="signin" id="submit">Sign in</button></div>
</form>`;
  } else if (m.step === 'mfa') {
    body = `<h1>Verify your identity</h1><p>${esc(m.username ?? '')} must complete multi-factor authentication. Enter the code from your authenticator app (the sandbox user's <code>mfaCode</code>).</p>${err}
<form method="post" action="${esc(m.action)}" id="mfa">
<input type="hidden" name="txn" value="${esc(m.txn)}">
<input type="hidden" name="step" value="mfa">
<label for="otp">Code</label><input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required>
<div class="buttons"><button type="submit" name="action" value="decline" class="secondary" formnovalidate>Cancel</button><button type="submit" name="action" value="signin" id="submit">Verify</button></div>
</form>`;
  } else {
    body = `<h1>Permissions requested</h1><p><b>${esc(m.appName)}</b> wants to:</p><ul>${m.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<p>Signed in as ${esc(m.username ?? '')}.</p>${err}
<form method="post" action="${esc(m.action)}" id="consent">
<input type="hidden" name="txn" value="${esc(m.txn)}">
<input type="hidden" name="step" value="consent">
<input type="hidden" name="consent" value="on">
<div class="buttons"><button type="submit" name="action" value="decline" class="secondary">Cancel</button><button type="submit" name="action" value="accept" id="submit">Accept</button></div>
</form>`;
  }
  return layout('Sign in to your account', body);
}

export function errorPage(title: string, message: string, details: Record<string, string> = {}): string {
  const rows = Object.entries(details)
    .map(([k, v]) => `<div><b>${esc(k)}:</b> <span>${esc(v)}</span></div>`)
    .join('');
  return layout(title, `<h1>${esc(title)}</h1><p class="error" id="error" role="alert">${esc(message)}</p>${rows}`);
}

export function formPostPage(action: string, fields: Record<string, string>, nonce: string): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return `<!DOCTYPE html><html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="${esc(action)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form>
<script nonce="${esc(nonce)}">document.forms[0].submit();</script></body></html>`;
}

export interface DevicePageModel {
  action: string;
  error?: string;
  done?: string;
  userCode?: string;
  appName?: string;
  users: string[];
  needsMfa?: boolean;
}

export function deviceLoginPage(m: DevicePageModel): string {
  if (m.done)
    return layout(
      'Device sign-in',
      `<h1>${esc(m.done)}</h1><p id="done">You can close this window and return to the device.</p>`,
    );
  const err = m.error ? `<p class="error" id="error" role="alert">${esc(m.error)}</p>` : '';
  return layout(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code displayed on your app or device${m.appName ? ` (${esc(m.appName)})` : ''}, then sign in.</p>${err}
<form method="post" action="${esc(m.action)}" id="device">
<label for="user_code">Code</label><input type="text" id="user_code" name="user_code" value="${esc(m.userCode ?? '')}" autocomplete="off" required>
<label for="username">Email or username</label><input type="email" id="username" name="username" list="sandbox-users" autocomplete="username">
<datalist id="sandbox-users">${m.users.map((u) => `<option value="${esc(u)}">`).join('')}</datalist>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">
<label for="otp">MFA code (only for users that require MFA)</label><input type="text" id="otp" name="otp" autocomplete="one-time-code">
<div class="buttons"><button type="submit" name="action" value="decline" class="secondary">Decline</button><button type="submit" name="action" value="approve" id="submit">Continue</button></div>
</form>`,
  );
}
