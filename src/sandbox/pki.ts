/**
 * Key material for the sandbox: a CA, the loopback server certificate, the token-signing certificate, the external
 * OIDC issuers' keys and the default client certificates. RSA keys come from node:crypto (fast, native); X.509 and
 * PKCS#12 are built with node-forge (no openssl shell-out).
 *
 * Key pairs and certificates are cached per process: every sandbox started by one test run shares them, so starting
 * many sandboxes stays cheap. Each sandbox still writes its own files into its own temp directory.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CertificateMaterial extends KeyPairPem {
  certPem: string;
  /** DER of the certificate, base64 (as in x5c). */
  certB64: string;
  /** SHA-1 thumbprint, upper-case hex (as the Azure portal shows it). */
  thumbprintSha1Hex: string;
  /** SHA-1 thumbprint, base64url without padding (x5t). */
  x5t: string;
  /** SHA-256 thumbprint, base64url without padding (x5t#S256). */
  x5tS256: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function rsaKeyPair(): Promise<KeyPairPem> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKeyPem, privateKeyPem) => (err ? reject(err) : resolve({ publicKeyPem, privateKeyPem })),
    );
  });
}

function serial(): string {
  // Positive serial: clear the top bit.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

export function thumbprintsOf(certPem: string): {
  certB64: string;
  thumbprintSha1Hex: string;
  x5t: string;
  x5tS256: string;
} {
  const der = Buffer.from(
    forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes(),
    'binary',
  );
  const sha1 = createHash('sha1').update(der).digest();
  const sha256 = createHash('sha256').update(der).digest();
  return {
    certB64: der.toString('base64'),
    thumbprintSha1Hex: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
  };
}

interface CertOptions {
  commonName: string;
  days: number;
  keys: KeyPairPem;
  issuer?: { certPem: string; privateKeyPem: string };
  ca?: boolean;
  sans?: { dns?: string[]; ips?: string[] };
  serverAuth?: boolean;
  clientAuth?: boolean;
}

function makeCert(o: CertOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(o.keys.publicKeyPem);
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + o.days * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: o.commonName },
    { name: 'organizationName', value: 'Azure Auth Debugger sandbox' },
  ];
  cert.setSubject(subject);
  const issuerCert = o.issuer ? forge.pki.certificateFromPem(o.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const ext: object[] = [];
  if (o.ca) {
    ext.push({ name: 'basicConstraints', cA: true, critical: true });
    ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else {
    ext.push({ name: 'basicConstraints', cA: false });
    ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    const eku: Record<string, boolean> = { name: true };
    if (o.serverAuth) eku.serverAuth = true;
    if (o.clientAuth) eku.clientAuth = true;
    if (o.serverAuth || o.clientAuth) ext.push({ ...eku, name: 'extKeyUsage' });
  }
  if (o.sans) {
    const altNames: object[] = [];
    for (const d of o.sans.dns ?? []) altNames.push({ type: 2, value: d });
    for (const ip of o.sans.ips ?? []) altNames.push({ type: 7, ip });
    ext.push({ name: 'subjectAltName', altNames });
  }
  ext.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(ext);
  const signer = forge.pki.privateKeyFromPem(o.issuer ? o.issuer.privateKeyPem : o.keys.privateKeyPem);
  cert.sign(signer, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function material(keys: KeyPairPem, certPem: string): CertificateMaterial {
  return {
    ...keys,
    certPem,
    ...thumbprintsOf(certPem),
    privateKey: createPrivateKey(keys.privateKeyPem),
    publicKey: createPublicKey(keys.publicKeyPem),
  };
}

export interface SandboxPki {
  ca: CertificateMaterial;
  server: CertificateMaterial;
  /** Signs every token the sandbox issues; published in the JWKS. */
  signing: CertificateMaterial;
  /** Default client certificate registered on the demo confidential app. */
  client: CertificateMaterial;
}

let cached: Promise<SandboxPki> | undefined;

async function build(): Promise<SandboxPki> {
  // Only the keys every sandbox needs are made up front; the others (external issuers, foreign keys) on first use.
  const [caKeys, serverKeys, signingKeys, clientKeys] = await Promise.all(
    Array.from({ length: 4 }, () => rsaKeyPair()),
  );
  const caPem = makeCert({ commonName: 'Azure Auth Debugger Sandbox CA', days: 3650, keys: caKeys!, ca: true });
  const ca = material(caKeys!, caPem);
  const serverPem = makeCert({
    commonName: '127.0.0.1',
    days: 825,
    keys: serverKeys!,
    issuer: { certPem: caPem, privateKeyPem: caKeys!.privateKeyPem },
    sans: { dns: ['localhost'], ips: ['127.0.0.1', '::1'] },
    serverAuth: true,
  });
  return {
    ca,
    server: material(serverKeys!, serverPem),
    signing: selfSigned('sandbox token signing', signingKeys!),
    client: selfSigned('sandbox-confidential-app', clientKeys!, true),
  };
}

function selfSigned(cn: string, keys: KeyPairPem, clientAuth = false): CertificateMaterial {
  return material(keys, makeCert({ commonName: cn, days: 730, keys, clientAuth }));
}

/** The process-wide key material (generated on first use). */
export function getPki(): Promise<SandboxPki> {
  cached ??= build().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

const extra = new Map<string, Promise<CertificateMaterial>>();

/**
 * A named key + self-signed certificate made on first use and kept for the process (external issuer keys,
 * the "foreign issuer" key nobody publishes, …).
 */
export function namedKey(name: string): Promise<CertificateMaterial> {
  let p = extra.get(name);
  if (!p) {
    p = rsaKeyPair().then((k) => selfSigned(`sandbox ${name}`, k));
    p.catch(() => extra.delete(name));
    extra.set(name, p);
  }
  return p;
}

/** PKCS#12 (PFX) with the private key and certificate, encrypted with `password` (3DES, SHA-1 MAC: what every client reads). */
export function toPfx(
  m: Pick<CertificateMaterial, 'privateKeyPem' | 'certPem'>,
  password: string,
  friendlyName = 'sandbox',
): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(m.privateKeyPem),
    [forge.pki.certificateFromPem(m.certPem)],
    password,
    {
      algorithm: '3des',
      friendlyName,
    },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Parses a PEM certificate; returns undefined when it is not one. */
export function tryParseCertificate(
  pem: string,
):
  { publicKey: KeyObject; thumbprints: ReturnType<typeof thumbprintsOf>; notAfter: Date; notBefore: Date } | undefined {
  try {
    if (!/-----BEGIN CERTIFICATE-----/.test(pem)) return undefined;
    const c = forge.pki.certificateFromPem(pem);
    const certPem = forge.pki.certificateToPem(c);
    return {
      publicKey: createPublicKey(certPem),
      thumbprints: thumbprintsOf(certPem),
      notAfter: c.validity.notAfter,
      notBefore: c.validity.notBefore,
    };
  } catch {
    return undefined;
  }
}

/** The JWK (public part) of a certificate, with kid = x5t as Entra publishes it. */
export function jwkOf(m: CertificateMaterial, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const jwk = m.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', use: 'sig', kid: m.x5t, x5t: m.x5t, n: jwk.n, e: jwk.e, x5c: [m.certB64], ...extra };
}
