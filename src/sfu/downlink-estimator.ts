/**
 * Our estimate of one subscriber's downlink, from the transport-wide congestion-control feedback
 * its browser sends about the packets the SFU sent it. werift records the sends per sender and
 * reads only run-length chunks of the feedback, so its own estimate is unusable; this one sees
 * every packet of the transport.
 *
 * A simple delay- and loss-based controller, updated on the router's tick:
 * - queuing delay (one-way delay above its recent minimum) over OVERUSE_DELAY_MS, or loss over
 *   10 %: back off to 85 % of what actually arrived;
 * - loss between 2 and 10 %: hold;
 * - otherwise grow by INCREASE_PER_S, at most to twice what arrived plus HEADROOM_BPS, so that a
 *   subscriber on a low layer can still earn a higher one (the next layer is the probe).
 */
import type { TransportWideCC } from 'werift';

const RING = 1 << 16; // one slot per 16-bit transport sequence number
export const INITIAL_ESTIMATE_BPS = 1_500_000;
const MIN_ESTIMATE_BPS = 50_000;
const MAX_ESTIMATE_BPS = 50_000_000;
const OVERUSE_DELAY_MS = 60;
const HIGH_LOSS = 0.1;
const LOW_LOSS = 0.02;
const BACKOFF = 0.85;
const INCREASE_PER_S = 1.35;
const HEADROOM_BPS = 1_000_000;
/**
 * No growth this soon after a back-off: the queue needs time to drain. A back-off soon after the
 * previous hold ended means the growth was a failed probe: the next hold doubles (up to MAX_HOLD_MS),
 * so a link that can't carry the next layer isn't hit with it every few seconds.
 */
const HOLD_AFTER_BACKOFF_MS = 1500;
const MAX_HOLD_MS = 30_000;
const FAILED_PROBE_WITHIN_MS = 5000;
/** The delay baseline is the minimum over this many recent windows. */
const BASELINE_WINDOWS = 20;
const RTP_OVERHEAD_BYTES = 40; // IP + UDP + SRTP auth tag, roughly
const MIN_REPORTS = 10;

const STATUS_LOST = 0;

export class DownlinkEstimator {
  private readonly sentAtMs = new Float64Array(RING).fill(NaN);
  private readonly sentBytes = new Uint16Array(RING);
  private estimate = INITIAL_ESTIMATE_BPS;
  private lastUpdateMs = NaN;
  private lastBackoffMs = -Infinity;
  private holdMs = HOLD_AFTER_BACKOFF_MS;
  // This window's feedback.
  private ackedBytes = 0;
  private received = 0;
  private lost = 0;
  private delaySum = 0;
  private delayMin = Infinity;
  private readonly windowMinima: number[] = [];
  /** Of the latest update: what arrived (bits/s), the loss ratio and the queuing delay (ms). */
  lastReceiveBps = 0;
  lastLoss = 0;
  lastQueueDelayMs = 0;

  constructor(initialBps = INITIAL_ESTIMATE_BPS) {
    this.estimate = initialBps;
  }

  get estimateBps(): number {
    return this.estimate;
  }

  /** Hot path: the SFU sent packet `seq` (transport-wide) of `bytes` payload+header bytes. */
  onSent(seq: number, bytes: number, nowMs: number): void {
    this.sentAtMs[seq] = nowMs;
    this.sentBytes[seq] = Math.min(bytes + RTP_OVERHEAD_BYTES, 0xffff);
  }

  /** A transport-cc feedback packet from the subscriber, as werift parsed it. */
  onFeedback(fb: TransportWideCC): void {
    let seq = fb.baseSequenceNumber;
    let remaining = fb.packetStatusCount;
    let deltaIndex = 0;
    let recvUs = fb.referenceTime * 64_000;
    for (const chunk of fb.packetChunks) {
      if (remaining <= 0) break;
      if ('runLength' in chunk) {
        const n = Math.min(chunk.runLength, remaining);
        for (let i = 0; i < n; i++) {
          if (chunk.packetStatus !== STATUS_LOST) recvUs += fb.recvDeltas[deltaIndex++]?.delta ?? 0;
          this.result(seq, chunk.packetStatus !== STATUS_LOST, recvUs);
          seq = (seq + 1) & 0xffff;
        }
        remaining -= n;
      } else {
        const n = Math.min(chunk.symbolList.length, remaining);
        for (let i = 0; i < n; i++) {
          const status = chunk.symbolList[i]!;
          if (status !== STATUS_LOST) recvUs += fb.recvDeltas[deltaIndex++]?.delta ?? 0;
          this.result(seq, status !== STATUS_LOST, recvUs);
          seq = (seq + 1) & 0xffff;
        }
        remaining -= n;
      }
    }
  }

  /** Folds the feedback since the last call into the estimate. */
  update(nowMs: number): number {
    const dtMs = Number.isNaN(this.lastUpdateMs) ? 0 : nowMs - this.lastUpdateMs;
    this.lastUpdateMs = nowMs;
    const reports = this.received + this.lost;
    // Too few packets to judge (a new subscriber, audio only): no verdict on so little.
    if (dtMs <= 0 || reports < MIN_REPORTS) {
      this.resetWindow();
      return this.estimate;
    }
    const receiveBps = (this.ackedBytes * 8 * 1000) / dtMs;
    const loss = this.lost / reports;
    let queueDelay = 0;
    if (this.received > 0) {
      this.windowMinima.push(this.delayMin);
      if (this.windowMinima.length > BASELINE_WINDOWS) this.windowMinima.shift();
      queueDelay = this.delaySum / this.received - Math.min(...this.windowMinima);
    }
    this.lastReceiveBps = receiveBps;
    this.lastLoss = loss;
    this.lastQueueDelayMs = queueDelay;
    if (loss > HIGH_LOSS || queueDelay > OVERUSE_DELAY_MS) {
      if (this.estimate > receiveBps * BACKOFF) {
        const sinceHoldEnded = nowMs - (this.lastBackoffMs + this.holdMs);
        if (sinceHoldEnded >= FAILED_PROBE_WITHIN_MS) this.holdMs = HOLD_AFTER_BACKOFF_MS;
        else if (sinceHoldEnded >= 0) this.holdMs = Math.min(MAX_HOLD_MS, this.holdMs * 2);
        this.lastBackoffMs = nowMs;
      }
      this.estimate = Math.min(this.estimate, receiveBps * BACKOFF);
    } else if (loss <= LOW_LOSS && nowMs - this.lastBackoffMs >= this.holdMs) {
      const grown = this.estimate * Math.pow(INCREASE_PER_S, dtMs / 1000);
      this.estimate = Math.max(this.estimate, Math.min(grown, 2 * receiveBps + HEADROOM_BPS));
    }
    this.estimate = Math.min(MAX_ESTIMATE_BPS, Math.max(MIN_ESTIMATE_BPS, this.estimate));
    this.resetWindow();
    return this.estimate;
  }

  private result(seq: number, received: boolean, recvUs: number): void {
    const sentAt = this.sentAtMs[seq]!;
    if (Number.isNaN(sentAt)) return; // not ours, or already reported
    this.sentAtMs[seq] = NaN;
    if (!received) {
      this.lost++;
      return;
    }
    this.received++;
    this.ackedBytes += this.sentBytes[seq]!;
    // Send and receive clocks differ by an unknown offset; only changes of this delay matter.
    const delay = recvUs / 1000 - sentAt;
    this.delaySum += delay;
    if (delay < this.delayMin) this.delayMin = delay;
  }

  private resetWindow(): void {
    this.ackedBytes = 0;
    this.received = 0;
    this.lost = 0;
    this.delaySum = 0;
    this.delayMin = Infinity;
  }
}
