/**
 * The synthetic participants of one thread, driven by two shared timers instead of one per
 * participant: a fine one that paces everyone's media, and a 50 ms one for congestion feedback.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { SyntheticParticipant, type ParticipantPlan, type ParticipantStats } from './participant.js';

export interface PoolStats {
  participants: ParticipantStats[];
  /**
   * How late this thread's event loop ran in the window. Packets are timestamped when the loop gets
   * to them, so lag here shows up as delay in the congestion feedback the SFU receives.
   */
  eventLoopDelayMs: { p99: number; max: number };
}

/** Fine enough for 30 fps video and 20 ms audio; Metronome catches up on late ticks. */
const PACING_MS = 5;
const FEEDBACK_MS = 50;

export class ParticipantPool {
  private readonly participants: SyntheticParticipant[] = [];
  private readonly pacing: NodeJS.Timeout;
  private readonly feedback: NodeJS.Timeout;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.pacing = setInterval(() => {
      const now = performance.now();
      for (const p of this.participants) p.tick(now);
    }, PACING_MS);
    this.feedback = setInterval(() => {
      for (const p of this.participants) p.sendFeedback();
    }, FEEDBACK_MS);
  }

  /** Adds a participant and joins; rejects if it is refused (it stays, for its stats). */
  async join(plan: ParticipantPlan): Promise<void> {
    const participant = new SyntheticParticipant(plan, () => performance.now());
    this.participants.push(participant);
    await participant.join();
  }

  startWindow(): void {
    const now = performance.now();
    for (const p of this.participants) p.startWindow(now);
    this.loopDelay.enable();
  }

  stats(): PoolStats {
    const now = performance.now();
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    return {
      participants: this.participants.map((p) => p.stats(now)),
      eventLoopDelayMs: { p99: ms(this.loopDelay.percentile(99)), max: ms(this.loopDelay.max) },
    };
  }

  async close(): Promise<void> {
    this.loopDelay.disable();
    clearInterval(this.pacing);
    clearInterval(this.feedback);
    await Promise.all(this.participants.map((p) => p.leave()));
  }
}
