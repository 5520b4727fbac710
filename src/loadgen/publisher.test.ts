import assert from 'node:assert/strict';
import { test } from 'node:test';
import { videoClip } from './media-samples.js';
import { Publisher } from './publisher.js';
import { ivfFile, RecordingSink, vp8Frame } from './test-media.js';

const clip = videoClip(ivfFile([vp8Frame(true, 0), vp8Frame(false, 1), vp8Frame(false, 2), vp8Frame(true, 3), vp8Frame(false, 4), vp8Frame(false, 5)]));
/** The clip frame a packet starts (vp8Frame fills its frame with the id). */
const frameId = (p: { payload: Buffer }) => p.payload[5];
const opus = [Buffer.of(0xfc, 1), Buffer.of(0xfc, 2)];

function simulcast() {
  const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
  const mic = new RecordingSink();
  const publisher = new Publisher(
    sinks.map((sink, layer) => ({ layer, ssrc: 100 + layer, sink, clip })),
    { sink: mic, packets: opus },
    0,
  );
  return { sinks, mic, publisher };
}

test('one second sends 30 frames per layer with the same timestamps, and 50 audio packets', () => {
  const { sinks, mic, publisher } = simulcast();
  for (let now = 0; now < 1000; now += 5) publisher.tick(now);
  for (const sink of sinks) assert.equal(sink.sent.length, 30);
  const ts = sinks.map((s) => s.sent.map((p) => p.timestamp));
  assert.deepEqual(ts[1], ts[0]);
  assert.deepEqual(ts[2], ts[0]);
  ts[0]!.slice(1).forEach((t, i) => assert.equal((t - ts[0]![i]!) >>> 0, 3000));
  assert.equal(mic.sent.length, 50);
  mic.sent.slice(1).forEach((p, i) => {
    assert.equal((p.timestamp - mic.sent[i]!.timestamp) >>> 0, 960);
    assert.equal(p.sequenceNumber, (mic.sent[i]!.sequenceNumber + 1) & 0xffff);
  });
  assert.deepEqual(mic.sent.map((p) => p.marker).slice(0, 3), [true, false, false]);
  assert.deepEqual(mic.sent.slice(0, 3).map((p) => p.payload[1]), [1, 2, 1]);
  assert.equal(publisher.audioPacketsSent, 50);
  assert.equal(publisher.videoPacketsSent, 90);
});

test('dynacast switches layers off and on; PLI, FIR and NACK reach the layer by SSRC', () => {
  const { sinks, publisher } = simulcast();
  publisher.tick(0); // frame 0 on every layer
  publisher.setActiveLayers([true, false, false]);
  publisher.tick(34);
  assert.deepEqual(sinks.map((s) => s.sent.map(frameId)), [[0, 1], [0], [0]]);
  publisher.setActiveLayers([true, true, false]);
  publisher.requestKeyframe(100); // layer 0: jump from frame 2 to keyframe 3
  publisher.tick(67); // layer 1 resumes at its next keyframe, 3
  assert.deepEqual(sinks.map((s) => s.sent.map(frameId)), [[0, 1, 3], [0, 3], [0]]);
  publisher.tick(100);
  assert.deepEqual(sinks.map((s) => s.sent.map(frameId)), [[0, 1, 3, 4], [0, 3, 4], [0]]);
  publisher.retransmit(101, [7, 8]);
  publisher.retransmit(999, [1]);
  assert.deepEqual(sinks[1]!.retransmitted, [7, 8]);
  assert.deepEqual(sinks[0]!.retransmitted, []);
});

test('a single encoding is sent while any layer is wanted; a muted participant sends no audio', () => {
  const sink = new RecordingSink();
  const publisher = new Publisher([{ layer: 1, ssrc: 5, sink, clip }], null, 0);
  publisher.setActiveLayers([false, false, false]);
  publisher.tick(0);
  assert.equal(sink.sent.length, 0);
  publisher.setActiveLayers([true, false, false]);
  publisher.tick(40);
  assert.equal(sink.sent.length, 1);
  assert.equal(publisher.audioPacketsSent, 0);
});
