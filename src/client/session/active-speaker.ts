/**
 * Who is speaking, from each remote participant's audio level (0..1, linear, as WebRTC reports it).
 * With hysteresis, so that the spotlight doesn't flap between people: someone takes over only after
 * being the loudest, above the speech threshold and clearly louder than the current speaker, for
 * HOLD_MS in a row. The active speaker stays active through pauses, until someone else takes over
 * or they leave.
 */

/** About -34 dBov: above a quiet room, below normal speech. */
export const SPEECH_LEVEL = 0.02;
/** How much louder than the current speaker a challenger must be, so that cross-talk doesn't switch. */
export const TAKEOVER_RATIO = 1.5;
/** How long a challenger must keep that up. */
export const HOLD_MS = 900;

export class ActiveSpeaker {
  /** The active speaker's participant id, or null before anyone spoke. */
  current: string | null = null;
  private challenger: { id: string; since: number } | null = null;

  /** Feed one measurement of everyone's level (absent: gone); returns the active speaker. */
  update(levels: ReadonlyMap<string, number>, now: number): string | null {
    if (this.current !== null && !levels.has(this.current)) this.current = null;
    let loudest: string | null = null;
    let loudestLevel = SPEECH_LEVEL;
    for (const [id, level] of levels) {
      if (level >= loudestLevel) {
        loudest = id;
        loudestLevel = level;
      }
    }
    const currentLevel = this.current === null ? 0 : (levels.get(this.current) ?? 0);
    if (loudest === null || loudest === this.current || loudestLevel < currentLevel * TAKEOVER_RATIO) {
      this.challenger = null;
      return this.current;
    }
    if (this.challenger?.id !== loudest) this.challenger = { id: loudest, since: now };
    if (now - this.challenger.since >= HOLD_MS) {
      this.current = loudest;
      this.challenger = null;
    }
    return this.current;
  }
}
