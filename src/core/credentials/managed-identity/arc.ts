/**
 * Azure Arc (Connected Machine agent, "himds"): the first GET must answer 401 with
 * `WWW-Authenticate: Basic realm=<path of a key file>`; the client checks the platform, that the file ends in `.key`,
 * lives exactly in the agent's token directory and is at most 4096 bytes, then repeats the request with
 * `Authorization: Basic <file contents>`. The key directory is overridable (options.arcKeyDirectory) for tests.
 */
import { realpathSync, statSync } from 'node:fs';
import { isUserFileError, readUserFileSync } from '../../fs/read';
import path from 'node:path';
import type { HttpResponse } from '../../http/types';
import type { AccessTokenResult, StepContext } from '../types';
import {
  defaultSourceRetry,
  describeIdentity,
  errorText,
  miError,
  miNetworkError,
  tokenFromResponse,
  withQuery,
  type UserAssigned,
} from './common';

export const ARC_API_VERSION = '2020-06-01';
export const ARC_DEFAULT_ENDPOINT = 'http://127.0.0.1:40342/metadata/identity/oauth2/token';
export const ARC_MAX_KEY_BYTES = 4096;
export const HIMDS_PATHS = {
  linux: '/opt/azcmagent/bin/himds',
  win32: `${process.env.ProgramFiles ?? 'C:\\Program Files'}\\AzureConnectedMachineAgent\\himds.exe`,
};

export function arcKeyDirectory(ctx: StepContext): string {
  if (ctx.options.arcKeyDirectory) return ctx.options.arcKeyDirectory;
  return process.platform === 'win32'
    ? `${process.env.ProgramData ?? 'C:\\ProgramData'}\\AzureConnectedMachineAgent\\Tokens`
    : '/var/opt/azcmagent/tokens';
}

export function himdsExists(): boolean {
  const p =
    process.platform === 'win32' ? HIMDS_PATHS.win32 : process.platform === 'linux' ? HIMDS_PATHS.linux : undefined;
  if (!p) return false;
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Validates the challenge and reads the key; every refusal names the rule it broke (msal-node's error codes). */
export function readArcKey(ctx: StepContext, wwwAuthenticate: string | undefined): string {
  if (!wwwAuthenticate)
    throw miError(
      ctx,
      'failed',
      'www_authenticate_header_missing: the Azure Arc endpoint answered 401 without a WWW-Authenticate header',
      { kind: 'config' },
    );
  const m = /Basic realm=(.+)$/i.exec(wwwAuthenticate.trim());
  if (!m)
    throw miError(
      ctx,
      'failed',
      `www_authenticate_header_unsupported_format: expected "Basic realm=<path>", got ${JSON.stringify(wwwAuthenticate.slice(0, 100))}`,
      { kind: 'config' },
    );
  if (process.platform !== 'linux' && process.platform !== 'win32')
    throw miError(
      ctx,
      'failed',
      `platform_not_supported: Azure Arc managed identity is supported on Linux and Windows only (this is ${process.platform})`,
      { kind: 'config' },
    );
  const file = m[1]!.trim().replace(/^"|"$/g, '');
  const expectedDir = arcKeyDirectory(ctx);
  if (path.extname(file) !== '.key')
    throw miError(
      ctx,
      'failed',
      `invalid_file_extension: the key file named by the challenge (${file}) does not end in .key`,
      { kind: 'config' },
    );
  const resolvedDir = safeRealpath(path.dirname(file));
  const expectedResolved = safeRealpath(expectedDir);
  if (
    !path.isAbsolute(file) ||
    path.resolve(path.dirname(file)) !== path.resolve(expectedDir) ||
    resolvedDir !== expectedResolved ||
    file.split(/[\\/]/).includes('..')
  ) {
    throw miError(
      ctx,
      'failed',
      `invalid_file_path: the key file ${file} is not in the agent's token directory ${expectedDir}`,
      { kind: 'config' },
    );
  }
  let key: string;
  try {
    key = readUserFileSync(file, { maxBytes: ARC_MAX_KEY_BYTES, what: 'Azure Arc key file' }).toString('utf8');
  } catch (e) {
    if (!isUserFileError(e)) throw e;
    if (e.kind === 'too-large')
      throw miError(ctx, 'failed', `invalid_secret: the key file ${file} ${e.detail}`, { kind: 'config' });
    throw miError(ctx, 'failed', `unable_to_read_secret_file: ${file}: ${e.detail}`, { kind: 'config' });
  }
  ctx.trace.config({
    files: [
      {
        path: file,
        exists: true,
        size: Buffer.byteLength(key),
        note: `Azure Arc key file (limit ${ARC_MAX_KEY_BYTES} bytes)`,
      },
    ],
  });
  if (!key.trim()) throw miError(ctx, 'failed', `invalid_secret: the key file ${file} is empty`, { kind: 'config' });
  ctx.trace.addSecret?.(key);
  ctx.trace.addSecret?.(key.trim());
  return key.trim();
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export async function arcToken(
  ctx: StepContext,
  endpoint: string,
  resource: string,
  id: UserAssigned | undefined,
): Promise<AccessTokenResult> {
  if (id && ctx.profile === 'go') {
    throw miError(
      ctx,
      'unavailable',
      `Azure Arc doesn't support user-assigned managed identities (requested ${describeIdentity(id)} from ${id.from})`,
    );
  }
  const url = withQuery(endpoint, {
    'api-version': ARC_API_VERSION,
    resource,
    client_id: id?.kind === 'clientId' ? id.value : undefined,
    object_id: id?.kind === 'objectId' ? id.value : undefined,
    msi_res_id: id?.kind === 'resourceId' ? id.value : undefined,
  });
  const send = async (headers: Record<string, string>): Promise<HttpResponse> => {
    try {
      return await ctx.http.send({
        method: 'GET',
        url,
        headers,
        timeoutMs: 30_000,
        signal: ctx.signal,
        retry: { ...defaultSourceRetry(ctx), statusCodes: [404, 408, 429, 500, 503, 504] },
      });
    } catch (e) {
      throw miNetworkError(ctx, 'Azure Arc', e);
    }
  };
  const first = await send({ Metadata: 'true' });
  if (first.status !== 401) {
    if (first.status === 200)
      ctx.trace.note(
        'warn',
        'the Azure Arc endpoint answered 200 without the key-file challenge; a real agent always challenges first',
      );
    throw miError(ctx, 'failed', `expected a 401 response, received ${first.status} (${errorText(first).text})`, {
      httpStatus: first.status,
    });
  }
  const key = readArcKey(ctx, first.headers['www-authenticate']);
  ctx.trace.note('info', 'answered the Azure Arc challenge with the key file contents (Authorization: Basic)');
  const second = await send({ Metadata: 'true', Authorization: `Basic ${key}` });
  if (second.status !== 200) {
    const { text, codes, oauthError } = errorText(second);
    throw miError(ctx, 'failed', `Azure Arc answered HTTP ${second.status} after the challenge: ${text}`, {
      httpStatus: second.status,
      errorCodes: codes,
      oauthError,
    });
  }
  const tok = tokenFromResponse(ctx, second, 'AzureArc');
  if (id?.kind === 'clientId') {
    const echoed = (second.json as Record<string, unknown>).client_id;
    if (typeof echoed === 'string' && echoed.toLowerCase() !== id.value.toLowerCase()) {
      throw miError(
        ctx,
        'failed',
        `user_assigned_managed_identity_not_confirmed: asked for client id ${id.value}, the token is for ${echoed}`,
      );
    }
  }
  return tok;
}
