/**
 * Lobby and moderation against the real server, acting as host, guest and troll over real
 * WebSockets. "Nothing arrives" is checked against a barrier: a later message that every admitted
 * participant gets, so the absence of earlier messages is certain, not a matter of waiting long enough.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';

let server: RunningServer;
before(async () => {
  // A closed socket leaves at once (no grace period for a resume: see resume.test.ts), so that
  // these tests, which end with close(), leave no media connections behind for the next.
  server = await startServer({ CONFAB_RESUME_GRACE_SECONDS: '0' });
  server.mustNotLog('Hana', 'Gus', 'Troll', 'Harmless', 'Early', 'Late', 'Helper', 'Pupil', 'Ina Schmidt', 'Somebody else', 'Copycat', 'Rex', 'Pia', 'Class 7b', 'Ulla', 'Udo');
});
after(async () => {
  await server.stop();
});

const device = (n: number) => `device-token-${n}`.padEnd(24, 'x');

async function hostIn(meetingId: string, hostSecret: string) {
  const host = await SignalingClient.connect(server.url);
  host.join({ meetingId, name: 'Hana', hostSecret });
  const welcome = await host.next('welcome');
  assert.equal(welcome.role, 'host');
  return { host, hostId: welcome.participantId };
}

async function knock(meetingId: string, name: string, deviceToken?: string) {
  const guest = await SignalingClient.connect(server.url);
  guest.join({ meetingId, name, ...(deviceToken ? { deviceToken } : {}) });
  return guest;
}

async function mediaPeers(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^confab_media_peers (\d+)/m.exec(text)?.[1]);
}

test('a guest in the lobby gets no names, no offer and no media connection until admitted', async () => {
  const { meetingId, hostSecret } = await createMeeting(server, 'Class 7b');
  const { host } = await hostIn(meetingId, hostSecret);
  const guest = await knock(meetingId, 'Gus');
  assert.deepEqual(await guest.next('lobby-wait'), { type: 'lobby-wait', title: 'Class 7b' });
  const { knocker } = await host.next('knock');
  assert.equal(knocker.name, 'Gus');

  // Barrier: the host changes a setting; admitted participants get meeting-state, lobby guests don't.
  host.send({ type: 'set-lock', locked: false });
  await host.next('meeting-state');
  assert.deepEqual(guest.types(), []); // nothing but lobby-wait: no welcome, no participants, no offer
  assert.equal(await mediaPeers(), 1); // only the host has a media connection in the SFU
  guest.send({ type: 'track-state', kind: 'audio', muted: false });
  assert.equal((await guest.next('error')).code, 'wrong-state');

  host.send({ type: 'admit', participantId: knocker.id });
  const welcome = await guest.next('welcome');
  assert.equal(welcome.role, 'guest');
  assert.deepEqual(welcome.participants.map((p) => p.name), ['Hana']);
  await guest.next('offer');
  assert.equal(await mediaPeers(), 2);
  assert.equal((await host.next('participant-joined')).participant.name, 'Gus');
  host.close();
  guest.close();
});

test('guests cannot moderate; a denied guest cannot knock again from that browser', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host, hostId } = await hostIn(meetingId, hostSecret);
  const guest = await knock(meetingId, 'Gus', device(1));
  const { knocker } = await host.next('knock');
  const troll = await knock(meetingId, 'Hana', device(2)); // the host's name, from someone else
  const trollKnock = await host.next('knock');
  assert.equal(trollKnock.knocker.name, 'Hana');
  host.send({ type: 'admit', participantId: knocker.id });
  await guest.next('welcome');

  for (const msg of [
    { type: 'admit', participantId: trollKnock.knocker.id },
    { type: 'kick', participantId: hostId },
    { type: 'mute', participantId: hostId, kind: 'audio' },
    { type: 'set-lock', locked: true },
    { type: 'end-meeting' },
    { type: 'set-role', participantId: knocker.id, role: 'moderator' },
  ]) {
    guest.send(msg);
    const e = await guest.next('error');
    assert.equal(e.code, 'forbidden', msg.type);
  }

  host.send({ type: 'deny', participantId: trollKnock.knocker.id });
  assert.deepEqual(await troll.next('removed'), { type: 'removed', reason: 'denied' });
  await troll.waitClosed();
  const again = await knock(meetingId, 'Harmless', device(2));
  assert.deepEqual(await again.next('removed'), { type: 'removed', reason: 'denied' });
  await again.waitClosed();
  host.close();
  guest.close();
});

test('a kicked and banned participant cannot rejoin with the same link', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host } = await hostIn(meetingId, hostSecret);
  host.send({ type: 'set-lobby', enabled: false });
  await host.next('meeting-state');
  const troll = await knock(meetingId, 'Troll', device(3));
  const { participantId } = await troll.next('welcome');
  await host.next('participant-joined');
  host.send({ type: 'kick', participantId, ban: true });
  assert.deepEqual(await troll.next('removed'), { type: 'removed', reason: 'banned' });
  assert.equal((await host.next('participant-left')).participantId, participantId);
  const back = await knock(meetingId, 'Someone else', device(3));
  assert.deepEqual(await back.next('removed'), { type: 'removed', reason: 'banned' });
  await back.waitClosed();
  host.close();
});

test('a locked meeting refuses knocks but lets its host in; ending disconnects everyone', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host } = await hostIn(meetingId, hostSecret);
  const waiting = await knock(meetingId, 'Early');
  await waiting.next('lobby-wait');
  host.send({ type: 'set-lock', locked: true });
  assert.deepEqual((await host.next('meeting-state')).state, { locked: true, lobbyEnabled: true, unmuteLocked: [], passwordProtected: false, allowUnencrypted: false, lastN: 16 });
  const late = await knock(meetingId, 'Late');
  const refused = await late.next('error');
  assert.equal(refused.code, 'meeting-locked');
  await late.waitClosed();
  const { host: cohost } = await hostIn(meetingId, hostSecret);

  host.send({ type: 'end-meeting' });
  for (const c of [host, cohost, waiting]) {
    assert.deepEqual(await c.next('removed'), { type: 'removed', reason: 'meeting-ended' });
    await c.waitClosed();
  }
  assert.equal(await mediaPeers(), 0);
});

test('a muted participant may not unmute until a moderator allows it; asking reaches the moderators', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host } = await hostIn(meetingId, hostSecret);
  host.send({ type: 'set-lobby', enabled: false });
  await host.next('meeting-state');
  const guest = await knock(meetingId, 'Gus');
  const { participantId } = await guest.next('welcome');
  host.send({ type: 'mute', participantId, kind: 'audio' });
  assert.deepEqual(await guest.next('muted-by-moderator'), { type: 'muted-by-moderator', kind: 'audio' });
  assert.deepEqual(await host.next('track-state'), { type: 'track-state', participantId, kind: 'audio', muted: true });
  guest.send({ type: 'track-state', kind: 'audio', muted: false });
  assert.equal((await guest.next('error')).code, 'forbidden');
  guest.send({ type: 'request-unmute', kind: 'audio' });
  assert.deepEqual(await host.next('unmute-request'), { type: 'unmute-request', participantId, kind: 'audio' });
  host.send({ type: 'allow-unmute', participantId, kind: 'audio' });
  await guest.next('unmute-allowed');
  guest.send({ type: 'track-state', kind: 'audio', muted: false });
  assert.deepEqual(await host.next('track-state'), { type: 'track-state', participantId, kind: 'audio', muted: false });
  host.close();
  guest.close();
});

test('a promoted moderator sees the lobby and can admit; the lobby never admits on its own', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host } = await hostIn(meetingId, hostSecret);
  const helper = await knock(meetingId, 'Helper');
  const k = await host.next('knock');
  host.send({ type: 'admit', participantId: k.knocker.id });
  const { participantId: helperId } = await helper.next('welcome');
  host.send({ type: 'set-role', participantId: helperId, role: 'moderator' });
  assert.deepEqual(await helper.next('role-changed'), { type: 'role-changed', participantId: helperId, role: 'moderator' });

  host.close(); // the host leaves; the meeting stays protected
  const pupil = await knock(meetingId, 'Pupil');
  await pupil.next('lobby-wait');
  const seen = await helper.next('knock');
  assert.equal(seen.knocker.name, 'Pupil');
  helper.send({ type: 'admit', participantId: seen.knocker.id });
  await pupil.next('welcome');
  helper.close();

  // Nobody is left who can admit: a newcomer waits, and is still waiting after the others act.
  const last = await knock(meetingId, 'Last');
  await last.next('lobby-wait');
  pupil.send({ type: 'track-state', kind: 'video', muted: true }); // barrier through the server
  pupil.send({ type: 'admit', participantId: 'x' });
  assert.equal((await pupil.next('error')).code, 'forbidden');
  assert.deepEqual(last.types(), []);
  pupil.close();
  last.close();
});

test('personal invitations: bound name, verified, skip the lobby; single-use, revocable, and revoked by a kick', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host } = await hostIn(meetingId, hostSecret);
  const initial = await host.next('invites');
  assert.deepEqual(initial.invites, []);

  host.send({ type: 'create-invite', name: 'Ina Schmidt', singleUse: true });
  const { invite, token } = await host.next('invite-created');
  assert.equal(invite.name, 'Ina Schmidt');
  assert.deepEqual((await host.next('invites')).invites.map((i) => i.name), ['Ina Schmidt']);

  // The invitee enters directly, under the name the host gave, marked as verified.
  const ina = await SignalingClient.connect(server.url);
  ina.join({ meetingId, name: 'Somebody else', inviteToken: token });
  const welcome = await ina.next('welcome');
  const joined = await host.next('participant-joined');
  assert.deepEqual([joined.participant.name, joined.participant.verified], ['Ina Schmidt', true]);
  assert.equal(joined.participant.id, welcome.participantId);

  // Single use: the same link does not work twice; it answers like any wrong link.
  const twice = await SignalingClient.connect(server.url);
  twice.join({ meetingId, name: 'Copycat', inviteToken: token });
  assert.equal((await twice.next('error')).code, 'meeting-not-found');

  // A reusable invitation stops working when revoked, and when its holder is kicked.
  host.send({ type: 'create-invite', name: 'Rex' });
  const rex = await host.next('invite-created');
  await host.next('invites');
  const rexIn = await SignalingClient.connect(server.url);
  rexIn.join({ meetingId, name: 'Rex', inviteToken: rex.token });
  const rexWelcome = await rexIn.next('welcome');
  host.send({ type: 'kick', participantId: rexWelcome.participantId, ban: false });
  await rexIn.next('removed');
  const revokedList = (await host.next('invites')).invites;
  assert.equal(revokedList.find((i) => i.id === rex.invite.id)?.revoked, true);
  const rexAgain = await SignalingClient.connect(server.url);
  rexAgain.join({ meetingId, name: 'Rex', inviteToken: rex.token });
  assert.equal((await rexAgain.next('error')).code, 'meeting-not-found');

  host.send({ type: 'create-invite', name: 'Pia' });
  const pia = await host.next('invite-created');
  await host.next('invites');
  host.send({ type: 'revoke-invite', inviteId: pia.invite.id });
  await host.next('invites');
  const piaIn = await SignalingClient.connect(server.url);
  piaIn.join({ meetingId, name: 'Pia', inviteToken: pia.token });
  assert.equal((await piaIn.next('error')).code, 'meeting-not-found');

  // Guests can't make invitations.
  ina.send({ type: 'create-invite', name: 'Friend' });
  assert.equal((await ina.next('error')).code, 'forbidden');
  host.close();
  ina.close();
});

test('a browser without end-to-end encryption is refused, unless a moderator allows it; revoking keeps those inside', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const publicInfo = async () => (await (await fetch(`${server.url}/api/meetings/${meetingId}`)).json()) as unknown;
  assert.deepEqual(await publicInfo(), { title: 'Test meeting', allowUnencrypted: false });
  const { host } = await hostIn(meetingId, hostSecret);

  // Refused before the lobby: no knock reaches the host. Hosts are no exception.
  const plain = await SignalingClient.connect(server.url);
  plain.join({ meetingId, name: 'Ulla', e2ee: false });
  const refused = await plain.next('error');
  assert.deepEqual([refused.code, refused.recoverable, refused.inReplyTo], ['e2ee-required', false, 'join']);
  assert.equal(await plain.waitClosed(), 1008);
  const plainHost = await SignalingClient.connect(server.url);
  plainHost.join({ meetingId, name: 'Hana', hostSecret, e2ee: false });
  assert.equal((await plainHost.next('error')).code, 'e2ee-required');
  await plainHost.waitClosed();

  // Only moderators may allow it.
  const guest = await knock(meetingId, 'Gus');
  host.send({ type: 'admit', participantId: (await host.next('knock')).knocker.id });
  await guest.next('welcome');
  await host.next('knock-ended');
  guest.send({ type: 'set-allow-unencrypted', allowed: true });
  assert.equal((await guest.next('error')).code, 'forbidden');
  assert.deepEqual(host.types().filter((t) => t === 'knock'), []); // Ulla and the plain host never knocked

  host.send({ type: 'set-allow-unencrypted', allowed: true });
  assert.equal((await host.next('meeting-state')).state.allowUnencrypted, true);
  assert.equal((await guest.next('meeting-state')).state.allowUnencrypted, true);
  assert.deepEqual(await publicInfo(), { title: 'Test meeting', allowUnencrypted: true });

  const ulla = await SignalingClient.connect(server.url);
  ulla.join({ meetingId, name: 'Ulla', e2ee: false });
  await ulla.next('lobby-wait');
  host.send({ type: 'admit', participantId: (await host.next('knock')).knocker.id });
  const welcome = await ulla.next('welcome');
  await host.next('knock-ended');
  assert.equal(welcome.state.allowUnencrypted, true);
  assert.ok(welcome.participants.every((p) => p.e2ee));
  const seen = (await guest.next('participant-joined')).participant;
  assert.deepEqual([seen.name, seen.e2ee], ['Ulla', false]);

  // Switching it off again: Ulla stays, an unencrypted knocker is sent away, new ones are refused.
  const udo = await SignalingClient.connect(server.url);
  udo.join({ meetingId, name: 'Udo', e2ee: false });
  await udo.next('lobby-wait');
  const udoKnock = await host.next('knock');
  host.send({ type: 'set-allow-unencrypted', allowed: false });
  assert.equal((await host.next('meeting-state')).state.allowUnencrypted, false);
  assert.equal((await host.next('knock-ended')).knockerId, udoKnock.knocker.id);
  assert.equal((await udo.next('error')).code, 'e2ee-required');
  await udo.waitClosed();
  assert.equal((await ulla.next('meeting-state')).state.allowUnencrypted, false);
  await ulla.assertAlive();
  assert.equal(ulla.closed, undefined);
  const late = await SignalingClient.connect(server.url);
  late.join({ meetingId, name: 'Udo', e2ee: false });
  assert.equal((await late.next('error')).code, 'e2ee-required');
  assert.deepEqual(await publicInfo(), { title: 'Test meeting', allowUnencrypted: false });
  for (const c of [host, guest, ulla, late]) c.close();
});

test('raised hands: everyone sees the server\'s order, a late joiner too; only moderators lower others\' hands', async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const { host, hostId } = await hostIn(meetingId, hostSecret);
  host.send({ type: 'set-lobby', enabled: false });
  await host.next('meeting-state');
  const gus = await knock(meetingId, 'Gus');
  const { participantId: gusId } = await gus.next('welcome');
  const pia = await knock(meetingId, 'Pia');
  const { participantId: piaId } = await pia.next('welcome');

  pia.send({ type: 'raise-hand', raised: true });
  const piaHand = await host.next('hand');
  assert.equal(piaHand.participantId, piaId);
  assert.deepEqual(await pia.next('hand'), piaHand); // the sender learns the stamp too
  gus.send({ type: 'raise-hand', raised: true });
  const gusHand = await host.next('hand');
  assert.ok(gusHand.raisedAt! > piaHand.raisedAt!);
  gus.send({ type: 'raise-hand', raised: true }); // already up: nothing new
  gus.send({ type: 'lower-hand', participantId: piaId });
  assert.equal((await gus.next('error')).code, 'forbidden');

  const late = await knock(meetingId, 'Late');
  const welcome = await late.next('welcome');
  const queue = welcome.participants.filter((p) => p.handRaisedAt !== undefined).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!);
  assert.deepEqual(queue.map((p) => p.id), [piaId, gusId]);
  assert.equal(welcome.participants.find((p) => p.id === hostId)!.handRaisedAt, undefined);

  host.send({ type: 'lower-hand', participantId: piaId });
  assert.deepEqual(await late.next('hand'), { type: 'hand', participantId: piaId, raisedAt: null });
  assert.deepEqual(await pia.next('hand'), gusHand);
  assert.deepEqual(await pia.next('hand'), { type: 'hand', participantId: piaId, raisedAt: null });
  assert.deepEqual(host.types().filter((t) => t === 'hand').length, 1); // gus's second raise sent nothing
  for (const c of [host, gus, pia, late]) c.close();
});
