/** The chain run as a waterfall: each credential's step on the run's time axis, the winner marked. */
import type { RunTimeline } from '../../src/shared/protocol';
import { formatElapsed } from '../../src/shared/expiry';
import { h, icon } from './dom';
import { section } from './widgets';

export function timelineView(run: RunTimeline): HTMLElement {
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
