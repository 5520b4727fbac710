/**
 * A meeting's live state as plain logic with no I/O: who is in it and in what role, who waits in the
 * lobby, who is banned, and the moderation rules. The signaling layer calls these methods and turns
 * the returned outcomes into messages and media-plane actions; every permission check lives here.
 *
 * Rules:
 * - Hosts (host link) enter directly, even when the meeting is locked. Guests knock and wait in the
 *   lobby while it is on (the default), and are refused while the meeting is locked.
 * - Only hosts and moderators admit, deny, kick, mute, lock, end and change roles. Nobody can act on a
 *   host except to mute them, and moderators can't demote each other's host.
 * - A denied or kicked guest can't knock again from the same browser for a while; a banned one not
 *   for the meeting's lifetime. Nobody is ever admitted automatically, also when no moderator is present.
 * - Muted kinds are not forwarded by the SFU. A participant muted by a moderator, or a guest after
 *   "mute all" with unmute locked, may only unmute once a moderator allows it.
 * - Only browsers that end-to-end encrypt get in (hosts included), unless a moderator allows
 *   unencrypted ones. Revoking that keeps those inside but sends the unencrypted knockers away.
 * - Everyone raises and lowers their own hand; moderators can lower anyone's. The queue is ordered
 *   by when each hand went up, by this meeting's clock.
 * - Anyone may share their screen, several people at once; moderators can stop anyone's share (a
 *   host's too, as with muting). The SFU forwards a screen only while it is shared.
 */
import {
  MODERATOR_ROLES,
  type MediaKind,
  type MeetingState,
  type ParticipantInfo,
  type Role,
} from '../protocol/messages.js';

export interface Participant {
  readonly id: string;
  readonly name: string;
  role: Role;
  /** Set when they came with a personal invitation (their name is the one the host gave). */
  readonly inviteId: string | undefined;
  audioMuted: boolean;
  videoMuted: boolean;
  readonly deviceToken: string | undefined;
  /** Their browser end-to-end encrypts its media. */
  readonly e2ee: boolean;
  /** Kinds a moderator muted, which this participant may not unmute on their own. */
  readonly heldMuted: Set<MediaKind>;
  /** Kinds a moderator explicitly allowed this guest to unmute despite an unmute lock. */
  readonly unmuteAllowed: Set<MediaKind>;
  /** When their hand went up (see `raiseHand`); undefined while it is down. */
  handRaisedAt: number | undefined;
  screenSharing: boolean;
}

export interface Knocker {
  readonly id: string;
  readonly name: string;
  readonly deviceToken: string | undefined;
  /** Kept from the knock, so that admission respects "join muted". */
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
  readonly e2ee: boolean;
}

export interface EntryRequest {
  name: string;
  role: Role;
  audioMuted: boolean;
  videoMuted: boolean;
  deviceToken: string | undefined;
  /** The browser end-to-end encrypts; without it, entry needs `allowUnencrypted`. */
  e2ee: boolean;
  /** A personal invitation's id: the invitee skips the lobby (not the lock). */
  inviteId?: string | undefined;
}

export type RefusalReason = 'meeting-full' | 'locked' | 'denied' | 'banned' | 'ended' | 'e2ee-required';

export type Admission = { participant: Participant; others: ParticipantInfo[] };

export type EntryOutcome =
  | ({ kind: 'admitted' } & Admission)
  | { kind: 'waiting'; knocker: Knocker }
  | { kind: 'refused'; reason: RefusalReason };

export type ModerationError = 'forbidden' | 'no-such-participant' | 'meeting-full';
export type Result<T> = ({ ok: true } & T) | { ok: false; error: ModerationError };

export interface MeetingOptions {
  maxParticipants: number;
  /** Settings kept with the stored meeting. */
  lobbyEnabled: boolean;
  passwordProtected: boolean;
  allowUnencrypted: boolean;
  /** Initial last-N: video of at most this many participants goes to each person. */
  lastN: number;
  /** How long a denied guest's browser can't knock again. */
  denyCooldownMs: number;
  now?: () => number;
}

const KINDS: readonly MediaKind[] = ['audio', 'video'];

export class Meeting {
  private readonly participants = new Map<string, Participant>();
  private readonly lobby = new Map<string, Knocker>();
  private readonly banned = new Set<string>();
  private readonly deniedUntil = new Map<string, number>();
  private readonly unmuteLocked = new Set<MediaKind>();
  /** Held mutes survive a reload: kept per browser for the meeting's lifetime. */
  private readonly heldByDevice = new Map<string, Set<MediaKind>>();
  private locked = false;
  private lobbyEnabled: boolean;
  private passwordProtected: boolean;
  private allowUnencrypted: boolean;
  private lastN: number;
  private ended = false;
  /** The last hand stamp given out, so that two hands in the same millisecond still queue in order. */
  private lastHandAt = 0;
  private readonly now: () => number;

  constructor(
    readonly id: string,
    readonly title: string,
    private readonly options: MeetingOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.lobbyEnabled = options.lobbyEnabled;
    this.passwordProtected = options.passwordProtected;
    this.allowUnencrypted = options.allowUnencrypted;
    this.lastN = options.lastN;
  }

  // ------------------------------------------------------------------ entering and leaving

  request(id: string, req: EntryRequest): EntryOutcome {
    if (this.participants.has(id) || this.lobby.has(id)) throw new Error('participant id reused');
    if (this.ended) return { kind: 'refused', reason: 'ended' };
    if (req.deviceToken && this.banned.has(req.deviceToken)) return { kind: 'refused', reason: 'banned' };
    // Before the lobby, and for hosts too: one unencrypted participant would expose everyone's media.
    if (!req.e2ee && !this.allowUnencrypted) return { kind: 'refused', reason: 'e2ee-required' };
    if (!isModeratorRole(req.role)) {
      if (this.locked) return { kind: 'refused', reason: 'locked' };
      const until = req.deviceToken ? this.deniedUntil.get(req.deviceToken) : undefined;
      if (until !== undefined && until > this.now()) return { kind: 'refused', reason: 'denied' };
      if (this.lobbyEnabled && req.inviteId === undefined) {
        if (this.lobby.size >= this.options.maxParticipants) return { kind: 'refused', reason: 'meeting-full' };
        const knocker: Knocker = { id, name: req.name, deviceToken: req.deviceToken, audioMuted: req.audioMuted, videoMuted: req.videoMuted, e2ee: req.e2ee };
        this.lobby.set(id, knocker);
        return { kind: 'waiting', knocker };
      }
    }
    if (this.isFull) return { kind: 'refused', reason: 'meeting-full' };
    return { kind: 'admitted', ...this.add(id, req) };
  }

  /** Removes a participant or a knocker; returns who it was, or undefined (idempotent). */
  leave(id: string): Participant | Knocker | undefined {
    const p = this.participants.get(id) ?? this.lobby.get(id);
    this.participants.delete(id);
    this.lobby.delete(id);
    return p;
  }

  // ------------------------------------------------------------------ lobby

  admit(byId: string, knockerId: string): Result<Admission> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    const knocker = this.lobby.get(knockerId);
    if (!knocker) return { ok: false, error: 'no-such-participant' };
    if (this.isFull) return { ok: false, error: 'meeting-full' };
    this.lobby.delete(knockerId);
    return { ok: true, ...this.add(knockerId, { ...knocker, role: 'guest' }) };
  }

  deny(byId: string, knockerId: string): Result<{ knocker: Knocker }> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    const knocker = this.lobby.get(knockerId);
    if (!knocker) return { ok: false, error: 'no-such-participant' };
    this.lobby.delete(knockerId);
    if (knocker.deviceToken) this.deniedUntil.set(knocker.deviceToken, this.now() + this.options.denyCooldownMs);
    return { ok: true, knocker };
  }

  /** Admits everyone waiting, in knock order, as long as there is room. */
  admitAll(byId: string): Result<{ admitted: Admission[] }> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    return { ok: true, admitted: this.drainLobby() };
  }

  // ------------------------------------------------------------------ moderation

  /**
   * Removes a participant (a host can't be kicked). Their browser can't come back for the deny
   * cool-down, or with `ban` for the meeting's lifetime.
   */
  kick(byId: string, targetId: string, ban: boolean): Result<{ target: Participant; sameBrowser: { participants: string[]; knockers: string[] } }> {
    if (byId === targetId) return { ok: false, error: 'forbidden' };
    const target = this.moderatedTarget(byId, targetId);
    if (typeof target === 'string') return { ok: false, error: target };
    if (target.role === 'host') return { ok: false, error: 'forbidden' };
    this.participants.delete(targetId);
    const sameBrowser = { participants: [] as string[], knockers: [] as string[] };
    const token = target.deviceToken;
    if (token) {
      if (ban) this.banned.add(token);
      else this.deniedUntil.set(token, this.now() + this.options.denyCooldownMs);
      // The same browser in another tab goes too, whether inside or knocking.
      for (const p of [...this.participants.values()]) {
        if (p.deviceToken === token && p.role !== 'host') {
          this.participants.delete(p.id);
          sameBrowser.participants.push(p.id);
        }
      }
      for (const k of [...this.lobby.values()]) {
        if (k.deviceToken === token) {
          this.lobby.delete(k.id);
          sameBrowser.knockers.push(k.id);
        }
      }
    }
    return { ok: true, target, sameBrowser };
  }

  /** Mutes `kind` for the target and holds it muted until a moderator allows unmuting. */
  mute(byId: string, targetId: string, kind: MediaKind): Result<{ target: Participant; changed: boolean }> {
    const target = this.moderatedTarget(byId, targetId);
    if (typeof target === 'string') return { ok: false, error: target };
    target.heldMuted.add(kind);
    target.unmuteAllowed.delete(kind);
    this.rememberHeld(target);
    return { ok: true, target, changed: setMutedFlag(target, kind, true) };
  }

  /** Mutes everyone but the moderator who asks; with `lockUnmute`, guests need permission to unmute. */
  muteAll(byId: string, kind: MediaKind, lockUnmute: boolean): Result<{ changed: Participant[] }> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    if (lockUnmute) this.unmuteLocked.add(kind);
    else this.unmuteLocked.delete(kind);
    const changed: Participant[] = [];
    for (const p of this.participants.values()) {
      if (p.id === byId) continue;
      p.unmuteAllowed.delete(kind);
      if (setMutedFlag(p, kind, true)) changed.push(p);
    }
    return { ok: true, changed };
  }

  allowUnmute(byId: string, targetId: string, kind: MediaKind): Result<{ target: Participant }> {
    const target = this.moderatedTarget(byId, targetId);
    if (typeof target === 'string') return { ok: false, error: target };
    target.heldMuted.delete(kind);
    target.unmuteAllowed.add(kind);
    this.rememberHeld(target);
    return { ok: true, target };
  }

  /** A participant's own mute switch. Unmuting is refused while a moderator holds it muted. */
  setMuted(id: string, kind: MediaKind, muted: boolean): Result<{ changed: boolean }> {
    const p = this.participants.get(id);
    if (!p) return { ok: false, error: 'no-such-participant' };
    if (!muted && !this.mayUnmute(p, kind)) return { ok: false, error: 'forbidden' };
    return { ok: true, changed: setMutedFlag(p, kind, muted) };
  }

  mayUnmute(p: Participant, kind: MediaKind): boolean {
    if (p.role === 'host') return true; // a host can't be held muted by a moderator
    if (p.heldMuted.has(kind)) return false;
    return isModeratorRole(p.role) || !this.unmuteLocked.has(kind) || p.unmuteAllowed.has(kind);
  }

  /** Locking keeps everyone in but refuses new guests and clears nobody from the lobby. */
  setLocked(byId: string, locked: boolean): Result<object> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    this.locked = locked;
    return { ok: true };
  }

  /** Turning the lobby off admits whoever is waiting (as far as there is room). */
  setLobby(byId: string, enabled: boolean): Result<{ admitted: Admission[] }> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    this.lobbyEnabled = enabled;
    return { ok: true, admitted: enabled ? [] : this.drainLobby() };
  }

  /**
   * Lets in browsers that can't end-to-end encrypt, or stops doing so. Participants inside stay (the
   * host saw them come in); unencrypted knockers are sent away, as a new knock would be refused.
   */
  setAllowUnencrypted(byId: string, allowed: boolean): Result<{ refused: Knocker[] }> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    this.allowUnencrypted = allowed;
    const refused = allowed ? [] : [...this.lobby.values()].filter((k) => !k.e2ee);
    for (const k of refused) this.lobby.delete(k.id);
    return { ok: true, refused };
  }

  setLastN(byId: string, lastN: number): Result<object> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    this.lastN = lastN;
    return { ok: true };
  }

  /** Only records that a password is (or isn't) required; the hash lives with the stored meeting. */
  setPasswordProtected(byId: string, on: boolean): Result<object> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    this.passwordProtected = on;
    return { ok: true };
  }

  setRole(byId: string, targetId: string, role: 'moderator' | 'guest'): Result<{ target: Participant; changed: boolean }> {
    const target = this.moderatedTarget(byId, targetId);
    if (typeof target === 'string') return { ok: false, error: target };
    if (target.role === 'host') return { ok: false, error: 'forbidden' };
    const changed = target.role !== role;
    target.role = role;
    return { ok: true, target, changed };
  }

  /** Ends the meeting for everyone: returns all ids (participants and knockers) to disconnect. */
  end(byId: string): Result<{ ids: string[] }> {
    if (!this.isModerator(byId)) return { ok: false, error: 'forbidden' };
    this.ended = true;
    const ids = [...this.participants.keys(), ...this.lobby.keys()];
    this.participants.clear();
    this.lobby.clear();
    return { ok: true, ids };
  }

  // ------------------------------------------------------------------ raised hands

  /** A participant's own hand. Raising a raised hand keeps its place in the queue. */
  raiseHand(id: string, raised: boolean): Result<{ target: Participant; changed: boolean }> {
    const p = this.participants.get(id);
    if (!p) return { ok: false, error: 'no-such-participant' };
    if (raised === (p.handRaisedAt !== undefined)) return { ok: true, target: p, changed: false };
    if (raised) p.handRaisedAt = this.lastHandAt = Math.max(this.now(), this.lastHandAt + 1);
    else p.handRaisedAt = undefined;
    return { ok: true, target: p, changed: true };
  }

  /** A moderator lowers someone's hand (their own too). */
  lowerHand(byId: string, targetId: string): Result<{ target: Participant; changed: boolean }> {
    const target = this.moderatedTarget(byId, targetId);
    if (typeof target === 'string') return { ok: false, error: target };
    return this.raiseHand(targetId, false);
  }

  /** Ids of everyone with a raised hand, first raised first. */
  handQueue(): string[] {
    return [...this.participants.values()]
      .filter((p) => p.handRaisedAt !== undefined)
      .sort((a, b) => a.handRaisedAt! - b.handRaisedAt!)
      .map((p) => p.id);
  }

  // ------------------------------------------------------------------ screen sharing

  /** A participant's own screen share starting or stopping. */
  setScreenSharing(id: string, active: boolean): Result<{ changed: boolean }> {
    const p = this.participants.get(id);
    if (!p) return { ok: false, error: 'no-such-participant' };
    const changed = p.screenSharing !== active;
    p.screenSharing = active;
    return { ok: true, changed };
  }

  /** A moderator stops someone's screen share. They may share again: that is a new, visible choice. */
  stopScreenShare(byId: string, targetId: string): Result<{ target: Participant; changed: boolean }> {
    const target = this.moderatedTarget(byId, targetId);
    if (typeof target === 'string') return { ok: false, error: target };
    const changed = target.screenSharing;
    target.screenSharing = false;
    return { ok: true, target, changed };
  }

  // ------------------------------------------------------------------ queries

  get size(): number {
    return this.participants.size;
  }

  /** No participants and nobody waiting. */
  get isEmpty(): boolean {
    return this.participants.size === 0 && this.lobby.size === 0;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Bans and denials must outlive an empty meeting, so the directory keeps such meetings. */
  get remembersAnyone(): boolean {
    const now = this.now();
    for (const [token, until] of this.deniedUntil) if (until <= now) this.deniedUntil.delete(token);
    return this.banned.size > 0 || this.deniedUntil.size > 0 || this.heldByDevice.size > 0;
  }

  state(): MeetingState {
    return {
      locked: this.locked,
      lobbyEnabled: this.lobbyEnabled,
      unmuteLocked: KINDS.filter((k) => this.unmuteLocked.has(k)),
      passwordProtected: this.passwordProtected,
      allowUnencrypted: this.allowUnencrypted,
      lastN: this.lastN,
    };
  }

  has(id: string): boolean {
    return this.participants.has(id);
  }

  participant(id: string): Participant | undefined {
    return this.participants.get(id);
  }

  isModerator(id: string): boolean {
    const p = this.participants.get(id);
    return p !== undefined && isModeratorRole(p.role);
  }

  moderatorIds(): string[] {
    return [...this.participants.values()].filter((p) => isModeratorRole(p.role)).map((p) => p.id);
  }

  /** Everyone admitted except `exceptId`. Knockers are never listed. */
  list(exceptId?: string): ParticipantInfo[] {
    const out: ParticipantInfo[] = [];
    for (const p of this.participants.values()) {
      if (p.id !== exceptId) out.push(toInfo(p));
    }
    return out;
  }

  knockers(): Knocker[] {
    return [...this.lobby.values()];
  }

  ids(): string[] {
    return [...this.participants.keys()];
  }

  /** The participant a moderator acts on, or why the action is refused (permission first). */
  private moderatedTarget(byId: string, targetId: string): Participant | ModerationError {
    if (!this.isModerator(byId)) return 'forbidden';
    return this.participants.get(targetId) ?? 'no-such-participant';
  }

  /** Keeps a browser's held mutes for a reload; nothing is kept once nothing is held. */
  private rememberHeld(p: Participant): void {
    if (!p.deviceToken) return;
    if (p.heldMuted.size > 0) this.heldByDevice.set(p.deviceToken, new Set(p.heldMuted));
    else this.heldByDevice.delete(p.deviceToken);
  }

  private get isFull(): boolean {
    return this.participants.size >= this.options.maxParticipants;
  }

  private add(id: string, req: EntryRequest): Admission {
    const others = this.list();
    const participant: Participant = {
      id,
      name: req.name,
      role: req.role,
      inviteId: req.inviteId,
      audioMuted: req.audioMuted,
      videoMuted: req.videoMuted,
      deviceToken: req.deviceToken,
      e2ee: req.e2ee,
      heldMuted: new Set(),
      unmuteAllowed: new Set(),
      handRaisedAt: undefined,
      screenSharing: false,
    };
    // Joining during "mute all" with unmute locked, or coming back while held muted: start muted.
    if (!isModeratorRole(req.role)) for (const k of this.unmuteLocked) setMutedFlag(participant, k, true);
    const held = req.deviceToken && req.role !== 'host' ? this.heldByDevice.get(req.deviceToken) : undefined;
    for (const k of held ?? []) {
      participant.heldMuted.add(k);
      setMutedFlag(participant, k, true);
    }
    this.participants.set(id, participant);
    return { participant, others };
  }

  private drainLobby(): Admission[] {
    const admitted: Admission[] = [];
    for (const knocker of [...this.lobby.values()]) {
      if (this.isFull) break;
      this.lobby.delete(knocker.id);
      admitted.push(this.add(knocker.id, { ...knocker, role: 'guest' }));
    }
    return admitted;
  }
}

export function isModeratorRole(role: Role): boolean {
  return MODERATOR_ROLES.includes(role);
}

function setMutedFlag(p: Participant, kind: MediaKind, muted: boolean): boolean {
  const key = kind === 'audio' ? 'audioMuted' : 'videoMuted';
  if (p[key] === muted) return false;
  p[key] = muted;
  return true;
}

export function toInfo(p: Participant): ParticipantInfo {
  return {
    id: p.id,
    name: p.name,
    role: p.role,
    audioMuted: p.audioMuted,
    videoMuted: p.videoMuted,
    verified: p.inviteId !== undefined,
    e2ee: p.e2ee,
    ...(p.handRaisedAt !== undefined ? { handRaisedAt: p.handRaisedAt } : {}),
    screenSharing: p.screenSharing,
  };
}
