/**
 * explainText: one entry point for "what does this error mean and what do I do": AADSTS codes from the catalog,
 * plus explanations for failures without a code (network, TLS, proxy, managed identity, developer tools, MSAL).
 */
import { aadstsDocsUrl, lookupAadsts, type AadstsEntry } from './catalog';
import { extract, type ErrorContext } from './extract';
import { redactText } from '../trace/redact';
import { formatDuration } from '../../shared/expiry';

export type ExplainedCode = Pick<
  AadstsEntry,
  'code' | 'name' | 'meaning' | 'causes' | 'fixes' | 'category' | 'docsUrl'
>;

export interface OtherExplanation {
  /** Stable id of the explanation (see explanations.json), e.g. 'econnrefused', 'imds-multiple-uami'. */
  id: string;
  /** network | tls | proxy | managed-identity | credential-unavailable | multi-tenant | cli | azd | powershell | msal | config | chain | resource | note | unknown-code */
  kind: string;
  title: string;
  meaning: string;
  fixes: string[];
}

export interface Explanation {
  codes: ExplainedCode[];
  /** AADSTS codes found in the input that the offline catalog does not describe. */
  unknownCodes: number[];
  context: Omit<ErrorContext, 'httpStatus'> & { httpStatus?: number };
  other: OtherExplanation[];
  /** The error's own first line, for display next to the explanation. */
  message: string;
}

interface DataEntry {
  id: string;
  kind: string;
  title: string;
  meaning: string;
  fixes: string[];
  patterns: string[];
}

let compiled: { entry: DataEntry; res: RegExp[] }[] | undefined;

/** Loads and compiles explanations.json on first use. */
function explanations(): { entry: DataEntry; res: RegExp[] }[] {
  if (!compiled) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require('./explanations.json') as { entries: DataEntry[] };
    compiled = data.entries.map((entry) => ({
      entry,
      res: entry.patterns.flatMap((p) => {
        try {
          return [new RegExp(p, 'i')];
        } catch {
          return [];
        }
      }),
    }));
  }
  return compiled;
}

/** The non-AADSTS explanation data (for docs and tests). */
export function nonAadstsExplanations(): OtherExplanation[] {
  return explanations().map(({ entry }) => ({
    id: entry.id,
    kind: entry.kind,
    title: entry.title,
    meaning: entry.meaning,
    fixes: [...entry.fixes],
  }));
}

/** Ids that make a more generic entry redundant when both match. */
const SUPERSEDES: Record<string, string[]> = {
  'imds-identity-not-found': ['credential-unavailable'],
  'imds-multiple-uami': ['credential-unavailable'],
  'docker-desktop-403': ['imds-unavailable', 'unreachable', 'credential-unavailable'],
  'imds-unavailable': ['credential-unavailable'],
  'env-incomplete': ['credential-unavailable'],
  'workload-identity-missing': ['credential-unavailable'],
  'az-not-found': ['credential-unavailable'],
  'azd-not-found': ['credential-unavailable'],
  'pwsh-not-found': ['pwsh-not-connected'],
  'msal-network-error': [],
  'tls-self-signed': ['tls-unable-to-verify'],
  'vscode-credential': ['credential-unavailable'],
  'broker-failed': ['credential-unavailable'],
};

export function explainText(input: string | object): Explanation {
  const x = extract(input);
  const codes: ExplainedCode[] = [];
  const unknownCodes: number[] = [];
  for (const code of x.codes) {
    const e = lookupAadsts(code);
    if (e) {
      codes.push({
        code: e.code,
        name: e.name,
        meaning: e.meaning,
        causes: [...(e.causes ?? [])],
        fixes: [...(e.fixes ?? [])],
        category: e.category,
        docsUrl: e.docsUrl || aadstsDocsUrl(e.code),
      });
    } else {
      unknownCodes.push(code);
    }
  }
  const other = withoutLoginTail(matchedExplanations([x.text, ...x.names].join('\n')), x.codes);
  const clock = assertionClockNote(x.text);
  if (clock) other.push(clock);
  if (x.context.assertion) other.push(federatedAssertionNote(x.context.assertion));
  other.push(...unknownCodes.map(unknownCodeNote));
  return { codes, unknownCodes, context: { ...x.context }, other, message: redactText(x.message) };
}

/** The data entries whose patterns match, without the generic ones a more precise match supersedes. */
function matchedExplanations(haystack: string): OtherExplanation[] {
  const matched: OtherExplanation[] = [];
  for (const { entry, res } of explanations()) {
    if (res.some((re) => re.test(haystack))) {
      matched.push({
        id: entry.id,
        kind: entry.kind,
        title: entry.title,
        meaning: entry.meaning,
        fixes: [...entry.fixes],
      });
    }
  }
  const dropped = new Set(matched.flatMap((m) => SUPERSEDES[m.id] ?? []));
  return matched.filter((m) => !dropped.has(m.id));
}

/** The Azure CLI ends every token failure with "Please run 'az login'": with a code before it, the code is the cause. */
function withoutLoginTail(other: OtherExplanation[], codes: readonly number[]): OtherExplanation[] {
  if (codes.length === 0 || !other.some((o) => o.id === 'az-not-logged-in')) return other;
  return [
    ...other.filter((o) => o.id !== 'az-not-logged-in'),
    {
      id: 'az-login-tail',
      kind: 'note',
      title: "The 'Please run az login' line is not the cause",
      meaning:
        `The Azure CLI adds "Please run 'az login'" to every failed token request. Here Entra ID returned ${codes.map((c) => `AADSTS${c}`).join(', ')} first: ` +
        'that code is the real reason, and signing in again only helps if the code is about an expired or revoked session.',
      fixes: [
        'Fix what the AADSTS explanation above says; then re-run the command (az login --scope <scope> if it asks for MFA or consent).',
      ],
    },
  ];
}

/** AADSTS700024 spells out Entra's clock and the assertion's window: turn it into a skew the user can act on. */
function assertionClockNote(text: string): OtherExplanation | undefined {
  const window =
    /Current time:\s*([0-9T:.\- ]+Z?),\s*assertion valid from\s*([0-9T:.\- ]+Z?|\(none\)),\s*expiry time of assertion\s*([0-9T:.\- ]+Z?|\(none\))/i.exec(
      text,
    );
  if (!window) return undefined;
  const server = Date.parse(window[1]);
  const from = Date.parse(window[2]);
  const until = Date.parse(window[3]);
  let meaning = '';
  if (Number.isFinite(server) && Number.isFinite(from) && from > server)
    meaning = `The assertion becomes valid ${formatDuration(from - server)} after Entra's current time: the clock of the machine that created it is ahead.`;
  else if (Number.isFinite(server) && Number.isFinite(until) && until <= server)
    meaning = `The assertion expired ${formatDuration(server - until)} before Entra's current time: it was reused too long, or the clock of the machine that created it is behind.`;
  if (!meaning) return undefined;
  return {
    id: 'assertion-clock',
    kind: 'note',
    title: 'Client assertion outside its time window',
    meaning,
    fixes: [
      'Synchronise the clock of the machine or pod that signs the assertion (NTP).',
      'Create a fresh assertion for every token request; federated tokens from files (AZURE_FEDERATED_TOKEN_FILE) are rotated by the platform — re-read the file.',
    ],
  };
}

function federatedAssertionNote(a: NonNullable<ErrorContext['assertion']>): OtherExplanation {
  const rows = [
    a.issuer ? `issuer "${a.issuer}"` : '',
    a.subject ? `subject "${a.subject}"` : '',
    a.audience ? `audience "${a.audience}"` : '',
  ].filter(Boolean);
  return {
    id: 'federated-assertion',
    kind: 'note',
    title: 'What the rejected assertion carried',
    meaning: `Entra compared the presented token's ${rows.join(', ')} with the federated identity credentials of the app (or user-assigned identity). A credential matches only when issuer and subject are exactly equal (case-sensitive, no trailing-slash tolerance) and its audiences include the token's audience.`,
    fixes: [
      'Portal: App registrations > your app > Certificates & secrets > Federated credentials (or the managed identity > Federated credentials): compare each field character by character.',
      `CLI: az ad app federated-credential list --id <app-id>  (for a managed identity: az identity federated-credential list -g <rg> --identity-name <name>)${a.subject ? `; the subject must be exactly ${a.subject}` : ''}.`,
      'Decode the token you send (azauth decode - < $AZURE_FEDERATED_TOKEN_FILE) to see its iss, sub and aud.',
    ],
  };
}

function unknownCodeNote(code: number): OtherExplanation {
  return {
    id: 'unknown-code',
    kind: 'unknown-code',
    title: `AADSTS${code} is not in the offline catalog`,
    meaning: `This code is not described in the catalog shipped with this version. Microsoft's own lookup page has the current text: ${aadstsDocsUrl(code)}`,
    fixes: [
      `Open ${aadstsDocsUrl(code)}`,
      'Search the full error_description: Entra usually says in words what is wrong.',
    ],
  };
}
