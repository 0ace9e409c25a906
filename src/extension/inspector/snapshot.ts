/**
 * Builds the Token Inspector's snapshot from the run store's snapshot and the engine's decode / explain results.
 * Pure functions, no vscode import (tested in plain node).
 *
 * The engine's results arrive with the core's own types (a rename in the core breaks this build, not the panel). Only
 * the fields the protocol names are copied, every string becomes bounded plain text (claims and error bodies are
 * attacker-controlled), and nothing else (in particular the decoder's `raw` field) can travel into the snapshot. The
 * snapshot therefore never contains a raw token.
 */
import type {
  AadstsExplanation,
  ClaimRow,
  FailureView,
  InspectorSnapshot,
  OtherExplanationView,
  TokenDetail,
  TokenListItem,
  ValidationVerdict,
  VerdictStatus,
} from '../../shared/protocol';
import type { RichText, TokenVerdictView } from '../../shared/protocol';
import type {
  ClaimExplanation,
  DecodeResult,
  Explanation,
  ExplainedCode,
  JsonObject,
  OtherExplanation,
  TokenExpiry,
  Validation,
  VerdictValue,
} from '../../core/index';
import { parseInline } from '../markdown';
import type { RunStoreSnapshot, StoredError, StoredRun, StoredTokenInfo } from '../runStore';
import { MAX_CLAIMS, MAX_LIST_ITEMS, displayText, finiteOr, num, text } from './bounded';
import { runTimeline } from './timeline';

export { MAX_CLAIMS, MAX_LIST_ITEMS, MAX_STEPS, MAX_TEXT_CHARS, MAX_VALUE_CHARS, displayText } from './bounded';
export { runTimeline } from './timeline';

/** The engine's results for one token (each absent when the engine could not produce it). */
export interface TokenAnalysisInput {
  decoded?: DecodeResult;
  claims?: ClaimExplanation[];
  /** Offline validation (the panel fetches no keys by itself). */
  validation?: Validation;
  /** Lifetime and clock-skew warnings. */
  expiry?: TokenExpiry;
}

export interface BuildInput {
  store: RunStoreSnapshot;
  /** Engine results for the selected token (keyed by store token id). Other tokens only appear in the list. */
  analyses?: ReadonlyMap<string, TokenAnalysisInput>;
  /** Explanation of the last error when the store did not carry one (explainText of its message). */
  failureExplanation?: Explanation;
  /** Host clock (epoch ms); defaults to the store snapshot's `now`. */
  now?: number;
}

function textList(v: readonly string[]): string[] {
  return v
    .slice(0, MAX_LIST_ITEMS)
    .map((x) => text(x))
    .filter((x) => x.length > 0);
}

/** Catalog prose → bounded pieces (text, code, link) that the panel renders without markup characters. */
function rich(v: string): RichText {
  return parseInline(text(v));
}

function richList(v: readonly string[]): RichText[] {
  return textList(v).map((t) => parseInline(t));
}

/** A claim value (any JSON) that should be a number: only a finite one counts. */
// ---------- tokens ----------

/** What the list and the detail both say of a token, bounded. */
function tokenFacts(
  t: StoredTokenInfo,
): Pick<TokenDetail, 'id' | 'fingerprint' | 'label' | 'credential' | 'scope' | 'origin' | 'expiresOnEpochMs'> {
  const s = t.summary;
  return {
    id: t.id,
    fingerprint: text(s.fingerprint, 64),
    label: text(t.label, 200),
    credential: text(s.credential, 200),
    scope: text(s.scope, 500),
    origin: t.origin,
    expiresOnEpochMs: finiteOr(s.expiresOnEpochMs, 0),
  };
}

function listItem(t: StoredTokenInfo, activeId: string | null): TokenListItem {
  const s = t.summary;
  const item: TokenListItem = {
    ...tokenFacts(t),
    fromCache: s.fromCache === true,
    active: t.id === activeId,
  };
  if (s.audience !== undefined) item.audience = text(s.audience, 500);
  if (s.identityType !== undefined) item.identityType = text(s.identityType, 40);
  return item;
}

/** Header or payload object → rows with empty meanings (used for the header, and for claims when the catalog is absent). */
function plainRows(o: JsonObject | undefined): ClaimRow[] {
  if (!o) return [];
  return Object.keys(o)
    .slice(0, MAX_CLAIMS)
    .map((name) => {
      const v = displayText(o[name]);
      return {
        name: text(name, 200),
        value: v.text,
        truncated: v.truncated,
        meaning: '',
        interpretation: '',
        known: false,
      };
    });
}

/**
 * Rows from explainClaims() for one table: `location` picks the header's or the payload's rows. Without the catalog's
 * rows (explainClaims failed), the decoded object's own fields, with empty meanings.
 */
export function claimRows(
  explained: readonly ClaimExplanation[] | undefined,
  fields: JsonObject | undefined,
  location: ClaimExplanation['location'] = 'payload',
): ClaimRow[] {
  if (!explained) return plainRows(fields);
  return explained
    .filter((c) => c.location === location)
    .slice(0, MAX_CLAIMS)
    .map((c) => {
      const v = displayText(c.value);
      return {
        name: text(c.name, 200),
        value: v.text,
        truncated: v.truncated,
        meaning: text(c.meaning),
        interpretation: text(c.interpretation),
        known: c.known,
      };
    });
}

/** The core's verdict words → the panel's (exhaustive: a new core verdict breaks the build until it is mapped). */
const VERDICT_STATUS: Record<VerdictValue, VerdictStatus> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warn',
  skipped: 'skip',
};

/** The checks of validateToken(), in its order. */
export function verdicts(validation: Validation | undefined): ValidationVerdict[] {
  return (validation?.verdicts ?? []).slice(0, MAX_LIST_ITEMS).map((v) => ({
    check: text(v.check, 100),
    status: VERDICT_STATUS[v.verdict],
    reason: text(v.reason),
  }));
}

/** The overall verdict of validateToken(), or undefined when the token was not validated. */
export function tokenVerdict(validation: Validation | undefined): TokenVerdictView | undefined {
  return validation ? { verdict: validation.verdict, summary: text(validation.summary) } : undefined;
}

function epochFromSeconds(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : n * 1000;
}

/** The detail of one token from its store entry and the engine's results. Never copies a raw token. */
export function tokenDetail(t: StoredTokenInfo, analysis: TokenAnalysisInput | undefined): TokenDetail {
  const s = t.summary;
  const detail: TokenDetail = {
    ...tokenFacts(t),
    tokenType: text(s.tokenType, 40) || 'Bearer',
    rawLength: finiteOr(t.rawLength, 0),
    refreshable: t.origin !== 'decoded' && t.request !== undefined,
    kind: 'error',
    header: [],
    claims: [],
    validation: [],
    warnings: [],
  };
  const d = analysis?.decoded;
  if (!d) {
    detail.notice = 'The token could not be decoded here.';
    return detail;
  }
  if (!d.ok) {
    detail.notice = text(d.error.message) || 'The token could not be decoded.';
    return detail;
  }
  detail.header = plainRows(d.header);
  const explainedHeader = analysis?.claims ? claimRows(analysis.claims, d.header, 'header') : [];
  if (explainedHeader.length) detail.header = explainedHeader;
  if (d.kind !== 'jwt') {
    detail.kind = d.kind;
    detail.notice = text(d.reason) || (d.kind === 'jwe' ? 'This token is encrypted (JWE).' : 'This token is opaque.');
    return detail;
  }
  Object.assign(detail, jwtDetail(d.payload, d.warnings, analysis));
  return detail;
}

/** What a readable JWT adds: claims, verdicts, warnings (the decoder's and the clock's), lifetime, iat / nbf. */
function jwtDetail(
  payload: JsonObject,
  warnings: readonly string[],
  analysis: TokenAnalysisInput | undefined,
): Partial<TokenDetail> {
  const out: Partial<TokenDetail> = {
    kind: 'jwt',
    claims: claimRows(analysis?.claims, payload),
    validation: verdicts(analysis?.validation),
    warnings: textList(warnings),
  };
  const verdict = tokenVerdict(analysis?.validation);
  if (verdict) out.verdict = verdict;
  const expiry = analysis?.expiry;
  const lifetime = num(expiry?.lifetimeMs);
  if (lifetime !== undefined) out.lifetimeMs = lifetime;
  const skew = text(expiry?.skew.warning);
  if (skew) out.warnings!.push(skew);
  const iat = epochFromSeconds(payload.iat);
  const nbf = epochFromSeconds(payload.nbf);
  if (iat !== undefined) out.issuedAtEpochMs = iat;
  if (nbf !== undefined) out.notBeforeEpochMs = nbf;
  return out;
}

// ---------- failures ----------

const DOCS = /^https:\/\/login\.microsoftonline\.com\/error\?code=\d{1,9}$/;

function explanationCodes(codes: readonly ExplainedCode[]): AadstsExplanation[] {
  return codes
    .filter((c) => Number.isInteger(c.code) && c.code >= 0)
    .slice(0, MAX_LIST_ITEMS)
    .map((c) => {
      // The link is rebuilt from the number, so a catalog entry cannot smuggle another URL into the panel.
      const docsUrl = `https://login.microsoftonline.com/error?code=${c.code}`;
      return {
        code: c.code,
        name: text(c.name, 200),
        meaning: rich(c.meaning),
        causes: richList(c.causes),
        fixes: richList(c.fixes),
        category: text(c.category, 100),
        docsUrl: DOCS.test(docsUrl) ? docsUrl : '',
      };
    });
}

function otherExplanations(other: readonly OtherExplanation[]): OtherExplanationView[] {
  return other
    .filter((o) => o.title || o.meaning)
    .slice(0, MAX_LIST_ITEMS)
    .map((o) => ({
      id: text(o.id, 100),
      kind: text(o.kind, 60),
      title: text(o.title, 300),
      meaning: rich(o.meaning),
      fixes: richList(o.fixes),
    }));
}

export function failureView(err: StoredError, fallbackExplanation?: Explanation): FailureView {
  const ex = err.explanation ?? fallbackExplanation;
  const info = err.error;
  const view: FailureView = {
    id: text(err.id, 128),
    atEpochMs: finiteOr(err.at, 0),
    message: text(info?.message) || text(ex?.message) || text(err.source),
    kind: text(info?.kind, 60) || 'error',
    source: text(err.source),
    codes: explanationCodes(ex?.codes ?? []),
    unknownCodes: (ex?.unknownCodes ?? []).filter((c) => Number.isInteger(c)).slice(0, MAX_LIST_ITEMS),
    other: otherExplanations(ex?.other ?? []),
  };
  // Codes the classification saw but the explanation did not cover are listed as unknown, not dropped.
  for (const c of info?.errorCodes ?? []) {
    if (Number.isInteger(c) && !view.codes.some((x) => x.code === c) && !view.unknownCodes.includes(c))
      view.unknownCodes.push(c);
  }
  const traceId = text(ex?.context.traceId ?? info?.traceId, 100);
  const correlationId = text(ex?.context.correlationId ?? info?.correlationId, 100);
  const timestamp = text(ex?.context.timestamp ?? info?.timestamp, 100);
  if (traceId) view.traceId = traceId;
  if (correlationId) view.correlationId = correlationId;
  if (timestamp) view.timestamp = timestamp;
  return view;
}

// ---------- the whole snapshot ----------

/** Which token the panel details: the store's token selection, else the active token, else the newest. */
export function selectedTokenId(store: RunStoreSnapshot): string | null {
  const sel = store.selection;
  if (sel?.kind === 'token' && store.tokens.some((t) => t.id === sel.id)) return sel.id;
  if (sel?.kind === 'run') {
    const fromRun = store.tokens.find((t) => t.runId === sel.id);
    if (fromRun) return fromRun.id;
  }
  if (store.activeTokenId && store.tokens.some((t) => t.id === store.activeTokenId)) return store.activeTokenId;
  return store.tokens[0]?.id ?? null;
}

/** The run the timeline shows: the selected run, else the latest. */
export function shownRun(store: RunStoreSnapshot): StoredRun | undefined {
  const sel = store.selection;
  return sel?.kind === 'run' ? (store.runs.find((r) => r.id === sel.id) ?? store.runs[0]) : store.runs[0];
}

/**
 * The failure the panel explains: the store's last error, unless the shown chain run failed more recently without an
 * error of its own in the store (a chain where no credential succeeded), in which case that run's error.
 */
export function shownFailure(store: RunStoreSnapshot): StoredError | null {
  const run = shownRun(store);
  const last = store.lastError;
  const runError = run?.result.error;
  if (run && runError && (!last || (last.runId !== run.id && last.at <= run.at))) {
    return {
      id: `run-error-${run.id}`,
      at: run.at,
      source: `Credential chain (${run.result.mode}) for ${run.result.scope}`,
      error: runError,
      runId: run.id,
    };
  }
  return last;
}

export function buildSnapshot(input: BuildInput): InspectorSnapshot {
  const { store } = input;
  const selected = selectedTokenId(store);
  const selectedInfo = selected ? store.tokens.find((t) => t.id === selected) : undefined;
  const sel = store.selection;
  const run = shownRun(store);
  const failure = shownFailure(store);
  return {
    version: 1,
    generatedAt: input.now ?? store.now,
    tokens: store.tokens.map((t) => listItem(t, store.activeTokenId)),
    selectedTokenId: selected,
    detail: selectedInfo ? tokenDetail(selectedInfo, input.analyses?.get(selectedInfo.id)) : null,
    failure: failure ? failureView(failure, input.failureExplanation) : null,
    run: run ? runTimeline(run) : null,
    focus: sel ? sel.kind : null,
  };
}
