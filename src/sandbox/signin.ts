/**
 * signIn(): drives the sandbox's authorize page the way a browser would — GET the page, POST the sign-in form (and the
 * MFA and consent steps when they appear), then deliver the result to the redirect URI (follow a 302 with GET, or
 * submit the form_post form with POST). Used by tests as msal-node's `openBrowser`.
 */
import http from 'node:http';
import https from 'node:https';
import type { SandboxImpl } from './sandbox';

export interface SignInOptions {
  /** MFA code (default: the user's configured mfaCode). */
  otp?: string;
  /** Accept the consent page (default true); false presses Cancel there. */
  consent?: boolean;
  /** Press Cancel on the sign-in page instead of signing in. */
  decline?: boolean;
  /** Deliver the result to the redirect URI (default true). */
  deliver?: boolean;
}

export interface SignInResult {
  /** Where the browser was sent (redirect URI with its parameters), if it got that far. */
  redirectUri?: string;
  /** The parameters delivered to the redirect URI (code, state, client_info, session_state, or error…). */
  params: Record<string, string>;
  /** How the result was delivered. */
  mode: 'query' | 'fragment' | 'form_post' | 'none';
  /** Status and body of the redirect URI's answer, when delivered. */
  callbackStatus?: number;
  callbackBody?: string;
  /** Text of the error shown on a sandbox page (bad password, unknown app, …) when the flow stopped there. */
  pageError?: string;
}

interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  url: string,
  opts: { method: string; body?: string; headers?: Record<string, string>; ca?: string },
): Promise<Resp> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: opts.method,
        headers: {
          'user-agent': 'azauth-sandbox-signin',
          ...(opts.body !== undefined
            ? {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(opts.body)),
              }
            : {}),
          ...opts.headers,
        },
        ...(u.protocol === 'https:' ? { ca: opts.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`signIn: ${opts.method} ${u.origin}${u.pathname} timed out`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    out[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return out;
}

function formAction(html: string): string | undefined {
  const m = /<form method="(?:post|POST)"[^>]*action="([^"]*)"/.exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
}

function pageError(html: string): string | undefined {
  const m = /<p class="error" id="error" role="alert">([^<]*)<\/p>/.exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
}

function step(html: string): string | undefined {
  return /<input type="hidden" name="step" value="([a-z]+)">/.exec(html)?.[1];
}

export async function signIn(
  sb: SandboxImpl,
  authorizeUrl: string,
  username: string,
  password: string,
  options: SignInOptions = {},
): Promise<SignInResult> {
  const ca = sb.caPem;
  const user = sb.userByName(username);
  const page = await request(authorizeUrl, { method: 'GET', ca });
  let resp: Resp = page;
  let origin = new URL(authorizeUrl).origin;
  let first = true;
  let mfaTried = false;
  for (let i = 0; i < 5; i++) {
    if (resp.status === 302 || resp.status === 303) break;
    const isFormPost = /name="hiddenform"/.test(resp.body);
    if (isFormPost) break;
    const action = formAction(resp.body);
    const s = step(resp.body);
    if (!action || !s)
      return { params: {}, mode: 'none', pageError: pageError(resp.body) ?? `unexpected page (HTTP ${resp.status})` };
    if (!first && s === 'credentials')
      return { params: {}, mode: 'none', pageError: pageError(resp.body) ?? 'sign-in failed' };
    first = false;
    const fields = hiddenInputs(resp.body);
    if (s === 'credentials') {
      Object.assign(fields, { username, password, action: options.decline ? 'decline' : 'signin' });
    } else if (s === 'mfa') {
      if (mfaTried)
        return { params: {}, mode: 'none', pageError: pageError(resp.body) ?? 'multi-factor authentication failed' };
      mfaTried = true;
      Object.assign(fields, { otp: options.otp ?? user?.mfaCode ?? '', action: 'signin' });
    } else if (s === 'consent') {
      Object.assign(fields, { action: options.consent === false ? 'decline' : 'accept' });
    }
    const target = new URL(action, origin).toString();
    origin = new URL(target).origin;
    resp = await request(target, { method: 'POST', body: new URLSearchParams(fields).toString(), ca });
    if (resp.status >= 400 && !/name="step"/.test(resp.body))
      return { params: {}, mode: 'none', pageError: pageError(resp.body) ?? `HTTP ${resp.status}` };
  }
  const deliverIt = options.deliver !== false;
  if (resp.status === 302 || resp.status === 303) {
    const location = String(resp.headers.location ?? '');
    const u = new URL(location);
    const hash = u.hash.startsWith('#') ? new URLSearchParams(u.hash.slice(1)) : undefined;
    const params = Object.fromEntries((hash ?? u.searchParams).entries());
    const mode = hash ? 'fragment' : 'query';
    if (!deliverIt || hash) return { redirectUri: location, params, mode };
    const cb = await request(location, { method: 'GET', ca });
    return { redirectUri: location, params, mode, callbackStatus: cb.status, callbackBody: cb.body };
  }
  if (/name="hiddenform"/.test(resp.body)) {
    const action = formAction(resp.body)!;
    const params = hiddenInputs(resp.body);
    if (!deliverIt) return { redirectUri: action, params, mode: 'form_post' };
    const cb = await request(action, { method: 'POST', body: new URLSearchParams(params).toString(), ca });
    return { redirectUri: action, params, mode: 'form_post', callbackStatus: cb.status, callbackBody: cb.body };
  }
  return { params: {}, mode: 'none', pageError: pageError(resp.body) ?? `unexpected page (HTTP ${resp.status})` };
}
