/**
 * The security panel (`#security-panel`), opened from the encryption indicator: whether media is
 * end-to-end encrypted right now, our own safety code (`#own-safety-code`) with how to compare it,
 * and every other participant's code as our browser received their key
 * (`[data-safety-code-for="<participantId>"]`) with the key's status (`[data-security-row]`,
 * `data-status`).
 */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, type MessageKey } from '../i18n/index.js';
import type { CallSession } from '../session/session.js';
import { peerSecurity, type E2eeState, type PeerSecurity } from './e2ee-status.js';
import { panelHead } from './panel-head.js';
import { nameCounts, nameLabel, normalizeName } from './names.js';
import { onE2eeChange, sessionE2ee } from './security-indicator.js';

export const PEER_STATUS_KEYS: Record<PeerSecurity, MessageKey> = {
  secure: 'security.status.secure',
  pending: 'security.status.pending',
  failed: 'security.status.failed',
  unencrypted: 'security.status.unencryptedPeer',
  unchecked: 'security.status.unchecked',
};

const STATE_KEYS: Record<E2eeState, MessageKey> = {
  starting: 'security.state.starting',
  encrypted: 'security.state.encrypted',
  unencrypted: 'security.state.unencrypted',
};

export function securityPanel(session: CallSession, onClose: () => void): { el: HTMLElement; dispose(): void } {
  const { head } = panelHead({ headingId: 'security-heading', title: 'security.title', closeId: 'close-security', closeLabel: 'security.close', onClose });

  const stateIcon = h('span', { class: 'security-state-icon', 'aria-hidden': 'true' }, icon('lock', 'icon icon--small'));
  const stateText = h('p', { id: 'security-state-text' });
  const state = h('div', { id: 'security-state', class: 'security-state' }, stateIcon, stateText);

  const ownCode = h('p', { id: 'own-safety-code', class: 'safety-code safety-code--own' });
  const noOwnCode = translate(h('p', { id: 'no-own-safety-code', class: 'hint', hidden: true }), 'security.noOwnCode');
  const explain = h(
    'div',
    { id: 'safety-code-explain' },
    translate(h('p', { class: 'hint' }), 'security.explain'),
    translate(h('p', { class: 'hint' }), 'security.notInChat'),
  );
  const own = h(
    'section',
    { class: 'panel-section', 'aria-labelledby': 'own-code-heading' },
    translate(h('h3', { id: 'own-code-heading', class: 'panel-subtitle' }), 'security.ownCode'),
    ownCode,
    noOwnCode,
    explain,
  );

  const list = h('ul', { id: 'safety-codes', class: 'people' });
  const nobody = translate(h('p', { id: 'security-nobody', class: 'hint', hidden: true }), 'security.nobody');
  const others = h(
    'section',
    { class: 'panel-section', 'aria-labelledby': 'others-codes-heading' },
    translate(h('h3', { id: 'others-codes-heading', class: 'panel-subtitle' }), 'security.others'),
    list,
    nobody,
  );

  const el = h(
    'aside',
    { id: 'security-panel', class: 'panel security-panel', hidden: true, 'aria-labelledby': 'security-heading' },
    head,
    state,
    own,
    others,
  );

  const update = () => {
    const encryption = session.encryption;
    const summary = sessionE2ee(session);
    state.dataset.e2ee = summary.state;
    stateIcon.replaceChildren(icon(summary.state === 'unencrypted' ? 'unlock' : 'lock', 'icon icon--small'));
    translate(stateText, summary.selfUnencrypted ? 'security.state.selfUnencrypted' : STATE_KEYS[summary.state]);

    ownCode.hidden = !encryption;
    ownCode.textContent = encryption?.safetyCode ?? '';
    noOwnCode.hidden = !summary.selfUnencrypted;
    explain.hidden = !encryption;

    const all = [...session.participants.values()];
    const counts = nameCounts([session.name, ...all.map((p) => p.name)]);
    list.replaceChildren(
      ...all.map((p) => {
        const { status, code } = peerSecurity(encryption, p);
        return h(
          'li',
          { class: 'person security-row', 'data-security-row': p.id, 'data-status': status },
          h('div', { class: 'person-main' }, nameLabel(p.name, p.role, (counts.get(normalizeName(p.name)) ?? 0) > 1, p.verified)),
          code ? h('p', { class: 'safety-code', 'data-safety-code-for': p.id }, code) : null,
          translate(h('p', { class: `security-status security-status--${status}` }), PEER_STATUS_KEYS[status]),
        );
      }),
    );
    nobody.hidden = all.length > 0;
  };

  const off = onE2eeChange(session, update);
  update();
  return { el, dispose: off };
}
