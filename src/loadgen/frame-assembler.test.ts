import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameAssembler } from './frame-assembler.js';

/** Payloads as the SFU forwards them: a VP8 descriptor (S bit on a frame's first packet), then the frame tag. */
const KEY_START = Uint8Array.of(0x90, 0x80, 0x80, 0x01, 0x10);
const DELTA_START = Uint8Array.of(0x90, 0x80, 0x80, 0x01, 0x11);
const MIDDLE = Uint8Array.of(0x80, 0x80, 0x80, 0x01, 0x00);

interface Packet {
  seq: number;
  ts: number;
  marker: boolean;
  payload: Uint8Array;
}

/** Frames of `sizes` packets each, from `seq`, timestamps 3000 apart; the first is a keyframe. */
function frames(sizes: number[], seq = 100, ts = 0): Packet[] {
  const out: Packet[] = [];
  sizes.forEach((size, f) => {
    for (let i = 0; i < size; i++) {
      const payload = i > 0 ? MIDDLE : f === 0 ? KEY_START : DELTA_START;
      out.push({ seq: (seq + out.length) & 0xffff, ts: ts + f * 3000, marker: i === size - 1, payload });
    }
  });
  return out;
}

/** Frames shown as each packet arrives. */
function feed(a: FrameAssembler, packets: Packet[]): number[] {
  return packets.map((p) => a.onPacket(p.seq, p.ts, p.marker, p.payload));
}

const total = (shown: number[]) => shown.reduce((x, y) => x + y, 0);

test('complete frames in order are shown as their last packet arrives', () => {
  assert.deepEqual(feed(new FrameAssembler(), frames([3, 1, 2])), [0, 0, 1, 1, 0, 1]);
});

test('packets reordered within a frame still complete it once; duplicates count nothing', () => {
  const [k1, k2, k3, d1] = frames([3, 1]);
  assert.deepEqual(feed(new FrameAssembler(), [k3!, k1!, k2!, k2!, d1!, d1!]), [0, 0, 1, 0, 1, 0]);
});

test('a missing packet holds back the frames after it until a retransmission fills the gap', () => {
  const a = new FrameAssembler();
  const p = frames([1, 2, 1, 1]);
  const lost = p[2]!; // second packet of the first delta frame
  assert.deepEqual(feed(a, p.filter((x) => x !== lost)), [1, 0, 0, 0]);
  assert.equal(a.stalled, true); // complete later frames wait for the missing one
  assert.equal(a.onPacket(lost.seq, lost.ts, lost.marker, lost.payload), 3);
  assert.equal(a.stalled, false);
});

test('a lost frame is recovered by the next keyframe, not by the deltas after it', () => {
  const a = new FrameAssembler();
  const p = frames([1, 1, 1]); // key, delta (lost), delta
  assert.equal(total(feed(a, [p[0]!, p[2]!])), 1);
  assert.deepEqual(feed(a, frames([2], 103, 9000)), [0, 1]);
  // The lost delta arriving late is older than what was shown: ignored.
  assert.equal(a.onPacket(p[1]!.seq, p[1]!.ts, true, p[1]!.payload), 0);
});

test('sequence numbers wrap around', () => {
  assert.equal(total(feed(new FrameAssembler(), frames([2, 2, 2], 65533))), 3);
});

test('nothing is shown before the first keyframe', () => {
  const a = new FrameAssembler();
  assert.equal(total(feed(a, frames([1, 1, 1]).slice(1))), 0);
  assert.equal(total(feed(a, frames([1], 103, 9000))), 1);
});
