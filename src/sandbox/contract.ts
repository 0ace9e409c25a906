/**
 * What the sandbox tells scripts and tests: the one JSON line `azauth sandbox --json` prints, and the URL map.
 */
import type { SandboxImpl } from './sandbox';

export interface ContractApp {
  clientId: string;
  displayName: string;
  kind: 'confidential' | 'public';
  tenantId: string;
  clientSecret?: string;
  certificateFile?: string;
  certificatePfxFile?: string;
  certificatePassword?: string;
  /** SHA-1 thumbprint (hex) of the certificate in certificateFile. */
  certificateThumbprint?: string;
  federatedCredentials?: { issuer: string; subject: string; audiences: string[] }[];
  redirectUris?: string[];
}

export interface SandboxContract {
  authorityHost: string;
  caFile: string;
  tenantId: string;
  tenantDomain: string;
  tenants: { id: string; domain: string }[];
  apps: ContractApp[];
  users: {
    username: string;
    password: string;
    mfa: boolean;
    mfaCode?: string;
    tenantId: string;
    conditionalAccessBlock?: boolean;
  }[];
  subscriptions: { id: string; displayName: string; tenantId: string }[];
  externalIssuers: { name: string; issuer: string }[];
  managedIdentity: {
    /** IMDS base URL (append /metadata/identity/oauth2/token; or use as AZURE_POD_IDENTITY_AUTHORITY_HOST). */
    imds: string;
    /** IDENTITY_ENDPOINT / IDENTITY_HEADER for App Service. */
    appService: { endpoint: string; header: string };
    /** MSI_ENDPOINT for Cloud Shell. */
    cloudShell: string;
    /** IDENTITY_ENDPOINT for Azure Arc, IMDS_ENDPOINT, and where the key files are written. */
    arc: { endpoint: string; imdsEndpoint: string; keyDirectory: string };
    /** IDENTITY_ENDPOINT / IDENTITY_HEADER for Service Fabric. */
    serviceFabric: { endpoint: string; header: string };
    /** MSI_ENDPOINT / MSI_SECRET for Azure Machine Learning. */
    azureMl: { endpoint: string; secret: string };
    enabled: {
      imds: boolean;
      appService: boolean;
      cloudShell: boolean;
      arc: boolean;
      serviceFabric: boolean;
      azureMl: boolean;
    };
    systemAssigned: { clientId: string; objectId: string; resourceId: string };
    userAssigned: { clientId: string; objectId: string; resourceId: string }[];
  };
}

export interface SandboxUrls {
  authorityHost: string;
  authority: string;
  openidConfiguration: string;
  openidConfigurationV1: string;
  organizationsOpenidConfiguration: string;
  instanceDiscovery: string;
  jwks: string;
  token: string;
  tokenV1: string;
  deviceCode: string;
  authorize: string;
  deviceLogin: string;
  userRealm: string;
  arm: string;
  imds: string;
  imdsToken: string;
  appService: { endpoint: string; header: string };
  cloudShell: string;
  arc: string;
  serviceFabric: { endpoint: string; header: string };
  azureMl: { endpoint: string; secret: string };
  externalIssuer: (name?: string) => string;
}

export function buildUrls(sb: SandboxImpl): SandboxUrls {
  const h = sb.authorityHost;
  const t = sb.defaultTenantId();
  const mi = sb.config.managedIdentity;
  return {
    authorityHost: h,
    authority: `${h}/${t}`,
    openidConfiguration: `${h}/${t}/v2.0/.well-known/openid-configuration`,
    openidConfigurationV1: `${h}/${t}/.well-known/openid-configuration`,
    organizationsOpenidConfiguration: `${h}/organizations/v2.0/.well-known/openid-configuration`,
    instanceDiscovery: `${h}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${h}/${t}/oauth2/v2.0/authorize`)}`,
    jwks: `${h}/${t}/discovery/v2.0/keys`,
    token: `${h}/${t}/oauth2/v2.0/token`,
    tokenV1: `${h}/${t}/oauth2/token`,
    deviceCode: `${h}/${t}/oauth2/v2.0/devicecode`,
    authorize: `${h}/${t}/oauth2/v2.0/authorize`,
    deviceLogin: `${h}/devicelogin`,
    userRealm: `${h}/common/userrealm`,
    arm: `${h}/`,
    imds: sb.httpBase('imds'),
    imdsToken: `${sb.httpBase('imds')}/metadata/identity/oauth2/token`,
    appService: { endpoint: `${sb.httpBase('appService')}/msi/token`, header: mi.appService.identityHeader },
    cloudShell: `${sb.httpBase('cloudShell')}/oauth2/token`,
    arc: `${sb.httpBase('arc')}/metadata/identity/oauth2/token`,
    serviceFabric: {
      endpoint: `${sb.httpBase('serviceFabric')}/metadata/identity/oauth2/token`,
      header: mi.serviceFabric.secret,
    },
    azureMl: { endpoint: `${sb.httpBase('azureMl')}/msi/token`, secret: mi.azureMl.secret },
    externalIssuer: (name = sb.config.externalIssuers[0] ?? 'default') => `${h}/external/${name}`,
  };
}

export function buildContract(sb: SandboxImpl): SandboxContract {
  const urls = buildUrls(sb);
  const cfg = sb.config;
  const mi = cfg.managedIdentity;
  const tenant = cfg.tenants[0]!;
  return {
    authorityHost: sb.authorityHost,
    caFile: sb.caFile,
    tenantId: tenant.id,
    tenantDomain: tenant.domain,
    tenants: cfg.tenants.map((t) => ({ id: t.id, domain: t.domain })),
    apps: cfg.apps.map((a) => {
      const out: ContractApp = {
        clientId: a.clientId,
        displayName: a.displayName,
        kind: a.kind,
        tenantId: sb.appTenant(a),
      };
      const now = Date.now();
      const secret = a.secrets?.find((s) => !s.expiresAt || Date.parse(s.expiresAt) > now);
      if (secret) out.clientSecret = secret.value;
      if (a.certificates?.some((c) => c.generated === 'default')) {
        out.certificateFile = sb.certificateFile;
        out.certificatePfxFile = sb.certificatePfxFile;
        out.certificatePassword = sb.certificatePassword;
        out.certificateThumbprint = sb.pki.client.thumbprintSha1Hex;
      }
      if (a.federatedCredentials?.length)
        out.federatedCredentials = a.federatedCredentials.map((f) => ({
          issuer: sb.expand(f.issuer),
          subject: f.subject,
          audiences: f.audiences,
        }));
      if (a.redirectUris?.length) out.redirectUris = a.redirectUris;
      return out;
    }),
    users: cfg.users.map((u) => ({
      username: u.username,
      password: u.password,
      mfa: Boolean(u.mfa),
      ...(u.mfa && u.mfaCode ? { mfaCode: u.mfaCode } : {}),
      tenantId: sb.userTenant(u),
      ...(u.conditionalAccessBlock ? { conditionalAccessBlock: true } : {}),
    })),
    subscriptions: cfg.subscriptions.map((s) => ({ ...s })),
    externalIssuers: cfg.externalIssuers.map((n) => ({ name: n, issuer: urls.externalIssuer(n) })),
    managedIdentity: {
      imds: urls.imds,
      appService: urls.appService,
      cloudShell: urls.cloudShell,
      arc: {
        endpoint: urls.arc,
        imdsEndpoint: sb.httpBase('arc'),
        keyDirectory: mi.arc.keyDirectory ?? sb.arcKeyDirectoryDefault,
      },
      serviceFabric: urls.serviceFabric,
      azureMl: urls.azureMl,
      enabled: {
        imds: mi.imds.enabled,
        appService: mi.appService.enabled,
        cloudShell: mi.cloudShell.enabled,
        arc: mi.arc.enabled,
        serviceFabric: mi.serviceFabric.enabled,
        azureMl: mi.azureMl.enabled,
      },
      systemAssigned: { ...mi.systemAssigned },
      userAssigned: mi.userAssigned.map((u) => ({
        clientId: u.clientId,
        objectId: u.objectId,
        resourceId: u.resourceId,
      })),
    },
  };
}
