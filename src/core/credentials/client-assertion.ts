/**
 * ClientAssertionCredential: client credentials grant with a caller-supplied JWT assertion (federated credentials:
 * GitHub OIDC, Azure Pipelines, Kubernetes service-account tokens). The assertion's iss / sub / aud / validity go into
 * the trace so AADSTS70021 / 700211 / 700024 can be explained against what was actually presented.
 */
import type { AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import type { CredentialName, ErrorInfo } from '../model';
import type { StepContext } from './types';
import type { ClientCredentialConfig } from './msal/app';
import type { AcquireCall, MsalCredentialOptions } from './msal/base';
import { ConfidentialClientCredential } from './msal/clients';
import {
  assertionClaims,
  assertionHint,
  requireValue,
  secretOf,
  traceAssertion,
  type AssertionClaims,
  type SecretInput,
} from './msal/common';

export interface ClientAssertionCredentialOptions extends MsalCredentialOptions {
  tenantId: string;
  clientId: string;
  /** Returns the assertion; called whenever msal-node needs one. */
  getAssertion?: () => Promise<string> | string;
  /** A fixed assertion (used when getAssertion is absent). */
  assertion?: SecretInput;
}

export class ClientAssertionCredential extends ConfidentialClientCredential {
  readonly name: CredentialName;
  /** Claims of the last assertion handed to msal-node. */
  lastAssertion: AssertionClaims | undefined;
  #now: () => number = Date.now;
  #ctx: StepContext | undefined;

  constructor(private readonly options: ClientAssertionCredentialOptions) {
    super(options);
    this.name = options.reportAs ?? 'ClientAssertionCredential';
  }

  protected override secretValues(): (string | undefined)[] {
    return [secretOf(this.options.assertion)];
  }

  protected override validateProof(): void {
    if (!this.options.getAssertion) requireValue(secretOf(this.options.assertion), 'assertion', this.name);
  }

  /** Produces the assertion for msal-node: records its claims, registers it as a secret. */
  protected async nextAssertion(): Promise<string> {
    const raw = this.options.getAssertion ? await this.options.getAssertion() : secretOf(this.options.assertion)!;
    const assertion = raw.trim();
    const ctx = this.#ctx;
    ctx?.trace.addSecret?.(assertion);
    this.lastAssertion = assertionClaims(assertion);
    if (ctx) traceAssertion(ctx, `${this.name}: client assertion`, this.lastAssertion);
    return assertion;
  }

  protected override clientCredential(): ClientCredentialConfig {
    return { kind: 'assertion', getAssertion: () => this.nextAssertion() };
  }

  protected override grantKind(): string {
    return 'client_assertion';
  }

  protected override failureHint(info: ErrorInfo): string | undefined {
    return assertionHint(info.errorCodes, this.lastAssertion, this.#now());
  }

  protected override async acquire(
    call: AcquireCall<ConfidentialClientApplication>,
  ): Promise<AuthenticationResult | null> {
    this.#ctx = call.ctx;
    this.#now = call.ctx.now;
    return super.acquire(call);
  }
}
