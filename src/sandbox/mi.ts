/**
 * Managed-identity endpoints on plain HTTP loopback ports, one listener per hosting source, each answering with the
 * request rules, error bodies and response shapes of its Azure counterpart: IMDS, App Service, Cloud Shell, Azure Arc,
 * Service Fabric and Azure Machine Learning.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ManagedIdentityRef, MiSourceConfig } from './config';
import { AadError, aad, aadErrorBody } from './errors';
import { findResource } from './entra';
import { header, send, sendJson, type Ctx, type ListenerName, type Route } from './http';
import type { SandboxImpl } from './sandbox';
import { accessTokenClaims, signJwt, type Subject } from './tokens';
import { AZURE_CLI_CLIENT_ID } from './config';

type Selector = { clientId?: string; objectId?: string; resourceId?: string };

type Selection = { ok: true; identity: ManagedIdentityRef } | { ok: false; reason: 'none' | 'multiple' | 'not-found' };

function select(sb: SandboxImpl, src: MiSourceConfig, sel: Selector): Selection {
  const mi = sb.config.managedIdentity;
  const uamis = mi.userAssigned.filter((u) => src.userAssigned.includes(u.clientId));
  const assigned: ManagedIdentityRef[] = [...(src.systemAssigned ? [mi.systemAssigned] : []), ...uamis];
  const lc = (s?: string) => s?.trim().toLowerCase();
  if (sel.clientId || sel.objectId || sel.resourceId) {
    const found = assigned.find(
      (i) =>
        (sel.clientId && i.clientId === lc(sel.clientId)) ||
        (sel.objectId && i.objectId === lc(sel.objectId)) ||
        (sel.resourceId && i.resourceId.toLowerCase() === lc(sel.resourceId)),
    );
    return found ? { ok: true, identity: found } : { ok: false, reason: 'not-found' };
  }
  if (src.systemAssigned) return { ok: true, identity: mi.systemAssigned };
  if (uamis.length === 1) return { ok: true, identity: uamis[0]! };
  return uamis.length > 1 ? { ok: false, reason: 'multiple' } : { ok: false, reason: 'none' };
}

interface MintedMi {
  token: string;
  issuedAt: number;
  expiresOn: number;
  lifetime: number;
  resource: string;
}

/** Mints a managed-identity token, or throws the AADSTS500011 AadError for an unknown resource. */
async function mintMi(sb: SandboxImpl, identity: ManagedIdentityRef, resource: string): Promise<MintedMi> {
  const r = findResource(sb, resource);
  const tenantId = sb.defaultTenantId();
  if (!r) throw aad.resourceNotFound(resource, tenantId);
  const now = sb.nowSec();
  const lifetime = sb.config.managedIdentityTokenLifetimeSec;
  const subject: Subject = {
    kind: 'managedIdentity',
    tenantId,
    clientId: identity.clientId,
    clientAuth: '2',
    objectId: identity.objectId,
    miResourceId: identity.resourceId,
  };
  const claims = accessTokenClaims({
    subject,
    resource: r,
    requestedAudience: resource,
    issuedAt: now,
    lifetimeSec: lifetime,
    authorityOrigin: sb.authorityHost,
  });
  return { token: await signJwt(sb.pki.signing, claims), issuedAt: now, expiresOn: now + lifetime, lifetime, resource };
}

/** Mints for the chosen identity and answers with the source's body shape; an unknown resource answers AADSTS500011. */
async function answerToken(
  sb: SandboxImpl,
  ctx: Ctx,
  identity: ManagedIdentityRef,
  resource: string,
  body: (t: MintedMi) => Record<string, unknown>,
): Promise<void> {
  let t: MintedMi;
  try {
    t = await mintMi(sb, identity, resource);
  } catch (e) {
    if (!(e instanceof AadError)) throw e;
    sendJson(ctx, 400, aadErrorBody(e.spec, sb.nowMs()));
    return;
  }
  sendJson(ctx, 200, body(t));
}

/** The body App Service and Azure ML answer with (one shape, the same fields in the same order). */
const appServiceBody = (identity: ManagedIdentityRef) => (t: MintedMi) => ({
  access_token: t.token,
  expires_on: String(t.expiresOn),
  resource: t.resource,
  token_type: 'Bearer',
  client_id: identity.clientId,
});

/** App Service and Azure ML errors: { statusCode, message, correlationId }. */
const statusCodeFail = (ctx: Ctx) => (status: number, message: string) =>
  sendJson(ctx, status, { statusCode: status, message, correlationId: randomUUID() });

function imdsStyleError(ctx: Ctx, status: number, error: string, description: string): void {
  sendJson(ctx, status, { error, error_description: description });
}

const badRequest = (ctx: Ctx, description: string) => imdsStyleError(ctx, 400, 'invalid_request', description);

/** IMDS, Arc and Cloud Shell refuse a request without `Metadata: true` (SSRF protection); true when refused. */
function missingMetadata(ctx: Ctx): boolean {
  if (header(ctx, 'metadata')?.toLowerCase() === 'true') return false;
  badRequest(ctx, 'Required metadata header not specified');
  return true;
}

/** The IMDS request rules, in IMDS's order; the first broken one is answered, and true returned. */
function imdsRequestRefused(ctx: Ctx, versions: string[]): boolean {
  const q = ctx.query;
  const selectors = [q.client_id, q.object_id, q.msi_res_id, q.mi_res_id].filter((x) => x !== undefined);
  const problem =
    header(ctx, 'x-forwarded-for') !== undefined
      ? 'Request contains a forbidden X-Forwarded-For header'
      : !q['api-version']
        ? "Required query variable 'api-version' is missing"
        : !versions.includes(q['api-version'])
          ? `Invalid api-version '${q['api-version']}'. Supported: ${versions.join(', ')}`
          : !q.resource
            ? "Required query variable 'resource' is missing"
            : selectors.length > 1
              ? 'Only one of client_id, object_id or msi_res_id may be specified'
              : undefined;
  if (problem) badRequest(ctx, problem);
  return problem !== undefined;
}

/**
 * Azure Arc's challenge: a request without the key answers 401 naming a fresh key file; the key read from it is good
 * for one request. True when the challenge was sent instead of going on.
 */
function arcChallenged(sb: SandboxImpl, ctx: Ctx): boolean {
  const auth = header(ctx, 'authorization');
  const m = auth ? /^Basic\s+(\S+)\s*$/i.exec(auth) : null;
  const keyPath = m ? sb.arcKeys.get(m[1]!) : undefined;
  if (keyPath) {
    sb.arcKeys.delete(m![1]!);
    rmSync(keyPath, { force: true });
    return false;
  }
  const dir = sb.config.managedIdentity.arc.keyDirectory ?? sb.arcKeyDirectoryDefault;
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.key`);
  writeFileSync(file, secret, { mode: 0o600 });
  sb.arcKeys.set(secret, file);
  if (sb.arcKeys.size > 100) {
    const [oldSecret, oldFile] = sb.arcKeys.entries().next().value as [string, string];
    sb.arcKeys.delete(oldSecret);
    rmSync(oldFile, { force: true });
  }
  const description =
    'Authentication challenge: read the key file named in WWW-Authenticate and send it as Authorization: Basic <key>.';
  sendJson(
    ctx,
    401,
    { error: 'unauthorized_client', error_description: description },
    { 'www-authenticate': `Basic realm=${file}` },
  );
  return true;
}

/** Shared by IMDS and Azure Arc (same protocol; Arc adds the key-file challenge). */
async function imdsLike(
  sb: SandboxImpl,
  ctx: Ctx,
  src: MiSourceConfig,
  versions: string[],
  arc: boolean,
): Promise<void> {
  if (missingMetadata(ctx) || imdsRequestRefused(ctx, versions)) return;
  if (arc && arcChallenged(sb, ctx)) return;
  const q = ctx.query;
  const sel = select(sb, src, {
    clientId: q.client_id,
    objectId: q.object_id,
    resourceId: q.msi_res_id ?? q.mi_res_id,
  });
  if (!sel.ok)
    return badRequest(
      ctx,
      sel.reason === 'multiple'
        ? 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request'
        : 'Identity not found',
    );
  await answerToken(sb, ctx, sel.identity, q.resource!, (t) => ({
    access_token: t.token,
    client_id: sel.identity.clientId,
    expires_in: String(t.lifetime),
    expires_on: String(t.expiresOn),
    ext_expires_in: String(t.lifetime),
    not_before: String(t.issuedAt),
    resource: t.resource,
    token_type: 'Bearer',
  }));
}

async function appService(sb: SandboxImpl, ctx: Ctx): Promise<void> {
  const cfg = sb.config.managedIdentity.appService;
  const fail = statusCodeFail(ctx);
  if (header(ctx, 'x-identity-header') !== cfg.identityHeader)
    return fail(401, 'Unauthorized. The X-IDENTITY-HEADER header is missing or wrong.');
  const q = ctx.query;
  if (q['api-version'] !== '2019-08-01')
    return fail(400, `Unsupported api-version '${q['api-version'] ?? ''}'. Use api-version=2019-08-01.`);
  if (!q.resource) return fail(400, "Required query variable 'resource' is missing.");
  const sel = select(sb, cfg, {
    clientId: q.client_id,
    objectId: q.object_id ?? q.principal_id,
    resourceId: q.mi_res_id ?? q.msi_res_id,
  });
  if (!sel.ok) return fail(400, 'Unable to load the proper Managed Identity.');
  await answerToken(sb, ctx, sel.identity, q.resource, appServiceBody(sel.identity));
}

async function cloudShell(sb: SandboxImpl, ctx: Ctx): Promise<void> {
  if (missingMetadata(ctx)) return;
  const p = { ...ctx.query, ...ctx.form };
  if (p.client_id || p.object_id || p.msi_res_id || p.mi_res_id)
    return badRequest(ctx, 'User-assigned managed identities are not supported in Cloud Shell.');
  if (!p.resource) return badRequest(ctx, "Required parameter 'resource' is missing");
  const user = sb.userByName(sb.config.managedIdentity.cloudShell.username);
  if (!user) return badRequest(ctx, 'No user is signed in to Cloud Shell');
  const r = findResource(sb, p.resource);
  const tenantId = sb.userTenant(user);
  if (!r) {
    sendJson(ctx, 400, aadErrorBody(aad.resourceNotFound(p.resource, tenantId).spec, sb.nowMs()));
    return;
  }
  const now = sb.nowSec();
  const life = sb.config.tokenLifetimeSec;
  const claims = accessTokenClaims({
    subject: {
      kind: 'user',
      tenantId,
      clientId: AZURE_CLI_CLIENT_ID,
      clientAuth: '0',
      objectId: user.objectId,
      user: { username: user.username, displayName: user.displayName, mfa: Boolean(user.mfa) },
    },
    resource: r,
    requestedAudience: p.resource,
    scp: [r.scopes[0] ?? 'user_impersonation'],
    issuedAt: now,
    lifetimeSec: life,
    authorityOrigin: sb.authorityHost,
  });
  sendJson(ctx, 200, {
    access_token: await signJwt(sb.pki.signing, claims),
    refresh_token: '',
    expires_in: String(life),
    expires_on: String(now + life),
    not_before: String(now),
    resource: p.resource,
    token_type: 'Bearer',
  });
}

async function serviceFabric(sb: SandboxImpl, ctx: Ctx): Promise<void> {
  const cfg = sb.config.managedIdentity.serviceFabric;
  const corr = randomUUID();
  const fail = (status: number, code: string, message: string) =>
    sendJson(ctx, status, { error: { correlationId: corr, code, message } });
  if (header(ctx, 'secret') === undefined)
    return fail(401, 'SecretHeaderNotFound', 'Secret is not found in the request headers.');
  if (header(ctx, 'secret') !== cfg.secret)
    return fail(401, 'InvalidSecret', 'The secret in the request headers is not valid.');
  const q = ctx.query;
  const version = q['api-version'] ?? '';
  if (version !== '2019-07-01-preview')
    return fail(
      400,
      'InvalidApiVersion',
      `The api-version '${version}' could not be found. The supported api-version is 2019-07-01-preview.`,
    );
  if (!q.resource) return fail(400, 'ArgumentNullOrEmpty', "The parameter 'resource' cannot be null or empty.");
  const sel = select(sb, cfg, {
    clientId: q.client_id ?? q.principal_id,
    objectId: q.object_id,
    resourceId: q.mi_res_id,
  });
  if (!sel.ok)
    return fail(
      404,
      'ManagedIdentityNotFound',
      'The application does not have a managed identity assigned, or the requested identity is not assigned.',
    );
  await answerToken(sb, ctx, sel.identity, q.resource, (t) => ({
    token_type: 'Bearer',
    access_token: t.token,
    expires_on: t.expiresOn,
    resource: t.resource,
  }));
}

async function azureMl(sb: SandboxImpl, ctx: Ctx): Promise<void> {
  const cfg = sb.config.managedIdentity.azureMl;
  const fail = statusCodeFail(ctx);
  if (header(ctx, 'secret') !== cfg.secret) return fail(401, 'Unauthorized. The secret header is missing or wrong.');
  const q = ctx.query;
  if (q['api-version'] !== '2017-09-01')
    return fail(400, `Unsupported api-version '${q['api-version'] ?? ''}'. Use api-version=2017-09-01.`);
  if (!q.resource) return fail(400, "Required query variable 'resource' is missing.");
  const sel = select(sb, cfg, { clientId: q.clientid ?? q.client_id });
  if (!sel.ok) return fail(400, 'Unable to load the proper Managed Identity.');
  await answerToken(sb, ctx, sel.identity, q.resource, appServiceBody(sel.identity));
}

export function miFaultBody(listener: ListenerName, status: number): unknown {
  switch (listener) {
    case 'appService':
    case 'azureMl':
      return { statusCode: status, message: `Sandbox fault: HTTP ${status}.`, correlationId: randomUUID() };
    case 'serviceFabric':
      return {
        error: { correlationId: randomUUID(), code: 'SandboxFault', message: `Sandbox fault: HTTP ${status}.` },
      };
    default:
      return {
        error: status === 429 ? 'too_many_requests' : 'service_unavailable',
        error_description: `Sandbox fault: HTTP ${status}.`,
      };
  }
}

const TOKEN_PATH = /^\/metadata\/identity\/oauth2\/token\/?$/;
const MSI_PATH = /^\/msi\/token\/?$/;
const IMDS_VERSIONS = ['2018-02-01', '2019-08-01', '2019-11-01', '2020-06-01', '2021-02-01', '2025-04-07'];
const ARC_VERSIONS = ['2019-11-01', '2020-06-01', '2021-02-01'];

function instanceMetadata(sb: SandboxImpl, ctx: Ctx): void {
  if (missingMetadata(ctx)) return;
  send(ctx, 200, {
    compute: {
      azEnvironment: 'AzurePublicCloud',
      location: 'sandbox',
      name: 'sandbox-vm',
      subscriptionId: sb.config.subscriptions[0]?.id ?? '',
      resourceId: sb.config.managedIdentity.systemAssigned.resourceId,
    },
  });
}

type Handler = (sb: SandboxImpl, ctx: Ctx) => Promise<void> | void;

/** Each listener's routes: method, path, handler (the endpoint name is the listener's). */
const ROUTES: Partial<Record<ListenerName, [string, RegExp, Handler][]>> = {
  imds: [
    ['GET', TOKEN_PATH, (sb, ctx) => imdsLike(sb, ctx, sb.config.managedIdentity.imds, IMDS_VERSIONS, false)],
    ['GET', /^\/metadata\/instance(?:\/.*)?$/, instanceMetadata],
  ],
  appService: [['GET', MSI_PATH, appService]],
  cloudShell: [['POST', /^\/oauth2\/token\/?$/, cloudShell]],
  arc: [['GET', TOKEN_PATH, (sb, ctx) => imdsLike(sb, ctx, sb.config.managedIdentity.arc, ARC_VERSIONS, true)]],
  serviceFabric: [['GET', TOKEN_PATH, serviceFabric]],
  azureMl: [['GET', MSI_PATH, azureMl]],
};

export function miRoutes(sb: SandboxImpl, name: ListenerName): Route[] {
  return (ROUTES[name] ?? []).map(([method, pattern, fn]) => ({
    endpoint: name,
    methods: [method],
    pattern,
    handler: (ctx: Ctx) => fn(sb, ctx),
  }));
}
