/** Meetings as persisted: id, title, the hash of the host secret, settings, and when the meeting expires. */
import type { Db } from './database.js';

export interface StoredMeeting {
  id: string;
  title: string;
  hostSecretHash: Buffer;
  /** scrypt hash (see security/passwords.ts), or null when the meeting has no password. */
  passwordHash: string | null;
  lobbyEnabled: boolean;
  /** A host let in browsers that can't end-to-end encrypt. */
  allowUnencrypted: boolean;
  createdAt: number;
  expiresAt: number;
}

interface Row {
  id: string;
  title: string;
  host_secret_hash: Buffer;
  password_hash: string | null;
  lobby_enabled: number;
  allow_unencrypted: number;
  created_at: number;
  expires_at: number;
}

export class MeetingStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly deleteExpiredStmt;
  private readonly setPasswordStmt;
  private readonly setLobbyStmt;
  private readonly setAllowUnencryptedStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO meetings (id, title, host_secret_hash, password_hash, lobby_enabled, allow_unencrypted, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.setPasswordStmt = db.prepare('UPDATE meetings SET password_hash = ? WHERE id = ?');
    this.setLobbyStmt = db.prepare('UPDATE meetings SET lobby_enabled = ? WHERE id = ?');
    this.setAllowUnencryptedStmt = db.prepare('UPDATE meetings SET allow_unencrypted = ? WHERE id = ?');
    this.getStmt = db.prepare('SELECT * FROM meetings WHERE id = ? AND expires_at > ?');
    this.deleteExpiredStmt = db.prepare('DELETE FROM meetings WHERE expires_at <= ?');
  }

  insert(m: StoredMeeting): void {
    this.insertStmt.run(m.id, m.title, m.hostSecretHash, m.passwordHash, m.lobbyEnabled ? 1 : 0, m.allowUnencrypted ? 1 : 0, m.createdAt, m.expiresAt);
  }

  setPassword(id: string, passwordHash: string | null): void {
    this.setPasswordStmt.run(passwordHash, id);
  }

  setLobby(id: string, enabled: boolean): void {
    this.setLobbyStmt.run(enabled ? 1 : 0, id);
  }

  setAllowUnencrypted(id: string, allowed: boolean): void {
    this.setAllowUnencryptedStmt.run(allowed ? 1 : 0, id);
  }

  /** The meeting, unless it doesn't exist or has expired (the two look the same). */
  get(id: string, now: number): StoredMeeting | undefined {
    const row = this.getStmt.get(id, now) as Row | undefined;
    return (
      row && {
        id: row.id,
        title: row.title,
        hostSecretHash: row.host_secret_hash,
        passwordHash: row.password_hash,
        lobbyEnabled: row.lobby_enabled === 1,
        allowUnencrypted: row.allow_unencrypted === 1,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  /** Returns how many expired meetings were removed. */
  deleteExpired(now: number): number {
    return this.deleteExpiredStmt.run(now).changes;
  }
}
