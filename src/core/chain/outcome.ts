/**
 * What a chain's steps decided, and the error DefaultAzureCredential reports when none of them returned a token:
 * the stopping step's own error, or the SDK's combined "none was available" error in each SDK's wording.
 */
import type { ChainProfile, CredentialName, ErrorInfo, StepResult } from '../model';
import { PROFILES } from './profiles';
import type { StepRun } from './runner';

/** What the steps decided: the runs in chain order, the winner or the step that stopped the chain, and when it was known. */
export interface ChainOutcome {
  runs: StepRun[];
  winner: string | null;
  stopper?: StepRun;
  /** Diagnose: when every step up to the deciding one had settled (epoch ms). */
  verdictAt?: number;
}

function aggregateMessage(profile: ChainProfile, steps: StepResult[]): string {
  const spell = (n: string) => PROFILES[profile].spelling[n as CredentialName] ?? n;
  switch (profile) {
    case 'go':
      return `DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n${steps.map((s) => `\t${s.credential}: ${s.message}`).join('\n')}`;
    case 'js':
      // AggregateAuthenticationError: one `${error.name}: ${error.message}` line per thrown error, in chain order.
      return `ChainedTokenCredential authentication failed.\n${steps.map((s) => `${s.error?.sdkErrorName ?? 'CredentialUnavailableError'}: ${s.message}`).join('\n')}`;
    case 'python':
      // ChainedTokenCredential's one ClientAuthenticationError (azure/identity/_credentials/chained.py).
      return `DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n${steps.map((s) => `\t${spell(s.credential)}: ${s.message}`).join('\n')}\nTo mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.`;
    case 'dotnet':
      return `DefaultAzureCredential failed to retrieve a token from the included credentials. See the troubleshooting guide for more information. https://aka.ms/azsdk/net/identity/defaultazurecredential/troubleshoot\n${steps.map((s) => `- ${s.message}`).join('\n')}`;
  }
}

/** The chain's error when nothing won: the stopping step's, or the SDK's combined "none was available" error. */
export function chainError(profile: ChainProfile, names: string[], { runs, stopper }: ChainOutcome): ErrorInfo {
  if (stopper?.result.error) {
    const m = stopper.result.error.message;
    // Python's chain raises its combined error either way: every member it asked, the failing one last.
    if (profile === 'python') {
      const asked = runs.filter((r) => r.result.outcome === 'unavailable' || r === stopper).map((r) => r.result);
      return { ...stopper.result.error, message: aggregateMessage(profile, asked) };
    }
    return {
      ...stopper.result.error,
      // @azure/identity rethrows the member's own error as it is (Node's ENOENT text included).
      message: profile === 'js' || m.startsWith(stopper.result.credential) ? m : `${stopper.result.credential}: ${m}`,
    };
  }
  // Members the SDK could not construct are placeholders: never named in its combined error (js-construction.ts).
  const tried = runs.filter((r) => r.result.outcome === 'unavailable' && !r.result.placeholder).map((r) => r.result);
  const allPlaceholders = names.length > 0 && tried.length === 0 && runs.some((r) => r.result.placeholder);
  return {
    kind: 'credential-unavailable',
    // JS ChainedTokenCredential: no member threw, none returned a token → CredentialUnavailableError.
    message: allPlaceholders
      ? 'Failed to retrieve a valid token'
      : names.length
        ? aggregateMessage(profile, tried)
        : 'no credential is selected',
    errorCodes: [...new Set(tried.flatMap((s) => s.errorCodes))],
  };
}
