import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planForwarding, tileKey, type LayerState, type RemoteVideo } from './forwarding-plan.js';

const simulcast = (flowing = [true, true, true]): LayerState[] => [
  { cost: 150_000, expectedHeight: 180, flowing: flowing[0]! },
  { cost: 500_000, expectedHeight: 360, flowing: flowing[1]! },
  { cost: 1_500_000, expectedHeight: 720, flowing: flowing[2]! },
];
const cam = (participantId: string, flowing?: boolean[]): RemoteVideo => ({ participantId, source: 'camera', layers: simulcast(flowing) });
const view = (tiles: [string, number][], pinned: string | null = null) => ({ tiles: new Map(tiles.map(([id, h]) => [tileKey(id, 'camera'), h])), pinned });

test('a big tile gets the full layer and a small one the quarter layer', () => {
  const { plans } = planForwarding([cam('a'), cam('b')], view([['a', 720], ['b', 150]]), new Map([['a', 2], ['b', 1]]), 10e6);
  assert.deepEqual(plans.map((p) => p.layer), [2, 0]);
});

test('off-screen and beyond last-N videos are paused with their reason', () => {
  const { plans, audioOnly } = planForwarding([cam('a'), cam('b'), cam('c')], view([['a', 360], ['b', 360]]), new Map([['a', 1]]), 10e6);
  assert.deepEqual(plans.map((p) => [p.layer, p.reason]), [[1, null], [-1, 'last-n'], [-1, 'off-screen']]);
  assert.equal(audioOnly, false);
});

test('a slow downlink lowers layers, then pauses, then leaves audio only', () => {
  const videos = [cam('a'), cam('b')];
  const v = view([['a', 720], ['b', 720]]);
  const n = new Map([['a', 2], ['b', 1]]);
  assert.deepEqual(planForwarding(videos, v, n, 800_000).plans.map((p) => p.layer), [1, 0]);
  const slow = planForwarding(videos, v, n, 200_000);
  assert.deepEqual(slow.plans.map((p) => [p.layer, p.reason]), [[0, null], [-1, 'bandwidth']]);
  const none = planForwarding(videos, v, n, 100_000);
  assert.equal(none.audioOnly, true);
});

test('a layer the publisher is not sending is wanted (so dynacast resumes it) but a flowing one is forwarded meanwhile', () => {
  const { plans } = planForwarding([cam('a', [true, true, false])], view([['a', 720]]), new Map([['a', 1]]), 10e6);
  assert.deepEqual(plans[0], { layer: 1, wanted: 2, reason: null });
});
