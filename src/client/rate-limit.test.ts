import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimit } from './rate-limit.js';

test('a burst up to the limit passes, then nothing until the oldest leaves the window', () => {
  const clock = { t: 0 };
  const limit = new RateLimit(3, 1000, () => clock.t);
  assert.deepEqual([limit.take(), limit.take(), limit.take(), limit.take()], [true, true, true, false]);
  clock.t = 999;
  assert.equal(limit.take(), false);
  clock.t = 1000;
  assert.equal(limit.take(), true); // the first three left the window; refused tries don't count
  assert.equal(limit.take(), true);
  assert.equal(limit.take(), true);
  assert.equal(limit.take(), false);
});
