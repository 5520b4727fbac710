import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RemoteTrack } from '../../protocol/messages.js';
import { measuresBetween, rateConnection } from './connection-quality.js';
import { audioLevels, readInbound } from './inbound-stats.js';

const TRACKS: RemoteTrack[] = [
  { mid: '2', participantId: 'bob', kind: 'audio', source: 'microphone' },
  { mid: '3', participantId: 'bob', kind: 'video', source: 'camera' },
  { mid: '4', participantId: 'cleo', kind: 'audio', source: 'microphone' },
];

function report(o: { bobPackets: number; bobLost: number; bobEnergy: number; seconds: number; fps: number; cleoEnergy?: number }) {
  return [
    { type: 'transport', id: 'T', selectedCandidatePairId: 'CP1' },
    { type: 'candidate-pair', id: 'CP0', nominated: true, state: 'failed', currentRoundTripTime: 9 },
    { type: 'candidate-pair', id: 'CP1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.04 },
    { type: 'inbound-rtp', mid: '2', kind: 'audio', packetsReceived: o.bobPackets, packetsLost: o.bobLost, jitter: 0.005, totalAudioEnergy: o.bobEnergy, totalSamplesDuration: o.seconds },
    { type: 'inbound-rtp', mid: '3', kind: 'video', packetsReceived: o.bobPackets * 2, retransmittedPacketsReceived: 7, packetsLost: 0, framesPerSecond: o.fps, framesDecoded: o.fps * o.seconds },
    { type: 'inbound-rtp', mid: '4', kind: 'audio', packetsReceived: o.bobPackets, packetsLost: 0, jitter: 0.2, totalAudioEnergy: o.cleoEnergy ?? 0, totalSamplesDuration: o.seconds },
    { type: 'inbound-rtp', mid: '9', kind: 'video', packetsReceived: 5 }, // an idle mid: nobody's
  ];
}

test('inbound stats are summed per participant; levels are the RMS between two readings', () => {
  const a = readInbound(report({ bobPackets: 100, bobLost: 0, bobEnergy: 0, seconds: 10, fps: 30 }), TRACKS, 0);
  const b = readInbound(report({ bobPackets: 200, bobLost: 30, bobEnergy: 0.16 * 2, seconds: 12, fps: 30, cleoEnergy: 0 }), TRACKS, 2000);
  assert.deepEqual([...b.byParticipant.keys()], ['bob', 'cleo']);
  assert.equal(b.rtt, 0.04);
  assert.deepEqual(b.byParticipant.get('bob'), { audioEnergy: 0.32, audioDuration: 12, packetsReceived: 600, packetsLost: 30, jitter: 0.005, framesPerSecond: 30 });
  // Each video's own progress, for the stall detector: media packets without retransmissions.
  assert.deepEqual([...b.videos], [['3', { participantId: 'bob', source: 'camera', packets: 393, framesDecoded: 360 }]]);
  const levels = audioLevels(a, b);
  assert.ok(Math.abs(levels.get('bob')! - 0.4) < 1e-9);
  assert.equal(levels.get('cleo'), 0);
  assert.equal(audioLevels(b, a).get('bob'), 0); // a new connection starts the counters again
});

test('connection quality: the worst measure decides; video only counts while the camera is on', () => {
  const base = { lossRatio: 0, jitter: 0.01, rtt: 0.05, framesPerSecond: 30 };
  assert.equal(rateConnection(base), 'good');
  assert.equal(rateConnection({ ...base, lossRatio: 0.05 }), 'fair');
  assert.equal(rateConnection({ ...base, lossRatio: 0.05, rtt: 0.7 }), 'poor');
  assert.equal(rateConnection({ ...base, jitter: 0.04 }), 'fair');
  assert.equal(rateConnection({ ...base, framesPerSecond: 3 }), 'poor');
  assert.equal(rateConnection({ ...base, framesPerSecond: null, jitter: null, rtt: null }), 'good');

  const a = readInbound(report({ bobPackets: 100, bobLost: 0, bobEnergy: 0, seconds: 10, fps: 30 }), TRACKS, 0);
  const b = readInbound(report({ bobPackets: 200, bobLost: 30, bobEnergy: 0, seconds: 12, fps: 2 }), TRACKS, 2000);
  const on = measuresBetween(a, b, 'bob', true)!;
  assert.equal(on.lossRatio, 30 / 330);
  assert.equal(rateConnection(on), 'poor');
  assert.equal(measuresBetween(a, b, 'bob', false)!.framesPerSecond, null);
  assert.equal(measuresBetween(a, a, 'bob', true), null); // nothing arrived: no verdict
  assert.equal(measuresBetween(a, b, 'nobody', true), null);
  assert.equal(rateConnection(measuresBetween(a, b, 'cleo', false)!), 'poor'); // jitter 0.2 s
});
