/** The media plane in its two modes: Routers in this process, or spread over worker processes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../tests/helpers/browser.js';
import { ConfigSchema, type RtcConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { MediaPlane } from './media-plane.js';
import type { MediaPeerHandlers } from './media-router.js';
import { Router } from './router.js';
import type { Offer } from './transport.js';

const rtc: RtcConfig = { ...ConfigSchema.parse({}).rtc, listenIps: ['127.0.0.1'], portMin: 47100, portMax: 47199 };
const log = createLogger('silent');

function handlers(offers: Offer[]): MediaPeerHandlers {
  return { offer: (o) => offers.push(o), candidate() {}, failed() {}, publishLayers() {}, forwarding() {}, lost() {} };
}

test('workers: 0 keeps the Routers in this process', async () => {
  const media = new MediaPlane(rtc, { workers: 0, log });
  await media.start();
  const router = media.routerFor('m1');
  assert.ok(router instanceof Router);
  assert.equal(media.routerFor('m1'), router);
  const offers: Offer[] = [];
  router.addPeer('p1', handlers(offers));
  await waitFor('an offer', () => offers[0]);
  assert.deepEqual([media.routerCount, media.peerCount], [1, 1]);
  const stats = await media.stats();
  assert.deepEqual([stats.workers, stats.workerRestarts, typeof stats.forwarding.forwardedPackets], [[], 0, 'number']);
  await media.closeRouter('m1');
  assert.deepEqual([media.routerCount, media.existingRouter('m1')], [0, undefined]);
  await media.close();
});

test('workers: 2 puts two meetings on two processes, and close() ends them', { timeout: 60_000 }, async () => {
  const media = new MediaPlane(rtc, { workers: 2, log });
  await media.start();
  const offers: Offer[] = [];
  media.routerFor('a').addPeer('p1', handlers(offers));
  media.routerFor('b');
  await waitFor('an offer from a worker', () => offers[0]);
  const { workers } = await media.stats();
  assert.deepEqual(workers.map((w) => [w.index, w.meetings]), [[0, 1], [1, 1]]);
  assert.deepEqual([media.routerCount, media.peerCount], [2, 1]);
  await media.close();
  assert.equal(media.routerCount, 0);
  for (const { pid } of workers) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `worker ${pid} still runs`);
});
