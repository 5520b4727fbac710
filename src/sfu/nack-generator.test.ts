import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NackGenerator } from './nack-generator.js';

function asked(g: NackGenerator, now: number): number[] {
  const out: number[] = [];
  g.collect(now, out);
  return out.sort((a, b) => a - b);
}

test('a gap is asked for at once, again after the retry interval, and no more once it arrives', () => {
  const g = new NackGenerator();
  g.onPacket(10, 0);
  g.onPacket(13, 1);
  assert.deepEqual(asked(g, 2), [11, 12]);
  assert.deepEqual(asked(g, 10), []); // too soon to ask again
  g.onPacket(11, 20); // retransmission arrives
  assert.deepEqual(asked(g, 50), [12]);
  g.onPacket(12, 60);
  assert.equal(g.outstanding, 0);
});

test('losses across the 16-bit wrap are found', () => {
  const g = new NackGenerator();
  g.onPacket(65534, 0);
  g.onPacket(1, 1);
  assert.deepEqual(asked(g, 1), [0, 65535]);
});

test('a loss is given up after a few tries or a second', () => {
  const g = new NackGenerator();
  g.onPacket(1, 0);
  g.onPacket(3, 0);
  let tries = 0;
  for (let t = 0; t < 2000; t += 50) tries += asked(g, t).length;
  assert.equal(tries, 4);
  assert.equal(g.outstanding, 0);
});

test('a large jump is a new run, not hundreds of losses; reordering is not a loss', () => {
  const g = new NackGenerator();
  g.onPacket(100, 0);
  g.onPacket(5000, 1);
  assert.equal(g.outstanding, 0);
  g.onPacket(5002, 2);
  g.onPacket(5001, 3); // late, before any NACK went out
  assert.deepEqual(asked(g, 4), []);
});
