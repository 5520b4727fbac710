import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAYER_MAX_BITRATE } from '../protocol/simulcast.js';
import { ProducerLayer } from './producer.js';

test('a simulcast layer costs what it measured, but never less than three quarters of its cap', () => {
  const full = new ProducerLayer(2);
  const floor = LAYER_MAX_BITRATE[2]! * 0.75;
  assert.equal(full.cost, floor, 'unmeasured');
  full.bitrate = 300_000; // ramping up after dynacast resumed it
  assert.equal(full.cost, floor);
  full.bitrate = 1_400_000;
  assert.equal(full.cost, 1_400_000);
});

test('a single-layer video costs what it measured, or half the cap before that', () => {
  const screen = new ProducerLayer(undefined);
  assert.equal(screen.cost, LAYER_MAX_BITRATE.at(-1)! / 2);
  screen.bitrate = 200_000;
  assert.equal(screen.cost, 200_000);
});
