/** Removed from a meeting: denied at the door, removed, banned, or the meeting ended. No rejoining. */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, type MessageKey } from '../i18n/index.js';
import type { RemovedReason } from '../session/session.js';
import { topBar } from './top-bar.js';

const KEYS: Record<RemovedReason, { title: MessageKey; body: MessageKey }> = {
  denied: { title: 'removed.denied.title', body: 'removed.denied' },
  kicked: { title: 'removed.kicked.title', body: 'removed.kicked' },
  banned: { title: 'removed.banned.title', body: 'removed.banned' },
  'meeting-ended': { title: 'removed.ended.title', body: 'removed.ended' },
};

export function removedView(reason: RemovedReason): HTMLElement {
  const keys = KEYS[reason];
  return h(
    'div',
    { class: 'page' },
    topBar(),
    h(
      'main',
      { class: 'ended ended--neutral' },
      h('div', { class: 'ended-icon', 'aria-hidden': 'true' }, icon(reason === 'meeting-ended' ? 'check' : 'alert', 'icon icon--large')),
      translate(h('h1', { id: 'ended-title', class: 'ended-title' }), keys.title),
      translate(h('p', { id: 'removed-reason', class: 'ended-message', 'data-reason': reason }), keys.body),
      h('div', { class: 'ended-actions' }, translate(h('a', { id: 'go-home', href: '/', class: 'button button--secondary' }), 'action.home')),
    ),
  );
}
