/**
 * The signaling WebSocket: validates every inbound message, runs each connection's small state
 * machine (new -> joined -> closed), and connects the meeting logic (rooms/) with the media plane
 * (sfu/). Nothing here logs names, addresses or message contents.
 */
import type { WebSocket } from 'ws';
import { decodeMessage } from '../protocol/decode.js';
import {
  ClientMessage,
  type ErrorCode,
  type MessageOf,
  type ServerMessage,
} from '../protocol/messages.js';
import { toInfo, type Meeting } from '../rooms/meeting.js';
import type { Throttle } from '../security/throttle.js';
import type { MediaPlane } from '../sfu/media-plane.js';
import { createHash } from 'node:crypto';
import { randomId } from './ids.js';
import type { Logger } from './log.js';
import type { MeetingDirectory } from './meeting-directory.js';

/** Per-connection budget: sustained messages per second, and the burst allowed above it. */
const RATE_PER_SECOND = 50;
const RATE_BURST = 200;

export interface SignalingDeps {
  directory: MeetingDirectory;
  media: MediaPlane;
  log: Logger;
  /** Failed joins (unknown meeting, wrong or expired link) per client. */
  joinThrottle: Throttle;
}

type Phase = 'new' | 'joined' | 'closed';

class Connection {
  phase: Phase = 'new';
  participantId = '';
  meeting: Meeting | undefined;
  private tokens = RATE_BURST;
  private lastRefill = performance.now();

  constructor(
    readonly ws: WebSocket,
    /** Salted hash of the client address, for throttling only. */
    readonly clientKey: string,
  ) {}

  send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  error(code: ErrorCode, message: string, inReplyTo?: string, recoverable = true): void {
    this.send({ type: 'error', code, message, recoverable, ...(inReplyTo ? { inReplyTo } : {}) });
  }

  /** Token bucket; false when this message is over the budget. */
  allow(): boolean {
    const now = performance.now();
    this.tokens = Math.min(RATE_BURST, this.tokens + ((now - this.lastRefill) / 1000) * RATE_PER_SECOND);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class SignalingServer {
  /** meetingId -> participantId -> connection, for broadcasts. */
  private readonly members = new Map<string, Map<string, Connection>>();

  constructor(private readonly deps: SignalingDeps) {}

  get connectionCount(): number {
    let n = 0;
    for (const m of this.members.values()) n += m.size;
    return n;
  }

  handle(ws: WebSocket, clientKey: string): void {
    const conn = new Connection(ws, clientKey);
    ws.on('message', (data, isBinary) => {
      if (!conn.allow()) {
        conn.error('rate-limited', `more than ${RATE_PER_SECOND} messages per second`);
        return;
      }
      if (isBinary) {
        conn.error('invalid-message', 'binary frames are not accepted; send JSON text');
        return;
      }
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const decoded = decodeMessage(ClientMessage, buf.toString('utf8'), buf.byteLength);
      if (!decoded.ok) {
        conn.send(decoded.error);
        return;
      }
      this.dispatch(conn, decoded.message).catch((err: unknown) => {
        this.deps.log.error({ err, messageType: decoded.message.type }, 'signaling handler failed');
        conn.error('internal', 'internal error', decoded.message.type);
      });
    });
    ws.on('close', () => this.leave(conn));
    ws.on('error', () => this.leave(conn));
  }

  private async dispatch(conn: Connection, msg: ClientMessage): Promise<void> {
    if (conn.phase === 'closed') return;
    if (msg.type === 'join') {
      if (conn.phase !== 'new') return conn.error('wrong-state', 'already joined', msg.type);
      return this.join(conn, msg);
    }
    if (conn.phase !== 'joined' || !conn.meeting) {
      return conn.error('wrong-state', `"${msg.type}" is only allowed after "join"`, msg.type);
    }
    const meeting = conn.meeting;
    switch (msg.type) {
      case 'leave':
        this.leave(conn);
        conn.ws.close(1000, 'left');
        return;
      case 'answer': {
        const accepted = await this.deps.media.routerFor(meeting.id).handleAnswer(conn.participantId, msg.sdp);
        if (!accepted) conn.error('wrong-state', 'no offer is waiting for an answer', msg.type);
        return;
      }
      case 'ice':
        return this.deps.media.routerFor(meeting.id).addRemoteCandidate(conn.participantId, msg.candidate);
      case 'track-state':
        if (meeting.setMuted(conn.participantId, msg.kind, msg.muted)) {
          this.broadcast(meeting.id, conn.participantId, {
            type: 'track-state',
            participantId: conn.participantId,
            kind: msg.kind,
            muted: msg.muted,
          });
        }
        return;
    }
  }

  private join(conn: Connection, msg: MessageOf<ClientMessage, 'join'>): void {
    const throttled = this.deps.joinThrottle.check(conn.clientKey);
    if (!throttled.allowed) {
      conn.error('rate-limited', `too many failed attempts; try again in ${throttled.retryAfterSeconds} s`, msg.type, false);
      conn.ws.close(1008, 'rate-limited');
      return;
    }
    // One answer for an unknown meeting, an expired one, and a wrong host link: nothing to enumerate.
    const entry = this.deps.directory.enter(msg.meetingId, msg.hostSecret);
    if (!entry) {
      this.deps.joinThrottle.fail(conn.clientKey);
      conn.error('meeting-not-found', 'this meeting does not exist, or the link is not valid', msg.type, false);
      conn.ws.close(1008, 'meeting-not-found');
      return;
    }
    const { meeting, role } = entry;
    const participantId = randomId();
    const result = meeting.join(participantId, msg.name, role, msg.audioMuted, msg.videoMuted);
    if (!result.ok) {
      this.deps.directory.release(meeting);
      conn.error('meeting-full', 'this meeting has reached its participant limit', msg.type, false);
      conn.ws.close(1008, 'meeting-full');
      return;
    }
    conn.phase = 'joined';
    conn.participantId = participantId;
    conn.meeting = meeting;
    let members = this.members.get(meeting.id);
    if (!members) this.members.set(meeting.id, (members = new Map()));
    members.set(participantId, conn);
    this.deps.log.info({ meeting: shortId(meeting.id), participant: shortId(participantId), size: meeting.size }, 'joined');

    conn.send({ type: 'welcome', participantId, meetingId: meeting.id, title: meeting.title, role, participants: result.others });
    this.broadcast(meeting.id, participantId, { type: 'participant-joined', participant: toInfo(result.participant) });

    this.deps.media.routerFor(meeting.id).addPeer(participantId, {
      offer: (offer) => conn.send({ type: 'offer', ...offer }),
      candidate: (candidate) => conn.send({ type: 'ice', candidate }),
      failed: (reason) => {
        this.deps.log.warn({ participant: shortId(participantId), reason }, 'media failed');
        conn.error('media-failed', `media connection failed (${reason})`, undefined, false);
        this.leave(conn);
        conn.ws.close(1011, 'media-failed');
      },
    });
  }

  private leave(conn: Connection): void {
    const meeting = conn.meeting;
    const wasJoined = conn.phase === 'joined';
    conn.phase = 'closed';
    if (!wasJoined || !meeting) return;
    meeting.leave(conn.participantId);
    this.members.get(meeting.id)?.delete(conn.participantId);
    this.broadcast(meeting.id, conn.participantId, { type: 'participant-left', participantId: conn.participantId });
    this.deps.log.info({ meeting: shortId(meeting.id), participant: shortId(conn.participantId), size: meeting.size }, 'left');
    if (meeting.isEmpty) {
      this.members.delete(meeting.id);
      this.deps.directory.release(meeting);
    }
    const router = this.deps.media.existingRouter(meeting.id);
    if (!router) return;
    void router.removePeer(conn.participantId).then(() => {
      // Someone may have joined while the peer was closing.
      if (meeting.isEmpty && router.peerCount === 0) return this.deps.media.closeRouter(meeting.id);
    });
  }

  private broadcast(meetingId: string, exceptId: string, message: ServerMessage): void {
    const members = this.members.get(meetingId);
    if (!members) return;
    for (const [id, conn] of members) if (id !== exceptId) conn.send(message);
  }
}

/**
 * Logs carry only a short, one-way tag of an id: enough to follow one participant through the log,
 * useless for joining a meeting (ids are 128-bit; the tag is 24 bits of a salted hash).
 */
const tagSalt = randomId();
function shortId(id: string): string {
  return createHash('sha256').update(tagSalt).update(id).digest('base64url').slice(0, 4);
}
