/**
 * A participant's time in one meeting: join, stay connected, leave. Owns one "attempt" at a time
 * (a WebSocket plus an RTCPeerConnection). Once we are in the meeting, a socket that closes
 * unexpectedly is replaced by a new attempt that `resume`s our place with the resume token (kept in
 * memory only), with back-off, for up to RESUME_WINDOW_MS; the server keeps us in the meeting
 * meanwhile, so the others see no leave, and our end-to-end keys stay valid. A PeerConnection that
 * fails while the socket works is replaced through `restart-ice`. A first join that fails is retried
 * from scratch, up to MAX_RECONNECT_ATTEMPTS. Refused or out of time, the session is `failed`.
 *
 * States: connecting -> (lobby ->) connected <-> reconnecting -> failed; any -> left; any -> removed
 * (denied, kicked, banned, meeting ended: final, never retried).
 */
import {
  MODERATOR_ROLES,
  type ClientMessage,
  type ErrorCode,
  type MediaKind,
  type MeetingState,
  type MessageOf,
  type ParticipantInfo,
  type PauseReason,
  type RemoteTrack,
  type Role,
  type ServerMessage,
  type InviteInfo,
  type TileView,
} from '../../protocol/messages.js';
import type { ChatPayload, ReactionEmoji } from '../../protocol/e2ee.js';
import type { Relay } from '../e2ee/key-exchange.js';
import type { MeetingEncryption } from '../e2ee/meeting-encryption.js';
import { Emitter } from '../emitter.js';
import type { LocalMedia } from '../media/local-media.js';
import { ScreenCapture, type ScreenShareProblem } from '../media/screen-capture.js';
import { RateLimit } from '../rate-limit.js';
import { MediaPeer } from './peer.js';
import {
  CONNECT_TIMEOUT_MS,
  DISCONNECTED_GRACE_MS,
  MAX_RECONNECT_ATTEMPTS,
  MEDIA_RESTART_TIMEOUT_MS,
  RESUME_WINDOW_MS,
  isFinalError,
  reconnectDelayMs,
  resumeDelayMs,
} from './reconnect.js';
import type { ParticipantMedia } from './remote-media.js';
import { ScreenShares } from './screen-shares.js';
import { SignalingChannel, signalingUrl } from './signaling.js';

export type ConnectionState = 'connecting' | 'lobby' | 'connected' | 'reconnecting' | 'failed' | 'left' | 'removed';

export type RemovedReason = MessageOf<ServerMessage, 'removed'>['reason'];

/** Someone waiting in the lobby (shown to moderators). */
export interface Knocker {
  id: string;
  name: string;
}

/** Moderation events for the UI to announce. */
export type ModerationEvent =
  | { type: 'muted-by-moderator'; kind: MediaKind }
  | { type: 'unmute-allowed'; kind: MediaKind }
  | { type: 'unmute-request'; participantId: string; kind: MediaKind }
  | { type: 'unmute-held'; kind: MediaKind }
  | { type: 'knock'; knocker: Knocker }
  | { type: 'hand-raised'; participantId: string }
  | { type: 'screen-stopped' };

export type RemoteMedia = ParticipantMedia<MediaStreamTrack>;

export interface SessionEvents extends Record<string, unknown> {
  /** `state`, `reconnectAttempt` or `error` changed. */
  state: ConnectionState;
  /** `participants` (the others) changed: joined, left, renamed, muted, role. */
  participants: void;
  /** `title` or our own `role` changed. */
  meeting: void;
  /** `remoteMedia` changed. */
  media: void;
  /** A recoverable error the server reported; the session carries on. */
  notice: ErrorCode;
  /** `knocks` changed. */
  knocks: void;
  /** `meetingState` changed. */
  meetingState: void;
  /** `invites` or `createdInvite` changed (moderators only). */
  invites: void;
  moderation: ModerationEvent;
  /** End-to-end encryption changed: peer statuses, safety codes, key ids, encrypted or not. */
  e2ee: void;
  /** `chat` got a message. */
  chat: ChatMessage;
  /** Someone reacted (`from` is null for our own reaction). */
  reaction: Reaction;
  /** Someone entered or left the meeting (not sent for those already there when we join). */
  presence: { type: 'joined' | 'left'; participant: ParticipantInfo };
  /** `screenShares` changed: a share (ours included) started or stopped. */
  screens: void;
  /** `videoPauses` or `audioOnly` changed: what the SFU holds back from us. */
  forwarding: void;
}

export interface Reaction {
  from: string | null;
  emoji: ReactionEmoji;
}

/** Reactions we may send: enough for a round of applause, not a flood on everyone's screen. */
export const REACTION_LIMIT = { max: 3, windowMs: 3000 } as const;

/** A chat message, decrypted (or our own). */
export interface ChatMessage {
  /** The sender's participant id; null for our own. */
  from: string | null;
  /** The name the sender put inside the encrypted message. */
  name: string;
  text: string;
  sentAt: number;
}

/** What the session needs of the local devices (LocalMedia; a fake in tests). */
export type SessionMedia = Pick<LocalMedia, 'acquire' | 'isMuted' | 'onChange' | 'setMuted' | 'stop' | 'track'>;
/** What the session needs of the screen capture (ScreenCapture; a fake in tests). */
export type SessionScreen = Pick<ScreenCapture, 'start' | 'stop' | 'track' | 'onChange'>;

export interface SessionOptions {
  meetingId: string;
  name: string;
  media: SessionMedia;
  /** Our screen share; a ScreenCapture unless given. */
  screen?: SessionScreen;
  /** The meeting's encryption secret from the link (for building links to share). */
  meetingKey?: string;
  /** From the host link's fragment: join as host. Absent for guests. */
  hostSecret?: string | null;
  /** The title as the pre-join screen knew it, until `welcome` says. */
  title?: string;
  /** Signaling URL; defaults to this origin's SIGNALING_PATH. */
  url?: string;
  /** This browser's device token (see JoinMessage.deviceToken). */
  deviceToken?: string | null;
  /** From a personal invitation link's fragment. */
  inviteToken?: string | null;
  /** The meeting password, when asked for one. */
  password?: string | null;
  /**
   * Sets up end-to-end encryption (once, before the first join); null when this browser can't, and
   * then the server only lets us in if the host allowed that.
   */
  encryption?: ((relay: Relay) => Promise<MeetingEncryption>) | null;
}

/** One WebSocket + one PeerConnection. Callbacks from a replaced attempt are ignored. */
class Attempt {
  signaling!: SignalingChannel;
  peer!: MediaPeer;
  welcomed = false;
  pcConnected = false;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
  disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  sentMuted: Record<MediaKind, boolean> = { audio: false, video: false };
  sentScreen = false;
  /** We sent `restart-ice`: until the server's `restart-ice`, offers and candidates are the old connection's. */
  restartingMedia = false;

  dispose(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.disconnectTimer);
    this.signaling.close();
    this.peer.close();
  }
}

export class CallSession {
  readonly events = new Emitter<SessionEvents>();
  state: ConnectionState = 'connecting';
  participantId: string | null = null;
  /** Everyone else, in join order. */
  readonly participants = new Map<string, ParticipantInfo>();
  remoteMedia = new Map<string, RemoteMedia>();
  /** 1-based number of the reconnection attempt under way (while `reconnecting`). */
  reconnectAttempt = 0;
  /** Whether this session was ever `connected` (a first join that fails is not a lost connection). */
  everConnected = false;
  /** The last non-recoverable server error, shown with `failed` / `reconnecting`. */
  error: ErrorCode | null = null;
  /** The meeting's title ('' while unknown). */
  title: string;
  /** Our own role, once welcomed. */
  role: Role | null = null;
  /** The server's words with the last final error (e.g. "wrong password; try again in 30 s"). */
  errorMessage: string | null = null;
  /** Why we were removed (state `removed`). */
  removedReason: RemovedReason | null = null;
  /** Meeting-wide settings, once welcomed. */
  meetingState: MeetingState | null = null;
  /** The meeting's personal invitations (moderators only), and the one this session just made. */
  invites: InviteInfo[] = [];
  createdInvite: { invite: InviteInfo; token: string } | null = null;
  /** Moderators: who is waiting in the lobby. */
  readonly knocks = new Map<string, Knocker>();
  /** Kinds a moderator muted us in and we may not unmute until allowed. */
  readonly held = new Set<MediaKind>();
  /** Our end-to-end encryption, once set up; null when this browser can't. */
  encryption: MeetingEncryption | null = null;
  /** The chat since we joined, oldest first. */
  readonly chat: ChatMessage[] = [];
  /** The server's stamp for our raised hand (see ParticipantInfo.handRaisedAt); null while it is down. */
  handRaisedAt: number | null = null;
  /** Who shares a screen (we too, under our id), oldest first. */
  readonly screenShares = new ScreenShares();
  readonly screen: SessionScreen;
  /** Remote videos the SFU doesn't send us now, by `participantId/source`, with the reason. */
  videoPauses = new Map<string, PauseReason>();
  /** Our downlink is too slow for any video: the SFU sends audio only. */
  audioOnly = false;
  /** What we show (sent again after a reconnect). */
  private view: MessageOf<ClientMessage, 'view'> | null = null;

  private attempt: Attempt | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** From `welcome` / `resumed`: lets a new socket take our place back. Memory only. */
  private resumeToken: string | null = null;
  /** Running while the call is interrupted: when it fires, we stop trying to resume. */
  private outageTimer: ReturnType<typeof setTimeout> | undefined;
  private starting = false;
  private readonly unsubscribeMedia: () => void;
  private readonly unsubscribeScreen: () => void;
  private readonly reactionLimit = new RateLimit(REACTION_LIMIT.max, REACTION_LIMIT.windowMs);

  constructor(private readonly opts: SessionOptions) {
    this.unsubscribeMedia = opts.media.onChange(() => this.syncLocalMedia());
    this.screen = opts.screen ?? new ScreenCapture();
    this.unsubscribeScreen = this.screen.onChange(() => this.onLocalScreen());
    this.title = opts.title ?? '';
  }

  get meetingId(): string {
    return this.opts.meetingId;
  }

  get name(): string {
    return this.opts.name;
  }

  get meetingKey(): string {
    return this.opts.meetingKey ?? '';
  }

  /** Whether we join with a host secret (the server decides the role; see `role`). */
  get hasHostSecret(): boolean {
    return !!this.opts.hostSecret;
  }

  get pc(): RTCPeerConnection | null {
    return this.attempt?.peer.pc ?? null;
  }

  get tracks(): RemoteTrack[] {
    return this.attempt?.peer.tracks ?? [];
  }

  get isModerator(): boolean {
    return this.role !== null && MODERATOR_ROLES.includes(this.role);
  }

  /** Send a moderation (or other) message on the current connection. */
  send(message: ClientMessage): void {
    this.attempt?.signaling.send(message);
  }

  /** Join (or rejoin after `failed` / `left`). */
  async start(): Promise<void> {
    if (this.starting || this.attempt || this.state === 'connected' || this.state === 'reconnecting') return;
    this.starting = true;
    clearTimeout(this.retryTimer);
    this.reconnectAttempt = 0;
    this.error = null;
    this.errorMessage = null;
    this.participantId = null;
    this.resumeToken = null;
    this.everConnected = false;
    this.setState('connecting');
    try {
      await this.opts.media.acquire();
      await this.setUpEncryption();
    } finally {
      this.starting = false;
    }
    if (this.state !== 'connecting') return; // left meanwhile
    this.connect();
  }

  leave(): void {
    if (this.state === 'left' || this.state === 'removed') return;
    this.attempt?.signaling.send({ type: 'leave' });
    this.end('left');
  }

  setMuted(kind: MediaKind, muted: boolean): void {
    if (!muted && this.unmuteHeld(kind)) {
      this.events.emit('moderation', { type: 'unmute-held', kind });
      return;
    }
    if (!muted) this.lastUnmuted = kind;
    this.opts.media.setMuted(kind, muted); // -> syncLocalMedia
  }

  /** Muted by a moderator with unmuting locked, and not (yet) allowed again. */
  unmuteHeld(kind: MediaKind): boolean {
    if (this.held.has(kind)) return true;
    return !this.isModerator && this.role !== null && !!this.meetingState?.unmuteLocked.includes(kind) && this.lockedMuted.has(kind);
  }

  /** Kinds a moderator muted while unmuting was locked for guests. */
  private readonly lockedMuted = new Set<MediaKind>();
  private lastUnmuted: MediaKind | null = null;

  dispose(): void {
    this.leave();
    this.unsubscribeMedia();
    this.unsubscribeScreen();
    this.encryption?.close();
  }

  /** Opens the browser's screen picker; null once sharing, else why not. */
  startScreenShare(): Promise<ScreenShareProblem | null> {
    return this.screen.start(); // -> onLocalScreen
  }

  stopScreenShare(): void {
    this.screen.stop();
  }

  /** Moderators: stop someone's screen share (the SFU stops forwarding it). */
  stopScreenShareOf(participantId: string): void {
    this.send({ type: 'stop-screen-share', participantId });
  }

  /** Send a chat message, end-to-end encrypted. False when it could not be sent (no key yet). */
  async sendChat(text: string): Promise<boolean> {
    const payload: ChatPayload = { kind: 'chat', name: this.opts.name, text, sentAt: Date.now() };
    if (!this.encryption || !(await this.encryption.send(payload))) return false;
    this.addChat({ from: null, name: payload.name, text, sentAt: payload.sentAt });
    return true;
  }

  /** Send a reaction, end-to-end encrypted. False when rate-limited or it could not be sent. */
  async sendReaction(emoji: ReactionEmoji): Promise<boolean> {
    if (!this.encryption || !this.reactionLimit.take()) return false;
    if (!(await this.encryption.send({ kind: 'reaction', emoji }))) return false;
    this.events.emit('reaction', { from: null, emoji });
    return true;
  }

  /** Raise or lower our hand; the server's answer (`hand`) updates `handRaisedAt`. */
  /** The remote videos we show and their sizes; the SFU sends only those, at a layer that fits. */
  reportView(tiles: TileView[], pinned: string | null): void {
    this.view = { type: 'view', tiles, pinned };
    if (this.attempt?.welcomed) this.attempt.signaling.send(this.view);
  }

  raiseHand(raised: boolean): void {
    this.send({ type: 'raise-hand', raised });
  }

  /** Moderators: lower someone's hand. */
  lowerHand(participantId: string): void {
    this.send({ type: 'lower-hand', participantId });
  }

  private async setUpEncryption(): Promise<void> {
    if (this.encryption || !this.opts.encryption) return;
    const relay: Relay = (to, data) => this.send({ type: 'relay', ...(to === undefined ? {} : { to }), data });
    const encryption = await this.opts.encryption(relay);
    this.encryption = encryption;
    encryption.events.on('peers', () => this.events.emit('e2ee', undefined));
    encryption.events.on('payload', ({ from, payload }) => {
      if (payload.kind === 'chat') this.addChat({ from, name: payload.name, text: payload.text, sentAt: payload.sentAt });
      else if (payload.kind === 'reaction') this.events.emit('reaction', { from, emoji: payload.emoji });
    });
  }

  private addChat(message: ChatMessage): void {
    this.chat.push(message);
    this.events.emit('chat', message);
  }

  /** Whether media is encrypted right now depends on the meeting's setting and who is here. */
  private updateEncryption(): void {
    this.encryption?.update(this.meetingState?.allowUnencrypted ?? false, this.participants.values());
  }

  // ------------------------------------------------------------------ attempts

  private connect(): void {
    const attempt = new Attempt();
    this.attempt = attempt;
    const current = () => this.attempt === attempt;
    const media = this.opts.media;

    attempt.peer = this.newPeer(attempt);
    attempt.signaling = new SignalingChannel(this.opts.url ?? signalingUrl(), {
      open: () => {
        if (!current()) return;
        if (this.resumeToken !== null && this.participantId !== null) {
          attempt.signaling.send({ type: 'resume', meetingId: this.opts.meetingId, participantId: this.participantId, token: this.resumeToken });
          return;
        }
        attempt.sentMuted = { audio: media.isMuted('audio'), video: media.isMuted('video') };
        attempt.signaling.send({
          type: 'join',
          meetingId: this.opts.meetingId,
          name: this.opts.name,
          audioMuted: attempt.sentMuted.audio,
          videoMuted: attempt.sentMuted.video,
          e2ee: this.encryption !== null,
          ...(this.opts.hostSecret ? { hostSecret: this.opts.hostSecret } : {}),
          ...(this.opts.deviceToken ? { deviceToken: this.opts.deviceToken } : {}),
          ...(this.opts.inviteToken ? { inviteToken: this.opts.inviteToken } : {}),
          ...(this.opts.password ? { password: this.opts.password } : {}),
        });
      },
      message: (m) => current() && this.onMessage(attempt, m),
      closed: (ev) => current() && this.lost(`signaling closed ${ev.code}`),
    });
    attempt.connectTimer = setTimeout(() => {
      if (current() && this.state !== 'connected') this.lost('connect timeout');
    }, CONNECT_TIMEOUT_MS);
  }

  /** A PeerConnection whose events count while it is the current attempt's. */
  private newPeer(attempt: Attempt): MediaPeer {
    const current = () => this.attempt === attempt && attempt.peer === peer;
    const media = this.opts.media;
    const peer: MediaPeer = new MediaPeer(
      { track: (slot) => (slot === 'screen' ? this.screen.track : media.track(slot)) },
      {
        answer: (sdp) => attempt.signaling.send({ type: 'answer', sdp }),
        candidate: (candidate) => attempt.signaling.send({ type: 'ice', candidate }),
        connectionState: (s) => current() && this.onPeerState(attempt, s),
        remoteMedia: (m) => {
          if (!current()) return;
          this.remoteMedia = m;
          this.events.emit('media', undefined);
        },
        failed: (err) => {
          if (!current()) return;
          console.warn('confab: could not apply the offer', err);
          this.lost('offer failed');
        },
      },
      // The same transforms and keys on every PeerConnection: a new one encrypts like the old.
      this.encryption,
    );
    return peer;
  }

  private onMessage(attempt: Attempt, m: ServerMessage): void {
    switch (m.type) {
      case 'lobby-wait':
        // Waiting for a moderator: the socket stays open, so no connect timeout meanwhile.
        clearTimeout(attempt.connectTimer);
        this.title = m.title || this.title;
        this.events.emit('meeting', undefined);
        this.setState('lobby');
        return;
      case 'welcome':
        if (this.state === 'lobby') {
          this.setState('connecting');
          attempt.connectTimer = setTimeout(() => {
            if (this.attempt === attempt && this.state !== 'connected') this.lost('connect timeout');
          }, CONNECT_TIMEOUT_MS);
        }
        this.handRaisedAt = null; // a new participant id: the server starts us with the hand down
        this.encryption?.welcomed(m.participantId, m.participants);
        this.entered(attempt, m);
        return;
      case 'resumed': {
        // Our place as the server kept it; syncLocalMedia then tells it what changed here meanwhile.
        attempt.sentMuted = { audio: m.self.audioMuted, video: m.self.videoMuted };
        attempt.sentScreen = m.self.screenSharing;
        this.handRaisedAt = m.self.handRaisedAt ?? null;
        if (this.knocks.size > 0) {
          this.knocks.clear(); // a moderator gets the lobby's current knocks again
          this.events.emit('knocks', undefined);
        }
        const before = new Map(this.participants);
        this.entered(attempt, m);
        // Same meeting, same keys: the key exchange only learns who came or went meanwhile (their
        // relays, held by the server, follow this message).
        for (const [id, p] of before) {
          if (this.participants.has(id)) continue;
          this.encryption?.left(id);
          this.events.emit('presence', { type: 'left', participant: p });
        }
        for (const [id, p] of this.participants) {
          if (before.has(id)) continue;
          this.encryption?.joined(id);
          this.events.emit('presence', { type: 'joined', participant: p });
        }
        return;
      }
      case 'participant-joined':
        this.participants.set(m.participant.id, m.participant);
        this.encryption?.joined(m.participant.id);
        this.updateEncryption();
        this.events.emit('participants', undefined);
        this.events.emit('presence', { type: 'joined', participant: m.participant });
        return;
      case 'participant-left': {
        const gone = this.participants.get(m.participantId);
        this.participants.delete(m.participantId);
        this.encryption?.left(m.participantId);
        this.updateEncryption();
        this.events.emit('participants', undefined);
        if (this.screenShares.set(m.participantId, false)) this.events.emit('screens', undefined);
        if (gone) this.events.emit('presence', { type: 'left', participant: gone });
        return;
      }
      case 'screen-share': {
        // Our own share is known here first; the server's echo of it changes nothing.
        const p = this.participants.get(m.participantId);
        if (!p) return;
        this.participants.set(p.id, { ...p, screenSharing: m.active });
        this.events.emit('participants', undefined);
        if (this.screenShares.set(p.id, m.active)) this.events.emit('screens', undefined);
        return;
      }
      case 'screen-stopped-by-moderator':
        attempt.sentScreen = false; // the server has stopped it already
        this.screen.stop();
        this.events.emit('moderation', { type: 'screen-stopped' });
        return;
      case 'hand':
        this.onHand(m.participantId, m.raisedAt);
        return;
      case 'publish-layers':
        attempt.peer.setCameraLayers(m.active);
        return;
      case 'forwarding':
        this.videoPauses = new Map(m.paused.map((p) => [`${p.participantId}/${p.source}`, p.reason]));
        this.audioOnly = m.audioOnly;
        this.events.emit('forwarding', undefined);
        return;
      case 'relay':
        this.encryption?.relayed(m.from, m.data);
        return;
      case 'offer':
        if (!attempt.restartingMedia) attempt.peer.handleOffer(m);
        return;
      case 'ice':
        if (!attempt.restartingMedia) attempt.peer.addRemoteCandidate(m.candidate);
        return;
      case 'restart-ice':
        // The server replaced our media connection: answer its next offer on a new PeerConnection.
        attempt.restartingMedia = false;
        attempt.peer.close();
        attempt.peer = this.newPeer(attempt);
        this.clearRemoteMedia();
        if (this.view) attempt.signaling.send(this.view); // the new transport starts without it
        return;
      case 'track-state': {
        const p = this.participants.get(m.participantId);
        if (!p) return;
        this.participants.set(p.id, { ...p, [m.kind === 'audio' ? 'audioMuted' : 'videoMuted']: m.muted });
        this.events.emit('participants', undefined);
        return;
      }
      case 'role-changed': {
        if (m.participantId === this.participantId) {
          this.role = m.role;
          if (!this.isModerator && this.knocks.size > 0) {
            this.knocks.clear();
            this.events.emit('knocks', undefined);
          }
          this.events.emit('meeting', undefined);
          return;
        }
        const p = this.participants.get(m.participantId);
        if (!p) return;
        this.participants.set(p.id, { ...p, role: m.role });
        this.events.emit('participants', undefined);
        return;
      }
      case 'meeting-state':
        this.meetingState = m.state;
        this.updateEncryption();
        this.events.emit('meetingState', undefined);
        return;
      case 'knock':
        this.knocks.set(m.knocker.id, m.knocker);
        this.events.emit('knocks', undefined);
        this.events.emit('moderation', { type: 'knock', knocker: m.knocker });
        return;
      case 'invites':
        this.invites = m.invites;
        this.events.emit('invites', undefined);
        return;
      case 'invite-created':
        this.createdInvite = { invite: m.invite, token: m.token };
        this.events.emit('invites', undefined);
        return;
      case 'knock-ended':
        if (this.knocks.delete(m.knockerId)) this.events.emit('knocks', undefined);
        return;
      case 'removed':
        this.removedReason = m.reason;
        this.end('removed');
        return;
      case 'muted-by-moderator':
        if (this.meetingState?.unmuteLocked.includes(m.kind) && !this.isModerator) this.lockedMuted.add(m.kind);
        this.opts.media.setMuted(m.kind, true);
        this.events.emit('moderation', { type: 'muted-by-moderator', kind: m.kind });
        return;
      case 'unmute-allowed':
        this.held.delete(m.kind);
        this.lockedMuted.delete(m.kind);
        this.events.emit('moderation', { type: 'unmute-allowed', kind: m.kind });
        return;
      case 'unmute-request':
        this.events.emit('moderation', { type: 'unmute-request', participantId: m.participantId, kind: m.kind });
        return;
      case 'error':
        if (m.recoverable && m.code === 'forbidden' && m.inReplyTo === 'track-state') {
          // Unmuting is held by a moderator: stay muted here too.
          const kind = this.lastUnmuted ?? 'audio';
          this.held.add(kind);
          this.opts.media.setMuted(kind, true);
          this.events.emit('moderation', { type: 'unmute-held', kind });
          return;
        }
        if (m.recoverable) {
          console.warn(`confab: server error ${m.code}: ${m.message}`);
          this.events.emit('notice', m.code);
          return;
        }
        this.error = m.code;
        this.errorMessage = m.message;
        if (isFinalError(m.code)) this.end('failed');
        else this.lost(`server error ${m.code}`);
        return;
    }
  }

  /** `welcome` or `resumed`: who we are and who is here now. */
  private entered(attempt: Attempt, m: MessageOf<ServerMessage, 'welcome' | 'resumed'>): void {
    this.participantId = m.participantId;
    this.resumeToken = m.resumeToken;
    this.title = m.title;
    this.role = m.role;
    this.meetingState = m.state;
    this.events.emit('meetingState', undefined);
    this.participants.clear();
    for (const p of m.participants) this.participants.set(p.id, p);
    this.screenShares.clear();
    for (const p of m.participants) this.screenShares.set(p.id, p.screenSharing);
    // Still sharing after a rejoin or a resume: syncLocalMedia tells the server, if it doesn't know.
    this.screenShares.set(m.participantId, this.screen.track !== null);
    this.events.emit('screens', undefined);
    this.updateEncryption();
    attempt.welcomed = true;
    if (this.view) attempt.signaling.send(this.view);
    this.events.emit('meeting', undefined);
    this.events.emit('participants', undefined);
    this.syncLocalMedia();
    this.maybeConnected(attempt);
  }

  private onHand(participantId: string, raisedAt: number | null): void {
    if (participantId === this.participantId) {
      this.handRaisedAt = raisedAt;
    } else {
      const p = this.participants.get(participantId);
      if (!p) return;
      this.participants.set(p.id, { ...p, handRaisedAt: raisedAt ?? undefined });
    }
    this.events.emit('participants', undefined);
    if (raisedAt !== null && participantId !== this.participantId) this.events.emit('moderation', { type: 'hand-raised', participantId });
  }

  private onPeerState(attempt: Attempt, s: RTCPeerConnectionState): void {
    clearTimeout(attempt.disconnectTimer);
    if (s === 'connected') {
      attempt.pcConnected = true;
      this.maybeConnected(attempt);
    } else if (s === 'disconnected') {
      attempt.disconnectTimer = setTimeout(() => this.attempt === attempt && this.restartMedia(attempt, 'media disconnected'), DISCONNECTED_GRACE_MS);
    } else if (s === 'failed') {
      this.restartMedia(attempt, 'media failed');
    }
  }

  /**
   * Our PeerConnection broke (e.g. the network changed) while the socket may still work: ask the
   * server for a new media connection. Before we are in the meeting, or with the socket gone, the
   * whole attempt is lost instead.
   */
  private restartMedia(attempt: Attempt, reason: string): void {
    if (!attempt.welcomed || !attempt.signaling.isOpen) return this.lost(reason);
    if (attempt.restartingMedia) return;
    console.info(`confab: restarting media (${reason})`);
    attempt.restartingMedia = true;
    attempt.pcConnected = false;
    attempt.signaling.send({ type: 'restart-ice' });
    this.interrupted();
    // A socket can look open long after its network is gone: then it never answers, and the
    // whole attempt is renewed (a resume).
    clearTimeout(attempt.connectTimer);
    attempt.connectTimer = setTimeout(() => {
      if (this.attempt === attempt && this.state !== 'connected') this.lost('media restart timeout');
    }, MEDIA_RESTART_TIMEOUT_MS);
  }

  /** The call is interrupted: say "Reconnecting…", and from the first time on, give it RESUME_WINDOW_MS. */
  private interrupted(): void {
    this.outageTimer ??= setTimeout(() => {
      this.send({ type: 'leave' }); // we give up: the others need not wait for the grace period
      this.end('failed');
    }, RESUME_WINDOW_MS);
    this.setState('reconnecting');
  }

  private endOutage(): void {
    clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
  }

  private maybeConnected(attempt: Attempt): void {
    if (!attempt.welcomed || !attempt.pcConnected || this.state === 'connected') return;
    clearTimeout(attempt.connectTimer);
    this.endOutage();
    this.reconnectAttempt = 0;
    this.error = null;
    this.everConnected = true;
    this.setState('connected');
    this.syncLocalMedia();
  }

  /**
   * The attempt broke: with back-off, resume our place in the meeting (until the outage timer gives
   * up), or, when we had none yet, retry the join (up to MAX_RECONNECT_ATTEMPTS).
   */
  private lost(reason: string): void {
    if (this.state === 'left' || this.state === 'failed' || this.state === 'removed') return;
    console.info(`confab: connection lost (${reason})`);
    this.dropAttempt();
    const resuming = this.resumeToken !== null;
    if (!resuming && this.reconnectAttempt >= MAX_RECONNECT_ATTEMPTS) return this.end('failed');
    this.reconnectAttempt += 1;
    if (resuming) this.interrupted();
    else this.setState('reconnecting');
    const delay = resuming ? resumeDelayMs(this.reconnectAttempt) : reconnectDelayMs(this.reconnectAttempt);
    this.retryTimer = setTimeout(() => {
      if (this.state === 'reconnecting') this.connect();
    }, delay);
  }

  private end(state: 'failed' | 'left' | 'removed'): void {
    clearTimeout(this.retryTimer);
    this.endOutage();
    this.resumeToken = null;
    this.dropAttempt();
    this.participants.clear();
    this.knocks.clear();
    this.held.clear();
    this.lockedMuted.clear();
    this.handRaisedAt = null;
    this.opts.media.stop();
    this.screen.stop();
    if (this.screenShares.clear()) this.events.emit('screens', undefined);
    this.setState(state);
    this.events.emit('participants', undefined);
  }

  private dropAttempt(): void {
    this.attempt?.dispose();
    this.attempt = null;
    this.clearRemoteMedia();
  }

  private clearRemoteMedia(): void {
    if (this.remoteMedia.size === 0) return;
    this.remoteMedia = new Map();
    this.events.emit('media', undefined);
  }

  /**
   * Tell the others when our effective mute state changed (by choice, or a device went away), and
   * when our screen share started or stopped.
   */
  private syncLocalMedia(): void {
    const attempt = this.attempt;
    if (!attempt?.welcomed) return;
    for (const kind of ['audio', 'video'] as const) {
      const muted = this.opts.media.isMuted(kind);
      if (muted === attempt.sentMuted[kind]) continue;
      attempt.sentMuted[kind] = muted;
      attempt.signaling.send({ type: 'track-state', kind, muted });
    }
    const sharing = this.screen.track !== null;
    if (sharing !== attempt.sentScreen) {
      attempt.sentScreen = sharing;
      attempt.signaling.send({ type: 'screen-share', active: sharing });
    }
    void attempt.peer.refreshLocalTracks().catch(() => undefined);
  }

  /** Our capture started or ended (our button, the browser's own "stop sharing", a moderator). */
  private onLocalScreen(): void {
    if (this.participantId !== null && this.screenShares.set(this.participantId, this.screen.track !== null)) this.events.emit('screens', undefined);
    this.syncLocalMedia();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.events.emit('state', state);
  }
}
