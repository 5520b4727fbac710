import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metronome } from './metronome.js';

function ticks(m: Metronome, nowMs: number): number[] {
  const out: number[] = [];
  m.run(nowMs, (i) => out.push(i));
  return out;
}

test('every tick due by now is given once, in order, also when the timer fires late', () => {
  const m = new Metronome(20, 1000);
  assert.deepEqual(ticks(m, 1000), [0]);
  assert.deepEqual(ticks(m, 1010), []);
  assert.deepEqual(ticks(m, 1020), [1]);
  assert.deepEqual(ticks(m, 1085), [2, 3, 4]);
  assert.deepEqual(ticks(m, 1085), []);
});

test('a tick due exactly now is not lost to rounding', () => {
  const m = new Metronome(1000 / 30, 0);
  assert.deepEqual(ticks(m, 100), [0, 1, 2, 3]);
});

test('after a long stall the missed ticks are skipped, and the index still follows the clock', () => {
  const m = new Metronome(20, 0, 100);
  assert.deepEqual(ticks(m, 0), [0]);
  assert.deepEqual(ticks(m, 1000), [50]);
  assert.deepEqual(ticks(m, 1040), [51, 52]);
});
