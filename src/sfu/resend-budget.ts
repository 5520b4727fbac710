/**
 * How much a subscriber's downlink may spend on resending packets its browser NACKed: a token bucket
 * filled at a share of the downlink estimate. On an overflowing link every loss brings a NACK and
 * every NACK a resend into the same full queue; without a bound the resends feed the loss.
 */
const SHARE = 0.2;
/** The bucket holds this long a stretch of the allowed rate, so the losses of a keyframe's burst are served. */
const BURST_S = 1;

export class ResendBudget {
  private tokens = 0;
  private lastMs: number;

  constructor(
    private readonly estimateBps: () => number,
    nowMs: number,
  ) {
    this.lastMs = nowMs;
  }

  /** Whether a resend of `bytes` fits now; if it does, it is counted. */
  take(bytes: number, nowMs: number): boolean {
    const bytesPerS = (this.estimateBps() * SHARE) / 8;
    this.tokens = Math.min(bytesPerS * BURST_S, this.tokens + (bytesPerS * (nowMs - this.lastMs)) / 1000);
    this.lastMs = nowMs;
    if (this.tokens < bytes) return false;
    this.tokens -= bytes;
    return true;
  }
}
