/**
 * Screen sharing through the real server and SFU, with werift peers standing in for browsers: a
 * screen is forwarded only while shared (whatever the client sends), on an m-line that says its
 * source, starting at a keyframe the SFU asked for; a moderator's stop is enforced in the SFU.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../../tests/helpers/browser.js';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';
import { WeriftPeer as Peer } from '../../tests/helpers/werift-peer.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
  server.mustNotLog('Hana', 'Gus', 'Ina');
});
after(async () => {
  await server.stop();
});

const mLines = (sdp: string) => sdp.split('\r\n').filter((l) => l.startsWith('m=')).length;

test('a screen is forwarded only while shared, with its source; a moderator stops it in the SFU; sharing again reuses the m-line', { timeout: 60_000 }, async () => {
  const { meetingId, hostSecret } = await createMeeting(server);
  const hostC = await SignalingClient.connect(server.url);
  hostC.join({ meetingId, name: 'Hana', hostSecret });
  await hostC.next('welcome');
  const host = new Peer(hostC);
  const guestC = await SignalingClient.connect(server.url);
  guestC.join({ meetingId, name: 'Gus' });
  const { knocker } = await hostC.next('knock');
  hostC.send({ type: 'admit', participantId: knocker.id });
  const { participantId: gusId } = await guestC.next('welcome');
  const guest = new Peer(guestC);
  guest.publish();

  // Gus sends on his screen's m-line without sharing: the host gets his microphone and camera only,
  // and no m-line for his screen.
  await waitFor('the host to receive the guest\'s camera', () => (host.count(host.track(gusId, 'camera')?.mid) > 50 ? true : undefined));
  assert.deepEqual(host.offer!.tracks.filter((t) => t.participantId === gusId).map((t) => [t.source, t.kind]).sort(), [['camera', 'video'], ['microphone', 'audio']]);
  assert.equal(mLines(host.offer!.sdp), 5); // three to publish on, two for Gus
  assert.equal(guest.screenPlis, 0);

  // Gus shares: everyone learns it, the host gets an m-line marked as his screen, and it starts at
  // a keyframe the SFU asked Gus for.
  guestC.send({ type: 'screen-share', active: true });
  assert.deepEqual(await hostC.next('screen-share'), { type: 'screen-share', participantId: gusId, active: true });
  assert.deepEqual(await guestC.next('screen-share'), { type: 'screen-share', participantId: gusId, active: true });
  const screen = await waitFor('the guest\'s screen at the host', () => host.track(gusId, 'screen'));
  assert.equal(screen.kind, 'video');
  await waitFor('screen packets at the host', () => (host.count(screen.mid) > 20 ? true : undefined));
  assert.ok(guest.screenPlis > 0, 'the SFU asked the sharer for a keyframe');

  // A guest can't stop anyone's share.
  guestC.send({ type: 'stop-screen-share', participantId: gusId });
  assert.equal((await guestC.next('error')).code, 'forbidden');

  // The host stops it. Gus is told; his client keeps sending anyway, and the SFU forwards none of it.
  hostC.send({ type: 'stop-screen-share', participantId: gusId });
  assert.deepEqual(await guestC.next('screen-stopped-by-moderator'), { type: 'screen-stopped-by-moderator' });
  assert.deepEqual(await guestC.next('screen-share'), { type: 'screen-share', participantId: gusId, active: false });
  assert.deepEqual(await hostC.next('screen-share'), { type: 'screen-share', participantId: gusId, active: false });
  await waitFor('the host\'s offer without the screen', () => (host.track(gusId, 'screen') ? undefined : true));
  const camera = host.track(gusId, 'camera')!.mid;
  // Barrier: once camera packets sent after the stop arrive, screen packets sent with them would have too.
  let c0 = host.count(camera);
  await waitFor('camera packets after the stop', () => (host.count(camera) - c0 > 20 ? true : undefined));
  const s0 = host.count(screen.mid);
  c0 = host.count(camera);
  await waitFor('many more camera packets', () => (host.count(camera) - c0 > 100 ? true : undefined));
  assert.equal(host.count(screen.mid), s0, 'screen packets reached the host after the stop');

  // Sharing again is a new, visible choice: allowed, and on the same (recycled) m-line.
  const sdpLines = mLines(host.offer!.sdp);
  guestC.send({ type: 'screen-share', active: true });
  await hostC.next('screen-share');
  const again = await waitFor('the screen again', () => host.track(gusId, 'screen'));
  assert.equal(again.mid, screen.mid);
  assert.equal(mLines(host.offer!.sdp), sdpLines);
  await waitFor('screen packets again', () => (host.count(screen.mid) - s0 > 20 ? true : undefined));

  // A late joiner sees who shares, and gets the screen in the first offer.
  const lateC = await SignalingClient.connect(server.url);
  lateC.join({ meetingId, name: 'Ina' });
  hostC.send({ type: 'admit', participantId: (await hostC.next('knock')).knocker.id });
  const welcome = await lateC.next('welcome');
  assert.equal(welcome.participants.find((p) => p.id === gusId)?.screenSharing, true);
  assert.ok((await lateC.next('offer')).tracks.some((t) => t.participantId === gusId && t.source === 'screen'));
  lateC.close();

  // Gus stops it himself: the others learn it.
  guestC.send({ type: 'screen-share', active: false });
  assert.deepEqual(await hostC.next('screen-share'), { type: 'screen-share', participantId: gusId, active: false });
  await guest.close();
  await host.close();
});
