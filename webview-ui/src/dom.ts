/**
 * The only way the Token Inspector builds DOM: elements are created one by one, text goes in as text nodes, and
 * attributes are set by name. No innerHTML anywhere, so a claim value such as `<img src=x onerror=…>` stays text.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  id?: string;
  class?: string;
  /** Attributes (data-*, aria-*, role, tabindex, …). Names starting with "on" are refused. */
  attrs?: Record<string, string | number | boolean | undefined>;
  /** CSS custom properties set through the CSSOM (allowed by the CSP, unlike style attributes). */
  vars?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (props?.id) e.id = props.id;
  if (props?.class) e.className = props.class;
  for (const [k, v] of Object.entries(props?.attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (/^on/i.test(k)) throw new Error(`refusing event-handler attribute ${k}`);
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [k, v] of Object.entries(props?.vars ?? {})) e.style.setProperty(k, v);
  append(e, ...children);
  return e;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** A codicon glyph (decorative: hidden from screen readers). */
export function icon(name: string, extra = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${extra}`.trim(), attrs: { 'aria-hidden': 'true' } });
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}
