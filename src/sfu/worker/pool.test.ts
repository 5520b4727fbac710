/**
 * The worker pool with real worker processes: placement by load, each worker in its own port range,
 * handler events from the worker's Routers, and what happens when a worker is killed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import { waitFor } from '../../../tests/helpers/browser.js';
import { ConfigSchema, type RtcConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import type { MediaPeerHandlers } from '../media-router.js';
import type { Offer } from '../transport.js';
import { splitPortRange, WorkerPool } from './pool.js';

const rtc: RtcConfig = { ...ConfigSchema.parse({}).rtc, listenIps: ['127.0.0.1'], portMin: 47000, portMax: 47099 };

test('the port range is cut into one contiguous range per worker; too small a range is refused', () => {
  const ranges = (n: number, min: number, max: number) => splitPortRange({ ...rtc, portMin: min, portMax: max }, n).map((r) => [r.portMin, r.portMax]);
  assert.deepEqual(ranges(2, 40000, 49999), [[40000, 44999], [45000, 49999]]);
  assert.deepEqual(ranges(3, 40000, 40010), [[40000, 40002], [40003, 40005], [40006, 40010]]);
  assert.deepEqual(ranges(1, 40000, 40001), [[40000, 40001]]);
  assert.throws(() => splitPortRange({ ...rtc, portMin: 40000, portMax: 40004 }, 3), /too small for 3 media workers/);
});

/** A peer's handler calls, as the session would get them. */
class Recorder implements MediaPeerHandlers {
  offers: Offer[] = [];
  candidatePorts: number[] = [];
  lostCount = 0;
  offer(offer: Offer): void {
    this.offers.push(offer);
  }
  candidate(c: { candidate: string }): void {
    this.candidatePorts.push(Number(c.candidate.split(' ')[5]));
  }
  failed(): void {}
  publishLayers(): void {}
  forwarding(): void {}
  lost(): void {
    this.lostCount++;
  }
}

const logLines: string[] = [];
const log = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }));
let pool: WorkerPool;
before(async () => {
  pool = new WorkerPool({ workers: 2, rtc, mediaTapFile: undefined, log });
  await pool.start();
});
after(async () => {
  await pool.close();
});

test('meetings go to the least-loaded worker; events come back; a killed worker is replaced, and its meetings move to the new one', { timeout: 60_000 }, async () => {
  const [w0, w1] = pool.workers;
  assert.ok(w0 && w1 && w0.pid !== w1.pid && w0.alive && w1.alive);

  // Meeting A with one peer: the worker makes its offer, on candidates from its own port range.
  const a = pool.createRouter();
  const alice = new Recorder();
  a.addPeer('alice', alice);
  await waitFor('an offer for alice', () => alice.offers[0]);
  await waitFor('a candidate for alice', () => alice.candidatePorts[0]);
  const home = a.worker;
  const { portMin, portMax } = home.settings.rtc;
  assert.ok(alice.candidatePorts.every((p) => p >= portMin && p <= portMax), `ports ${alice.candidatePorts} outside ${portMin}-${portMax}`);

  // Meeting B goes to the other worker (A's has a peer); C to B's (fewer peers, though one meeting more).
  const b = pool.createRouter();
  assert.notEqual(b.worker, home);
  const c = pool.createRouter();
  assert.equal(c.worker, b.worker);
  const bob = new Recorder();
  b.addPeer('bob', bob);
  await waitFor('an offer for bob', () => bob.offers[0]);

  const stats = await pool.stats();
  assert.deepEqual(stats.workers.map((w) => [w.pid, w.meetings, w.peers]).sort(), [[home.pid, 1, 1], [b.worker.pid, 2, 1]].sort());
  assert.ok(stats.workers.every((w) => w.cpuSeconds > 0 && w.rssBytes > 10_000_000));
  assert.equal(stats.workerRestarts, 0);

  // Kill A's worker: a new worker takes its slot (and port range) and meeting A; alice hears she was lost.
  process.kill(home.pid, 'SIGKILL');
  await waitFor('alice lost', () => (alice.lostCount === 1 ? true : undefined));
  const replacement = a.worker;
  assert.ok(replacement.alive && replacement.pid !== home.pid && replacement !== b.worker);
  assert.equal(pool.workers[home.settings.index], replacement);
  assert.deepEqual(replacement.settings.rtc, home.settings.rtc);
  assert.equal(a.peerCount, 0);
  assert.equal(bob.lostCount, 0);
  const crash = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'media worker crashed; moving its meetings to another worker');
  assert.deepEqual(crash && [crash.pid, crash.signal, crash.meetings, crash.peers], [home.pid, 'SIGKILL', 1, 1]);

  // Added again, alice gets a fresh offer from the new worker; bob's peer was never touched.
  const offers = bob.offers.length;
  a.addPeer('alice', alice);
  await waitFor('a new offer for alice', () => alice.offers[1], 30_000);
  assert.notEqual(alice.offers[1]!.sdp, alice.offers[0]!.sdp);
  assert.equal(bob.offers.length, offers);
  const after = await pool.stats();
  assert.equal(after.workerRestarts, 1);
  assert.deepEqual(after.workers.map((w) => [w.pid, w.meetings, w.peers]).sort(), [[replacement.pid, 1, 1], [b.worker.pid, 2, 1]].sort());

  // The next meeting goes to the worker with fewer meetings (both have one peer).
  const d = pool.createRouter();
  assert.equal(d.worker, replacement);
  await Promise.all([a, b, c, d].map((r) => r.close()));
});
