/**
 * Last-N and off-screen pausing through the real server and SFU, with werift peers standing in for
 * browsers: the SFU forwards video only for the N most relevant participants (a pinned one first,
 * then by join order while nobody speaks) and only for tiles the subscriber shows; it says which
 * videos it holds back and why; audio is never held back; only moderators change N. A subscriber
 * whose browser stalls on a video gets a keyframe of it from the publisher.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MessageOf, ServerMessage } from '../protocol/messages.js';
import { waitFor } from '../../tests/helpers/browser.js';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';
import { WeriftPeer } from '../../tests/helpers/werift-peer.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

type Forwarding = MessageOf<ServerMessage, 'forwarding'>;

/** Waits for a `forwarding` message that `ok` accepts (earlier ones are the way there). */
async function forwardingWhere(c: SignalingClient, what: string, ok: (m: Forwarding) => boolean): Promise<Forwarding> {
  const seen: Forwarding[] = [];
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = await c.next('forwarding', Math.max(1, deadline - Date.now())).catch((err: Error) => {
      throw new Error(`${what}: ${err.message}; saw ${JSON.stringify(seen)}`);
    });
    if (ok(m)) return m;
    seen.push(m);
  }
}

/** A new meeting without a lobby, its host joined with a werift peer. */
async function openMeetingAsHost(): Promise<{ meetingId: string; hostC: SignalingClient; host: WeriftPeer }> {
  const { meetingId, hostSecret } = await createMeeting(server);
  const hostC = await SignalingClient.connect(server.url);
  hostC.join({ meetingId, name: 'Host', hostSecret });
  await hostC.next('welcome');
  hostC.send({ type: 'set-lobby', enabled: false });
  await hostC.next('meeting-state');
  return { meetingId, hostC, host: new WeriftPeer(hostC) };
}

const paused = (m: Forwarding) => m.paused.map((p) => `${p.participantId}:${p.reason}`).sort();

test('last-N and off-screen tiles decide whose video is forwarded; audio always flows', { timeout: 90_000 }, async () => {
  const { meetingId, hostC, host } = await openMeetingAsHost();
  const guests: { c: SignalingClient; peer: WeriftPeer; id: string }[] = [];
  for (const name of ['A', 'B', 'C']) {
    const c = await SignalingClient.connect(server.url);
    c.join({ meetingId, name });
    const { participantId } = await c.next('welcome');
    const peer = new WeriftPeer(c);
    peer.publish();
    guests.push({ c, peer, id: participantId });
  }
  const [a, b, cc] = guests as [(typeof guests)[0], (typeof guests)[0], (typeof guests)[0]];
  const mid = (id: string, source: 'camera' | 'microphone') => host.track(id, source)?.mid;
  /** Whether `id`'s `source` packets keep reaching the host now. */
  const flowing = async (id: string, source: 'camera' | 'microphone') => {
    const before = host.count(mid(id, source));
    return waitFor(`${source} of ${id} at the host`, () => (host.count(mid(id, source)) - before > 15 ? true : undefined), 5_000)
      .then(() => true)
      .catch(() => false);
  };

  // Default last-N (16): everyone's camera reaches the host.
  for (const g of guests) await waitFor(`camera of ${g.id}`, () => (host.count(mid(g.id, 'camera')) > 20 ? true : undefined));

  // A guest may not change last-N.
  a.c.send({ type: 'set-last-n', lastN: 1 });
  assert.equal((await a.c.next('error')).code, 'forbidden');

  // The host sets last-N to 2: everyone learns it, and the latest to join (C) is held back from the
  // host, who is told why; C's audio still comes.
  hostC.send({ type: 'set-last-n', lastN: 2 });
  assert.equal((await a.c.next('meeting-state')).state.lastN, 2);
  await forwardingWhere(hostC, 'C held back by last-N', (m) => JSON.stringify(paused(m)) === JSON.stringify([`${cc.id}:last-n`]));
  await waitFor('C\'s camera stopping at the host', async () => ((await flowing(cc.id, 'camera')) ? undefined : true), 20_000);
  assert.equal(await flowing(a.id, 'camera'), true);
  assert.equal(await flowing(b.id, 'camera'), true);
  assert.equal(await flowing(cc.id, 'microphone'), true, 'audio is not subject to last-N');

  // The host pins C: C goes first, and B (the latest of the others) makes way.
  const tiles = guests.map((g) => ({ participantId: g.id, source: 'camera' as const, width: 640, height: 360 }));
  hostC.send({ type: 'view', tiles, pinned: cc.id });
  await forwardingWhere(hostC, 'B held back for the pinned C', (m) => JSON.stringify(paused(m)) === JSON.stringify([`${b.id}:last-n`]));
  await waitFor('C\'s camera back at the host', async () => ((await flowing(cc.id, 'camera')) ? true : undefined), 20_000);

  // A's tile scrolls off the host's screen: A's video stops too, as off-screen.
  hostC.send({ type: 'view', tiles: tiles.filter((t) => t.participantId !== a.id), pinned: cc.id });
  const m = await forwardingWhere(hostC, 'A off-screen', (f) => paused(f).includes(`${a.id}:off-screen`));
  assert.deepEqual(paused(m), [`${a.id}:off-screen`, `${b.id}:last-n`].sort());
  assert.equal(m.audioOnly, false);
  await waitFor('A\'s camera stopping at the host', async () => ((await flowing(a.id, 'camera')) ? undefined : true), 20_000);
  assert.equal(await flowing(a.id, 'microphone'), true);

  for (const g of guests) await g.peer.close();
  await host.close();
});

test('a subscriber asks for a keyframe of a video it receives: the publisher is asked', { timeout: 60_000 }, async () => {
  const { meetingId, hostC, host } = await openMeetingAsHost();
  const guestC = await SignalingClient.connect(server.url);
  guestC.join({ meetingId, name: 'Guest' });
  const { participantId: guestId } = await guestC.next('welcome');
  const guest = new WeriftPeer(guestC);
  guest.publish();
  after(() => Promise.all([guest.close(), host.close()]));
  await waitFor('the guest\'s camera at the host', () => (host.count(host.track(guestId, 'camera')?.mid) > 20 ? true : undefined));

  // Quiet first: every packet the test publisher sends starts a keyframe, so nobody asks for one.
  let before = guest.cameraPlis;
  await waitFor('keyframe requests to settle', async () => {
    await new Promise((r) => setTimeout(r, 1000)); // one second without a new request, measured
    const settled = guest.cameraPlis === before;
    before = guest.cameraPlis;
    return settled ? true : undefined;
  });
  hostC.send({ type: 'request-keyframe', participantId: guestId, source: 'camera' });
  await waitFor('a keyframe request at the guest', () => (guest.cameraPlis > before ? true : undefined), 5_000);

  // Not a video: refused with a clear error, and the connection goes on.
  hostC.send({ type: 'request-keyframe', participantId: guestId, source: 'microphone' } as never);
  assert.equal((await hostC.next('error')).code, 'invalid-message');
  const again = guest.cameraPlis;
  await waitFor('another keyframe request at the guest', () => {
    if (guest.cameraPlis > again) return true;
    hostC.send({ type: 'request-keyframe', participantId: guestId, source: 'camera' }); // the publisher's side drops requests that come too often
    return undefined;
  }, 5_000, 500);
});
