/** Shared setup for the flow tests: one sandbox per file, a sink that keeps every serialised trace line. */
import { startSandbox, DEMO, type Sandbox } from '../../../src/sandbox/index';
import { acquireToken, type FlowRequest, type FlowRun } from '../../../src/core/flows';
import { formatEvent } from '../../../src/core/trace/sinks';
import type { TraceEvent } from '../../../src/core/trace/events';
import type { EngineOptions } from '../../../src/core/options';

export { DEMO };

export interface Captured {
  events: TraceEvent[];
  /** Everything any sink would print: JSON lines and human text lines. */
  text: string[];
}

export function captureSink(): { sink: { emit(e: TraceEvent): void }; captured: Captured } {
  const captured: Captured = { events: [], text: [] };
  return {
    captured,
    sink: {
      emit(e: TraceEvent) {
        captured.events.push(e);
        captured.text.push(JSON.stringify(e));
        captured.text.push(...formatEvent(e, { bodies: true }));
      },
    },
  };
}

export function engineOptions(sb: Sandbox, extra: EngineOptions = {}): EngineOptions {
  return { authorityHost: sb.authorityHost, ca: sb.caPem, ...extra };
}

/** Runs a flow against the sandbox with an empty environment (unless given) and returns the run plus all sink output. */
export async function runFlow(
  sb: Sandbox,
  request: FlowRequest,
  opts: { env?: Record<string, string | undefined>; options?: EngineOptions; signal?: AbortSignal } = {},
): Promise<{ run: FlowRun; captured: Captured; all: string }> {
  const { sink, captured } = captureSink();
  const run = await acquireToken(request, {
    sink,
    env: opts.env ?? {},
    options: opts.options ?? engineOptions(sb),
    signal: opts.signal,
  });
  // The run's result is also something faces print: include it.
  const all = [...captured.text, JSON.stringify(run.result)].join('\n');
  return { run, captured, all };
}

/** Asserts that no recorded request left the sandbox's listeners (every request reached one of them by construction,
 * so the check is that the engine's trace names no other host). */
export function hostsIn(events: TraceEvent[]): string[] {
  const hosts = new Set<string>();
  for (const e of events) if (e.kind === 'http') hosts.add(new URL(e.url).host);
  return [...hosts];
}

export async function withSandbox(): Promise<Sandbox> {
  return startSandbox();
}

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import assertModule from 'node:assert/strict';

/**
 * A self-signed RSA certificate nobody registered (AADSTS700027 when presented): PEM key + cert, the key encrypted
 * with `pemPassword`, and a PFX under `password`.
 */
export function makeCertificate(
  cn = 'unregistered-test-cert',
  password = 'pfx-pass-1',
  pemPassword = 'pem-pass-1',
): { pem: string; keyPem: string; encKeyPem: string; certPem: string; pfx: Buffer; password: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const encKeyPem = privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: pemPassword })
    .toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '0a' + randomUUID().replace(/-/g, '').slice(0, 14);
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86400_000);
  const attrs = [{ name: 'commonName', value: cn }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const fkey = forge.pki.privateKeyFromPem(keyPem);
  cert.sign(fkey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const p12 = forge.pkcs12.toPkcs12Asn1(fkey, [cert], password, { algorithm: '3des' });
  const pfx = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  return { pem: keyPem + certPem, keyPem, encKeyPem, certPem, pfx, password };
}

/** The invariants every sandbox flow test checks: only the sandbox was contacted, no secret reached any sink. */
export function assertCleanRun(sb: Sandbox, captured: Captured, all: string, secrets: (string | undefined)[]): void {
  const allowed = new URL(sb.authorityHost).host;
  for (const h of hostsIn(captured.events)) assertModule.equal(h, allowed, `a request went to ${h}`);
  for (const r of sb.requests)
    assertModule.ok(
      !/microsoftonline|windows\.net|azure\.com$/.test(r.headers.host ?? ''),
      `sandbox saw host header ${r.headers.host}`,
    );
  for (const s of secrets) {
    if (!s) continue;
    assertModule.ok(!all.includes(s), `a secret (${s.length} chars) appeared in trace output`);
  }
}

import { Tracer } from '../../../src/core/trace/tracer';
import { createHttpClient } from '../../../src/core/http/client';
import { createProcessRunner } from '../../../src/core/process/runner';
import type { StepContext } from '../../../src/core/credentials/types';
import type { ChainProfile } from '../../../src/core/model';

/** A StepContext as the chain runner builds one (for credential-level tests: inChain, injected clock). */
export function makeCtx(
  sb: Sandbox | undefined,
  o: {
    env?: Record<string, string | undefined>;
    profile?: ChainProfile;
    inChain?: boolean;
    now?: () => number;
    signal?: AbortSignal;
    options?: EngineOptions;
  } = {},
): { ctx: StepContext; captured: Captured } {
  const { sink, captured } = captureSink();
  const env = o.env ?? {};
  const tracer = new Tracer({ sink, env });
  const trace = tracer.forStep('test');
  const options = o.options ?? (sb ? engineOptions(sb) : {});
  return {
    captured,
    ctx: {
      env,
      signal: o.signal ?? new AbortController().signal,
      trace,
      http: createHttpClient({ trace, ca: options.ca, env }),
      proc: createProcessRunner({ trace, env }),
      options,
      inChain: o.inChain ?? false,
      profile: o.profile ?? 'go',
      now: o.now ?? Date.now,
    },
  };
}

import https from 'node:https';

/** A raw form POST to the sandbox's token endpoint (used to obtain a refresh token, which msal-node never returns). */
export function rawTokenRequest(
  sb: Sandbox,
  form: Record<string, string>,
  tenant = sb.tenantId,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(`${sb.authorityHost}/${tenant}/oauth2/v2.0/token`);
  const data = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        ca: sb.caPem,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
