import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtcpPacketConverter, RtcpTransportLayerFeedback, TransportWideCC } from 'werift';
import { DownlinkEstimator } from './downlink-estimator.js';
import { TransportFeedbackBuilder } from './transport-feedback.js';

/**
 * A sender that sends what the estimate allows (capped at `appMaxBps`) in 1200-byte packets over a
 * link of `capacityBps` with a drop-tail queue and random loss; the receiver's feedback comes from
 * our own TransportFeedbackBuilder and is parsed by werift, as on the wire.
 */
function simulate(opts: { capacityBps: number; lossRate: number; appMaxBps: number; seconds: number; delayMs?: number }) {
  const est = new DownlinkEstimator();
  const fb = new TransportFeedbackBuilder(1);
  const size = 1200;
  const queueLimitMs = 300;
  let seq = 0;
  let linkFreeAtMs = 0;
  let rng = 12345;
  const random = () => ((rng = (rng * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const arrivals: { atMs: number; seq: number }[] = [];
  const history: { t: number; bps: number }[] = [];
  let credit = 0;
  for (let t = 0; t < opts.seconds * 1000; t += 1) {
    credit += Math.min(est.estimateBps, opts.appMaxBps) / 8 / 1000;
    while (credit >= size) {
      credit -= size;
      const s = seq++ & 0xffff;
      est.onSent(s, size, t);
      const start = Math.max(t, linkFreeAtMs);
      if (start - t > queueLimitMs || random() < opts.lossRate) continue; // tail drop or random loss
      linkFreeAtMs = start + (size * 8 * 1000) / opts.capacityBps;
      arrivals.push({ atMs: linkFreeAtMs + (opts.delayMs ?? 20), seq: s });
    }
    for (let i = 0; i < arrivals.length; ) {
      if (arrivals[i]!.atMs <= t) {
        fb.onPacket(arrivals[i]!.seq, arrivals[i]!.atMs * 1000);
        arrivals.splice(i, 1);
      } else i++;
    }
    if (t % 50 === 0) {
      const wire = fb.build(0);
      if (wire) {
        for (const p of RtcpPacketConverter.deSerialize(wire)) {
          if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof TransportWideCC) est.onFeedback(p.feedback);
        }
      }
    }
    if (t % 500 === 0) history.push({ t, bps: est.update(t) });
  }
  return history;
}

const after = (h: { t: number; bps: number }[], ms: number) => h.filter((x) => x.t >= ms).map((x) => x.bps);

test('on a 1 Mbit/s link the estimate settles near the capacity', () => {
  const h = simulate({ capacityBps: 1_000_000, lossRate: 0, appMaxBps: 10_000_000, seconds: 30 });
  const late = after(h, 10_000);
  const mean = late.reduce((a, b) => a + b, 0) / late.length;
  assert.ok(mean > 600_000 && mean < 1_300_000, `mean ${Math.round(mean)}`);
  assert.ok(Math.max(...late) < 2_000_000, `max ${Math.round(Math.max(...late))}`);
});

test('2 % random loss alone does not collapse the estimate', () => {
  const h = simulate({ capacityBps: 1_000_000, lossRate: 0.02, appMaxBps: 10_000_000, seconds: 30, delayMs: 50 });
  const late = after(h, 10_000);
  assert.ok(Math.min(...late) > 400_000, `min ${Math.round(Math.min(...late))}`);
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
