import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocateLayers, layerForTile } from './layer-allocator.js';

const SIMULCAST = [150_000, 500_000, 1_500_000];

test('plenty of bandwidth: each video gets the layer its tile needs, not more', () => {
  const a = allocateLayers(10_000_000, [
    { maxLayer: 2, priority: 1, layerBps: SIMULCAST },
    { maxLayer: 0, priority: 1, layerBps: SIMULCAST },
  ]);
  assert.deepEqual(a, { layers: [2, 0], audioOnly: false });
});

test('a tight budget keeps everyone on the lowest layer before raising the most important', () => {
  const a = allocateLayers(900_000, [
    { maxLayer: 2, priority: 1, layerBps: SIMULCAST },
    { maxLayer: 2, priority: 5, layerBps: SIMULCAST },
    { maxLayer: 2, priority: 1, layerBps: SIMULCAST },
  ]);
  // 3 x 150k = 450k, then 450k left: the priority-5 video goes to 500k (+350k), nothing else fits.
  assert.deepEqual(a, { layers: [0, 1, 0], audioOnly: false });
});

test('videos that do not fit at their lowest layer are paused, least important first; none fits: audio only', () => {
  assert.deepEqual(
    allocateLayers(200_000, [
      { maxLayer: 2, priority: 1, layerBps: SIMULCAST },
      { maxLayer: 2, priority: 9, layerBps: SIMULCAST },
    ]),
    { layers: [-1, 0], audioOnly: false },
  );
  assert.deepEqual(allocateLayers(100_000, [{ maxLayer: 2, priority: 1, layerBps: SIMULCAST }]), { layers: [-1], audioOnly: true });
});

test('a layer the publisher does not send is skipped; a single-layer screen is all or nothing', () => {
  assert.deepEqual(allocateLayers(5_000_000, [{ maxLayer: 2, priority: 1, layerBps: [150_000, 0, 1_500_000] }]).layers, [2]);
  assert.deepEqual(allocateLayers(5_000_000, [{ maxLayer: 2, priority: 1, layerBps: [0, 500_000, 0] }]).layers, [1]);
  assert.deepEqual(allocateLayers(500_000, [{ maxLayer: 0, priority: 1, layerBps: [1_200_000] }]), { layers: [-1], audioOnly: true });
});

test('the tile picks the smallest layer tall enough', () => {
  const heights = [180, 360, 720];
  assert.equal(layerForTile(heights, 120), 0);
  assert.equal(layerForTile(heights, 190), 0); // within 10 %: not worth three times the bits
  assert.equal(layerForTile(heights, 240), 1);
  assert.equal(layerForTile(heights, 1080), 2); // nothing is tall enough: the tallest
  assert.equal(layerForTile([0, 360, 0], 100), 1); // only what exists
});
