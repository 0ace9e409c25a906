// One real @azure/identity DefaultAzureCredential, in a fresh process, as the parity suite's oracle.
// argv[2] is the package to load (an npm alias such as azure-identity-4-5, or @azure/identity). Prints one JSON
// line: the verdict, every credential the chain asked with its outcome class, and the error's name and message.
// The credential is built exactly as an application builds it — `new DefaultAzureCredential()`, no options — so the
// SDK's own defaults decide (instance discovery included: it reaches the sandbox through the suite's loopback proxy).
import { createRequire } from 'node:module';
import { assertLoopbackOnly } from '../../bench/netns-guard.mjs';

assertLoopbackOnly('parity sdk-oracle');
const pkg = process.argv[2] ?? '@azure/identity';
const require = createRequire(import.meta.url);
const identity = require(pkg);
const scope = process.env.PARITY_SCOPE ?? 'https://management.azure.com/.default';
const tenantId = process.env.PARITY_REQUEST_TENANT || undefined;
const version = require(`${pkg}/package.json`).version;

/** The credential a chain member stands for, from its class name or a constructor-failure placeholder's factory name. */
function memberName(source) {
  const raw = source?.credentialName ?? source?.constructor?.name ?? 'unknown';
  return raw.replace(/^create(Default)?/, '').replace(/^Default(?=\w+Credential$)/, '');
}

const out = { side: 'sdk', package: pkg, version, attempts: [] };
let credential;
try {
  credential = new identity.DefaultAzureCredential();
} catch (e) {
  out.verdict = 'construct-error';
  out.errorName = e?.name;
  out.message = String(e?.message ?? e);
}
if (credential) {
  for (const source of credential._sources ?? []) {
    const name = memberName(source);
    const placeholder = source?.constructor?.name === 'UnavailableDefaultCredential';
    const inner = source.getToken.bind(source);
    source.getToken = async (...args) => {
      const t0 = performance.now();
      const attempt = { credential: name, placeholder };
      out.attempts.push(attempt);
      try {
        const token = await inner(...args);
        attempt.outcome = token ? 'success' : 'none';
        return token;
      } catch (e) {
        attempt.outcome =
          e?.name === 'CredentialUnavailableError' || e?.name === 'AuthenticationRequiredError'
            ? 'unavailable'
            : 'failed';
        attempt.errorName = e?.name;
        attempt.message = String(e?.message ?? e).slice(0, 4000);
        throw e;
      } finally {
        attempt.ms = Math.round(performance.now() - t0);
      }
    };
  }
  const t0 = performance.now();
  try {
    const token = await credential.getToken(scope, tenantId ? { tenantId } : {});
    out.verdict = token?.token ? 'token' : 'no-token';
    out.winner = out.attempts.find((a) => a.outcome === 'success')?.credential ?? null;
  } catch (e) {
    out.errorName = e?.name;
    out.message = String(e?.message ?? e);
    out.verdict = e?.name === 'AggregateAuthenticationError' ? 'aggregate' : 'error';
    out.stoppedBy = out.attempts.find((a) => a.outcome === 'failed')?.credential ?? null;
  }
  out.ms = Math.round(performance.now() - t0);
}
// Foreign text: scrubbed by the product's one redaction module before it reaches a report.
const { redactText } = require('../../dist/engine.js');
out.message = out.message === undefined ? undefined : redactText(out.message).slice(0, 8000);
for (const a of out.attempts) if (a.message) a.message = redactText(a.message);
process.stdout.write('PARITY-RESULT ' + JSON.stringify(out) + '\n');
process.exit(0);
