/**
 * Client certificates for ClientCertificateCredential and EnvironmentCredential: PEM (private key plus one or more
 * certificates; several certificates form the chain) and PKCS#12 (.pfx/.p12) with an optional password.
 * Produces what msal-node needs (PKCS#8 private key PEM, SHA-1 / SHA-256 thumbprints, the x5c chain) and what the trace
 * shows (subject, issuer, validity, thumbprints). The private key never leaves this module except to msal-node.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** Largest certificate file read (a PEM chain or PFX is a few KB; anything bigger is not a certificate). */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;

export class CertificateError extends Error {
  readonly kind = 'config' as const;
  constructor(
    message: string,
    /** Short machine-readable reason: empty, too-large, not-a-certificate, no-private-key, no-certificate, password-required, wrong-password, key-mismatch, malformed. */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** Upper-case hex, as the Azure portal shows it. */
  thumbprintSha1: string;
  /** Upper-case hex. */
  thumbprintSha256: string;
  serialNumber: string;
}

export interface ParsedClientCertificate {
  format: 'pem' | 'pkcs12';
  /** PKCS#8 PEM (handed to msal-node only). */
  privateKeyPem: string;
  /** Leaf first, then the rest of the chain, PEM each. */
  certificatesPem: string[];
  leaf: CertificateInfo;
  chain: CertificateInfo[];
  /** The chain as msal-node's `x5c` option wants it (PEM certificates concatenated). */
  x5cPem: string;
  /** True when the leaf is outside its validity period at `now`. */
  expired: boolean;
  notYetValid: boolean;
}

function infoOf(pem: string): CertificateInfo {
  const x = new X509Certificate(pem);
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    thumbprintSha1: createHash('sha1').update(x.raw).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(x.raw).digest('hex').toUpperCase(),
    serialNumber: x.serialNumber,
  };
}

function samePublicKey(key: KeyObject, certPem: string): boolean {
  try {
    const a = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const b = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(a, b) === 0;
  } catch {
    return false;
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function parsePem(text: string, password: string | undefined, label: string): { key: KeyObject; certs: string[] } {
  const keys: string[] = [];
  const certs: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const kind = m[1] ?? '';
    if (kind === 'CERTIFICATE') certs.push(m[0]);
    else if (/PRIVATE KEY$/.test(kind)) keys.push(m[0]);
  }
  if (!keys.length && !certs.length)
    throw new CertificateError(
      `${label} contains no PEM blocks (expected a private key and a certificate).`,
      'not-a-certificate',
    );
  if (!keys.length)
    throw new CertificateError(
      `${label} contains ${certs.length} certificate(s) but no private key; the PEM file must hold the private key too.`,
      'no-private-key',
    );
  if (!certs.length)
    throw new CertificateError(`${label} contains a private key but no certificate.`, 'no-certificate');
  if (keys.length > 1)
    throw new CertificateError(`${label} contains ${keys.length} private keys; expected exactly one.`, 'malformed');
  const keyPem = keys[0]!;
  const encrypted = /ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/.test(keyPem);
  if (encrypted && !password)
    throw new CertificateError(
      `The private key in ${label} is encrypted and no password was given.`,
      'password-required',
    );
  let key: KeyObject;
  try {
    key = createPrivateKey(
      encrypted ? { key: keyPem, format: 'pem', passphrase: password } : { key: keyPem, format: 'pem' },
    );
  } catch (e) {
    if (encrypted)
      throw new CertificateError(
        `The private key in ${label} could not be decrypted: the password is wrong.`,
        'wrong-password',
      );
    throw new CertificateError(`The private key in ${label} is malformed (${(e as Error).message}).`, 'malformed');
  }
  for (const c of certs) {
    try {
      new X509Certificate(c);
    } catch (e) {
      throw new CertificateError(`A certificate in ${label} is malformed (${(e as Error).message}).`, 'malformed');
    }
  }
  return { key, certs };
}

function parsePkcs12(der: Buffer, password: string | undefined, label: string): { key: KeyObject; certs: string[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/Invalid password|MAC could not be verified/i.test(msg)) {
      throw new CertificateError(
        password
          ? `The PKCS#12 file ${label} could not be opened: the password is wrong.`
          : `The PKCS#12 file ${label} is password-protected and no password was given.`,
        password ? 'wrong-password' : 'password-required',
      );
    }
    if (/Too few bytes|not enough|Unparsed DER|ASN\.1|invalid/i.test(msg)) {
      throw new CertificateError(
        `${label} is neither a PEM file nor a valid PKCS#12 (.pfx) file.`,
        'not-a-certificate',
      );
    }
    throw new CertificateError(`The PKCS#12 file ${label} could not be read (${msg.slice(0, 200)}).`, 'malformed');
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const keyBag = keyBags.find((b) => b.key);
  if (!keyBag?.key) {
    if (keyBags.length)
      throw new CertificateError(
        `The private key in ${label} uses an algorithm that cannot be read (only RSA keys are supported in PKCS#12 files).`,
        'malformed',
      );
    throw new CertificateError(`The PKCS#12 file ${label} contains no private key.`, 'no-private-key');
  }
  const certs = certBags.filter((b) => b.cert).map((b) => forge.pki.certificateToPem(b.cert!));
  if (!certs.length) throw new CertificateError(`The PKCS#12 file ${label} contains no certificate.`, 'no-certificate');
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)));
  return { key: createPrivateKey(keyPem), certs };
}

/**
 * Parses a client certificate file's bytes. `label` names the file in messages (a path; never the contents).
 * Throws CertificateError with a precise reason.
 */
export function parseClientCertificate(
  data: Buffer,
  password: string | undefined,
  label: string,
  now = Date.now(),
): ParsedClientCertificate {
  if (data.length === 0) throw new CertificateError(`${label} is empty.`, 'empty');
  if (data.length > MAX_CERTIFICATE_BYTES)
    throw new CertificateError(
      `${label} is ${data.length} bytes; a certificate file is at most ${MAX_CERTIFICATE_BYTES} bytes.`,
      'too-large',
    );
  const text = data.toString('utf8');
  const isPem = text.includes('-----BEGIN ');
  const { key, certs } = isPem ? parsePem(text, password, label) : parsePkcs12(data, password, label);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CertificateError(
      `The private key in ${label} is ${key.asymmetricKeyType ?? 'of an unknown type'}; msal-node signs client assertions with RSA keys only.`,
      'malformed',
    );
  }
  // The leaf is the certificate whose public key matches the private key (as the Go SDK selects it).
  const leafIndex = certs.findIndex((c) => samePublicKey(key, c));
  if (leafIndex < 0) throw new CertificateError(`No certificate in ${label} matches its private key.`, 'key-mismatch');
  const ordered = [certs[leafIndex]!, ...certs.filter((_, i) => i !== leafIndex)];
  const infos = ordered.map(infoOf);
  const leaf = infos[0]!;
  return {
    format: isPem ? 'pem' : 'pkcs12',
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatesPem: ordered,
    leaf,
    chain: infos,
    x5cPem: ordered.join('\n'),
    expired: Date.parse(leaf.notAfter) < now,
    notYetValid: Date.parse(leaf.notBefore) > now,
  };
}
