import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreezeDetector } from './freeze-detector.js';

/** Frames every `intervalMs` from `fromMs`, `count` of them; returns the time of the last. */
function steady(d: FreezeDetector, fromMs: number, count: number, intervalMs = 33): number {
  for (let i = 0; i < count; i++) d.onFrame(fromMs + i * intervalMs);
  return fromMs + (count - 1) * intervalMs;
}

test('a gap of three average intervals and 150 ms more is a freeze; jitter is not', () => {
  const d = new FreezeDetector(0);
  d.startWindow(0);
  let t = steady(d, 0, 30);
  t = steady(d, t + 60, 10); // 60 ms: late, not frozen
  t = steady(d, t + 400, 10); // 400 ms: frozen
  assert.deepEqual(d.stats(t), { frames: 50, freezes: 1, frozenMs: 400, observedMs: t, neverShown: false });
});

test('the threshold is max(3 × average, average + 150 ms), the average including the gap itself', () => {
  // 10 fps: average 100 ms; 3 × average wins once the gap is in the average.
  const slow = new FreezeDetector(0);
  slow.startWindow(0);
  let t = steady(slow, 0, 31, 100);
  slow.onFrame((t += 300)); // average (29 × 100 + 300) / 30 = 106.7: 300 < 320
  assert.equal(slow.stats(t).freezes, 0);
  slow.onFrame((t += 400)); // 400 ≥ 3 × 116.7
  assert.equal(slow.stats(t).freezes, 1);
});

test('no freeze is judged before five gaps are known', () => {
  const d = new FreezeDetector(0);
  d.startWindow(0);
  for (const t of [0, 33, 1000, 1033]) d.onFrame(t);
  assert.equal(d.stats(1033).freezes, 0);
});

test('only the window counts: earlier freezes only teach the average, and a freeze across the start counts its part', () => {
  const d = new FreezeDetector(0);
  let t = steady(d, 0, 30);
  t = steady(d, t + 500, 10); // before the window
  d.startWindow(t + 100);
  const end = t + 700;
  d.onFrame(end); // a 700 ms gap, 600 ms of it in the window
  assert.deepEqual(d.stats(end), { frames: 1, freezes: 1, frozenMs: 600, observedMs: 600, neverShown: false });
});

test('a freeze still going on counts at the end', () => {
  const d = new FreezeDetector(0);
  d.startWindow(0);
  const t = steady(d, 0, 30);
  assert.deepEqual(d.stats(t + 1000), { frames: 30, freezes: 1, frozenMs: 1000, observedMs: t + 1000, neverShown: false });
  assert.equal(d.stats(t + 50).freezes, 0);
});

test('a pause ends the watching at the last frame; after it the gap history goes on and the pause is no freeze', () => {
  const d = new FreezeDetector(0);
  d.startWindow(0);
  let t = steady(d, 0, 30);
  d.pause();
  assert.deepEqual(d.stats(t + 5000), { frames: 30, freezes: 0, frozenMs: 0, observedMs: t, neverShown: false });
  d.resume(t + 5000);
  const resumed = t + 5100;
  t = steady(d, resumed, 3);
  t = steady(d, t + 500, 1); // the average of 33 ms carried over: a freeze at once
  assert.deepEqual(d.stats(t), { frames: 34, freezes: 1, frozenMs: 500, observedMs: 30 * 33 - 33 + (t - resumed), neverShown: false });
});

test('a video watched for seconds without a frame is reported, and observed for no time', () => {
  const d = new FreezeDetector(500);
  d.startWindow(0);
  assert.equal(d.stats(2000).neverShown, false);
  assert.deepEqual(d.stats(2500), { frames: 0, freezes: 0, frozenMs: 0, observedMs: 0, neverShown: true });
  d.pause();
  assert.equal(d.stats(9000).neverShown, false);
});
