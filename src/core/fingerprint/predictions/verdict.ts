/** How a prediction is worded. Reasons quote environment values, so each is one line, without control characters. */
import type { Prediction } from '../../model';
import { isSet, type Env } from '../evidence';

function clean(reason: string): string {
  const r = reason
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
  return r.length > 1000 ? `${r.slice(0, 1000)}…` : r;
}

export const p = (verdict: Prediction['verdict'], reason: string): Prediction => ({ verdict, reason: clean(reason) });

export function secs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** "AZURE_TENANT_ID is" / "AZURE_CLIENT_ID and AZURE_TENANT_ID are": the names of variables not set, with the verb. */
export function namesAre(names: string[]): string {
  return `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'}`;
}

/** The variables of `names` that are not set. */
export function unset(env: Env, names: string[]): string[] {
  return names.filter((n) => !isSet(env, n));
}

/** The SDKs refuse an AZURE_AUTHORITY_HOST that is not https. */
export function authorityHostProblem(env: Env): Prediction | undefined {
  const ah = env.AZURE_AUTHORITY_HOST;
  if (ah !== undefined && ah.trim() !== '' && !/^https:\/\//i.test(ah.trim()))
    return p('misconfigured', `AZURE_AUTHORITY_HOST "${ah.slice(0, 80)}" is not https: the SDKs refuse it`);
  return undefined;
}
