/**
 * The signaling WebSocket: validates every inbound message, rate-limits each connection, runs its
 * small state machine (new -> waiting (lobby) -> joined -> closed) and hands each message to the
 * meeting's session. Failed joins are throttled per client. Nothing here logs names, addresses or
 * message contents (relayed payloads least of all: only the message type, on a handler failure).
 */
import type { WebSocket } from 'ws';
import { decodeMessage } from '../protocol/decode.js';
import { ClientMessage, type ErrorCode, type MessageOf, type ServerMessage } from '../protocol/messages.js';
import type { Throttle } from '../security/throttle.js';
import type { MediaPlane } from '../sfu/media-plane.js';
import { randomId } from './ids.js';
import type { Logger } from './log.js';
import type { MeetingDirectory } from './meeting-directory.js';
import { MeetingSession, type Member } from './meeting-session.js';

/**
 * Joins being checked at once (a password check takes tens of milliseconds): per client and per
 * meeting. Without a cap, many parallel attempts would all pass the throttle before any failure counts.
 */
const MAX_PENDING_JOINS_PER_CLIENT = 2;
const MAX_PENDING_JOINS_PER_MEETING = 8;

/** Per-connection budget: sustained messages per second, and the burst allowed above it. */
const RATE_PER_SECOND = 50;
const RATE_BURST = 200;

export interface SignalingDeps {
  directory: MeetingDirectory;
  media: MediaPlane;
  log: Logger;
  /** Failed joins (unknown meeting, wrong or expired link, wrong password) per client. */
  joinThrottle: Throttle;
  /** Wrong passwords per meeting, from all clients together (against distributed guessing). */
  passwordThrottle: Throttle;
  /** How long a joined participant whose connection dropped may `resume`; 0: they leave at once. */
  resumeGraceMs: number;
}

class Connection implements Member {
  phase: Member['phase'] = 'new';
  /** A new participant's id, or on `resume` the id of the participant this connection takes over. */
  participantId = randomId();
  session: MeetingSession | undefined;
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

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  error(code: ErrorCode, message: string, inReplyTo?: string, recoverable = true): void {
    this.send({ type: 'error', code, message, recoverable, ...(inReplyTo ? { inReplyTo } : {}) });
  }

  /** A final error: sent, then the connection is closed. */
  refuse(code: ErrorCode, message: string, inReplyTo: string): void {
    this.error(code, message, inReplyTo, false);
    this.close(1008, code);
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
  private readonly sessions = new Map<string, MeetingSession>();
  private connections = 0;
  private readonly pending = new Map<string, number>();

  constructor(private readonly deps: SignalingDeps) {}

  get connectionCount(): number {
    return this.connections;
  }

  handle(ws: WebSocket, clientKey: string): void {
    const conn = new Connection(ws, clientKey);
    this.connections++;
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
    let counted = true;
    const gone = () => {
      if (counted) this.connections--;
      counted = false;
      conn.session?.disconnected(conn);
    };
    ws.on('close', gone);
    ws.on('error', gone);
  }

  private async dispatch(conn: Connection, msg: ClientMessage): Promise<void> {
    if (conn.phase === 'closed') return;
    if (msg.type === 'join' || msg.type === 'resume') {
      if (conn.phase !== 'new') return conn.error('wrong-state', 'already joined', msg.type);
      return msg.type === 'join' ? this.join(conn, msg) : this.resume(conn, msg);
    }
    const session = conn.session;
    if (msg.type === 'leave' && session) {
      session.leave(conn);
      return conn.close(1000, 'left');
    }
    if (conn.phase !== 'joined' || !session) {
      const when = conn.phase === 'waiting' ? 'while waiting in the lobby' : 'before "join"';
      return conn.error('wrong-state', `"${msg.type}" is not allowed ${when}`, msg.type);
    }
    switch (msg.type) {
      case 'leave':
        return; // handled above
      case 'answer': {
        const accepted = await session.handleAnswer(conn, msg.sdp);
        if (!accepted) conn.error('wrong-state', 'no offer is waiting for an answer', msg.type);
        return;
      }
      case 'ice':
        return session.addCandidate(conn, msg.candidate);
      default:
        return session.handle(conn, msg);
    }
  }

  private async join(conn: Connection, msg: MessageOf<ClientMessage, 'join'>): Promise<void> {
    conn.phase = 'closed'; // until decided: no second join while a password is being checked
    const keys = [`c:${conn.clientKey}`, `m:${msg.meetingId}`];
    if ((this.pending.get(keys[0]!) ?? 0) >= MAX_PENDING_JOINS_PER_CLIENT || (this.pending.get(keys[1]!) ?? 0) >= MAX_PENDING_JOINS_PER_MEETING) {
      conn.error('rate-limited', 'too many attempts at once; try again in 1 s', msg.type, false);
      conn.close(1008, 'rate-limited');
      return;
    }
    for (const k of keys) this.pending.set(k, (this.pending.get(k) ?? 0) + 1);
    try {
      await this.checkedJoin(conn, msg);
    } finally {
      for (const k of keys) {
        const n = (this.pending.get(k) ?? 1) - 1;
        if (n > 0) this.pending.set(k, n);
        else this.pending.delete(k);
      }
    }
  }

  private async checkedJoin(conn: Connection, msg: MessageOf<ClientMessage, 'join'>): Promise<void> {
    const throttled = this.deps.joinThrottle.check(conn.clientKey);
    // The meeting-wide password throttle never locks out hosts or invitees, who need no password.
    const exempt = msg.hostSecret !== undefined || msg.inviteToken !== undefined;
    const meetingThrottled = exempt ? { allowed: true as const } : this.deps.passwordThrottle.check(msg.meetingId);
    const blocked = !throttled.allowed ? throttled : !meetingThrottled.allowed ? meetingThrottled : undefined;
    if (blocked && !blocked.allowed) {
      conn.error('rate-limited', `too many failed attempts; try again in ${blocked.retryAfterSeconds} s`, msg.type, false);
      conn.close(1008, 'rate-limited');
      return;
    }
    // One answer for an unknown meeting, an expired one, and a wrong host link: nothing to enumerate.
    const entry = await this.deps.directory.enter(msg.meetingId, { hostSecret: msg.hostSecret, password: msg.password, inviteToken: msg.inviteToken });
    if (entry === 'not-found') {
      this.deps.joinThrottle.fail(conn.clientKey);
      conn.error('meeting-not-found', 'this meeting does not exist, or the link is not valid', msg.type, false);
      conn.close(1008, 'meeting-not-found');
      return;
    }
    if (entry === 'password') {
      // A missing password is a normal first step (the client then asks for it); only wrong ones count.
      if (msg.password !== undefined) {
        const mine = this.deps.joinThrottle.fail(conn.clientKey);
        const theirs = this.deps.passwordThrottle.fail(msg.meetingId);
        const wait = Math.max(mine.allowed ? 0 : mine.retryAfterSeconds, theirs.allowed ? 0 : theirs.retryAfterSeconds);
        const text = wait > 0 ? `wrong password; try again in ${wait} s` : 'wrong password';
        conn.error('password-required', text, msg.type, false);
      } else {
        conn.error('password-required', 'this meeting needs a password', msg.type, false);
      }
      conn.close(1008, 'password-required');
      return;
    }
    if (conn.ws.readyState !== conn.ws.OPEN) {
      this.deps.directory.release(entry.meeting); // gone while the password was checked
      return;
    }
    conn.phase = 'new';
    const session = this.sessionFor(entry.meeting);
    conn.session = session;
    session.enter(conn, {
      // An invitee's name is the one the host gave, whatever was typed.
      name: entry.invite?.name ?? msg.name,
      inviteId: entry.invite?.id,
      role: entry.role,
      audioMuted: msg.audioMuted,
      videoMuted: msg.videoMuted,
      deviceToken: msg.deviceToken,
      e2ee: msg.e2ee,
    });
  }

  /** Throttled like joins: a wrong token counts as a failed attempt. */
  private resume(conn: Connection, msg: MessageOf<ClientMessage, 'resume'>): void {
    const throttled = this.deps.joinThrottle.check(conn.clientKey);
    if (!throttled.allowed) return conn.refuse('rate-limited', `too many failed attempts; try again in ${throttled.retryAfterSeconds} s`, msg.type);
    const session = this.sessions.get(msg.meetingId);
    const participantId = session?.resumableId(msg.token, msg.participantId);
    if (!session || participantId === undefined) {
      this.deps.joinThrottle.fail(conn.clientKey);
      return conn.refuse('resume-failed', 'this session can no longer be resumed; join again', msg.type);
    }
    conn.participantId = participantId;
    conn.session = session;
    session.resume(conn);
  }

  private sessionFor(meeting: MeetingSession['meeting']): MeetingSession {
    let session = this.sessions.get(meeting.id);
    if (session?.meeting !== meeting) {
      session = new MeetingSession(meeting, this.deps.media, this.deps.directory, this.deps.log, () => this.emptied(meeting), this.deps.resumeGraceMs);
      this.sessions.set(meeting.id, session);
    }
    return session;
  }

  private emptied(meeting: MeetingSession['meeting']): void {
    if (!meeting.isEmpty) return;
    if (this.sessions.get(meeting.id)?.meeting === meeting) this.sessions.delete(meeting.id);
    this.deps.directory.release(meeting);
    const router = this.deps.media.existingRouter(meeting.id);
    // Close the media once the last peer is gone (someone may have joined meanwhile).
    if (router && router.peerCount === 0) void this.deps.media.closeRouter(meeting.id);
  }
}
