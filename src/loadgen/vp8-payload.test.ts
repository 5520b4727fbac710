import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVp8KeyframeStart, vp8DescriptorLength } from '../sfu/vp8.js';
import { isVp8FrameStart, MAX_SLICE_BYTES, sliceFrame, VP8_DESCRIPTOR_BYTES, writeVp8Payload } from './vp8-payload.js';

test('a frame is cut into nearly equal slices no larger than the limit, without copying', () => {
  const frame = Buffer.alloc(2500, 7);
  const slices = sliceFrame(frame, 1000);
  assert.deepEqual(slices.map((s) => s.length), [834, 834, 832]);
  assert.equal(slices[0]!.buffer, frame.buffer);
  assert.deepEqual(Buffer.concat(slices), frame);
  assert.deepEqual(sliceFrame(Buffer.alloc(10)).map((s) => s.length), [10]);
  assert.ok(sliceFrame(Buffer.alloc(50_000)).every((s) => s.length <= MAX_SLICE_BYTES));
});

test('the descriptor carries S on the first slice and a 15-bit PictureID, as the SFU reads it', () => {
  const target = Buffer.alloc(VP8_DESCRIPTOR_BYTES + 8);
  const keyframe = Uint8Array.of(0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a); // P=0: a keyframe's frame tag
  const length = writeVp8Payload(target, keyframe, true, 0x1234);
  const payload = target.subarray(0, length);
  assert.equal(length, VP8_DESCRIPTOR_BYTES + keyframe.length);
  assert.deepEqual([...payload.subarray(0, 4)], [0x90, 0x80, 0x80 | 0x12, 0x34]);
  assert.equal(vp8DescriptorLength(payload), VP8_DESCRIPTOR_BYTES);
  assert.equal(isVp8KeyframeStart(payload), true);
  assert.equal(isVp8FrameStart(payload), true);

  const next = writeVp8Payload(target, Uint8Array.of(1, 2, 3), false, 0x7fff);
  assert.deepEqual([...target.subarray(0, next)], [0x80, 0x80, 0xff, 0xff, 1, 2, 3]);
  assert.equal(isVp8FrameStart(target.subarray(0, next)), false);
  assert.equal(isVp8KeyframeStart(target.subarray(0, next)), false);
});

test('a frame starts with S=1 in partition 0 only', () => {
  assert.equal(isVp8FrameStart(Uint8Array.of(0x10)), true);
  assert.equal(isVp8FrameStart(Uint8Array.of(0x90)), true);
  assert.equal(isVp8FrameStart(Uint8Array.of(0x11)), false); // S=1 but partition 1
  assert.equal(isVp8FrameStart(Uint8Array.of(0x80)), false);
  assert.equal(isVp8FrameStart(new Uint8Array()), false);
});
