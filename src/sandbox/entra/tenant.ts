/**
 * The tenant segment of an Entra URL, and the way every Entra endpoint answers: AADSTS error bodies with the headers
 * ESTS sends (request ids, no-store), and a guard that turns a thrown AadError into that answer.
 */
import { randomUUID } from 'node:crypto';
import { AadError, aad, aadErrorBody, type AadErrorSpec } from '../errors';
import { header, sendJson, type Ctx } from '../http';
import type { SandboxImpl } from '../sandbox';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALIASES = ['common', 'organizations', 'consumers'] as const;
export type Alias = (typeof ALIASES)[number];

export interface TenantRef {
  segment: string;
  /** Concrete tenant id, undefined for common / organizations / consumers. */
  tenantId?: string;
  alias?: Alias;
}

export function resolveTenant(sb: SandboxImpl, segment: string, notFoundError = 'invalid_request'): TenantRef {
  const seg = segment.trim();
  const lower = seg.toLowerCase();
  if ((ALIASES as readonly string[]).includes(lower)) return { segment: lower, alias: lower as Alias };
  const t = sb.config.tenants.find((x) => x.id === lower || x.domain === lower);
  if (t) return { segment: seg, tenantId: t.id };
  if (!GUID.test(seg) && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(seg)) throw aad.invalidTenantFormat(seg.slice(0, 200));
  throw aad.tenantNotFound(seg, notFoundError);
}

function correlation(ctx: Ctx): string | undefined {
  return header(ctx, 'client-request-id');
}

export function sendAadError(
  sb: SandboxImpl,
  ctx: Ctx,
  err: AadError | AadErrorSpec,
  extraHeaders: Record<string, string> = {},
): void {
  const spec = err instanceof AadError ? err.spec : err;
  const body = aadErrorBody(spec, sb.nowMs(), correlation(ctx));
  sendJson(ctx, spec.status, body, { ...responseHeaders(ctx, body.correlation_id), ...extraHeaders });
}

export function responseHeaders(ctx: Ctx, corr?: string): Record<string, string> {
  const h: Record<string, string> = {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': randomUUID(),
    'x-ms-ests-server': '2.1.sandbox',
  };
  const c = corr ?? correlation(ctx);
  if (c) h['client-request-id'] = c;
  return h;
}

export async function guard(sb: SandboxImpl, ctx: Ctx, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AadError) sendAadError(sb, ctx, e);
    else throw e;
  }
}
