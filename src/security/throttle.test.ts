import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientKeys, Throttle } from './throttle.js';

function throttle(clock: { t: number }) {
  return new Throttle({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000, now: () => clock.t });
}

test('free failures, then a doubling back-off with a retry time, capped', () => {
  const clock = { t: 0 };
  const th = throttle(clock);
  for (let i = 0; i < 3; i++) assert.deepEqual(th.fail('k'), { allowed: true });
  assert.deepEqual(th.fail('k'), { allowed: false, retryAfterSeconds: 1 });
  assert.deepEqual(th.check('k'), { allowed: false, retryAfterSeconds: 1 });
  clock.t = 1000;
  assert.deepEqual(th.check('k'), { allowed: true });
  assert.deepEqual(th.fail('k'), { allowed: false, retryAfterSeconds: 2 });
  clock.t = 3000;
  assert.deepEqual(th.fail('k'), { allowed: false, retryAfterSeconds: 4 });
  clock.t = 7000;
  assert.deepEqual(th.fail('k'), { allowed: false, retryAfterSeconds: 8 });
  clock.t = 15_000;
  assert.deepEqual(th.fail('k'), { allowed: false, retryAfterSeconds: 8 }); // capped
  assert.deepEqual(th.check('other'), { allowed: true }); // keys are independent
});

test('failures are forgotten after a quiet period', () => {
  const clock = { t: 0 };
  const th = throttle(clock);
  for (let i = 0; i < 3; i++) th.fail('k');
  clock.t = 60_001; // quiet for longer than forgetAfterMs
  for (let i = 0; i < 3; i++) assert.deepEqual(th.fail('k'), { allowed: true });
  assert.equal(th.fail('k').allowed, false);
});

test('success clears a key', () => {
  const th = throttle({ t: 0 });
  for (let i = 0; i < 5; i++) th.fail('k');
  assert.equal(th.check('k').allowed, false);
  th.succeed('k');
  assert.equal(th.check('k').allowed, true);
});

test('client keys are stable per address, differ across addresses, and hide the address', () => {
  const keys = new ClientKeys();
  assert.equal(keys.of('192.0.2.1'), keys.of('192.0.2.1'));
  assert.notEqual(keys.of('192.0.2.1'), keys.of('192.0.2.2'));
  assert.ok(!keys.of('192.0.2.1').includes('192'));
  assert.notEqual(new ClientKeys().of('192.0.2.1'), keys.of('192.0.2.1')); // salted per process
});
