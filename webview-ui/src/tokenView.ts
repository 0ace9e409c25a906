/**
 * The selected token: overview with the live countdown, Refresh and Pin, the verdict, notices and warnings, the raw
 * token (masked until the user reveals it), header and claims tables, validation.
 */
import type { ClaimRow, InspectorSnapshot, TokenDetail } from '../../src/shared/protocol';
import { formatDuration, remaining, type Remaining } from '../../src/shared/expiry';
import { h, icon, type Child } from './dom';
import { post } from './state';
import { utc } from './time';
import { button, section } from './widgets';

/** The raw token as this webview holds it: revealed (memory only) or not, the last status line, the Reveal / Hide action. */
export interface RawTokenState {
  token: string | undefined;
  status: string;
  toggle: () => void;
}

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

function rawSection(d: TokenDetail, rawState: RawTokenState): HTMLElement {
  const raw = rawState.token;
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
      rawState.toggle,
    ),
    button('copy', 'Copy', 'copy', 'Copy the raw token to the clipboard', () => post({ type: 'copy', id: d.id })),
    h('span', { id: 'raw-status', class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } }, rawState.status),
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

/** The header's or the payload's table in its own section. */
function claimSection(key: 'header' | 'claims', rows: ClaimRow[]): HTMLElement {
  const header = key === 'header';
  const table = claimTable(key, rows, header ? 'data-header' : 'data-claim', header ? 'Token header' : 'Token claims');
  return section(`${key}-section`, key, header ? 'Header' : 'Claims', String(rows.length), table);
}

export function detailView(s: InspectorSnapshot, d: TokenDetail, raw: RawTokenState): HTMLElement {
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
  parts.push(rawSection(d, raw));
  if (d.header.length) parts.push(claimSection('header', d.header));
  if (d.kind === 'jwt') parts.push(claimSection('claims', d.claims), validationList(d));
  return h(
    'section',
    { id: 'token-detail', attrs: { 'aria-labelledby': 'token-title', 'data-token-id': d.id } },
    ...parts,
  );
}

/** The detail's countdown: to the second, since it ticks every second (the list, like the tree, shows minutes). */
export function countdownOf(d: TokenDetail, now: number): Remaining {
  return remaining(d.expiresOnEpochMs, now, { seconds: true, notBeforeEpochMs: d.notBeforeEpochMs });
}
