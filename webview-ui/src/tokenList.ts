/** The list of the session's tokens, each with its time left; choosing one asks the host to detail it. */
import type { InspectorSnapshot, TokenListItem } from '../../src/shared/protocol';
import { remaining } from '../../src/shared/expiry';
import { h, icon } from './dom';
import { post, saveState, ui } from './state';
import { section } from './widgets';

export function tokenList(s: InspectorSnapshot): HTMLElement {
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
