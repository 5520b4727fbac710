/**
 * The embedded store: one SQLite file (better-sqlite3) in the data directory. Holds only meetings
 * and instance settings; nothing about participants is ever written (see README, "What the server
 * stores"). Schema changes are numbered migrations tracked in SQLite's user_version.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  `CREATE TABLE meetings (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     host_secret_hash BLOB NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX meetings_expires ON meetings (expires_at);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;`,
  `ALTER TABLE meetings ADD COLUMN password_hash TEXT;
   ALTER TABLE meetings ADD COLUMN lobby_enabled INTEGER NOT NULL DEFAULT 1;`,
  `CREATE TABLE invites (
     id TEXT PRIMARY KEY,
     meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     token_hash BLOB NOT NULL UNIQUE,
     single_use INTEGER NOT NULL,
     used INTEGER NOT NULL DEFAULT 0,
     revoked INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     expires_at INTEGER
   ) STRICT;
   CREATE INDEX invites_meeting ON invites (meeting_id);`,
  `ALTER TABLE meetings ADD COLUMN allow_unencrypted INTEGER NOT NULL DEFAULT 0;`,
];

/** Opens (creating if needed) `<dataDir>/confab.db`; `:memory:` for tests. */
export function openDatabase(dataDir: string | ':memory:'): Db {
  let path = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    path = join(dataDir, 'confab.db');
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
