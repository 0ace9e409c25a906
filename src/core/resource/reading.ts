/** What explaining a resource's answer reads: the answer, the token and the words of the error. */
import type { BearerChallenge } from './challenge';
import type { ResourceErrorEntry } from './catalog';
import type { ExplainInput, Finding, ResourceExplanation } from './explain';
import type { ServiceInfo } from './services';

/** What the checks read: the answer, the token's claims and the words of the error; they add findings and fixes. */
export interface Reading {
  input: ExplainInput;
  out: ResourceExplanation;
  service: ServiceInfo;
  bearer: BearerChallenge | undefined;
  /** The error's message and detail, where the checks look for the action, scope, tenant or principal it names. */
  text: string;
  code: string | undefined;
  entry: ResourceErrorEntry | undefined;
  claims: Record<string, unknown>;
  haveToken: boolean;
  tokenOid: string | undefined;
  tokenTid: string | undefined;
  roles: string[];
  scp: string[];
  /** "The token carries roles: …; scp: …." */
  carries: string;
  /** The object id the error names, when it names one. */
  namedOid: string | undefined;
  /** Who a role assignment fix names: the token's oid, else the error's, else a placeholder. */
  assignee: string;
  findings: Finding[];
  fixes: string[];
}

/** Text between the first `before` and the next `after`, bounded (indexOf, no backtracking). */
export function between(text: string, before: string, after: string, max = 600): string | undefined {
  const a = text.indexOf(before);
  if (a < 0) return undefined;
  const b = text.indexOf(after, a + before.length);
  if (b < 0 || b - a - before.length > max) return undefined;
  return text.slice(a + before.length, b);
}
