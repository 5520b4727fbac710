import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParticipantStats } from './participant.js';
import { buildReport, formatReport, percentile } from './report.js';

function participant(index: number, over: Partial<ParticipantStats> = {}): ParticipantStats {
  return {
    index,
    joined: true,
    failure: null,
    simulcast: true,
    mediaRestarts: {},
    joinToFirstFrameMs: null,
    receive: { frames: 300, freezes: 1, frozenMs: 500, observedMs: 9500, streamsNeverShown: 0, heldBackMs: { 'last-n': 500 }, audioPackets: 1000 },
    videoPacketsSent: 900,
    audioPacketsSent: 500,
    errors: {},
    ...over,
  };
}

const usage = (cpuSeconds: number) => ({ cpuSeconds, rssBytes: 200 * 1024 * 1024, peakRssBytes: 250 * 1024 * 1024, processes: 2 });

test('nearest-rank percentiles', () => {
  const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 95), 100);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile([7], 50), 7);
  assert.equal(percentile([], 50), null);
});

test('the report sums the participants of all pools, per subscriber and second, and the server over the window', () => {
  const pools = [
    { participants: [participant(0), participant(2, { joinToFirstFrameMs: 800 })], eventLoopDelayMs: { p99: 12, max: 40 } },
    {
      participants: [
        participant(1, { joinToFirstFrameMs: 400, mediaRestarts: { 'ice-failed': 1 }, errors: { 'rate-limited': 2 } }),
        participant(3, { joined: false, failure: 'error meeting-full', simulcast: null }),
      ],
      eventLoopDelayMs: { p99: 30, max: 35 },
    },
  ];
  const r = buildReport(pools, {
    windowSeconds: 10,
    requested: 4,
    server: { before: usage(100), after: usage(105) },
    joinSeconds: 1.5,
    joinServerCpuSeconds: 0.75,
    loadCpuSeconds: 4,
    workers: 2,
    cpus: 2,
    loadAverage: [1.5, 2.25],
    serverLogProblems: { 'media failed (ice-failed)': 2 },
  });
  assert.deepEqual(r.participants, { requested: 4, joined: 3, failed: 1, failures: { 'error meeting-full': 1 }, mediaRestarts: { 'ice-failed': 1 } });
  assert.deepEqual(r.publishing, { simulcast: 3, singleLayer: 0 });
  assert.deepEqual(r.video, { framesReceived: 900, framesPerSubscriberPerSecond: 30, freezes: 3, frozenShare: 0.0526, streamsNeverShown: 0, heldBackShare: { 'last-n': 0.05 } });
  assert.deepEqual(r.joinToFirstFrameMs, { samples: 2, p50: 400, p95: 800, max: 800 });
  assert.deepEqual(r.audio, { packetsReceived: 3000, packetsPerSubscriberPerSecond: 100 });
  assert.deepEqual(r.server, { cpuSeconds: 5, cpuPerSecond: 0.5, rssMb: 200, peakRssMb: 250, processes: 2 });
  assert.deepEqual(r.joinPhase, { seconds: 1.5, serverCpuSeconds: 0.75 });
  assert.deepEqual(r.loadGenerator, { cpuSeconds: 4, cpuPerSecond: 0.4, workers: 2, eventLoopDelayMs: { p99: 30, max: 40 } });
  assert.deepEqual(r.serverErrors, { 'rate-limited': 2 });
  assert.deepEqual(r.machine, { cpus: 2, loadAverage: [1.5, 2.25] });
  assert.equal(r.warnings.length, 0);
  assert.deepEqual(r.serverLog, { 'media failed (ice-failed)': 2 });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);

  const text = formatReport(r);
  assert.match(text, /3 of 4 joined; failed: error meeting-full ×1/);
  assert.match(text, /900 received, 30 per subscriber per second/);
  assert.match(text, /p50 400 ms, p95 800 ms, max 800 ms \(2 joins\)/);
  assert.match(text, /5 CPU s \(0\.5 per s\), RSS 200 MB/);
  assert.match(text, /server log +media failed \(ice-failed\) ×2/);
  r.warnings.push('something odd');
  assert.match(formatReport(r), /warning +something odd/);
});

test('without a known server process the report says so', () => {
  const r = buildReport([{ participants: [participant(0)], eventLoopDelayMs: { p99: 1, max: 1 } }], {
    windowSeconds: 1,
    requested: 1,
    server: null,
    joinSeconds: 0,
    joinServerCpuSeconds: null,
    loadCpuSeconds: 0,
    workers: 0,
    cpus: 2,
    loadAverage: [0, 0],
    serverLogProblems: null,
  });
  assert.equal(r.server, null);
  assert.match(formatReport(r), /server +not measured/);
});
