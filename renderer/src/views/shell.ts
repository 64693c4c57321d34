/** The frame every screen shares: a header with a title, an optional back button and actions. */
import { h, icon } from '../dom.js';

/** The header of a screen; `back` adds a back button (Esc does the same, see renderer.ts). */
export function screenHeader(title: string, actions?: HTMLElement | null, back?: () => void): HTMLElement {
  return h(
    'header',
    { class: 'bar' },
    back
      ? h(
          'button',
          {
            type: 'button',
            class: 'icon-button back',
            'aria-label': 'Back',
            title: 'Back (Esc)',
            onclick: back,
          },
          icon('back'),
        )
      : null,
    h('h1', {}, title),
    actions ?? null,
  );
}

/** A titled section of a screen. */
export function section(id: string, title: string, ...children: Array<Node | null>): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': id },
    h('h2', { id, class: 'section-title' }, title),
    ...children,
  );
}
