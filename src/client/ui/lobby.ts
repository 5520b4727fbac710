/** A guest waiting to be admitted: the meeting's title, a calm word, and a way out. */
import { h } from '../dom.js';
import { translate } from '../i18n/index.js';
import { topBar } from './top-bar.js';

export function lobbyView(title: string, onCancel: () => void): HTMLElement {
  const cancel = translate(h('button', { type: 'button', id: 'lobby-cancel', class: 'button button--secondary button--large' }), 'lobby.cancel');
  cancel.addEventListener('click', onCancel);
  return h(
    'div',
    { class: 'page' },
    topBar(),
    h(
      'main',
      { class: 'lobby', 'aria-busy': 'true' },
      h('div', { class: 'lobby-pulse', 'aria-hidden': 'true' }),
      // Typed by the host: text only.
      title ? h('p', { id: 'lobby-title', class: 'prejoin-eyebrow' }, title) : null,
      translate(h('h1', { class: 'lobby-heading', role: 'status', 'aria-live': 'polite' }), 'lobby.waiting'),
      translate(h('p', { class: 'hint' }), 'lobby.hint'),
      cancel,
    ),
  );
}
