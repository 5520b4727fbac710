/**
 * Before a subscriber's video goes up a layer, its link must have shown that it carries the new
 * rate: plain logic, run on the router's plan. Switching up is otherwise the probe itself, and a
 * failed one costs a freeze: the new layer's keyframe (tens of kilobytes at once) overflows the
 * queue, and the fall back needs another keyframe. Instead the SFU first pads the downlink up to
 * the new rate (RTX padding packets, which the browser counts in its congestion feedback and then
 * drops); only once that rate has arrived does the layer change. If the link can't carry it, the
 * estimate backs off, the plan no longer asks for the upgrade, and the video never stopped.
 */

/**
 * Longest a probe pads. A probe that proved nothing by then (the padding didn't arrive, yet the
 * estimate saw no overflow) refuses the upgrade too, and the next probe waits RETRY_MS: an upgrade
 * that goes ahead unproven risks the freeze the probe exists to avoid.
 */
const PROBE_MS = 2000;
const RETRY_MS = 10_000;
/** A carried probe allows upgrades up to its rate for this long after the last one asked. */
const GRANT_MS = 5000;
/** What arrived counts as the target within this margin (500 ms windows measure noisily). */
const ARRIVED_SHARE = 0.9;
/** The padding aims this much above the target, so that the margin is met on a link that carries it. */
const OVERSHOOT = 1.1;
/**
 * At most this much padding (about 2,500 packets/s, for PROBE_MS at most), enough to prove four full
 * layers at once from quarter ones. A bigger jump is not proven, so it does not happen.
 */
const MAX_PADDING_BPS = 5_000_000;

/**
 * The end of a probe: the link carried its rate (the upgrade happens), the upgrade was given up first
 * (the estimate backed off, or the plan changed), or neither in time (no upgrade either).
 */
export type ProbeOutcome = 'carried' | 'refused' | 'timed-out';

export class UpgradeProbe {
  private targetBps = 0;
  private untilMs = 0;
  private grantedBps = 0;
  private grantedUntilMs = 0;
  private retryAtMs = 0;

  constructor(private readonly ended: (outcome: ProbeOutcome) => void = () => {}) {}

  /**
   * The plan would raise what this subscriber receives to `wantedBps` (video at the planned layers
   * plus audio). `arrivedBps`: the most that arrived in the last windows. True: switch up now. False:
   * hold the current layers while the probe pads towards `wantedBps`.
   */
  allowUpgrade(wantedBps: number, arrivedBps: number, nowMs: number): boolean {
    if (wantedBps <= this.grantedBps && nowMs < this.grantedUntilMs) {
      this.grantedUntilMs = nowMs + GRANT_MS; // still waiting for the layer to flow
      return true;
    }
    if (arrivedBps >= wantedBps * ARRIVED_SHARE) {
      // Granted for a while: the new layer may take a moment to flow (dynacast resumes it) and
      // what arrives drops back once the padding stops.
      this.grantedBps = wantedBps;
      this.grantedUntilMs = nowMs + GRANT_MS;
      return this.end('carried');
    }
    if (nowMs < this.retryAtMs) return false;
    if (this.targetBps === 0) {
      this.untilMs = nowMs + PROBE_MS;
    } else if (nowMs >= this.untilMs) {
      this.end('timed-out');
      this.retryAtMs = nowMs + RETRY_MS;
      return false;
    }
    this.targetBps = Math.max(this.targetBps, wantedBps);
    return false;
  }

  /** No upgrade pending (it happened, the estimate backed off and the plan gave it up, or there was none). */
  stop(): true {
    this.grantedBps = 0;
    return this.end('refused');
  }

  /** Padding to send on top of the media now sent at `mediaBps` (padding not included). */
  paddingBps(mediaBps: number): number {
    return this.targetBps === 0 ? 0 : Math.min(MAX_PADDING_BPS, Math.max(0, this.targetBps * OVERSHOOT - mediaBps));
  }

  private end(outcome: ProbeOutcome): true {
    if (this.targetBps > 0) this.ended(outcome);
    this.targetBps = 0;
    return true;
  }
}
