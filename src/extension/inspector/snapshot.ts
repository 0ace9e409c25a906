/**
 * Builds the Token Inspector's snapshot from the run store's snapshot and the engine's decode / explain results.
 * Pure functions, no vscode import (tested in plain node).
 *
 * Everything from the engine arrives as `unknown` and is read defensively: only the fields the protocol names are
 * copied, every value becomes bounded plain text, and nothing else (in particular the decoder's `raw` field) can
 * travel into the snapshot. The snapshot therefore never contains a raw token.
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
import { parseInline } from '../markdown';
import type { RunStoreSnapshot, StoredError, StoredRun, StoredTokenInfo } from '../runStore';
import { MAX_CLAIMS, MAX_LIST_ITEMS, displayText, finiteOr, num, text } from './bounded';
import { runTimeline } from './timeline';

export { MAX_CLAIMS, MAX_LIST_ITEMS, MAX_STEPS, MAX_TEXT_CHARS, MAX_VALUE_CHARS, displayText } from './bounded';
export { runTimeline } from './timeline';

/** The engine's results for one token, as returned (shapes owned by src/core/token). */
export interface TokenAnalysisInput {
  /** decodeToken(raw) */
  decoded: unknown;
  /** explainClaims(...) — rows of { name, value, meaning, interpretation }, or undefined when not available. */
  claims?: unknown;
  /** validateToken(...) — verdicts, or undefined when not run. */
  validation?: unknown;
  /** tokenExpiry(...) — lifetime and clock-skew warnings, or undefined. */
  expiry?: unknown;
}

export interface BuildInput {
  store: RunStoreSnapshot;
  /** Engine results for the selected token (keyed by store token id). Other tokens only appear in the list. */
  analyses?: ReadonlyMap<string, TokenAnalysisInput>;
  /** Explanation of the last error when the store did not carry one (explainText of its message). */
  failureExplanation?: unknown;
  /** Host clock (epoch ms); defaults to the store snapshot's `now`. */
  now?: number;
}

function textList(v: unknown): string[] {
  if (typeof v === 'string') return v ? [text(v)] : [];
  if (!Array.isArray(v)) return [];
  return v
    .slice(0, MAX_LIST_ITEMS)
    .map((x) => text(x))
    .filter((x) => x.length > 0);
}

/** Catalog prose → bounded pieces (text, code, link) that the panel renders without markup characters. */
function rich(v: unknown): RichText {
  return parseInline(text(v));
}

function richList(v: unknown): RichText[] {
  return textList(v).map((t) => parseInline(t));
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

// ---------- tokens ----------

function listItem(t: StoredTokenInfo, activeId: string | null): TokenListItem {
  const s = t.summary;
  const item: TokenListItem = {
    id: t.id,
    fingerprint: text(s.fingerprint, 64),
    label: text(t.label, 200),
    credential: text(s.credential, 200),
    scope: text(s.scope, 500),
    origin: t.origin,
    expiresOnEpochMs: finiteOr(s.expiresOnEpochMs, 0),
    fromCache: s.fromCache === true,
    active: t.id === activeId,
  };
  if (s.audience !== undefined) item.audience = text(s.audience, 500);
  if (s.identityType !== undefined) item.identityType = text(s.identityType, 40);
  return item;
}

/** Header or payload object → rows with empty meanings (used for the header, and for claims when the catalog is absent). */
function plainRows(o: Record<string, unknown> | undefined): ClaimRow[] {
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
 * Rows from explainClaims(): accepts an array of rows or an object with a `claims` array. Rows carry a `location`
 * ('header' | 'payload'); `location` picks which of the two tables is built (rows without one count as payload).
 */
export function claimRows(
  explained: unknown,
  payload: Record<string, unknown> | undefined,
  location: 'header' | 'payload' = 'payload',
): ClaimRow[] {
  const arr = Array.isArray(explained)
    ? explained
    : Array.isArray(obj(explained)?.claims)
      ? (obj(explained)!.claims as unknown[])
      : undefined;
  if (!arr) return plainRows(payload);
  const rows: ClaimRow[] = [];
  for (const r of arr) {
    if (rows.length >= MAX_CLAIMS) break;
    const o = obj(r);
    if (!o || typeof o.name !== 'string') continue;
    if ((o.location === 'header' ? 'header' : 'payload') !== location) continue;
    const raw = o.value !== undefined ? o.value : payload?.[o.name];
    const v = displayText(raw);
    const meaning = text(o.meaning);
    const interpretation = text(o.interpretation ?? o.interpreted ?? o.description);
    rows.push({
      name: text(o.name, 200),
      value: v.text,
      truncated: v.truncated,
      meaning,
      interpretation,
      known: typeof o.known === 'boolean' ? o.known : meaning.length > 0,
    });
  }
  return rows;
}

const STATUS_WORDS: Record<string, VerdictStatus> = {
  pass: 'pass',
  passed: 'pass',
  ok: 'pass',
  valid: 'pass',
  success: 'pass',
  fail: 'fail',
  failed: 'fail',
  invalid: 'fail',
  error: 'fail',
  warn: 'warn',
  warning: 'warn',
  skip: 'skip',
  skipped: 'skip',
  unknown: 'skip',
  'not-checked': 'skip',
  unchecked: 'skip',
  info: 'info',
};

function verdictStatus(o: Record<string, unknown>): VerdictStatus {
  for (const key of ['status', 'verdict', 'result', 'outcome']) {
    const s = o[key];
    if (typeof s === 'string' && STATUS_WORDS[s.toLowerCase()]) return STATUS_WORDS[s.toLowerCase()];
  }
  if (typeof o.ok === 'boolean') return o.ok ? 'pass' : 'fail';
  if (typeof o.valid === 'boolean') return o.valid ? 'pass' : 'fail';
  return 'info';
}

/** Verdicts from validateToken(): an array, or an object with `checks` / `verdicts` / `results`, or a map name → verdict. */
export function verdicts(validation: unknown): ValidationVerdict[] {
  const o = obj(validation);
  let arr: unknown[] | undefined;
  if (Array.isArray(validation)) arr = validation;
  else if (o) {
    for (const k of ['checks', 'verdicts', 'results']) if (Array.isArray(o[k])) arr = o[k] as unknown[];
    if (!arr) {
      arr = Object.entries(o)
        .filter(([, v]) => obj(v))
        .map(([k, v]) => ({ check: k, ...(v as Record<string, unknown>) }));
    }
  }
  if (!arr) return [];
  const out: ValidationVerdict[] = [];
  for (const r of arr.slice(0, MAX_LIST_ITEMS)) {
    const v = obj(r);
    if (!v) continue;
    const check = text(v.check ?? v.name ?? v.kind ?? v.id, 100);
    if (!check) continue;
    out.push({ check, status: verdictStatus(v), reason: text(v.reason ?? v.message ?? v.detail) });
  }
  return out;
}

const TOKEN_VERDICTS: readonly TokenVerdictView['verdict'][] = ['verified', 'invalid', 'unverified'];

/** The overall verdict of validateToken(), or undefined when there is none. */
export function tokenVerdict(validation: unknown): TokenVerdictView | undefined {
  const o = obj(validation);
  const v = o?.verdict;
  if (typeof v !== 'string' || !(TOKEN_VERDICTS as readonly string[]).includes(v)) return undefined;
  return { verdict: v as TokenVerdictView['verdict'], summary: text(o?.summary) };
}

function epochFromSeconds(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : n * 1000;
}

/** The detail of one token from its store entry and the engine's results. Never copies a raw token. */
export function tokenDetail(t: StoredTokenInfo, analysis: TokenAnalysisInput | undefined): TokenDetail {
  const s = t.summary;
  const detail: TokenDetail = {
    id: t.id,
    fingerprint: text(s.fingerprint, 64),
    label: text(t.label, 200),
    credential: text(s.credential, 200),
    scope: text(s.scope, 500),
    tokenType: text(s.tokenType, 40) || 'Bearer',
    origin: t.origin,
    expiresOnEpochMs: finiteOr(s.expiresOnEpochMs, 0),
    rawLength: finiteOr(t.rawLength, 0),
    refreshable: t.origin !== 'decoded' && t.request !== undefined,
    kind: 'error',
    header: [],
    claims: [],
    validation: [],
    warnings: [],
  };
  const d = obj(analysis?.decoded);
  if (!d) {
    detail.notice = 'The token could not be decoded here.';
    return detail;
  }
  if (d.ok === false) {
    const err = obj(d.error);
    detail.notice = text(err?.message) || 'The token could not be decoded.';
    return detail;
  }
  const header = obj(d.header);
  detail.header = plainRows(header);
  const explainedHeader = Array.isArray(analysis?.claims) ? claimRows(analysis?.claims, header, 'header') : [];
  if (explainedHeader.length) detail.header = explainedHeader;
  if (d.kind === 'jwe' || d.kind === 'opaque') {
    detail.kind = d.kind;
    detail.notice = text(d.reason) || (d.kind === 'jwe' ? 'This token is encrypted (JWE).' : 'This token is opaque.');
    return detail;
  }
  const payload = obj(d.payload);
  detail.kind = 'jwt';
  detail.claims = claimRows(analysis?.claims, payload);
  detail.validation = verdicts(analysis?.validation);
  const verdict = tokenVerdict(analysis?.validation);
  if (verdict) detail.verdict = verdict;
  detail.warnings = textList(d.warnings);
  const expiry = obj(analysis?.expiry);
  const lifetime = num(expiry?.lifetimeMs);
  if (lifetime !== undefined) detail.lifetimeMs = lifetime;
  const skew = text(obj(expiry?.skew)?.warning);
  if (skew) detail.warnings.push(skew);
  const iat = epochFromSeconds(payload?.iat);
  const nbf = epochFromSeconds(payload?.nbf);
  if (iat !== undefined) detail.issuedAtEpochMs = iat;
  if (nbf !== undefined) detail.notBeforeEpochMs = nbf;
  return detail;
}

// ---------- failures ----------

const DOCS = /^https:\/\/login\.microsoftonline\.com\/error\?code=\d{1,9}$/;

function explanationCodes(v: unknown): AadstsExplanation[] {
  const o = obj(v);
  const arr = Array.isArray(o?.codes) ? (o!.codes as unknown[]) : Array.isArray(v) ? v : [];
  const out: AadstsExplanation[] = [];
  for (const r of arr.slice(0, MAX_LIST_ITEMS)) {
    const c = obj(r);
    const code = num(c?.code);
    if (!c || code === undefined || !Number.isInteger(code) || code < 0) continue;
    // The link is rebuilt from the number, so a catalog entry cannot smuggle another URL into the panel.
    const docsUrl = `https://login.microsoftonline.com/error?code=${code}`;
    out.push({
      code,
      name: text(c.name, 200),
      meaning: rich(c.meaning),
      causes: richList(c.causes),
      fixes: richList(c.fixes),
      category: text(c.category, 100),
      docsUrl: DOCS.test(docsUrl) ? docsUrl : '',
    });
  }
  return out;
}

function otherExplanations(v: unknown): OtherExplanationView[] {
  if (!Array.isArray(v)) return [];
  const out: OtherExplanationView[] = [];
  for (const r of v.slice(0, MAX_LIST_ITEMS)) {
    const o = obj(r);
    if (!o) continue;
    const title = text(o.title, 300);
    const meaning = text(o.meaning);
    if (!title && !meaning) continue;
    out.push({
      id: text(o.id, 100),
      kind: text(o.kind, 60),
      title,
      meaning: parseInline(meaning),
      fixes: richList(o.fixes),
    });
  }
  return out;
}

export function failureView(err: StoredError, fallbackExplanation?: unknown): FailureView {
  const explanation = err.explanation !== undefined ? err.explanation : fallbackExplanation;
  const ex = obj(explanation);
  const ctx = obj(ex?.context);
  const info = err.error;
  const unknownCodes = (Array.isArray(ex?.unknownCodes) ? (ex!.unknownCodes as unknown[]) : [])
    .map((c) => num(c))
    .filter((c): c is number => c !== undefined && Number.isInteger(c))
    .slice(0, MAX_LIST_ITEMS);
  const view: FailureView = {
    id: text(err.id, 128),
    atEpochMs: finiteOr(err.at, 0),
    message: text(info?.message) || text(ex?.message) || text(err.source),
    kind: text(info?.kind, 60) || 'error',
    source: text(err.source),
    codes: explanationCodes(explanation),
    unknownCodes,
    other: otherExplanations(ex?.other),
  };
  // Codes the classification saw but the explanation did not cover are listed as unknown, not dropped.
  for (const c of info?.errorCodes ?? []) {
    if (Number.isInteger(c) && !view.codes.some((x) => x.code === c) && !view.unknownCodes.includes(c))
      view.unknownCodes.push(c);
  }
  const traceId = text(ctx?.traceId ?? info?.traceId, 100);
  const correlationId = text(ctx?.correlationId ?? info?.correlationId, 100);
  const timestamp = text(ctx?.timestamp ?? info?.timestamp, 100);
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
