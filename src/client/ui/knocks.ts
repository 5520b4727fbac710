/**
 * Moderators: who is knocking (one card each, `[data-knock-id]`, with Admit / Deny), "Admit all"
 * from two knocks on, and unmute requests with an Allow button. A chime and a toast announce a knock.
 */
import { h } from '../dom.js';
import { translate, translateAttr } from '../i18n/index.js';
import type { CallSession } from '../session/session.js';
import { beep } from './beep.js';
import { nameCounts, nameLabel, normalizeName } from './names.js';
import { showToast } from './toast.js';

const REQUEST_MS = 20_000;

export function knocksArea(session: CallSession): { el: HTMLElement; update(): void; dispose(): void } {
  const list = h('ul', { class: 'knock-list' });
  const admitAll = translate(h('button', { type: 'button', id: 'admit-all', class: 'button button--primary', hidden: true }), 'knock.admitAll');
  admitAll.addEventListener('click', () => session.send({ type: 'admit-all' }));
  const requests = h('ul', { class: 'knock-list' });
  const el = h('section', { id: 'notices', class: 'notices' }, list, admitAll, requests);
  translateAttr(el, 'aria-label', 'knock.region');
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const update = () => {
    const knocks = session.isModerator ? [...session.knocks.values()] : [];
    const present = nameCounts([session.name, ...[...session.participants.values()].map((p) => p.name)]);
    const rows = knocks.map((k) => {
      const admit = translate(h('button', { type: 'button', class: 'button button--primary knock-admit' }), 'knock.admit');
      translateAttr(admit, 'aria-label', 'knock.admitName', { name: k.name });
      admit.addEventListener('click', () => session.send({ type: 'admit', participantId: k.id }));
      const deny = translate(h('button', { type: 'button', class: 'button button--secondary knock-deny' }), 'knock.deny');
      translateAttr(deny, 'aria-label', 'knock.denyName', { name: k.name });
      deny.addEventListener('click', () => session.send({ type: 'deny', participantId: k.id }));
      const duplicate = (present.get(normalizeName(k.name)) ?? 0) > 0;
      return h(
        'li',
        { class: 'knock', 'data-knock-id': k.id },
        h('p', { class: 'knock-text' }, translate(h('span'), 'knock.waiting'), ' ', nameLabel(k.name, 'knocker', duplicate)),
        h('div', { class: 'knock-actions' }, admit, deny),
      );
    });
    list.replaceChildren(...rows);
    admitAll.hidden = knocks.length < 2;
  };

  const unsubscribe = [
    session.events.on('knocks', update),
    session.events.on('participants', update),
    session.events.on('meeting', update),
    session.events.on('moderation', (ev) => {
      if (ev.type === 'knock') {
        beep();
        showToast('knock.toast', { name: ev.knocker.name });
      } else if (ev.type === 'unmute-request' && session.isModerator) {
        const who = session.participants.get(ev.participantId)?.name ?? '?';
        const allow = translate(h('button', { type: 'button', class: 'button button--primary unmute-allow' }), 'unmute.allow');
        translateAttr(allow, 'aria-label', 'unmute.allowName', { name: who });
        const item = h(
          'li',
          { class: 'knock', 'data-unmute-request': ev.participantId, role: 'status' },
          translate(h('p', { class: 'knock-text' }), ev.kind === 'audio' ? 'unmute.requestAudio' : 'unmute.requestVideo', { name: who }),
          h('div', { class: 'knock-actions' }, allow),
        );
        allow.addEventListener('click', () => {
          session.send({ type: 'allow-unmute', participantId: ev.participantId, kind: ev.kind });
          item.remove();
        });
        requests.appendChild(item);
        beep();
        const timer = setTimeout(() => {
          timers.delete(timer);
          item.remove();
        }, REQUEST_MS);
        timers.add(timer);
      }
    }),
  ];
  update();
  return {
    el,
    update,
    dispose: () => {
      for (const u of unsubscribe) u();
      for (const t of timers) clearTimeout(t);
    },
  };
}
