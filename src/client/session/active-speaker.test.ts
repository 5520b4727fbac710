import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActiveSpeaker, HOLD_MS } from './active-speaker.js';

const STEP = 300;

/** Feeds `levels` every STEP ms for `ms`, from `t`; returns the active speaker after each step. */
function run(s: ActiveSpeaker, clock: { t: number }, levels: Record<string, number>, ms: number): (string | null)[] {
  const out: (string | null)[] = [];
  for (let end = clock.t + ms; clock.t < end; clock.t += STEP) out.push(s.update(new Map(Object.entries(levels)), clock.t));
  return out;
}

test('someone becomes the active speaker after speaking for the hold time, and stays through pauses', () => {
  const s = new ActiveSpeaker();
  const clock = { t: 0 };
  assert.deepEqual(run(s, clock, { a: 0, b: 0.001 }, 600), [null, null]); // silence and room noise
  const speaking = run(s, clock, { a: 0.2, b: 0 }, HOLD_MS + STEP);
  assert.equal(speaking[0], null);
  assert.equal(speaking.at(-1), 'a');
  assert.deepEqual(run(s, clock, { a: 0, b: 0 }, 3000).filter((x) => x !== 'a'), []); // a pause
});

test('a short sound or cross-talk at a similar level does not take over; clearly louder speech does', () => {
  const s = new ActiveSpeaker();
  const clock = { t: 0 };
  run(s, clock, { a: 0.2, b: 0 }, 1500);
  assert.equal(s.current, 'a');
  run(s, clock, { a: 0, b: 0.3 }, HOLD_MS - STEP); // a cough, shorter than the hold time
  run(s, clock, { a: 0, b: 0 }, STEP);
  run(s, clock, { a: 0, b: 0.3 }, HOLD_MS - STEP); // the run starts over
  assert.equal(s.current, 'a');
  assert.deepEqual(run(s, clock, { a: 0.2, b: 0.25 }, 3000).filter((x) => x !== 'a'), []); // both talking
  run(s, clock, { a: 0.05, b: 0.25 }, HOLD_MS + STEP);
  assert.equal(s.current, 'b');
});

test('alternating loudest never switches; a speaker who leaves is replaced by whoever speaks', () => {
  const s = new ActiveSpeaker();
  const clock = { t: 0 };
  run(s, clock, { a: 0.2, b: 0, c: 0 }, 1500);
  for (let i = 0; i < 10; i++) {
    run(s, clock, { a: 0, b: 0.3, c: 0 }, STEP * 2);
    run(s, clock, { a: 0, b: 0, c: 0.3 }, STEP * 2);
  }
  assert.equal(s.current, 'a');
  assert.equal(s.update(new Map([['b', 0], ['c', 0]]), clock.t), null);
  run(s, clock, { b: 0, c: 0.1 }, HOLD_MS + STEP);
  assert.equal(s.current, 'c');
});
