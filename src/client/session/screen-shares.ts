/**
 * Who is sharing a screen, in the order this browser learned the shares started (our own included,
 * under our participant id), so that the newest one can be shown large.
 */
export class ScreenShares {
  /** A Map keeps insertion order: the newest share is the last key. */
  private readonly order = new Map<string, true>();

  /** True when this changed anything. A share that is already listed keeps its place. */
  set(participantId: string, active: boolean): boolean {
    if (active === this.order.has(participantId)) return false;
    if (active) this.order.set(participantId, true);
    else this.order.delete(participantId);
    return true;
  }

  clear(): boolean {
    const had = this.order.size > 0;
    this.order.clear();
    return had;
  }

  /** Oldest first. */
  ids(): string[] {
    return [...this.order.keys()];
  }
}
