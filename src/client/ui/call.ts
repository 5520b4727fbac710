/**
 * The call: a grid of tiles (self first), a status banner, the encryption indicator and warnings,
 * and the controls bar. One side panel at a time: participants, chat, or security. Reacts to the
 * session's events; the grid shape follows the tile count and the space available. Tile view or
 * speaker view (the active speaker, or whoever is pinned, large; the others in a strip), raised
 * hands, reactions, and keyboard shortcuts. A shared screen takes the stage, with the tiles beside
 * or below it.
 */
import { h, setPressed } from '../dom.js';
import { icon } from '../icons.js';
import { countKey, translate, translateAttr } from '../i18n/index.js';
import type { LocalMedia } from '../media/local-media.js';
import { ScreenCapture } from '../media/screen-capture.js';
import { ActiveSpeaker } from '../session/active-speaker.js';
import { handQueue } from '../session/hand-queue.js';
import { MAX_RECONNECT_ATTEMPTS } from '../session/reconnect.js';
import type { CallSession } from '../session/session.js';
import { monitorStats } from '../session/stats-monitor.js';
import { AudioSinks } from './audio-sinks.js';
import { chatPanel } from './chat-panel.js';
import { computeGrid } from './grid-layout.js';
import { copyInviteLink } from './invite.js';
import { languageSwitch } from './language-switch.js';
import { mediaToggle } from './media-toggles.js';
import { errorMessageKey } from './server-errors.js';
import { Tile } from './tile.js';
import { knocksArea } from './knocks.js';
import { installShortcuts } from './keyboard-shortcuts.js';
import { participantsPanel } from './participants-panel.js';
import { reactionPicker } from './reaction-picker.js';
import { shortcutsDialog } from './shortcuts-dialog.js';
import { arrangeTiles, featuredId, type ViewMode } from './speaker-view.js';
import { e2eeIndicator, e2eeWarning } from './security-indicator.js';
import { securityPanel } from './security-panel.js';
import { screenStage } from './screen-stage.js';
import { showToast } from './toast.js';
import { viewReporter } from './view-reporter.js';

const GRID_GAP = 8;

export function callView(session: CallSession, media: LocalMedia, onLeave: () => void): { el: HTMLElement; dispose(): void } {
  const grid = h('div', { id: 'tiles', class: 'grid' });
  const strip = h('div', { id: 'tile-strip', class: 'strip' });
  const screens = screenStage(session);
  const stage = h('section', { class: 'stage' }, screens.el, grid, strip);
  translateAttr(stage, 'aria-label', 'call.tiles');
  const banner = h('div', { id: 'status', class: 'banner', role: 'status', 'aria-live': 'polite', hidden: true });
  const alone = h('p', { id: 'alone-hint', class: 'alone-hint', hidden: true });
  const audioOnly = h('p', { id: 'audio-only', class: 'alone-hint', role: 'status', hidden: true });
  translate(audioOnly, 'call.audioOnly');
  translate(alone, 'call.alone');
  const count = h('span', { id: 'participant-count', class: 'participant-count' });
  // The title is typed by the meeting's host: text only, never markup.
  const title = h('h1', { id: 'call-title', class: 'call-title' });
  const audio = new AudioSinks();

  // ---- controls
  const audioToggle = mediaToggle('audio', media, (m) => session.setMuted('audio', m));
  const videoToggle = mediaToggle('video', media, (m) => session.setMuted('video', m));
  const copy = h('button', { type: 'button', id: 'copy-link', class: 'round-button' }, icon('link'));
  translateAttr(copy, 'aria-label', 'controls.copyLink');
  translateAttr(copy, 'title', 'controls.copyLink');
  copy.addEventListener('click', () => void copyInviteLink(session.meetingId, session.meetingKey));
  const leave = h('button', { type: 'button', id: 'leave', class: 'round-button round-button--danger' }, icon('leave'));
  translateAttr(leave, 'aria-label', 'controls.leave');
  translateAttr(leave, 'title', 'controls.leave');
  leave.addEventListener('click', onLeave);
  // ---- moderation
  const requestUnmute = translate(h('button', { type: 'button', id: 'request-unmute', class: 'button button--secondary', hidden: true }), 'unmute.request');
  requestUnmute.addEventListener('click', () => {
    session.send({ type: 'request-unmute', kind: 'audio' });
    requestUnmute.disabled = true;
    showToast('unmute.requested');
  });
  const handButton = h('button', { type: 'button', id: 'toggle-hand', class: 'round-button', 'aria-pressed': 'false' }, icon('hand'));
  translateAttr(handButton, 'aria-label', 'controls.hand');
  translateAttr(handButton, 'title', 'controls.hand');
  handButton.addEventListener('click', () => session.raiseHand(session.handRaisedAt === null));
  const reactions = reactionPicker((emoji) => {
    void session.sendReaction(emoji).then((sent) => {
      if (!sent) showToast('reaction.notSent');
    });
  });
  const viewToggle = h('button', { type: 'button', id: 'toggle-view', class: 'round-button', 'aria-pressed': 'false' }, icon('speakerView'));
  translateAttr(viewToggle, 'aria-label', 'controls.speakerView');
  translateAttr(viewToggle, 'title', 'controls.speakerView');
  viewToggle.addEventListener('click', () => setView(view === 'speaker' ? 'tiles' : 'speaker'));
  // Phones' browsers can't capture a screen: no button there.
  const screenToggle = h('button', { type: 'button', id: 'toggle-screen', class: 'round-button', 'aria-pressed': 'false', hidden: !ScreenCapture.supported }, icon('screenShare'));
  translateAttr(screenToggle, 'aria-label', 'controls.screen');
  translateAttr(screenToggle, 'title', 'controls.screen');
  screenToggle.addEventListener('click', () => {
    if (session.screen.track) return session.stopScreenShare();
    void session.startScreenShare().then((problem) => {
      // Closing the browser's picker is a choice, not an error.
      if (problem === 'failed' || problem === 'unsupported') showToast(problem === 'failed' ? 'screen.failed' : 'screen.unsupported');
    });
  });
  const peopleCount = h('span', { class: 'button-count', 'aria-hidden': 'true' });
  const togglePeople = h(
    'button',
    { type: 'button', id: 'toggle-participants', class: 'round-button', 'aria-expanded': 'false', 'aria-controls': 'participants-panel' },
    icon('users'),
    peopleCount,
  );
  const chatUnread = h('span', { id: 'chat-unread', class: 'button-count button-count--unread', 'aria-hidden': 'true', hidden: true });
  const toggleChat = h(
    'button',
    { type: 'button', id: 'chat-toggle', class: 'round-button', 'aria-expanded': 'false', 'aria-controls': 'chat-panel' },
    icon('chat'),
    chatUnread,
  );

  // ---- side panels: one at a time; focus moves in when one opens and back to its button when it closes
  type Side = 'participants' | 'chat' | 'security';
  const closeSide = () => openSide(null);
  const panel = participantsPanel(session, closeSide);
  const chat = chatPanel(session, closeSide);
  const security = securityPanel(session, closeSide);
  const indicator = e2eeIndicator(session, () => openSide(openPanel === 'security' ? null : 'security'));
  const warning = e2eeWarning(session, () => openSide('security'));
  const sides: Record<Side, { el: HTMLElement; toggle: HTMLElement; setExpanded(open: boolean): void; focus(): HTMLElement | null }> = {
    participants: {
      el: panel.el,
      toggle: togglePeople,
      setExpanded: (open) => togglePeople.setAttribute('aria-expanded', String(open)),
      focus: () => panel.el.querySelector<HTMLElement>('#close-participants'),
    },
    chat: {
      el: chat.el,
      toggle: toggleChat,
      setExpanded: (open) => {
        toggleChat.setAttribute('aria-expanded', String(open));
        chat.setOpen(open);
      },
      focus: () => chat.focusTarget(),
    },
    security: {
      el: security.el,
      toggle: indicator.el,
      setExpanded: (open) => indicator.setExpanded(open),
      focus: () => security.el.querySelector<HTMLElement>('#close-security'),
    },
  };
  let openPanel: Side | null = null;
  const openSide = (next: Side | null) => {
    const prev = openPanel;
    const focusInside = prev !== null && sides[prev].el.contains(document.activeElement);
    openPanel = next;
    for (const [name, side] of Object.entries(sides) as [Side, (typeof sides)[Side]][]) {
      side.el.hidden = name !== next;
      side.setExpanded(name === next);
    }
    if (next) sides[next].focus()?.focus();
    else if (prev && focusInside) sides[prev].toggle.focus();
    layout();
  };
  togglePeople.addEventListener('click', () => openSide(openPanel === 'participants' ? null : 'participants'));
  toggleChat.addEventListener('click', () => openSide(openPanel === 'chat' ? null : 'chat'));
  for (const side of Object.values(sides)) {
    side.el.addEventListener('keydown', (ev) => {
      // Escape in a confirmation dialog closes just the dialog.
      if (ev.key === 'Escape' && !(ev.target instanceof Element && ev.target.closest('dialog'))) closeSide();
    });
  }
  chat.onUnread((n) => {
    chatUnread.hidden = n === 0;
    chatUnread.textContent = String(n);
    translateAttr(toggleChat, 'aria-label', n ? 'chat.toggleUnread' : 'chat.toggle', { count: n });
    translateAttr(toggleChat, 'title', n ? 'chat.toggleUnread' : 'chat.toggle', { count: n });
  });
  const knocks = knocksArea(session);
  const lockIcon = h('span', { id: 'meeting-lock-icon', class: 'lock-icon', role: 'img', hidden: true }, icon('lock', 'icon icon--small'));
  const updateMeetingState = () => {
    const st = session.meetingState;
    lockIcon.hidden = !st || (!st.locked && !st.passwordProtected);
    const key = st?.locked ? 'call.locked' : 'call.passwordProtected';
    translateAttr(lockIcon, 'aria-label', key);
    translateAttr(lockIcon, 'title', key);
  };
  const onModeration = (ev: Parameters<Parameters<typeof session.events.on<'moderation'>>[1]>[0]) => {
    if (ev.type === 'muted-by-moderator') {
      showToast(ev.kind === 'audio' ? 'moderation.mutedAudio' : 'moderation.mutedVideo');
      if (ev.kind === 'audio') {
        requestUnmute.hidden = false;
        requestUnmute.disabled = false;
      }
    } else if (ev.type === 'unmute-allowed') {
      showToast('moderation.unmuteAllowed');
      if (ev.kind === 'audio') requestUnmute.hidden = true;
    } else if (ev.type === 'unmute-held') {
      showToast('moderation.unmuteHeld');
      if (ev.kind === 'audio') {
        requestUnmute.hidden = false;
        requestUnmute.disabled = false;
      }
    } else if (ev.type === 'hand-raised' && session.isModerator) {
      showToast('hand.toast', { name: session.participants.get(ev.participantId)?.name ?? '?' });
    } else if (ev.type === 'screen-stopped') {
      showToast('screen.stoppedByModerator');
    }
  };
  const onNotice = (code: Parameters<Parameters<typeof session.events.on<'notice'>>[1]>[0]) => {
    if (code === 'forbidden' || code === 'no-such-participant' || code === 'rate-limited') showToast(errorMessageKey(code));
  };

  const help = shortcutsDialog();
  const controls = h(
    'nav',
    { class: 'controls' },
    audioToggle.el,
    videoToggle.el,
    screenToggle,
    requestUnmute,
    handButton,
    reactions.el,
    togglePeople,
    toggleChat,
    viewToggle,
    copy,
    leave,
  );
  translateAttr(controls, 'aria-label', 'controls.label');

  // ---- tiles
  const self = new Tile(session.participantId ?? '', true);
  grid.appendChild(self.el);
  const tiles = new Map<string, Tile>();
  const selfId = () => session.participantId ?? '';
  self.onPin(() => togglePin(selfId()));

  // ---- tile view / speaker view
  let view: ViewMode = 'tiles';
  let pinned: string | null = null;
  let featured: string | null = null;
  const speaker = new ActiveSpeaker();
  const viewing = viewReporter(stage, () => pinned, (shown, pin) => session.reportView(shown, pin));
  const setView = (next: ViewMode) => {
    view = next;
    setPressed(viewToggle, view === 'speaker');
    arrange();
  };
  // Pinning someone shows them large, so it switches to speaker view.
  const togglePin = (id: string) => {
    pinned = pinned === id ? null : id;
    if (pinned !== null) setView('speaker');
    else arrange();
  };
  // A shared screen is what everyone should see large: the tiles line up beside or below it.
  const tileMode = (): ViewMode => (screens.visible ? 'tiles' : view);
  const arrange = () => {
    const all = [{ id: selfId(), tile: self }, ...[...tiles].map(([id, tile]) => ({ id, tile }))];
    featured = featuredId({ pinned, active: speaker.current, previous: featured, ids: all.map((t) => t.id), selfId: selfId() });
    for (const { id, tile } of all) {
      tile.setPinned(id === pinned);
      tile.setSpeaking(id === speaker.current);
    }
    arrangeTiles(grid, strip, all.map(({ id, tile }) => ({ id, el: tile.el })), tileMode(), featured);
    stage.classList.toggle('stage--speaker', tileMode() === 'speaker' && strip.childElementCount > 0);
    stage.classList.toggle('stage--screen', screens.visible);
    layout();
    viewing.refresh();
  };
  const updateScreens = () => {
    setPressed(screenToggle, session.screen.track !== null);
    if (screens.update()) arrange();
  };
  const stopStats = monitorStats(session, {
    levels: (levels, now) => {
      const before = speaker.current;
      if (speaker.update(levels, now) !== before) arrange();
    },
    quality: (id, quality) => tiles.get(id)?.setQuality(quality),
    stalled: (participantId, source) => session.send({ type: 'request-keyframe', participantId, source }),
  });

  const updateSelf = () => {
    self.setParticipantId(session.participantId ?? '');
    self.setName(session.name);
    self.setRole(session.role);
    self.setAudioMuted(media.isMuted('audio'));
    self.setVideoMuted(media.isMuted('video'));
    self.setVideoTrack(media.track('video'));
    audio.setOutput(media.device('audiooutput'));
    audioToggle.update();
    videoToggle.update();
    reactions.setEnabled(session.encryption !== null);
  };

  const updateParticipants = () => {
    for (const [id, tile] of tiles) {
      if (!session.participants.has(id)) {
        tile.remove();
        tiles.delete(id);
      }
    }
    for (const p of session.participants.values()) {
      let tile = tiles.get(p.id);
      if (!tile) {
        const id = p.id;
        tile = new Tile(id, false);
        tile.onPin(() => togglePin(id));
        tiles.set(id, tile);
        grid.appendChild(tile.el);
      }
      tile.setName(p.name);
      tile.setRole(p.role);
      tile.setAudioMuted(p.audioMuted);
      tile.setVideoMuted(p.videoMuted);
    }
    const queue = handQueue(session);
    self.setHand(queue.indexOf(selfId()) + 1 || null);
    for (const [id, tile] of tiles) tile.setHand(queue.indexOf(id) + 1 || null);
    setPressed(handButton, session.handRaisedAt !== null);
    updateMedia();
    const n = session.participants.size + 1;
    translate(count, countKey(n), { count: n });
    peopleCount.textContent = String(n);
    translateAttr(togglePeople, 'aria-label', 'panel.toggle', { count: n });
    translateAttr(togglePeople, 'title', 'panel.toggle', { count: n });
    if (!media.isMutedByChoice('audio') && !session.unmuteHeld('audio')) requestUnmute.hidden = true;
    alone.hidden = !(session.state === 'connected' && session.participants.size === 0);
    arrange();
  };

  const updateForwarding = () => {
    for (const [id, tile] of tiles) {
      const reason = session.videoPauses.get(`${id}/camera`);
      tile.setVideoPaused(reason === 'last-n' || reason === 'bandwidth' ? reason : null);
    }
    audioOnly.hidden = !session.audioOnly;
  };

  const updateMedia = () => {
    for (const [id, tile] of tiles) tile.setVideoTrack(session.remoteMedia.get(id)?.video ?? null);
    updateForwarding();
    for (const [id, m] of session.remoteMedia) audio.set(id, m.audio);
    audio.retain(new Set(session.remoteMedia.keys()));
  };

  const updateState = () => {
    const state = session.state;
    grid.dataset.state = state;
    banner.hidden = state === 'connected';
    banner.classList.toggle('banner--warning', state === 'reconnecting');
    if (state === 'connecting') translate(banner, 'state.connecting');
    else if (state === 'reconnecting') {
      if (session.everConnected) translate(banner, 'state.reconnecting');
      else translate(banner, 'state.retrying', { attempt: session.reconnectAttempt, max: MAX_RECONNECT_ATTEMPTS });
      if (session.error) banner.append(' ', translate(h('span'), errorMessageKey(session.error), { code: session.error }));
    } else if (state === 'connected') translate(banner, 'state.connected');
    updateSelf();
    updateParticipants();
  };

  const updateMeeting = () => {
    title.textContent = session.title;
    title.hidden = session.title === '';
    // The title's tooltip shows it in full where the bar cuts it off.
    if (session.title) title.setAttribute('title', session.title);
    self.setRole(session.role);
  };

  // ---- layout
  const layout = () => {
    // The grid's own box: the whole stage, or what the screen stage or the strip leaves of it.
    const { width, height } = grid.getBoundingClientRect();
    const { cols, rows } = computeGrid(tileMode() === 'speaker' ? 1 : tiles.size + 1, width, height, GRID_GAP);
    grid.style.setProperty('--cols', String(cols));
    grid.style.setProperty('--rows', String(rows));
  };
  const resize = new ResizeObserver(layout);
  resize.observe(stage);

  const unsubscribe = [
    session.events.on('state', updateState),
    session.events.on('participants', updateParticipants),
    session.events.on('meeting', updateMeeting),
    session.events.on('media', updateMedia),
    session.events.on('forwarding', updateForwarding),
    ...(['screens', 'media', 'participants'] as const).map((ev) => session.events.on(ev, updateScreens)),
    media.onChange(updateSelf),
    session.events.on('meetingState', updateMeetingState),
    session.events.on('moderation', onModeration),
    session.events.on('notice', onNotice),
    session.events.on('reaction', (r) => (r.from === null ? self : tiles.get(r.from))?.showReaction(r.emoji)),
    session.events.on('presence', (ev) => showToast(ev.type === 'joined' ? 'presence.joined' : 'presence.left', { name: ev.participant.name })),
    installShortcuts({
      mic: () => audioToggle.el.click(),
      camera: () => videoToggle.el.click(),
      hand: () => handButton.click(),
      chat: () => toggleChat.click(),
      participants: () => togglePeople.click(),
      help: () => help.open(),
    }),
    stopStats,
    () => reactions.dispose(),
  ];
  updateMeetingState();
  updateState();
  updateMeeting();
  updateScreens();

  const el = h(
    'main',
    { class: 'call' },
    h(
      'header',
      { class: 'call-top' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      h('div', { class: 'call-heading' }, h('div', { class: 'call-title-row' }, lockIcon, title), count),
      indicator.el,
      languageSwitch(),
    ),
    banner,
    warning.el,
    audioOnly,
    alone,
    h('div', { class: 'call-body' }, stage, panel.el, chat.el, security.el),
    knocks.el,
    controls,
    audio.el,
    help.el,
  );
  return {
    el,
    dispose: () => {
      for (const u of unsubscribe) u();
      panel.dispose();
      chat.dispose();
      security.dispose();
      indicator.dispose();
      warning.dispose();
      knocks.dispose();
      resize.disconnect();
      viewing.dispose();
      screens.dispose();
      audio.clear();
      self.remove();
      for (const tile of tiles.values()) tile.remove();
    },
  };
}
