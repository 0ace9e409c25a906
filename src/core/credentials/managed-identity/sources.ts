/**
 * The managed-identity sources that answer one request with a token (App Service / Functions / Container Apps, Cloud
 * Shell, Azure ML, Service Fabric): each builds its request as msal-node does, sends it through the traced client with
 * the source retry policy, and turns the answer into a token or a classified error. IMDS (imds.ts) and Arc (arc.ts)
 * need more than one request and live apart.
 */
import type { HttpResponse } from '../../http/types';
import type { AccessTokenResult, StepContext } from '../types';
import {
  defaultSourceRetry,
  describeIdentity,
  errorText,
  jsAnswerUnavailable,
  miError,
  miNetworkError,
  notAssignedError,
  tokenFromResponse,
  withQuery,
  type MiSource,
  type UserAssigned,
} from './common';

/** One request to the source's endpoint for `resource`, as the identity `id` (undefined: system-assigned). */
type SourceToken = (ctx: StepContext, resource: string, id: UserAssigned | undefined) => Promise<AccessTokenResult>;

const SOURCE_NAME: Record<MiSource, string> = {
  ServiceFabric: 'Service Fabric',
  AppService: 'App Service',
  MachineLearning: 'Azure ML',
  CloudShell: 'Cloud Shell',
  AzureArc: 'Azure Arc',
  Imds: 'IMDS',
};

async function send(
  ctx: StepContext,
  source: MiSource,
  req: Parameters<StepContext['http']['send']>[0],
): Promise<HttpResponse> {
  try {
    return await ctx.http.send({ signal: ctx.signal, timeoutMs: 30_000, retry: defaultSourceRetry(ctx), ...req });
  } catch (e) {
    throw miNetworkError(ctx, SOURCE_NAME[source], e);
  }
}

function answer(ctx: StepContext, source: MiSource, r: HttpResponse, id: UserAssigned | undefined): AccessTokenResult {
  if (r.status === 200) return tokenFromResponse(ctx, r, source);
  const e = errorText(r);
  if (ctx.profile === 'js') throw jsAnswerUnavailable(ctx, source, r, e.text);
  if (r.status === 400 && id) throw notAssignedError(ctx, source, id, e);
  const after = r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
  throw miError(ctx, 'failed', `${source} answered HTTP ${r.status}${after}: ${e.text}`, {
    httpStatus: r.status,
    errorCodes: e.codes,
    oauthError: e.oauthError,
  });
}

export const appServiceToken: SourceToken = async (ctx, resource, id) => {
  const env = ctx.env;
  const url = withQuery(env.IDENTITY_ENDPOINT!, {
    'api-version': '2019-08-01',
    resource,
    client_id: id?.kind === 'clientId' ? id.value : undefined,
    object_id: id?.kind === 'objectId' ? id.value : undefined,
    mi_res_id: id?.kind === 'resourceId' ? id.value : undefined,
  });
  ctx.trace.config({ endpoints: [{ name: 'App Service (IDENTITY_ENDPOINT)', url: env.IDENTITY_ENDPOINT! }] });
  const source = 'AppService';
  return answer(
    ctx,
    source,
    await send(ctx, source, { method: 'GET', url, headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER! } }),
    id,
  );
};

export const cloudShellToken: SourceToken = async (ctx, resource, id) => {
  const env = ctx.env;
  if (id) {
    throw miError(
      ctx,
      'unavailable',
      `Specifying a user-assigned managed identity is not supported for CloudShell at runtime. When using Managed Identity in CloudShell, omit the clientId, resourceId and objectId (got ${describeIdentity(id)} from ${id.from}).`,
    );
  }
  ctx.trace.config({ endpoints: [{ name: 'Cloud Shell (MSI_ENDPOINT)', url: env.MSI_ENDPOINT! }] });
  const source = 'CloudShell';
  return answer(
    ctx,
    source,
    await send(ctx, source, {
      method: 'POST',
      url: env.MSI_ENDPOINT!,
      headers: { Metadata: 'true' },
      body: new URLSearchParams({ resource }),
    }),
    id,
  );
};

export const machineLearningToken: SourceToken = async (ctx, resource, id) => {
  const env = ctx.env;
  if (id && id.kind !== 'clientId') {
    throw miError(
      ctx,
      'unavailable',
      `Azure Machine Learning selects user-assigned identities by client id only (got ${id.kind} from ${id.from})`,
    );
  }
  const clientid = id?.value ?? env.DEFAULT_IDENTITY_CLIENT_ID;
  const url = withQuery(env.MSI_ENDPOINT!, { 'api-version': '2017-09-01', resource, clientid });
  ctx.trace.config({ endpoints: [{ name: 'Azure ML (MSI_ENDPOINT)', url: env.MSI_ENDPOINT! }] });
  const source = 'MachineLearning';
  return answer(
    ctx,
    source,
    await send(ctx, source, { method: 'GET', url, headers: { Metadata: 'true', secret: env.MSI_SECRET! } }),
    id,
  );
};

/** The SDKs do not check the cluster certificate's thumbprint; the trace says whether it matched. */
function noteServiceFabricThumbprint(ctx: StepContext, r: HttpResponse): void {
  const expected = (ctx.env.IDENTITY_SERVER_THUMBPRINT ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  const seen = r.peerCertificateSha1;
  if (seen && expected && seen !== expected) {
    ctx.trace.note(
      'warn',
      `the Service Fabric endpoint presented a certificate with thumbprint ${seen}, not IDENTITY_SERVER_THUMBPRINT ${expected}; the SDKs do not check it, so the request went ahead`,
    );
  } else if (seen) {
    ctx.trace.note(
      'info',
      `Service Fabric certificate thumbprint ${seen} matches IDENTITY_SERVER_THUMBPRINT (not CA-validated: the cluster certificate is self-signed, as the SDKs accept)`,
    );
  }
}

export const serviceFabricToken: SourceToken = async (ctx, resource, id) => {
  const env = ctx.env;
  if (id) {
    throw miError(
      ctx,
      'unavailable',
      `Service Fabric doesn't support selecting a user-assigned identity at runtime; configure it in the cluster (got ${describeIdentity(id)} from ${id.from})`,
    );
  }
  const url = withQuery(env.IDENTITY_ENDPOINT!, { 'api-version': '2019-07-01-preview', resource });
  ctx.trace.config({ endpoints: [{ name: 'Service Fabric (IDENTITY_ENDPOINT)', url: env.IDENTITY_ENDPOINT! }] });
  const https = url.startsWith('https:');
  // The cluster certificate is self-signed: the SDKs accept any certificate here. We do too, and compare thumbprints.
  const r = await send(ctx, 'ServiceFabric', {
    method: 'GET',
    url,
    headers: { secret: env.IDENTITY_HEADER!, Accept: 'application/json' },
    tlsVerify: https ? 'skip' : 'default',
  });
  if (https) noteServiceFabricThumbprint(ctx, r);
  return answer(ctx, 'ServiceFabric', r, id);
};
