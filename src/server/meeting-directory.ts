/**
 * Which meetings exist, and who may enter them as what. Meetings persist in the store (id, title,
 * host-secret hash, expiry); the live, in-memory Meeting (participants) exists while anyone is in it.
 * An unknown id, an expired meeting and a wrong host secret all give the same answer: undefined.
 */
import type { InviteInfo, MeetingPublicInfo, Role } from '../protocol/messages.js';
import { Meeting } from '../rooms/meeting.js';
import { hashPassword, verifyPassword } from '../security/passwords.js';
import { hashSecret, newSecret, secretMatches } from '../security/secrets.js';
import type { InviteStore, StoredInvite } from '../store/invite-store.js';
import type { MeetingStore } from '../store/meeting-store.js';

export interface DirectoryOptions {
  maxParticipants: number;
  /** A live meeting's initial last-N (moderators change it during the meeting). */
  lastN: number;
  denyCooldownMs: number;
  ttlMs: number;
  newId: () => string;
  now?: () => number;
}

export class MeetingDirectory {
  private readonly live = new Map<string, Meeting>();
  private readonly now: () => number;

  constructor(
    private readonly store: MeetingStore,
    private readonly invites: InviteStore,
    private readonly options: DirectoryOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Creates a meeting; the host secret is returned once and only its hash is kept. */
  async create(settings: { title: string; password?: string | undefined; lobby: boolean }): Promise<{ meetingId: string; hostSecret: string }> {
    const meetingId = this.options.newId();
    const hostSecret = newSecret();
    const passwordHash = settings.password ? await hashPassword(settings.password) : null;
    const now = this.now();
    this.store.insert({
      id: meetingId,
      title: settings.title,
      hostSecretHash: hashSecret(hostSecret),
      passwordHash,
      lobbyEnabled: settings.lobby,
      allowUnencrypted: false, // end-to-end encryption is required until a host says otherwise
      createdAt: now,
      expiresAt: now + this.options.ttlMs,
    });
    return { meetingId, hostSecret };
  }

  /** What the pre-join screen may show, or undefined. */
  describe(meetingId: string): MeetingPublicInfo | undefined {
    const stored = this.store.get(meetingId, this.now());
    return stored && { title: stored.title, allowUnencrypted: stored.allowUnencrypted };
  }

  /**
   * The live meeting and the role a joiner gets. 'not-found' covers unknown, expired and wrong host
   * secret alike; 'password' means a guest gave no or the wrong password.
   */
  async enter(
    meetingId: string,
    credentials: { hostSecret?: string | undefined; password?: string | undefined; inviteToken?: string | undefined },
  ): Promise<{ meeting: Meeting; role: Role; invite?: { id: string; name: string } } | 'not-found' | 'password'> {
    const stored = this.store.get(meetingId, this.now());
    if (!stored) return 'not-found';
    let role: Role = 'guest';
    let invite: { id: string; name: string } | undefined;
    if (credentials.hostSecret !== undefined) {
      if (!secretMatches(credentials.hostSecret, stored.hostSecretHash)) return 'not-found';
      role = 'host';
    } else if (credentials.inviteToken !== undefined) {
      // A personal invitation is its own credential (no password needed); a revoked, expired or used
      // one looks like a wrong link.
      const found = this.invites.byTokenHash(meetingId, hashSecret(credentials.inviteToken));
      if (!found || !this.usable(found) || (found.singleUse && !this.invites.markUsed(found.id))) return 'not-found';
      invite = { id: found.id, name: found.name };
    } else if (stored.passwordHash !== null) {
      if (!credentials.password || !(await verifyPassword(credentials.password, stored.passwordHash))) return 'password';
    }
    let meeting = this.live.get(meetingId);
    if (!meeting) {
      const { maxParticipants, lastN, denyCooldownMs } = this.options;
      meeting = new Meeting(meetingId, stored.title, {
        maxParticipants,
        lastN,
        denyCooldownMs,
        lobbyEnabled: stored.lobbyEnabled,
        passwordProtected: stored.passwordHash !== null,
        allowUnencrypted: stored.allowUnencrypted,
        now: this.now,
      });
      this.live.set(meetingId, meeting);
    }
    return invite ? { meeting, role, invite } : { meeting, role };
  }

  /** Creates a personal invitation; its token is returned once and only its hash is kept. */
  createInvite(meetingId: string, settings: { name: string; singleUse: boolean; expiresInHours?: number | undefined }): { invite: InviteInfo; token: string } {
    const token = newSecret();
    const now = this.now();
    const stored = {
      id: this.options.newId(),
      meetingId,
      name: settings.name,
      singleUse: settings.singleUse,
      createdAt: now,
      expiresAt: settings.expiresInHours === undefined ? null : now + settings.expiresInHours * 3_600_000,
    };
    this.invites.insert(stored, hashSecret(token));
    return { invite: inviteInfo({ ...stored, used: false, revoked: false }), token };
  }

  listInvites(meetingId: string): InviteInfo[] {
    return this.invites.list(meetingId).map(inviteInfo);
  }

  /** Returns false when the meeting has no such invitation. */
  revokeInvite(meetingId: string, inviteId: string): boolean {
    return this.invites.revoke(meetingId, inviteId);
  }

  private usable(invite: StoredInvite): boolean {
    return !invite.revoked && (invite.expiresAt === null || invite.expiresAt > this.now()) && !(invite.singleUse && invite.used);
  }

  /** Stores a password hash made with security/passwords (null: no password). */
  storePasswordHash(meetingId: string, passwordHash: string | null): void {
    this.store.setPassword(meetingId, passwordHash);
  }

  saveLobby(meetingId: string, enabled: boolean): void {
    this.store.setLobby(meetingId, enabled);
  }

  saveAllowUnencrypted(meetingId: string, allowed: boolean): void {
    this.store.setAllowUnencrypted(meetingId, allowed);
  }

  /**
   * Forget a live meeting once it is empty, unless it must still remember bans or denials (then it
   * stays in memory until it expires). An ended meeting is forgotten at once, bans included. The
   * stored meeting stays until it expires.
   */
  release(meeting: Meeting): void {
    if (this.live.get(meeting.id) !== meeting || !meeting.isEmpty) return;
    if (meeting.isEnded || !meeting.remembersAnyone) this.live.delete(meeting.id);
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Removes expired meetings from the store, and empty ones that expired from memory. */
  purgeExpired(): number {
    const now = this.now();
    for (const [id, meeting] of this.live) {
      if (meeting.isEmpty && (!meeting.remembersAnyone || !this.store.get(id, now))) this.live.delete(id);
    }
    return this.store.deleteExpired(now);
  }
}

function inviteInfo(i: StoredInvite): InviteInfo {
  return { id: i.id, name: i.name, singleUse: i.singleUse, used: i.used, revoked: i.revoked, expiresAt: i.expiresAt };
}
