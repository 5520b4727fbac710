/**
 * Paces a stream from a shared, coarse timer: which ticks (frames, audio packets) are due by now.
 * Each tick has an index, from which the stream derives its RTP timestamp, so timestamps follow
 * the wall clock even when the timer fires late. After a long stall (an overloaded machine) the
 * missed ticks are skipped rather than sent in one burst, as a real encoder drops frames.
 */
export class Metronome {
  private nextIndex = 0;
  private readonly maxBehind: number;

  constructor(
    private readonly intervalMs: number,
    private readonly startMs: number,
    maxLateMs = 200,
  ) {
    this.maxBehind = Math.max(1, Math.floor(maxLateMs / intervalMs));
  }

  /** Calls `tick` with the index of every tick due at `nowMs`, oldest first. */
  run(nowMs: number, tick: (index: number) => void): void {
    // The epsilon keeps a tick that is due exactly now (e.g. 100 / (1000 / 30)) from rounding down.
    const due = Math.floor((nowMs - this.startMs) / this.intervalMs + 1e-9);
    if (due - this.nextIndex > this.maxBehind) this.nextIndex = due;
    while (this.nextIndex <= due) tick(this.nextIndex++);
  }
}
