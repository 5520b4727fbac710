import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVp8KeyframeStart, vp8DescriptorLength, vp8KeyframeHeight } from './vp8.js';

test('descriptor length follows the X, I (7/15-bit), L, T/K flags', () => {
  assert.equal(vp8DescriptorLength(Uint8Array.of(0x10, 0x00)), 1);
  assert.equal(vp8DescriptorLength(Uint8Array.of(0x90, 0x80, 0x05, 0x00)), 3); // 7-bit PictureID
  assert.equal(vp8DescriptorLength(Uint8Array.of(0x90, 0x80, 0x81, 0x23, 0x00)), 4); // 15-bit PictureID
  assert.equal(vp8DescriptorLength(Uint8Array.of(0x90, 0xe0, 0x81, 0x23, 0x07, 0x40, 0x00)), 6); // I+L+T
  assert.equal(vp8DescriptorLength(Uint8Array.of(0x90, 0x80, 0x81)), -1); // truncated
  assert.equal(vp8DescriptorLength(new Uint8Array()), -1);
});

test('a keyframe starts partition 0 with the inverse key bit clear', () => {
  // Chrome's usual descriptor: X=1,S=1 | I=1 | 15-bit PictureID; then the VP8 payload header.
  const key = Uint8Array.of(0x90, 0x80, 0x80, 0x01, 0x10 /* P=0 */, 0x02, 0x00, 0x9d, 0x01, 0x2a);
  const delta = Uint8Array.of(0x90, 0x80, 0x80, 0x02, 0x11 /* P=1 */, 0x02, 0x00);
  const middle = Uint8Array.of(0x80, 0x80, 0x80, 0x01, 0x10); // S=0: not the start of the frame
  const otherPartition = Uint8Array.of(0x91, 0x80, 0x80, 0x01, 0x10); // PID=1
  assert.equal(isVp8KeyframeStart(key), true);
  assert.equal(isVp8KeyframeStart(delta), false);
  assert.equal(isVp8KeyframeStart(middle), false);
  assert.equal(isVp8KeyframeStart(otherPartition), false);
  assert.equal(isVp8KeyframeStart(Uint8Array.of(0x90, 0x80, 0x80, 0x01)), false); // no payload byte
});

test('a keyframe start tells the frame height; other packets tell nothing', () => {
  // descriptor (4) | frame tag (3) | start code 9d 01 2a | width 640 | height 360 (little endian, 14 bits)
  const key = Uint8Array.of(0x90, 0x80, 0x80, 0x01, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x41);
  assert.equal(vp8KeyframeHeight(key), 360); // the top two bits (scaling) are not part of the height
  assert.equal(vp8KeyframeHeight(Uint8Array.of(0x90, 0x80, 0x80, 0x02, 0x11, 0x02, 0x00)), -1);
  assert.equal(vp8KeyframeHeight(key.subarray(0, 12)), -1); // truncated before the height
});
