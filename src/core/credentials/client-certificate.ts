/**
 * ClientCertificateCredential: client credentials grant with a certificate-signed client assertion, through msal-node.
 * Reads PEM (key + certificate(s)) or PKCS#12; the trace shows subject, issuer, validity and both thumbprints.
 * Profiles: Go signs with x5t (SHA-1, RS256); the JS SDK 4.x with x5t#S256 (PS256) and reads PEM only.
 */
import { isUserFileError, readUserFile } from '../fs/read';
import type { CredentialName } from '../model';
import { AuthenticationFailedError, type StepContext } from './types';
import type { ClientCredentialConfig } from './msal/app';
import type { MsalCredentialOptions } from './msal/base';
import { ConfidentialClientCredential } from './msal/clients';
import {
  CertificateError,
  MAX_CERTIFICATE_BYTES,
  parseClientCertificate,
  type ParsedClientCertificate,
} from './msal/certificate';
import { requireValue, secretOf, type SecretInput } from './msal/common';
import { pathUnderRoot } from '../target/process';

export interface ClientCertificateCredentialOptions extends MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  /** Path of a PEM or PKCS#12 file. */
  certificatePath?: string;
  /** The file's bytes instead of a path (the extension's SecretStorage, tests). */
  certificate?: Buffer;
  certificatePassword?: SecretInput;
  /** Send the x5c header (subject name / issuer authentication). */
  sendCertificateChain?: boolean;
  /** Force the thumbprint algorithm (default: SHA-256 for the js profile, SHA-1 otherwise). */
  thumbprintAlgorithm?: 'sha1' | 'sha256';
}

/**
 * Reads a certificate file through the bounded reader, mapping its errors to CertificateError with the SDK-like wording.
 * `root`: the filesystem root of the process the path belongs to (azauth --pid); messages keep the path as it wrote it.
 */
export async function readCertificateFile(path: string, root?: string): Promise<Buffer> {
  try {
    return await readUserFile(pathUnderRoot(root, path), { maxBytes: MAX_CERTIFICATE_BYTES, what: 'certificate file' });
  } catch (e) {
    if (!isUserFileError(e)) throw e;
    throw new CertificateError(
      `failed to read certificate file "${path}": ${e.detail}${e.kind === 'too-large' ? ' (too large for a certificate)' : ''}`,
      e.kind === 'too-large' ? 'too-large' : 'unreadable',
    );
  }
}

export class ClientCertificateCredential extends ConfidentialClientCredential {
  readonly name: CredentialName;
  parsed: ParsedClientCertificate | undefined;

  constructor(private readonly options: ClientCertificateCredentialOptions) {
    super(options);
    this.name = options.reportAs ?? 'ClientCertificateCredential';
  }

  protected override secretValues(): (string | undefined)[] {
    return [secretOf(this.options.certificatePassword)];
  }

  protected override validateProof(): void {
    if (!this.options.certificatePath && !this.options.certificate)
      requireValue(undefined, 'certificatePath', this.name);
  }

  /** Loads and parses the certificate (traced); throws AuthenticationFailedError(kind config) with a precise reason. */
  async loadCertificate(ctx: StepContext): Promise<ParsedClientCertificate> {
    const label = this.options.certificatePath ?? 'the certificate';
    try {
      const data =
        this.options.certificate ??
        (await readCertificateFile(this.options.certificatePath!, ctx.options.target?.root));
      ctx.trace.config({ files: [{ path: label, exists: true, size: data.length, note: 'client certificate' }] });
      const parsed = parseClientCertificate(data, secretOf(this.options.certificatePassword), label, ctx.now());
      ctx.trace.addSecret?.(parsed.privateKeyPem);
      if (ctx.profile === 'js' && parsed.format === 'pkcs12') {
        throw new CertificateError(
          'The file at the specified path does not contain a PEM-encoded certificate. (@azure/identity for JavaScript reads PEM files only; the Go, .NET and Python SDKs also read PKCS#12.)',
          'pkcs12-not-supported',
        );
      }
      ctx.trace.note(
        'info',
        `${this.name}: certificate ${parsed.leaf.subject} (${parsed.format}), SHA-1 ${parsed.leaf.thumbprintSha1}`,
        {
          format: parsed.format,
          subject: parsed.leaf.subject,
          issuer: parsed.leaf.issuer,
          notBefore: parsed.leaf.notBefore,
          notAfter: parsed.leaf.notAfter,
          thumbprintSha1: parsed.leaf.thumbprintSha1,
          thumbprintSha256: parsed.leaf.thumbprintSha256,
          chainLength: parsed.chain.length,
          sendCertificateChain: Boolean(this.options.sendCertificateChain),
        },
      );
      if (parsed.expired) ctx.trace.note('warn', `${this.name}: the certificate expired on ${parsed.leaf.notAfter}.`);
      if (parsed.notYetValid)
        ctx.trace.note('warn', `${this.name}: the certificate is not valid before ${parsed.leaf.notBefore}.`);
      this.parsed = parsed;
      return parsed;
    } catch (e) {
      if (e instanceof CertificateError) {
        if (this.options.certificatePath && e.reason === 'unreadable')
          ctx.trace.config({ files: [{ path: label, exists: false, note: e.message }] });
        throw new AuthenticationFailedError(
          { kind: 'config', message: `${this.name}: ${e.message}`, errorCodes: [] },
          { cause: e },
        );
      }
      throw e;
    }
  }

  protected override async clientCredential(ctx: StepContext): Promise<ClientCredentialConfig> {
    // Already read in this getToken (EnvironmentCredential checks it first in the Go chain): don't trace it twice.
    const parsed = this.parsed ?? (await this.loadCertificate(ctx));
    const useSha256 = (this.options.thumbprintAlgorithm ?? (ctx.profile === 'js' ? 'sha256' : 'sha1')) === 'sha256';
    return {
      kind: 'certificate',
      privateKeyPem: parsed.privateKeyPem,
      thumbprintSha1: parsed.leaf.thumbprintSha1,
      thumbprintSha256: parsed.leaf.thumbprintSha256,
      x5cPem: this.options.sendCertificateChain ? parsed.x5cPem : undefined,
      useSha256,
    };
  }

  protected override grantKind(): string {
    return `certificate assertion${this.options.sendCertificateChain ? ' with x5c' : ''}`;
  }
}
