import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameStallDetector, STALL_MS } from './frame-stalls.js';

/** Feeds one video's readings every 300 ms (the stats poll) and returns when keyframes were asked. */
function run(readings: Array<{ packets: number; framesDecoded: number }>): number[] {
  const detector = new FrameStallDetector();
  const asked: number[] = [];
  readings.forEach((r, i) => {
    if (detector.check(new Map([['1', r]]), i * 300).length > 0) asked.push(i * 300);
  });
  return asked;
}

test('a video decoding normally is never reported', () => {
  assert.deepEqual(run(Array.from({ length: 20 }, (_, i) => ({ packets: i * 15, framesDecoded: i * 6 }))), []);
});

test('packets without frames for STALL_MS: a keyframe is asked, then again a second later while it lasts', () => {
  const readings = Array.from({ length: 12 }, (_, i) => ({ packets: i * 15, framesDecoded: Math.min(i, 2) * 6 }));
  // The last frame came at 600 ms: asked at the first poll STALL_MS later, then a second after that.
  assert.deepEqual(run(readings), [1500, 2700]);
  assert.ok(1500 - 600 >= STALL_MS && 1200 - 600 < STALL_MS);
});

test('a paused video (no packets) or one that only gets padding is not a stall', () => {
  assert.deepEqual(run(Array.from({ length: 12 }, () => ({ packets: 100, framesDecoded: 40 }))), []);
  assert.deepEqual(run(Array.from({ length: 12 }, (_, i) => ({ packets: 100 + Math.min(i, 1) * 3, framesDecoded: 40 }))), []);
});

test('decoding again ends the stall: the next one waits STALL_MS again', () => {
  const frames = [0, 6, 6, 6, 6, 6, 6, 12, 18, 18, 18, 18, 18, 18];
  assert.deepEqual(run(frames.map((f, i) => ({ packets: i * 15, framesDecoded: f }))), [1200, 3300]);
});

test('a stall that keyframes don\'t end is asked about ever less often, at most every 16 s', () => {
  const asked = run(Array.from({ length: 200 }, (_, i) => ({ packets: i * 15, framesDecoded: 6 }))); // a minute
  assert.deepEqual(asked.slice(0, 5), [900, 2100, 4200, 8400, 16500]);
  const gaps = asked.slice(1).map((t, i) => t - asked[i]!);
  assert.ok(gaps.every((g, i) => i === 0 || g >= gaps[i - 1]!) && Math.max(...gaps) <= 16_000 + 300, JSON.stringify(asked));
});

test('a video that went away is forgotten', () => {
  const detector = new FrameStallDetector();
  for (let t = 0; t <= 1500; t += 300) detector.check(new Map([['1', { packets: t, framesDecoded: 5 }]]), t);
  detector.check(new Map(), 1800);
  // Back with the same counters: it counts as new, not as stalled since before.
  assert.deepEqual(detector.check(new Map([['1', { packets: 2000, framesDecoded: 5 }]]), 2100), []);
});
