import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from './run-load.js';

// End to end against the real server (started by the run on loopback), with a worker thread:
// three synthetic participants publish and receive real VP8 and Opus through the SFU.
test('a short load run joins everyone, moves video and audio, and measures the server', { timeout: 120_000 }, async () => {
  const r = await runLoad({ participants: 3, durationSeconds: 3, settleSeconds: 1, speakers: 1, workers: 1 });
  assert.deepEqual(r.participants.failures, {});
  assert.equal(r.participants.joined, 3);
  assert.equal(r.publishing.simulcast + r.publishing.singleLayer, 3);
  assert.ok(r.video.framesReceived > 0, 'video frames arrive');
  assert.ok(r.audio.packetsReceived > 0, 'audio packets arrive');
  assert.ok(r.sent.videoPackets > 0 && r.sent.audioPackets > 0);
  assert.equal(r.joinToFirstFrameMs.samples, 2); // the first participant joined alone
  assert.ok(r.server && r.server.cpuSeconds > 0 && r.server.rssMb > 0);
  assert.ok(r.loadGenerator.cpuSeconds > 0);
});
