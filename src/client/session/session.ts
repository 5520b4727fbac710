/**
 * A participant's time in one meeting: join, stay connected, leave. Owns one "attempt" at a time
 * (a WebSocket plus an RTCPeerConnection); when the socket closes unexpectedly or the
 * PeerConnection fails, the whole attempt is thrown away and the join is retried from scratch with
 * back-off, up to MAX_RECONNECT_ATTEMPTS, then the session is `failed`.
 *
 * States: connecting -> connected <-> reconnecting -> failed; any -> left.
 */
import type { ErrorCode, MediaKind, ParticipantInfo, RemoteTrack, Role, ServerMessage } from '../../protocol/messages.js';
import { Emitter } from '../emitter.js';
import type { LocalMedia } from '../media/local-media.js';
import { MediaPeer } from './peer.js';
import {
  CONNECT_TIMEOUT_MS,
  DISCONNECTED_GRACE_MS,
  MAX_RECONNECT_ATTEMPTS,
  isFinalError,
  reconnectDelayMs,
} from './reconnect.js';
import type { ParticipantMedia } from './remote-media.js';
import { SignalingChannel, signalingUrl } from './signaling.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'left';

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
}

/** What the session needs of the local devices (LocalMedia; a fake in tests). */
export type SessionMedia = Pick<LocalMedia, 'acquire' | 'isMuted' | 'onChange' | 'setMuted' | 'stop' | 'track'>;

export interface SessionOptions {
  meetingId: string;
  name: string;
  media: SessionMedia;
  /** From the host link's fragment: join as host. Absent for guests. */
  hostSecret?: string | null;
  /** The title as the pre-join screen knew it, until `welcome` says. */
  title?: string;
  /** Signaling URL; defaults to this origin's SIGNALING_PATH. */
  url?: string;
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

  private attempt: Attempt | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private starting = false;
  private readonly unsubscribeMedia: () => void;

  constructor(private readonly opts: SessionOptions) {
    this.unsubscribeMedia = opts.media.onChange(() => this.syncLocalMedia());
    this.title = opts.title ?? '';
  }

  get meetingId(): string {
    return this.opts.meetingId;
  }

  get name(): string {
    return this.opts.name;
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

  /** Join (or rejoin after `failed` / `left`). */
  async start(): Promise<void> {
    if (this.starting || this.attempt || this.state === 'connected' || this.state === 'reconnecting') return;
    this.starting = true;
    clearTimeout(this.retryTimer);
    this.reconnectAttempt = 0;
    this.error = null;
    this.participantId = null;
    this.everConnected = false;
    this.setState('connecting');
    try {
      await this.opts.media.acquire();
    } finally {
      this.starting = false;
    }
    if (this.state !== 'connecting') return; // left meanwhile
    this.connect();
  }

  leave(): void {
    if (this.state === 'left') return;
    this.attempt?.signaling.send({ type: 'leave' });
    this.end('left');
  }

  setMuted(kind: MediaKind, muted: boolean): void {
    this.opts.media.setMuted(kind, muted); // -> syncLocalMedia
  }

  dispose(): void {
    this.leave();
    this.unsubscribeMedia();
  }

  // ------------------------------------------------------------------ attempts

  private connect(): void {
    const attempt = new Attempt();
    this.attempt = attempt;
    const current = () => this.attempt === attempt;
    const media = this.opts.media;

    attempt.peer = new MediaPeer(media, {
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
    });
    attempt.signaling = new SignalingChannel(this.opts.url ?? signalingUrl(), {
      open: () => {
        if (!current()) return;
        attempt.sentMuted = { audio: media.isMuted('audio'), video: media.isMuted('video') };
        attempt.signaling.send({
          type: 'join',
          meetingId: this.opts.meetingId,
          name: this.opts.name,
          audioMuted: attempt.sentMuted.audio,
          videoMuted: attempt.sentMuted.video,
          ...(this.opts.hostSecret ? { hostSecret: this.opts.hostSecret } : {}),
        });
      },
      message: (m) => current() && this.onMessage(attempt, m),
      closed: (ev) => current() && this.lost(`signaling closed ${ev.code}`),
    });
    attempt.connectTimer = setTimeout(() => {
      if (current() && this.state !== 'connected') this.lost('connect timeout');
    }, CONNECT_TIMEOUT_MS);
  }

  private onMessage(attempt: Attempt, m: ServerMessage): void {
    switch (m.type) {
      case 'welcome':
        this.participantId = m.participantId;
        this.title = m.title;
        this.role = m.role;
        this.participants.clear();
        for (const p of m.participants) this.participants.set(p.id, p);
        attempt.welcomed = true;
        this.events.emit('meeting', undefined);
        this.events.emit('participants', undefined);
        this.syncLocalMedia();
        this.maybeConnected(attempt);
        return;
      case 'participant-joined':
        this.participants.set(m.participant.id, m.participant);
        this.events.emit('participants', undefined);
        return;
      case 'participant-left':
        this.participants.delete(m.participantId);
        this.events.emit('participants', undefined);
        return;
      case 'offer':
        attempt.peer.handleOffer(m);
        return;
      case 'ice':
        attempt.peer.addRemoteCandidate(m.candidate);
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
          this.events.emit('meeting', undefined);
          return;
        }
        const p = this.participants.get(m.participantId);
        if (!p) return;
        this.participants.set(p.id, { ...p, role: m.role });
        this.events.emit('participants', undefined);
        return;
      }
      case 'error':
        if (m.recoverable) {
          console.warn(`confab: server error ${m.code}: ${m.message}`);
          this.events.emit('notice', m.code);
          return;
        }
        this.error = m.code;
        if (isFinalError(m.code)) this.end('failed');
        else this.lost(`server error ${m.code}`);
        return;
    }
  }

  private onPeerState(attempt: Attempt, s: RTCPeerConnectionState): void {
    clearTimeout(attempt.disconnectTimer);
    if (s === 'connected') {
      attempt.pcConnected = true;
      this.maybeConnected(attempt);
    } else if (s === 'disconnected') {
      attempt.disconnectTimer = setTimeout(() => this.attempt === attempt && this.lost('media disconnected'), DISCONNECTED_GRACE_MS);
    } else if (s === 'failed') {
      this.lost('media failed');
    }
  }

  private maybeConnected(attempt: Attempt): void {
    if (!attempt.welcomed || !attempt.pcConnected || this.state === 'connected') return;
    clearTimeout(attempt.connectTimer);
    this.reconnectAttempt = 0;
    this.error = null;
    this.everConnected = true;
    this.setState('connected');
    this.syncLocalMedia();
  }

  /** The attempt broke: retry with back-off, or give up. */
  private lost(reason: string): void {
    if (this.state === 'left' || this.state === 'failed') return;
    console.info(`confab: connection lost (${reason})`);
    this.dropAttempt();
    if (this.reconnectAttempt >= MAX_RECONNECT_ATTEMPTS) {
      this.end('failed');
      return;
    }
    this.reconnectAttempt += 1;
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      if (this.state === 'reconnecting') this.connect();
    }, reconnectDelayMs(this.reconnectAttempt));
  }

  private end(state: 'failed' | 'left'): void {
    clearTimeout(this.retryTimer);
    this.dropAttempt();
    this.participants.clear();
    this.opts.media.stop();
    this.setState(state);
    this.events.emit('participants', undefined);
  }

  private dropAttempt(): void {
    this.attempt?.dispose();
    this.attempt = null;
    if (this.remoteMedia.size > 0) {
      this.remoteMedia = new Map();
      this.events.emit('media', undefined);
    }
  }

  /** Tell the others when our effective mute state changed (by choice, or a device went away). */
  private syncLocalMedia(): void {
    const attempt = this.attempt;
    if (!attempt?.welcomed) return;
    for (const kind of ['audio', 'video'] as const) {
      const muted = this.opts.media.isMuted(kind);
      if (muted === attempt.sentMuted[kind]) continue;
      attempt.sentMuted[kind] = muted;
      attempt.signaling.send({ type: 'track-state', kind, muted });
    }
    void attempt.peer.refreshLocalTracks().catch(() => undefined);
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.events.emit('state', state);
  }
}
