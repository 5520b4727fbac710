import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResendBudget } from './resend-budget.js';

test('resends take at most a fifth of the downlink estimate', () => {
  const budget = new ResendBudget(() => 1_000_000, 0);
  let sent = 0;
  // Ten seconds of NACKs asking for far more than the link carries: 1200 bytes every millisecond.
  for (let t = 1; t <= 10_000; t++) if (budget.take(1200, t)) sent += 1200;
  const bps = (sent * 8) / 10;
  assert.ok(bps > 180_000 && bps <= 200_000, `resent ${Math.round(bps)} bits/s`);
});

test('a burst of NACKs after a quiet spell is served at once, up to a second of the share', () => {
  const budget = new ResendBudget(() => 1_000_000, 0);
  let served = 0;
  while (budget.take(1000, 5000)) served++;
  assert.equal(served, 25); // 1 Mbit/s x 0.2 x 1 s = 25,000 bytes
});

test('the share follows the estimate', () => {
  let estimate = 1_000_000;
  const budget = new ResendBudget(() => estimate, 0);
  assert.ok(budget.take(25_000, 1000));
  estimate = 100_000;
  assert.ok(!budget.take(1000, 1001));
  assert.ok(budget.take(2400, 2000));
  assert.ok(!budget.take(200, 2000));
});
