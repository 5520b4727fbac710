/** After leaving, after giving up, or for a broken link: what happened, and what you can do. */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, type MessageKey } from '../i18n/index.js';
import { topBar } from './top-bar.js';

export interface EndedOptions {
  title: MessageKey;
  message: MessageKey;
  params?: Record<string, string>;
  /** Without it, no Rejoin button (e.g. an invalid link). */
  onRejoin?: () => void;
  tone: 'neutral' | 'error';
}

export function endedView(opts: EndedOptions): HTMLElement {
  const rejoin = opts.onRejoin
    ? translate(h('button', { type: 'button', id: 'rejoin', class: 'button button--primary button--large' }), 'action.rejoin')
    : null;
  if (rejoin && opts.onRejoin) {
    const onRejoin = opts.onRejoin;
    rejoin.addEventListener('click', () => {
      rejoin.disabled = true;
      onRejoin();
    });
  }
  return h(
    'div',
    { class: 'page' },
    topBar(),
    h(
      'main',
      { class: `ended ended--${opts.tone}` },
      h('div', { class: 'ended-icon', 'aria-hidden': 'true' }, icon(opts.tone === 'error' ? 'alert' : 'check', 'icon icon--large')),
      translate(h('h1', { id: 'ended-title', class: 'ended-title' }), opts.title),
      translate(h('p', { id: 'ended-message', class: 'ended-message' }), opts.message, opts.params),
      h('div', { class: 'ended-actions' }, rejoin, translate(h('a', { id: 'go-home', href: '/', class: 'button button--secondary' }), 'action.home')),
    ),
  );
}
