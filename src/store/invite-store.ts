/**
 * Personal invitations: a link bound to one invitee's name. Only the hash of the link's token is
 * stored. An invite can be revoked, can expire, and can be limited to one use.
 */
import type { Db } from './database.js';

export interface StoredInvite {
  id: string;
  meetingId: string;
  name: string;
  singleUse: boolean;
  used: boolean;
  revoked: boolean;
  createdAt: number;
  expiresAt: number | null;
}

interface Row {
  id: string;
  meeting_id: string;
  name: string;
  single_use: number;
  used: number;
  revoked: number;
  created_at: number;
  expires_at: number | null;
}

const fromRow = (r: Row): StoredInvite => ({
  id: r.id,
  meetingId: r.meeting_id,
  name: r.name,
  singleUse: r.single_use === 1,
  used: r.used === 1,
  revoked: r.revoked === 1,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export class InviteStore {
  private readonly insertStmt;
  private readonly byTokenStmt;
  private readonly listStmt;
  private readonly revokeStmt;
  private readonly useStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO invites (id, meeting_id, name, token_hash, single_use, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.byTokenStmt = db.prepare('SELECT * FROM invites WHERE token_hash = ? AND meeting_id = ?');
    this.listStmt = db.prepare('SELECT * FROM invites WHERE meeting_id = ? ORDER BY created_at, id');
    this.revokeStmt = db.prepare('UPDATE invites SET revoked = 1 WHERE id = ? AND meeting_id = ?');
    this.useStmt = db.prepare('UPDATE invites SET used = 1 WHERE id = ? AND used = 0');
  }

  insert(invite: Omit<StoredInvite, 'used' | 'revoked'>, tokenHash: Buffer): void {
    this.insertStmt.run(invite.id, invite.meetingId, invite.name, tokenHash, invite.singleUse ? 1 : 0, invite.createdAt, invite.expiresAt);
  }

  byTokenHash(meetingId: string, tokenHash: Buffer): StoredInvite | undefined {
    const row = this.byTokenStmt.get(tokenHash, meetingId) as Row | undefined;
    return row && fromRow(row);
  }

  list(meetingId: string): StoredInvite[] {
    return (this.listStmt.all(meetingId) as Row[]).map(fromRow);
  }

  /** Returns false when there was no such invite in this meeting. */
  revoke(meetingId: string, id: string): boolean {
    return this.revokeStmt.run(id, meetingId).changes > 0;
  }

  /** Marks a single-use invite used; false if it already was (two racing joins: only one wins). */
  markUsed(id: string): boolean {
    return this.useStmt.run(id).changes > 0;
  }
}
