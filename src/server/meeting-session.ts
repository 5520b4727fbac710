/**
 * One live meeting on the server: connects the meeting's rules (rooms/Meeting) with the people's
 * signaling connections and the meeting's media Router. Every outcome of the rules becomes messages
 * here, and every mute and stopped screen share becomes an SFU pause, so moderation is enforced in
 * the media plane and not only in the UI. Lobby guests get no participant list, no offer and so no
 * media until admitted. Relayed payloads are end-to-end encrypted by the clients: the session only
 * routes them, among admitted participants, and never logs them.
 */
import type {
  ClientMessage,
  ErrorCode,
  MediaKind,
  MessageOf,
  ParticipantInfo,
  ServerMessage,
} from '../protocol/messages.js';
import {
  toInfo,
  type Admission,
  type EntryRequest,
  type Meeting,
  type ModerationError,
  type Participant,
  type RefusalReason,
} from '../rooms/meeting.js';
import { hashPassword } from '../security/passwords.js';
import { hashSecret, newSecret, secretMatches } from '../security/secrets.js';
import type { MediaPlane } from '../sfu/media-plane.js';
import type { Logger } from './log.js';
import { logTag } from './log-tag.js';
import type { MeetingDirectory } from './meeting-directory.js';

/** A person's signaling connection, as the session sees it. */
export interface Member {
  readonly participantId: string;
  send(message: ServerMessage): void;
  /** Closes the connection; the session has already forgotten the member. */
  close(code: number, reason: string): void;
  /** Reported back by the session so the connection knows which messages it may send. */
  phase: 'new' | 'waiting' | 'joined' | 'closed';
}

export type SessionMessage = Exclude<ClientMessage, { type: 'join' | 'resume' | 'leave' | 'answer' | 'ice' }>;

/** Personal invitations per meeting; a bound on what one (promoted) moderator can store. */
const MAX_INVITES = 200;
/** Relayed payloads kept for an absent participant; more ends their grace period at once. */
const MAX_HELD_RELAY_BYTES = 1024 * 1024;
/** `restart-ice` replaces a transport (and renegotiates everyone's): at most once in this time. */
const MIN_MEDIA_RESTART_INTERVAL_MS = 2000;

/**
 * Stands in for a joined participant whose connection dropped, until they `resume` or the grace
 * period ends. They stay in the meeting and in the SFU meanwhile, so the others see no leave.
 * State messages are not kept (`resumed` carries the state in full), but relayed payloads are:
 * keys and chat can't be rebuilt, and are handed over on resume in their order.
 */
class AbsentMember implements Member {
  phase: Member['phase'] = 'joined';
  readonly relays: MessageOf<ServerMessage, 'relay'>[] = [];
  private relayBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly participantId: string,
    graceMs: number,
    private readonly expire: () => void,
  ) {
    this.timer = setTimeout(expire, graceMs);
  }

  send(message: ServerMessage): void {
    if (message.type !== 'relay') return;
    this.relayBytes += message.data.length;
    if (this.relayBytes > MAX_HELD_RELAY_BYTES) {
      this.close();
      this.expire();
      return;
    }
    this.relays.push(message);
  }

  /** The grace period is over: resumed, removed, or the meeting ended. */
  close(): void {
    clearTimeout(this.timer);
  }
}

const MODERATION_ERRORS: Record<ModerationError, { code: ErrorCode; message: string }> = {
  forbidden: { code: 'forbidden', message: 'not allowed' },
  'no-such-participant': { code: 'no-such-participant', message: 'no such participant' },
  'meeting-full': { code: 'meeting-full', message: 'the meeting is full' },
};

/** How each refused entry is answered: an error to show before joining, or a removal notice. */
const REFUSALS: Record<RefusalReason, { code: ErrorCode; message: string } | MessageOf<ServerMessage, 'removed'>['reason']> = {
  locked: { code: 'meeting-locked', message: 'this meeting is locked' },
  'meeting-full': { code: 'meeting-full', message: 'this meeting has reached its participant limit' },
  'e2ee-required': { code: 'e2ee-required', message: 'this meeting admits only browsers that encrypt end to end' },
  denied: 'denied',
  banned: 'banned',
  ended: 'meeting-ended',
};

export class MeetingSession {
  private readonly members = new Map<string, Member>();
  /** SHA-256 of each joined participant's current resume token; the token itself is never kept. */
  private readonly resumeTokens = new Map<string, Buffer>();
  /** When each participant last had their media restarted (`restart-ice`). */
  private readonly mediaRestartedAt = new Map<string, number>();
  /** Orders overlapping password changes: only the latest one is applied. */
  private passwordChanges = 0;

  constructor(
    readonly meeting: Meeting,
    private readonly media: MediaPlane,
    private readonly directory: MeetingDirectory,
    private readonly log: Logger,
    /** Called when nobody is left (neither in the meeting nor in the lobby). */
    private readonly onEmpty: () => void,
    /** How long a joined participant whose connection dropped keeps their place; 0: none. */
    private readonly resumeGraceMs: number,
  ) {}

  enter(member: Member, request: EntryRequest): void {
    const outcome = this.meeting.request(member.participantId, request);
    switch (outcome.kind) {
      case 'refused':
        this.turnAway(member, outcome.reason);
        if (this.meeting.isEmpty) this.onEmpty();
        return;
      case 'waiting':
        member.phase = 'waiting';
        this.members.set(member.participantId, member);
        member.send({ type: 'lobby-wait', title: this.meeting.title });
        this.toModerators({ type: 'knock', knocker: { id: outcome.knocker.id, name: outcome.knocker.name } });
        this.log.info({ meeting: logTag(this.meeting.id), participant: logTag(member.participantId) }, 'knocked');
        return;
      case 'admitted':
        this.members.set(member.participantId, member);
        this.admitted(outcome);
        return;
    }
  }

  /**
   * The member's connection dropped without `leave`. A joined participant becomes absent for the
   * grace period: still in the meeting and in the SFU, with nothing said to the others.
   */
  disconnected(member: Member): void {
    const id = member.participantId;
    if (member.phase !== 'joined' || this.resumeGraceMs === 0 || this.members.get(id) !== member) return this.leave(member);
    member.phase = 'closed';
    const absent: AbsentMember = new AbsentMember(id, this.resumeGraceMs, () => this.leave(absent));
    this.members.set(id, absent);
    this.log.info({ meeting: logTag(this.meeting.id), participant: logTag(id) }, 'connection lost; waiting for a resume');
  }

  /**
   * The joined participant a resume token belongs to, if it matches (compared in constant time,
   * as a hash). Without `participantId`, every joined participant's token is tried.
   */
  resumableId(token: string, participantId?: string): string | undefined {
    const candidates = participantId === undefined ? [...this.resumeTokens] : [[participantId, this.resumeTokens.get(participantId)] as const];
    for (const [id, hash] of candidates) {
      if (hash && secretMatches(token, hash) && this.members.get(id)?.phase === 'joined') return id;
    }
    return undefined;
  }

  /**
   * `member`, a new connection that gave the participant's resume token (see `resumableId`), takes
   * their place: same id, role, hand, mutes and screen share, no lobby. An old connection still
   * open is closed; the SFU transport is replaced, and the client answers on a new PeerConnection.
   */
  resume(member: Member): void {
    const id = member.participantId;
    const previous = this.members.get(id)!;
    const participant = this.meeting.participant(id)!;
    this.members.set(id, member);
    previous.phase = 'closed';
    previous.close(1000, 'resumed');
    member.phase = 'joined';
    member.send({ type: 'resumed', ...this.entry(participant, this.meeting.list(id)), self: toInfo(participant) });
    if (previous instanceof AbsentMember) for (const relay of previous.relays) member.send(relay);
    if (this.meeting.isModerator(id)) this.sendModeratorView(id);
    this.connectMedia(participant);
    this.log.info({ meeting: logTag(this.meeting.id), participant: logTag(id) }, 'resumed');
  }

  /** The member's connection ended or they chose to leave. */
  leave(member: Member): void {
    if (this.members.get(member.participantId) !== member) return;
    this.members.delete(member.participantId);
    const wasJoined = member.phase === 'joined';
    member.phase = 'closed';
    this.meeting.leave(member.participantId);
    if (wasJoined) this.departed(member.participantId);
    else this.toModerators({ type: 'knock-ended', knockerId: member.participantId });
    this.log.info({ meeting: logTag(this.meeting.id), participant: logTag(member.participantId), size: this.meeting.size }, 'left');
    if (this.meeting.isEmpty) this.onEmpty();
  }

  async handleAnswer(member: Member, sdp: string): Promise<boolean> {
    return (await this.media.existingRouter(this.meeting.id)?.handleAnswer(member.participantId, sdp)) ?? false;
  }

  async addCandidate(member: Member, candidate: MessageOf<ClientMessage, 'ice'>['candidate']): Promise<void> {
    await this.media.existingRouter(this.meeting.id)?.addRemoteCandidate(member.participantId, candidate);
  }

  async handle(member: Member, msg: SessionMessage): Promise<void> {
    const by = member.participantId;
    const m = this.meeting;
    switch (msg.type) {
      case 'track-state': {
        const r = m.setMuted(by, msg.kind, msg.muted);
        if (!r.ok) {
          return member.send({ type: 'error', code: 'forbidden', message: 'a moderator has muted you; ask to unmute', inReplyTo: msg.type, recoverable: true });
        }
        if (r.changed) this.mutedChanged(by, msg.kind, msg.muted);
        return;
      }
      case 'request-unmute':
        return this.toModerators({ type: 'unmute-request', participantId: by, kind: msg.kind });
      case 'admit': {
        const r = m.admit(by, msg.participantId);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.toModerators({ type: 'knock-ended', knockerId: msg.participantId });
        return this.admitted(r);
      }
      case 'admit-all': {
        const r = m.admitAll(by);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        return this.admittedAll(r.admitted);
      }
      case 'deny': {
        const r = m.deny(by, msg.participantId);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.toModerators({ type: 'knock-ended', knockerId: msg.participantId });
        return this.remove(msg.participantId, 'denied');
      }
      case 'kick': {
        const r = m.kick(by, msg.participantId, msg.ban);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        const reason = msg.ban ? 'banned' : 'kicked';
        for (const id of r.sameBrowser.participants) {
          this.departed(id);
          this.remove(id, reason);
        }
        for (const id of r.sameBrowser.knockers) {
          this.toModerators({ type: 'knock-ended', knockerId: id });
          this.remove(id, reason);
        }
        this.departed(msg.participantId);
        // A kicked invitee's personal link stops working too.
        if (r.target.inviteId && this.directory.revokeInvite(m.id, r.target.inviteId)) this.invitesChanged();
        this.log.info({ meeting: logTag(m.id), participant: logTag(msg.participantId), ban: msg.ban }, 'kicked');
        return this.remove(msg.participantId, reason);
      }
      case 'mute': {
        const r = m.mute(by, msg.participantId, msg.kind);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.members.get(msg.participantId)?.send({ type: 'muted-by-moderator', kind: msg.kind });
        if (r.changed) this.mutedChanged(msg.participantId, msg.kind, true);
        return;
      }
      case 'mute-all': {
        const r = m.muteAll(by, msg.kind, msg.lockUnmute);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        for (const p of r.changed) {
          this.members.get(p.id)?.send({ type: 'muted-by-moderator', kind: msg.kind });
          this.mutedChanged(p.id, msg.kind, true);
        }
        return this.stateChanged();
      }
      case 'allow-unmute': {
        const r = m.allowUnmute(by, msg.participantId, msg.kind);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.members.get(msg.participantId)?.send({ type: 'unmute-allowed', kind: msg.kind });
        return;
      }
      case 'set-lock': {
        const r = m.setLocked(by, msg.locked);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        return this.stateChanged();
      }
      case 'set-lobby': {
        const r = m.setLobby(by, msg.enabled);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.directory.saveLobby(m.id, msg.enabled);
        this.stateChanged();
        return this.admittedAll(r.admitted);
      }
      case 'set-allow-unencrypted': {
        const r = m.setAllowUnencrypted(by, msg.allowed);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.directory.saveAllowUnencrypted(m.id, msg.allowed);
        for (const k of r.refused) {
          this.toModerators({ type: 'knock-ended', knockerId: k.id });
          const knocker = this.members.get(k.id);
          this.members.delete(k.id);
          if (knocker) this.turnAway(knocker, 'e2ee-required');
        }
        return this.stateChanged();
      }
      case 'raise-hand': {
        const r = m.raiseHand(by, msg.raised);
        if (r.ok && r.changed) this.handChanged(r.target);
        return;
      }
      case 'lower-hand': {
        const r = m.lowerHand(by, msg.participantId);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        if (r.changed) this.handChanged(r.target);
        return;
      }
      case 'screen-share': {
        const r = m.setScreenSharing(by, msg.active);
        if (r.ok && r.changed) this.screenChanged(by, msg.active);
        return;
      }
      case 'stop-screen-share': {
        const r = m.stopScreenShare(by, msg.participantId);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        if (!r.changed) return;
        this.screenChanged(msg.participantId, false);
        this.members.get(msg.participantId)?.send({ type: 'screen-stopped-by-moderator' });
        this.log.info({ meeting: logTag(m.id), participant: logTag(msg.participantId) }, 'screen share stopped by a moderator');
        return;
      }
      case 'relay':
        return this.relay(member, msg);
      case 'restart-ice': {
        const p = m.participant(by);
        if (!p) return;
        const now = performance.now();
        if (now - (this.mediaRestartedAt.get(by) ?? -Infinity) < MIN_MEDIA_RESTART_INTERVAL_MS) {
          return member.send({ type: 'error', code: 'rate-limited', message: 'media was restarted just now', inReplyTo: msg.type, recoverable: true });
        }
        this.mediaRestartedAt.set(by, now);
        return this.restartMedia(member, p);
      }
      case 'view':
        // What this person's browser shows decides what the SFU sends it (and at which layer).
        return this.media.existingRouter(m.id)?.setView(by, msg.tiles, msg.pinned);
      case 'request-keyframe':
        // The publisher's side throttles keyframe requests per layer, however many arrive.
        return this.media.existingRouter(m.id)?.requestKeyframe(by, msg.participantId, msg.source);
      case 'set-last-n': {
        const r = m.setLastN(by, msg.lastN);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.media.existingRouter(m.id)?.setLastN(msg.lastN);
        return this.stateChanged();
      }
      case 'set-password': {
        if (!m.isModerator(by)) return this.refuse(member, msg.type, 'forbidden');
        const change = ++this.passwordChanges;
        const hash = msg.password === null ? null : await hashPassword(msg.password);
        // Hashing takes a while: apply only if this is still the latest change by a moderator.
        if (change !== this.passwordChanges || !m.isModerator(by) || m.isEnded) return;
        this.directory.storePasswordHash(m.id, hash);
        m.setPasswordProtected(by, hash !== null);
        return this.stateChanged();
      }
      case 'create-invite': {
        if (!m.isModerator(by) || this.directory.listInvites(m.id).length >= MAX_INVITES) return this.refuse(member, msg.type, 'forbidden');
        const { invite, token } = this.directory.createInvite(m.id, msg);
        member.send({ type: 'invite-created', invite, token });
        return this.invitesChanged();
      }
      case 'revoke-invite': {
        if (!m.isModerator(by)) return this.refuse(member, msg.type, 'forbidden');
        if (!this.directory.revokeInvite(m.id, msg.inviteId)) return this.refuse(member, msg.type, 'no-such-participant');
        return this.invitesChanged();
      }
      case 'set-role': {
        const r = m.setRole(by, msg.participantId, msg.role);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        if (!r.changed) return;
        this.toJoined({ type: 'role-changed', participantId: msg.participantId, role: msg.role });
        if (msg.role === 'moderator') this.sendModeratorView(msg.participantId);
        return;
      }
      case 'end-meeting': {
        const r = m.end(by);
        if (!r.ok) return this.refuse(member, msg.type, r.error);
        this.log.info({ meeting: logTag(m.id) }, 'meeting ended');
        for (const id of r.ids) this.remove(id, 'meeting-ended');
        void this.media.closeRouter(m.id);
        return this.onEmpty();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Passes an end-to-end-encrypted payload on, to one admitted participant or to all the others.
   * The server sets `from`, so nobody can pose as someone else; `data` is never looked at or logged.
   */
  private relay(member: Member, msg: MessageOf<ClientMessage, 'relay'>): void {
    const from = member.participantId;
    const out: ServerMessage = { type: 'relay', from, data: msg.data };
    if (msg.to === undefined) return this.toJoined(out, from);
    const target = msg.to === from || !this.meeting.has(msg.to) ? undefined : this.members.get(msg.to);
    if (target?.phase !== 'joined') return this.refuse(member, msg.type, 'no-such-participant');
    target.send(out);
  }

  /** Answers a refused entry and closes the connection; the member is not (or no longer) listed. */
  private turnAway(member: Member, reason: RefusalReason): void {
    const refusal = REFUSALS[reason];
    if (typeof refusal === 'string') member.send({ type: 'removed', reason: refusal });
    else member.send({ type: 'error', ...refusal, inReplyTo: 'join', recoverable: false });
    member.phase = 'closed';
    member.close(1008, reason);
  }

  private admitted({ participant, others }: Admission): void {
    const member = this.members.get(participant.id);
    if (!member) return;
    member.phase = 'joined';
    member.send({ type: 'welcome', ...this.entry(participant, others) });
    this.toJoined({ type: 'participant-joined', participant: toInfo(participant) }, participant.id);
    this.log.info({ meeting: logTag(this.meeting.id), participant: logTag(participant.id), size: this.meeting.size }, 'joined');
    if (this.meeting.isModerator(participant.id)) this.sendModeratorView(participant.id);
    this.connectMedia(participant);
  }

  /** What `welcome` and `resumed` carry, with a new resume token (the previous one stops working). */
  private entry(participant: Participant, others: ParticipantInfo[]): Omit<MessageOf<ServerMessage, 'welcome'>, 'type'> {
    const resumeToken = newSecret();
    this.resumeTokens.set(participant.id, hashSecret(resumeToken));
    return {
      participantId: participant.id,
      meetingId: this.meeting.id,
      title: this.meeting.title,
      role: participant.role,
      state: this.meeting.state(),
      participants: others,
      resumeToken,
    };
  }

  /**
   * Gives the participant a new SFU transport: on entering, and on `resume`, `restart-ice` and a media
   * worker's crash, which replace the old one rather than restart its ICE (docs/sfu.md says why). What the transport sends
   * goes to whichever connection holds the participant by then.
   */
  private connectMedia(participant: Participant): void {
    const id = participant.id;
    const send = (message: ServerMessage) => this.members.get(id)?.send(message);
    const router = this.media.routerFor(this.meeting.id);
    void router.removePeer(id); // the old transport, if any: forgotten at once, closed in the background
    router.addPeer(id, {
      offer: (offer) => send({ type: 'offer', ...offer }),
      candidate: (candidate) => send({ type: 'ice', candidate }),
      failed: (reason) => {
        const member = this.members.get(id);
        // An absent participant's transport can't be answered or reached; their resume replaces it.
        if (!member || member instanceof AbsentMember) return;
        this.log.warn({ participant: logTag(id), reason }, 'media failed');
        member.send({ type: 'error', code: 'media-failed', message: `media connection failed (${reason})`, recoverable: false });
        this.leave(member);
        member.close(1011, 'media-failed');
      },
      publishLayers: (active) => send({ type: 'publish-layers', active }),
      forwarding: (state) => send({ type: 'forwarding', ...state }),
      // The media worker carrying the meeting died; its media goes on in another. An absent
      // participant gets new media when they resume.
      lost: () => {
        const member = this.members.get(id);
        const p = this.meeting.participant(id);
        if (member && !(member instanceof AbsentMember) && p) this.restartMedia(member, p);
      },
    });
    router.setLastN(this.meeting.state().lastN);
    // Muted kinds are not forwarded, whatever the client sends; a share goes on after a resume.
    router.setPaused(id, 'microphone', participant.audioMuted);
    router.setPaused(id, 'camera', participant.videoMuted);
    if (participant.screenSharing) router.setScreenSharing(id, true);
  }

  /** A new transport, announced first: offers and candidates of the old one may still be on their way. */
  private restartMedia(member: Member, participant: Participant): void {
    member.send({ type: 'restart-ice' });
    this.connectMedia(participant);
  }

  private admittedAll(admitted: Admission[]): void {
    for (const a of admitted) {
      this.toModerators({ type: 'knock-ended', knockerId: a.participant.id });
      this.admitted(a);
    }
  }

  /** A joined participant is gone from the meeting (left or kicked): tell the others, drop media. */
  private departed(participantId: string): void {
    this.resumeTokens.delete(participantId);
    this.mediaRestartedAt.delete(participantId);
    this.toJoined({ type: 'participant-left', participantId }, participantId);
    void this.media.existingRouter(this.meeting.id)?.removePeer(participantId);
  }

  /** Sends the removal notice and closes that connection. */
  private remove(participantId: string, reason: MessageOf<ServerMessage, 'removed'>['reason']): void {
    const member = this.members.get(participantId);
    if (!member) return;
    this.members.delete(participantId);
    member.phase = 'closed';
    member.send({ type: 'removed', reason });
    member.close(1000, reason);
  }

  private mutedChanged(participantId: string, kind: MediaKind, muted: boolean): void {
    this.media.existingRouter(this.meeting.id)?.setPaused(participantId, kind === 'audio' ? 'microphone' : 'camera', muted);
    this.toJoined({ type: 'track-state', participantId, kind, muted }, participantId);
  }

  /** The SFU forwards a screen only while shared; everyone, the sharer included, learns the change. */
  private screenChanged(participantId: string, active: boolean): void {
    this.media.existingRouter(this.meeting.id)?.setScreenSharing(participantId, active);
    this.toJoined({ type: 'screen-share', participantId, active });
  }

  /** Everyone, the participant included, learns the server's stamp: it orders the queue. */
  private handChanged(p: Participant): void {
    this.toJoined({ type: 'hand', participantId: p.id, raisedAt: p.handRaisedAt ?? null });
  }

  private stateChanged(): void {
    this.toJoined({ type: 'meeting-state', state: this.meeting.state() });
  }

  /** What a (new) moderator needs to see: who is waiting, and the personal invitations. */
  private sendModeratorView(moderatorId: string): void {
    const member = this.members.get(moderatorId);
    if (!member) return;
    for (const k of this.meeting.knockers()) member.send({ type: 'knock', knocker: { id: k.id, name: k.name } });
    member.send({ type: 'invites', invites: this.directory.listInvites(this.meeting.id) });
  }

  private invitesChanged(): void {
    this.toModerators({ type: 'invites', invites: this.directory.listInvites(this.meeting.id) });
  }

  private refuse(member: Member, inReplyTo: string, error: ModerationError): void {
    const { code, message } = MODERATION_ERRORS[error];
    member.send({ type: 'error', code, message, inReplyTo, recoverable: true });
  }

  private toModerators(message: ServerMessage): void {
    for (const id of this.meeting.moderatorIds()) this.members.get(id)?.send(message);
  }

  /** To every admitted participant except `exceptId`; never to lobby guests. */
  private toJoined(message: ServerMessage, exceptId?: string): void {
    for (const [id, member] of this.members) if (id !== exceptId && member.phase === 'joined') member.send(message);
  }
}
