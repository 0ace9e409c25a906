/** The inspector's building blocks: a collapsible section that remembers whether it is open, a button. */
import { h, type Child } from './dom';
import type { InspectorSection } from '../../src/shared/protocol';
import { isOpen, saveState, ui } from './state';

export function section(
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

export function button(
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
