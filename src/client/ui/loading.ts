/** While the pre-join page asks the server about the meeting (usually a blink). */
import { h } from '../dom.js';
import { translate, type MessageKey } from '../i18n/index.js';
import { topBar } from './top-bar.js';

export function loadingView(message: MessageKey): HTMLElement {
  return h(
    'div',
    { class: 'page' },
    topBar(),
    h('main', { class: 'loading', 'aria-busy': 'true' }, translate(h('p', { id: 'loading', class: 'hint', role: 'status' }), message)),
  );
}
