/**
 * Token Inspector webview. Renders the host's full snapshots; sends intents back (select, reveal, copy, openDocs).
 * Rules: every string from the host is untrusted text (built with dom.ts, never innerHTML); the raw token lives only
 * in memory after an explicit Reveal and never goes into setState; the countdown ticks here from the expiry time.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import './main.css';
import type { HostToWebview, InspectorSnapshot } from '../../src/shared/protocol';
import { clear, h } from './dom';
import { remaining } from '../../src/shared/expiry';
import { failureView } from './failureView';
import { keepSelection, post, ui } from './state';
import { timelineView } from './timelineView';
import { tokenList } from './tokenList';
import { countdownOf, detailView, type RawTokenState } from './tokenView';

let snapshot: InspectorSnapshot | null = null;
/** Raw tokens the user revealed, by token id. Memory only: gone when the webview is hidden or reloaded. */
const revealed = new Map<string, string>();
let status = '';

const app = document.getElementById('app') as HTMLElement;

/** The raw token of one token as this webview holds it (Reveal asks the host; Hide forgets it here). */
function rawTokenState(id: string): RawTokenState {
  return {
    token: revealed.get(id),
    status,
    toggle: () => {
      if (revealed.has(id)) {
        revealed.delete(id);
        render();
      } else post({ type: 'reveal', id });
    },
  };
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
      ? [
          run,
          failure,
          s.tokens.length ? tokenList(s) : null,
          s.detail ? detailView(s, s.detail, rawTokenState(s.detail.id)) : null,
        ]
      : [
          failure,
          s.tokens.length ? tokenList(s) : null,
          s.detail ? detailView(s, s.detail, rawTokenState(s.detail.id)) : null,
          run,
        ];
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
        keepSelection(fp);
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
