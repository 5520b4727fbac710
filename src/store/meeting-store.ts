/** Meetings as persisted: id, title, the hash of the host secret, and when the meeting expires. */
import type { Db } from './database.js';

export interface StoredMeeting {
  id: string;
  title: string;
  hostSecretHash: Buffer;
  createdAt: number;
  expiresAt: number;
}

interface Row {
  id: string;
  title: string;
  host_secret_hash: Buffer;
  created_at: number;
  expires_at: number;
}

export class MeetingStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly deleteExpiredStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO meetings (id, title, host_secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.getStmt = db.prepare('SELECT * FROM meetings WHERE id = ? AND expires_at > ?');
    this.deleteExpiredStmt = db.prepare('DELETE FROM meetings WHERE expires_at <= ?');
  }

  insert(m: StoredMeeting): void {
    this.insertStmt.run(m.id, m.title, m.hostSecretHash, m.createdAt, m.expiresAt);
  }

  /** The meeting, unless it doesn't exist or has expired (the two look the same). */
  get(id: string, now: number): StoredMeeting | undefined {
    const row = this.getStmt.get(id, now) as Row | undefined;
    return row && { id: row.id, title: row.title, hostSecretHash: row.host_secret_hash, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  /** Returns how many expired meetings were removed. */
  deleteExpired(now: number): number {
    return this.deleteExpiredStmt.run(now).changes;
  }
}
