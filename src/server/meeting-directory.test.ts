import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../security/passwords.js';
import { openDatabase } from '../store/database.js';
import { InviteStore } from '../store/invite-store.js';
import { MeetingStore } from '../store/meeting-store.js';
import { MeetingDirectory } from './meeting-directory.js';

function directory(now: { t: number }, ttlMs = 1000) {
  let n = 0;
  const db = openDatabase(':memory:');
  return new MeetingDirectory(new MeetingStore(db), new InviteStore(db), {
    maxParticipants: 5,
    lastN: 9,
    denyCooldownMs: 1000,
    ttlMs,
    newId: () => `meeting-${n++}`.padEnd(22, 'x'),
    now: () => now.t,
  });
}

const role = (r: Awaited<ReturnType<MeetingDirectory['enter']>>) => (typeof r === 'string' ? r : r.role);

test('a host secret makes a host, none makes a guest, a wrong one looks like no meeting at all', async () => {
  const clock = { t: 0 };
  const d = directory(clock);
  const { meetingId, hostSecret } = await d.create({ title: 'Class 7b', lobby: true });
  assert.deepEqual(d.describe(meetingId), { title: 'Class 7b', allowUnencrypted: false });
  assert.equal(role(await d.enter(meetingId, { hostSecret })), 'host');
  assert.equal(role(await d.enter(meetingId, {})), 'guest');
  const wrong = hostSecret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assert.equal(await d.enter(meetingId, { hostSecret: wrong }), 'not-found');
  assert.equal(await d.enter('no-such-meeting'.padEnd(22, 'x'), {}), 'not-found');
  assert.equal(await d.enter('no-such-meeting'.padEnd(22, 'x'), { hostSecret }), 'not-found');
});

test('a password keeps guests out until they give it; hosts do not need it; it can be changed', async () => {
  const d = directory({ t: 0 });
  const { meetingId, hostSecret } = await d.create({ title: 'T', password: 'sesam öffne', lobby: false });
  assert.equal(await d.enter(meetingId, {}), 'password');
  assert.equal(await d.enter(meetingId, { password: 'sesam' }), 'password');
  assert.equal(role(await d.enter(meetingId, { password: 'sesam öffne' })), 'guest');
  assert.equal(role(await d.enter(meetingId, { hostSecret })), 'host');
  const live = await d.enter(meetingId, { hostSecret });
  assert.ok(typeof live !== 'string' && live.meeting.state().passwordProtected && !live.meeting.state().lobbyEnabled);
  d.storePasswordHash(meetingId, await hashPassword('neu und lang'));
  assert.equal(await d.enter(meetingId, { password: 'sesam öffne' }), 'password');
  d.storePasswordHash(meetingId, null);
  assert.equal(role(await d.enter(meetingId, {})), 'guest');
});

const live = async (d: MeetingDirectory, id: string) => {
  const r = await d.enter(id, {});
  assert.ok(typeof r !== 'string');
  return r.meeting;
};

test('the live meeting is shared while in use and released when empty', async () => {
  const d = directory({ t: 0 });
  const { meetingId } = await d.create({ title: 'T', lobby: true });
  const a = await live(d, meetingId);
  assert.equal(await live(d, meetingId), a);
  a.request('p', { name: 'P', role: 'host', audioMuted: false, videoMuted: false, deviceToken: undefined, e2ee: true });
  d.release(a); // not empty: kept
  assert.equal(d.liveCount, 1);
  a.leave('p');
  d.release(a);
  assert.equal(d.liveCount, 0);
  assert.notEqual(await live(d, meetingId), a);
});

test('expired meetings are gone, and purged from the store', async () => {
  const clock = { t: 0 };
  const d = directory(clock);
  const { meetingId, hostSecret } = await d.create({ title: 'T', lobby: true });
  clock.t = 999;
  assert.equal(role(await d.enter(meetingId, { hostSecret })), 'host');
  clock.t = 1000;
  assert.equal(d.describe(meetingId), undefined);
  assert.equal(await d.enter(meetingId, { hostSecret }), 'not-found');
  assert.equal(d.purgeExpired(), 1);
  assert.equal(d.purgeExpired(), 0);
});

test('an invitation expires, and its token is bound to its meeting', async () => {
  const clock = { t: 0 };
  const d = directory(clock, 10 * 3_600_000);
  const a = await d.create({ title: 'A', lobby: true });
  const b = await d.create({ title: 'B', lobby: true });
  const { token } = d.createInvite(a.meetingId, { name: 'Ina', singleUse: false, expiresInHours: 1 });
  assert.equal(await d.enter(b.meetingId, { inviteToken: token }), 'not-found');
  const r = await d.enter(a.meetingId, { inviteToken: token });
  assert.ok(typeof r !== 'string' && r.invite?.name === 'Ina');
  clock.t = 3_600_000; // one hour later (the meetings themselves expire later)
  assert.ok(d.describe(a.meetingId));
  assert.equal(await d.enter(a.meetingId, { inviteToken: token }), 'not-found');
});

test('allowing unencrypted browsers is kept with the meeting: public info and the next live meeting', async () => {
  const d = directory({ t: 0 });
  const { meetingId } = await d.create({ title: 'T', lobby: true });
  const first = await live(d, meetingId);
  assert.equal(first.state().allowUnencrypted, false);
  d.saveAllowUnencrypted(meetingId, true);
  assert.deepEqual(d.describe(meetingId), { title: 'T', allowUnencrypted: true });
  d.release(first); // empty: forgotten, so the next join builds the meeting from the store
  assert.equal((await live(d, meetingId)).state().allowUnencrypted, true);
});
