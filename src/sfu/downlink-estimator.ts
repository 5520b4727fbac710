/**
 * Our estimate of one subscriber's downlink, from the transport-wide congestion-control feedback
 * its browser sends about the packets the SFU sent it. werift records the sends per sender and
 * reads only run-length chunks of the feedback, so its own estimate is unusable; this one sees
 * every packet of the transport.
 *
 * A simple delay- and loss-based controller, updated on the router's tick:
 * - the queue growing (the window's mean one-way delay up by more than RISING_MS on the previous
 *   window, smoothed, with some queue built up) or loss over 10 %: back off to 85 % of what
 *   actually arrived. Like GCC, it reacts to the delay's trend, not its level: a queue that is
 *   draining, or a path that got longer (its delay rose once and stays), is not overuse, so the
 *   estimate can't spiral down by backing off again and again from ever less traffic;
 * - loss between 2 and 10 % with a queue building, or a standing queue over STANDING_QUEUE_MS:
 *   hold (loss without any queue is the link's own, not congestion, and doesn't stop growth);
 * - otherwise grow by INCREASE_PER_S, at most to twice what arrived plus HEADROOM_BPS, so that a
 *   subscriber on a low layer can still earn a higher one (the next layer is the probe).
 */
import type { TransportWideCC } from 'werift';

const RING = 1 << 16; // one slot per 16-bit transport sequence number
export const INITIAL_ESTIMATE_BPS = 1_500_000;
const MIN_ESTIMATE_BPS = 50_000;
const MAX_ESTIMATE_BPS = 50_000_000;
/** Overuse: the smoothed rise of the delay per window, and the queue it must have built. */
const RISING_MS = 8;
const MIN_OVERUSE_QUEUE_MS = 15;
/** A queue this long never allows growth, rising or not. */
const STANDING_QUEUE_MS = 60;
const TREND_SMOOTHING = 0.5;
/**
 * Every packet sent over this long a stretch lost: the link was down (a cut, a network change),
 * which says nothing about its capacity. Congestion, even far beyond the link's rate, lets some
 * packets through. Such a window is not judged.
 */
const OUTAGE_MS = 1000;
/** Loss is judged over the recent windows (each older one weighs this much less), not one alone. */
const LOSS_DECAY = 0.5;
const HIGH_LOSS = 0.1;
const LOW_LOSS = 0.02;
const BACKOFF = 0.85;
const INCREASE_PER_S = 1.35;
/**
 * Above the rate at which the link last overflowed, growth is this much slower (as GCC's additive
 * increase near its last maximum): the next layer gets tried there only now and then. Once more
 * than SAME_LEVEL times that rate has arrived without trouble, the link got better and the old
 * level no longer counts.
 */
const NEAR_OVERFLOW_INCREASE_PER_S = 1.08;
const HEADROOM_BPS = 1_000_000;
/**
 * No growth this soon after a back-off: the queue needs time to drain. A back-off at about the rate
 * that overflowed the link last time (within SAME_LEVEL of it) means the link still can't carry
 * more, and the growth since was a failed probe: the next hold doubles (up to MAX_HOLD_MS), so a
 * link that can't carry the next layer isn't hit with it every few seconds. A back-off at a clearly
 * higher rate (the link got better) starts again from the short hold.
 */
const HOLD_AFTER_BACKOFF_MS = 1500;
const MAX_HOLD_MS = 30_000;
const SAME_LEVEL = 1.3;
/** The delay baseline is the minimum over this many recent windows. */
const BASELINE_WINDOWS = 20;
/** `recentReceiveBps` looks back this many windows (2 s on the router's tick). */
const RECENT_WINDOWS = 4;
const RTP_OVERHEAD_BYTES = 40; // IP + UDP + SRTP auth tag, roughly
/** Arrivals spread over less than this say nothing about a rate. */
const MIN_ARRIVAL_SPREAD_MS = 100;
const MIN_REPORTS = 10;

const STATUS_LOST = 0;

export class DownlinkEstimator {
  private readonly sentAtMs = new Float64Array(RING).fill(NaN);
  private readonly sentBytes = new Uint16Array(RING);
  private estimate = INITIAL_ESTIMATE_BPS;
  private lastUpdateMs = NaN;
  private lastBackoffMs = -Infinity;
  private holdMs = HOLD_AFTER_BACKOFF_MS;
  /** What arrived when the link last overflowed. */
  private overflowBps = 0;
  // This window's feedback.
  private ackedBytes = 0;
  private received = 0;
  private lost = 0;
  private delaySum = 0;
  private delayMin = Infinity;
  private readonly windowMinima: number[] = [];
  private prevMeanDelay = NaN;
  private trend = 0;
  private recentLost = 0;
  private recentReports = 0;
  /** Send time of the first of the lost packets reported in a row; NaN after a received one. */
  private lostRunFromMs = NaN;
  private outage = false;
  /** The latest update found the link overflowing (and backed off). */
  congested = false;
  /** This window's earliest and latest arrival (µs, the browser's clock), and the earliest one's bytes. */
  private firstArrivalUs = Infinity;
  private lastArrivalUs = -Infinity;
  private firstArrivalBytes = 0;
  /** What arrived (bits/s) in each of the last few windows, for `recentReceiveBps`. */
  private readonly recentReceive = new Float64Array(RECENT_WINDOWS);
  private recentIndex = 0;

  constructor(initialBps = INITIAL_ESTIMATE_BPS) {
    this.estimate = initialBps;
  }

  get estimateBps(): number {
    return this.estimate;
  }

  /**
   * The most that arrived (bits/s) in any of the last RECENT_WINDOWS windows, timed by the browser's
   * arrival times: what the link has shown it carries. (Counted per window of our clock instead, a
   * batch of feedback more or less reads as more than a full link carries.)
   */
  get recentReceiveBps(): number {
    let max = 0;
    for (const bps of this.recentReceive) max = Math.max(max, bps);
    return max;
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
    if (this.outage) {
      // What arrives after it may have waited in a queue: the delay trend starts afresh too.
      this.prevMeanDelay = NaN;
      this.trend = 0;
      this.resetWindow();
      return this.estimate;
    }
    const receiveBps = (this.ackedBytes * 8 * 1000) / dtMs;
    this.recentLost = this.recentLost * LOSS_DECAY + this.lost;
    this.recentReports = this.recentReports * LOSS_DECAY + reports;
    const loss = this.recentLost / this.recentReports;
    let queueDelay = 0;
    if (this.received > 0) {
      this.windowMinima.push(this.delayMin);
      if (this.windowMinima.length > BASELINE_WINDOWS) this.windowMinima.shift();
      const meanDelay = this.delaySum / this.received;
      queueDelay = meanDelay - Math.min(...this.windowMinima);
      const rise = Number.isNaN(this.prevMeanDelay) ? 0 : meanDelay - this.prevMeanDelay;
      this.trend = TREND_SMOOTHING * this.trend + (1 - TREND_SMOOTHING) * rise;
      this.prevMeanDelay = meanDelay;
    }
    const spreadMs = (this.lastArrivalUs - this.firstArrivalUs) / 1000;
    // n packets arrive over n - 1 gaps: the first one's bytes came before the spread began.
    this.recentReceive[this.recentIndex] = spreadMs >= MIN_ARRIVAL_SPREAD_MS ? ((this.ackedBytes - this.firstArrivalBytes) * 8000) / spreadMs : 0;
    this.recentIndex = (this.recentIndex + 1) % RECENT_WINDOWS;
    const queueGrowing = this.trend > RISING_MS && queueDelay > MIN_OVERUSE_QUEUE_MS;
    this.congested = loss > HIGH_LOSS || queueGrowing;
    if (this.congested) {
      if (this.estimate > receiveBps * BACKOFF) {
        // A new overflow, not the last one still draining.
        if (nowMs - this.lastBackoffMs >= this.holdMs) {
          const failedAgain = receiveBps <= this.overflowBps * SAME_LEVEL;
          this.holdMs = failedAgain ? Math.min(MAX_HOLD_MS, this.holdMs * 2) : HOLD_AFTER_BACKOFF_MS;
          this.overflowBps = receiveBps;
        }
        this.lastBackoffMs = nowMs;
      }
      this.estimate = Math.min(this.estimate, receiveBps * BACKOFF);
      // One back-off per rise: the next window is the new reference. A delay step (a path that got
      // longer) often spans two windows and would otherwise count twice, the second time against
      // the traffic the first back-off already cut.
      this.trend = 0;
      this.prevMeanDelay = NaN;
    } else if (grows(loss, queueDelay) && nowMs - this.lastBackoffMs >= this.holdMs) {
      if (receiveBps > this.overflowBps * SAME_LEVEL) this.overflowBps = 0;
      const perS = this.overflowBps > 0 && this.estimate >= this.overflowBps ? NEAR_OVERFLOW_INCREASE_PER_S : INCREASE_PER_S;
      const grown = this.estimate * Math.pow(perS, dtMs / 1000);
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
      if (Number.isNaN(this.lostRunFromMs)) this.lostRunFromMs = sentAt;
      else if (sentAt - this.lostRunFromMs >= OUTAGE_MS) this.outage = true;
      return;
    }
    this.lostRunFromMs = NaN;
    this.received++;
    const bytes = this.sentBytes[seq]!;
    this.ackedBytes += bytes;
    if (recvUs < this.firstArrivalUs) {
      this.firstArrivalUs = recvUs;
      this.firstArrivalBytes = bytes;
    }
    if (recvUs > this.lastArrivalUs) this.lastArrivalUs = recvUs;
    // Send and receive clocks differ by an unknown offset; only changes of this delay matter.
    const delay = recvUs / 1000 - sentAt;
    this.delaySum += delay;
    if (delay < this.delayMin) this.delayMin = delay;
  }

  private resetWindow(): void {
    this.outage = false;
    this.ackedBytes = 0;
    this.received = 0;
    this.lost = 0;
    this.delaySum = 0;
    this.delayMin = Infinity;
    this.firstArrivalUs = Infinity;
    this.lastArrivalUs = -Infinity;
    this.firstArrivalBytes = 0;
  }
}

/**
 * Whether the estimate may grow: little loss and no long queue, or some loss without any queue.
 * Loss with no queue behind it is the link's own (Wi-Fi, a lossy path), not congestion; holding on
 * it would keep a subscriber on a lossy link at whatever one bad moment left it.
 */
function grows(loss: number, queueDelayMs: number): boolean {
  if (loss <= LOW_LOSS) return queueDelayMs <= STANDING_QUEUE_MS;
  return loss <= HIGH_LOSS && queueDelayMs <= MIN_OVERUSE_QUEUE_MS;
}
