/** The last error explained: each AADSTS code from the catalog, codes it does not know, other explanations, ids. */
import type { AadstsExplanation, FailureView, OtherExplanationView, RichText } from '../../src/shared/protocol';
import { h, icon, type Child } from './dom';
import { post } from './state';
import { button, section } from './widgets';

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

export function failureView(f: FailureView): HTMLElement {
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
