/**
 * Media workers, through the real server: two meetings on two worker processes; one worker is
 * killed. A new worker takes its slot and its meeting, whose participants get a new media
 * connection each (restart-ice and a fresh offer) without leaving; the other meeting's media keeps
 * flowing.
 * (tests/e2e/media-worker-crash.test.ts shows the same with browsers decoding media again.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../../tests/helpers/browser.js';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, SignalingClient } from '../../tests/helpers/signaling-client.js';
import { WeriftPeer } from '../../tests/helpers/werift-peer.js';

let server: RunningServer;
before(async () => {
  server = await startServer({ CONFAB_MEDIA_WORKERS: '2' });
  server.mustNotLog('Ann', 'Abe', 'Bea', 'Bo');
});
after(async () => {
  await server.stop();
});

interface WorkerRow {
  worker: string;
  pid: number;
  meetings: number;
  peers: number;
}

/** The per-worker gauges of /metrics. */
async function workers(): Promise<WorkerRow[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const rows = new Map<string, WorkerRow>();
  for (const m of text.matchAll(/^confab_media_worker_(meetings|peers)\{worker="(\d+)",pid="(\d+)"\} (\d+)$/gm)) {
    const row = rows.get(m[2]!) ?? { worker: m[2]!, pid: Number(m[3]), meetings: 0, peers: 0 };
    row[m[1] as 'meetings' | 'peers'] = Number(m[4]);
    rows.set(row.worker, row);
  }
  return [...rows.values()].sort((a, b) => a.worker.localeCompare(b.worker));
}

/** A host and an admitted guest in a new meeting. */
async function meeting(hostName: string, guestName: string) {
  const { meetingId, hostSecret } = await createMeeting(server);
  const host = await SignalingClient.connect(server.url);
  host.join({ meetingId, name: hostName, hostSecret });
  const { participantId: hostId } = await host.next('welcome');
  const guest = await SignalingClient.connect(server.url);
  guest.join({ meetingId, name: guestName });
  host.send({ type: 'admit', participantId: (await host.next('knock')).knocker.id });
  const { participantId: guestId } = await guest.next('welcome');
  return { host, guest, hostId, guestId };
}

/** Samples a counter until stopped; returns the longest time it stood still, in ms. */
function longestStall(read: () => number): () => number {
  let last = read();
  let since = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const value = read();
    if (value === last) return;
    longest = Math.max(longest, performance.now() - since);
    last = value;
    since = performance.now();
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(longest, performance.now() - since);
  };
}

test('a killed worker: its meeting reconnects on a fresh one, without leaving; the other meeting is untouched', { timeout: 90_000 }, async () => {
  // Meeting A on one worker; its participants get offers (they don't answer: signaling is enough here).
  const a = await meeting('Ann', 'Abe');
  const firstOffers = [await a.host.next('offer', 10_000), await a.guest.next('offer', 10_000)];
  const [w0, w1] = await workers();
  assert.ok(w0 && w1, 'two workers in /metrics');
  const aWorker = w0.meetings === 1 ? w0 : w1;
  const bWorker = aWorker === w0 ? w1 : w0;
  assert.deepEqual([aWorker.meetings, aWorker.peers, bWorker.meetings], [1, 2, 0]);

  // Meeting B goes to the other worker, with werift peers that answer and publish.
  const b = await meeting('Bea', 'Bo');
  const [bHost, bGuest] = [new WeriftPeer(b.host), new WeriftPeer(b.guest)];
  bHost.publish();
  bGuest.publish();
  const camera = () => bHost.count(bHost.track(b.guestId, 'camera')?.mid);
  await waitFor("Bo's camera at Bea's", () => (camera() > 50 ? true : undefined), 30_000);
  assert.deepEqual((await workers()).map((w) => [w.pid, w.meetings, w.peers]), [w0, w1].map((w) => [w.pid, 1, 2]));
  const bOffers = [bHost.offers, bGuest.offers];

  const stalled = longestStall(camera);
  process.kill(aWorker.pid, 'SIGKILL');

  // A's participants are told to start over, and get a new offer: same ids, nobody left.
  for (const [i, c] of [a.host, a.guest].entries()) {
    await c.next('restart-ice', 10_000);
    const offer = await c.next('offer', 10_000);
    assert.notEqual(offer.sdp, firstOffers[i]!.sdp);
    assert.ok(!c.types().includes('participant-left'), `got ${c.types().join(', ')}`);
  }
  assert.deepEqual(a.host.types().filter((t) => t === 'participant-left' || t === 'welcome'), []);
  // A fresh worker has taken the dead one's slot, and the meeting; the other worker has only B.
  const now = await workers();
  const fresh = now.find((w) => w.worker === aWorker.worker);
  assert.ok(fresh && fresh.pid !== aWorker.pid, `a new worker in slot ${aWorker.worker}: ${JSON.stringify(now)}`);
  assert.deepEqual([fresh.meetings, fresh.peers], [1, 2]);
  assert.deepEqual(now.find((w) => w.worker === bWorker.worker), { ...bWorker, meetings: 1, peers: 2 });
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^confab_media_worker_restarts_total 1$/m);

  // B's media never stopped, on the same PeerConnections.
  const c0 = camera();
  await waitFor("more of Bo's camera", () => (camera() > c0 + 100 ? true : undefined));
  const stall = stalled();
  assert.ok(stall < 1500, `B's media stood still for ${Math.round(stall)} ms`);
  assert.deepEqual([bHost.offers, bGuest.offers], bOffers);
  for (const c of [b.host, b.guest]) assert.ok(!c.types().includes('restart-ice'), `got ${c.types().join(', ')}`);

  const crash = server.jsonLogs().map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'media worker crashed; moving its meetings to another worker');
  assert.deepEqual(crash && [crash.pid, crash.signal, crash.meetings, crash.peers], [aWorker.pid, 'SIGKILL', 1, 2]);
  a.host.close();
  a.guest.close();
  await Promise.all([bHost.close(), bGuest.close()]);
});
