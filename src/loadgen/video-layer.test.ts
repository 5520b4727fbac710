import assert from 'node:assert/strict';
import { test } from 'node:test';
import { videoClip } from './media-samples.js';
import { ivfFile, RecordingSink, vp8Frame, type SentPacket } from './test-media.js';
import { VideoLayer } from './video-layer.js';
import { MAX_SLICE_BYTES } from './vp8-payload.js';

/** Frames 0..5, keyframes at 0 and 3; frame 1 is large enough for three packets. */
const clip = videoClip(
  ivfFile([vp8Frame(true, 0), vp8Frame(false, 1, 2 * MAX_SLICE_BYTES + 10), vp8Frame(false, 2), vp8Frame(true, 3), vp8Frame(false, 4), vp8Frame(false, 5)]),
);

const pictureId = (p: SentPacket) => ((p.payload[2]! & 0x7f) << 8) | p.payload[3]!;
/** The clip frame a packet came from (vp8Frame fills the frame with its id after the first byte). */
const frameId = (p: SentPacket) => p.payload[5]!;
const frameStarts = (sent: SentPacket[]) => sent.filter((p) => (p.payload[0]! & 0x10) !== 0);

test('frames loop with continuous sequence numbers and PictureIDs; the marker ends each frame', () => {
  const sink = new RecordingSink();
  const layer = new VideoLayer(clip, sink);
  for (let i = 0; i < 8; i++) layer.sendFrame(1000 + i);
  const starts = frameStarts(sink.sent);
  assert.deepEqual(starts.map(frameId), [0, 1, 2, 3, 4, 5, 0, 1]);
  assert.equal(sink.sent.length, 8 + 2 + 2); // frame 1 (sent twice) takes three packets
  sink.sent.forEach((p, i) => assert.equal(p.sequenceNumber, (sink.sent[0]!.sequenceNumber + i) & 0xffff));
  starts.forEach((p, i) => assert.equal(pictureId(p), (pictureId(starts[0]!) + i) & 0x7fff));
  // Each frame: one timestamp, the marker on its last packet only.
  const frame1 = sink.sent.filter((p) => p.timestamp === 1001);
  assert.deepEqual(frame1.map((p) => p.marker), [false, false, true]);
  assert.ok(frame1.every((p) => pictureId(p) === pictureId(frame1[0]!)));
  assert.equal(layer.packetsSent, sink.sent.length);
});

test('a keyframe request makes the next frame the next keyframe of the clip', () => {
  const sink = new RecordingSink();
  const layer = new VideoLayer(clip, sink);
  layer.sendFrame(0); // frame 0
  layer.requestKeyframe();
  layer.sendFrame(1); // jumps to 3
  layer.sendFrame(2); // 4
  layer.sendFrame(3); // 5
  layer.requestKeyframe();
  layer.sendFrame(4); // past the end: wraps to keyframe 0
  assert.deepEqual(frameStarts(sink.sent).map(frameId), [0, 3, 4, 5, 0]);
});

test('an inactive layer sends nothing and starts again at a keyframe', () => {
  const sink = new RecordingSink();
  const layer = new VideoLayer(clip, sink);
  layer.sendFrame(0);
  layer.sendFrame(1);
  layer.setActive(false);
  layer.sendFrame(2);
  assert.deepEqual(frameStarts(sink.sent).map(frameId), [0, 1]);
  layer.setActive(true);
  layer.setActive(true); // already active: no second jump
  layer.sendFrame(3);
  layer.sendFrame(4);
  assert.deepEqual(frameStarts(sink.sent).map(frameId), [0, 1, 3, 4]);
  // No sequence number is used while off.
  sink.sent.forEach((p, i) => assert.equal(p.sequenceNumber, (sink.sent[0]!.sequenceNumber + i) & 0xffff));
});
