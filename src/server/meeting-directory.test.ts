import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../store/database.js';
import { MeetingStore } from '../store/meeting-store.js';
import { MeetingDirectory } from './meeting-directory.js';

function directory(now: { t: number }) {
  let n = 0;
  return new MeetingDirectory(new MeetingStore(openDatabase(':memory:')), {
    maxParticipants: 5,
    denyCooldownMs: 1000,
    ttlMs: 1000,
    newId: () => `meeting-${n++}`.padEnd(22, 'x'),
    now: () => now.t,
  });
}

test('a host secret makes a host, none makes a guest, a wrong one looks like no meeting at all', () => {
  const clock = { t: 0 };
  const d = directory(clock);
  const { meetingId, hostSecret } = d.create('Class 7b');
  assert.deepEqual(d.describe(meetingId), { title: 'Class 7b' });
  assert.equal(d.enter(meetingId, hostSecret)?.role, 'host');
  assert.equal(d.enter(meetingId, undefined)?.role, 'guest');
  assert.equal(d.enter(meetingId, hostSecret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))), undefined);
  assert.equal(d.enter('no-such-meeting'.padEnd(22, 'x'), undefined), undefined);
  assert.equal(d.enter('no-such-meeting'.padEnd(22, 'x'), hostSecret), undefined);
});

test('the live meeting is shared while in use and released when empty', () => {
  const d = directory({ t: 0 });
  const { meetingId } = d.create('T');
  const a = d.enter(meetingId, undefined)!.meeting;
  assert.equal(d.enter(meetingId, undefined)!.meeting, a);
  a.request('p', { name: 'P', role: 'host', audioMuted: false, videoMuted: false, deviceToken: undefined });
  d.release(a); // not empty: kept
  assert.equal(d.liveCount, 1);
  a.leave('p');
  d.release(a);
  assert.equal(d.liveCount, 0);
  assert.notEqual(d.enter(meetingId, undefined)!.meeting, a);
});

test('expired meetings are gone, and purged from the store', () => {
  const clock = { t: 0 };
  const d = directory(clock);
  const { meetingId, hostSecret } = d.create('T');
  clock.t = 999;
  assert.ok(d.enter(meetingId, hostSecret));
  clock.t = 1000;
  assert.equal(d.describe(meetingId), undefined);
  assert.equal(d.enter(meetingId, hostSecret), undefined);
  assert.equal(d.purgeExpired(), 1);
  assert.equal(d.purgeExpired(), 0);
});
