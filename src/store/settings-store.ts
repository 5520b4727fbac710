/** Instance-wide settings, e.g. the hash of the instance host key. */
import type { Db } from './database.js';

export class SettingsStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  get(key: string): Buffer | undefined {
    return (this.getStmt.get(key) as { value: Buffer } | undefined)?.value;
  }

  set(key: string, value: Buffer): void {
    this.setStmt.run(key, value);
  }
}
