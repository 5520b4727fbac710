import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtcpPacketConverter, RtcpTransportLayerFeedback, TransportWideCC } from 'werift';
import { DownlinkEstimator } from './downlink-estimator.js';
import { TransportFeedbackBuilder } from './transport-feedback.js';

/**
 * A sender that sends what the estimate allows (capped at `appMaxBps`) in 1200-byte packets over a
 * link of `capacityBps` with a drop-tail queue and random loss; the receiver's feedback comes from
 * our own TransportFeedbackBuilder and is parsed by werift, as on the wire. With `layers` it sends
 * like an SFU: the largest layer rate the estimate allows (the lowest one always). The path's
 * one-way delay is `delayMs`, or `delayAfterMs` from `delayChangesAtMs` on.
 */
function simulate(opts: {
  capacityBps: number;
  lossRate: number;
  appMaxBps: number;
  seconds: number;
  delayMs?: number;
  layers?: number[];
  delayChangesAtMs?: number;
  delayAfterMs?: number;
  /** The link drops everything in [from, to). */
  cut?: [number, number];
  /** How often the receiver sends feedback (50 ms unless given). */
  feedbackEveryMs?: number;
}) {
  const est = new DownlinkEstimator();
  const fb = new TransportFeedbackBuilder(1);
  const size = 1200;
  const queueLimitMs = 300;
  let seq = 0;
  let linkFreeAtMs = 0;
  let rng = 12345;
  const random = () => ((rng = (rng * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const arrivals: { atMs: number; seq: number }[] = [];
  const history: { t: number; bps: number; arrivedBps: number }[] = [];
  let credit = 0;
  let t = 0;
  const send = (bytes: number) => {
    const s = seq++ & 0xffff;
    est.onSent(s, bytes, t);
    const start = Math.max(t, linkFreeAtMs);
    if (start - t > queueLimitMs || random() < opts.lossRate) return; // tail drop or random loss
    if (opts.cut && t >= opts.cut[0] && t < opts.cut[1]) return;
    linkFreeAtMs = start + (bytes * 8 * 1000) / opts.capacityBps;
    const delayMs = t >= (opts.delayChangesAtMs ?? Infinity) ? opts.delayAfterMs! : (opts.delayMs ?? 20);
    arrivals.push({ atMs: linkFreeAtMs + delayMs, seq: s });
  };
  for (; t < opts.seconds * 1000; t += 1) {
    const allowed = Math.min(est.estimateBps, opts.appMaxBps);
    const rate = opts.layers ? Math.max(opts.layers[0]!, ...opts.layers.filter((l) => l <= allowed)) : allowed;
    for (credit += rate / 8 / 1000; credit >= size; credit -= size) send(size);
    // With layers, an SFU also forwards audio: 50 packets/s of 100 bytes.
    if (opts.layers && t % 20 === 0) send(100);
    for (let i = 0; i < arrivals.length; ) {
      if (arrivals[i]!.atMs <= t) {
        fb.onPacket(arrivals[i]!.seq, arrivals[i]!.atMs * 1000);
        arrivals.splice(i, 1);
      } else i++;
    }
    if (t % (opts.feedbackEveryMs ?? 50) === 0) {
      const wire = fb.build(0);
      if (wire) {
        for (const p of RtcpPacketConverter.deSerialize(wire)) {
          if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof TransportWideCC) est.onFeedback(p.feedback);
        }
      }
    }
    if (t % 500 === 0) history.push({ t, bps: est.update(t), arrivedBps: est.recentReceiveBps });
  }
  return history;
}

type History = ReturnType<typeof simulate>;
const after = (h: History, ms: number, what: 'bps' | 'arrivedBps' = 'bps') => h.filter((x) => x.t >= ms).map((x) => x[what]);

test('on a 1 Mbit/s link the estimate settles near the capacity', () => {
  const h = simulate({ capacityBps: 1_000_000, lossRate: 0, appMaxBps: 10_000_000, seconds: 30 });
  const late = after(h, 10_000);
  const mean = late.reduce((a, b) => a + b, 0) / late.length;
  assert.ok(mean > 600_000 && mean < 1_300_000, `mean ${Math.round(mean)}`);
  assert.ok(Math.max(...late) < 2_000_000, `max ${Math.round(Math.max(...late))}`);
});

test('what arrived never reads as more than the link carries, however the feedback is batched', () => {
  // The estimate overshoots the 1 Mbit/s link again and again; the queue fills and drains.
  const h = simulate({ capacityBps: 1_000_000, lossRate: 0.02, appMaxBps: 10_000_000, seconds: 30, delayMs: 50, feedbackEveryMs: 130 });
  const arrived = after(h, 2_000, 'arrivedBps');
  // 1240 bytes counted per 1200 carried (the estimator adds the IP, UDP and SRTP overhead).
  assert.ok(Math.max(...arrived) <= 1_000_000 * (1240 / 1200) * 1.02, `max ${Math.round(Math.max(...arrived))}`);
  assert.ok(Math.min(...arrived) > 0, 'a window without a reading');
});

test('2 % random loss alone does not collapse the estimate', () => {
  const h = simulate({ capacityBps: 1_000_000, lossRate: 0.02, appMaxBps: 10_000_000, seconds: 30, delayMs: 50 });
  const late = after(h, 10_000);
  assert.ok(Math.min(...late) > 400_000, `min ${Math.round(Math.min(...late))}`);
});

test('sending layers over a lossy link whose path gets 40 ms longer, it holds instead of spiralling down', () => {
  // The path change looks like a standing queue for a while; backing off again and again would
  // lower what arrives, then the estimate, then the layer, down to audio only.
  const h = simulate({
    capacityBps: 1_000_000,
    lossRate: 0.02,
    appMaxBps: 10_000_000,
    seconds: 40,
    layers: [60_000, 210_000, 560_000],
    delayMs: 10,
    delayChangesAtMs: 10_000,
    delayAfterMs: 50,
  });
  const figures = JSON.stringify(after(h, 10_000).map((b) => Math.round(b / 1000)));
  // One back-off for the step (indistinguishable from a queue at first), then never below the middle layer.
  assert.ok(Math.min(...after(h, 10_000)) > 210_000, `fell to the lowest layer: ${figures}`);
  assert.ok(Math.min(...after(h, 20_000)) >= 560_000, `did not return to the top layer: ${figures}`);
});

test('a delay step that spans two windows costs one back-off, not a second one against the cut traffic', () => {
  const h = simulate({
    capacityBps: 5_000_000,
    lossRate: 0,
    appMaxBps: 10_000_000,
    seconds: 14,
    layers: [100_000, 300_000, 800_000],
    delayMs: 10,
    delayChangesAtMs: 10_250, // mid-window: the step's mean delay rises over two windows
    delayAfterMs: 50,
  });
  const drops = h.filter((x, i) => x.t >= 10_000 && i > 0 && x.bps < h[i - 1]!.bps).length;
  const figures = JSON.stringify(after(h, 9_500).map((b) => Math.round(b / 1000)));
  assert.ok(drops <= 1, `${drops} back-offs: ${figures}`);
  assert.ok(after(h, 10_000).every((b) => b >= 300_000), `fell below the middle layer: ${figures}`);
});

test('sending layers over a link too slow for the top one, it tries the top layer rarely, and ever more rarely', () => {
  const layers = [100_000, 300_000, 800_000];
  const h = simulate({ capacityBps: 500_000, lossRate: 0.02, appMaxBps: 10_000_000, seconds: 120, layers, delayMs: 50 });
  const tries = (from: number, to: number) =>
    h.filter((x, i) => x.t >= from && x.t < to && i > 0 && x.bps >= layers[2]! && h[i - 1]!.bps < layers[2]!).length;
  const figures = `tries of the top layer: first 30 s ${tries(0, 30_000)}, last 60 s ${tries(60_000, 120_000)}`;
  assert.ok(tries(0, 30_000) <= 3, figures);
  assert.ok(tries(60_000, 120_000) <= 2, figures);
  assert.ok(after(h, 10_000).every((b) => b >= layers[1]!), `fell below the middle layer: ${figures}`);
});

test('a 5 s cut of the link is an outage, not congestion: the estimate is the same after it', () => {
  const layers = [100_000, 300_000, 800_000];
  const h = simulate({ capacityBps: 5_000_000, lossRate: 0.02, appMaxBps: 10_000_000, seconds: 25, layers, delayMs: 20, cut: [10_000, 15_000] });
  const figures = JSON.stringify(after(h, 9_000).map((b) => Math.round(b / 1000)));
  assert.ok(after(h, 9_000).every((b) => b >= layers[2]!), `the top layer did not survive the cut: ${figures}`);
});

test('5 % random loss without a queue is the link, not congestion: the estimate still grows', () => {
  // A lossy Wi-Fi link: holding at every loss between 2 and 10 % would keep a subscriber at whatever
  // one unlucky moment left it, down to audio only.
  const h = simulate({ capacityBps: 20_000_000, lossRate: 0.05, appMaxBps: 20_000_000, seconds: 20, delayMs: 20 });
  assert.ok(h.at(-1)!.bps > 5_000_000, `stayed at ${Math.round(h.at(-1)!.bps / 1000)} kbit/s`);
});

test('without a bottleneck it grows, and it falls within seconds when the link narrows', () => {
  const open = simulate({ capacityBps: 100_000_000, lossRate: 0, appMaxBps: 100_000_000, seconds: 10 });
  assert.ok(open.at(-1)!.bps > 8_000_000, `grew to ${Math.round(open.at(-1)!.bps)}`);
  const narrow = simulate({ capacityBps: 300_000, lossRate: 0, appMaxBps: 100_000_000, seconds: 6 });
  assert.ok(after(narrow, 4_000).every((b) => b < 500_000), JSON.stringify(after(narrow, 4_000)));
});

test('a link that cannot carry more is probed ever less often', () => {
  const h = simulate({ capacityBps: 300_000, lossRate: 0, appMaxBps: 10_000_000, seconds: 90 });
  const drops = (from: number, to: number) => h.filter((x, i) => x.t >= from && x.t < to && i > 0 && x.bps < h[i - 1]!.bps).length;
  assert.ok(drops(60_000, 90_000) < drops(0, 30_000), `back-offs: first 30 s ${drops(0, 30_000)}, last 30 s ${drops(60_000, 90_000)}`);
  assert.ok(after(h, 30_000).every((b) => b < 600_000), 'stays near the capacity');
});
