/**
 * The participants panel: everyone with role badges, mute state and safety code (`.person-code`);
 * for moderators, per-person actions (`[data-participant-row] [data-action]`), who waits in the
 * lobby, and the meeting controls (lock, lobby, browsers without end-to-end encryption, mute all,
 * password, end meeting with a confirmation). Moderators also see the raised hands in the server's
 * order (`#hand-queue`), each with a button to lower it. Whoever shares a screen is marked
 * (`.person-screen`), and moderators can stop their share.
 */
import type { MessageKey } from '../i18n/index.js';
import type { ParticipantInfo } from '../../protocol/messages.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, translateAttr } from '../i18n/index.js';
import { handQueue } from '../session/hand-queue.js';
import type { CallSession } from '../session/session.js';
import { peerSecurity, type PeerSecurity } from './e2ee-status.js';
import { invitesSection } from './invites-section.js';
import { panelHead } from './panel-head.js';
import { nameCounts, nameLabel, normalizeName } from './names.js';

type Action = 'mute-audio' | 'mute-video' | 'stop-screen-share' | 'kick' | 'ban' | 'make-moderator' | 'revoke-moderator';

const ACTION_KEYS: Record<Action, MessageKey> = {
  'mute-audio': 'panel.action.muteAudio',
  'mute-video': 'panel.action.muteVideo',
  'stop-screen-share': 'panel.action.stopScreen',
  kick: 'panel.action.kick',
  ban: 'panel.action.ban',
  'make-moderator': 'panel.action.makeModerator',
  'revoke-moderator': 'panel.action.revokeModerator',
};

export function participantsPanel(session: CallSession, onClose: () => void): { el: HTMLElement; update(): void; dispose(): void } {
  const { head } = panelHead({ headingId: 'participants-heading', title: 'panel.title', closeId: 'close-participants', closeLabel: 'panel.close', onClose });

  const lobbyHeading = translate(h('h3', { class: 'panel-subtitle' }), 'panel.lobby');
  const lobbyList = h('ul', { class: 'people' });
  const lobbySection = h('section', { class: 'panel-section', hidden: true }, lobbyHeading, lobbyList);
  const people = h('ul', { id: 'participants-list', class: 'people' });
  const handList = h('ol', { id: 'hand-queue', class: 'people hand-queue' });
  const handSection = h('section', { class: 'panel-section', hidden: true }, translate(h('h3', { class: 'panel-subtitle' }), 'hands.title'), handList);

  // ---- meeting controls (moderators)
  const checkRow = (id: string, key: MessageKey) => {
    const input = h('input', { type: 'checkbox', id, class: 'checkbox' });
    return { input, row: h('div', { class: 'check-row' }, input, translate(h('label', { for: id }), key)) };
  };
  const lock = checkRow('lock-meeting', 'panel.lock');
  lock.input.addEventListener('change', () => session.send({ type: 'set-lock', locked: lock.input.checked }));
  const lobby = checkRow('lobby-enabled', 'panel.lobbyEnabled');
  lobby.input.addEventListener('change', () => session.send({ type: 'set-lobby', enabled: lobby.input.checked }));
  // Letting in browsers that can't encrypt turns end-to-end encryption off for everyone while one is here.
  const allowUnencrypted = checkRow('allow-unencrypted', 'panel.allowUnencrypted');
  allowUnencrypted.input.setAttribute('aria-describedby', 'allow-unencrypted-hint');
  allowUnencrypted.input.addEventListener('change', () => session.send({ type: 'set-allow-unencrypted', allowed: allowUnencrypted.input.checked }));
  const allowUnencryptedHint = translate(h('p', { id: 'allow-unencrypted-hint', class: 'hint check-hint' }), 'panel.allowUnencrypted.hint');
  // Last-N: how many others' videos each person receives (the SFU picks speakers, pins and screens).
  const lastN = h('input', { id: 'last-n', type: 'number', min: '1', max: '100', class: 'input input--narrow', 'aria-describedby': 'last-n-hint' });
  lastN.addEventListener('change', () => {
    const n = Number(lastN.value);
    if (Number.isInteger(n) && n >= 1 && n <= 100) session.send({ type: 'set-last-n', lastN: n });
  });
  const lastNHint = translate(h('p', { id: 'last-n-hint', class: 'hint check-hint' }), 'panel.lastN.hint');
  const muteAllLock = checkRow('mute-all-lock', 'panel.muteAllLock');
  const muteAll = translate(h('button', { type: 'button', id: 'mute-all', class: 'button button--secondary' }), 'panel.muteAll');
  muteAll.addEventListener('click', () => session.send({ type: 'mute-all', kind: 'audio', lockUnmute: muteAllLock.input.checked }));

  const password = h('input', { type: 'password', id: 'meeting-password-set', class: 'input', minlength: 4, maxlength: 256, autocomplete: 'new-password' });
  const passwordStatus = h('p', { id: 'password-status', class: 'hint', 'aria-live': 'polite' });
  const setPassword = translate(h('button', { type: 'button', id: 'set-password', class: 'button button--secondary' }), 'panel.password.set');
  setPassword.addEventListener('click', () => {
    const pw = password.value;
    if (pw.length < 4 || pw.length > 256) {
      translate(passwordStatus, 'panel.password.tooShort');
      password.focus();
      return;
    }
    session.send({ type: 'set-password', password: pw });
    password.value = '';
  });
  const removePassword = translate(h('button', { type: 'button', id: 'remove-password', class: 'button button--secondary' }), 'panel.password.remove');
  removePassword.addEventListener('click', () => session.send({ type: 'set-password', password: null }));

  const confirmEnd = translate(h('button', { type: 'button', id: 'confirm-end', class: 'button button--danger' }), 'panel.end.confirm');
  const cancelEnd = translate(h('button', { type: 'button', id: 'cancel-end', class: 'button button--secondary' }), 'panel.end.cancel');
  const dialog = h(
    'dialog',
    { id: 'end-dialog', class: 'dialog', 'aria-labelledby': 'end-dialog-title' },
    translate(h('h2', { id: 'end-dialog-title', class: 'panel-title' }), 'panel.end.title'),
    translate(h('p'), 'panel.end.body'),
    h('div', { class: 'dialog-actions' }, cancelEnd, confirmEnd),
  );
  confirmEnd.addEventListener('click', () => {
    session.send({ type: 'end-meeting' });
    dialog.close();
  });
  cancelEnd.addEventListener('click', () => dialog.close());
  // Removing someone is hard to undo (they can't come back for a while): ask first.
  const removeTitle = h('h2', { id: 'remove-dialog-title', class: 'panel-title' });
  const removeBody = h('p');
  const confirmRemove = h('button', { type: 'button', id: 'confirm-remove', class: 'button button--danger' });
  const cancelRemove = translate(h('button', { type: 'button', id: 'cancel-remove', class: 'button button--secondary' }), 'panel.end.cancel');
  const removeDialog = h(
    'dialog',
    { id: 'remove-dialog', class: 'dialog', 'aria-labelledby': 'remove-dialog-title' },
    removeTitle,
    removeBody,
    h('div', { class: 'dialog-actions' }, cancelRemove, confirmRemove),
  );
  let pendingRemoval: { participantId: string; ban: boolean } | null = null;
  const askRemoval = (p: ParticipantInfo, ban: boolean) => {
    pendingRemoval = { participantId: p.id, ban };
    translate(removeTitle, ban ? 'panel.ban.title' : 'panel.remove.title', { name: p.name });
    translate(removeBody, ban ? 'panel.ban.body' : 'panel.remove.body', { name: p.name });
    translate(confirmRemove, ban ? 'panel.action.ban' : 'panel.action.kick');
    removeDialog.showModal();
    cancelRemove.focus();
  };
  confirmRemove.addEventListener('click', () => {
    if (pendingRemoval) session.send({ type: 'kick', ...pendingRemoval });
    pendingRemoval = null;
    removeDialog.close();
  });
  cancelRemove.addEventListener('click', () => {
    pendingRemoval = null;
    removeDialog.close();
  });

  const endMeeting = translate(h('button', { type: 'button', id: 'end-meeting', class: 'button button--danger' }), 'panel.end');
  endMeeting.addEventListener('click', () => {
    dialog.showModal();
    cancelEnd.focus();
  });

  const controls = h(
    'section',
    { id: 'meeting-controls', class: 'panel-section', hidden: true },
    translate(h('h3', { class: 'panel-subtitle' }), 'panel.controls'),
    lock.row,
    lobby.row,
    h('div', { class: 'panel-group' }, allowUnencrypted.row, allowUnencryptedHint),
    h('div', { class: 'panel-group' }, translate(h('label', { for: 'last-n', class: 'label' }), 'panel.lastN'), lastN, lastNHint),
    h('div', { class: 'panel-group' }, muteAll, muteAllLock.row),
    h(
      'div',
      { class: 'panel-group' },
      translate(h('label', { for: 'meeting-password-set', class: 'label' }), 'panel.password.label'),
      password,
      h('div', { class: 'panel-buttons' }, setPassword, removePassword),
      passwordStatus,
    ),
    endMeeting,
    dialog,
  );

  const invites = invitesSection(session);
  const el = h(
    'aside',
    { id: 'participants-panel', class: 'panel', hidden: true, 'aria-labelledby': 'participants-heading' },
    head,
    lobbySection,
    handSection,
    h('section', { class: 'panel-section' }, people),
    invites.el,
    controls,
    removeDialog,
  );

  const actionButton = (p: ParticipantInfo, action: Action) => {
    const b = translate(h('button', { type: 'button', class: 'button button--small', 'data-action': action }), ACTION_KEYS[action]);
    translateAttr(b, 'aria-label', `${ACTION_KEYS[action]}.name` as MessageKey, { name: p.name });
    if (action === 'kick' || action === 'ban') b.classList.add('button--danger-soft');
    b.addEventListener('click', () => {
      switch (action) {
        case 'mute-audio':
        case 'mute-video':
          return session.send({ type: 'mute', participantId: p.id, kind: action === 'mute-audio' ? 'audio' : 'video' });
        case 'stop-screen-share':
          return session.stopScreenShareOf(p.id);
        case 'kick':
        case 'ban':
          return askRemoval(p, action === 'ban');
        case 'make-moderator':
        case 'revoke-moderator':
          return session.send({ type: 'set-role', participantId: p.id, role: action === 'make-moderator' ? 'moderator' : 'guest' });
      }
    });
    return b;
  };

  const update = () => {
    const mod = session.isModerator;
    const all = [...session.participants.values()];
    const counts = nameCounts([session.name, ...all.map((p) => p.name)]);
    const ownCode = session.encryption?.safetyCode;
    const self = h(
      'li',
      { class: 'person', 'data-participant-row': session.participantId ?? '' },
      h(
        'div',
        { class: 'person-main' },
        translate(h('span', { class: 'person-name' }), 'call.you', { name: session.name }),
        roleBadge(session.role),
        session.handRaisedAt !== null ? handIcon() : null,
        session.screen.track !== null ? screenIcon() : null,
      ),
      ownCode ? personCode('own', ownCode) : session.participantId ? personCode('unencrypted', null) : null,
    );
    const rows = all.map((p) => {
      const actions: Action[] = [];
      if (mod) {
        if (!p.audioMuted) actions.push('mute-audio');
        if (!p.videoMuted) actions.push('mute-video');
        if (p.screenSharing) actions.push('stop-screen-share');
        if (p.role !== 'host') actions.push('kick', 'ban', p.role === 'moderator' ? 'revoke-moderator' : 'make-moderator');
      }
      return h(
        'li',
        { class: 'person', 'data-participant-row': p.id },
        h(
          'div',
          { class: 'person-main' },
          nameLabel(p.name, p.role, (counts.get(normalizeName(p.name)) ?? 0) > 1, p.verified),
          roleBadge(p.role),
          p.handRaisedAt !== undefined ? handIcon() : null,
          p.audioMuted ? h('span', { class: 'person-state' }, micOffIcon()) : null,
          p.screenSharing ? screenIcon() : null,
        ),
        personCode(...securityOf(p)),
        actions.length ? h('div', { class: 'person-actions' }, ...actions.map((a) => actionButton(p, a))) : null,
      );
    });
    people.replaceChildren(self, ...rows);

    const hands = mod ? handQueue(session) : [];
    handSection.hidden = hands.length === 0;
    handList.replaceChildren(
      ...hands.map((id) => {
        const name = id === session.participantId ? session.name : (session.participants.get(id)?.name ?? '?');
        const lower = translate(h('button', { type: 'button', class: 'button button--small', 'data-action': 'lower-hand' }), 'hands.lower');
        translateAttr(lower, 'aria-label', 'hands.lowerName', { name });
        lower.addEventListener('click', () => session.lowerHand(id));
        return h('li', { class: 'person', 'data-hand-queue-item': id }, h('div', { class: 'person-main' }, h('span', { class: 'person-name' }, name)), h('div', { class: 'person-actions' }, lower));
      }),
    );

    const knocks = mod ? [...session.knocks.values()] : [];
    lobbySection.hidden = knocks.length === 0;
    lobbyList.replaceChildren(
      ...knocks.map((k) => {
        const admit = translate(h('button', { type: 'button', class: 'button button--small button--primary', 'data-lobby-action': 'admit' }), 'knock.admit');
        translateAttr(admit, 'aria-label', 'knock.admitName', { name: k.name });
        admit.addEventListener('click', () => session.send({ type: 'admit', participantId: k.id }));
        const deny = translate(h('button', { type: 'button', class: 'button button--small', 'data-lobby-action': 'deny' }), 'knock.deny');
        translateAttr(deny, 'aria-label', 'knock.denyName', { name: k.name });
        deny.addEventListener('click', () => session.send({ type: 'deny', participantId: k.id }));
        return h(
          'li',
          { class: 'person', 'data-lobby-knocker': k.id },
          h('div', { class: 'person-main' }, nameLabel(k.name, 'knocker', (counts.get(normalizeName(k.name)) ?? 0) > 0)),
          h('div', { class: 'person-actions' }, admit, deny),
        );
      }),
    );

    controls.hidden = !mod;
    invites.update();
    if (!mod && dialog.open) dialog.close();
    const state = session.meetingState;
    if (state) {
      lock.input.checked = state.locked;
      lobby.input.checked = state.lobbyEnabled;
      allowUnencrypted.input.checked = state.allowUnencrypted;
      if (document.activeElement !== lastN) lastN.value = String(state.lastN);
      removePassword.disabled = !state.passwordProtected;
      translate(passwordStatus, state.passwordProtected ? 'panel.password.on' : 'panel.password.off');
    }
  };

  const securityOf = (p: ParticipantInfo): [PeerSecurity, string | null] => {
    const { status, code } = peerSecurity(session.encryption, p);
    return [status, code];
  };
  // Keys change often (someone joins or leaves); rebuild the rows (and lose focus in them) only
  // when a status or code shown here changed.
  let shownSecurity = '';
  const securitySignature = () =>
    JSON.stringify([session.encryption?.safetyCode ?? null, [...session.participants.values()].map((p) => [p.id, ...securityOf(p)])]);
  const onE2ee = () => {
    const signature = securitySignature();
    if (signature !== shownSecurity) updateAll();
  };
  const updateAll = () => {
    shownSecurity = securitySignature();
    update();
  };

  const unsubscribe = [
    ...(['participants', 'meeting', 'knocks', 'meetingState', 'invites', 'screens'] as const).map((ev) => session.events.on(ev, updateAll)),
    session.events.on('e2ee', onE2ee),
  ];
  updateAll();
  return { el, update: updateAll, dispose: () => unsubscribe.forEach((u) => u()) };
}

const PERSON_CODE_KEYS: Record<Exclude<PeerSecurity, 'secure'>, MessageKey> = {
  pending: 'people.keyPending',
  failed: 'people.keyFailed',
  unencrypted: 'people.noE2ee',
  unchecked: 'people.keyUnchecked',
};

/** Small secondary text under a name: the safety code as received (or our own), or why there is none. */
function personCode(status: PeerSecurity | 'own', code: string | null): HTMLElement {
  const el = h('p', { class: `person-code person-code--${status}`, 'data-status': status });
  if ((status === 'secure' || status === 'own') && code) translate(el, 'people.safetyCode', { code });
  else translate(el, PERSON_CODE_KEYS[status === 'secure' || status === 'own' ? 'pending' : status]);
  return el;
}

function roleBadge(role: string | null): HTMLElement | null {
  if (role === 'host') return translate(h('span', { class: 'tile-role tile-role-host' }), 'call.role.host');
  if (role === 'moderator') return translate(h('span', { class: 'tile-role tile-role-moderator' }), 'call.role.moderator');
  return null;
}

function handIcon(): HTMLElement {
  const el = h('span', { class: 'person-hand', role: 'img' }, icon('hand', 'icon icon--small'));
  translateAttr(el, 'aria-label', 'hands.raised');
  translateAttr(el, 'title', 'hands.raised');
  return el;
}

function screenIcon(): HTMLElement {
  const el = h('span', { class: 'person-screen', role: 'img' }, icon('screenShare', 'icon icon--small'));
  translateAttr(el, 'aria-label', 'people.sharingScreen');
  translateAttr(el, 'title', 'people.sharingScreen');
  return el;
}

function micOffIcon(): HTMLElement {
  const el = h('span', { class: 'person-mic-off', role: 'img' }, icon('micOff', 'icon icon--small'));
  translateAttr(el, 'aria-label', 'call.micMuted');
  return el;
}
