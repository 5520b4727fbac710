/**
 * Process-wide media-plane counters, read by /metrics and the benchmark. Plain numbers, so the
 * hot path only increments.
 */
export const forwardingStats = {
  /** RTP packets handed to a subscriber's sender. */
  forwardedPackets: 0,
  /** RTP packets received from publishers. */
  receivedPackets: 0,
  /** Keyframe requests (PLI) sent to publishers. */
  keyframeRequests: 0,
  /** Transport-wide congestion-control feedback packets sent. */
  transportFeedbackPackets: 0,
  /** Upgrade probes (upgrade-probe.ts) whose rate the link carried: the layer went up. */
  probesCarried: 0,
  /** Upgrade probes that ended without the upgrade (the estimate backed off, or the plan changed). */
  probesRefused: 0,
  /** Upgrade probes that neither arrived nor overflowed in time: the layer stayed. */
  probesTimedOut: 0,
};
