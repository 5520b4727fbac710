/**
 * Arrival times for the transport-cc feedback we send publishers. Node gives no kernel receive
 * timestamps: a packet is timed when JavaScript handles it. When the event loop stalls (a join's SDP
 * and DTLS work, garbage collection: 50-140 ms measured in a media worker while a second participant
 * joined), the packets that waited in the socket buffer meanwhile would all be timed at the end of the
 * stall. To the sender that is a queue that suddenly grew by the whole stall: Chrome's delay-based
 * estimator reads it as overuse and backs off, and after a few joins its estimate sat at a third of
 * the link (the flaky `tests/e2e/congestion.test.ts`). Timing them all at the stall's start instead
 * reads as a queue that drained at once, which holds Chrome's estimate just as well.
 *
 * So a heartbeat timer shows when the loop last ran, and the packets handled more than STALL_MS
 * after the last beat are spread over the stall, from its start, at the spacing packets had before
 * it (as they most likely arrived), never later than the moment they are handled. Times never go
 * backwards, so the order of arrival is kept.
 */

const BEAT_MS = 5;
/** Later than this after the last beat, the loop was stalled (a late timer alone is a few ms). */
const STALL_MS = 15;
/** The typical spacing of arrivals follows the recent ones (an exponential average). */
const SPACING_SMOOTHING = 0.05;

export class ArrivalClock {
  private lastBeatMs: number;
  private lastArrivalMs = 0;
  private spacingMs = 1;
  /** The stall whose packets are being spread: the beat it started after, and how many so far. */
  private stallFromMs = NaN;
  private inStall = 0;
  private readonly timer: NodeJS.Timeout;

  /** `now`: the clock (tests drive their own, and call beat() themselves). */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastBeatMs = now();
    this.timer = setInterval(this.beat, BEAT_MS);
    this.timer.unref();
  }

  /** The loop is running (the heartbeat timer's callback). */
  readonly beat = (): void => {
    this.lastBeatMs = this.now();
  };

  /** The arrival time (ms, performance.now()'s clock) of a packet being handled now. */
  arrivalMs(): number {
    const t = this.now();
    let arrival = t;
    if (t - this.lastBeatMs > STALL_MS) {
      if (this.stallFromMs !== this.lastBeatMs) {
        this.stallFromMs = this.lastBeatMs;
        this.inStall = 0;
      }
      arrival = Math.min(t, this.lastBeatMs + ++this.inStall * this.spacingMs);
    } else if (this.lastArrivalMs > 0) {
      this.spacingMs += SPACING_SMOOTHING * (Math.min(t - this.lastArrivalMs, STALL_MS) - this.spacingMs);
    }
    if (arrival > this.lastArrivalMs) this.lastArrivalMs = arrival;
    return this.lastArrivalMs;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
