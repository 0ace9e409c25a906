/**
 * IMDS (VMs, scale sets, AKS nodes): the DefaultAzureCredential probe (1 s, no Metadata header, no query; any HTTP
 * response means "available" except Docker Desktop's 403 "unreachable"), then the token request with the retries the
 * IMDS guidance asks for (404, 410, 429, 5xx; backoff and Retry-After; bounded in total time).
 */
import type { HttpResponse, RetryPolicy } from '../../http/types';
import { isHttpRequestError } from '../../http/client';
import { classifyRequestFailure } from '../../http/failure';
import { CredentialUnavailableError, type AccessTokenResult, type StepContext } from '../types';
import {
  errorText,
  jsAnswerUnavailable,
  miError,
  miNetworkError,
  notAssignedError,
  tokenFromResponse,
  totalBudget,
  withQuery,
  type UserAssigned,
} from './common';
import { newestRelease } from '../../sdk/releases';
import { JS_LEGACY_NO_MSI, jsLegacyImdsError, jsLegacyMi } from './js-wording';
import { compareVersions } from '../../sdk/version';
import { pyImdsProblem } from './py-wording';

export const IMDS_DEFAULT = 'http://169.254.169.254';
export const IMDS_PATH = '/metadata/identity/oauth2/token';
export const IMDS_API_VERSION = '2018-02-01';
const IMDS_STATUS = [404, 410, 429, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511];

export function imdsBase(ctx: StepContext): { base: string; from: string } {
  if (ctx.options.imdsEndpoint)
    return { base: ctx.options.imdsEndpoint.replace(/\/+$/, ''), from: 'option imdsEndpoint' };
  const pod = ctx.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  if (pod) return { base: pod.replace(/\/+$/, ''), from: 'AZURE_POD_IDENTITY_AUTHORITY_HOST' };
  return { base: IMDS_DEFAULT, from: 'default' };
}

/**
 * IMDS retry policy of the run's SDK release (src/core/sdk/rules.ts, imdsRetry): Go 5 retries from 2 s; JS 3 retries
 * from 800 ms before 4.1.0, then 5 with core-util's jitter (each delay in the upper half of its exponential step);
 * 410 retried from 3 s (JS 4.11+, .NET 1.15+) so the retries span about 70 s, and not at all by JS before 4.11.
 */
export function imdsRetry(ctx: StepContext): RetryPolicy {
  const rule = (ctx.release ?? newestRelease(ctx.profile)).rules.imdsRetry;
  const policy: RetryPolicy = {
    maxRetries: rule.maxRetries,
    statusCodes: rule.retry410 ? IMDS_STATUS : IMDS_STATUS.filter((s) => s !== 410),
    baseDelayMs: rule.baseDelayMs,
    ...(rule.min410DelayMs ? { baseDelayByStatusMs: { 410: Math.max(rule.min410DelayMs, rule.baseDelayMs) } } : {}),
    maxDelayMs: ctx.profile === 'js' ? 64_000 : 60_000,
    maxTotalMs: totalBudget(ctx),
    retryNetworkErrors: true,
    jitter: rule.jitter,
  };
  // Retrying an unreachable network is for a VM whose network is still coming up. When the hosting fingerprint
  // already says no managed-identity endpoint exists here and the address is IMDS's own, ENETUNREACH is the answer.
  // Read only when a network error asks: the chain reads its fingerprint off the verdict path (chain/hosting.ts).
  const noEndpoint = () =>
    ctx.prediction?.verdict === 'unavailable' && imdsBase(ctx).from === 'default' ? ctx.prediction : undefined;
  return Object.defineProperties(policy, {
    noRetryCodes: { enumerable: true, get: () => (noEndpoint() ? ['ENETUNREACH', 'EHOSTUNREACH'] : undefined) },
    noRetryReason: {
      enumerable: true,
      get: () => {
        const p = noEndpoint();
        return p ? `the hosting fingerprint says no managed-identity endpoint exists here (${p.reason})` : undefined;
      },
    },
  });
}

/** How long the SDK would keep retrying a 404 (or another status: 410 may start later), as the sum of its backoff
 * delays; the mean when the delays are jittered. */
export function imdsRetrySpanSeconds(ctx: StepContext, status = 404): number {
  const p = imdsRetry(ctx);
  const base = p.baseDelayByStatusMs?.[status] ?? p.baseDelayMs;
  let total = 0;
  for (let i = 1; i <= p.maxRetries; i++) total += Math.min(p.maxDelayMs, base * 2 ** (i - 1));
  if (p.jitter === 'half') total *= 0.75;
  return Math.round(total / 100) / 10;
}

/**
 * Python's probe limits the connection only (azure/identity/_credentials/imds.py, read in 1.13.0b2:
 * connection_timeout=0.3, then azure-core's 300 s read timeout), so an endpoint that accepts is waited for; the other
 * SDKs limit the whole request. CHANGELOG 1.15.0b1: "This probe request timeout has been increased to 1 second from
 * 0.3 seconds".
 */
function pyProbeConnectMs(ctx: StepContext): number {
  return compareVersions(ctx.release?.version ?? '99', '1.15.0b1') >= 0 ? 1000 : 300;
}

async function probe(ctx: StepContext, base: string): Promise<void> {
  const py = ctx.profile === 'python';
  const timeoutMs = py ? (ctx.options.stepTimeoutMs ?? 30_000) : (ctx.options.imdsProbeTimeoutMs ?? 1000);
  const connectMs = py ? pyProbeConnectMs(ctx) : undefined;
  const limit = py ? `${connectMs} ms to connect` : `${timeoutMs} ms limit`;
  ctx.trace.note(
    'info',
    `probing IMDS (DefaultAzureCredential only): GET without Metadata header, ${limit}, no retries`,
  );
  let r: HttpResponse;
  try {
    r = await ctx.http.send({
      method: 'GET',
      url: `${base}${IMDS_PATH}`,
      headers: { Accept: 'application/json' },
      timeoutMs,
      ...(py ? { connectTimeoutMs: connectMs } : {}),
      signal: ctx.signal,
    });
  } catch (e) {
    if (isHttpRequestError(e) && e.kind === 'aborted') throw e;
    const timedOut = isHttpRequestError(e) && e.kind === 'timeout';
    const msg =
      ctx.profile === 'go'
        ? timedOut
          ? 'managed identity timed out. See https://aka.ms/azsdk/go/identity/troubleshoot#dac for more information'
          : `failed to reach the IMDS endpoint: ${(e as Error).message}`
        : ctx.profile === 'js'
          ? `ManagedIdentityCredential: Attempted to use the IMDS endpoint, but it is not available. (${(e as Error).message})`
          : `ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint. (${(e as Error).message})`;
    if (py) {
      // The SDK's own words; the engine's reason goes to the trace and to error.networkFailure.
      ctx.trace.note('info', `IMDS probe: ${(e as Error).message}: not an Azure VM, or IMDS blocked/slow`);
      throw Object.assign(
        new CredentialUnavailableError(
          'ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.',
        ),
        { networkFailure: isHttpRequestError(e) ? classifyRequestFailure(e) : 'network' },
      );
    }
    if (ctx.profile === 'js') {
      // @azure/identity's own words (its probe's CredentialUnavailableError, re-wrapped by ManagedIdentityCredential's
      // catch-all); the engine's reason goes to the trace and to error.networkFailure.
      ctx.trace.note(
        'info',
        `${msg}${timedOut ? ` — no answer within the ${timeoutMs} ms probe limit: not an Azure VM, or IMDS blocked/slow` : ''}`,
      );
      throw Object.assign(
        new CredentialUnavailableError(
          jsLegacyMi(ctx)
            ? JS_LEGACY_NO_MSI
            : 'ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available.',
        ),
        {
          networkFailure: isHttpRequestError(e) ? classifyRequestFailure(e) : 'network',
        },
      );
    }
    const err = miError(
      ctx,
      'unavailable',
      `${msg}${timedOut ? ` — no answer within the ${timeoutMs} ms probe limit: not an Azure VM, or IMDS blocked/slow` : ''}`,
      {
        kind: timedOut ? 'timeout' : 'network',
      },
    );
    throw Object.assign(err, { networkFailure: isHttpRequestError(e) ? classifyRequestFailure(e) : 'network' });
  }
  if (r.status === 403 && /unreachable/i.test(r.bodyText)) {
    throw miError(
      ctx,
      'unavailable',
      'ManagedIdentityCredential: the IMDS address answered 403 "unreachable" (Docker Desktop answers this for 169.254.169.254): no managed identity here',
      {
        httpStatus: 403,
      },
    );
  }
  ctx.trace.note('info', `IMDS probe answered HTTP ${r.status}: the endpoint exists, requesting a token`);
}

export async function imdsToken(
  ctx: StepContext,
  resource: string,
  id: UserAssigned | undefined,
): Promise<AccessTokenResult> {
  const { base, from } = imdsBase(ctx);
  ctx.trace.config({ endpoints: [{ name: `IMDS (${from})`, url: `${base}${IMDS_PATH}` }] });
  const doProbe =
    ctx.inChain && ctx.imdsProbe !== false && !(ctx.profile === 'js' && ctx.env.AZURE_POD_IDENTITY_AUTHORITY_HOST);
  if (doProbe) await probe(ctx, base);
  const url = withQuery(`${base}${IMDS_PATH}`, {
    'api-version': IMDS_API_VERSION,
    resource,
    client_id: id?.kind === 'clientId' ? id.value : undefined,
    object_id: id?.kind === 'objectId' ? id.value : undefined,
    msi_res_id: id?.kind === 'resourceId' ? id.value : undefined,
  });
  const diagnose = ctx.mode === 'diagnose';
  const policy = imdsRetry(ctx);
  // Diagnose mode reports a 404 at once (the identity may still be appearing) and says how long the SDK would wait.
  const retry: RetryPolicy = diagnose
    ? Object.defineProperties({} as RetryPolicy, {
        ...Object.getOwnPropertyDescriptors(policy),
        statusCodes: { enumerable: true, value: policy.statusCodes.filter((s) => s !== 404 && s !== 410) },
      })
    : policy;
  let r: HttpResponse;
  try {
    r = await ctx.http.send({
      method: 'GET',
      url,
      headers: { Metadata: 'true' },
      timeoutMs: 60_000,
      signal: ctx.signal,
      retry,
    });
  } catch (e) {
    throw miNetworkError(ctx, 'IMDS', e);
  }
  // Python reads every answer as a token response, whatever its status (py-wording.ts); diagnose keeps its 404 / 410.
  const pyReads = ctx.profile === 'python' && !((r.status === 404 || r.status === 410) && diagnose);
  const pyProblem = pyReads ? pyImdsProblem(ctx, r, ctx.inChain || id !== undefined) : undefined;
  if (pyProblem) throw pyProblem;
  if (r.status === 200 || pyReads) return tokenFromResponse(ctx, r, 'Imds');
  throw imdsFailure(ctx, r, id, diagnose);
}

/** The error for an IMDS answer that is not a token, as the run's SDK words and classes it. */
function imdsFailure(ctx: StepContext, r: HttpResponse, id: UserAssigned | undefined, diagnose: boolean): Error {
  const { text, codes, oauthError } = errorText(r);
  if (jsLegacyMi(ctx) && !((r.status === 404 || r.status === 410) && diagnose)) return jsLegacyImdsError(ctx, r);
  if (ctx.profile === 'js' && !((r.status === 404 || r.status === 410) && ctx.mode === 'diagnose'))
    return jsAnswerUnavailable(ctx, 'IMDS', r, text);
  if ((r.status === 404 || r.status === 410) && diagnose) {
    return miError(
      ctx,
      'unavailable',
      `identity not available yet: IMDS answered ${r.status} (${text}); the SDK would keep retrying for about ${imdsRetrySpanSeconds(ctx, r.status)} s before giving up`,
      { httpStatus: r.status },
    );
  }
  if (r.status === 400) {
    if (id) return notAssignedError(ctx, 'IMDS', id, { text, codes, oauthError });
    const multiple = /multiple user assigned identities/i.test(text);
    return miError(
      ctx,
      'unavailable',
      multiple
        ? `failed to authenticate a system assigned identity: ${text} — set AZURE_CLIENT_ID (or the managed-identity client id option) to the one to use`
        : `failed to authenticate a system assigned identity. The endpoint responded with ${text}`,
      { httpStatus: 400, errorCodes: codes, oauthError },
    );
  }
  const after = r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
  return miError(ctx, 'failed', `IMDS answered HTTP ${r.status}${after}: ${text}`, {
    httpStatus: r.status,
    errorCodes: codes,
    oauthError,
    kind: codes.length ? 'aadsts' : 'http',
  });
}
