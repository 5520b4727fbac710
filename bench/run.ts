/**
 * `npm run bench`: server CPU time per forwarded RTP packet and forwarded packets per second,
 * for a 3-browser and a 5-browser meeting on loopback, and the time each browser spends encrypting
 * and decrypting a frame for end-to-end encryption. Browsers are real (Debian's Chromium with
 * fake devices); the server is the real one, measured from outside through /proc and /metrics (which
 * has its media worker processes' CPU time).
 * Then the same synthetic workload against Confab and Janus side by side (bench/janus/), join to
 * first remote frame with real browsers (bench/first-frame.ts), and the big room: synthetic
 * participants with last-N 9 (bench/big-room.ts, BENCH_BIG_ROOM participants, default 50).
 * `npm run bench -- --janus-only` runs only the Janus part.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launchBrowser } from '../tests/helpers/browser.js';
import { noiseVideo } from '../tests/helpers/fake-media.js';
import { Participant } from '../tests/helpers/meeting-page.js';
import { startServer, type RunningServer } from '../tests/helpers/server.js';
import type { FrameStats } from '../src/client/e2ee/worker-protocol.js';
import { runJanusBench } from './janus/compare.js';
import { formatJanusBench } from './janus/report.js';
import { measureFirstFrame } from './first-frame.js';
import { measureBigRoom } from './big-room.js';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
const SIZES = (process.env.BENCH_SIZES ?? '3,5').split(',').map(Number);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

function cpuSeconds(pid: number): number {
  // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (after the "(comm)" field).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Packet counters, and the media worker processes' CPU time (the server's children: /proc's stat of the server leaves them out). */
async function packetCounters(server: RunningServer): Promise<{ forwarded: number; received: number; workerCpu: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const read = (name: string) => {
    const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
    if (!m) throw new Error(`no ${name} metric`);
    return Number(m[1]);
  };
  const workerCpu = [...text.matchAll(/^confab_media_worker_cpu_seconds_total\{[^}]*\} ([\d.e+-]+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { forwarded: read('confab_rtp_forwarded_packets_total'), received: read('confab_rtp_received_packets_total'), workerCpu };
}

interface E2eeCost {
  frames: number;
  encryptMicros: number;
  decryptMicros: number;
}

interface Result { participants: number; receivedPerSecond: number; packetsPerSecond: number; cpuPerSecond: number; microsPerPacket: number; e2ee: E2eeCost }

/** Every browser's E2EE frame counters (window.__confab.e2ee), summed. */
async function e2eeCounters(people: Participant[]): Promise<{ encrypted: number; decrypted: number; encryptMillis: number; decryptMillis: number }> {
  const all = await Promise.all(people.map((p) => p.page.evaluate(() => (window as unknown as { __confab: { e2ee: { frameStats(): Promise<FrameStats> } } }).__confab.e2ee.frameStats())));
  return all.reduce(
    (sum, s) => ({ encrypted: sum.encrypted + s.encrypted, decrypted: sum.decrypted + s.decrypted, encryptMillis: sum.encryptMillis + s.encryptMillis, decryptMillis: sum.decryptMillis + s.decryptMillis }),
    { encrypted: 0, decrypted: 0, encryptMillis: 0, decryptMillis: 0 },
  );
}

async function measure(n: number): Promise<Result> {
  const server = await startServer();
  // A camera clip with real detail, so publishers send realistic bitrates (the default fake camera
  // compresses to a trickle); Chrome's congestion control still decides the actual rate.
  const browser = await launchBrowser([`--use-file-for-fake-video-capture=${await noiseVideo()}`]);
  try {
    const first = await Participant.open(browser, server.hostLink!, 'P1');
    const url = await first.startMeeting('Bench', { lobby: false });
    await first.join();
    const people = [first];
    for (let i = 2; i <= n; i++) {
      const p = await Participant.open(browser, url, `P${i}`);
      await p.join();
      people.push(p);
    }
    const ids = await Promise.all(people.map((p) => p.participantId()));
    await Promise.all(people.map((p, i) => p.expectMediaFlowing(ids.filter((_, j) => j !== i), 10, 60_000)));

    const cpu0 = cpuSeconds(server.pid);
    const pk0 = await packetCounters(server);
    const e0 = await e2eeCounters(people);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS)); // a fixed measurement window, not a wait for a condition
    const cpu1 = cpuSeconds(server.pid);
    const pk1 = await packetCounters(server);
    const e1 = await e2eeCounters(people);
    const seconds = (performance.now() - t0) / 1000;
    // Check that media still flows at the end, so the figures describe a working meeting.
    await Promise.all(people.map((p, i) => p.expectMediaFlowing(ids.filter((_, j) => j !== i), 5, 30_000)));
    const packets = pk1.forwarded - pk0.forwarded;
    const cpu = cpu1 + pk1.workerCpu - (cpu0 + pk0.workerCpu);
    return {
      participants: n,
      receivedPerSecond: (pk1.received - pk0.received) / seconds,
      packetsPerSecond: packets / seconds,
      cpuPerSecond: cpu / seconds,
      microsPerPacket: (cpu / packets) * 1e6,
      e2ee: {
        frames: e1.encrypted - e0.encrypted,
        encryptMicros: ((e1.encryptMillis - e0.encryptMillis) / (e1.encrypted - e0.encrypted)) * 1000,
        decryptMicros: ((e1.decryptMillis - e0.decryptMillis) / (e1.decrypted - e0.decrypted)) * 1000,
      },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const JANUS_ONLY = process.argv.includes('--janus-only');

if (!JANUS_ONLY) {
  const results: Result[] = [];
  for (const n of SIZES) results.push(await measure(n));
  console.log('\nSFU forwarding (CPU of the server and its media workers, all work included: receive, TWCC feedback, forward, signaling)');
  console.log('participants  received pkt/s  forwarded pkt/s  server CPU s/s  CPU µs per forwarded packet');
  for (const r of results) {
    console.log(
      `${String(r.participants).padStart(12)}  ${r.receivedPerSecond.toFixed(0).padStart(14)}  ${r.packetsPerSecond.toFixed(0).padStart(15)}  ${r.cpuPerSecond.toFixed(3).padStart(14)}  ${r.microsPerPacket.toFixed(1).padStart(27)}`,
    );
  }
  console.log('\nE2EE in the browser (RTCRtpScriptTransform worker, AES-256-GCM via WebCrypto; audio and video frames together)');
  console.log('participants  frames encrypted  µs per frame encrypting  µs per frame decrypting');
  for (const r of results) {
    console.log(
      `${String(r.participants).padStart(12)}  ${String(r.e2ee.frames).padStart(16)}  ${r.e2ee.encryptMicros.toFixed(0).padStart(23)}  ${r.e2ee.decryptMicros.toFixed(0).padStart(23)}`,
    );
  }
}

const janus = await runJanusBench({
  comparable: { participants: Number(process.env.BENCH_JANUS_PARTICIPANTS ?? 8), layer: 0 },
  saturation: { participants: Number(process.env.BENCH_JANUS_SATURATION ?? 10), layer: 0 },
  warmupMs: 5000,
  windowMs: WINDOW_MS,
});
console.log(formatJanusBench(janus));

if (!JANUS_ONLY) {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const ff = await measureFirstFrame(server, browser, Number(process.env.BENCH_JOINS ?? 10));
    console.log(`\nJoin to first remote frame, real browsers on loopback (${ff.joins} joins): p50 ${ff.p50Ms} ms, p95 ${ff.p95Ms} ms, max ${ff.maxMs} ms`);
  } finally {
    await browser.close();
    await server.stop();
  }
  const n = Number(process.env.BENCH_BIG_ROOM ?? 50);
  const big = await measureBigRoom(n, 20);
  const joined = big.participants.joined;
  console.log(`\nBig room: ${n} synthetic participants, last-N 9, nine 320x180 tiles each, simulcast (${joined} joined)`);
  if (big.server) {
    console.log(`  SFU CPU ${big.server.cpuPerSecond.toFixed(2)} s/s over ${big.server.processes} processes, RSS ${big.server.rssMb.toFixed(0)} MB (${(big.server.rssMb / Math.max(1, joined)).toFixed(1)} MB per participant)`);
  }
  console.log(`  frames per subscriber per second ${big.video.framesPerSubscriberPerSecond.toFixed(1)}, frozen ${(big.video.frozenShare * 100).toFixed(1)} % of watched time`);
  console.log(`  join to first frame p50 ${big.joinToFirstFrameMs.p50} ms, p95 ${big.joinToFirstFrameMs.p95} ms; load average ${big.machine.loadAverage.join(' -> ')}`);
}
