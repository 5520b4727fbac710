import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from './database.js';
import { MeetingStore, type StoredMeeting } from './meeting-store.js';

const meeting: StoredMeeting = {
  id: 'meeting-1'.padEnd(22, 'x'),
  title: 'Class 7b',
  hostSecretHash: Buffer.alloc(32, 1),
  passwordHash: null,
  lobbyEnabled: true,
  allowUnencrypted: false,
  createdAt: 0,
  expiresAt: 1000,
};

test('meeting settings survive a restart (closing and reopening the database file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-store-'));
  const db = openDatabase(dir);
  const store = new MeetingStore(db);
  store.insert(meeting);
  assert.equal(store.get(meeting.id, 0)?.allowUnencrypted, false);
  store.setAllowUnencrypted(meeting.id, true);
  store.setLobby(meeting.id, false);
  db.close();

  const reopened = openDatabase(dir);
  try {
    const stored = new MeetingStore(reopened).get(meeting.id, 0);
    assert.deepEqual(stored, { ...meeting, allowUnencrypted: true, lobbyEnabled: false });
  } finally {
    reopened.close();
  }
});
