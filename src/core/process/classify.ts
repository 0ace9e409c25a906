/**
 * Helpers shared by the developer-tool credentials (az, azd, pwsh): argument validation as the SDKs do it before
 * spawning, and classification of a finished process the way the SDKs read stderr — plus what the SDKs miss
 * (az prints "az login" after an AADSTS error; we keep the AADSTS cause).
 */
import type { ProcessResult } from './types';

export type DevToolClass =
  | 'ok'
  | 'not-installed'
  | 'not-logged-in'
  | 'mfa-required'
  | 'aadsts'
  | 'timeout'
  | 'aborted'
  | 'no-module'
  | 'bad-output'
  | 'other';

/** `^[0-9a-zA-Z-_.:/]+$` — the JS and Go rule for scopes given to developer tools. */
export function isValidDevToolScope(scope: string): boolean {
  return /^[0-9a-zA-Z\-_.:/]+$/.test(scope);
}

/** `^[0-9a-zA-Z-.]+$` — tenant ids (GUID or domain) as the SDKs accept them. */
export function isValidTenantId(tenant: string): boolean {
  return /^[0-9a-zA-Z\-.]+$/.test(tenant);
}

/** Subscription id or name: alphanumerics, `-`, `_`, `.`, space. */
export function isValidSubscription(subscription: string): boolean {
  return /^[0-9a-zA-Z\-_. ]+$/.test(subscription);
}

export const INVALID_SCOPE_MESSAGE = 'Invalid scope was specified by the user or calling client';
export const INVALID_TENANT_MESSAGE =
  'Invalid tenant id provided. You can locate your tenant id by following the instructions listed here: https://learn.microsoft.com/partner-center/find-ids-and-domain-names.';

/** The resource for `az --resource` / `Get-AzAccessToken -ResourceUrl`: the scope without `/.default`. */
export function scopeToResource(scope: string): string {
  return scope.replace(/\/\.default$/, '');
}

/** AADSTS codes mentioned in a text. */
export function aadstsCodes(text: string): number[] {
  return [...new Set([...text.matchAll(/AADSTS(\d{5,7})/g)].map((m) => Number(m[1])))];
}

const MFA_CODES = new Set([50076, 50079, 50074, 50158, 53003, 50005]);

/** The first AADSTS line of a text (the cause), trimmed. */
export function aadstsLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => /AADSTS\d+/.test(l));
  return line?.replace(/^\s*ERROR:\s*/, '').trim();
}

/** Classifies a finished `az` run. */
export function classifyAz(r: ProcessResult): DevToolClass {
  if (r.spawnError === 'ABORTED') return 'aborted';
  if (r.spawnError === 'ENOENT' || r.resolvedPath === null || r.exitCode === 127) return 'not-installed';
  if (r.timedOut) return 'timeout';
  const err = r.stderr;
  if (/az:(.*)not found/.test(err) || /^'az' is not recognized/.test(err)) return 'not-installed';
  if (r.exitCode === 0 && !err.trim()) return 'ok';
  const codes = aadstsCodes(err);
  if (codes.some((c) => MFA_CODES.has(c)) || /multi-factor authentication/i.test(err)) return 'mfa-required';
  if (codes.length) return 'aadsts';
  if (/az login/.test(err) && !/az login --scope/.test(err)) return 'not-logged-in';
  if (r.exitCode === 0) return 'ok';
  return 'other';
}

/** Classifies a finished `azd auth token` run (stderr may be JSON lines in newer azd). */
export function classifyAzd(r: ProcessResult): DevToolClass {
  if (r.spawnError === 'ABORTED') return 'aborted';
  if (r.spawnError === 'ENOENT' || r.resolvedPath === null || r.exitCode === 127) return 'not-installed';
  if (r.timedOut) return 'timeout';
  const err = azdStderrText(r.stderr);
  if (/azd:(.*)not found/.test(err) || /^'azd' is not recognized/.test(err)) return 'not-installed';
  if (r.exitCode === 0) return 'ok';
  if (/must use multi-factor authentication|reauthentication required|AADSTS50076|AADSTS50079/i.test(err))
    return 'mfa-required';
  if (/not logged in|azd auth login|azd login/.test(err)) return 'not-logged-in';
  if (aadstsCodes(err).length) return 'aadsts';
  return 'other';
}

/** azd ≥ 1.23.7 writes `{"error","message","suggestion"}`; older `{"type":"consoleMessage","data":{"message"}}`. */
export function azdStderrText(stderr: string): string {
  const parts: string[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const t = line.trim();
    if (!t) continue;
    if (t.startsWith('{')) {
      try {
        const j = JSON.parse(t) as {
          message?: unknown;
          error?: unknown;
          suggestion?: unknown;
          data?: { message?: unknown };
        };
        const m = [j.message, j.error, j.data?.message, j.suggestion].filter((x): x is string => typeof x === 'string');
        if (m.length) {
          parts.push(m.join(' '));
          continue;
        }
      } catch {
        /* not JSON: keep as text */
      }
    }
    parts.push(t);
  }
  return parts.join('\n');
}

/** Classifies a finished pwsh run of our Get-AzAccessToken script. */
export function classifyPwsh(r: ProcessResult): DevToolClass {
  if (r.spawnError === 'ABORTED') return 'aborted';
  if (r.spawnError === 'ENOENT' || r.resolvedPath === null || r.exitCode === 127) return 'not-installed';
  if (r.timedOut) return 'timeout';
  if (/NoAzAccountModule/.test(r.stdout) || /NoAzAccountModule/.test(r.stderr)) return 'no-module';
  if (/Connect-AzAccount/i.test(r.stderr) || /Connect-AzAccount/i.test(r.stdout)) return 'not-logged-in';
  const codes = aadstsCodes(r.stderr);
  if (codes.some((c) => MFA_CODES.has(c))) return 'mfa-required';
  if (codes.length) return 'aadsts';
  if (r.exitCode === 0) return 'ok';
  return 'other';
}

/** Text worth showing from stderr: trimmed, at most a few lines. */
export function stderrExcerpt(stderr: string, maxChars = 600): string {
  const t = stderr.trim();
  return t.length > maxChars ? `${t.slice(0, maxChars)}…` : t;
}

/**
 * Parses an expiry the tools print: epoch seconds (number or numeric string), .NET ticks, RFC 3339, or the Azure
 * CLI's local-time `YYYY-MM-DD HH:MM:SS.ffffff` (no offset: local time, as the SDKs read it).
 */
export function parseToolExpiry(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return numericExpiry(v);
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return numericExpiry(Number(s));
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(s);
  if (local) {
    const [, y, mo, d, h, mi, se, frac] = local;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms).getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function numericExpiry(n: number): number | undefined {
  if (n <= 0) return undefined;
  if (n > 1e17) return Math.round((n - 621_355_968_000_000_000) / 10_000); // .NET ticks
  if (n > 1e12) return Math.round(n); // already ms
  return Math.round(n * 1000);
}
