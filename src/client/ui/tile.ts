/**
 * One participant's tile: video, name, muted-microphone icon, a role badge for hosts and moderators,
 * and an initials avatar when there is no picture. `data-participant-id` names the participant; the
 * local tile has `data-local="true"`. Also: a raised hand with its place in the queue (`.tile-hand`),
 * a pin button (`.tile-pin`), reactions (`.tile-reaction`), the connection quality of remote
 * participants (`.tile-quality[data-quality]`), and `data-speaking="true"` on the active speaker.
 */
import type { ReactionEmoji } from '../../protocol/e2ee.js';
import type { PauseReason, Role } from '../../protocol/messages.js';
import { h, setPressed } from '../dom.js';
import { icon } from '../icons.js';
import { translate, translateAttr, type MessageKey } from '../i18n/index.js';
import type { ConnectionQuality } from '../session/connection-quality.js';
import { REACTION_KEYS } from './reaction-picker.js';

/** How long a reaction stays on the tile (the CSS animation matches it). */
export const REACTION_MS = 4000;

/** Off-screen tiles are not seen, so only these two are ever shown. */
export type VideoPauseReason = Exclude<PauseReason, 'off-screen'>;
const PAUSE_KEYS: Record<VideoPauseReason, MessageKey> = {
  'last-n': 'tile.paused.lastN',
  bandwidth: 'tile.paused.bandwidth',
};

const QUALITY_KEYS: Record<ConnectionQuality, MessageKey> = {
  good: 'tile.quality.good',
  fair: 'tile.quality.fair',
  poor: 'tile.quality.poor',
};

export class Tile {
  readonly el: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly avatar: HTMLElement;
  private readonly label: HTMLElement;
  private readonly micOff: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly hand: HTMLElement;
  private readonly handPosition: HTMLElement;
  private readonly quality: HTMLElement;
  private readonly pin: HTMLButtonElement;
  private readonly reaction: HTMLElement;
  private reactionTimer: ReturnType<typeof setTimeout> | undefined;
  private role: Role | null = null;
  private videoTrack: MediaStreamTrack | null = null;
  private videoMuted = false;
  /** Why the SFU holds this video back from us (last-N, our slow downlink), or null. */
  private videoPaused: VideoPauseReason | null = null;
  private readonly pausedNote: HTMLElement;
  private name = '';

  constructor(participantId: string, readonly local: boolean) {
    this.video = h('video', { class: 'tile-video', autoplay: true, playsinline: true, muted: true });
    this.video.muted = true; // audio plays through a separate <audio> element
    this.video.playsInline = true;
    if (local) this.video.classList.add('mirrored');
    this.avatar = h('div', { class: 'avatar', 'aria-hidden': 'true' });
    this.label = h('span', { class: 'tile-name' });
    this.micOff = h('span', { class: 'tile-mic-off', role: 'img', hidden: true }, icon('micOff', 'icon icon--small'));
    translateAttr(this.micOff, 'aria-label', 'call.micMuted');
    translateAttr(this.micOff, 'title', 'call.micMuted');
    this.badge = h('span', { class: 'tile-role', hidden: true });
    this.handPosition = h('span', { class: 'tile-hand-position' });
    this.hand = h('span', { class: 'tile-hand', role: 'img', hidden: true }, icon('hand', 'icon icon--small'), this.handPosition);
    this.quality = h('span', { class: 'tile-quality', role: 'img', hidden: true }, h('span'), h('span'), h('span'));
    this.pin = h('button', { type: 'button', class: 'tile-pin', 'aria-pressed': 'false' }, icon('pin', 'icon icon--small'));
    this.reaction = h('span', { class: 'tile-reaction', role: 'img', hidden: true });
    this.pausedNote = h('span', { class: 'tile-paused', hidden: true });
    this.el = h(
      'figure',
      { class: 'tile tile--no-video', 'data-participant-id': participantId, ...(local ? { 'data-local': 'true' } : {}) },
      this.video,
      this.avatar,
      this.hand,
      this.pin,
      this.reaction,
      this.pausedNote,
      h('figcaption', { class: 'tile-caption' }, this.micOff, this.label, this.badge, this.quality),
    );
  }

  /** The pin button's action (pinning is the call view's business). */
  onPin(handler: () => void): void {
    this.pin.addEventListener('click', handler);
  }

  setPinned(pinned: boolean): void {
    setPressed(this.pin, pinned);
  }

  /** Marks the active speaker. */
  setSpeaking(speaking: boolean): void {
    if (speaking) this.el.dataset.speaking = 'true';
    else delete this.el.dataset.speaking;
  }

  /** The hand badge with the place in the queue (1 = first), or none. */
  setHand(position: number | null): void {
    this.hand.hidden = position === null;
    if (position === null) return;
    this.handPosition.textContent = String(position);
    translateAttr(this.hand, 'aria-label', 'tile.hand', { position });
    translateAttr(this.hand, 'title', 'tile.hand', { position });
  }

  setQuality(quality: ConnectionQuality): void {
    this.quality.hidden = false;
    this.quality.dataset.quality = quality;
    translateAttr(this.quality, 'aria-label', QUALITY_KEYS[quality]);
    translateAttr(this.quality, 'title', QUALITY_KEYS[quality]);
  }

  /** Shows the emoji for a few seconds; a newer one replaces it. */
  showReaction(emoji: ReactionEmoji): void {
    clearTimeout(this.reactionTimer);
    this.reaction.textContent = emoji;
    translateAttr(this.reaction, 'aria-label', REACTION_KEYS[emoji]);
    // Restart the animation for a repeated reaction.
    this.reaction.hidden = true;
    void this.reaction.offsetWidth;
    this.reaction.hidden = false;
    this.reactionTimer = setTimeout(() => (this.reaction.hidden = true), REACTION_MS);
  }

  setParticipantId(id: string): void {
    this.el.dataset.participantId = id;
  }

  setName(name: string): void {
    if (name === this.name && this.label.textContent) return;
    this.name = name;
    if (this.local) translate(this.label, 'call.you', { name });
    else this.label.textContent = name;
    this.avatar.textContent = initials(name);
    this.el.style.setProperty('--avatar-hue', String(hue(name)));
    translateAttr(this.pin, 'aria-label', 'tile.pin', { name });
    translateAttr(this.pin, 'title', 'tile.pin', { name });
  }

  /** Hosts get a "Host" badge, moderators a "Moderator" one; guests none. */
  setRole(role: Role | null): void {
    if (role === this.role) return;
    this.role = role;
    this.badge.className = `tile-role${role === 'host' || role === 'moderator' ? ` tile-role-${role}` : ''}`;
    this.badge.hidden = role !== 'host' && role !== 'moderator';
    if (role === 'host') translate(this.badge, 'call.role.host');
    else if (role === 'moderator') translate(this.badge, 'call.role.moderator');
  }

  setAudioMuted(muted: boolean): void {
    this.micOff.hidden = !muted;
  }

  setVideoMuted(muted: boolean): void {
    this.videoMuted = muted;
    this.refresh();
  }

  /** A new track object (e.g. a reused mid now carrying someone else) gets a fresh MediaStream. */
  setVideoTrack(track: MediaStreamTrack | null): void {
    if (track === this.videoTrack) return;
    this.videoTrack = track;
    this.video.srcObject = track ? new MediaStream([track]) : null;
    if (track) this.video.play().catch(() => undefined);
    this.refresh();
  }

  /** The SFU stopped sending this video (or started again: null); the tile says why. */
  setVideoPaused(reason: VideoPauseReason | null): void {
    if (reason === this.videoPaused) return;
    this.videoPaused = reason;
    this.pausedNote.hidden = reason === null;
    if (reason) translate(this.pausedNote, PAUSE_KEYS[reason]);
    this.refresh();
  }

  private refresh(): void {
    this.el.classList.toggle('tile--no-video', this.videoMuted || !this.videoTrack || this.videoPaused !== null);
    this.pausedNote.hidden = this.videoPaused === null || this.videoMuted;
  }

  remove(): void {
    clearTimeout(this.reactionTimer);
    this.video.srcObject = null;
    this.el.remove();
  }
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return '?';
  const letter = (w: string) => Array.from(w)[0] ?? '';
  const last = words.length > 1 ? letter(words[words.length - 1]!) : '';
  return (letter(first) + last).toLocaleUpperCase();
}

/** A stable colour per name, so a person keeps their colour across tiles and sessions. */
function hue(name: string): number {
  let x = 0;
  for (const ch of name) x = (x * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return x % 360;
}
