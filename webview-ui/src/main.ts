/**
 * Token Inspector webview. Renders the host's full snapshots; sends intents back (select, reveal, copy, openDocs).
 * Rules: every string from the host is untrusted text (built with dom.ts, never innerHTML); the raw token lives only
 * in memory after an explicit Reveal and never goes into setState; the countdown ticks here from the expiry time.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import './main.css';
import type {
  AadstsExplanation,
  ClaimRow,
  FailureView,
  HostToWebview,
  InspectorSection,
  InspectorSnapshot,
  InspectorUiState,
  OtherExplanationView,
  RichText,
  RunTimeline,
  TokenDetail,
  TokenListItem,
  WebviewToHost,
} from '../../src/shared/protocol';
import { clear, h, icon, type Child } from './dom';
import { formatDuration, formatElapsed, remaining, type Remaining } from '../../src/shared/expiry';
import { utc } from './time';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: InspectorUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

const DEFAULT_OPEN: Record<InspectorSection, boolean> = {
  tokens: true,
  header: false,
  claims: true,
  validation: true,
  raw: true,
  failure: true,
  timeline: true,
};

function loadState(): InspectorUiState {
  const s = vscode.getState() as InspectorUiState | undefined;
  if (!s || typeof s !== 'object') return {};
  const out: InspectorUiState = {};
  if (typeof s.selectedFingerprint === 'string') out.selectedFingerprint = s.selectedFingerprint;
  if (s.open && typeof s.open === 'object') {
    out.open = {};
    for (const k of Object.keys(DEFAULT_OPEN) as InspectorSection[])
      if (typeof s.open[k] === 'boolean') out.open[k] = s.open[k];
  }
  return out;
}

const ui: InspectorUiState = loadState();
let snapshot: InspectorSnapshot | null = null;
/** Raw tokens the user revealed, by token id. Memory only: gone when the webview is hidden or reloaded. */
const revealed = new Map<string, string>();
let status = '';

const app = document.getElementById('app') as HTMLElement;

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

function saveState(): void {
  // Only non-secret UI state (the selected token's fingerprint and which sections are open).
  const state: InspectorUiState = { open: { ...ui.open } };
  if (ui.selectedFingerprint) state.selectedFingerprint = ui.selectedFingerprint;
  vscode.setState(state);
  post({ type: 'uiState', state });
}

function isOpen(s: InspectorSection): boolean {
  return ui.open?.[s] ?? DEFAULT_OPEN[s];
}

function section(
  id: string,
  key: InspectorSection,
  heading: string,
  description: string,
  ...children: Child[]
): HTMLElement {
  const c = h('vscode-collapsible', { id, attrs: { 'data-section': key, open: isOpen(key) } }, ...children);
  c.heading = heading;
  if (description) c.description = description;
  c.setAttribute('aria-label', heading);
  // The component's header is focusable and handles Enter/Space; give it the button semantics it lacks.
  const describe = (open: boolean) => {
    const header = c.shadowRoot?.querySelector('.collapsible-header');
    header?.setAttribute('role', 'button');
    header?.setAttribute('aria-expanded', String(open));
    header?.setAttribute('aria-label', `${heading}${description ? ` (${description})` : ''}`);
  };
  void c.updateComplete.then(() => describe(c.open));
  c.addEventListener('vsc-collapsible-toggle', (ev) => {
    ui.open = { ...ui.open, [key]: ev.detail.open };
    describe(ev.detail.open);
    saveState();
  });
  return c;
}

function button(
  id: string,
  label: string,
  iconName: string,
  ariaLabel: string,
  onClick: () => void,
  secondary = true,
): HTMLElement {
  const b = h('vscode-button', { id, attrs: { icon: iconName, 'aria-label': ariaLabel, secondary } }, label);
  b.addEventListener('click', onClick);
  return b;
}

// ---------- token list ----------

function tokenList(s: InspectorSnapshot): HTMLElement {
  const list = h('ul', { id: 'token-list', attrs: { 'aria-label': 'Tokens acquired this session' } });
  for (const t of s.tokens) list.appendChild(tokenItem(t, t.id === s.selectedTokenId));
  return section('tokens-section', 'tokens', 'Tokens', String(s.tokens.length), list);
}

function tokenItem(t: TokenListItem, selected: boolean): HTMLElement {
  const r = remaining(t.expiresOnEpochMs, Date.now());
  const b = h(
    'button',
    {
      class: `token-item${selected ? ' selected' : ''}`,
      attrs: {
        type: 'button',
        'data-token-id': t.id,
        'data-fingerprint': t.fingerprint,
        'aria-pressed': selected ? 'true' : 'false',
        'aria-label': `${t.label} from ${t.credential}, ${r.text}${t.active ? ', shown in the status bar' : ''}`,
      },
    },
    icon(t.active ? 'key' : 'symbol-key'),
    h('span', { class: 'token-label' }, t.label),
    h('span', { class: 'token-credential' }, t.credential),
    h(
      'span',
      { class: 'token-remaining', attrs: { 'data-expires': t.expiresOnEpochMs, 'data-state': r.state } },
      r.text,
    ),
  );
  b.addEventListener('click', () => {
    ui.selectedFingerprint = t.fingerprint;
    saveState();
    post({ type: 'select', id: t.id });
  });
  return h('li', null, b);
}

// ---------- selected token ----------

function tokenSummary(d: TokenDetail, active: boolean): HTMLElement {
  const r = countdownOf(d, Date.now());
  const dl = h('dl', { id: 'token-summary', class: 'facts' });
  const fact = (term: string, ...value: Child[]) => dl.append(h('dt', null, term), h('dd', null, ...value));
  fact('Credential', d.credential);
  fact('Scope', d.scope);
  fact('Type', `${d.tokenType} · ${d.kind === 'jwt' ? 'JWT' : d.kind.toUpperCase()}`);
  fact('Fingerprint', h('code', null, d.fingerprint));
  fact('Expires', utc(d.expiresOnEpochMs));
  if (d.issuedAtEpochMs !== undefined) fact('Issued', utc(d.issuedAtEpochMs));
  if (d.lifetimeMs !== undefined) fact('Lifetime', formatDuration(d.lifetimeMs, { seconds: true }));
  const countdown = h(
    'div',
    {
      id: 'countdown',
      class: 'countdown',
      attrs: {
        'data-state': r.state,
        'data-expires': d.expiresOnEpochMs,
        role: 'timer',
        'aria-live': 'off',
        'aria-label': 'Time until the token expires',
      },
    },
    r.text,
  );
  const refresh = d.refreshable
    ? button(
        'refresh',
        'Refresh',
        'refresh',
        `Acquire ${d.label} again with ${d.credential}`,
        () => post({ type: 'refresh', id: d.id }),
        r.state !== 'expired' && r.state !== 'expiring-soon',
      )
    : null;
  // The status bar shows acquired tokens by itself; any other token gets there only when the user pins it.
  // Same id in both states, so the focus stays here after the user pinned the token.
  const pin = active
    ? h('span', { id: 'pin', class: 'muted', attrs: { tabindex: -1 } }, icon('pinned'), ' In the status bar')
    : button('pin', 'Pin to Status Bar', 'pin', `Show ${d.label} in the status bar`, () =>
        post({ type: 'pin', id: d.id }),
      );
  return h(
    'div',
    { id: 'token-overview' },
    h('h2', { id: 'token-title' }, d.label),
    h('div', { class: 'overview-actions' }, countdown, refresh, pin),
    dl,
  );
}

function rawSection(d: TokenDetail): HTMLElement {
  const raw = revealed.get(d.id);
  const value = raw
    ? h(
        'code',
        {
          id: 'raw-token',
          class: 'raw revealed',
          attrs: { 'data-masked': 'false', tabindex: 0, 'aria-label': 'Raw access token' },
        },
        raw,
      )
    : h(
        'code',
        { id: 'raw-token', class: 'raw', attrs: { 'data-masked': 'true' } },
        `${'•'.repeat(24)} (${d.rawLength} characters, hidden)`,
      );
  const actions = h(
    'div',
    { class: 'actions' },
    button(
      'reveal',
      raw ? 'Hide' : 'Reveal',
      raw ? 'eye-closed' : 'eye',
      raw ? 'Hide the raw token' : 'Reveal the raw token',
      () => {
        if (revealed.has(d.id)) {
          revealed.delete(d.id);
          render();
        } else post({ type: 'reveal', id: d.id });
      },
    ),
    button('copy', 'Copy', 'copy', 'Copy the raw token to the clipboard', () => post({ type: 'copy', id: d.id })),
    h('span', { id: 'raw-status', class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } }, status),
  );
  return section('raw-section', 'raw', 'Raw token', raw ? 'revealed' : 'masked', value, actions);
}

function claimTable(id: string, rows: ClaimRow[], attr: 'data-claim' | 'data-header', caption: string): HTMLElement {
  const table = h('table', { id, class: 'claims' }, h('caption', { class: 'visually-hidden' }, caption));
  const head = h(
    'tr',
    null,
    h('th', { attrs: { scope: 'col' } }, 'Claim'),
    h('th', { attrs: { scope: 'col' } }, 'Value'),
  );
  if (attr === 'data-claim') head.appendChild(h('th', { attrs: { scope: 'col' } }, 'Meaning'));
  table.appendChild(h('thead', null, head));
  const body = h('tbody');
  for (const r of rows) {
    const tr = h(
      'tr',
      { attrs: { [attr]: r.name, 'data-known': r.known ? 'true' : 'false' } },
      h('th', { class: 'claim-name', attrs: { scope: 'row' } }, h('code', null, r.name)),
      h(
        'td',
        { class: 'claim-value' },
        // Long values scroll inside their cell; the scroll area is then focusable so keyboard users can scroll it.
        h(
          'span',
          {
            class: 'value',
            attrs:
              r.value.length > 300 ? { tabindex: 0, role: 'region', 'aria-label': `Value of ${r.name}` } : undefined,
          },
          r.value,
        ),
        r.truncated ? h('span', { class: 'truncated' }, ' (shortened)') : null,
        r.interpretation ? h('div', { class: 'interpretation' }, r.interpretation) : null,
      ),
    );
    if (attr === 'data-claim')
      tr.appendChild(
        h('td', { class: 'claim-meaning' }, r.meaning || h('span', { class: 'unknown' }, 'Not in the claims catalog')),
      );
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}

const VERDICT_TEXT: Record<string, { title: string; icon: string }> = {
  verified: { title: 'Verified', icon: 'verified-filled' },
  invalid: { title: 'Invalid', icon: 'error' },
  unverified: { title: 'Unverified', icon: 'unverified' },
};

/** The token's overall verdict, above the claims: verified, invalid or unverified, with the reason. */
function verdictBanner(d: TokenDetail): HTMLElement | null {
  const v = d.verdict;
  if (!v) return null;
  const t = VERDICT_TEXT[v.verdict] ?? { title: v.verdict, icon: 'info' };
  return h(
    'p',
    {
      id: 'token-verdict',
      class: `verdict verdict-${v.verdict}`,
      attrs: { 'data-verdict': v.verdict, role: 'status' },
    },
    icon(t.icon),
    ' ',
    h('strong', null, t.title),
    v.summary ? ` — ${v.summary}` : null,
  );
}

function validationList(d: TokenDetail): HTMLElement {
  const icons: Record<string, string> = {
    pass: 'pass',
    fail: 'error',
    warn: 'warning',
    skip: 'circle-slash',
    info: 'info',
  };
  const list = h('ul', { id: 'validation', class: 'verdicts' });
  for (const v of d.validation) {
    list.appendChild(
      h(
        'li',
        { attrs: { 'data-check': v.check, 'data-status': v.status } },
        icon(icons[v.status] ?? 'info', `verdict-${v.status}`),
        h('strong', null, `${v.check}: `),
        h('span', { class: 'visually-hidden' }, `${v.status}. `),
        v.reason,
      ),
    );
  }
  if (d.validation.length === 0) list.appendChild(h('li', { class: 'muted' }, 'No validation results for this token.'));
  return section(
    'validation-section',
    'validation',
    'Validation',
    d.verdict ? (VERDICT_TEXT[d.verdict.verdict]?.title ?? d.verdict.verdict) : String(d.validation.length),
    list,
  );
}

function detailView(s: InspectorSnapshot, d: TokenDetail): HTMLElement {
  const parts: Child[] = [
    tokenSummary(
      d,
      s.tokens.some((t) => t.id === d.id && t.active),
    ),
    verdictBanner(d),
  ];
  if (d.notice)
    parts.push(h('p', { id: 'token-notice', class: 'notice', attrs: { role: 'note' } }, icon('info'), ' ', d.notice));
  for (const w of d.warnings)
    parts.push(h('p', { class: 'warning', attrs: { 'data-warning': '' } }, icon('warning'), ' ', w));
  parts.push(rawSection(d));
  if (d.header.length)
    parts.push(
      section(
        'header-section',
        'header',
        'Header',
        String(d.header.length),
        claimTable('header', d.header, 'data-header', 'Token header'),
      ),
    );
  if (d.kind === 'jwt') {
    parts.push(
      section(
        'claims-section',
        'claims',
        'Claims',
        String(d.claims.length),
        claimTable('claims', d.claims, 'data-claim', 'Token claims'),
      ),
    );
    parts.push(validationList(d));
  }
  return h(
    'section',
    { id: 'token-detail', attrs: { 'aria-labelledby': 'token-title', 'data-token-id': d.id } },
    ...parts,
  );
}

// ---------- failure ----------

/** Catalog prose as the host parsed it: commands in <code>, addresses as text (the panel opens no links). */
function rich(pieces: RichText): Child[] {
  return pieces.map((p) =>
    p.kind === 'code' ? h('code', null, p.text) : p.kind === 'link' ? h('span', { class: 'url' }, p.text) : p.text,
  );
}

function docsButton(code: number, label: string, url: string): HTMLElement {
  const b = button(`docs-${code}`, label, 'link-external', `Open the Microsoft documentation for AADSTS${code}`, () =>
    post({ type: 'openDocs', url }),
  );
  b.classList.add('docs-link');
  return b;
}

/** One catalogued AADSTS code: name, category, meaning, likely causes, what to do, the documentation link. */
function aadstsArticle(c: AadstsExplanation): HTMLElement {
  const causes = h('ul', { class: 'causes' }, ...c.causes.map((x) => h('li', null, ...rich(x))));
  const fixes = h('ol', { class: 'fixes' }, ...c.fixes.map((x) => h('li', null, ...rich(x))));
  return h(
    'article',
    { class: 'aadsts', attrs: { 'data-code': c.code, 'aria-labelledby': `aadsts-${c.code}` } },
    h(
      'h3',
      { id: `aadsts-${c.code}` },
      `AADSTS${c.code}`,
      c.name ? h('span', { class: 'code-name' }, ` ${c.name}`) : null,
    ),
    c.category ? h('vscode-badge', { class: 'category' }, c.category) : null,
    h('p', { class: 'meaning' }, ...rich(c.meaning)),
    c.causes.length ? h('h4', null, 'Likely causes') : null,
    c.causes.length ? causes : null,
    c.fixes.length ? h('h4', null, 'What to do') : null,
    c.fixes.length ? fixes : null,
    c.docsUrl ? docsButton(c.code, 'Open Microsoft documentation', c.docsUrl) : null,
  );
}

/** Codes the catalog does not describe: named, each with a button to look it up. */
function unknownCodes(codes: number[]): Child[] {
  if (!codes.length) return [];
  return [
    h(
      'p',
      { class: 'unknown-codes', attrs: { 'data-unknown-codes': codes.join(' ') } },
      `Not in the catalog: ${codes.map((c) => `AADSTS${c}`).join(', ')}. `,
    ),
    ...codes.map((c) => docsButton(c, `Look up AADSTS${c}`, `https://login.microsoftonline.com/error?code=${c}`)),
  ];
}

/** A failure without an AADSTS code (network, TLS, managed identity, …) explained. */
function otherArticle(o: OtherExplanationView): HTMLElement {
  return h(
    'article',
    { class: 'other-explanation', attrs: { 'data-explanation': o.id, 'data-kind': o.kind } },
    h('h3', null, icon('lightbulb'), ' ', o.title),
    h('p', { class: 'meaning' }, ...rich(o.meaning)),
    o.fixes.length ? h('h4', null, 'What to do') : null,
    o.fixes.length ? h('ol', { class: 'fixes' }, ...o.fixes.map((x) => h('li', null, ...rich(x)))) : null,
  );
}

/** The ids support asks for (trace, correlation, timestamp), or null when the error carried none. */
function contextFacts(f: FailureView): HTMLElement | null {
  const ctx = h('dl', { class: 'facts context' });
  const fact = (term: string, value: string | undefined) =>
    value && ctx.append(h('dt', null, term), h('dd', null, h('code', null, value)));
  fact('Trace id', f.traceId);
  fact('Correlation id', f.correlationId);
  fact('Timestamp', f.timestamp);
  return ctx.childElementCount ? ctx : null;
}

function failureView(f: FailureView): HTMLElement {
  const inner = h(
    'div',
    { id: 'aadsts-explanation', attrs: { 'data-kind': f.kind, role: 'region', 'aria-label': 'Error explanation' } },
    h('p', { id: 'failure-message', class: 'failure-message' }, icon('error'), ' ', f.message),
    ...f.codes.map(aadstsArticle),
    ...unknownCodes(f.unknownCodes),
    ...f.other.map(otherArticle),
    contextFacts(f),
  );
  return section(
    'failure-section',
    'failure',
    'Last error',
    f.codes.map((c) => `AADSTS${c.code}`).join(', ') || f.kind,
    inner,
  );
}

// ---------- chain run timeline ----------

function timelineView(run: RunTimeline): HTMLElement {
  const total = Math.max(run.durationMs, 1);
  const pct = (n: number) => `${Math.min(100, Math.max(0, (n / total) * 100)).toFixed(3)}%`;
  const rows = h('ol', { class: 'waterfall', attrs: { 'aria-label': `Credential steps, ${run.mode} mode` } });
  const outcomeIcon: Record<string, string> = {
    success: 'pass-filled',
    failed: 'error',
    unavailable: 'circle-slash',
    skipped: 'debug-step-over',
  };
  for (const s of run.steps) {
    const bar = h('div', {
      class: `bar outcome-${s.outcome}${s.winner ? ' winner' : ''}`,
      vars: { '--start': pct(s.startMs), '--width': `max(2px, ${pct(s.durationMs)})` },
      attrs: { 'aria-hidden': 'true' },
    });
    const label = `${s.credential}: ${s.outcome}${s.winner ? ' (winner)' : ''}, ${formatElapsed(s.durationMs)}, from ${formatElapsed(s.startMs)} to ${formatElapsed(s.endMs)}`;
    rows.appendChild(
      h(
        'li',
        {
          class: `step outcome-${s.outcome}`,
          attrs: {
            'data-step': s.credential,
            'data-outcome': s.outcome,
            'data-winner': s.winner ? 'true' : 'false',
            tabindex: 0,
            'aria-label': `${label}. ${s.message}`,
          },
        },
        h(
          'div',
          { class: 'step-label' },
          icon(outcomeIcon[s.outcome] ?? 'circle', `outcome-icon outcome-${s.outcome}`),
          h('span', { class: 'step-name' }, s.credential),
          s.winner
            ? h(
                'span',
                { class: 'winner-mark', attrs: { title: 'DefaultAzureCredential picks this credential' } },
                icon('star-full'),
                ' winner',
              )
            : null,
        ),
        h('div', { class: 'track' }, bar),
        h('div', { class: 'step-duration' }, formatElapsed(s.durationMs)),
        h(
          'div',
          { class: 'step-message' },
          s.message,
          s.errorCodes.length
            ? h('span', { class: 'codes' }, ` (${s.errorCodes.map((c) => `AADSTS${c}`).join(', ')})`)
            : null,
          s.note ? h('span', { class: 'step-note' }, ` — ${s.note}`) : null,
        ),
      ),
    );
  }
  const axis = h(
    'div',
    { class: 'axis', attrs: { 'aria-hidden': 'true' } },
    h('span', null, '0'),
    h('span', null, formatElapsed(run.durationMs)),
  );
  const inner = h(
    'div',
    { id: 'timeline', attrs: { 'data-mode': run.mode, 'data-winner': run.winner ?? '' } },
    run.observed ? h('p', { id: 'timeline-observed', class: 'observed' }, icon('eye'), ' ', run.observed) : null,
    h('p', { id: 'timeline-summary' }, run.summary, ` · ${run.mode} · ${run.scope} · ${formatElapsed(run.durationMs)}`),
    axis,
    rows,
  );
  return section('timeline-section', 'timeline', 'Credential chain run', run.winner ?? 'no winner', inner);
}

// ---------- render ----------

function render(): void {
  const s = snapshot;
  // Keep keyboard focus across re-renders: remember the focused element's id or token id.
  const active = document.activeElement as HTMLElement | null;
  const focusId = active?.id;
  const focusToken = active?.getAttribute('data-token-id');
  clear(app);
  if (!s) {
    app.appendChild(h('p', { id: 'loading', class: 'muted' }, 'Loading…'));
    return;
  }
  const empty = s.tokens.length === 0 && !s.failure && !s.run;
  if (empty) {
    app.appendChild(
      h(
        'div',
        { id: 'empty', class: 'empty' },
        h('h2', null, 'Nothing to inspect yet'),
        h(
          'p',
          null,
          'Run "Azure Auth: Acquire Token…", "Azure Auth: Run Credential Chain" or "Azure Auth: Decode Token" from the Command Palette. Results appear here.',
        ),
      ),
    );
    return;
  }
  // The thing the user just asked about comes first: the error, or the chain run; then the tokens.
  const failure = s.failure ? failureView(s.failure) : null;
  const run = s.run ? timelineView(s.run) : null;
  const parts: (HTMLElement | null)[] =
    s.focus === 'run'
      ? [run, failure, s.tokens.length ? tokenList(s) : null, s.detail ? detailView(s, s.detail) : null]
      : [failure, s.tokens.length ? tokenList(s) : null, s.detail ? detailView(s, s.detail) : null, run];
  for (const part of parts) if (part) app.appendChild(part);
  restoreFocus(
    focusToken
      ? (app.querySelector(`.token-item[data-token-id="${CSS.escape(focusToken)}"]`) as HTMLElement | null)
      : focusId
        ? document.getElementById(focusId)
        : null,
  );
}

/**
 * Puts the keyboard focus back on the control the user was on (the re-render replaced it with a new element of the
 * same id). Components render after they are connected, so focus is set again once they have; a section's focus
 * goes to its header, which lives in the component's shadow root.
 */
function restoreFocus(target: HTMLElement | null): void {
  if (!target) return;
  const apply = () => {
    if (document.activeElement !== document.body && document.activeElement !== target) return;
    if (target.tagName === 'VSCODE-COLLAPSIBLE')
      target.shadowRoot?.querySelector<HTMLElement>('.collapsible-header')?.focus();
    else target.focus();
  };
  apply();
  // The target and the sections around it (whose slots show it) finish rendering asynchronously.
  const pending: Promise<unknown>[] = [];
  for (let e: HTMLElement | null = target; e; e = e.parentElement) {
    const p = (e as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
    if (p) pending.push(p);
  }
  if (pending.length) void Promise.all(pending).then(() => requestAnimationFrame(apply));
}

/** The detail's countdown: to the second, since it ticks every second (the list, like the tree, shows minutes). */
function countdownOf(d: TokenDetail, now: number): Remaining {
  return remaining(d.expiresOnEpochMs, now, { seconds: true, notBeforeEpochMs: d.notBeforeEpochMs });
}

/** Once a second: update the countdown and the list's remaining times in place (no host round-trip). */
function tick(): void {
  if (!snapshot) return;
  const now = Date.now();
  const cd = document.getElementById('countdown');
  const d = snapshot.detail;
  if (cd && d) {
    const r = countdownOf(d, now);
    cd.textContent = r.text;
    cd.setAttribute('data-state', r.state);
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.token-remaining'))) {
    const r = remaining(Number(el.getAttribute('data-expires')), now);
    el.textContent = r.text;
    el.setAttribute('data-state', r.state);
  }
}

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'snapshot': {
      snapshot = m.snapshot;
      // Forget revealed tokens that are gone from the session (cleared, replaced).
      for (const id of Array.from(revealed.keys())) if (!snapshot.tokens.some((t) => t.id === id)) revealed.delete(id);
      const fp = snapshot.detail?.fingerprint;
      if (fp && fp !== ui.selectedFingerprint) {
        ui.selectedFingerprint = fp;
        vscode.setState({ ...ui });
      }
      status = '';
      render();
      break;
    }
    case 'rawToken':
      if (snapshot?.tokens.some((t) => t.id === m.id)) {
        revealed.set(m.id, m.token);
        status = '';
        render();
      }
      break;
    case 'copied':
      status = 'Copied to the clipboard.';
      document.getElementById('raw-status')?.replaceChildren(status);
      break;
    case 'notice':
      status = m.text;
      document.getElementById('raw-status')?.replaceChildren(status);
      break;
  }
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as HostToWebview | undefined;
  if (m && typeof m === 'object' && typeof m.type === 'string') onMessage(m);
});

render();
setInterval(tick, 1000);
post({ type: 'ready', state: ui });
