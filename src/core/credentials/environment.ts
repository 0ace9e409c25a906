/**
 * EnvironmentCredential: picks a service principal (secret or certificate) or a user (username/password) from
 * AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET | AZURE_CLIENT_CERTIFICATE_PATH (+ _PASSWORD,
 * AZURE_CLIENT_SEND_CERTIFICATE_CHAIN) | AZURE_USERNAME + AZURE_PASSWORD, with AZURE_AUTHORITY_HOST and
 * AZURE_ADDITIONALLY_ALLOWED_TENANTS. Emits which variables are set (values masked). Unavailable vs failed, and the
 * wording, follow the SDK of the chosen profile (Go and JS differ).
 */
import type { ChainProfile } from '../model';
import type { AccessTokenResult, Credential, StepContext, TokenRequest } from './types';
import { AuthenticationFailedError, CredentialUnavailableError, isAuthenticationFailed } from './types';
import { ClientSecretCredential } from './client-secret';
import { ClientCertificateCredential } from './client-certificate';
import { UsernamePasswordCredential } from './username-password';
import { parseAllowedTenants } from './msal/base';
import { resolveAuthorityHost, AuthorityConfigError, buildAuthorityMetadata, tenantEndpoints } from './msal/authority';
import type { MsalCredentialOptions } from './msal/base';
import { regionFromEnv, regionalTokenEndpoint } from './regional';
import { newestRelease } from '../sdk/releases';
import { checkJsConstruction } from './js-construction';
import { compareVersions } from '../sdk/version';

export const ENVIRONMENT_VARIABLES = [
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_AUTHORITY_HOST',
  'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
  'AZURE_REGIONAL_AUTHORITY_NAME',
] as const;

const JS_UNAVAILABLE =
  'EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.';

/** Python and .NET say the same thing in their own words (facts doc §1.4). */
const PY_UNAVAILABLE =
  'EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\nVisit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot this issue.';
const NET_UNAVAILABLE =
  'EnvironmentCredential authentication unavailable. Environment variables are not fully configured. See the troubleshooting guide for more information. https://aka.ms/azsdk/net/identity/environmentcredential/troubleshoot';

/**
 * Python up to 1.13.0b2 (read in that release's environment.py) joins two string literals without a space: "…to
 * troubleshoot." "this issue." Later releases read as PY_UNAVAILABLE.
 */
function releaseWording(text: string, ctx: StepContext): string {
  if (ctx.profile !== 'python' || compareVersions(ctx.release?.version ?? '99', '1.13.0b2') > 0) return text;
  return text.replace('to troubleshoot this issue.', 'to troubleshoot.this issue.');
}

/**
 * Python up to 1.13.0b2 reads no AZURE_ADDITIONALLY_ALLOWED_TENANTS (no module of that release names it: only the
 * additionally_allowed_tenants argument widens the tenants, CHANGELOG 1.11.0), so another tenant is refused whatever
 * the variable says. Later Python releases are not verified here and keep the variable.
 */
function readsAllowedTenants(ctx: StepContext): boolean {
  return ctx.profile !== 'python' || compareVersions(ctx.release?.version ?? '99', '1.13.0b2') > 0;
}

export type EnvironmentSelection = 'secret' | 'certificate' | 'username-password';

/** Which underlying credential the environment selects (or why none), without touching the network. */
export function selectFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  profile: ChainProfile,
): { kind: EnvironmentSelection } | { unavailable: string } {
  const v = (k: string) => {
    const x = env[k];
    return x !== undefined && x !== '' ? x : undefined;
  };
  const go = profile === 'go';
  const other = profile === 'python' ? PY_UNAVAILABLE : profile === 'dotnet' ? NET_UNAVAILABLE : JS_UNAVAILABLE;
  if (!v('AZURE_TENANT_ID'))
    return { unavailable: go ? 'EnvironmentCredential: missing environment variable AZURE_TENANT_ID' : other };
  if (!v('AZURE_CLIENT_ID'))
    return { unavailable: go ? 'EnvironmentCredential: missing environment variable AZURE_CLIENT_ID' : other };
  if (v('AZURE_CLIENT_SECRET')) return { kind: 'secret' };
  if (v('AZURE_CLIENT_CERTIFICATE_PATH')) return { kind: 'certificate' };
  if (v('AZURE_USERNAME')) {
    if (v('AZURE_PASSWORD')) return { kind: 'username-password' };
    return { unavailable: go ? 'EnvironmentCredential: no value for AZURE_PASSWORD' : other };
  }
  return {
    unavailable: go
      ? 'EnvironmentCredential: incomplete environment variable configuration. Only AZURE_TENANT_ID and AZURE_CLIENT_ID are set'
      : other,
  };
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(true|1)$/i.test(v.trim());
}

export class EnvironmentCredential implements Credential {
  readonly name = 'EnvironmentCredential' as const;
  #inner: Credential | undefined;
  #innerKey = '';

  async getToken(request: TokenRequest, ctx: StepContext): Promise<AccessTokenResult> {
    const env = ctx.env;
    ctx.trace.config({
      variables: ENVIRONMENT_VARIABLES.map((name) => ({
        name,
        set: env[name] !== undefined && env[name] !== '',
        value: env[name],
      })),
    });
    const sel = selectFromEnvironment(env, ctx.profile);
    if ('unavailable' in sel) throw new CredentialUnavailableError(releaseWording(sel.unavailable, ctx));
    ctx.trace.note(
      'info',
      `EnvironmentCredential: using ${sel.kind === 'secret' ? 'a client secret (AZURE_CLIENT_SECRET)' : sel.kind === 'certificate' ? 'a client certificate (AZURE_CLIENT_CERTIFICATE_PATH)' : 'username and password (AZURE_USERNAME / AZURE_PASSWORD)'}.`,
    );
    if (sel.kind === 'username-password' && ctx.profile === 'js') {
      ctx.trace.note(
        'warn',
        'EnvironmentCredential: @azure/identity logs a deprecation warning for username/password (no MFA support).',
      );
    }
    // @azure/identity builds the inner credential in EnvironmentCredential's constructor: a malformed tenant id or an
    // http authority host makes it throw, and DefaultAzureCredential keeps a silent placeholder (js-construction.ts).
    checkJsConstruction(ctx, { tenantId: env.AZURE_TENANT_ID, identityClient: true });
    const goCtor = ctx.profile === 'go' && ctx.inChain;
    // Go validates AZURE_AUTHORITY_HOST in the constructor: inside DefaultAzureCredential that becomes "unavailable".
    try {
      resolveAuthorityHost(ctx.options.authorityHost, env, ctx.profile);
    } catch (e) {
      if (e instanceof AuthorityConfigError) {
        if (goCtor) throw new CredentialUnavailableError(`EnvironmentCredential: ${e.message}`);
        throw new AuthenticationFailedError({
          kind: 'config',
          message: `EnvironmentCredential: ${e.message}`,
          errorCodes: [],
        });
      }
      throw e;
    }
    const key = ENVIRONMENT_VARIABLES.map((k) => env[k] ?? '').join('\u0000');
    if (!this.#inner || this.#innerKey !== key) {
      this.#inner = await innerCredential(sel.kind, ctx, goCtor);
      this.#innerKey = key;
    }
    if (ctx.profile !== 'js') return this.#inner.getToken(request, ctx);
    try {
      return await this.#inner.getToken(request, ctx);
    } catch (e) {
      throw jsEnvironmentFailure(e, ctx);
    }
  }
}

/**
 * The service principal's token endpoint when AZURE_REGIONAL_AUTHORITY_NAME names a region and the release honours
 * it (rules regionalAuthority): the regional host msal would use (regional.ts), as this tenant's token endpoint.
 */
function regionalOptions(ctx: StepContext): Pick<MsalCredentialOptions, 'authorityMetadata' | 'extraHosts'> {
  const choice = regionFromEnv(ctx.env);
  if (!(ctx.release ?? newestRelease(ctx.profile)).rules.regionalAuthority) {
    if (ctx.env.AZURE_REGIONAL_AUTHORITY_NAME)
      ctx.trace.note('info', 'AZURE_REGIONAL_AUTHORITY_NAME is set, but this release ignores it');
    return {};
  }
  if (choice.invalid)
    throw new AuthenticationFailedError({
      kind: 'config',
      message: `EnvironmentCredential: ${choice.invalid}`,
      errorCodes: [],
    });
  if (choice.note) ctx.trace.note('info', choice.note);
  if (!choice.region) return {};
  const host = resolveAuthorityHost(ctx.options.authorityHost, ctx.env, ctx.profile);
  const tenant = ctx.env.AZURE_TENANT_ID!;
  const regional = regionalTokenEndpoint(host, tenant, choice.region);
  ctx.trace.note(
    'info',
    `AZURE_REGIONAL_AUTHORITY_NAME=${choice.region}: the token request goes to the regional endpoint ${regional.url}${regional.loopback ? ' (a loopback authority is its own regional host: the sandbox answers as the regional service)' : ''}`,
  );
  const endpoints = { ...tenantEndpoints(host, tenant), tokenEndpoint: regional.url };
  return { authorityMetadata: buildAuthorityMetadata(endpoints), extraHosts: [regional.hostAndPort] };
}

/** The credential the environment selects, built as the profile's SDK builds it. */
async function innerCredential(kind: EnvironmentSelection, ctx: StepContext, goCtor: boolean): Promise<Credential> {
  const env = ctx.env;
  const common: MsalCredentialOptions & { tenantId: string; clientId: string } = {
    reportAs: 'EnvironmentCredential' as const,
    tenantId: env.AZURE_TENANT_ID!,
    clientId: env.AZURE_CLIENT_ID!,
    additionallyAllowedTenants: readsAllowedTenants(ctx)
      ? parseAllowedTenants(env.AZURE_ADDITIONALLY_ALLOWED_TENANTS)
      : [],
  };
  if (kind !== 'username-password') Object.assign(common, regionalOptions(ctx));
  if (kind === 'secret') return new ClientSecretCredential({ ...common, clientSecret: env.AZURE_CLIENT_SECRET });
  if (kind === 'username-password')
    return new UsernamePasswordCredential({ ...common, username: env.AZURE_USERNAME!, password: env.AZURE_PASSWORD });
  const cert = new ClientCertificateCredential({
    ...common,
    certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
    certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD || undefined,
    sendCertificateChain: truthy(env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN),
  });
  // Go reads the certificate in the constructor: a bad file is "unavailable" inside DefaultAzureCredential.
  if (goCtor) {
    try {
      await cert.loadCertificate(ctx);
    } catch (e) {
      if (isAuthenticationFailed(e)) throw new CredentialUnavailableError(e.message, { cause: e });
      throw e;
    }
  }
  return cert;
}

const JS_FAILED = 'EnvironmentCredential authentication failed.';

/**
 * @azure/identity's EnvironmentCredential.getToken turns *every* error of its inner credential — an unreadable
 * certificate, a tenant the multi-tenant guard refuses (an "unavailable" error there), an AADSTS answer — into
 * AuthenticationError(400, "EnvironmentCredential authentication failed. …"): in a chain it always stops.
 */
function jsEnvironmentFailure(e: unknown, ctx: StepContext): unknown {
  if (ctx.signal.aborted) return e;
  const message = (e as Error)?.message ?? String(e);
  if (isAuthenticationFailed(e) && message.startsWith(JS_FAILED)) return e;
  const inner = message.replace(/^EnvironmentCredential:\s*/, '');
  const info = isAuthenticationFailed(e) ? e.info : { kind: 'config', errorCodes: [] as number[] };
  return new AuthenticationFailedError(
    {
      ...info,
      message: `${JS_FAILED} ${inner} To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot`,
    },
    { cause: e },
  );
}
