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

export type SessionMessage = Exclude<ClientMessage, { type: 'join' | 'leave' | 'answer' | 'ice' }>;

/** Personal invitations per meeting; a bound on what one (promoted) moderator can store. */
const MAX_INVITES = 200;

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
  /** Orders overlapping password changes: only the latest one is applied. */
  private passwordChanges = 0;

  constructor(
    readonly meeting: Meeting,
    private readonly media: MediaPlane,
    private readonly directory: MeetingDirectory,
    private readonly log: Logger,
    /** Called when nobody is left (neither in the meeting nor in the lobby). */
    private readonly onEmpty: () => void,
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
    member.send({
      type: 'welcome',
      participantId: participant.id,
      meetingId: this.meeting.id,
      title: this.meeting.title,
      role: participant.role,
      state: this.meeting.state(),
      participants: others,
    });
    this.toJoined({ type: 'participant-joined', participant: toInfo(participant) }, participant.id);
    this.log.info({ meeting: logTag(this.meeting.id), participant: logTag(participant.id), size: this.meeting.size }, 'joined');
    if (this.meeting.isModerator(participant.id)) this.sendModeratorView(participant.id);

    const router = this.media.routerFor(this.meeting.id);
    router.addPeer(participant.id, {
      offer: (offer) => member.send({ type: 'offer', ...offer }),
      candidate: (candidate) => member.send({ type: 'ice', candidate }),
      failed: (reason) => {
        this.log.warn({ participant: logTag(participant.id), reason }, 'media failed');
        member.send({ type: 'error', code: 'media-failed', message: `media connection failed (${reason})`, recoverable: false });
        this.leave(member);
        member.close(1011, 'media-failed');
      },
    });
    // Muted kinds are not forwarded, whatever the client sends.
    router.setPaused(participant.id, 'microphone', participant.audioMuted);
    router.setPaused(participant.id, 'camera', participant.videoMuted);
  }

  private admittedAll(admitted: Admission[]): void {
    for (const a of admitted) {
      this.toModerators({ type: 'knock-ended', knockerId: a.participant.id });
      this.admitted(a);
    }
  }

  /** A joined participant is gone from the meeting (left or kicked): tell the others, drop media. */
  private departed(participantId: string): void {
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
