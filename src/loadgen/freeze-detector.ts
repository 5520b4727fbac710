/**
 * Video freezes as Chrome counts them (webrtc's VideoQualityObserver, the source of getStats'
 * freezeCount and totalFreezesDuration): an inter-frame gap is a freeze when it is at least
 * max(3 × average, average + 150 ms), the average being over the last 30 gaps including this one,
 * once 5 gaps are known. Figures are per measurement window; a freeze still going on when the
 * window ends counts too (Chrome would count it at the next frame). While paused (the video is
 * held back on purpose, or gone) nothing is watched, and the gap across the pause is no freeze.
 */
const WINDOW = 30;
const MIN_SAMPLES = 5;
const MIN_INCREASE_MS = 150;
/** A video watched this long without a single frame is reported as never shown. */
const NEVER_SHOWN_AFTER_MS = 2000;

export interface FreezeStats {
  frames: number;
  freezes: number;
  frozenMs: number;
  /** Time in the window between frames of this video, and from its last frame to now while watched. */
  observedMs: number;
  /** Watched for a while in the window, and not one frame came. */
  neverShown: boolean;
}

export class FreezeDetector {
  private readonly gaps = new Float64Array(WINDOW);
  private gapCount = 0;
  private gapSum = 0;
  private everShown = false;
  /** NaN before the first frame and while paused. */
  private lastFrameMs = NaN;
  /** First frame of the current run of frames (since start or the last pause). */
  private runStartMs = NaN;
  /** NaN until the window starts: frames before it only teach the average. */
  private windowStartMs = NaN;
  private watchingSinceMs: number;
  private paused = false;
  private frames = 0;
  private freezes = 0;
  private frozenMs = 0;
  private closedObservedMs = 0;

  constructor(nowMs: number) {
    this.watchingSinceMs = nowMs;
  }

  /** Counting starts now; the gaps seen before still make the average. */
  startWindow(nowMs: number): void {
    this.windowStartMs = nowMs;
  }

  onFrame(nowMs: number): void {
    this.everShown = true;
    if (Number.isNaN(this.lastFrameMs)) {
      this.runStartMs = nowMs;
    } else {
      const gap = nowMs - this.lastFrameMs;
      const freeze = this.isFreeze(gap);
      this.addGap(gap);
      if (freeze && this.inWindow(nowMs) > 0) {
        this.freezes++;
        this.frozenMs += this.inWindow(nowMs) - this.inWindow(this.lastFrameMs);
      }
    }
    this.lastFrameMs = nowMs;
    if (nowMs >= this.windowStartMs) this.frames++; // false while the window hasn't started (NaN)
  }

  /** Not watched from now on (held back or gone): it ended at its last frame. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (!Number.isNaN(this.lastFrameMs)) this.closedObservedMs += this.inWindow(this.lastFrameMs) - this.inWindow(this.runStartMs);
    this.lastFrameMs = NaN;
  }

  /** Watched again; the next frame starts a new run. */
  resume(nowMs: number): void {
    if (!this.paused) return;
    this.paused = false;
    this.watchingSinceMs = nowMs;
  }

  /** The window's figures up to `nowMs`, with a freeze that is still going on. */
  stats(nowMs: number): FreezeStats {
    const out = { frames: this.frames, freezes: this.freezes, frozenMs: this.frozenMs, observedMs: this.closedObservedMs, neverShown: false };
    if (Number.isNaN(this.windowStartMs) || this.paused) return out;
    if (!this.everShown) {
      out.neverShown = nowMs - Math.max(this.windowStartMs, this.watchingSinceMs) >= NEVER_SHOWN_AFTER_MS;
      return out;
    }
    if (Number.isNaN(this.lastFrameMs)) return out;
    out.observedMs += this.inWindow(nowMs) - this.inWindow(this.runStartMs);
    if (this.isFreeze(nowMs - this.lastFrameMs)) {
      out.freezes++;
      out.frozenMs += this.inWindow(nowMs) - this.inWindow(this.lastFrameMs);
    }
    return out;
  }

  /** Milliseconds from the window start to `t` (0 before it, or before the window started). */
  private inWindow(t: number): number {
    return Number.isNaN(this.windowStartMs) ? 0 : Math.max(0, t - this.windowStartMs);
  }

  /** Judged with the average that includes `gap`, as Chrome does. */
  private isFreeze(gap: number): boolean {
    if (this.gapCount + 1 < MIN_SAMPLES) return false;
    const evicted = this.gapCount >= WINDOW ? this.gaps[this.gapCount % WINDOW]! : 0;
    const average = (this.gapSum - evicted + gap) / Math.min(WINDOW, this.gapCount + 1);
    return gap >= Math.max(3 * average, average + MIN_INCREASE_MS);
  }

  private addGap(gap: number): void {
    const slot = this.gapCount % WINDOW;
    if (this.gapCount >= WINDOW) this.gapSum -= this.gaps[slot]!;
    this.gaps[slot] = gap;
    this.gapSum += gap;
    this.gapCount++;
  }
}
