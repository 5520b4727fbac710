/**
 * Reconnection against the real server: a participant whose connection drops keeps their place for
 * the grace period and takes it back with the resume token, and the others see neither a leave nor
 * a join. "Nothing arrived" is checked against a barrier (a `meeting-state` everyone admitted gets),
 * and "the server noticed the drop" by its log line, so no test waits a fixed time.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../../tests/helpers/browser.js';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
  server.mustNotLog('Hana', 'Gus');
});
after(async () => {
  await server.stop();
});

/** A host and a guest in one meeting (no lobby). */
async function call(on: RunningServer) {
  const { meetingId, hostSecret } = await createMeeting(on);
  const host = await SignalingClient.connect(on.url);
  host.join({ meetingId, name: 'Hana', hostSecret });
  const hostWelcome = await host.next('welcome');
  host.send({ type: 'set-lobby', enabled: false });
  await host.next('meeting-state');
  const guest = await SignalingClient.connect(on.url);
  guest.join({ meetingId, name: 'Gus' });
  const welcome = await guest.next('welcome');
  await host.next('participant-joined');
  on.mustNotLog(welcome.resumeToken, hostWelcome.resumeToken);
  return { meetingId, host, hostId: hostWelcome.participantId, guest, guestId: welcome.participantId, token: welcome.resumeToken };
}

/** Drops the connection without a `leave`, and waits until the server has noticed. */
async function drop(on: RunningServer, client: SignalingClient): Promise<void> {
  const noticed = () => on.jsonLogs().filter((l) => l.includes('waiting for a resume')).length;
  const before = noticed();
  client.ws.terminate();
  await waitFor('the server to notice the drop', () => (noticed() > before ? true : undefined), 5000, 20);
}

async function resume(on: RunningServer, fields: { meetingId: string; token: string; participantId?: string }): Promise<SignalingClient> {
  const c = await SignalingClient.connect(on.url);
  c.send({ type: 'resume', ...fields });
  return c;
}

/** Everyone admitted gets the next `meeting-state`; whatever `host` got before it is in its inbox. */
async function barrier(host: SignalingClient, ...others: SignalingClient[]): Promise<void> {
  host.send({ type: 'set-lock', locked: false });
  await Promise.all([host, ...others].map((c) => c.next('meeting-state')));
}

function assertNoPresence(c: SignalingClient): void {
  const seen = c.types().filter((t) => t === 'participant-left' || t === 'participant-joined');
  assert.deepEqual(seen, [], 'the others saw a leave or a join');
}

test('a dropped participant resumes within the grace period: same id and state, relays kept, no leave for the others', async () => {
  const { meetingId, host, hostId, guest, guestId, token } = await call(server);
  guest.send({ type: 'raise-hand', raised: true });
  const hand = await host.next('hand');
  guest.send({ type: 'track-state', kind: 'audio', muted: true });
  await host.next('track-state');

  await drop(server, guest);
  // Meanwhile the host relays (keys, chat) to them, directly and to everyone: nothing is refused.
  host.send({ type: 'relay', to: guestId, data: 'wrapped-key' });
  host.send({ type: 'relay', data: 'chat-for-all' });

  const back = await resume(server, { meetingId, participantId: guestId, token });
  const resumed = await back.next('resumed');
  assert.equal(resumed.participantId, guestId);
  assert.equal(resumed.role, 'guest');
  assert.deepEqual(resumed.participants.map((p) => p.id), [hostId]);
  assert.equal(resumed.self.handRaisedAt, hand.raisedAt);
  assert.equal(resumed.self.audioMuted, true);
  assert.notEqual(resumed.resumeToken, token);
  server.mustNotLog(resumed.resumeToken);
  assert.deepEqual([await back.next('relay'), await back.next('relay')], [
    { type: 'relay', from: hostId, data: 'wrapped-key' },
    { type: 'relay', from: hostId, data: 'chat-for-all' },
  ]);
  await back.next('offer'); // a new media connection

  await barrier(host, back);
  assertNoPresence(host);
  assert.equal(host.types().includes('error'), false);
  // They are in the meeting as before, on the new connection.
  back.send({ type: 'relay', to: hostId, data: 'hello again' });
  assert.equal((await host.next('relay')).from, guestId);

  // The old token was used up.
  const replay = await resume(server, { meetingId, participantId: guestId, token });
  assert.equal((await replay.next('error')).code, 'resume-failed');
  assert.equal(await replay.waitClosed(), 1008);
  host.close();
  back.close();
});

test('a resume while the old connection still looks open takes it over; the participant id may be left out', async () => {
  const { meetingId, host, guest, guestId, token } = await call(server);
  const back = await resume(server, { meetingId, token });
  assert.equal((await back.next('resumed')).participantId, guestId);
  assert.equal(await guest.waitClosed(), 1000);
  await barrier(host, back);
  assertNoPresence(host);
  host.close();
  back.close();
});

test('restart-ice: the server confirms, then offers a new media connection; no leave for the others; not twice at once', async () => {
  const { host, guest } = await call(server);
  await guest.next('offer');
  guest.send({ type: 'restart-ice' });
  await guest.next('restart-ice');
  await guest.next('offer');
  guest.send({ type: 'restart-ice' });
  const e = await guest.next('error');
  assert.deepEqual([e.code, e.inReplyTo, e.recoverable], ['rate-limited', 'restart-ice', true]);
  await barrier(host, guest);
  assertNoPresence(host);
  host.close();
  guest.close();
});

test('after the grace period the others see the leave, and the resume is refused', async () => {
  const quick = await startServer({ CONFAB_RESUME_GRACE_SECONDS: '1' });
  try {
    const { meetingId, host, guest, guestId, token } = await call(quick);
    guest.ws.terminate();
    assert.equal((await host.next('participant-left', 5000)).participantId, guestId);
    const late = await resume(quick, { meetingId, participantId: guestId, token });
    const e = await late.next('error');
    assert.deepEqual([e.code, e.inReplyTo, e.recoverable], ['resume-failed', 'resume', false]);
    assert.equal(await late.waitClosed(), 1008);
    host.close();
  } finally {
    await quick.stop();
  }
});

test('wrong resume tokens are refused and throttled like failed joins', async () => {
  const own = await startServer();
  try {
    const { meetingId, host, guest, guestId, token } = await call(own);
    await drop(own, guest);
    const wrong = 'A'.repeat(43);
    // Five free failures (as for joins); the sixth starts a back-off.
    for (let i = 0; i < 6; i++) {
      const c = await resume(own, { meetingId, participantId: guestId, token: wrong });
      assert.equal((await c.next('error')).code, 'resume-failed');
      await c.waitClosed();
    }
    // Now even the right token has to wait: the throttle decides before the token is looked at.
    const blocked = await resume(own, { meetingId, participantId: guestId, token });
    const e = await blocked.next('error');
    assert.equal(e.code, 'rate-limited');
    assert.match(e.message, /try again in \d+ s/);
    await barrier(host);
    assertNoPresence(host);
    host.close();
  } finally {
    await own.stop();
  }
});
