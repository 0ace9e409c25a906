/** What AZURE_TOKEN_CREDENTIALS does to the chain, as the chain's own selection rules read it. */
import type { ChainProfile } from '../../model';
import { selectCredentials } from '../../chain/profiles';
import type { Env } from '../evidence';

/**
 * Which chain members AZURE_TOKEN_CREDENTIALS keeps, by the chain's own selection rules (src/core/chain/profiles.ts);
 * null when the variable leaves the full chain. `probe` is false when the release skips the managed-identity probe.
 */
export function tokenCredentialsSelection(
  env: Env,
  profile: ChainProfile,
): { value: string; members: string[] | 'invalid'; probe: boolean } | null {
  const raw = env.AZURE_TOKEN_CREDENTIALS;
  if (raw === undefined) return null;
  const sel = selectCredentials(profile, env);
  if (sel.error) return { value: raw, members: 'invalid', probe: true };
  if (sel.selection.source !== 'AZURE_TOKEN_CREDENTIALS') return null;
  return { value: raw, members: sel.selection.credentials, probe: sel.imdsProbe };
}
