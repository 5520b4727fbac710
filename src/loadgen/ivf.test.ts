import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isVp8Keyframe, parseIvf } from './ivf.js';
import { SAMPLES_DIR } from './media-samples.js';
import { ivfFile as ivf } from './test-media.js';

test('frames, sizes, keyframes and frame rate are read from an IVF file', () => {
  const clip = parseIvf(ivf([Buffer.of(0x10, 1, 2), Buffer.of(0x11, 3), Buffer.of(0x00)]));
  assert.equal(clip.width, 320);
  assert.equal(clip.height, 180);
  assert.equal(clip.framesPerSecond, 30);
  assert.deepEqual(clip.frames.map((f) => [...f.data]), [[0x10, 1, 2], [0x11, 3], [0x00]]);
  assert.deepEqual(clip.frames.map((f) => f.keyframe), [true, false, true]);
});

test('what is not a VP8 IVF clip starting with a keyframe is refused', () => {
  assert.throws(() => parseIvf(Buffer.from('not an ivf file at all, just text')), /not an IVF/);
  assert.throws(() => parseIvf(ivf([Buffer.of(0x10)], 'VP90')), /not VP8/);
  assert.throws(() => parseIvf(ivf([Buffer.of(0x11), Buffer.of(0x10)])), /start with a keyframe/);
  assert.throws(() => parseIvf(ivf([Buffer.of(0x10, 1, 2, 3)]).subarray(0, -2)), /truncated/);
});

test('the keyframe bit is bit 0 of the frame tag', () => {
  assert.equal(isVp8Keyframe(Uint8Array.of(0x50)), true);
  assert.equal(isVp8Keyframe(Uint8Array.of(0x51)), false);
  assert.equal(isVp8Keyframe(new Uint8Array()), false);
});

test('the shipped camera samples are 3 s at 30 fps with a keyframe every second', () => {
  for (const [name, width, height] of [['camera-320x180.ivf', 320, 180], ['camera-640x360.ivf', 640, 360], ['camera-1280x720.ivf', 1280, 720]] as const) {
    const clip = parseIvf(readFileSync(new URL(name, SAMPLES_DIR)));
    assert.equal(clip.width, width);
    assert.equal(clip.height, height);
    assert.equal(clip.framesPerSecond, 30);
    assert.equal(clip.frames.length, 90);
    assert.deepEqual(clip.frames.flatMap((f, i) => (f.keyframe ? [i] : [])), [0, 30, 60], name);
  }
});
